/**
 * Bulk ingestion (ingestion area): the batched profile upsert used by `coalesce import` and upload jobs, and the
 * upload_jobs table. bulkUpsertProfiles writes a whole batch in ONE transaction with prepared statements (no
 * per-row transaction), reusing the store's profile functions so that keys, FieldMeta and history are exactly what
 * CreateProfile / UpdateProfile produce.
 */
import { badRequest, notFound } from '../../errors.js';
import { applyProfileWrite, derivedKeys, normalizeKeyValue, type ProfileState } from '../profile-write.js';
import type { Page, PageRequest } from '../repository.js';
import { ADDRESS_FIELDS, ADDRESS_MEMBERS, SCALAR_FIELDS, type FieldMeta, type ProfileData } from '../../model/profile.js';
import type {
  BulkProfileRow, BulkUpsertOptions, BulkUpsertResult, PreparedProfile, UploadJobRecord, UploadJobStatus,
} from '../uploads.js';
import type { SqliteContext } from './database.js';
import { randomBytes } from 'node:crypto';
import { newId, writeHistory } from './history.js';
import { recordKeyBacklog } from './key-backlog.js';
import { decodeMeta, encodeMeta, uniformMetaJson } from './meta-codec.js';
import { loadProfile, PROFILE_HISTORY_TYPE, profileContent, saveProfile } from './profiles.js';

/**
 * Profile ids for bulk-created profiles: 32 hex characters like the store's random ids, but increasing
 * (creation time in ms, a random per-process part, a counter), so a million inserts append to the B-trees
 * keyed by profile id instead of writing to random pages — about twice as fast.
 */
const idPrefix = randomBytes(4).toString('hex');
let idCounter = 0;
function sequentialId(now: number): string {
  idCounter = (idCounter + 1) % 0x1000000000000;
  return Math.max(now, 0).toString(16).padStart(12, '0').slice(-12) + idPrefix + idCounter.toString(16).padStart(12, '0');
}

/** Runs a multi-row INSERT for `rows` (each `width` values), `per` rows per statement. */
function insertMany(c: SqliteContext, head: string, width: number, params: unknown[], per: number) {
  // Parameters come flat (`width` per row), not as an array per row: a batch has ~50,000 rows across the tables.
  const step = width * per;
  for (let i = 0; i < params.length; i += step) {
    const chunk = params.slice(i, i + step);
    c.stmt(insertSql(head, width, chunk.length / width)).run(...chunk);
  }
}

const sqlCache = new Map<string, string>();
function insertSql(head: string, width: number, rows: number): string {
  const id = `${rows} ${head}`;
  let sql = sqlCache.get(id);
  if (sql === undefined) {
    sql = `${head} VALUES ${Array(rows).fill(`(${Array(width).fill('?').join(', ')})`).join(', ')}`;
    sqlCache.set(id, sql);
  }
  return sql;
}

/**
 * The content of a new profile, computed before the write (pure): the import's reading thread calls this so that the
 * write thread only runs SQL. `keys` are the predefined keys except `_profileId` (added with the id), normalized
 * (none without `withKeys`: for writes with `deferKeys`, whose keys are derived when the key backlog is indexed).
 */
export function prepareNewProfile(data: ProfileData, source: string, now: number, withKeys = true): PreparedProfile {
  if (data.EngagementPreferences !== undefined) {
    const state = applyProfileWrite(undefined, { data, source }, now);
    return { dataJson: JSON.stringify(state.data), metaJson: encodeMeta(state.data, state.meta), keys: withKeys ? prepareKeys(state.data) : [] };
  }
  // Same result as applyProfileWrite(undefined, …) (a unit test checks it), without flattening the profile to
  // paths and back or building a FieldMeta object per field: every field of a new profile gets the same stamp,
  // which the meta column stores once (meta-codec.ts).
  const [state, hasValues] = canonicalProfile(data);
  const stamp: FieldMeta = { updatedAt: now, ingestedAt: now, source };
  return { dataJson: JSON.stringify(state), metaJson: uniformMetaJson(stamp, hasValues), keys: withKeys ? prepareKeys(state) : [] };
}

