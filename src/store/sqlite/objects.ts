/** Object types and profile objects. */
import { badRequest, notFound } from '../../errors.js';
import { applyProfileWrite } from '../profile-write.js';
import type {
  ObjectProfileResolution, ObjectTypeRecord, Page, PageRequest, ProfileObjectRecord, ProfileWrite,
} from '../repository.js';
import type { SqliteContext } from './database.js';
import { writeHistory } from './history.js';
import {
  attachKeys, findProfileIdsByKey, insertProfile, loadProfile, newProfileId, PROFILE_HISTORY_TYPE, profileContent, saveProfile,
} from './profiles.js';

export function putObjectType(c: SqliteContext, t: ObjectTypeRecord): ObjectTypeRecord {
  return c.tx(() => {
    const existing = getObjectType(c, t.domainName, t.objectTypeName);
    const rec: ObjectTypeRecord = existing ? { ...t, createdAt: existing.createdAt } : t;
    c.stmt(`INSERT INTO object_types (domain_name, object_type_name, record, created_at) VALUES (?, ?, ?, ?)
        ON CONFLICT (domain_name, object_type_name) DO UPDATE SET record = excluded.record`)
      .run(rec.domainName, rec.objectTypeName, JSON.stringify(rec), rec.createdAt);
    return rec;
  });
}

export function getObjectType(c: SqliteContext, domainName: string, name: string): ObjectTypeRecord | undefined {
  const row = c.stmt<[string, string], { record: string }>(
    'SELECT record FROM object_types WHERE domain_name = ? AND object_type_name = ?',
  ).get(domainName, name);
  return row ? (JSON.parse(row.record) as ObjectTypeRecord) : undefined;
}

export function listObjectTypes(c: SqliteContext, domainName: string, page: PageRequest): Page<ObjectTypeRecord> {
  const limit = page.maxResults ?? 100;
  const scope = `object-types:${domainName}`;
  const after = page.nextToken ? c.tokens.decode<{ after: string }>(scope, page.nextToken).after : '';
  const rows = c.stmt<[string, string, number], { object_type_name: string; record: string }>(
    'SELECT object_type_name, record FROM object_types WHERE domain_name = ? AND object_type_name > ? ORDER BY object_type_name LIMIT ?',
  ).all(domainName, after, limit + 1);
  const items = rows.slice(0, limit).map((r) => JSON.parse(r.record) as ObjectTypeRecord);
  const nextToken = rows.length > limit ? c.tokens.encode(scope, { after: items[limit - 1].objectTypeName }) : undefined;
  return { items, nextToken };
}

/**
 * Deletes the type, all its objects, and (as AWS does) scrubs the profile fields that were populated from it.
 */
export function deleteObjectType(c: SqliteContext, domainName: string, name: string, now: number): void {
  c.tx(() => {
    if (!getObjectType(c, domainName, name)) throw notFound(`Object type ${name} does not exist in domain ${domainName}.`);
    c.stmt('DELETE FROM profile_objects WHERE domain_name = ? AND object_type_name = ?').run(domainName, name);
    c.stmt('DELETE FROM object_types WHERE domain_name = ? AND object_type_name = ?').run(domainName, name);
    // Type names match ^[a-zA-Z_][a-zA-Z_0-9-]*$, so the JSON text needs no escaping in the LIKE pattern.
    const rows = c.stmt<[string, string], { profile_id: string }>(
      'SELECT profile_id FROM profiles WHERE domain_name = ? AND meta LIKE ?',
    ).all(domainName, `%"source":"${name}"%`);
    for (const { profile_id } of rows) {
      const p = loadProfile(c, domainName, profile_id)!;
      const removed = Object.entries(p.meta).filter(([, m]) => m.source === name).map(([path]) => path);
      if (removed.length === 0) continue;
      const state = applyProfileWrite(p, { data: {}, removed, source: name, sourceUpdatedAt: Number.MAX_SAFE_INTEGER }, now);
      saveProfile(c, p, state, now);
    }
  });
}

interface ObjectRow {
  domain_name: string; object_type_name: string; unique_key: string; profile_id: string; object: string; keys: string; created_at: number;
}

function objFromRow(r: ObjectRow): ProfileObjectRecord {
  return {
    domainName: r.domain_name, objectTypeName: r.object_type_name, uniqueKey: r.unique_key, profileId: r.profile_id,
    object: r.object, keys: JSON.parse(r.keys), createdAt: r.created_at,
  };
}

function resolveProfile(c: SqliteContext, domainName: string, resolve: ObjectProfileResolution): string | undefined {
  for (const group of resolve.lookup) {
    for (const key of group) {
      const ids = findProfileIdsByKey(c, domainName, key);
      if (ids.length > 0) return ids[0];
    }
  }
  return undefined;
}

