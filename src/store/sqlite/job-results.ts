/** SQLite implementation of the jobs area's store methods (src/store/jobs-results.ts); tables in migration 010. */
import { notFound } from '../../errors.js';
import type { StoredProfile } from '../../model/profile.js';
import { MergeBatchBroken } from '../jobs-results.js';
import type {
  GroupMergePlan, JobRunInfo, MergedContent, MergeOutcome, MergeRow, PreparedGroup, PreparedMerge, StoredMatchGroup,
} from '../jobs-results.js';
import type { JobRecord, JobStatus, MatchGroupRecord } from '../repository.js';
import { updateJob } from './jobs.js';
import type { SqliteContext } from './database.js';
import { newId, writeHistory } from './history.js';
import { decodeMeta, encodeMeta } from './meta-codec.js';
import { applyDerivedKeyChanges, derivedKeyChanges, PROFILE_HISTORY_TYPE } from './profiles.js';

/**
 * One batch of live profiles' JSON texts in profileId order after `afterId` (PREPROCESSING: the engine's normalize
 * workers read the texts, so the job thread never parses them all).
 */
export function scanProfileTexts(c: SqliteContext, domainName: string, afterId: string, limit: number) {
  return c.stmt<[string, string, number], { profileId: string; data: string }>(
    'SELECT profile_id AS profileId, data FROM profiles WHERE domain_name = ? AND profile_id > ? ORDER BY profile_id LIMIT ?',
  ).all(domainName, afterId, limit);
}

export function saveJobRun(c: SqliteContext, domainName: string, jobId: string,
  patch: Partial<Omit<JobRunInfo, 'hasModel'>> & { model?: unknown }): void {
  c.tx(() => {
    c.stmt(`INSERT OR IGNORE INTO job_runs (domain_name, job_id, kind) VALUES (?, ?, ?)`)
      .run(domainName, jobId, patch.kind ?? 'SCHEDULED');
    if (patch.kind) c.stmt('UPDATE job_runs SET kind = ? WHERE domain_name = ? AND job_id = ?').run(patch.kind, domainName, jobId);
    if (patch.stageTimings) {
      c.stmt('UPDATE job_runs SET stage_timings = ? WHERE domain_name = ? AND job_id = ?')
        .run(JSON.stringify(patch.stageTimings), domainName, jobId);
    }
    if (patch.model !== undefined) {
      c.stmt('UPDATE job_runs SET model = ? WHERE domain_name = ? AND job_id = ?').run(JSON.stringify(patch.model), domainName, jobId);
    }
    if (patch.exportError !== undefined) {
      c.stmt('UPDATE job_runs SET export_error = ? WHERE domain_name = ? AND job_id = ?').run(patch.exportError, domainName, jobId);
    }
  });
}

export function getJobRun(c: SqliteContext, domainName: string, jobId: string): JobRunInfo | undefined {
  const r = c.stmt<[string, string], { kind: string; stage_timings: string; export_error: string | null; has_model: number }>(
    'SELECT kind, stage_timings, export_error, model IS NOT NULL AS has_model FROM job_runs WHERE domain_name = ? AND job_id = ?',
  ).get(domainName, jobId);
  if (!r) return undefined;
  const info: JobRunInfo = { kind: r.kind as JobRunInfo['kind'], stageTimings: JSON.parse(r.stage_timings), hasModel: r.has_model === 1 };
  if (r.export_error !== null) info.exportError = r.export_error;
  return info;
}

export function getJobModel(c: SqliteContext, domainName: string, jobId: string): unknown | undefined {
  const r = c.stmt<[string, string], { model: string | null }>('SELECT model FROM job_runs WHERE domain_name = ? AND job_id = ?')
    .get(domainName, jobId);
  return r?.model ? JSON.parse(r.model) : undefined;
}

/** One part of a job's blocking-key index (saveJobKeyIndexPart in jobs-results.ts). */
export function saveJobKeyIndexPart(c: SqliteContext, domainName: string, jobId: string, part: number, data: Uint8Array): void {
  c.tx(() => {
    c.stmt('INSERT OR REPLACE INTO job_key_index (domain_name, job_id, part, data) VALUES (?, ?, ?, ?)')
      .run(domainName, jobId, part, Buffer.from(data.buffer, data.byteOffset, data.byteLength));
  });
}

