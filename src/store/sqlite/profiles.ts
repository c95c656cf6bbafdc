/**
 * Profiles: content as one JSON column, per-field provenance as another, predefined search keys in profile_keys
 * (derived = 1). The sync functions here join the caller's transaction, so other areas (merge, bulk ingestion)
 * can compose them: insertProfile / saveProfile / loadProfile / profileContent.
 */
import { randomBytes } from 'node:crypto';
import { notFound } from '../../errors.js';
import type { StoredProfile } from '../../model/profile.js';
import { applyProfileWrite, derivedKeys, normalizeKeyValue, type ProfileState } from '../profile-write.js';
import type { ProfileKeyRef, ProfileWrite } from '../repository.js';
import type { SqliteContext } from './database.js';
import { writeHistory } from './history.js';
import { decodeMeta, encodeMeta } from './meta-codec.js';

interface ProfileRow { profile_id: string; domain_name: string; data: string; meta: string; created_at: number; updated_at: number }

/**
 * A new ProfileId: 32 lowercase hex, the creation time (ms, 12 hex) then 80 random bits. Ids of new profiles
 * increase, so inserts append to the B-trees keyed by profile id instead of touching random pages
 * (several times faster at a million profiles), and they stay unguessable.
 */
export function newProfileId(now = Date.now()): string {
  return Math.max(0, Math.floor(now)).toString(16).padStart(12, '0').slice(-12) + randomHex10();
}

// Random bytes drawn from a pool: one randomBytes call per 400 ids instead of one per id.
let pool = Buffer.alloc(0);
let poolAt = 0;
function randomHex10(): string {
  if (poolAt + 10 > pool.length) {
    pool = randomBytes(4000);
    poolAt = 0;
  }
  poolAt += 10;
  return pool.toString('hex', poolAt - 10, poolAt);
}

/** Object type name used in history records of profile-level actions. */
export const PROFILE_HISTORY_TYPE = '_profile';

export function fromRow(r: ProfileRow): StoredProfile {
  const data = JSON.parse(r.data);
  return {
    profileId: r.profile_id, domainName: r.domain_name, data, meta: decodeMeta(r.meta, data),
    createdAt: r.created_at, updatedAt: r.updated_at,
  };
}

/** The API Profile shape of a stored profile, as JSON text (history content). */
export function profileContent(p: { profileId: string; data: StoredProfile['data'] }): string {
  return JSON.stringify({ ProfileId: p.profileId, ...p.data });
}

export function loadProfile(c: SqliteContext, domainName: string, profileId: string): StoredProfile | undefined {
  const row = c.stmt<[string, string], ProfileRow>('SELECT * FROM profiles WHERE domain_name = ? AND profile_id = ?')
    .get(domainName, profileId);
  return row ? fromRow(row) : undefined;
}

function requireProfile(c: SqliteContext, domainName: string, profileId: string): StoredProfile {
  const p = loadProfile(c, domainName, profileId);
  if (!p) throw notFound(`Profile ${profileId} does not exist in domain ${domainName}.`);
  return p;
}

function insertKey(c: SqliteContext, domainName: string, profileId: string, keyName: string, value: string, derived: 0 | 1) {
  c.stmt(`INSERT OR IGNORE INTO profile_keys (domain_name, key_name, value, profile_id, derived) VALUES (?, ?, ?, ?, ?)`)
    .run(domainName, keyName, normalizeKeyValue(keyName, value), profileId, derived);
}

function deleteDerivedKey(c: SqliteContext, domainName: string, profileId: string, keyName: string, value: string) {
  c.stmt('DELETE FROM profile_keys WHERE domain_name = ? AND key_name = ? AND value = ? AND profile_id = ? AND derived = 1')
    .run(domainName, keyName, value, profileId);
}

/** Inserts a new profile row with its predefined keys (no history). */
export function insertProfile(c: SqliteContext, domainName: string, profileId: string, state: ProfileState, now: number): StoredProfile {
  c.stmt('INSERT INTO profiles (domain_name, profile_id, data, meta, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?)')
    .run(domainName, profileId, JSON.stringify(state.data), encodeMeta(state.data, state.meta), now, now);
  for (const [k, v] of derivedKeys(profileId, state.data)) insertKey(c, domainName, profileId, k, v, 1);
  return { profileId, domainName, data: state.data, meta: state.meta, createdAt: now, updatedAt: now };
}

