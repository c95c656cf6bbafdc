/**
 * Field-level merging of profiles. A "unit" is what is chosen as a whole from one profile: a top-level field
 * (FirstName…), a whole address (Address, ShippingAddress… — members are never mixed across profiles, so that an
 * address stays coherent), one Attributes key (`Attributes.<key>`), or EngagementPreferences. This matches the
 * granularity of MergeProfiles' FieldSourceProfileIds.
 */
import type { ConflictResolution } from '../api/generated/types.js';
import {
  ADDRESS_FIELDS, API_SOURCE, SCALAR_FIELDS, type FieldMeta, type ProfileData,
} from '../model/profile.js';

/** The content of a profile (or of several profiles already consolidated) as merging sees it. */
export interface MergeView {
  data: ProfileData;
  meta: Record<string, FieldMeta>;
  /** Used for fields without recorded provenance. */
  createdAt: number;
  updatedAt: number;
}

const ADDRESS_SET = new Set<string>(ADDRESS_FIELDS);

/** Every unit that has a value in the profile. */
export function unitsOf(data: ProfileData): string[] {
  const out: string[] = [];
  const d = data as Record<string, any>;
  for (const f of SCALAR_FIELDS) if (isPresent(d[f])) out.push(f);
  for (const a of ADDRESS_FIELDS) if (isPresent(d[a])) out.push(a);
  for (const [k, v] of Object.entries(data.Attributes ?? {})) if (isPresent(v)) out.push(`Attributes.${k}`);
  if (isPresent(d.EngagementPreferences)) out.push('EngagementPreferences');
  return out;
}

function isPresent(v: unknown): boolean {
  if (v === undefined || v === null || v === '') return false;
  if (typeof v === 'object') return Object.values(v as object).some((x) => isPresent(x));
  return true;
}

export function getUnit(data: ProfileData, unit: string): unknown {
  if (unit.startsWith('Attributes.')) return data.Attributes?.[unit.slice(11)];
  const v = (data as Record<string, unknown>)[unit];
  return isPresent(v) ? v : undefined;
}

function metaKeysOf(meta: Record<string, FieldMeta>, unit: string): string[] {
  if (ADDRESS_SET.has(unit) || unit === 'EngagementPreferences') {
    return Object.keys(meta).filter((k) => k === unit || k.startsWith(`${unit}.`));
  }
  return meta[unit] ? [unit] : [];
}

/** Provenance of a unit: the latest of its members' provenance, or the profile's own times when none was recorded. */
export function unitMeta(view: MergeView, unit: string): FieldMeta {
  let best: FieldMeta | undefined;
  for (const k of metaKeysOf(view.meta, unit)) {
    const m = view.meta[k]!;
    if (!best || newer(m, best) > 0) best = m;
  }
  return best ?? { updatedAt: view.updatedAt, ingestedAt: view.updatedAt, source: API_SOURCE };
}

/** >0 when a is more recent than b: source-updated time first, then ingestion time. */
export function newer(a: FieldMeta, b: FieldMeta): number {
  return a.updatedAt !== b.updatedAt ? a.updatedAt - b.updatedAt : a.ingestedAt - b.ingestedAt;
}

/** Copies one unit (value and provenance) from `from` into `to` (mutates `to`); an absent value removes it. */
export function copyUnit(to: MergeView, from: MergeView, unit: string): void {
  removeUnit(to, unit);
  const v = getUnit(from.data, unit);
  if (v === undefined) return;
  const d = to.data as Record<string, any>;
  if (unit.startsWith('Attributes.')) (d.Attributes ??= {})[unit.slice(11)] = v;
  else d[unit] = typeof v === 'object' ? cloneJson(v) : v;
  const keys = metaKeysOf(from.meta, unit);
  // Values without recorded provenance keep the provenance they were judged by.
  if (keys.length === 0) to.meta[unit] = unitMeta(from, unit);
  for (const k of keys) to.meta[k] = { ...from.meta[k]! };
}

function removeUnit(view: MergeView, unit: string): void {
  const d = view.data as Record<string, any>;
  if (unit.startsWith('Attributes.')) {
    if (d.Attributes) {
      delete d.Attributes[unit.slice(11)];
      if (Object.keys(d.Attributes).length === 0) delete d.Attributes;
    }
  } else delete d[unit];
  for (const k of metaKeysOf(view.meta, unit)) delete view.meta[k];
}