const present = (v: unknown): v is string | number | boolean => v !== undefined && v !== null && v !== '';

// Member order of a profile as flattenProfile → unflattenProfile writes it: scalars, then addresses (Attributes last).
const TOP_RANK = new Map<string, number>([...SCALAR_FIELDS, ...ADDRESS_FIELDS].map((f, i) => [f, i]));
const MEMBER_RANK = new Map<string, number>(ADDRESS_MEMBERS.map((m, i) => [m, i]));
const byRank = (rank: Map<string, number>) => (a: string, b: string) => rank.get(a)! - rank.get(b)!;
const byTop = byRank(TOP_RANK);
const byMember = byRank(MEMBER_RANK);
const isAddress = new Set<string>(ADDRESS_FIELDS);

/**
 * unflattenProfile(flattenProfile(data)) in one pass (this runs once per imported row): the same members in the
 * same order (scalars, addresses, Attributes), empty values and unknown members dropped; and whether any value is
 * left. It walks the members the row has (~10) rather than probing all ~60 possible ones.
 */
function canonicalProfile(data: ProfileData): [ProfileData, boolean] {
  const src = data as Record<string, any>;
  const out: Record<string, any> = {};
  let any = false;
  for (const k of Object.keys(src).filter((k) => TOP_RANK.has(k)).sort(byTop)) {
    const v = src[k];
    if (!isAddress.has(k)) {
      if (present(v)) { out[k] = String(v); any = true; }
      continue;
    }
    if (!v) continue;
    let o: Record<string, string> | undefined;
    for (const m of Object.keys(v).filter((m) => MEMBER_RANK.has(m)).sort(byMember)) {
      const mv: unknown = v[m];
      if (present(mv)) (o ??= {})[m] = mv as string;
    }
    if (o) { out[k] = o; any = true; }
  }
  if (data.Attributes) {
    let o: Record<string, string> | undefined;
    for (const k of Object.keys(data.Attributes)) {
      const v = data.Attributes[k];
      // defineProperty as unflattenProfile does: an attribute named "__proto__" stays a plain member.
      if (present(v)) Object.defineProperty((o ??= {}), k, { value: v, enumerable: true, writable: true, configurable: true });
    }
    if (o) { out.Attributes = o; any = true; }
  }
  return [out as ProfileData, any];
}

/** Existing profile ids of unique-key values (one query per 500 values). */
function lookupKeys(c: SqliteContext, domainName: string, keyName: string, values: string[]): Map<string, string> {
  const found = new Map<string, string>();
  for (let i = 0; i < values.length; i += 500) {
    const chunk = values.slice(i, i + 500);
    const rows = c.stmt<unknown[], { value: string; id: string }>(`SELECT value, MIN(profile_id) AS id FROM profile_keys
        WHERE domain_name = ? AND key_name = ? AND derived = 0 AND value IN (${Array(chunk.length).fill('?').join(', ')})
        GROUP BY value`).all(domainName, keyName, ...chunk);
    for (const r of rows) found.set(r.value, r.id);
  }
  return found;
}

/**
 * Creates or updates a batch of profiles in one transaction. Updates (a row whose unique key is already a profile
 * key) go through the store's saveProfile; creations are written set-wise with multi-row INSERTs — profiles (with
 * time-ordered ids, so they append), their keys, then their CREATED history. The rows written are exactly those of
 * store.createProfile + addProfileKey.
 */
