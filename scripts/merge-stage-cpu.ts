/**
 * CPU of an identity resolution job's MERGING stage alone (docs/jobs.md, "Speed of MERGING").
 *
 * Prepares once (cached in the temp dir per N and seed): N generated profiles bulk-loaded like bench:job, the engine's
 * groups saved with a job left in MERGING (bench:job's AutoMerging settings). Each run copies that database and
 * resumes the job (runner 'resume' mode, inline, no export), then prints wall time, CPU time of the process, merges
 * and ms per merge — comparable across code changes on a busy machine (CPU, not wall).
 *
 *   node --import tsx scripts/merge-stage-cpu.ts [N=20000]      (BENCH_SEED, MERGE_RUNS=3, add --cpu-prof to profile)
 */
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateRecords } from '../src/engine/generate/index.js';
import { resolve } from '../src/engine/resolve.js';
import { DEFAULT_JOBS_CONFIG } from '../src/jobs/config.js';
import { runJob } from '../src/jobs/runner.js';
import { localSink } from '../src/jobs/sinks.js';
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

for (let run = 1; run <= RUNS; run++) {
  const dir = mkdtempSync(join(tmpdir(), 'coalesce-merge-run-'));
  copyFileSync(join(template, 'coalesce.db'), join(dir, 'coalesce.db'));
  const store = openSqliteStore(dir);
  // Experiments: MERGE_PRAGMAS="wal_autocheckpoint=0;synchronous=OFF" on the merging connection.
  for (const pr of (process.env.MERGE_PRAGMAS ?? '').split(';').filter(Boolean)) store.db.pragma(pr);
  // Split of each transaction's time: inside the function (reads, planning, writes) vs BEGIN + COMMIT.
  let inside = 0, whole = 0;
  const ctx = store.context;
  const tx0 = ctx.tx.bind(ctx);
  ctx.tx = <T>(fn: () => T): T => {
    const a = performance.now();
    const r = tx0(() => { const b = performance.now(); try { return fn(); } finally { inside += performance.now() - b; } });
    whole += performance.now() - a;
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
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  // MERGE_ONE_TX=1: every merge inside one outer transaction (each becomes a savepoint) — what batching would give.
  if (process.env.MERGE_ONE_TX) store.db.exec('BEGIN IMMEDIATE');
  const job = await runJob(store, {
    domainName: DOMAIN, jobId: JOB, mode: 'resume', config: { ...DEFAULT_JOBS_CONFIG, inline: true },
    sink: localSink(dir), now: () => Date.now(), log: (m) => console.log(m),
  });
  if (process.env.MERGE_ONE_TX) store.db.exec('COMMIT');
  const wall = performance.now() - t0;
  const cpu = process.cpuUsage(cpu0);
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
  console.log(`  transactions: ${whole.toFixed(0)} ms, of which inside ${inside.toFixed(0)} ms, BEGIN/COMMIT ${(whole - inside).toFixed(0)} ms`);
  await store.close();
  rmSync(dir, { recursive: true, force: true });
}