export function putProfileObject(
  c: SqliteContext, obj: Omit<ProfileObjectRecord, 'profileId'> & { profileId?: string }, write: ProfileWrite, now: number,
  resolve?: ObjectProfileResolution,
): { profileId: string; created: boolean } {
  const { domainName } = obj;
  return c.tx(() => {
    let profileId = obj.profileId ?? (resolve ? resolveProfile(c, domainName, resolve) : undefined);
    let created = false;
    if (profileId === undefined) {
      if (resolve && !resolve.allowCreate) {
        throw badRequest(`No profile matches the keys of this ${obj.objectTypeName} object and the object type does not allow profile creation (AllowProfileCreation is false).`);
      }
      profileId = newProfileId();
      const p = insertProfile(c, domainName, profileId, applyProfileWrite(undefined, write, now), now);
      created = true;
      writeHistory(c, {
        domainName, profileId, objectTypeName: PROFILE_HISTORY_TYPE, actionType: 'CREATED', createdAt: now,
        performedBy: write.performedBy, content: profileContent(p),
      });
      if (resolve?.newOnlyKeys) attachKeys(c, domainName, profileId, resolve.newOnlyKeys);
    } else {
      const before = loadProfile(c, domainName, profileId);
      if (!before) throw notFound(`Profile ${profileId} does not exist in domain ${domainName}.`);
      const state = applyProfileWrite(before, write, now);
      if (JSON.stringify(state.data) !== JSON.stringify(before.data)) {
        const p = saveProfile(c, before, state, now);
        writeHistory(c, {
          domainName, profileId, objectTypeName: PROFILE_HISTORY_TYPE, actionType: 'UPDATED', createdAt: now,
          performedBy: write.performedBy, content: profileContent(p),
        });
      } else if (JSON.stringify(state.meta) !== JSON.stringify(before.meta)) {
        saveProfile(c, before, state, now);
      }
    }
    if (resolve) attachKeys(c, domainName, profileId, resolve.persistKeys);
    c.stmt(`INSERT INTO profile_objects (domain_name, object_type_name, unique_key, profile_id, object, keys, created_at)
        VALUES (?, ?, ?, ?, ?, ?, ?)
        ON CONFLICT (domain_name, object_type_name, unique_key)
        DO UPDATE SET profile_id = excluded.profile_id, object = excluded.object, keys = excluded.keys`)
      .run(domainName, obj.objectTypeName, obj.uniqueKey, profileId, obj.object, JSON.stringify(obj.keys), now);
    writeHistory(c, {
      domainName, profileId, objectTypeName: obj.objectTypeName, actionType: 'INGESTED', createdAt: now,
      performedBy: write.performedBy, profileObjectUniqueKey: obj.uniqueKey, content: obj.object,
    });
    return { profileId, created };
  });
}

/** Objects of one type on one profile, oldest first. */
export function listProfileObjects(
  c: SqliteContext, domainName: string, objectTypeName: string, profileId: string, page: PageRequest,
  filter?: { keyName: string; values: string[] },
): Page<ProfileObjectRecord> {
  const limit = page.maxResults ?? 100;
  const scope = `objects:${domainName}:${objectTypeName}:${profileId}`;
  const after = page.nextToken
    ? c.tokens.decode<{ t: number; k: string }>(scope, page.nextToken)
    : { t: -1, k: '' };
  // Pages of rows with .all(), not .iterate(): an iterator is a native object per call, and such objects are kept
  // for the thread's lifetime (native-lifetime.ts).
  const stmt = c.stmt<[string, string, string, number, number, string, number], ObjectRow>(`SELECT * FROM profile_objects
      WHERE domain_name = ? AND profile_id = ? AND object_type_name = ? AND (created_at > ? OR (created_at = ? AND unique_key > ?))
      ORDER BY created_at, unique_key LIMIT ?`);
  const batch = filter ? Math.max(100, limit + 1) : limit + 1;
  const items: ProfileObjectRecord[] = [];
  let more = false;
  for (let cur = after; ;) {
    const rows = stmt.all(domainName, profileId, objectTypeName, cur.t, cur.t, cur.k, batch);
    for (const r of rows) {
      const o = objFromRow(r);
      if (filter && !(o.keys[filter.keyName] ?? []).some((v) => filter.values.includes(v))) continue;
      if (items.length === limit) { more = true; break; }
      items.push(o);
    }
    if (more || rows.length < batch) break;
    const lastRow = rows[rows.length - 1]!;
    cur = { t: lastRow.created_at, k: lastRow.unique_key };
  }
  const last = items[items.length - 1];
  const nextToken = more ? c.tokens.encode(scope, { t: last.createdAt, k: last.uniqueKey }) : undefined;
  return { items, nextToken };
}

export function deleteProfileObject(c: SqliteContext, domainName: string, objectTypeName: string, profileId: string, uniqueKey: string): void {
  const res = c.stmt('DELETE FROM profile_objects WHERE domain_name = ? AND object_type_name = ? AND unique_key = ? AND profile_id = ?')
    .run(domainName, objectTypeName, uniqueKey, profileId);
  if (res.changes === 0) throw notFound(`Profile object ${uniqueKey} of type ${objectTypeName} does not exist on profile ${profileId}.`);
}
