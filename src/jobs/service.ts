/**
 * The jobs service (docs/jobs.md): the scheduler loop (one PENDING job per domain with matching enabled, started
 * when due, weekly quota, purge of expired jobs), on-demand starts, the job runner off the request path, and crash
 * recovery at start-up. Handlers reach it through OpContext.jobs (JobsService).
 */
import { randomUUID } from 'node:crypto';
import type { Worker } from 'node:worker_threads';
import type { Logger } from 'pino';
import { badRequest, notFound } from '../errors.js';
import type { JobsService } from '../ops/types.js';
import type { DomainRecord, JobStatus, Repository } from '../store/repository.js';
import type { JobKind } from '../store/jobs-results.js';
import { startWorker } from '../util/worker.js';
import { DEFAULT_JOBS_CONFIG, jobsConfigFromEnv, type JobsConfig } from './config.js';
import { RUNNING, runJob } from './runner.js';
import { nextOccurrence, quotaAllowsAt, WEEK_MS } from './schedule.js';
import { localSink, s3SettingsFromEnv, s3Sink, type S3Settings } from './sinks.js';
import type { JobWorkerData } from './worker.js';

export interface Clock { now(): number }

export interface JobsServiceOptions {
  store: Repository;
  dataDir: string;
  log: Logger;
  clock?: Clock;
  /** Overrides of the defaults and of COALESCE_JOBS_* environment variables. */
  config?: Partial<JobsConfig>;
  /** S3 destination; default from COALESCE_S3_* environment variables; null forces the local tree. */
  s3?: S3Settings | null;
}

export interface CoalesceJobsService extends JobsService {
  /** Crash recovery, then the scheduler loop. */
  start(): Promise<void>;
  /** Stops the loop and terminates running job workers (their jobs are recovered at next start). */
  stop(): Promise<void>;
  /** One scheduler pass (the loop calls it every tickMs; tests call it after moving their clock). */
  tick(): Promise<void>;
  /** Resolves when no job of this service is running. */
  whenIdle(): Promise<void>;
  readonly config: JobsConfig;
}

const newJobId = () => randomUUID().replace(/-/g, '');

