/**
 * CPU of an identity resolution job's MERGING stage alone (docs/jobs.md, "Speed of MERGING").
 *
 * Prepares once (cached in the temp dir per N and seed): N generated profiles bulk-loaded like bench:job, the engine's
 * groups saved with a job left in MERGING (bench:job's AutoMerging settings). Each run copies that database and
 * resumes the job (runner 'resume' mode, inline, no export), then prints wall time, CPU time of the process, merges
 * and ms per merge — comparable across code changes on a busy machine (CPU, not wall).
 *
 *   node --import tsx scripts/merge-stage-cpu.ts [N=20000]      (BENCH_SEED, MERGE_RUNS=3, add --cpu-prof to profile)
 *
 * Also prints WAL frames left, bytes written / sent to storage per merge (/proc/self/io) and the BEGIN/COMMIT time
 * distribution (with group commit, COALESCE_MERGE_COMMIT_EVERY > 1, a merge's "transaction" is its savepoint and
 * the batch commits are outside these figures). COALESCE_MERGE_COMMIT_EVERY / COALESCE_MERGE_COMMIT_MS as for the
 * server, COALESCE_MERGE_WAL_RESTART=1, and COALESCE_MERGE_PLANNER=0 (plan inside each merge instead of on the planner thread; CPU counts every
 * thread of the process). Experiments (env): MERGE_STMT_TIMES=1 time per SQL statement; MERGE_PRAGMAS="a=1;b=2" on the merging
 * connection; MERGE_NO_FLUSH=1 without the background WAL flush; MERGE_ONE_TX=1 / MERGE_BATCH_TX=N all merges / N
 * merges per real transaction; MERGE_PAGE_SIZE=4096 the database rebuilt with that page size; MERGE_WAL_COPY=path
 * (with wal_autocheckpoint=0) saves the WAL and the page→table map to count pages per B-tree; MERGE_KEEP=1 keeps the
 * merged database.
 */
import Database from 'better-sqlite3';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateRecords } from '../src/engine/generate/index.js';
import { resolve } from '../src/engine/resolve.js';
import { DEFAULT_JOBS_CONFIG, jobsConfigFromEnv } from '../src/jobs/config.js';
import { mergePlannerThread } from '../src/jobs/merge-planner.js';
import { runJob } from '../src/jobs/runner.js';
import { startWalCheckpointer } from '../src/jobs/wal-checkpointer.js';
import { threadCpuMs } from '../src/jobs/thread-cpu.js';
import { localSink } from '../src/jobs/sinks.js';
import { walFlusher } from '../src/jobs/wal-flusher.js';
import { openSqliteStore } from '../src/store/index.js';
import { applyProfileWrite } from '../src/store/profile-write.js';
import { insertProfile } from '../src/store/sqlite/profiles.js';

const N = Number(process.argv[2] ?? 20_000);
const SEED = Number(process.env.BENCH_SEED ?? 1);
const RUNS = Number(process.env.MERGE_RUNS ?? 3);
const DOMAIN = 'bench-job';
const JOB = 'a'.repeat(32);
const template = join(tmpdir(), `coalesce-merge-stage-${N}-${SEED}`);

