/**
 * `npm run bench:api`: GetIdentityResolutionJob throughput and latency through the full Coalesce stack (SigV4
 * verification, rate limiter, model router, validation, SQLite read, serialization, per-request log line and metrics),
 * side by side with a bare Fastify route returning the same JSON, both driven by the same load-generator process
 * (scripts/bench-api-client.ts: autocannon with SigV4-signed requests). Prints both and the ratio.
 *
 * Options (env): BENCH_CONNECTIONS (default 32), BENCH_ROUNDS (default 3), BENCH_SECONDS per round and target
 * (default 5), BENCH_WARMUP_SECONDS (default 2),
 * LOG_LEVEL (server log level, default info; the log goes to bench-output/bench-api-server.log).
 */
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import Fastify from 'fastify';
import { pino } from 'pino';
import { CreateDomainCommand, CustomerProfilesClient } from '@aws-sdk/client-customer-profiles';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const { startServer, bufferedLogDestination } = (await import(new URL('../dist/server.js', import.meta.url).href)) as typeof import('../src/server.js');

const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 32);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 5);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const WARMUP = Number(process.env.BENCH_WARMUP_SECONDS ?? 2);
const LOG_LEVEL = process.env.LOG_LEVEL ?? 'info';
const CREDS = { accessKeyId: 'AKIDBENCH00000000001', secretAccessKey: 'bench-secret-access-key-0000000001' };
const DOMAIN = 'bench';
const JOB_ID = '0123456789abcdef0123456789abcdef';
const PATH = `/domains/${DOMAIN}/identity-resolution-jobs/${JOB_ID}`;

interface Result { cpuUsPerRequest?: number; eventLoopUtilization?: number; clientCpuUsPerRequest?: number; requests: number; rps: number; p50: number; p99: number; max: number; statuses: Record<string, number>; errors: number }

/** Runs the load generator; onMeasuring is called right before its measured run starts (after its warm-up). */
function runClient(url: string, onMeasuring: () => void): Promise<Result> {
  const cfg = { url, path: PATH, connections: CONNECTIONS, durationMs: SECONDS * 1000, warmupMs: WARMUP * 1000, ...CREDS };
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', join(root, 'scripts/bench-api-client.ts'), JSON.stringify(cfg)], {
      cwd: root, stdio: ['pipe', 'pipe', 'inherit'],
    });
    let out = '';
    let started = false;
    child.stdout.on('data', (d) => {
      out += d;
      if (!started && out.includes('READY\n')) {
        started = true;
        onMeasuring();
        child.stdin.end('go\n');
      }
    });
    child.on('exit', (code) => {
      const line = out.trim().split('\n').pop() ?? '';
      try {
        resolve(JSON.parse(line));
      } catch {
        reject(new Error(`load generator exited with ${code}: ${out}`));
      }
    });
  });
}

const dataDir = mkdtempSync(join(tmpdir(), 'coalesce-bench-'));
mkdirSync(join(root, 'bench-output'), { recursive: true });
const logFile = join(root, 'bench-output', 'bench-api-server.log');
// The server's own default log destination (buffered, asynchronous), to a file instead of stdout.
const logDestination = bufferedLogDestination(logFile);
const logger = pino({ level: LOG_LEVEL }, logDestination.stream);

const server = await startServer({
  defaultPlugins: process.env.BENCH_NO_PLUGINS ? false : undefined,
  dataDir, port: 0, host: '127.0.0.1', credentials: [CREDS], logger,
  // The limiter runs on every request, set high enough not to throttle the benchmark.
  rateLimit: { ratePerSecond: 1_000_000_000, burst: 1_000_000_000 },
});
const client = new CustomerProfilesClient({ endpoint: server.url, region: 'us-east-1', credentials: CREDS });
await client.send(new CreateDomainCommand({ DomainName: DOMAIN, DefaultExpirationDays: 30 }));
client.destroy();
const now = Date.now();
await server.store.createJob({
  domainName: DOMAIN, jobId: JOB_ID, status: 'COMPLETED', message: 'ok',
  jobStartTime: now - 3600_000, jobEndTime: now - 1800_000, lastUpdatedAt: now - 1800_000, jobExpirationTime: now + 7 * 86400_000,
  autoMerging: {
    Enabled: true, Consolidation: { MatchingAttributesList: [['EmailAddress'], ['FirstName', 'LastName']] },
    ConflictResolution: { ConflictResolvingModel: 'RECENCY' }, MinAllowedConfidenceScoreForMerging: 0.8,
  },
  exportingLocation: { S3Exporting: { S3BucketName: 'bench-bucket', S3KeyName: `jobs/${JOB_ID}/` } },
  jobStats: { NumberOfProfilesReviewed: 100000, NumberOfMatchesFound: 1234, NumberOfMergesDone: 1000 },
});
const sample = await (await fetch(`${server.url}/health`)).json();

console.log(`bench:api — ${new Date().toISOString()} — node ${process.version}, ${cpus().length} CPUs (${cpus()[0]?.model ?? '?'}), load average before: ${loadavg().map((x) => x.toFixed(2)).join(' ')}`);
console.log(`${CONNECTIONS} keep-alive connections from a separate process (autocannon, SigV4 signature remade every 500 ms), ${ROUNDS} alternating rounds of ${WARMUP}s warm-up + ${SECONDS}s measured per target; server log level ${LOG_LEVEL} (to ${logFile}); health: ${sample.status}`);

/**
 * Runs the load generator and measures this (server) process's CPU time per measured request: the CPU clock is read
 * when the client starts its measured run (after its warm-up) and when it has finished, and divided by the requests
 * answered in that run. (Until 2026-11-23 it was the CPU of warm-up + measured run divided by an estimate of their
 * requests from the measured rate, which the first, JIT-cold warm-up of a run inflated.)
 */
