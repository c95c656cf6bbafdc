/**
 * One job's lifecycle after it left PENDING (docs/jobs.md, "Lifecycle"): PREPROCESSING → FIND_MATCHING →
 * MERGING (when auto-merging is enabled) → COMPLETED | PARTIAL_SUCCESS | FAILED. Runs in a worker thread with its
 * own store connection (or inline); every state change is written to the store, so a crash can be recovered.
 */
import type { AutoMerging, JobStats } from '../api/generated/types.js';
import { MergeBatchBroken, type PreparedGroup, type StoredMatchGroup } from '../store/jobs-results.js';
import type { JobRecord, JobStatus, Repository } from '../store/repository.js';
import type { JobsConfig } from './config.js';
import { loadEngine } from './engine.js';
import { exportCellsHere, type MakeExportCells } from './export-cells.js';
import { exportMatches } from './export-csv.js';
import type { StartMergePlanner } from './merge-planner.js';
import type { WalCheckpointer } from './wal-checkpointer.js';
import { eligible, planGroup } from './planner.js';
import type { ObjectSink } from './sinks.js';

export interface RunParams {
  domainName: string;
  jobId: string;
  /** 'run': from PREPROCESSING; 'resume': a job found in MERGING after a restart. */
  mode: 'run' | 'resume';
  config: JobsConfig;
  sink: ObjectSink;
  now: () => number;
  /** Messages for the server log: warnings unless said otherwise (statistics are 'info'). */
  log?: (msg: string, level?: 'info' | 'warn') => void;
  /** Called every WAL_FLUSH_EVERY merges: starts a background flush of the WAL (src/jobs/wal-flusher.ts). */
  flushWal?: () => void;
  /** Awaited before MERGING takes the write lock (a batch, or a merge in strict mode): lets waiting API writers in. */
  yieldToWriters?: () => Promise<void>;
  /** Whether API transactions wait for the write lock: the open batch is then committed at once. */
  writersWaiting?: () => boolean;
  /** Called with true when MERGING's merge loop starts and false when it ends (the service tunes checkpoints). */
  onMerging?: (active: boolean) => void;
  /** A checkpoint that waits for readers and lets the next write restart the WAL (called between merge batches). */
  restartWal?: () => void;
  /** Starts background checkpoints run before restartWal (wal-checkpointer.ts), for a MERGING with merge batches. */
  startWalCheckpointer?: () => WalCheckpointer;
  /** Plans MERGING's groups ahead on another thread (merge-planner.ts); absent: each group is planned in its merge. */
  startMergePlanner?: StartMergePlanner;
  /** Makes the export's row cells on another thread (export-cells.ts); absent: on this one. */
  makeExportCells?: MakeExportCells;
}

export const RUNNING: JobStatus[] = ['PREPROCESSING', 'FIND_MATCHING', 'MERGING'];
const MERGE_BATCH = 500;
const SAVE_MATCHES_CHUNK = 5_000;
/** Largest stored part of a key index (a million profiles: 142 MiB in 39 parts: the JSON header split, one per array). */
const KEY_INDEX_PART_BYTES = 16 * 1024 * 1024;
/** ~20 WAL pages per merge: a background flush per ~5 MB written. */
const WAL_FLUSH_EVERY = 16;

/** Who history records say performed an auto-merge. */
export const jobPerformer = (jobId: string) => `IdentityResolutionJob/${jobId}`;

class JobError extends Error {}

/** The job process's memory after a stage (an info line: where a large job's peak RSS comes from). */
function logMemory(p: RunParams, after: string): void {
  const m = process.memoryUsage();
  const mib = (n: number) => Math.round(n / 2 ** 20);
  // With node --expose-gc (diagnostics only): what is still reachable, after a full collection.
  const gc = (globalThis as { gc?: () => void }).gc;
  let live = '';
  if (typeof gc === 'function') {
    gc();
    const l = process.memoryUsage();
    live = `; after a full GC: heap ${mib(l.heapUsed)} MiB, external ${mib(l.external)} MiB`;
  }
  p.log?.(`job ${p.jobId}: memory after ${after}: process RSS ${mib(m.rss)} MiB; this thread's V8 heap ${mib(m.heapUsed)} of `
    + `${mib(m.heapTotal)} MiB, external ${mib(m.external)} MiB${live}`, 'info');
}