/** Marks a job's key index complete and drops the domain's other indexes (only the newest is kept). */
export function completeJobKeyIndex(c: SqliteContext, domainName: string, jobId: string, parts: number): void {
  c.tx(() => {
    c.stmt('UPDATE job_runs SET key_index_parts = ? WHERE domain_name = ? AND job_id = ?').run(parts, domainName, jobId);
    c.stmt('DELETE FROM job_key_index WHERE domain_name = ? AND (job_id != ? OR part >= ?)').run(domainName, jobId, parts);
    c.stmt('UPDATE job_runs SET key_index_parts = NULL WHERE domain_name = ? AND job_id != ? AND key_index_parts IS NOT NULL')
      .run(domainName, jobId);
  });
}

/** The domain's complete key index: its job and how many parts it has. */
function keyIndexRun(c: SqliteContext, domainName: string): { job_id: string; key_index_parts: number } | undefined {
  return c.stmt<[string], { job_id: string; key_index_parts: number }>(
    'SELECT job_id, key_index_parts FROM job_runs WHERE domain_name = ? AND key_index_parts IS NOT NULL',
  ).get(domainName);
}

/** The job whose complete key index the domain has (a cheap check before reloading a cached index). */
export function keyIndexJobId(c: SqliteContext, domainName: string): string | undefined {
  return keyIndexRun(c, domainName)?.job_id;
}

/**
 * The domain's complete key index: its job and its parts in order. (A newer job completing its own index in between
 * the two reads deletes these parts: then fewer parts come back and the answer is undefined, as if just replaced.)
 */
export function loadJobKeyIndex(c: SqliteContext, domainName: string): { jobId: string; parts: Buffer[] } | undefined {
  const run = keyIndexRun(c, domainName);
  if (!run) return undefined;
  const parts = c.stmt<[string, string], { data: Buffer }>(
    'SELECT data FROM job_key_index WHERE domain_name = ? AND job_id = ? ORDER BY part',
  ).all(domainName, run.job_id).map((r) => r.data);
  return parts.length === run.key_index_parts ? { jobId: run.job_id, parts } : undefined;
}

export function saveJobMatches(c: SqliteContext, domainName: string, jobId: string, groups: MatchGroupRecord[], firstSeq = 1): void {
  c.tx(() => {
    if (firstSeq <= 1) c.stmt('DELETE FROM job_matches WHERE domain_name = ? AND job_id = ?').run(domainName, jobId);
    const ins = c.stmt(`INSERT INTO job_matches (domain_name, job_id, seq, match_id, profile_ids, confidence_score)
      VALUES (?, ?, ?, ?, ?, ?)`);
    const base = Math.max(1, firstSeq);
    groups.forEach((g, i) => ins.run(domainName, jobId, base + i, g.matchId, JSON.stringify(g.profileIds), g.confidenceScore));
  });
}

interface MatchRow { seq: number; match_id: string; profile_ids: string; confidence_score: number; merge_state: number }
const fromMatchRow = (r: MatchRow): StoredMatchGroup => ({
  seq: r.seq, matchId: r.match_id, profileIds: JSON.parse(r.profile_ids), confidenceScore: r.confidence_score,
  mergeState: r.merge_state as 0 | 1 | 2,
});

export function listJobMatches(c: SqliteContext, domainName: string, jobId: string, afterSeq: number, limit: number, mergeState?: 0 | 1 | 2): StoredMatchGroup[] {
  return c.stmt<[string, string, number, number | null, number | null, number], MatchRow>(`SELECT seq, match_id, profile_ids,
      confidence_score, merge_state FROM job_matches WHERE domain_name = ? AND job_id = ? AND seq > ?
      AND (? IS NULL OR merge_state = ?) ORDER BY seq LIMIT ?`)
    .all(domainName, jobId, afterSeq, mergeState ?? null, mergeState ?? null, limit).map(fromMatchRow);
}

export function countJobMatches(c: SqliteContext, domainName: string, jobId: string): number {
  return c.stmt<[string, string], { n: number }>('SELECT count(*) AS n FROM job_matches WHERE domain_name = ? AND job_id = ?')
    .get(domainName, jobId)!.n;
}