/** Replaces a profile's content and provenance, keeping its predefined keys in step (no history). */
export function saveProfile(c: SqliteContext, before: StoredProfile, state: ProfileState, now: number): StoredProfile {
  c.stmt('UPDATE profiles SET data = ?, meta = ?, updated_at = ? WHERE domain_name = ? AND profile_id = ?')
    .run(JSON.stringify(state.data), encodeMeta(state.data, state.meta), now, before.domainName, before.profileId);
  applyDerivedKeyChanges(c, before.domainName, before.profileId, derivedKeyChanges(before.profileId, before.data, state.data));
  return { ...before, data: state.data, meta: state.meta, updatedAt: now };
}

/** Predefined key rows a content change removes and adds (computed apart from the write: jobs plan merges ahead). */
export interface DerivedKeyChanges { drop: Array<[string, string]>; add: Array<[string, string]> }

export function derivedKeyChanges(profileId: string, before: StoredProfile['data'], after: StoredProfile['data']): DerivedKeyChanges {
  const oldKeys = new Set(derivedKeys(profileId, before).map(([k, v]) => `${k}\u0000${v}`));
  const newKeys = new Set(derivedKeys(profileId, after).map(([k, v]) => `${k}\u0000${v}`));
  const out: DerivedKeyChanges = { drop: [], add: [] };
  for (const kv of oldKeys) if (!newKeys.has(kv)) {
    const [k, v] = kv.split('\u0000');
    out.drop.push([k, v]);
  }
  for (const kv of newKeys) if (!oldKeys.has(kv)) {
    const [k, v] = kv.split('\u0000');
    out.add.push([k, v]);
  }
  return out;
}

export function applyDerivedKeyChanges(c: SqliteContext, domainName: string, profileId: string, ch: DerivedKeyChanges): void {
  for (const [k, v] of ch.drop) deleteDerivedKey(c, domainName, profileId, k, v);
  for (const [k, v] of ch.add) insertKey(c, domainName, profileId, k, v, 1);
}

export function createProfile(c: SqliteContext, domainName: string, write: ProfileWrite, now: number, profileId = newProfileId()): StoredProfile {
  return c.tx(() => {
    const p = insertProfile(c, domainName, profileId, applyProfileWrite(undefined, write, now), now);
    writeHistory(c, {
      domainName, profileId, objectTypeName: PROFILE_HISTORY_TYPE, actionType: 'CREATED', createdAt: now,
      performedBy: write.performedBy, content: profileContent(p),
    });
    return p;
  });
}

export function updateProfile(c: SqliteContext, domainName: string, profileId: string, write: ProfileWrite, now: number): StoredProfile {
  return c.tx(() => {
    const before = requireProfile(c, domainName, profileId);
    const p = saveProfile(c, before, applyProfileWrite(before, write, now), now);
    writeHistory(c, {
      domainName, profileId, objectTypeName: PROFILE_HISTORY_TYPE, actionType: 'UPDATED', createdAt: now,
      performedBy: write.performedBy, content: profileContent(p),
    });
    return p;
  });
}

/** Deletes a profile (its keys and objects go with it, by trigger) and records DELETED_BY_CUSTOMER. */
export function deleteProfile(c: SqliteContext, domainName: string, profileId: string, now: number, performedBy?: string): void {
  c.tx(() => {
    const before = requireProfile(c, domainName, profileId);
    c.stmt('DELETE FROM profiles WHERE domain_name = ? AND profile_id = ?').run(domainName, profileId);
    writeHistory(c, {
      domainName, profileId, objectTypeName: PROFILE_HISTORY_TYPE, actionType: 'DELETED_BY_CUSTOMER', createdAt: now,
      performedBy, content: profileContent(before),
    });
  });
}

export function getProfiles(c: SqliteContext, domainName: string, profileIds: string[]): StoredProfile[] {
  const out: StoredProfile[] = [];
  for (const id of profileIds) {
    const p = loadProfile(c, domainName, id);
    if (p) out.push(p);
  }
  return out;
}

/**
 * A profile read by a scan: `meta` is parsed lazily on first access (a prototype getter, so the object keeps a
 * fast fixed shape). A 1M-profile job reads only `data`; parsing the provenance too would halve the scan's speed.
 * JSON.stringify includes meta (toJSON); structuredClone/postMessage do not — read `.meta` first if you need it.
 */