async function measure(url: string): Promise<Result> {
  let cpu0 = process.cpuUsage();
  let elu0 = performance.eventLoopUtilization();
  const r = await runClient(url, () => {
    cpu0 = process.cpuUsage();
    elu0 = performance.eventLoopUtilization();
  });
  const cpu = process.cpuUsage(cpu0);
  // Share of the time the server's event loop (its one JS thread) was busy: ~1 means the server thread is the limit.
  r.eventLoopUtilization = performance.eventLoopUtilization(elu0).utilization;
  r.cpuUsPerRequest = (cpu.user + cpu.system) / Math.max(1, r.requests);
  return r;
}

// The bare route: same process kind, same JSON reply (captured from Coalesce's encoder output shape), no auth.
const bareBody = JSON.stringify({
  AutoMerging: { ConflictResolution: { ConflictResolvingModel: 'RECENCY' }, Consolidation: { MatchingAttributesList: [['EmailAddress'], ['FirstName', 'LastName']] }, Enabled: true, MinAllowedConfidenceScoreForMerging: 0.8 },
  DomainName: DOMAIN, ExportingLocation: { S3Exporting: { S3BucketName: 'bench-bucket', S3KeyName: `jobs/${JOB_ID}/` } },
  JobEndTime: (now - 1800_000) / 1000, JobExpirationTime: (now + 7 * 86400_000) / 1000, JobId: JOB_ID, JobStartTime: (now - 3600_000) / 1000,
  JobStats: { NumberOfMatchesFound: 1234, NumberOfMergesDone: 1000, NumberOfProfilesReviewed: 100000 },
  LastUpdatedAt: (now - 1800_000) / 1000, Message: 'ok', Status: 'COMPLETED',
});
const bare = Fastify({ logger: false });
bare.get('/domains/:domain/identity-resolution-jobs/:job', async (_req, reply) => reply.header('content-type', 'application/json').send(bareBody));
await bare.listen({ port: 0, host: '127.0.0.1' });
const addr = bare.server.address();
const bareUrl = `http://127.0.0.1:${typeof addr === 'object' && addr ? addr.port : 0}`;

// Alternating rounds (Coalesce, bare, Coalesce, bare…) so that a shared machine's load changes hit both alike;
// the medians of the rounds are reported.
const coalesceRounds: Result[] = [];
const bareRounds: Result[] = [];
const row = (name: string, r: Result) =>
  `${name.padEnd(34)} ${r.rps.toFixed(0).padStart(8)} req/s   p50 ${r.p50.toFixed(2).padStart(6)} ms   p99 ${r.p99.toFixed(2).padStart(6)} ms   ` +
  `server CPU ${r.cpuUsPerRequest!.toFixed(0).padStart(4)} µs/req   server loop busy ${(100 * r.eventLoopUtilization!).toFixed(0).padStart(3)}%   ` +
  `client CPU ${r.clientCpuUsPerRequest!.toFixed(0).padStart(3)} µs/req   statuses ${JSON.stringify(r.statuses)}${r.errors ? `  errors ${r.errors}` : ''}`;
for (let i = 1; i <= ROUNDS; i++) {
  coalesceRounds.push(await measure(server.url));
  bareRounds.push(await measure(bareUrl));
  console.log(`round ${i}: ${row('Coalesce', coalesceRounds[i - 1]!)}`);
  console.log(`round ${i}: ${row('bare', bareRounds[i - 1]!)}`);
}
await bare.close();
await server.close();
logDestination.stop();
rmSync(dataDir, { recursive: true, force: true });

const median = (xs: number[]) => [...xs].sort((x, y) => x - y)[Math.floor(xs.length / 2)]!;
const summary = (rs: Result[]): Result => ({
  requests: rs.reduce((n, r) => n + r.requests, 0),
  rps: median(rs.map((r) => r.rps)),
  p50: median(rs.map((r) => r.p50)),
  p99: median(rs.map((r) => r.p99)),
  max: Math.max(...rs.map((r) => r.max)),
  cpuUsPerRequest: median(rs.map((r) => r.cpuUsPerRequest!)),
  eventLoopUtilization: median(rs.map((r) => r.eventLoopUtilization!)),
  clientCpuUsPerRequest: median(rs.map((r) => r.clientCpuUsPerRequest!)),
  statuses: rs.reduce<Record<string, number>>((acc, r) => {
    for (const [k, v] of Object.entries(r.statuses)) acc[k] = (acc[k] ?? 0) + v;
    return acc;
  }, {}),
  errors: rs.reduce((n, r) => n + r.errors, 0),
});
const coalesce = summary(coalesceRounds);
const bareResult = summary(bareRounds);
console.log('');
console.log(`median of ${ROUNDS} rounds:`);
console.log(row('Coalesce GetIdentityResolutionJob', coalesce));
console.log(row('bare Fastify route', bareResult));
console.log(`ratio Coalesce / bare: ${(coalesce.rps / bareResult.rps).toFixed(2)}× (per round: ${coalesceRounds.map((r, i) => (r.rps / bareRounds[i]!.rps).toFixed(2)).join(', ')})`);
console.log(`load average after: ${loadavg().map((x) => x.toFixed(2)).join(' ')}`);
const ok = (coalesce.statuses['2xx'] ?? 0) === coalesce.requests && coalesce.errors === 0;
if (!ok) {
  console.error('bench:api: some Coalesce requests did not answer 2xx (see statuses above)');
  process.exitCode = 1;
}