export function getJobMatch(c: SqliteContext, domainName: string, jobId: string, matchId: string): StoredMatchGroup | undefined {
  const r = c.stmt<[string, string, string], MatchRow>(`SELECT seq, match_id, profile_ids, confidence_score, merge_state
      FROM job_matches WHERE domain_name = ? AND job_id = ? AND match_id = ? LIMIT 1`).get(domainName, jobId, matchId);
  return r ? fromMatchRow(r) : undefined;
}

/**
 * A profile read by a merge: content parsed, provenance decoded on first use (profiles of a group that merge with
 * nothing never need it), and the stored texts kept, so the history records and the merge log are built from them
 * instead of serializing the parsed objects again.
 */
class MergeInput implements StoredProfile, MergeRow {
  #meta: StoredProfile['meta'] | undefined;
  constructor(
    readonly profileId: string, readonly domainName: string, public data: StoredProfile['data'],
    readonly createdAt: number, readonly updatedAt: number, readonly dataText: string, readonly metaText: string,
  ) {}
  get meta(): StoredProfile['meta'] { return (this.#meta ??= decodeMeta(this.metaText, this.data)); }
  set meta(v: StoredProfile['meta']) { this.#meta = v; }
}

interface ProfileRow { data: string; meta: string; created_at: number; updated_at: number }

function readMergeRow(c: SqliteContext, domainName: string, profileId: string): MergeRow | null {
  const r = c.stmt<[string, string], ProfileRow>('SELECT data, meta, created_at, updated_at FROM profiles WHERE domain_name = ? AND profile_id = ?')
    .get(domainName, profileId);
  return r ? { profileId, dataText: r.data, metaText: r.meta, createdAt: r.created_at, updatedAt: r.updated_at } : null;
}

const inputOf = (domainName: string, r: MergeRow) =>
  new MergeInput(r.profileId, domainName, JSON.parse(r.dataText), r.createdAt, r.updatedAt, r.dataText, r.metaText);

function loadMergeInput(c: SqliteContext, domainName: string, profileId: string): MergeInput | undefined {
  const r = readMergeRow(c, domainName, profileId);
  return r ? inputOf(domainName, r) : undefined;
}

/** History content of a profile before the merge (API Profile JSON, = profileContent) from its stored text. */
function contentOf(p: MergeRow): string {
  const body = p.dataText.slice(p.dataText.indexOf('{') + 1).trimStart();
  return `{"ProfileId":${JSON.stringify(p.profileId)}${body.startsWith('}') ? '' : ','}${body}`;
}

/** A merge's undo-ready snapshot (merge log `before`) and the profiles with explicit keys or objects to move. */
interface Snapshot { json: string; holders: Set<string> }

// Positional parameters: binding an object of named ones cost more than the index lookups.
const REFS = `SELECT 0 AS k, key_name AS a, value AS b, derived AS c FROM profile_keys WHERE domain_name = ? AND profile_id = ?
    UNION ALL SELECT 1, object_type_name, unique_key, NULL FROM profile_objects WHERE domain_name = ? AND profile_id = ?`;
// The same, led by a row (k = 2) when the profile is exactly as planned: the check and the snapshot in one statement.
const CHECKED_REFS = `SELECT 2 AS k, NULL AS a, NULL AS b, NULL AS c FROM profiles
    WHERE domain_name = ? AND profile_id = ? AND data = ? AND meta = ? AND created_at = ? AND updated_at = ?
    UNION ALL ${REFS}`;
type RefRow = [k: 0 | 1 | 2, a: string, b: string, c: number | null];

/**
 * Undo-ready snapshot of the profiles of one merge (JSON array text): per profile its content, provenance in the
 * stored form of the meta column (decodeMeta(meta, data) gives the per-path FieldMeta), times, every key row and
 * which objects it held (one statement per profile for both). With `check`, the same statement also checks that the
 * profile's row is exactly as planned (StaleMergePlan otherwise).
 */
function snapshot(c: SqliteContext, domainName: string, profiles: MergeRow[], check: boolean): Snapshot {
  const refs = c.stmt<unknown[], RefRow>(check ? CHECKED_REFS : REFS).raw(true);
  const parts: string[] = [];
  // Profiles with explicit keys or objects (the others have nothing to move to the main profile).
  const holders = new Set<string>();
  for (const p of profiles) {
    const keys: Array<{ key_name: string; value: string; derived: number }> = [];
    const objects: Array<{ object_type_name: string; unique_key: string }> = [];
    const rows = check ? refs.all(...rowArgs(domainName, p), domainName, p.profileId, domainName, p.profileId)
      : refs.all(domainName, p.profileId, domainName, p.profileId);
    if (check && rows[0]?.[0] !== 2) throw new StaleMergePlan(p.profileId);
    for (const [k, a, b, d] of rows) {
      if (k === 0) keys.push({ key_name: a, value: b, derived: d! });
      else if (k === 1) objects.push({ object_type_name: a, unique_key: b });
      else continue;
      if (k === 1 || d === 0) holders.add(p.profileId);
    }
    parts.push(`{"profileId":${JSON.stringify(p.profileId)},"domainName":${JSON.stringify(domainName)},`
      + `"data":${p.dataText},"meta":${p.metaText},"createdAt":${p.createdAt},"updatedAt":${p.updatedAt},`
      + `"keys":${JSON.stringify(keys)},"objects":${JSON.stringify(objects)}}`);
  }
  return { json: `[${parts.join(',')}]`, holders };
}

function prepareMerge(main: MergeInput, mergedIds: string[], result: MergedContent): PreparedMerge {
  return {
    mainProfileId: main.profileId, mergedProfileIds: mergedIds,
    dataText: JSON.stringify(result.data), metaText: encodeMeta(result.data, result.meta),
    keyChanges: derivedKeyChanges(main.profileId, main.data, result.data),
  };
}

/** Plans a group from its rows (pure: runs in the merge transaction or on a planner thread with rows read there). */
export function prepareGroup(domainName: string, seq: number, profileIds: string[], rows: Array<MergeRow | null>,
  plan: (profiles: StoredProfile[]) => GroupMergePlan[]): PreparedGroup {
  const live: MergeInput[] = [];
  for (const r of rows) if (r) live.push(inputOf(domainName, r));
  const merges: PreparedMerge[] = [];
  for (const m of plan(live)) {
    const main = live.find((p) => p.profileId === m.mainProfileId);
    const merged = m.mergedProfileIds.map((id) => live.find((p) => p.profileId === id));
    if (!main || merged.some((x) => !x) || merged.length === 0) continue;
    merges.push(prepareMerge(main, m.mergedProfileIds, m.result));
  }
  return { seq, profileIds, rows, merges };
}

/** Reads a group's rows (every id, in order) and plans it: what a planner thread does per group. */
export function readAndPrepareGroup(c: SqliteContext, domainName: string, seq: number, profileIds: string[],
  plan: (profiles: StoredProfile[]) => GroupMergePlan[]): PreparedGroup {
  return prepareGroup(domainName, seq, profileIds, profileIds.map((id) => readMergeRow(c, domainName, id)), plan);
}

/**
 * readAndPrepareGroup for each group; a group whose planning throws keeps the error. No read transaction around them:
 * each row is checked again when the merge is written, and a reader holding a WAL snapshot for long keeps the writer's
 * WAL from restarting after its checkpoints (it then grows, and every commit checkpoints again).
 */
export function prepareJobGroups(c: SqliteContext, domainName: string, groups: Array<{ seq: number; profileIds: string[] }>,
  plan: (group: { seq: number; profileIds: string[] }, profiles: StoredProfile[]) => GroupMergePlan[]): PreparedGroup[] {
  return groups.map((g) => {
    try {
      return readAndPrepareGroup(c, domainName, g.seq, g.profileIds, (live) => plan(g, live));
    } catch (err) {
      return { seq: g.seq, profileIds: g.profileIds, rows: [], merges: [], error: String((err as Error)?.message ?? err) };
    }
  });
}

/** A prepared merge met a profile that changed since it was planned: its savepoint is rolled back, the group re-planned. */
export class StaleMergePlan extends Error {
  constructor(profileId: string) { super(`profile ${profileId} changed since the merge was planned`); }
}

// The row must be exactly as planned (every column): the conditions make the writes themselves the check.
const SAME_ROW = 'domain_name = ? AND profile_id = ? AND data = ? AND meta = ? AND created_at = ? AND updated_at = ?';
const rowArgs = (domainName: string, r: MergeRow) => [domainName, r.profileId, r.dataText, r.metaText, r.createdAt, r.updatedAt];
// Statement texts as constants: a template literal built per call is a new string to flatten and hash for the
// statement cache every time.
const DELETE_SAME_ROW = `DELETE FROM profiles WHERE ${SAME_ROW}`;
const UPDATE_SAME_ROW = `UPDATE profiles SET data = ?, meta = ?, updated_at = ? WHERE ${SAME_ROW}`;
const EXISTS_SAME_ROW = `SELECT 1 AS x FROM profiles WHERE ${SAME_ROW}`;

/** Writes one merge (snapshot taken before) inside the caller's transaction; a row not as planned: StaleMergePlan. */
function writeMerge(c: SqliteContext, domainName: string, main: MergeRow, merged: MergeRow[], m: PreparedMerge,
  before: Snapshot, now: number, performedBy: string | undefined, jobId: string | null): MergeOutcome {
  const mergeId = newId();
  for (const p of merged) {
    // Explicit keys and objects move to the main profile (predefined keys follow the main profile's new fields).
    if (before.holders.has(p.profileId)) {
      c.stmt(`INSERT OR IGNORE INTO profile_keys (domain_name, key_name, value, profile_id, derived)
          SELECT domain_name, key_name, value, ?, 0 FROM profile_keys WHERE domain_name = ? AND profile_id = ? AND derived = 0`)
        .run(main.profileId, domainName, p.profileId);
      c.stmt('UPDATE profile_objects SET profile_id = ? WHERE domain_name = ? AND profile_id = ?')
        .run(main.profileId, domainName, p.profileId);
    }
    // The profile's key rows go before its row (whose trigger would delete them otherwise): inside a transaction,
    // SQLite gives a statement that fires a trigger with a possible constraint abort (the trigger's domain_stats
    // update) a statement journal — a copy of every page it changes, 16 KiB each — and the trigger's key deletions
    // were most of those pages. A DELETE that fires no trigger and checks no constraint keeps none.
    c.stmt('DELETE FROM profile_keys WHERE domain_name = ? AND profile_id = ?').run(domainName, p.profileId);
    if (c.stmt(DELETE_SAME_ROW).run(...rowArgs(domainName, p)).changes !== 1) throw new StaleMergePlan(p.profileId);
    // (An upsert rather than INSERT OR REPLACE, whose possible row deletion also takes a statement journal.)
    c.stmt(`INSERT INTO merged_into (domain_name, profile_id, main_profile_id, merged_at) VALUES (?, ?, ?, ?)
        ON CONFLICT (domain_name, profile_id) DO UPDATE SET main_profile_id = excluded.main_profile_id, merged_at = excluded.merged_at`)
      .run(domainName, p.profileId, main.profileId, now);
    writeHistory(c, {
      domainName, profileId: p.profileId, objectTypeName: PROFILE_HISTORY_TYPE, actionType: 'DELETED_BY_MERGE',
      createdAt: now, performedBy, content: contentOf(p),
    });
  }
  if (c.stmt(UPDATE_SAME_ROW)
    .run(m.dataText, m.metaText, now, ...rowArgs(domainName, main)).changes !== 1) throw new StaleMergePlan(main.profileId);
  applyDerivedKeyChanges(c, domainName, main.profileId, m.keyChanges);
  writeHistory(c, {
    domainName, profileId: main.profileId, objectTypeName: PROFILE_HISTORY_TYPE, actionType: 'MERGED',
    createdAt: now, performedBy, content: contentOf(main),
  });
  c.stmt(`INSERT INTO merge_log (domain_name, merge_id, job_id, main_profile_id, merged_profile_ids, before, created_at)
      VALUES (?, ?, ?, ?, ?, ?, ?)`)
    .run(domainName, mergeId, jobId, main.profileId, JSON.stringify(m.mergedProfileIds), before.json, now);
  return { mainProfileId: main.profileId, mergedProfileIds: m.mergedProfileIds, mergeId };
}

const MARK_PROCESSED = 'UPDATE job_matches SET merge_state = 1 WHERE domain_name = ? AND job_id = ? AND seq = ? AND merge_state = 0';

/**
 * Applies a prepared group inside the caller's transaction; see mergeJobGroup.
 * - `planned`: the rows were read elsewhere (prepareJobGroups), so they are checked; otherwise they were read and
 *   planned in this same transaction.
 * - `unguarded`: no transaction or savepoint of its own — straight into an open merge batch (docs/jobs.md, "Speed of
 *   MERGING"): every check is a read made before the first write (a StaleMergePlan then has written nothing), and an
 *   error after the first write is a MergeBatchBroken (the caller must roll the batch back). Guarded, the writes of
 *   the merging rows are their own checks and the caller's savepoint undoes the group on a StaleMergePlan.
 */
function applyGroup(c: SqliteContext, domainName: string, jobId: string, prep: PreparedGroup, now: number,
  performedBy: string, alsoProcessed: readonly number[], planned: boolean, unguarded: boolean): MergeOutcome[] {
  // A group that merges nothing writes nothing (its commit would cost a page write for a flag): the caller passes
  // it back with its next merge (alsoProcessed), or to markJobMatchesProcessed. Until then a resumed job re-plans
  // it, which changes nothing either.
  if (prep.merges.length === 0) return [];
  const rowOf = new Map<string, MergeRow | null>();
  prep.profileIds.forEach((id, i) => rowOf.set(id, prep.rows[i] ?? null));
  const check = planned && unguarded;
  if (check) {
    const g = c.stmt<[string, string, number], { merge_state: number }>(
      'SELECT merge_state FROM job_matches WHERE domain_name = ? AND job_id = ? AND seq = ?').get(domainName, jobId, prep.seq);
    if (g?.merge_state !== 0) throw new StaleMergePlan(`group ${prep.seq}`);
  }
  if (planned) {
    const involved = new Set<string>();
    for (const m of prep.merges) {
      involved.add(m.mainProfileId);
      for (const id of m.mergedProfileIds) involved.add(id);
    }
    // The group's other profiles count too (a changed one might now take part): each must be as it was planned.
    for (const [id, r] of rowOf) {
      if (involved.has(id)) continue;
      const found = c.stmt<unknown[], { x: number }>(r ? EXISTS_SAME_ROW
        : 'SELECT 1 AS x FROM profiles WHERE domain_name = ? AND profile_id = ?').get(...(r ? rowArgs(domainName, r) : [domainName, id]));
      if ((found !== undefined) !== (r !== null)) throw new StaleMergePlan(id);
    }
  }
  // Every merge's rows read (and, unguarded, checked) before anything is written.
  const merges = prep.merges.map((m) => {
    const main = rowOf.get(m.mainProfileId)!;
    const merged = m.mergedProfileIds.map((id) => rowOf.get(id)!);
    return { m, main, merged, before: snapshot(c, domainName, [main, ...merged], check) };
  });
  const write = () => {
    const out = merges.map(({ m, main, merged, before }) => writeMerge(c, domainName, main, merged, m, before, now, performedBy, jobId));
    // Only a group not processed yet (else everything above is rolled back and mergeJobGroup finds it processed).
    if (c.stmt('UPDATE job_matches SET merge_state = 1, merges = ? WHERE domain_name = ? AND job_id = ? AND seq = ? AND merge_state = 0')
      .run(out.length, domainName, jobId, prep.seq).changes !== 1) throw new StaleMergePlan(`group ${prep.seq}`);
    for (const s of alsoProcessed) c.stmt(MARK_PROCESSED).run(domainName, jobId, s);
    return out;
  };
  if (!unguarded) return write();
  try {
    return write();
  } catch (err) {
    throw new MergeBatchBroken(prep.seq, err);
  }
}

/**
 * Auto-merges one group (see JobsResultsRepository.mergeJobGroup): in its own transaction, or — inside an open merge
 * batch — straight into it: the group is read and planned before its first write, and an error after that is a
 * MergeBatchBroken.
 */
export function mergeJobGroup(c: SqliteContext, domainName: string, jobId: string, seq: number,
  plan: (profiles: StoredProfile[]) => GroupMergePlan[], now: number, performedBy: string,
  alsoProcessed: readonly number[] = []): MergeOutcome[] {
  const run = () => {
    const g = c.stmt<[string, string, number], { profile_ids: string; merge_state: number }>(`SELECT profile_ids, merge_state
        FROM job_matches WHERE domain_name = ? AND job_id = ? AND seq = ?`).get(domainName, jobId, seq);
    if (!g || g.merge_state !== 0) return [];
    const prep = readAndPrepareGroup(c, domainName, seq, JSON.parse(g.profile_ids) as string[], plan);
    return applyGroup(c, domainName, jobId, prep, now, performedBy, alsoProcessed, false, unguarded);
  };
  const unguarded = c.db.inTransaction;
  return unguarded ? run() : c.tx(run);
}

/**
 * A group prepared ahead (readAndPrepareGroup on another connection): applied if every profile of the group is still
 * exactly as planned; otherwise nothing is written (its own transaction / savepoint rolled back, or — inside an open
 * merge batch — the check reads fail before any write) and the group is planned again here, from the profiles as
 * they are now (mergeJobGroup).
 */
export function mergePreparedJobGroup(c: SqliteContext, domainName: string, jobId: string, prep: PreparedGroup,
  plan: (profiles: StoredProfile[]) => GroupMergePlan[], now: number, performedBy: string,
  alsoProcessed: readonly number[] = []): { merges: MergeOutcome[]; replanned: boolean } {
  if (prep.error === undefined) {
    try {
      const merges = c.db.inTransaction
        ? applyGroup(c, domainName, jobId, prep, now, performedBy, alsoProcessed, true, true)
        : c.tx(() => applyGroup(c, domainName, jobId, prep, now, performedBy, alsoProcessed, true, false));
      return { merges, replanned: false };
    } catch (err) {
      if (!(err instanceof StaleMergePlan)) throw err;
    }
  }
  return { merges: mergeJobGroup(c, domainName, jobId, prep.seq, plan, now, performedBy, alsoProcessed), replanned: true };
}

/** Marks groups processed that merged nothing (see mergeJobGroup). */
export function markJobMatchesProcessed(c: SqliteContext, domainName: string, jobId: string, seqs: readonly number[]): void {
  if (seqs.length === 0) return;
  c.tx(() => { for (const s of seqs) c.stmt(MARK_PROCESSED).run(domainName, jobId, s); });
}

/** Group commit of MERGING: see JobsResultsRepository.beginMergeBatch. */
export function beginMergeBatch(c: SqliteContext): void {
  c.db.exec('BEGIN IMMEDIATE');
}

export function commitMergeBatch(c: SqliteContext, domainName: string, jobId: string, alsoProcessed: readonly number[],
  job: Partial<JobRecord>): void {
  for (const s of alsoProcessed) c.stmt(MARK_PROCESSED).run(domainName, jobId, s);
  updateJob(c, domainName, jobId, job);
  c.db.exec('COMMIT');
}

export function rollbackMergeBatch(c: SqliteContext): void {
  if (c.db.inTransaction) c.db.exec('ROLLBACK');
}

export function countJobMerges(c: SqliteContext, domainName: string, jobId: string): number {
  return c.stmt<[string, string], { n: number }>('SELECT coalesce(sum(merges), 0) AS n FROM job_matches WHERE domain_name = ? AND job_id = ?')
    .get(domainName, jobId)!.n;
}

export function markJobMatchFailed(c: SqliteContext, domainName: string, jobId: string, seq: number): void {
  c.stmt('UPDATE job_matches SET merge_state = 2 WHERE domain_name = ? AND job_id = ? AND seq = ?').run(domainName, jobId, seq);
}

export function mergeProfiles(c: SqliteContext, domainName: string, mainProfileId: string, mergedProfileIds: string[],
  resolve: (main: StoredProfile, merged: StoredProfile[]) => MergedContent, now: number, performedBy?: string): MergeOutcome {
  return c.tx(() => {
    const load = (id: string) => {
      const p = loadMergeInput(c, domainName, id);
      if (!p) throw notFound(`Profile ${id} does not exist in domain ${domainName}.`);
      return p;
    };
    const main = load(mainProfileId);
    const merged = mergedProfileIds.map(load);
    const m = prepareMerge(main, mergedProfileIds, resolve(main, merged));
    return writeMerge(c, domainName, main, merged, m, snapshot(c, domainName, [main, ...merged], false), now, performedBy, null);
  });
}

export function resolveLiveProfileIds(c: SqliteContext, domainName: string, profileIds: string[]): Map<string, string | undefined> {
  const out = new Map<string, string | undefined>();
  const exists = c.stmt<[string, string], { x: number }>('SELECT 1 AS x FROM profiles WHERE domain_name = ? AND profile_id = ?');
  const into = c.stmt<[string, string], { main_profile_id: string }>(
    'SELECT main_profile_id FROM merged_into WHERE domain_name = ? AND profile_id = ?');
  for (const id of profileIds) {
    let cur: string | undefined = id;
    // Follow merge chains (bounded: a chain cannot be longer than the number of merges; 64 is plenty).
    for (let i = 0; cur !== undefined && i < 64; i++) {
      if (exists.get(domainName, cur)) break;
      cur = into.get(domainName, cur)?.main_profile_id;
    }
    out.set(id, cur !== undefined && exists.get(domainName, cur) ? cur : undefined);
  }
  return out;
}

export function reviewedProfileTexts(c: SqliteContext, domainName: string, jobId: string, profileIds: string[]): Array<string | undefined> {
  const wanted = new Set(profileIds);
  const before = new Map<string, string>();
  // The merge log has no index by job (migration 011): one pass over the table, in merge order, for a rare recovery.
  const rows = c.stmt<[string, string], { before: string }>('SELECT before FROM merge_log WHERE domain_name = ? AND job_id = ? ORDER BY seq')
    .iterate(domainName, jobId);
  for (const r of rows) {
    for (const p of JSON.parse(r.before) as Array<{ profileId: string; data: unknown }>) {
      if (wanted.has(p.profileId) && !before.has(p.profileId)) before.set(p.profileId, JSON.stringify(p.data));
    }
  }
  const live = c.stmt<[string, string], { data: string }>('SELECT data FROM profiles WHERE domain_name = ? AND profile_id = ?');
  return profileIds.map((id) => before.get(id) ?? live.get(domainName, id)?.data);
}

export function latestCompletedJobId(c: SqliteContext, domainName: string): string | undefined {
  return c.stmt<[string], { job_id: string }>(`SELECT j.job_id FROM jobs j JOIN job_runs r
      ON r.domain_name = j.domain_name AND r.job_id = j.job_id
      WHERE j.domain_name = ? AND j.status IN ('COMPLETED', 'PARTIAL_SUCCESS')
      ORDER BY j.job_start_time DESC, j.job_id DESC LIMIT 1`).get(domainName)?.job_id;
}

export function listJobsByStatus(c: SqliteContext, statuses: JobStatus[]) {
  // A cached statement per list length (the scheduler calls this in a loop; see native-lifetime.ts).
  return c.stmt(`SELECT domain_name, job_id, status, job_start_time FROM jobs
      WHERE status IN (${statuses.map(() => '?').join(',')}) ORDER BY job_start_time`)
    .all(...statuses)
    .map((r: any) => ({ domainName: r.domain_name as string, jobId: r.job_id as string, status: r.status as JobStatus, jobStartTime: r.job_start_time as number }));
}

export function listRunJobStartTimes(c: SqliteContext, domainName: string, since: number): number[] {
  return c.stmt<[string, number], { t: number }>(`SELECT job_start_time AS t FROM jobs
      WHERE domain_name = ? AND status <> 'PENDING' AND job_start_time > ?`).all(domainName, since).map((r) => r.t);
}

export function purgeExpiredJobs(c: SqliteContext, now: number): number {
  return c.tx(() => c.stmt(`DELETE FROM jobs WHERE job_expiration_time IS NOT NULL AND job_expiration_time <= ?`).run(now).changes);
}

export type { MatchGroupRecord };