export function bulkUpsertProfiles(c: SqliteContext, domainName: string, rows: BulkProfileRow[], o: BulkUpsertOptions, now: number): BulkUpsertResult {
  return c.tx(() => {
    if (!c.stmt('SELECT 1 FROM domains WHERE domain_name = ?').get(domainName)) {
      throw notFound(`Domain ${domainName} does not exist.`);
    }
    const keyName = o.keyName;
    const keyOf = (row: BulkProfileRow) => (keyName !== undefined && row.uniqueKey !== undefined ? normalizeKeyValue(keyName, row.uniqueKey) : undefined);
    const existing = keyName !== undefined
      ? lookupKeys(c, domainName, keyName, [...new Set(rows.map(keyOf).filter((k): k is string => k !== undefined))])
      : new Map<string, string>();
    let updated = 0;
    const fresh = new Map<string, PreparedProfile | ProfileState>(); // new profile id → content
    const freshByKey = new Map<string, string>(); // unique key → new profile id (same key twice in one batch)
    const keyParams: unknown[] = []; // 5 per key row
    const dataOf = (row: BulkProfileRow): ProfileData => row.data ?? JSON.parse(row.prepared!.dataJson);
    for (const row of rows) {
      const uk = keyOf(row);
      const pendingId = uk !== undefined ? freshByKey.get(uk) : undefined;
      if (pendingId) {
        updated++;
        const pending = fresh.get(pendingId)!;
        const base = 'dataJson' in pending ? prepared(pending) : pending;
        fresh.set(pendingId, applyProfileWrite(base, { data: dataOf(row), source: o.source }, now));
        continue;
      }
      const existingId = uk !== undefined ? existing.get(uk) : undefined;
      const before = existingId ? loadProfile(c, domainName, existingId) : undefined;
      if (before) {
        updated++;
        const state = applyProfileWrite(before, { data: dataOf(row), source: o.source }, now);
        // Re-uploading the same values changes nothing (no new history record): uploads are idempotent.
        if (JSON.stringify(state.data) === JSON.stringify(before.data)) continue;
        const p = saveProfile(c, before, state, now);
        writeHistory(c, {
          domainName, profileId: p.profileId, objectTypeName: PROFILE_HISTORY_TYPE, actionType: 'UPDATED', createdAt: now,
          performedBy: o.performedBy, content: profileContent(p),
        });
        continue;
      }
      const id = sequentialId(now);
      fresh.set(id, row.prepared ?? applyProfileWrite(undefined, { data: row.data!, source: o.source }, now));
      if (uk !== undefined) {
        freshByKey.set(uk, id);
        keyParams.push(domainName, keyName!, uk, id, 0);
      }
    }
    const profileParams: unknown[] = [];
    const historyParams: unknown[] = [];
    let firstId: string | undefined;
    let lastId: string | undefined;
    for (const [id, content] of fresh) {
      const p = 'dataJson' in content ? content : { dataJson: JSON.stringify(content.data), metaJson: encodeMeta(content.data, content.meta), keys: prepareKeys(content.data) };
      profileParams.push(domainName, id, p.dataJson, p.metaJson, now, now);
      // No `_profileId` key row: as for createProfile, lookups by profile id read the profiles table.
      if (o.deferKeys) {
        if (firstId === undefined || id < firstId) firstId = id;
        if (lastId === undefined || id > lastId) lastId = id;
      } else {
        for (let i = 0; i < p.keys.length; i += 2) keyParams.push(domainName, p.keys[i], p.keys[i + 1], id, 1);
      }
      const json = p.dataJson;
      historyParams.push(domainName, id, newId(), PROFILE_HISTORY_TYPE, 'CREATED', now, o.performedBy ?? null,
        json === '{}' ? `{"ProfileId":"${id}"}` : `{"ProfileId":"${id}",${json.slice(1)}`);
    }
    insertMany(c, 'INSERT INTO profiles (domain_name, profile_id, data, meta, created_at, updated_at)', 6, profileParams, 100);
    insertMany(c, 'INSERT OR IGNORE INTO profile_keys (domain_name, key_name, value, profile_id, derived)', 5, keyParams, 200);
    insertMany(c, `INSERT INTO history (domain_name, profile_id, id, object_type_name, action_type, created_at,
        performed_by, content)`, 8, historyParams, 100);
    // Deferred predefined keys: the range of ids created, indexed later in key order (key-backlog.ts).
    if (o.deferKeys && firstId !== undefined) recordKeyBacklog(c, domainName, firstId, lastId!);
    const created = fresh.size;
    if (o.progress) {
      const { jobId, lastLine, failed } = o.progress;
      c.stmt(`UPDATE upload_jobs SET created_records = created_records + ?, updated_records = updated_records + ?,
          failed_records = failed_records + ?, last_line = ? WHERE domain_name = ? AND job_id = ?`)
        .run(created, updated, failed, lastLine, domainName, jobId);
    }
    return { created, updated };
  });
}