export function createJobsService(opts: JobsServiceOptions): CoalesceJobsService {
  const { store, dataDir, log } = opts;
  const clock = opts.clock ?? { now: () => Date.now() };
  const config: JobsConfig = { ...DEFAULT_JOBS_CONFIG, ...jobsConfigFromEnv(), ...(opts.config ?? {}) };
  const s3 = opts.s3 === null ? undefined : (opts.s3 ?? s3SettingsFromEnv());
  // The API connection counts its writers (SqliteContext.writeIntent); job workers let them in between merge batches.
  const apiContext = (store as unknown as { context?: { writeIntent?: Int32Array } }).context;
  if (apiContext && !config.inline) apiContext.writeIntent ??= new Int32Array(new SharedArrayBuffer(4));
  const running = new Map<string, { jobId: string; done: Promise<void>; worker?: Worker }>();
  let timer: NodeJS.Timeout | undefined;
  let stopped = false;
  // Scheduler passes and matching changes are serialized (each is short; jobs run outside this chain).
  let chain: Promise<unknown> = Promise.resolve();
  const serial = <T>(fn: () => Promise<T>): Promise<T> => {
    const p = chain.then(fn, fn);
    chain = p.catch(() => undefined);
    return p;
  };

  const pendingJobs = async (domainName: string) =>
    (await store.listJobsByStatus(['PENDING'])).filter((j) => j.domainName === domainName);
  const runningInStore = async (domainName: string) =>
    (await store.listJobsByStatus(RUNNING)).find((j) => j.domainName === domainName);

  async function createPending(d: DomainRecord, at: number, kind: JobKind): Promise<string> {
    const jobId = newJobId();
    await store.createJob({ domainName: d.domainName, jobId, status: 'PENDING', jobStartTime: at, lastUpdatedAt: clock.now() });
    await store.saveJobRun(d.domainName, jobId, { kind });
    return jobId;
  }

  /** PENDING → PREPROCESSING (compare-and-set) and off it goes; false when someone else took it. */
  async function launch(domainName: string, jobId: string, mode: 'run' | 'resume'): Promise<boolean> {
    if (running.has(domainName)) return false;
    if (mode === 'run') {
      const d = await store.getDomain(domainName);
      const now = clock.now();
      const ok = await store.updateJob(domainName, jobId, {
        status: 'PREPROCESSING', jobStartTime: now, lastUpdatedAt: now,
        autoMerging: d?.matching?.AutoMerging ?? { Enabled: false },
        jobStats: { NumberOfProfilesReviewed: 0, NumberOfMatchesFound: 0, NumberOfMergesDone: 0 },
      }, 'PENDING');
      if (!ok) return false;
    }
    const entry: { jobId: string; done: Promise<void>; worker?: Worker } = { jobId, done: Promise.resolve() };
    running.set(domainName, entry);
    entry.done = execute(domainName, jobId, mode, entry)
      .catch((err) => log.error({ err, domainName, jobId }, 'identity resolution job crashed'))
      .finally(async () => {
        running.delete(domainName);
        if (!stopped) await serial(() => ensurePending(domainName)).catch((err) => log.error({ err }, 'jobs: scheduling failed'));
      });
    return true;
  }

  async function execute(domainName: string, jobId: string, mode: 'run' | 'resume', entry: { worker?: Worker }): Promise<void> {
    log.info({ domainName, jobId, mode }, 'identity resolution job started');
    try {
      await runOffThread(domainName, jobId, mode, entry);
    } catch (err) {
      log.error({ err, domainName, jobId }, 'identity resolution job could not run');
    }
    if (stopped && !config.inline) return; // terminated by stop(): recovered at next start
    await closeUnfinished(domainName, jobId);
  }

  // While a job worker is MERGING it checkpoints every config.walCheckpointPages pages; the API's connection then
  // checkpoints only past twice that (never, in practice), so that an API write's commit does not run a checkpoint
  // of the job's WAL backlog (tens of MB and two syncs) on the event loop. Restored when no worker merges.
  let workersMerging = 0;
  let apiPagesBefore: unknown;
  const apiCheckpointPages = (pages?: number): unknown => {
    try {
      const db = (store as unknown as { db?: { pragma(sql: string, o?: { simple: boolean }): unknown } }).db;
      return pages === undefined ? db?.pragma('wal_autocheckpoint', { simple: true }) : db?.pragma(`wal_autocheckpoint = ${pages}`);
    } catch {
      return undefined; // not a SQLite store, or closed
    }
  };
  const setMerging = (active: boolean) => {
    workersMerging += active ? 1 : -1;
    if (active && workersMerging === 1) {
      apiPagesBefore = apiCheckpointPages();
      apiCheckpointPages(2 * config.walCheckpointPages);
    }
    if (!active && workersMerging === 0 && typeof apiPagesBefore === 'number') apiCheckpointPages(apiPagesBefore);
  };

  async function runOffThread(domainName: string, jobId: string, mode: 'run' | 'resume', entry: { worker?: Worker }): Promise<void> {
    if (config.inline) {
      const sink = s3 ? s3Sink(s3) : localSink(dataDir);
      await runJob(store, { domainName, jobId, mode, config, sink, now: () => clock.now(), log: (m, level) => log[level ?? 'warn'](m) });
    } else {
      const workerData: JobWorkerData = {
        dataDir, domainName, jobId, mode, config, s3, clockOffsetMs: clock.now() - Date.now(), writeIntent: apiContext?.writeIntent,
      };
      const worker = startWorker(import.meta.url, './worker.js', { workerData, resourceLimits: { maxOldGenerationSizeMb: config.workerHeapMb } });
      entry.worker = worker;
      let merging = false;
      await new Promise<void>((resolve) => {
        worker.on('message', (m: { type: string; msg?: string; level?: string; active?: boolean }) => {
          if (m.type === 'log') log[m.level === 'info' ? 'info' : 'warn']({ domainName, jobId }, m.msg);
          if (m.type === 'merging' && m.active !== merging) setMerging((merging = m.active === true));
        });
        worker.on('error', (err) => log.error({ err, domainName, jobId }, 'identity resolution job worker failed'));
        worker.on('exit', () => resolve());
      });
      if (merging) setMerging(false);
    }
  }

  async function closeUnfinished(domainName: string, jobId: string): Promise<void> {
    // A worker that died without finishing leaves the job in a running state: close it with a Message.
    const j = await store.getJob(domainName, jobId);
    if (j && RUNNING.includes(j.status)) {
      const now = clock.now();
      const merged = (await store.countJobMerges(domainName, jobId)) > 0;
      await store.updateJob(domainName, jobId, {
        status: merged ? 'PARTIAL_SUCCESS' : 'FAILED', lastUpdatedAt: now, jobEndTime: now,
        jobExpirationTime: now + config.retentionMs,
        message: `The job's worker stopped unexpectedly during ${j.status}${merged ? '; the merges done so far are kept' : '; nothing was merged'}.`,
      });
    }
    log.info({ domainName, jobId, status: (await store.getJob(domainName, jobId))?.status }, 'identity resolution job finished');
  }

  /** A domain with matching enabled has exactly one PENDING job (unless one is running, which creates it at its end). */
  async function ensurePending(domainName: string): Promise<void> {
    const d = await store.getDomain(domainName);
    const pend = await pendingJobs(domainName);
    if (!d?.matching?.Enabled) {
      for (const j of pend) await store.deleteJob(domainName, j.jobId);
      return;
    }
    if (pend.length > 0 || running.has(domainName) || (await runningInStore(domainName))) return;
    await createPending(d, nextOccurrence(d.matching.JobSchedule, clock.now()), 'SCHEDULED');
  }

  async function onMatchingChanged(domainName: string): Promise<void> {
    await serial(async () => {
      const d = await store.getDomain(domainName);
      const pend = await pendingJobs(domainName);
      if (!d?.matching?.Enabled) {
        // Turning identity resolution off deletes PENDING jobs (a running job finishes).
        for (const j of pend) await store.deleteJob(domainName, j.jobId);
        return;
      }
      const now = clock.now();
      if (pend.length === 0) {
        if (running.has(domainName) || (await runningInStore(domainName))) return;
        await createPending(d, now + config.firstRunDelayMs, 'FIRST');
        return;
      }
      for (const j of pend) {
        const run = await store.getJobRun(domainName, j.jobId);
        if (run?.kind === 'FIRST') continue; // the first run keeps its short delay
        const at = nextOccurrence(d.matching.JobSchedule, now);
        if (at !== j.jobStartTime) await store.updateJob(domainName, j.jobId, { jobStartTime: at, lastUpdatedAt: now }, 'PENDING');
      }
    });
  }

  async function startNow(domainName: string): Promise<string> {
    return serial(async () => {
      const d = await store.getDomain(domainName);
      if (!d) throw notFound(`Domain ${domainName} does not exist.`);
      if (!d.matching?.Enabled) {
        throw badRequest(`Identity resolution is not enabled for domain ${domainName}: set Matching.Enabled to true with UpdateDomain first.`);
      }
      const busy = running.get(domainName) ?? (await runningInStore(domainName));
      if (busy) throw badRequest(`Identity resolution job ${busy.jobId} is already running for domain ${domainName}.`);
      const now = clock.now();
      const allowedAt = quotaAllowsAt(await store.listRunJobStartTimes(domainName, now - WEEK_MS), now, config.maxJobsPerWeek);
      if (allowedAt > now) {
        throw badRequest(`Domain ${domainName} already ran ${config.maxJobsPerWeek} identity resolution jobs in the last 7 days; the next one can start at ${new Date(allowedAt).toISOString()}.`);
      }
      const jobId = await createPending(d, now, 'ON_DEMAND');
      if (!(await launch(domainName, jobId, 'run'))) throw badRequest(`Identity resolution job could not start for domain ${domainName}; try again.`);
      return jobId;
    });
  }

  async function tick(): Promise<void> {
    await serial(async () => {
      const now = clock.now();
      const purged = await store.purgeExpiredJobs(now);
      if (purged > 0) log.info({ purged }, 'expired identity resolution jobs purged');
      const allPending = await store.listJobsByStatus(['PENDING']);
      const busy = new Set((await store.listJobsByStatus(RUNNING)).map((j) => j.domainName));
      for (const k of running.keys()) busy.add(k);
      const pendingBy = new Map<string, typeof allPending>();
      for (const j of allPending) pendingBy.set(j.domainName, [...(pendingBy.get(j.domainName) ?? []), j]);
      let token: string | undefined;
      do {
        const page = await store.listDomains({ maxResults: 100, nextToken: token });
        for (const d of page.items) {
          const pend = pendingBy.get(d.domainName) ?? [];
          if (!d.matching?.Enabled) {
            for (const j of pend) await store.deleteJob(d.domainName, j.jobId);
            continue;
          }
          if (busy.has(d.domainName)) continue;
          if (pend.length === 0) {
            await createPending(d, nextOccurrence(d.matching.JobSchedule, now), 'SCHEDULED');
            continue;
          }
          // Missed runs while Coalesce was down collapse into one run now (the earliest PENDING job).
          const due = pend.filter((j) => j.jobStartTime <= now).sort((a, b) => a.jobStartTime - b.jobStartTime)[0];
          if (!due) continue;
          const allowedAt = quotaAllowsAt(await store.listRunJobStartTimes(d.domainName, now - WEEK_MS), now, config.maxJobsPerWeek);
          if (allowedAt <= now) await launch(d.domainName, due.jobId, 'run');
          else {
            const at = nextOccurrence(d.matching.JobSchedule, allowedAt);
            log.info({ domainName: d.domainName, jobId: due.jobId, at: new Date(at).toISOString() }, 'weekly job quota reached; job rescheduled');
            await store.updateJob(d.domainName, due.jobId, { jobStartTime: at, lastUpdatedAt: now }, 'PENDING');
          }
        }
        token = page.nextToken;
      } while (token);
    });
  }

  async function recover(): Promise<void> {
    for (const j of await store.listJobsByStatus(RUNNING)) {
      if (running.has(j.domainName)) continue;
      if (j.status === 'MERGING') {
        log.warn({ domainName: j.domainName, jobId: j.jobId }, 'resuming identity resolution job interrupted in MERGING');
        await launch(j.domainName, j.jobId, 'resume');
        continue;
      }
      const now = clock.now();
      log.warn({ domainName: j.domainName, jobId: j.jobId, status: j.status }, 'identity resolution job interrupted; marked FAILED');
      await store.updateJob(j.domainName, j.jobId, {
        status: 'FAILED', lastUpdatedAt: now, jobEndTime: now, jobExpirationTime: now + config.retentionMs,
        message: `Coalesce stopped while the job was in ${j.status as JobStatus}; nothing was merged. The next scheduled job runs normally (or start one on demand).`,
      }, j.status);
    }
  }

  return {
    config,
    onMatchingChanged,
    startNow,
    tick,
    async start() {
      stopped = false;
      await recover();
      await tick().catch((err) => log.error({ err }, 'jobs: scheduler pass failed'));
      timer = setInterval(() => {
        tick().catch((err) => log.error({ err }, 'jobs: scheduler pass failed'));
      }, config.tickMs);
      timer.unref();
    },
    async stop() {
      stopped = true;
      if (timer) clearInterval(timer);
      timer = undefined;
      const entries = [...running.values()];
      for (const e of entries) await e.worker?.terminate();
      // Inline jobs cannot be interrupted: wait for them.
      await Promise.all(entries.map((e) => e.done));
      await chain.catch(() => undefined);
    },
    async whenIdle() {
      while (running.size > 0) await Promise.all([...running.values()].map((e) => e.done));
    },
  };
}