/**
 * Deep copy of plain JSON values (profile data): structuredClone costs several times more for these small objects,
 * and auto-merging clones a view per consolidation step. An Attributes key `__proto__` stays a plain member.
 */
function cloneJson<T>(v: T): T {
  if (v === null || typeof v !== 'object') return v;
  if (Array.isArray(v)) return v.map(cloneJson) as T;
  const out: Record<string, unknown> = {};
  for (const k of Object.keys(v)) {
    const x = cloneJson((v as Record<string, unknown>)[k]);
    if (k === '__proto__') Object.defineProperty(out, k, { value: x, enumerable: true, writable: true, configurable: true });
    else out[k] = x;
  }
  return out as T;
}

/**
 * A view to build a merge result in. Merging mutates only the top level of `data`, the `Attributes` object and the
 * `meta` map (copyUnit / removeUnit replace whole values and FieldMeta objects, never edit them in place), so those
 * are copied and the rest is shared with `v` — profiles read for a merge are left untouched.
 */
export function cloneView(v: MergeView): MergeView {
  const data = { ...v.data };
  if (v.data.Attributes) data.Attributes = { ...v.data.Attributes };
  return { data, meta: { ...v.meta }, createdAt: v.createdAt, updatedAt: v.updatedAt };
}

/**
 * Auto-merge conflict resolution of two views; `main` wins exact ties. RECENCY: the unit with the newer provenance
 * (updatedAt, then ingestedAt). SOURCE: the unit whose source is SourceName; when both or neither are, RECENCY.
 */
export function resolveConflicts(main: MergeView, other: MergeView, cr: ConflictResolution | undefined): MergeView {
  const out = cloneView(main);
  out.createdAt = Math.min(main.createdAt, other.createdAt);
  out.updatedAt = Math.max(main.updatedAt, other.updatedAt);
  const sourceName = cr?.ConflictResolvingModel === 'SOURCE' ? cr.SourceName : undefined;
  for (const unit of unitsOf(other.data)) {
    if (getUnit(main.data, unit) === undefined) { copyUnit(out, other, unit); continue; }
    const mm = unitMeta(main, unit);
    const om = unitMeta(other, unit);
    if (sourceName !== undefined) {
      const ms = mm.source === sourceName;
      const os = om.source === sourceName;
      if (ms !== os) { if (os) copyUnit(out, other, unit); continue; }
    }
    if (newer(om, mm) > 0) copyUnit(out, other, unit);
  }
  return out;
}

/** FieldSourceProfileIds flattened to unit → profile id. */
export function fieldSourcesToUnits(fs: Record<string, unknown> | undefined): Map<string, string> {
  const out = new Map<string, string>();
  for (const [k, v] of Object.entries(fs ?? {})) {
    if (k === 'Attributes' && v && typeof v === 'object') {
      for (const [ak, av] of Object.entries(v as Record<string, string>)) out.set(`Attributes.${ak}`, av);
    } else if (typeof v === 'string') out.set(k, v);
  }
  return out;
}

/**
 * MergeProfiles' field resolution: a unit named in `fieldSources` is taken from that profile even when it has no
 * value there (the unit is then removed); otherwise the main profile's value when it has one; otherwise the first
 * profile of `others` (request order) that has one — a union where there is no conflict.
 */
export function resolveManual(
  main: MergeView & { profileId: string },
  others: Array<MergeView & { profileId: string }>,
  fieldSources: Map<string, string>,
): MergeView {
  const out = cloneView(main);
  const byId = new Map([main, ...others].map((p) => [p.profileId, p]));
  for (const o of others) {
    out.createdAt = Math.min(out.createdAt, o.createdAt);
    out.updatedAt = Math.max(out.updatedAt, o.updatedAt);
    for (const unit of unitsOf(o.data)) {
      if (!fieldSources.has(unit) && getUnit(out.data, unit) === undefined) copyUnit(out, o, unit);
    }
  }
  for (const [unit, id] of fieldSources) {
    const src = byId.get(id);
    if (src) copyUnit(out, src, unit);
  }
  return out;
}
