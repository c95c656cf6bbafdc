/**
 * Store methods of the identity-resolution-jobs area (results, merges, schedule queries). Part of `Repository`;
 * SQLite implementation in src/store/sqlite/job-results.ts. Every write method is one transaction.
 */
import type { FieldMeta, ProfileData, StoredProfile } from '../model/profile.js';
import type { JobRecord, JobStatus, MatchGroupRecord } from './repository.js';

export type JobKind = 'FIRST' | 'SCHEDULED' | 'ON_DEMAND';

export interface JobRunInfo {
  kind: JobKind;
  /** Stage name → milliseconds. */
  stageTimings: Record<string, number>;
  exportError?: string;
  /** Whether the engine's model was saved (read it with getJobModel). */
  hasModel: boolean;
}

export interface StoredMatchGroup extends MatchGroupRecord {
  seq: number;
  /** 0 not processed by MERGING yet, 1 processed, 2 failed. */
  mergeState: 0 | 1 | 2;
}

/** The content a merge gives the main profile. */
export interface MergedContent { data: ProfileData; meta: Record<string, FieldMeta> }

/** One consolidation inside a group: computed from the live profiles inside the merge transaction. */
export interface GroupMergePlan { mainProfileId: string; mergedProfileIds: string[]; result: MergedContent }

/** A profile row as a merge reads it (stored texts). */
export interface MergeRow { profileId: string; dataText: string; metaText: string; createdAt: number; updatedAt: number }

/**
 * One merge with everything computed that needs no write lock: the main profile's new stored texts and the change
 * of its predefined keys (docs/jobs.md, "Planning ahead").
 */
export interface PreparedMerge {
  mainProfileId: string;
  mergedProfileIds: string[];
  /** The main profile's data and meta column texts after the merge. */
  dataText: string;
  metaText: string;
  /** Predefined key rows of the main profile to delete and to insert. */
  keyChanges: { drop: Array<[string, string]>; add: Array<[string, string]> };
}

/** A group's merges prepared from its profiles' rows (`rows[i]` for `profileIds[i]`; null: not a live profile). */
export interface PreparedGroup {
  seq: number;
  profileIds: string[];
  rows: Array<MergeRow | null>;
  merges: PreparedMerge[];
  /** Planning failed (message): the writer plans the group again inside its transaction (and fails it there). */
  error?: string;
}

/**
 * A merge applied straight into an open merge batch (no savepoint) failed after its first write: the batch holds a
 * partial merge and must be rolled back whole (rollbackMergeBatch); its groups can then be merged again, each in its
 * own transaction (docs/jobs.md, "Speed of MERGING").
 */
export class MergeBatchBroken extends Error {
  constructor(readonly seq: number, readonly cause: unknown) {
    super(`a write of group ${seq}'s merge failed inside the merge batch: ${(cause as Error)?.message ?? String(cause)}`);
    this.name = 'MergeBatchBroken';
  }
}

export interface MergeOutcome {
  mainProfileId: string;
  mergedProfileIds: string[];
  mergeId: string;
}