if (!existsSync(join(template, 'coalesce.db'))) {
  mkdirSync(template, { recursive: true });
  const store = openSqliteStore(template);
  const now = Date.now();
  await store.createDomain({
    domainName: DOMAIN, defaultExpirationDays: 365, tags: {}, createdAt: now, lastUpdatedAt: now,
    matching: { Enabled: true },
  });
  let batch: Array<{ data: any; updatedAt: number }> = [];
  let loaded = 0;
  const profiles: Array<{ id: string; data: any }> = [];
  const flush = () => {
    store.context.tx(() => {
      for (const r of batch) {
        const id = `b${String(loaded++).padStart(31, '0')}`;
        insertProfile(store.context, DOMAIN, id, applyProfileWrite(undefined, { data: r.data, source: 'bench', sourceUpdatedAt: r.updatedAt }, now), now);
        profiles.push({ id, data: r.data });
      }
    });
    batch = [];
  };
  for (const r of generateRecords(N, SEED)) {
    batch.push({ data: r.profile.data, updatedAt: r.updatedAt });
    if (batch.length === 10_000) flush();
  }
  if (batch.length) flush();
  const result = await resolve(profiles, { seed: 1 });
  const groups = result.groups.filter((g) => g.profileIds.length >= 2);
  await store.createJob({
    domainName: DOMAIN, jobId: JOB, status: 'MERGING', jobStartTime: now, lastUpdatedAt: now,
    autoMerging: {
      Enabled: true, MinAllowedConfidenceScoreForMerging: 0.9,
      Consolidation: { MatchingAttributesList: [['EmailAddress'], ['FirstName', 'LastName', 'BirthDate']] },
      ConflictResolution: { ConflictResolvingModel: 'RECENCY' },
    },
    jobStats: { NumberOfProfilesReviewed: N, NumberOfMatchesFound: groups.length, NumberOfMergesDone: 0 },
  });
  await store.saveJobRun(DOMAIN, JOB, { kind: 'ON_DEMAND' });
  await store.saveJobMatches(DOMAIN, JOB, groups);
  store.db.pragma('wal_checkpoint(TRUNCATE)');
  await store.close();
  console.log(`prepared ${template}: ${N} profiles, ${groups.length} groups`);
}

/** This process's I/O counters (Linux): wchar = bytes passed to write calls, write_bytes = bytes sent to storage. */
function procIo(): Record<string, number> {
  try {
    return Object.fromEntries(readFileSync('/proc/self/io', 'utf8').trim().split('\n').map((l) => {
      const [k, v] = l.split(':');
      return [k!, Number(v)];
    }));
  } catch {
    return { wchar: 0, write_bytes: 0 };
  }
}

