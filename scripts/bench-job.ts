/**
 * `npm run bench:job`: one identity resolution job over N generated profiles (default 1,000,000) through the jobs
 * service of a real server (compiled dist/): PREPROCESSING → FIND_MATCHING → MERGING → COMPLETED with export to the
 * local default tree. Profiles are bulk-loaded straight into SQLite with the store's insertProfile (not timed as
 * part of the job). While the job runs, a client polls GetIdentityResolutionJob back to back
 * (SigV4-signed, official SDK) and records each latency.
 * Prints: wall time per stage (status transitions seen by the poller, and the runner's own stage timings), total,
 * peak RSS of the process (API + job worker threads), GetIdentityResolutionJob p50/p99/max, and JobStats.
 *
 * Meanwhile a second client writes (CreateProfile into another domain of the same data dir, one every ~20 ms) and
 * records each latency: API writers share SQLite's write lock with the job's merge commits (`BENCH_WRITES=0`: no
 * writer).
 * After the job: MatchProfile for 200 of the loaded profiles' contents (first call = loading the job's key index).
 * Options (env): BENCH_PROFILES (default 1000000), BENCH_SEED (default 1), BENCH_KEEP=1 keeps the data dir.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { CreateDomainCommand, CreateProfileCommand, CustomerProfilesClient, GetIdentityResolutionJobCommand } from '@aws-sdk/client-customer-profiles';

const dist = (p: string) => new URL(`../dist/${p}`, import.meta.url).href;
const { startServer } = (await import(dist('server.js'))) as typeof import('../src/server.js');
const { jobsPlugin } = (await import(dist('jobs/plugin.js'))) as typeof import('../src/jobs/plugin.js');
const { matchProfile, startIdentityResolutionJob } = (await import(dist('jobs/client.js'))) as typeof import('../src/jobs/client.js');
const { generateRecords } = (await import(dist('engine/generate/index.js'))) as typeof import('../src/engine/generate/index.js');
const { insertProfile } = (await import(dist('store/sqlite/profiles.js'))) as typeof import('../src/store/sqlite/profiles.js');
const { applyProfileWrite } = (await import(dist('store/profile-write.js'))) as typeof import('../src/store/profile-write.js');

const N = Number(process.env.BENCH_PROFILES ?? 1_000_000);
const SEED = Number(process.env.BENCH_SEED ?? 1);
const CREDS = { accessKeyId: 'AKIDBENCHJOB00000001', secretAccessKey: 'bench-job-secret-access-key-000001' };
const DOMAIN = 'bench-job';

const dataDir = mkdtempSync(join(tmpdir(), 'coalesce-bench-job-'));
const server = await startServer({
  // Warnings and errors, plus the jobs' info lines: merge planner thread, final checkpoint, memory after each stage.
  dataDir, port: 0, host: '127.0.0.1', credentials: [CREDS], logger: pino({ level: 'info' }, { write: (line: string) => { if (/"level":[4-6]0/.test(line) || line.includes('planner') || line.includes('background thread') || line.includes('memory after') || line.includes('FIND_MATCHING took')) process.stdout.write(line); } }),
  // The scheduler loop is not needed: the job is started on demand.
  plugins: [jobsPlugin({ s3: null, config: { tickMs: 3_600_000 } })],
});
const client = new CustomerProfilesClient({ endpoint: server.url, region: 'us-east-1', credentials: CREDS, maxAttempts: 1 });
await client.send(new CreateDomainCommand({
  DomainName: DOMAIN, DefaultExpirationDays: 365,
  Matching: {
    Enabled: true,
    AutoMerging: {
      Enabled: true, MinAllowedConfidenceScoreForMerging: 0.9,
      Consolidation: { MatchingAttributesList: [['EmailAddress'], ['FirstName', 'LastName', 'BirthDate']] },
      ConflictResolution: { ConflictResolvingModel: 'RECENCY' },
    },
    ExportingConfig: { S3Exporting: { S3BucketName: 'bench-exports', S3KeyName: 'matches' } },
  },
}));

// Before the bulk load: that blocks the event loop for minutes at 1M, and the client's kept-alive socket then resets.
await client.send(new CreateDomainCommand({ DomainName: 'bench-writes', DefaultExpirationDays: 365 }));

// Bulk load (not part of the job's time): straight into SQLite with the store's own insertProfile (profile row,
// per-field FieldMeta with the generator's source-updated time, predefined search keys), 10,000 per transaction.
let t0 = performance.now();
const sqlite = server.store as import('../src/store/sqlite/store.js').SqliteStore;
let batch: Array<{ data: import('../src/model/profile.js').ProfileData; updatedAt: number }> = [];
let loaded = 0;
const flush = () => {
  const now = Date.now();
  sqlite.context.tx(() => {
    for (const r of batch) {
      const id = `b${String(loaded++).padStart(31, '0')}`;
      insertProfile(sqlite.context, DOMAIN, id, applyProfileWrite(undefined, { data: r.data, source: 'bench', sourceUpdatedAt: r.updatedAt }, now), now);
    }
  });
  batch = [];
};
// Probes for MatchProfile after the job: every PROBE_EVERY-th record's content (itself and its duplicates to find).
const PROBE_COUNT = 200;
const PROBE_EVERY = Math.max(1, Math.floor(N / PROBE_COUNT));
const probes: Array<import('../src/model/profile.js').ProfileData> = [];
let seen = 0;
for (const r of generateRecords(N, SEED)) {
  if (seen++ % PROBE_EVERY === 0 && probes.length < PROBE_COUNT) probes.push(r.profile.data);
  batch.push({ data: r.profile.data, updatedAt: r.updatedAt });
  if (batch.length === 10_000) {
    flush();
    if (loaded % 200_000 === 0) console.log(`  loaded ${loaded.toLocaleString()} profiles`);
  }
}
if (batch.length) flush();
console.log(`Bulk load of ${N.toLocaleString()} profiles: ${((performance.now() - t0) / 1000).toFixed(1)} s (not part of the job)`);

const writer = new CustomerProfilesClient({ endpoint: server.url, region: 'us-east-1', credentials: CREDS, maxAttempts: 1 });
const writeLatencies: number[] = [];
const writesByStage: Record<string, number[]> = {};
let currentStatus = 'PENDING';
let writeErrors = 0;
// BENCH_WRITES=0 turns the writer off (the job alone, as measured before the writer existed).
let writing = process.env.BENCH_WRITES !== '0';
const writes = (async () => {
  for (let i = 0; writing; i++) {
    const s = performance.now();
    try {
      await writer.send(new CreateProfileCommand({ DomainName: 'bench-writes', FirstName: `W${i}`, EmailAddress: `w${i}@example.com` }));
      writeLatencies.push(performance.now() - s);
      (writesByStage[currentStatus] ??= []).push(performance.now() - s);
    } catch {
      writeErrors++;
    }
    await new Promise((r) => setTimeout(r, 20));
  }
})();

const ext = { endpoint: server.url, region: 'us-east-1', credentials: CREDS };
t0 = performance.now();
const { JobId } = await startIdentityResolutionJob(ext, DOMAIN);
const latencies: number[] = [];
const byStage: Record<string, number[]> = {};
const transitions: Array<[string, number]> = [];
// Largest process RSS seen by the poller in each job status (where the peak comes from), and before the job.
const rssBefore = process.memoryUsage.rss();
const rssByStage: Record<string, number> = {};
let job;
for (;;) {
  const s = performance.now();
  job = await client.send(new GetIdentityResolutionJobCommand({ DomainName: DOMAIN, JobId }));
  latencies.push(performance.now() - s);
  (byStage[job.Status!] ??= []).push(performance.now() - s);
  rssByStage[job.Status!] = Math.max(rssByStage[job.Status!] ?? 0, process.memoryUsage.rss());
  currentStatus = job.Status!;
  if (transitions[transitions.length - 1]?.[0] !== job.Status) {
    transitions.push([job.Status!, performance.now() - t0]);
    console.log(`  ${((performance.now() - t0) / 1000).toFixed(1)} s: ${job.Status}`);
  }
  if (['COMPLETED', 'PARTIAL_SUCCESS', 'FAILED'].includes(job.Status!)) break;
  await new Promise((r) => setTimeout(r, 10));
}
const total = performance.now() - t0;
writing = false;
await writes;
const run = await server.store.getJobRun(DOMAIN, JobId);
latencies.sort((a, b) => a - b);
const pct = (p: number) => latencies[Math.min(latencies.length - 1, Math.floor((p / 100) * latencies.length))]!;

console.log(`\nbench:job — ${new Date().toISOString()} — Node ${process.version}, ${cpus().length} cores, ${(totalmem() / 2 ** 30).toFixed(0)} GiB`);
console.log(`Profiles: ${N.toLocaleString()} (generator seed ${SEED}); job ${JobId}: ${job.Status}${job.Message ? ` — ${job.Message}` : ''}`);
console.log('Status transitions seen by the poller (s since StartIdentityResolutionJob):');
for (const [s, at] of transitions) console.log(`  ${s.padEnd(16)} ${(at / 1000).toFixed(2)}`);
console.log('Runner stage timings (s):');
for (const [s, ms] of Object.entries(run?.stageTimings ?? {})) console.log(`  ${s.padEnd(16)} ${(ms / 1000).toFixed(2)}`);
console.log(`End to end: ${(total / 1000).toFixed(1)} s (goal ≤ 30 s)`);
console.log(`JobStats: ${JSON.stringify(job.JobStats)}`);
console.log(`Peak RSS (process: API + job worker): ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MiB`);
console.log(`  RSS before the job ${(rssBefore / 2 ** 20).toFixed(0)} MiB; largest seen while ${Object.entries(rssByStage)
  .map(([st, b]) => `${st} ${(b / 2 ** 20).toFixed(0)} MiB`).join(', ')}`);
console.log(`GetIdentityResolutionJob while running: n=${latencies.length} p50=${pct(50).toFixed(1)} ms p99=${pct(99).toFixed(1)} ms max=${latencies[latencies.length - 1]!.toFixed(1)} ms (goal p99 < 50 ms)`);

for (const [st, l] of Object.entries(byStage)) {
  l.sort((a, b) => a - b);
  console.log(`  in ${st.padEnd(14)} n=${l.length} p99=${l[Math.min(l.length - 1, Math.floor(0.99 * l.length))]!.toFixed(1)} ms max=${l[l.length - 1]!.toFixed(1)} ms`);
}
writeLatencies.sort((a, b) => a - b);
const wpct = (p: number) => writeLatencies[Math.min(writeLatencies.length - 1, Math.floor((p / 100) * writeLatencies.length))] ?? NaN;
console.log(`CreateProfile (another domain) while running: n=${writeLatencies.length} p50=${wpct(50).toFixed(1)} ms p99=${wpct(99).toFixed(1)} ms max=${(writeLatencies[writeLatencies.length - 1] ?? NaN).toFixed(1)} ms, errors ${writeErrors}`);

for (const [st, l] of Object.entries(writesByStage)) {
  l.sort((a, b) => a - b);
  console.log(`  in ${st.padEnd(14)} n=${l.length} p99=${l[Math.min(l.length - 1, Math.floor(0.99 * l.length))]!.toFixed(1)} ms max=${l[l.length - 1]!.toFixed(1)} ms`);
}
// MatchProfile against the job's saved key index (the first call loads and decodes the index into the server).
{
  const times: number[] = [];
  let candidates = 0, matched = 0, first = NaN;
  for (let i = 0; i < probes.length; i++) {
    const s = performance.now();
    const out = await matchProfile(ext, DOMAIN, { Profile: probes[i] });
    const ms = performance.now() - s;
    if (i === 0) first = ms;
    else times.push(ms);
    candidates += out.CandidatesCompared;
    if (out.Matches.length > 0) matched++;
  }
  times.sort((a, b) => a - b);
  const q = (p: number) => times[Math.min(times.length - 1, Math.floor((p / 100) * times.length))] ?? NaN;
  console.log(`MatchProfile after the job: first call ${first.toFixed(0)} ms (loads the key index), then n=${times.length} p50=${q(50).toFixed(1)} ms p99=${q(99).toFixed(1)} ms; ${(candidates / probes.length).toFixed(1)} candidates compared per profile, ${matched} of ${probes.length} with a match`);
  const stored = await server.store.loadJobKeyIndex(DOMAIN);
  console.log(`  key index saved with the job: ${((stored?.parts.reduce((n, b) => n + b.length, 0) ?? 0) / 2 ** 20).toFixed(1)} MiB in ${stored?.parts.length ?? 0} parts`);
}
writer.destroy();
client.destroy();
await server.close();
if (process.env.BENCH_KEEP === '1') console.log(`data dir kept: ${dataDir}`);
else rmSync(dataDir, { recursive: true, force: true });