export interface JobsResultsRepository {
  // ---- Identity resolution jobs area (src/store/sqlite/job-results.ts) ----
  /**
   * One batch of live profiles' content as the JSON texts stored (no provenance), in profileId order after `afterId`:
   * PREPROCESSING hands them to the engine unparsed.
   */
  scanProfileTexts(domainName: string, afterId: string, limit: number): Promise<Array<{ profileId: string; data: string }>>;
  /** Creates or patches a job's run info (kind, stage timings, model, export error). */
  saveJobRun(domainName: string, jobId: string, patch: Partial<Omit<JobRunInfo, 'hasModel'>> & { model?: unknown }): Promise<void>;
  getJobRun(domainName: string, jobId: string): Promise<JobRunInfo | undefined>;
  getJobModel(domainName: string, jobId: string): Promise<unknown | undefined>;
  /** One part (0, 1, …) of a job's blocking-key index (src/engine/key-index.ts), in its own transaction. */
  saveJobKeyIndexPart(domainName: string, jobId: string, part: number, data: Uint8Array): Promise<void>;
  /** Makes a job's key index (parts 0 … parts − 1) the domain's one index; the others are deleted. */
  completeJobKeyIndex(domainName: string, jobId: string, parts: number): Promise<void>;
  /** The domain's complete key index (the newest a job saved) as its parts in order. */
  loadJobKeyIndex(domainName: string): Promise<{ jobId: string; parts: Buffer[] } | undefined>;
  /** The job of the domain's complete key index, if any. */
  keyIndexJobId(domainName: string): Promise<string | undefined>;
  /**
   * Replaces a job's match groups (in the given order) in one transaction; with `firstSeq` > 1, appends them as
   * groups firstSeq, firstSeq+1, … instead (a large result saved in several short transactions).
   */
  saveJobMatches(domainName: string, jobId: string, groups: MatchGroupRecord[], firstSeq?: number): Promise<void>;
  /** Groups in order after `afterSeq`; `mergeState` filters. */
  listJobMatches(domainName: string, jobId: string, afterSeq: number, limit: number, mergeState?: 0 | 1 | 2): Promise<StoredMatchGroup[]>;
  countJobMatches(domainName: string, jobId: string): Promise<number>;
  getJobMatch(domainName: string, jobId: string, matchId: string): Promise<StoredMatchGroup | undefined>;
  /**
   * Auto-merges one group in one transaction: loads the group's live profiles, calls `plan` with them, applies every
   * planned merge (fields, keys, objects, deletions, MERGED / DELETED_BY_MERGE history, merge log) and marks the
   * group processed with its number of merges. Idempotent per group: a processed group is skipped (returns []).
   * A group that merges nothing writes nothing and returns []: pass its seq in `alsoProcessed` of a later call (marked
   * in that transaction) or to markJobMatchesProcessed; until then a resumed job plans it again (harmless).
   * Inside an open merge batch (beginMergeBatch) it runs with no savepoint: it reads and plans before its first write
   * (an error there has written nothing) and an error after its first write throws MergeBatchBroken.
   */
  mergeJobGroup(domainName: string, jobId: string, seq: number, plan: (profiles: StoredProfile[]) => GroupMergePlan[], now: number, performedBy: string, alsoProcessed?: readonly number[]): Promise<MergeOutcome[]>;
  /**
   * Planning ahead (docs/jobs.md, "Planning ahead"): reads each group's profiles (in one read transaction) and
   * prepares its merges with `plan`, writing nothing; a planning error is kept in the group's `error`.
   */
  prepareJobGroups(domainName: string, groups: Array<{ seq: number; profileIds: string[] }>, plan: (group: { seq: number; profileIds: string[] }, profiles: StoredProfile[]) => GroupMergePlan[]): Promise<PreparedGroup[]>;
  /**
   * mergeJobGroup for a group prepared by prepareJobGroups (possibly on another connection): applied if every profile
   * of the group is still exactly as it was read; otherwise nothing of it is written and the group is planned again
   * from the live profiles (replanned: true). Alone, the merge's writes check its rows and its transaction is rolled
   * back on a change; inside an open merge batch, reads check every row and the group's flag before the first write
   * (no savepoint) and an error after that throws MergeBatchBroken.
   */
  mergePreparedJobGroup(domainName: string, jobId: string, prep: PreparedGroup, plan: (profiles: StoredProfile[]) => GroupMergePlan[], now: number, performedBy: string, alsoProcessed?: readonly number[]): Promise<{ merges: MergeOutcome[]; replanned: boolean }>;
  /** Marks not yet processed groups processed (groups that merged nothing, see mergeJobGroup). */
  markJobMatchesProcessed(domainName: string, jobId: string, seqs: readonly number[]): Promise<void>;
  /**
   * Group commit of MERGING (docs/jobs.md, "Commits of MERGING"): opens an outer write transaction; every
   * mergeJobGroup / mergePreparedJobGroup / markJobMatchFailed until commitMergeBatch writes into it (a merge that
   * fails before its first write leaves the batch as it was; after it, MergeBatchBroken: roll the batch back). Not for
   * connections shared with other writers between the calls.
   */
  beginMergeBatch(): Promise<void>;
  /** Marks `alsoProcessed` groups processed, patches the job (JobStats of committed merges only) and commits. */
  commitMergeBatch(domainName: string, jobId: string, alsoProcessed: readonly number[], job: Partial<JobRecord>): Promise<void>;
  /** Undoes an open batch (nothing when none is open). */
  rollbackMergeBatch(): Promise<void>;
  /** Whether a batch (the connection's outer transaction) is still open; SQLite may have rolled it back on an error. */
  inMergeBatch(): Promise<boolean>;
  /** Merges recorded for a job (NumberOfMergesDone survives a restart). */
  countJobMerges(domainName: string, jobId: string): Promise<number>;
  /** Marks a group failed (MERGING goes on with the others). */
  markJobMatchFailed(domainName: string, jobId: string, seq: number): Promise<void>;
  /**
   * MergeProfiles: in one transaction loads the main and merged profiles (ResourceNotFoundException when one is not a
   * live profile of the domain), calls `resolve` and applies the merge like mergeJobGroup.
   */
  mergeProfiles(domainName: string, mainProfileId: string, mergedProfileIds: string[], resolve: (main: StoredProfile, merged: StoredProfile[]) => MergedContent, now: number, performedBy?: string): Promise<MergeOutcome>;
  /** For each id: itself when live, the live profile it was (transitively) merged into, or undefined (deleted). */
  resolveLiveProfileIds(domainName: string, profileIds: string[]): Promise<Map<string, string | undefined>>;
  /**
   * The stored JSON data texts of the given profiles as a job reviewed them, aligned with `profileIds`: from the job's
   * merge log (each profile's content before the first merge of this job that involved it), else the live profile,
   * else undefined (merged or deleted otherwise since). For the export of a job resumed in MERGING.
   */
  reviewedProfileTexts(domainName: string, jobId: string, profileIds: string[]): Promise<Array<string | undefined>>;
  /** The newest job (by JobStartTime) in COMPLETED or PARTIAL_SUCCESS that has results. */
  latestCompletedJobId(domainName: string): Promise<string | undefined>;
  /** Jobs in the given statuses across all domains (scheduler, crash recovery). */
  listJobsByStatus(statuses: JobStatus[]): Promise<Array<{ domainName: string; jobId: string; status: JobStatus; jobStartTime: number }>>;
  /** JobStartTimes of the domain's jobs that left PENDING with JobStartTime > since (weekly quota). */
  listRunJobStartTimes(domainName: string, since: number): Promise<number[]>;
  /** Deletes jobs whose JobExpirationTime ≤ now, with their results; returns how many. */
  purgeExpiredJobs(now: number): Promise<number>;
}