/** The ProfileState of a prepared profile (its meta column decoded). */
function prepared(p: PreparedProfile): ProfileState {
  const data = JSON.parse(p.dataJson) as ProfileData;
  return { data, meta: decodeMeta(p.metaJson, data) };
}

/** Predefined keys as a flat [name, value, name, value, …] list (cheaper to pass to the write worker). */
function prepareKeys(data: ProfileData): string[] {
  const out: string[] = [];
  for (const [k, v] of derivedKeys('', data)) if (k !== '_profileId') out.push(k, normalizeKeyValue(k, v));
  return out;
}

interface UploadJobRow {
  domain_name: string; job_id: string; display_name: string; fields: string; unique_key: string; data_expiry: number | null;
  status: string; status_reason: string | null; message: string | null; created_at: number; started_at: number | null;
  completed_at: number | null; uploaded_bytes: number | null; uploaded_at: number | null; created_records: number;
  updated_records: number; failed_records: number; last_line: number; stop_requested: number;
}

function fromRow(r: UploadJobRow): UploadJobRecord {
  const j: UploadJobRecord = {
    domainName: r.domain_name, jobId: r.job_id, displayName: r.display_name, fields: JSON.parse(r.fields),
    uniqueKey: r.unique_key, status: r.status as UploadJobStatus, createdAt: r.created_at,
    createdRecords: r.created_records, updatedRecords: r.updated_records, failedRecords: r.failed_records,
    lastLine: r.last_line, stopRequested: r.stop_requested === 1,
  };
  if (r.data_expiry !== null) j.dataExpiry = r.data_expiry;
  if (r.status_reason !== null) j.statusReason = r.status_reason as UploadJobRecord['statusReason'];
  if (r.message !== null) j.message = r.message;
  if (r.started_at !== null) j.startedAt = r.started_at;
  if (r.completed_at !== null) j.completedAt = r.completed_at;
  if (r.uploaded_bytes !== null) j.uploadedBytes = r.uploaded_bytes;
  if (r.uploaded_at !== null) j.uploadedAt = r.uploaded_at;
  return j;
}

function toParams(j: UploadJobRecord) {
  return {
    domain_name: j.domainName, job_id: j.jobId, display_name: j.displayName, fields: JSON.stringify(j.fields),
    unique_key: j.uniqueKey, data_expiry: j.dataExpiry ?? null, status: j.status, status_reason: j.statusReason ?? null,
    message: j.message ?? null, created_at: j.createdAt, started_at: j.startedAt ?? null, completed_at: j.completedAt ?? null,
    uploaded_bytes: j.uploadedBytes ?? null, uploaded_at: j.uploadedAt ?? null, created_records: j.createdRecords,
    updated_records: j.updatedRecords, failed_records: j.failedRecords, last_line: j.lastLine,
    stop_requested: j.stopRequested ? 1 : 0,
  };
}