class ScannedProfile implements StoredProfile {
  #metaText: string;
  #meta: StoredProfile['meta'] | undefined;
  constructor(
    readonly profileId: string, readonly domainName: string, public data: StoredProfile['data'],
    readonly createdAt: number, readonly updatedAt: number, metaText: string,
  ) {
    this.#metaText = metaText;
  }
  get meta(): StoredProfile['meta'] { return (this.#meta ??= decodeMeta(this.#metaText, this.data)); }
  set meta(v: StoredProfile['meta']) { this.#meta = v; }
  toJSON(): StoredProfile {
    const { profileId, domainName, data, meta, createdAt, updatedAt } = this;
    return { profileId, domainName, data, meta, createdAt, updatedAt };
  }
}

/** One batch of a keyset scan in profileId order (the async iterator lives in the store class). */
export function scanBatch(c: SqliteContext, domainName: string, after: string, limit: number): StoredProfile[] {
  return c.stmt<[string, string, number], ProfileRow>(
    'SELECT * FROM profiles WHERE domain_name = ? AND profile_id > ? ORDER BY profile_id LIMIT ?',
  ).all(domainName, after, limit).map((r) => new ScannedProfile(r.profile_id, r.domain_name, JSON.parse(r.data), r.created_at, r.updated_at, r.meta));
}

function asList(key: ProfileKeyRef | ProfileKeyRef[]): ProfileKeyRef[] {
  return Array.isArray(key) ? key : [key];
}

/** Persists keys on a profile (no history; used by AddProfileKey and PutProfileObject). */
export function attachKeys(c: SqliteContext, domainName: string, profileId: string, keys: ProfileKeyRef[]): void {
  for (const k of keys) insertKey(c, domainName, profileId, k.keyName, k.value, 0);
}

function keyContent(keys: ProfileKeyRef[]): string {
  const byName = new Map<string, string[]>();
  for (const k of keys) byName.set(k.keyName, [...(byName.get(k.keyName) ?? []), k.value]);
  const list = [...byName].map(([KeyName, Values]) => ({ KeyName, Values }));
  return JSON.stringify(list.length === 1 ? list[0] : list);
}

export function addProfileKey(c: SqliteContext, domainName: string, profileId: string, key: ProfileKeyRef | ProfileKeyRef[], now: number, performedBy?: string): void {
  const keys = asList(key);
  c.tx(() => {
    requireProfile(c, domainName, profileId);
    attachKeys(c, domainName, profileId, keys);
    writeHistory(c, {
      domainName, profileId, objectTypeName: PROFILE_HISTORY_TYPE, actionType: 'ADDED_PROFILE_KEY', createdAt: now,
      performedBy, content: keyContent(keys),
    });
  });
}

/** Removes key values from a profile (explicit keys; predefined keys follow the profile's fields and stay). */
export function deleteProfileKey(c: SqliteContext, domainName: string, profileId: string, key: ProfileKeyRef | ProfileKeyRef[], now: number, performedBy?: string): void {
  const keys = asList(key);
  c.tx(() => {
    requireProfile(c, domainName, profileId);
    let removed = 0;
    for (const k of keys) {
      removed += c.stmt('DELETE FROM profile_keys WHERE domain_name = ? AND key_name = ? AND value = ? AND profile_id = ? AND derived = 0')
        .run(domainName, k.keyName, normalizeKeyValue(k.keyName, k.value), profileId).changes;
    }
    if (removed === 0) throw notFound(`Profile ${profileId} has no key ${keys[0]?.keyName} with the given values.`);
    writeHistory(c, {
      domainName, profileId, objectTypeName: PROFILE_HISTORY_TYPE, actionType: 'DELETED_PROFILE_KEY', createdAt: now,
      performedBy, content: keyContent(keys),
    });
  });
}

export function findProfileIdsByKey(c: SqliteContext, domainName: string, key: ProfileKeyRef): string[] {
  if (key.keyName === '_profileId') {
    return c.stmt<[string, string], { profile_id: string }>('SELECT profile_id FROM profiles WHERE domain_name = ? AND profile_id = ?')
      .all(domainName, key.value).map((r) => r.profile_id);
  }
  return c.stmt<[string, string, string], { profile_id: string }>(
    'SELECT DISTINCT profile_id FROM profile_keys WHERE domain_name = ? AND key_name = ? AND value = ? ORDER BY profile_id',
  ).all(domainName, key.keyName, normalizeKeyValue(key.keyName, key.value)).map((r) => r.profile_id);
}

/** Every key of a profile (explicit and predefined), by name then value. */
export function getProfileKeys(c: SqliteContext, domainName: string, profileId: string): ProfileKeyRef[] {
  return c.stmt<[string, string], { key_name: string; value: string }>(
    'SELECT DISTINCT key_name, value FROM profile_keys WHERE domain_name = ? AND profile_id = ? ORDER BY key_name, value',
  ).all(domainName, profileId).map((r) => ({ keyName: r.key_name, value: r.value }));
}
