/**
 * Applying an object type to one source object (pure; shared by PutProfileObject and bulk ingestion):
 * Fields `_source.a.b` → `_profile.FirstName` / `_profile.Address.City` / `_profile.Attributes.k`,
 * key values from the Keys' FieldNames, the profile lookup plan by StandardIdentifiers, the object's unique key and
 * its source-last-updated time.
 *
 * StandardIdentifiers (AWS semantics as documented in the model):
 * - PROFILE: looked up first, persisted on the profile (searchable).   - LOOKUP_ONLY: looked up first, not persisted.
 * - NEW_ONLY: looked up first; persisted only on a profile this object creates.
 * - SECONDARY: looked up after every PROFILE-level key; persisted.     - UNIQUE: identifies the object (re-put = update).
 * - ASSET, CASE, ORDER and the other domain identifiers: persisted (searchable), not used to find the profile.
 * - A key without identifiers only indexes the object (ListProfileObjects ObjectFilter).
 */
import { createHash, randomUUID } from 'node:crypto';
import type { ObjectTypeField } from '../api/generated/types.js';
import { badRequest } from '../errors.js';
import type { ProfileData } from '../model/profile.js';
import type { ObjectProfileResolution, ObjectTypeRecord, ProfileKeyRef } from '../store/repository.js';
import { isProfileAttributePath } from './matching-rules.js';
import { checkTimestampFormat, timestampParser } from './source-timestamp.js';

/** The Fields entry with this name (any case) holds the object's source-last-updated timestamp. */
export const SOURCE_TIMESTAMP_FIELD = 'sourcelastupdatedtimestamp';

const SOURCE_PATH = /^_source(\.[^.]+)+$/;
const ENUMS: Record<string, { values: string[]; fallback: string }> = {
  PartyType: { values: ['INDIVIDUAL', 'BUSINESS', 'OTHER'], fallback: 'PartyTypeString' },
  Gender: { values: ['MALE', 'FEMALE', 'UNSPECIFIED'], fallback: 'GenderString' },
};

/** Semantic validation of PutProfileObjectType (BadRequestException with a precise Message). */
export function validateObjectType(t: Pick<ObjectTypeRecord, 'objectTypeName' | 'fields' | 'keys' | 'sourceLastUpdatedTimestampFormat'>): void {
  if (t.objectTypeName.startsWith('_')) {
    throw badRequest(`ObjectTypeName '${t.objectTypeName}' is reserved: names starting with '_' are for standard object types`);
  }
  let tsField = false;
  for (const [name, f] of Object.entries(t.fields)) {
    if (!f.Source || !SOURCE_PATH.test(f.Source)) {
      throw badRequest(`Fields.${name}.Source must be a path into the source object such as _source.email (got '${f.Source ?? ''}'); expressions are not supported`);
    }
    if (f.Target !== undefined) {
      if (f.Target.startsWith('_profile.')) {
        if (!isProfileAttributePath(f.Target.slice('_profile.'.length))) {
          throw badRequest(`Fields.${name}.Target '${f.Target}' is not a profile attribute: use _profile.<StandardField>, _profile.<Address>.<Member> or _profile.Attributes.<key>`);
        }
      } else if (!/^_[a-zA-Z]+\.[^.]/.test(f.Target)) {
        throw badRequest(`Fields.${name}.Target '${f.Target}' must start with _profile. (or another standard object such as _order.)`);
      }
    }
    if (name.toLowerCase() === SOURCE_TIMESTAMP_FIELD) tsField = true;
  }
  let uniques = 0;
  for (const [keyName, defs] of Object.entries(t.keys)) {
    for (const def of defs) {
      if (!def.FieldNames || def.FieldNames.length === 0) throw badRequest(`Keys.${keyName} must name at least one field in FieldNames`);
      for (const fn of def.FieldNames) {
        if (!t.fields[fn]) throw badRequest(`Keys.${keyName}.FieldNames refers to '${fn}', which is not defined in Fields`);
      }
      if (def.StandardIdentifiers?.includes('UNIQUE')) uniques++;
    }
  }
  if (uniques > 1) throw badRequest('An object type can have only one UNIQUE key');
  if (t.sourceLastUpdatedTimestampFormat !== undefined) {
    if (!tsField) {
      throw badRequest('SourceLastUpdatedTimestampFormat needs a field named SourceLastUpdatedTimestamp in Fields (the source-last-updated timestamp of each object)');
    }
    try {
      checkTimestampFormat(t.sourceLastUpdatedTimestampFormat);
    } catch (err) {
      throw badRequest(`SourceLastUpdatedTimestampFormat '${t.sourceLastUpdatedTimestampFormat}' is not supported: ${(err as Error).message}`);
    }
  } else if (tsField) {
    throw badRequest('A SourceLastUpdatedTimestamp field requires SourceLastUpdatedTimestampFormat');
  }
}