export function createUploadJob(c: SqliteContext, j: UploadJobRecord): UploadJobRecord {
  return c.tx(() => {
    if (!c.stmt('SELECT 1 FROM domains WHERE domain_name = ?').get(j.domainName)) {
      throw notFound(`Domain ${j.domainName} does not exist.`);
    }
    c.stmt(`INSERT INTO upload_jobs (domain_name, job_id, display_name, fields, unique_key, data_expiry, status,
        status_reason, message, created_at, started_at, completed_at, uploaded_bytes, uploaded_at, created_records,
        updated_records, failed_records, last_line, stop_requested) VALUES (@domain_name, @job_id, @display_name, @fields,
        @unique_key, @data_expiry, @status, @status_reason, @message, @created_at, @started_at, @completed_at,
        @uploaded_bytes, @uploaded_at, @created_records, @updated_records, @failed_records, @last_line, @stop_requested)`)
      .run(toParams(j));
    return j;
  });
}

export function getUploadJob(c: SqliteContext, domainName: string, jobId: string): UploadJobRecord | undefined {
  const r = c.stmt<[string, string], UploadJobRow>('SELECT * FROM upload_jobs WHERE domain_name = ? AND job_id = ?').get(domainName, jobId);
  return r ? fromRow(r) : undefined;
}

/** Patches a job; with expectStatus it is a compare-and-set (undefined when the status differs). */
export function updateUploadJob(
  c: SqliteContext, domainName: string, jobId: string, patch: Partial<UploadJobRecord>, expectStatus?: UploadJobStatus | UploadJobStatus[],
): UploadJobRecord | undefined {
  return c.tx(() => {
    const cur = getUploadJob(c, domainName, jobId);
    if (!cur) throw notFound(`Upload job ${jobId} does not exist in domain ${domainName}.`);
    if (expectStatus !== undefined && ![expectStatus].flat().includes(cur.status)) return undefined;
    const next: UploadJobRecord = { ...cur, ...patch, domainName, jobId };
    const p = toParams(next);
    c.stmt(`UPDATE upload_jobs SET display_name = @display_name, fields = @fields, unique_key = @unique_key,
        data_expiry = @data_expiry, status = @status, status_reason = @status_reason, message = @message,
        started_at = @started_at, completed_at = @completed_at, uploaded_bytes = @uploaded_bytes, uploaded_at = @uploaded_at,
        created_records = @created_records, updated_records = @updated_records, failed_records = @failed_records,
        last_line = @last_line, stop_requested = @stop_requested WHERE domain_name = @domain_name AND job_id = @job_id`)
      .run(p);
    return next;
  });
}

/** Newest first. */
export function listUploadJobs(c: SqliteContext, domainName: string, page: PageRequest): Page<UploadJobRecord> {
  const limit = page.maxResults ?? 100;
  const scope = `upload-jobs:${domainName}`;
  const cursor = page.nextToken
    ? c.tokens.decode<{ t: number; id: string }>(scope, page.nextToken)
    : { t: Number.MAX_SAFE_INTEGER, id: '' };
  if (typeof cursor?.t !== 'number' || typeof cursor.id !== 'string') throw badRequest('The NextToken is invalid.');
  const rows = c.stmt<[string, number, number, string, number], UploadJobRow>(`SELECT * FROM upload_jobs
      WHERE domain_name = ? AND (created_at < ? OR (created_at = ? AND job_id < ?))
      ORDER BY created_at DESC, job_id DESC LIMIT ?`)
    .all(domainName, cursor.t, cursor.t, cursor.id || '\uffff', limit + 1);
  const items = rows.slice(0, limit).map(fromRow);
  const last = items[limit - 1];
  const nextToken = rows.length > limit && last ? c.tokens.encode(scope, { t: last.createdAt, id: last.jobId }) : undefined;
  return { items, nextToken };
}

/** Jobs of every domain in one of the statuses (restart recovery). */
export function findUploadJobsByStatus(c: SqliteContext, statuses: UploadJobStatus[]): UploadJobRecord[] {
  return statuses.flatMap((s) =>
    c.stmt<[string], UploadJobRow>('SELECT * FROM upload_jobs WHERE status = ? ORDER BY created_at').all(s).map(fromRow));
}