export async function runJob(store: Repository, p: RunParams): Promise<JobRecord | undefined> {
  const { domainName, jobId, config } = p;
  const timings: Record<string, number> = {};
  let stats: JobStats = {};
  let stage: JobStatus = p.mode === 'run' ? 'PREPROCESSING' : 'MERGING';
  let resultsSaved = p.mode === 'resume';
  const job0 = await store.getJob(domainName, jobId);
  if (!job0) return undefined;
  const autoMerging: AutoMerging | undefined = job0.autoMerging;
  stats = { ...(job0.jobStats ?? {}) };
  const transition = async (status: JobStatus, extra: Partial<JobRecord> = {}) => {
    stage = status;
    await store.updateJob(domainName, jobId, { status, lastUpdatedAt: p.now(), jobStats: stats, ...extra });
  };
  try {
    // Export cells of the profiles in match groups, as reviewed (the rest of PREPROCESSING's data is released).
    let exportCells: Map<string, string> | undefined;
    if (p.mode === 'run') {
      exportCells = await preprocessAndMatch(store, p, stats, timings, transition, () => { resultsSaved = true; });
    }

    const problems: string[] = [];
    if (autoMerging?.Enabled) {
      if (p.mode === 'run') await transition('MERGING');
      const t = performance.now();
      p.onMerging?.(true);
      const failed = await mergeAll(store, p, autoMerging, stats).finally(() => p.onMerging?.(false));
      if (failed > 0) problems.push(`${failed} match group(s) could not be merged (see the server log); their profiles were left unchanged`);
      timings.MERGING = performance.now() - t;
      logMemory(p, 'MERGING');
    }

    const domain = await store.getDomain(domainName);
    const s3 = domain?.matching?.ExportingConfig?.S3Exporting;
    let exportingLocation: JobRecord['exportingLocation'];
    if (s3) {
      const t = performance.now();
      try {
        // Cells not made in FIND_MATCHING (a job resumed in MERGING, or exporting enabled since): the profiles as the
        // job reviewed them, rebuilt from the store.
        exportCells ??= await reviewedExportCells(store, domainName, jobId);
        const cellsOf = exportCells;
        const r = await exportMatches({
          sink: p.sink, bucket: s3.S3BucketName, keyName: s3.S3KeyName, domainName, jobId,
          groups: iterateGroups(store, domainName, jobId),
          profileOf: (id) => cellsOf.get(id),
          partBytes: config.exportPartBytes,
        });
        exportingLocation = { S3Exporting: { S3BucketName: s3.S3BucketName, S3KeyName: r.prefix } };
      } catch (err) {
        const msg = `Exporting the results to s3://${s3.S3BucketName}/${s3.S3KeyName ?? ''} failed: ${(err as Error).message}`;
        problems.push(msg);
        await store.saveJobRun(domainName, jobId, { exportError: msg });
      }
      timings.EXPORT = performance.now() - t;
      logMemory(p, 'export');
    }
    await store.saveJobRun(domainName, jobId, { stageTimings: timings });
    const end = p.now();
    const final: Partial<JobRecord> = {
      status: problems.length > 0 ? 'PARTIAL_SUCCESS' : 'COMPLETED',
      jobEndTime: end, lastUpdatedAt: end, jobExpirationTime: end + config.retentionMs, jobStats: stats,
    };
    if (problems.length > 0) final.message = problems.join('; ').slice(0, 2048);
    if (exportingLocation) final.exportingLocation = exportingLocation;
    return await store.updateJob(domainName, jobId, final);
  } catch (err) {
    const end = p.now();
    const why = err instanceof JobError ? err.message : `${(err as Error).message ?? String(err)}`;
    p.log?.(`job ${jobId} of ${domainName} failed in ${stage}: ${why}`);
    const merged = (stats.NumberOfMergesDone ?? 0) > 0;
    return await store.updateJob(domainName, jobId, {
      status: resultsSaved || merged ? 'PARTIAL_SUCCESS' : 'FAILED',
      message: `The job stopped during ${stage}: ${why}`.slice(0, 2048),
      jobEndTime: end, lastUpdatedAt: end, jobExpirationTime: end + config.retentionMs, jobStats: stats,
    });
  }
}