for (let run = 1; run <= RUNS; run++) {
  const dir = mkdtempSync(join(tmpdir(), 'coalesce-merge-run-'));
  copyFileSync(join(template, 'coalesce.db'), join(dir, 'coalesce.db'));
  if (process.env.MERGE_PAGE_SIZE) {
    // Experiment: the same database rebuilt with another page size (the store creates files with 16 KiB pages).
    const db = new Database(join(dir, 'coalesce.db'));
    db.pragma('journal_mode = DELETE');
    db.pragma(`page_size = ${Number(process.env.MERGE_PAGE_SIZE)}`);
    db.exec('VACUUM');
    db.pragma('journal_mode = WAL');
    db.close();
  }
  const cfg = { ...DEFAULT_JOBS_CONFIG, ...jobsConfigFromEnv(), inline: true };
  // As the job worker (src/jobs/worker.ts) opens it (its page cache) and sets it (checkpoints).
  const store = openSqliteStore(dir, { cacheKiB: cfg.workerCacheMb * 1024 });
  store.db.pragma(`wal_autocheckpoint = ${DEFAULT_JOBS_CONFIG.walCheckpointPages}`);
  // Experiments: MERGE_PRAGMAS="wal_autocheckpoint=0;synchronous=OFF" on the merging connection.
  for (const pr of (process.env.MERGE_PRAGMAS ?? '').split(';').filter(Boolean)) store.db.pragma(pr);
  // Split of each transaction's time: inside the function (reads, planning, writes) vs BEGIN + COMMIT.
  let inside = 0, whole = 0;
  const commits: number[] = [];
  const ctx = store.context;
  const tx0 = ctx.tx.bind(ctx);
  // MERGE_BATCH_TX=N: N merge transactions per real transaction (experiment: what batching commits would give).
  const batchTx = Number(process.env.MERGE_BATCH_TX ?? 0);
  let calls = 0;
  ctx.tx = <T>(fn: () => T): T => {
    if (batchTx > 0 && calls++ % batchTx === 0) {
      if (store.db.inTransaction) store.db.exec('COMMIT');
      store.db.exec('BEGIN IMMEDIATE');
    }
    const a = performance.now();
    let inFn = 0;
    const r = tx0(() => { const b = performance.now(); try { return fn(); } finally { inFn = performance.now() - b; inside += inFn; } });
    const w = performance.now() - a;
    whole += w;
    commits.push(w - inFn);
    return r;
  };
  // MERGE_STMT_TIMES=1: time spent in each SQL statement (run/get/all), printed by total.
  const stmtTimes = new Map<string, { n: number; ms: number }>();
  if (process.env.MERGE_STMT_TIMES) {
    const wrapped = new WeakSet<object>();
    const stmt0 = ctx.stmt.bind(ctx);
    ctx.stmt = ((sql: string) => {
      const st = stmt0(sql) as any;
      if (!wrapped.has(st)) {
        wrapped.add(st);
        for (const m of ['run', 'get', 'all']) {
          const f = st[m].bind(st);
          st[m] = (...a: unknown[]) => {
            const t = performance.now();
            try { return f(...a); } finally {
              const e = stmtTimes.get(sql) ?? { n: 0, ms: 0 };
              e.n++; e.ms += performance.now() - t; stmtTimes.set(sql, e);
            }
          };
        }
      }
      return st;
    }) as typeof ctx.stmt;
  }
  // Time in the batch commits (group commit: the outer transaction's COMMIT, outside the savepoint figures above).
  let commitMs = 0, commitN = 0, commitCpu = 0, restartMs = 0, restartN = 0;
  const exec0 = store.db.exec.bind(store.db);
  store.db.exec = (sql: string) => {
    if (sql !== 'COMMIT') return exec0(sql);
    const t = performance.now();
    const c0 = threadCpuMs() ?? 0;
    try { return exec0(sql); } finally { commitMs += performance.now() - t; commitN++; commitCpu += (threadCpuMs() ?? 0) - c0; }
  };
  let finalCheckpointMs = 0;
  const io0 = procIo();
  const thread0 = threadCpuMs() ?? 0;
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  // MERGE_ONE_TX=1: every merge inside one outer transaction (each becomes a savepoint) — what batching would give.
  if (process.env.MERGE_ONE_TX) store.db.exec('BEGIN IMMEDIATE');
  // As the job worker does; MERGE_NO_FLUSH=1 leaves the WAL to the checkpoints' own syncs.
  const flusher = walFlusher(join(dir, 'coalesce.db-wal'));
  const job = await runJob(store, {
    domainName: DOMAIN, jobId: JOB, mode: 'resume', config: cfg,
    sink: localSink(dir), now: () => Date.now(), log: (m) => console.log(m),
    ...(process.env.MERGE_NO_FLUSH ? {} : { flushWal: () => flusher.flush() }),
    // As the worker does when the WAL is small (a large one it checkpoints on another thread during the export):
    // timed, since that is what MERGING's wall time no longer includes in a server's job.
    onMerging: (active) => {
      if (active) return;
      const t = performance.now();
      store.db.pragma('wal_checkpoint(PASSIVE)');
      finalCheckpointMs = performance.now() - t;
    },
    // As the job worker does (COALESCE_MERGE_WAL_RESTART=1: background + restarting checkpoints).
    ...(cfg.mergeWalRestart ? {
      startWalCheckpointer: () => startWalCheckpointer(dir),
      restartWal: () => {
        const t = performance.now();
        try { store.db.pragma('wal_checkpoint(RESTART)'); } catch { /* busy */ }
        restartMs += performance.now() - t;
        restartN++;
      },
    } : {}),
    // As the job worker does (COALESCE_MERGE_PLANNER=0: each group planned inside its merge).
    ...(cfg.mergePlanner ? { startMergePlanner: mergePlannerThread({ dataDir: dir, domainName: DOMAIN, log: (m) => console.log(m) }) } : {}),
  });
  flusher.close();
  if (process.env.MERGE_ONE_TX || (batchTx > 0 && store.db.inTransaction)) store.db.exec('COMMIT');
  const wall = performance.now() - t0;
  const cpu = process.cpuUsage(cpu0);
  const io1 = procIo();
  const writerCpu = (threadCpuMs() ?? 0) - thread0;
  const merges = job?.jobStats?.NumberOfMergesDone ?? 0;
  const cpuMs = (cpu.user + cpu.system) / 1000;
  if (process.env.MERGE_WAL_COPY) {
    copyFileSync(join(dir, 'coalesce.db-wal'), `${process.env.MERGE_WAL_COPY}.wal`);
    const pages = store.db.prepare('SELECT name, pageno FROM dbstat').all();
    writeFileSync(`${process.env.MERGE_WAL_COPY}.pages.json`, JSON.stringify(pages));
  }
  const wal = store.db.pragma('wal_checkpoint(PASSIVE)') as Array<{ log: number }>;
  const check = store.db.pragma('integrity_check', { simple: true });
  console.log(`run ${run}: ${job?.status} merges ${merges}  wall ${wall.toFixed(0)} ms  CPU ${cpuMs.toFixed(0)} ms ` +
    `(user ${(cpu.user / 1000).toFixed(0)}, sys ${(cpu.system / 1000).toFixed(0)})  ` +
    `→ ${(cpuMs / merges).toFixed(3)} ms CPU / merge, ${(wall / merges).toFixed(3)} ms wall / merge  integrity ${check}  WAL frames at end ${wal[0]?.log} (${((wal[0]?.log ?? 0) / merges).toFixed(1)} / merge)`);
  for (const [sql, e] of [...stmtTimes].sort((a, b) => b[1].ms - a[1].ms).slice(0, 15)) {
    console.log(`  ${e.ms.toFixed(0).padStart(6)} ms ${String(e.n).padStart(7)}×  ${sql.replace(/\s+/g, ' ').slice(0, 110)}`);
  }
  console.log(`  I/O per merge: written by syscalls ${((io1.wchar - io0.wchar) / merges / 1024).toFixed(0)} KiB, ` +
    `sent to storage ${((io1.write_bytes - io0.write_bytes) / merges / 1024).toFixed(0)} KiB`);
  console.log(`  transactions: ${whole.toFixed(0)} ms, of which inside ${inside.toFixed(0)} ms, BEGIN/COMMIT ${(whole - inside).toFixed(0)} ms`);
  console.log(`  writer thread (this one) CPU ${writerCpu} ms = ${(writerCpu / merges).toFixed(3)} ms per merge`);
  console.log(`  final checkpoint when MERGING ended ${finalCheckpointMs.toFixed(0)} ms (in a server's job: on another thread, during the export)`);
  // Peak RSS of the process so far (the first run's is that run's; later runs can only raise it).
  console.log(`  maxRSS ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MiB (process peak so far)`);
  if (commitN > 0) console.log(`  batch commits: ${commitN}, ${commitMs.toFixed(0)} ms (${(commitMs / commitN).toFixed(1)} ms each, ${(commitMs / merges).toFixed(3)} ms per merge), this thread's CPU in them ${commitCpu} ms`);
  if (restartN > 0) console.log(`  restarting checkpoints: ${restartN}, ${restartMs.toFixed(0)} ms`);
  commits.sort((x, y) => x - y);
  const q = (f: number) => commits[Math.min(commits.length - 1, Math.floor(f * commits.length))]!.toFixed(3);
  const slow = commits.filter((x) => x > 2);
  console.log(`  BEGIN/COMMIT per transaction: p50 ${q(0.5)} p90 ${q(0.9)} p99 ${q(0.99)} max ${q(1)} ms; ` +
    `${slow.length} over 2 ms (checkpoints) sum ${slow.reduce((x, y) => x + y, 0).toFixed(0)} ms`);
  await store.close();
  if (process.env.MERGE_KEEP) console.log(`  kept ${dir}`);
  else rmSync(dir, { recursive: true, force: true });
}
