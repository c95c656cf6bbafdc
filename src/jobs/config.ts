/** Jobs configuration: defaults (docs/jobs.md, "Configuration") and environment overrides. */
import { totalmem } from 'node:os';
export interface JobsConfig {
  /** Delay between enabling matching and the first job (AWS: within 24 h). */
  firstRunDelayMs: number;
  /** Jobs that may run per domain in a rolling 7-day window (AWS quota: 3). */
  maxJobsPerWeek: number;
  /** A finished job (and its results) is kept this long, then purged. */
  retentionMs: number;
  /** Scheduler loop period. */
  tickMs: number;
  /** Upper bound of one export CSV part (bytes). */
  exportPartBytes: number;
  /** Run jobs in a worker thread (default) or inline on the caller's event loop (tests of small domains). */
  inline: boolean;
  /** Seed for the engine (same data + seed → same groups). */
  engineSeed: number;
  /** Engine worker threads (undefined: the engine's default). */
  engineWorkers?: number;
  /** V8 old-space limit of a job's worker thread in MiB (a 1M-profile job needs more than Node's ~4 GiB default). */
  workerHeapMb: number;
  /**
   * WAL auto-checkpoint threshold (pages) of a job worker's connection. MERGING commits one transaction per merge,
   * each rewriting ~20 pages in the WAL; a larger WAL between checkpoints writes each hot or nearby page back to
   * the database once for more merges (and syncs less often): at 100k profiles 16,000 pages (256 MiB) sent ~1/3
   * fewer bytes to storage per merge than SQLite's 1,000. docs/jobs.md, "Speed of MERGING".
   */
  walCheckpointPages: number;
  /**
   * Group commit of MERGING (docs/jobs.md, "Commits of MERGING"): each merge is its own savepoint, and the outer
   * transaction commits after this many merges (COALESCE_MERGE_COMMIT_EVERY; 1 = one commit per merge, no batching)
   * or after mergeCommitMs, whichever comes first.
   */
  mergeCommitEvery: number;
  /** Longest time a merge batch stays open (COALESCE_MERGE_COMMIT_MS): bounds how long API writers wait for the lock. */
  mergeCommitMs: number;
  /**
   * Page cache of a job worker's SQLite connection in MiB (COALESCE_JOBS_CACHE_MB): MERGING touches pages all over
   * the file; with the store's default 64 MiB a 1M-profile file (~1.2 GB) is mostly re-read from the OS cache.
   */
  workerCacheMb: number;
  /**
   * Plan MERGING's groups ahead on a second thread (COALESCE_MERGE_PLANNER, default on; 0 = plan each group inside
   * its merge), for jobs with at least mergePlannerMinGroups eligible groups (COALESCE_MERGE_PLANNER_MIN_GROUPS).
   * docs/jobs.md, "Planning ahead".
   */
  mergePlanner: boolean;
  mergePlannerMinGroups: number;
  /**
   * Experimental (COALESCE_MERGE_WAL_RESTART=1, default off): every ~walCheckpointPages/16 merges a background PASSIVE
   * checkpoint, then a RESTART checkpoint by the writer between batches (docs/jobs.md, "Planning ahead").
   */
  mergeWalRestart: boolean;
  /** Profiles per store read in PREPROCESSING. */
  scanBatch: number;
  /**
   * Save the engine's blocking-key index with the job (COALESCE_JOBS_KEY_INDEX, default on; 0 = off): what
   * MatchProfile needs to match one profile against the job's profiles (docs/jobs.md, "Matching one profile").
   */
  keyIndex: boolean;
  /**
   * Test hook (COALESCE_JOBS_TEST_PAUSE): 'FIND_MATCHING' pauses a job right after it enters FIND_MATCHING;
   * 'MERGING' pauses after half of the eligible groups were merged. Used by crash tests to SIGKILL at a known point.
   */
  testPauseAt?: 'FIND_MATCHING' | 'MERGING';
}