/**
 * PREPROCESSING and FIND_MATCHING. A function of its own so that the profiles, the engine's input and its result
 * (pairs, model) are unreachable once it returns: an async function's suspended frame keeps every local it still
 * holds, and MERGING runs for a long time after this. Returns the export cells of the profiles in match groups (none
 * when the domain did not export then).
 */
async function preprocessAndMatch(store: Repository, p: RunParams, stats: JobStats, timings: Record<string, number>,
  transition: (status: JobStatus) => Promise<void>, onResultsSaved: () => void): Promise<Map<string, string> | undefined> {
  const { domainName, jobId, config } = p;
  // PREPROCESSING: stream every live profile's stored JSON text, unparsed: the engine's normalize workers read the
  // texts (docs/jobs.md, "PREPROCESSING"), so this thread neither parses a million profiles nor holds their objects.
  let t = performance.now();
  let ids: string[] = [];
  let texts: string[] = [];
  for (let after = ''; ;) {
    const batch = await store.scanProfileTexts(domainName, after, config.scanBatch);
    for (const sp of batch) {
      ids.push(sp.profileId);
      texts.push(sp.data);
    }
    if (batch.length < config.scanBatch) break;
    after = batch[batch.length - 1]!.profileId;
  }
  stats.NumberOfProfilesReviewed = ids.length;
  timings.PREPROCESSING = performance.now() - t;
  logMemory(p, 'PREPROCESSING');

  await transition('FIND_MATCHING');
  if (config.testPauseAt === 'FIND_MATCHING') await pauseForever();
  t = performance.now();
  const engine = await loadEngine().catch((e: Error) => { throw new JobError(`The matching engine is not available: ${e.message}`); });
  const result = await engine.resolve({ ids, data: texts }, {
    seed: config.engineSeed, ...(config.engineWorkers !== undefined ? { workers: config.engineWorkers } : {}),
    keyIndex: config.keyIndex,
  });
  const parts: Record<string, number> = { resolve: performance.now() - t };
  let lap = performance.now();
  const groups = result.groups.filter((g) => g.profileIds.length >= 2);
  // Export cells, when the domain exports: only grouped profiles' (as the export would write their rows now), made on
  // another thread (makeExportCells) while this one saves the key index and the groups.
  // Each profile's group by position (ids are in ascending order: binary searches, no map of a million strings).
  const byPosition = engine.groupsByPosition(ids, groups);
  let cells: Promise<Map<string, string>> | undefined;
  if ((await store.getDomain(domainName))?.matching?.ExportingConfig?.S3Exporting) {
    const groupedIds: string[] = [], groupedTexts: string[] = [];
    for (let i = 0; i < ids.length; i++) {
      if (byPosition.groupOf[i]! < 0) continue;
      groupedIds.push(ids[i]!);
      groupedTexts.push(texts[i]!);
    }
    cells = (p.makeExportCells ?? exportCellsHere)(groupedIds, groupedTexts);
  }
  texts = [];
  parts['export input'] = performance.now() - lap;
  lap = performance.now();
  // The key index (positions are `ids`' order) becomes the domain's index (completeJobKeyIndex) once the model is
  // saved too.
  let indexParts = 0, indexBytes = -1;
  if (result.keyIndex) {
    const pieces = engine.encodeKeyIndexParts(result.keyIndex, { ids, ...byPosition });
    delete result.keyIndex;
    indexBytes = pieces.reduce((n, b) => n + b.length, 0);
    indexParts = await saveKeyIndexParts(store, p, pieces);
  }
  ids = [];
  parts['key index saved'] = performance.now() - lap;
  lap = performance.now();
  // In transactions of SAVE_MATCHES_CHUNK groups, letting waiting API writers in between (a single one of 270k
  // groups held the write lock for seconds). A crash in between leaves the job in FIND_MATCHING: FAILED at restart.
  for (let i = 0; i < groups.length || i === 0; i += SAVE_MATCHES_CHUNK) {
    if (i > 0) await p.yieldToWriters?.();
    await store.saveJobMatches(domainName, jobId, groups.slice(i, i + SAVE_MATCHES_CHUNK), i + 1);
  }
  await store.saveJobRun(domainName, jobId, { model: result.model });
  if (indexBytes >= 0) await store.completeJobKeyIndex(domainName, jobId, indexParts);
  parts['groups and model saved'] = performance.now() - lap;
  lap = performance.now();
  const exportCells = await cells;
  parts['waited for the export cells'] = performance.now() - lap;
  p.log?.(`job ${jobId}: FIND_MATCHING took ${Object.entries(parts).map(([k, ms]) => `${k} ${Math.round(ms)} ms`).join(', ')}`
    + (indexBytes >= 0 ? ` (key index ${(indexBytes / 2 ** 20).toFixed(1)} MiB)` : ''), 'info');
  onResultsSaved();
  stats.NumberOfMatchesFound = groups.length;
  timings.FIND_MATCHING = performance.now() - t;
  logMemory(p, 'FIND_MATCHING');
  await store.saveJobRun(domainName, jobId, { stageTimings: timings });
  return exportCells;
}

