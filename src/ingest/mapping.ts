/**
 * Maps source columns to profile fields. One format serves the CLI's --mapping file and CreateUploadJob's Fields:
 *  - explicit: column → profile path ('FirstName', 'Address.City', 'Attributes.loyaltyId'), or the AWS FieldMap
 *    { name: { Source: '_source.<column>', Target: '_profile.<path>' } };
 *  - default (no explicit columns): a column maps to the profile path whose name it matches ignoring case and
 *    '_', '-', ' ' ('first_name' → FirstName, 'address.city' → Address.City); 'Attributes.x' maps itself;
 *    other columns are ignored (and reported).
 * The unique key names a column (or a Fields entry); its value identifies the profile across uploads and is stored
 * as the profile key <keyName> → profile id.
 */
import type { ObjectTypeField } from '../api/generated/types.js';
import type { ProfileData } from '../model/profile.js';
import { checkValue, limitForPath, profilePaths, type ValueLimit } from './profile-limits.js';
import type { ProfileRow, RowError, SourceRow } from './types.js';

export interface ImportMapping {
  /** Explicit column → profile path; undefined = default mapping by column name. */
  columns?: Record<string, string>;
  uniqueKey?: { column: string; keyName: string };
}

export class MappingError extends Error {}

const stripPrefix = (s: string, prefix: string) => (s.startsWith(prefix) ? s.slice(prefix.length) : s);

/** From CreateUploadJob's Fields + UniqueKey (or an object type's Fields). */
export function mappingFromFields(fields: Record<string, ObjectTypeField>, uniqueKey?: string): ImportMapping {
  const columns: Record<string, string> = {};
  for (const [name, f] of Object.entries(fields)) {
    if (name === uniqueKey && f.Source && !f.Target) continue; // a key-only field: identifies the profile, not stored
    if (!f.Source || !f.Target) throw new MappingError(`field "${name}" needs both Source and Target`);
    const column = stripPrefix(f.Source, '_source.');
    const target = stripPrefix(f.Target, '_profile.');
    checkTarget(target, `field "${name}"`);
    columns[column] = target;
  }
  const mapping: ImportMapping = { columns };
  if (uniqueKey !== undefined) {
    const field = fields[uniqueKey];
    const column = field?.Source ? stripPrefix(field.Source, '_source.') : stripPrefix(uniqueKey, '_source.');
    mapping.uniqueKey = { column, keyName: uniqueKey };
  }
  return mapping;
}

/**
 * A --mapping file: { "columns": { col: path }, "uniqueKey": col } or { "Fields": FieldMap, "UniqueKey": name }
 * or simply { col: path }.
 */
export function mappingFromFile(json: unknown): ImportMapping {
  if (typeof json !== 'object' || json === null || Array.isArray(json)) throw new MappingError('the mapping file must hold a JSON object');
  const o = json as Record<string, unknown>;
  if (o.Fields !== undefined) {
    return mappingFromFields(o.Fields as Record<string, ObjectTypeField>, typeof o.UniqueKey === 'string' ? o.UniqueKey : undefined);
  }
  const cols = (o.columns ?? o) as Record<string, unknown>;
  const columns: Record<string, string> = {};
  for (const [col, target] of Object.entries(cols)) {
    if (o.columns === undefined && col === 'uniqueKey') continue;
    if (typeof target !== 'string') throw new MappingError(`column "${col}": the target must be a profile path string`);
    checkTarget(target, `column "${col}"`);
    columns[col] = target;
  }
  const mapping: ImportMapping = { columns };
  if (typeof o.uniqueKey === 'string') mapping.uniqueKey = { column: o.uniqueKey, keyName: o.uniqueKey };
  return mapping;
}

function checkTarget(target: string, what: string) {
  if (!limitForPath(target)) {
    throw new MappingError(`${what}: "${target}" is not a profile field (use e.g. FirstName, Address.City, Attributes.name)`);
  }
}

const normalize = (s: string) => s.toLowerCase().replace(/[\s_-]/g, '');
let defaultIndex: Map<string, string> | undefined;
function defaultPathFor(column: string): string | undefined {
  if (column.startsWith('Attributes.')) return limitForPath(column) ? column : undefined;
  defaultIndex ??= new Map(profilePaths().map((p) => [normalize(p), p]));
  return defaultIndex.get(normalize(column));
}

interface ColumnPlan { path: string; limit: ValueLimit; head: string; tail: string | undefined }

/** Turns source rows into validated profile rows. */
export class RowMapper {
  private readonly resolved = new Map<string, { path: string } | null>();
  readonly ignoredColumns = new Set<string>();

  constructor(readonly mapping: ImportMapping) {
    for (const [col, path] of Object.entries(mapping.columns ?? {})) this.resolved.set(col, { path });
  }

  /** Checks a CSV header against the mapping (fails fast on a missing mapped or unique-key column). */
  checkHeader(columns: string[]) {
    const present = new Set(columns);
    if (this.mapping.uniqueKey && !present.has(this.mapping.uniqueKey.column)) {
      throw new MappingError(`the unique key column "${this.mapping.uniqueKey.column}" is not in the header`);
    }
    const missing = Object.keys(this.mapping.columns ?? {}).filter((c) => !present.has(c));
    if (missing.length) throw new MappingError(`mapped column(s) not in the header: ${missing.join(', ')}`);
    for (const c of columns) this.target(c);
  }

  private target(column: string): string | undefined {
    let r = this.resolved.get(column);
    if (r === undefined) {
      const path = this.mapping.columns ? undefined : defaultPathFor(column);
      r = path ? { path } : null;
      this.resolved.set(column, r);
      if (!r && column !== this.mapping.uniqueKey?.column) this.ignoredColumns.add(column);
    }
    return r?.path;
  }

  /** Per column, what map() needs (path split and limit looked up once per column, not once per value). */
  private readonly plans = new Map<string, ColumnPlan | null>();
  private plan(column: string): ColumnPlan | null {
    let p = this.plans.get(column);
    if (p === undefined) {
      const path = this.target(column);
      const dot = path ? path.indexOf('.') : -1;
      p = path ? { path, limit: limitForPath(path)!, head: dot < 0 ? path : path.slice(0, dot), tail: dot < 0 ? undefined : path.slice(dot + 1) } : null;
      this.plans.set(column, p);
    }
    return p;
  }

  map(row: SourceRow): ProfileRow | RowError {
    const data: Record<string, any> = {};
    let fields = 0;
    for (const column in row.values) {
      const p = this.plan(column);
      if (!p) continue;
      const raw = row.values[column]!;
      if (raw === '') continue; // most cells of a wide CSV are empty: no trim
      const value = raw.trim();
      if (value === '') continue;
      const problem = checkValue(value, p.limit);
      if (problem) return { line: row.line, reason: `column "${column}" (${p.path}) ${problem}` };
      if (p.tail === undefined) data[p.head] = value;
      else (data[p.head] ??= {})[p.tail] = value;
      fields++;
    }
    const out: ProfileRow = { line: row.line, data: data as ProfileData };
    const uk = this.mapping.uniqueKey;
    if (uk) {
      const v = row.values[uk.column]?.trim();
      if (!v) return { line: row.line, reason: `the unique key column "${uk.column}" is empty` };
      if (v.length > 255) return { line: row.line, reason: `the unique key column "${uk.column}" is longer than 255 characters` };
      out.uniqueKey = v;
    }
    if (fields === 0) return { line: row.line, reason: 'no mapped profile field has a value' };
    return out;
  }
}
