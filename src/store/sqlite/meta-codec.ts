/**
 * Stored form of a profile's FieldMeta (the `meta` column). Most profiles have one stamp for every field (a bulk
 * import or a CreateProfile writes all paths at once), and spelling it out per path was ~1.1 KB per profile, which
 * made most profile rows overflow a page. The stored JSON is therefore the old per-path form plus an optional
 * default entry under the key `*` (never a path: paths are field names or `Address.x` / `Attributes.x`):
 *
 *   {"*": {"updatedAt":…,"ingestedAt":…,"source":"…"}, "Attributes.x": {…only where it differs…}}
 *
 * meaning "every path that holds a value in `data` and has no entry of its own carries the default". Decoding
 * needs the row's data and yields exactly the per-path object readers always saw, so nothing above the store
 * changes. Rows written before this encoding (no `*`) decode as they are. The default is spelled as a FieldMeta
 * object, so `meta LIKE '%"source":"<type>"%'` (DeleteProfileObjectType) still finds every profile with that source.
 */
import { ADDRESS_FIELDS, ADDRESS_MEMBERS, SCALAR_FIELDS, type FieldMeta, type ProfileData } from '../../model/profile.js';

const DEFAULT = '*';
const ENGAGEMENT = 'EngagementPreferences';

const ADDRESS_PATHS = ADDRESS_FIELDS.map((a) => ADDRESS_MEMBERS.map((m) => `${a}.${m}`));
const hasValue = (v: unknown) => v !== undefined && v !== null && v !== '';

/**
 * The paths that hold a value, in the order applyProfileWrite stamps them (EngagementPreferences last): the keys of
 * flattenProfile(data), listed without building its values (every profile read and write decodes/encodes meta).
 */
function valuePaths(data: ProfileData): string[] {
  const paths: string[] = [];
  const d = data as Record<string, any>;
  for (const f of SCALAR_FIELDS) if (hasValue(d[f])) paths.push(f);
  for (let i = 0; i < ADDRESS_FIELDS.length; i++) {
    const addr = d[ADDRESS_FIELDS[i]!];
    if (!addr) continue;
    for (let j = 0; j < ADDRESS_MEMBERS.length; j++) if (hasValue(addr[ADDRESS_MEMBERS[j]!])) paths.push(ADDRESS_PATHS[i]![j]!);
  }
  const attrs = data.Attributes;
  if (attrs) for (const k of Object.keys(attrs)) if (hasValue(attrs[k])) paths.push(`Attributes.${k}`);
  if (data.EngagementPreferences !== undefined) paths.push(ENGAGEMENT);
  return paths;
}

const same = (a: FieldMeta, b: FieldMeta) => a.updatedAt === b.updatedAt && a.ingestedAt === b.ingestedAt && a.source === b.source;

/** The `meta` column text for a profile's data and per-path FieldMeta. */
export function encodeMeta(data: ProfileData, meta: Record<string, FieldMeta>): string {
  const paths = valuePaths(data);
  const first = paths.length > 0 ? meta[paths[0]] : undefined;
  // Compact only when every value path has a meta (else decoding would invent one for the paths without).
  if (!first || paths.some((p) => meta[p] === undefined)) return JSON.stringify(meta);
  const onPaths = new Set(paths);
  const out: Record<string, FieldMeta> = { [DEFAULT]: first };
  for (const path in meta) if (!onPaths.has(path) || !same(meta[path], first)) out[path] = meta[path];
  return JSON.stringify(out);
}

/** The meta column of a new profile whose every value path has the same stamp (bulk import). */
export function uniformMetaJson(stamp: FieldMeta, hasValues: boolean): string {
  return hasValues ? `{"${DEFAULT}":${JSON.stringify(stamp)}}` : '{}';
}

/** Per-path FieldMeta from the `meta` column text and the row's data. */
export function decodeMeta(text: string, data: ProfileData): Record<string, FieldMeta> {
  const stored = JSON.parse(text) as Record<string, FieldMeta>;
  const dflt = stored[DEFAULT];
  if (dflt === undefined) return stored;
  const meta: Record<string, FieldMeta> = {};
  for (const path of valuePaths(data)) meta[path] = stored[path] ?? { ...dflt };
  for (const path in stored) if (path !== DEFAULT && !(path in meta)) meta[path] = stored[path];
  return meta;
}