/**
 * The key index's pieces (encodeKeyIndexParts) as stored parts of at most KEY_INDEX_PART_BYTES (a larger piece is
 * split; small ones are written as they are), one transaction each, API writers let in between. Returns the number
 * of parts (for completeJobKeyIndex). Each piece is dropped from the list once written.
 */
async function saveKeyIndexParts(store: Repository, p: RunParams, pieces: Array<Buffer | undefined>): Promise<number> {
  let part = 0;
  for (let k = 0; k < pieces.length; k++) {
    const piece = pieces[k]!;
    pieces[k] = undefined;
    for (let o = 0; o < piece.length || o === 0; o += KEY_INDEX_PART_BYTES, part++) {
      if (part > 0) await p.yieldToWriters?.();
      await store.saveJobKeyIndexPart(p.domainName, p.jobId, part, piece.subarray(o, o + KEY_INDEX_PART_BYTES));
    }
  }
  return part;
}

/**
 * Export cells FIND_MATCHING did not make (a job resumed in MERGING, or exporting enabled since): its groups' profiles
 * as the job reviewed them — the merge log's snapshot before the first merge of this job that involved the profile,
 * else the live profile (store.reviewedProfileTexts).
 */
async function reviewedExportCells(store: Repository, domainName: string, jobId: string): Promise<Map<string, string>> {
  const ids: string[] = [];
  for await (const g of iterateGroups(store, domainName, jobId)) ids.push(...g.profileIds);
  const texts = await store.reviewedProfileTexts(domainName, jobId, ids);
  // A profile gone since (no text) gets no cells: its rows carry its ids only.
  const known = ids.flatMap((_, i) => (texts[i] === undefined ? [] : [i]));
  return exportCellsHere(known.map((i) => ids[i]!), known.map((i) => texts[i]!));
}

async function* iterateGroups(store: Repository, domainName: string, jobId: string) {
  for (let after = 0; ;) {
    const page = await store.listJobMatches(domainName, jobId, after, 5000);
    if (page.length === 0) return;
    yield* page;
    after = page[page.length - 1]!.seq;
  }
}

/**
 * MERGING: each eligible, not yet processed group is merged atomically (its own transaction, or its own savepoint in
 * a batch: docs/jobs.md, "Commits of MERGING"). Returns the number of failed groups.
 */