export interface MappedObject {
  write: { data: ProfileData; sourceUpdatedAt?: number };
  /** Key name → values (for the object's index / ObjectFilter). */
  keys: Record<string, string[]>;
  uniqueKey: string;
  resolution: ObjectProfileResolution;
}

function readSource(obj: unknown, source: string): string | undefined {
  let cur: unknown = obj;
  for (const part of source.split('.').slice(1)) {
    if (cur === null || typeof cur !== 'object' || Array.isArray(cur) || !Object.hasOwn(cur, part)) return undefined;
    cur = (cur as Record<string, unknown>)[part];
  }
  if (typeof cur === 'string') return cur === '' ? undefined : cur;
  if (typeof cur === 'number' || typeof cur === 'boolean') return String(cur);
  return undefined;
}

function setTarget(data: Record<string, any>, target: string, value: string) {
  const path = target.slice('_profile.'.length);
  const dot = path.indexOf('.');
  if (dot < 0) {
    const e = ENUMS[path];
    if (e && !e.values.includes(value)) data[e.fallback] = value;
    else data[path] = value;
    return;
  }
  Object.defineProperty((data[path.slice(0, dot)] ??= {}), path.slice(dot + 1), { value, enumerable: true, writable: true, configurable: true });
}

/** Parses and maps one object (the `Object` string of PutProfileObject). Throws BadRequestException on bad input. */
export function mapObject(type: ObjectTypeRecord, objectText: string): MappedObject {
  let obj: unknown;
  try {
    obj = JSON.parse(objectText);
  } catch {
    throw badRequest('Object must be a JSON document (it could not be parsed)');
  }
  if (obj === null || typeof obj !== 'object' || Array.isArray(obj)) throw badRequest('Object must be a JSON object');

  const values: Record<string, string | undefined> = {};
  const data: Record<string, any> = {};
  let sourceUpdatedAt: number | undefined;
  for (const [name, f] of Object.entries(type.fields) as [string, ObjectTypeField][]) {
    const v = f.Source ? readSource(obj, f.Source) : undefined;
    values[name] = v;
    if (v === undefined) continue;
    if (f.Target?.startsWith('_profile.')) setTarget(data, f.Target, v);
    if (name.toLowerCase() === SOURCE_TIMESTAMP_FIELD && type.sourceLastUpdatedTimestampFormat) {
      sourceUpdatedAt = timestampParser(type.sourceLastUpdatedTimestampFormat)(v);
      if (sourceUpdatedAt === undefined) {
        throw badRequest(`Field ${name} value '${v.slice(0, 100)}' does not match SourceLastUpdatedTimestampFormat '${type.sourceLastUpdatedTimestampFormat}'`);
      }
    }
  }

  const keys: Record<string, string[]> = {};
  const first: ProfileKeyRef[] = [];
  const secondary: ProfileKeyRef[] = [];
  const persistKeys: ProfileKeyRef[] = [];
  const newOnlyKeys: ProfileKeyRef[] = [];
  let unique: string | undefined;
  for (const [keyName, defs] of Object.entries(type.keys)) {
    for (const def of defs) {
      const parts = (def.FieldNames ?? []).map((fn) => values[fn]);
      if (parts.length === 0 || parts.some((p) => p === undefined)) continue;
      const value = parts.join('_');
      (keys[keyName] ??= []).includes(value) || keys[keyName].push(value);
      const ids = new Set(def.StandardIdentifiers ?? []);
      const ref = { keyName, value };
      if (ids.has('UNIQUE')) unique = `${keyName}\u0000${value}`;
      if (ids.has('LOOKUP_ONLY')) { first.push(ref); continue; }
      if (ids.has('NEW_ONLY')) { first.push(ref); newOnlyKeys.push(ref); continue; }
      if (ids.has('PROFILE')) { first.push(ref); persistKeys.push(ref); continue; }
      if (ids.has('SECONDARY')) { secondary.push(ref); persistKeys.push(ref); continue; }
      if ([...ids].some((i) => i !== 'UNIQUE')) persistKeys.push(ref);
    }
  }
  const uniqueKey = unique !== undefined
    ? createHash('sha256').update(`${type.objectTypeName}\u0000${unique}`).digest('hex').slice(0, 32)
    : randomUUID().replace(/-/g, '');
  return {
    write: { data: data as ProfileData, sourceUpdatedAt },
    keys,
    uniqueKey,
    resolution: {
      lookup: [first, secondary].filter((g) => g.length > 0),
      allowCreate: type.allowProfileCreation,
      persistKeys,
      newOnlyKeys,
    },
  };
}