export const DEFAULT_JOBS_CONFIG: JobsConfig = {
  firstRunDelayMs: 60_000,
  maxJobsPerWeek: 3,
  retentionMs: 30 * 86_400_000,
  tickMs: 1_000,
  exportPartBytes: 64 * 1024 * 1024,
  inline: false,
  engineSeed: 1,
  scanBatch: 5_000,
  keyIndex: true,
  walCheckpointPages: 16_000,
  mergeCommitEvery: 10_000,
  mergeCommitMs: 2000,
  workerCacheMb: 1024,
  mergePlanner: true,
  mergePlannerMinGroups: 1000,
  mergeWalRestart: false,
  workerHeapMb: Math.max(4096, Math.floor((totalmem() / 2 ** 20) * 0.5)),
};

const num = (v: string | undefined): number | undefined => {
  if (v === undefined || v === '') return undefined;
  const n = Number(v);
  return Number.isFinite(n) ? n : undefined;
};

/** Overrides from COALESCE_JOBS_* environment variables (documented in docs/jobs.md). */
export function jobsConfigFromEnv(env: NodeJS.ProcessEnv = process.env): Partial<JobsConfig> {
  const out: Partial<JobsConfig> = {};
  const first = num(env.COALESCE_JOBS_FIRST_RUN_DELAY_SECONDS);
  if (first !== undefined) out.firstRunDelayMs = first * 1000;
  const max = num(env.COALESCE_JOBS_MAX_PER_WEEK);
  if (max !== undefined) out.maxJobsPerWeek = max;
  const days = num(env.COALESCE_JOBS_RETENTION_DAYS);
  if (days !== undefined) out.retentionMs = days * 86_400_000;
  const part = num(env.COALESCE_JOBS_EXPORT_PART_BYTES);
  if (part !== undefined) out.exportPartBytes = part;
  const workers = num(env.COALESCE_ENGINE_WORKERS);
  if (workers !== undefined) out.engineWorkers = workers;
  const heap = num(env.COALESCE_JOBS_WORKER_HEAP_MB);
  if (heap !== undefined) out.workerHeapMb = heap;
  const ckpt = num(env.COALESCE_JOBS_WAL_CHECKPOINT_PAGES);
  if (ckpt !== undefined && ckpt >= 0) out.walCheckpointPages = Math.floor(ckpt);
  const every = num(env.COALESCE_MERGE_COMMIT_EVERY);
  if (every !== undefined && every >= 1) out.mergeCommitEvery = Math.floor(every);
  const commitMs = num(env.COALESCE_MERGE_COMMIT_MS);
  if (commitMs !== undefined && commitMs >= 0) out.mergeCommitMs = commitMs;
  const cacheMb = num(env.COALESCE_JOBS_CACHE_MB);
  if (cacheMb !== undefined && cacheMb >= 1) out.workerCacheMb = Math.floor(cacheMb);
  const planner = env.COALESCE_MERGE_PLANNER;
  if (planner === '0' || planner === 'false') out.mergePlanner = false;
  else if (planner === '1' || planner === 'true') out.mergePlanner = true;
  const restart = env.COALESCE_MERGE_WAL_RESTART;
  if (restart === '1' || restart === 'true') out.mergeWalRestart = true;
  else if (restart === '0' || restart === 'false') out.mergeWalRestart = false;
  const minGroups = num(env.COALESCE_MERGE_PLANNER_MIN_GROUPS);
  if (minGroups !== undefined && minGroups >= 0) out.mergePlannerMinGroups = Math.floor(minGroups);
  const keyIndex = env.COALESCE_JOBS_KEY_INDEX;
  if (keyIndex === '0' || keyIndex === 'false') out.keyIndex = false;
  else if (keyIndex === '1' || keyIndex === 'true') out.keyIndex = true;
  const pause = env.COALESCE_JOBS_TEST_PAUSE;
  if (pause === 'FIND_MATCHING' || pause === 'MERGING') out.testPauseAt = pause;
  return out;
}