async function mergeAll(store: Repository, p: RunParams, settings: AutoMerging, stats: JobStats): Promise<number> {
  const { domainName, jobId } = p;
  const performer = jobPerformer(jobId);
  const pending: StoredMatchGroup[] = [];
  for (let after = 0; ;) {
    const page = await store.listJobMatches(domainName, jobId, after, 5000, 0);
    if (page.length === 0) break;
    for (const g of page) if (eligible(g, settings) && g.profileIds.length >= 2) pending.push(g);
    after = page[page.length - 1]!.seq;
  }
  // Merges committed so far: what JobStats says (a batch's merges count once it is committed).
  let committed = await store.countJobMerges(domainName, jobId);
  stats.NumberOfMergesDone = committed;
  const every = Math.max(1, Math.floor(p.config.mergeCommitEvery ?? 1));
  const maxMs = p.config.mergeCommitMs ?? 250;
  const batching = every > 1;
  const pauseAfter = p.config.testPauseAt === 'MERGING' ? Math.max(1, Math.floor(pending.length / 2)) : -1;
  // Test pause with batching: after the commit at pauseAfter, merge into a new batch and stop with it open.
  const pauseOpenAt = pauseAfter > 0 && batching ? Math.min(pending.length, pauseAfter + Math.max(1, Math.floor(pending.length / 4))) : -1;
  let failed = 0;
  // Planning ahead on a second thread (docs/jobs.md, "Planning ahead"); small jobs plan each group in its merge.
  const ahead = p.startMergePlanner && pending.length >= (p.config.mergePlannerMinGroups ?? 0)
    ? p.startMergePlanner(settings, pending) : undefined;
  let replanned = 0;
  let waitedMs = 0;
  // ~16 WAL pages per merge: a restarting checkpoint about every walCheckpointPages pages.
  const restartEvery = Math.max(100, Math.floor((p.config.walCheckpointPages ?? 16_000) / 16));
  let sinceRestart = 0;
  const checkpointer = batching && p.restartWal && pending.length >= restartEvery ? p.startWalCheckpointer?.() : undefined;
  // Groups that merged nothing wrote nothing; they are marked processed with the next merge (no commit of their own).
  let unmarked: number[] = [];
  let sinceFlush = 0;
  let open = false;
  let batchMerges = 0;
  let batchStart = 0;
  // The open batch's groups (with their plans): merged again one transaction each if the batch breaks.
  let batchGroups: Array<{ g: StoredMatchGroup; prep: PreparedGroup | undefined }> = [];
  const mergeGroup = async (g: StoredMatchGroup, prep: PreparedGroup | undefined, alsoProcessed: readonly number[]) => {
    const plan = (live: Parameters<typeof planGroup>[1]) => planGroup(g, live, settings);
    if (prep?.seq !== g.seq) return store.mergeJobGroup(domainName, jobId, g.seq, plan, p.now(), performer, alsoProcessed);
    const r = await store.mergePreparedJobGroup(domainName, jobId, prep, plan, p.now(), performer, alsoProcessed);
    if (r.replanned) replanned++;
    return r.merges;
  };
  // A merge failed after its first write inside the batch (no savepoints in a batch: docs/jobs.md, "Speed of
  // MERGING"): the whole batch is rolled back, then its groups are merged again one transaction each (strict mode),
  // so that a group failing again fails alone and the others are kept.
  const redoBatch = async (broken: Error) => {
    p.log?.(`job ${jobId}: ${broken.message}; the open batch (${batchGroups.length} group(s)) was rolled back and is merged again one group per transaction`);
    await store.rollbackMergeBatch();
    open = false;
    stats.NumberOfMergesDone = committed;
    batchMerges = 0;
    unmarked = [];
    for (const { g, prep } of batchGroups) {
      await p.yieldToWriters?.();
      try {
        const out = await mergeGroup(g, prep, []);
        stats.NumberOfMergesDone! += out.length;
        if (out.length === 0) unmarked.push(g.seq);
      } catch (err) {
        failed++;
        p.log?.(`job ${jobId}: merging group ${g.matchId} failed: ${(err as Error).message}`);
        await store.markJobMatchFailed(domainName, jobId, g.seq).catch(() => undefined);
      }
    }
    batchGroups = [];
    await store.markJobMatchesProcessed(domainName, jobId, unmarked);
    unmarked = [];
    await store.updateJob(domainName, jobId, { jobStats: { ...stats }, lastUpdatedAt: p.now() });
    committed = stats.NumberOfMergesDone!;
  };
  const commit = async () => {
    const patch = { jobStats: { ...stats }, lastUpdatedAt: p.now() };
    try {
      if (!(await store.inMergeBatch())) throw new Error('SQLite rolled the merge batch back');
      await store.commitMergeBatch(domainName, jobId, unmarked, patch);
    } catch (err) {
      await store.rollbackMergeBatch().catch(() => undefined);
      stats.NumberOfMergesDone = committed;
      throw new Error(`committing a batch of ${batchMerges} merge(s) failed (they were rolled back): ${(err as Error).message}`);
    }
    open = false;
    sinceRestart += batchMerges;
    committed = stats.NumberOfMergesDone!;
    unmarked = [];
    batchMerges = 0;
    batchGroups = [];
    // Readers (the planner thread, API reads) keep the WAL from restarting after the automatic checkpoints, so that
    // it grows and every commit checkpoints (and syncs) again: a checkpoint that waits for them resets it. With a
    // background checkpointer, most pages are copied by it first (requested, then the restart once it is done).
    if (p.restartWal && sinceRestart >= restartEvery) {
      const bg = checkpointer;
      if (!bg || bg.takeDone() || sinceRestart >= 2 * restartEvery) {
        sinceRestart = 0;
        p.restartWal();
      } else bg.request();
    }
  };
  try {
    for (let i = 0; i < pending.length; i++) {
      const g = pending[i]!;
      // The group's prepared merges (waited for before a batch takes the write lock).
      let prep;
      if (ahead) {
        const t = performance.now();
        prep = await ahead.get(i);
        waitedMs += performance.now() - t;
      }
      if (!open) await p.yieldToWriters?.();
      if (batching && !open) {
        await store.beginMergeBatch();
        open = true;
        batchStart = performance.now();
      }
      if (batching) batchGroups.push({ g, prep });
      try {
        // In a batch: no savepoint; a failure before the group's first write leaves the batch as it was.
        const out = await mergeGroup(g, prep, batching ? [] : unmarked);
        stats.NumberOfMergesDone! += out.length;
        batchMerges += out.length;
        if (out.length === 0) unmarked.push(g.seq);
        else {
          if (!batching) unmarked = [];
          if (++sinceFlush >= WAL_FLUSH_EVERY) {
            sinceFlush = 0;
            p.flushWal?.();
          }
        }
      } catch (err) {
        if (batching && err instanceof MergeBatchBroken) await redoBatch(err);
        else {
          failed++;
          p.log?.(`job ${jobId}: merging group ${g.matchId} failed: ${(err as Error).message}`);
          if (batching && !(await store.inMergeBatch())) {
            // SQLite rolled back the whole transaction (I/O error, disk full): the batch's merges are gone.
            open = false;
            stats.NumberOfMergesDone = committed;
            throw new Error(`merging group ${g.matchId} failed and the open batch of merges was rolled back: ${(err as Error).message}`);
          }
          await store.markJobMatchFailed(domainName, jobId, g.seq).catch(() => undefined);
        }
      }
      // The group is done: its entry is not needed any more (the planner was sent it chunks ago), so a large job's
      // list shrinks as MERGING goes.
      pending[i] = DONE;
      const last = i + 1 === pending.length;
      if (batching) {
        if (i + 1 === pauseOpenAt) {
          // Crash tests kill the process here, with a batch open (its merges uncommitted), as a real crash would.
          p.log?.(`test pause in MERGING: ${committed} merges committed, ${batchMerges} in the open batch`);
          await pauseForever();
        }
        // (A batch redone after it broke is already committed: open is false.)
        if (open && (batchMerges >= every || performance.now() - batchStart >= maxMs || last || i + 1 === pauseAfter
          || p.writersWaiting?.() === true)) {
          await commit();
          // Let other work on this thread (the API, when inline) run between batches.
          await new Promise((r) => setImmediate(r));
        }
      } else {
        if ((i + 1) % MERGE_BATCH === 0 || i + 1 === pauseAfter || last) {
          await store.markJobMatchesProcessed(domainName, jobId, unmarked);
          unmarked = [];
          await store.updateJob(domainName, jobId, { jobStats: stats, lastUpdatedAt: p.now() });
          committed = stats.NumberOfMergesDone!;
          await new Promise((r) => setImmediate(r));
        }
        if (i + 1 === pauseAfter) {
          p.log?.(`test pause in MERGING: ${committed} merges committed, 0 in the open batch`);
          await pauseForever();
        }
      }
    }
  } finally {
    if (open) {
      await store.rollbackMergeBatch().catch(() => undefined);
      stats.NumberOfMergesDone = committed;
    }
    await checkpointer?.close();
    if (ahead) {
      await ahead.close();
      p.log?.(`job ${jobId}: ${pending.length} group(s) sent to the planner thread, ${ahead.notReady} of them planned by the writer (plan not ready), ${replanned} planned again (a profile changed meanwhile); waited ${Math.round(waitedMs)} ms for plans`, 'info');
    }
  }
  return failed;
}

/** What replaces a merged group in MERGING's list. */
const DONE: StoredMatchGroup = Object.freeze({ matchId: '', profileIds: [], confidenceScore: 0, seq: -1, mergeState: 1 });

function pauseForever(): Promise<never> {
  return new Promise(() => { setInterval(() => undefined, 60_000); });
}
