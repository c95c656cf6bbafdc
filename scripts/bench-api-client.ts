/**
 * Load generator for `npm run bench:api` (runs as a separate process): autocannon (the Fastify project's HTTP
 * benchmarking tool) with N keep-alive connections, one request in flight per connection. Every request carries a
 * valid SigV4 signature made with @smithy/signature-v4. The signature is remade every SIGN_EVERY_MS: SigV4's clock
 * has one-second resolution, so an SDK signing the same GET twice in one second sends the same bytes; re-signing per
 * request would only measure the load generator. The server verifies every request in full either way.
 * Prints one JSON line with throughput, latency percentiles and status counts.
 */
import autocannon from 'autocannon';
import { SignatureV4 } from '@smithy/signature-v4';
import { NodeSha256 } from '../src/api/auth/node-sha256.js';

interface Config {
  url: string;
  path: string;
  connections: number;
  durationMs: number;
  warmupMs: number;
  accessKeyId: string;
  secretAccessKey: string;
}

const SIGN_EVERY_MS = 500;
const cfg: Config = JSON.parse(process.argv[2]!);
const target = new URL(cfg.url);
const signer = new SignatureV4({
  credentials: { accessKeyId: cfg.accessKeyId, secretAccessKey: cfg.secretAccessKey },
  region: 'us-east-1',
  service: 'profile',
  sha256: NodeSha256,
});

let signedHeaders: Record<string, string> = {};
let signatures = 0;
async function resign(): Promise<void> {
  const signed = await signer.sign({
    method: 'GET', protocol: 'http:', hostname: target.hostname, port: Number(target.port), path: cfg.path, query: {},
    headers: { host: target.host },
  });
  signedHeaders = signed.headers;
  signatures++;
}
await resign();
const timer = setInterval(() => void resign(), SIGN_EVERY_MS);

function run(durationMs: number): Promise<autocannon.Result> {
  return new Promise((resolve, reject) => {
    autocannon({
      url: cfg.url,
      connections: cfg.connections,
      pipelining: 1,
      duration: durationMs / 1000,
      requests: [{ method: 'GET', path: cfg.path, setupRequest: (req) => ({ ...req, headers: signedHeaders }) }],
    }, (err, result) => (err ? reject(err) : resolve(result)));
  });
}

if (cfg.warmupMs > 0) await run(cfg.warmupMs);
// Tell the parent the measured run is about to start and wait for its go (it reads the server's CPU clock then, so
// that the server's CPU per request covers exactly the measured run).
process.stdout.write('READY\n');
await new Promise<void>((resolve) => {
  process.stdin.once('data', () => resolve());
  process.stdin.once('end', () => resolve());
});
process.stdin.destroy();
const cpu0 = process.cpuUsage();
const r = await run(cfg.durationMs);
const cpu = process.cpuUsage(cpu0);
clearInterval(timer);
const statuses: Record<string, number> = {};
for (const k of ['1xx', '2xx', '3xx', '4xx', '5xx'] as const) if (r[k]) statuses[k] = r[k];
console.log(JSON.stringify({
  requests: r['1xx'] + r['2xx'] + r['3xx'] + r['4xx'] + r['5xx'],
  seconds: r.duration,
  rps: (r['1xx'] + r['2xx'] + r['3xx'] + r['4xx'] + r['5xx']) / r.duration,
  p50: r.latency.p50,
  p99: r.latency.p99,
  max: r.latency.max,
  statuses,
  errors: r.errors + r.timeouts,
  signatures,
  clientCpuUsPerRequest: (cpu.user + cpu.system) / Math.max(1, r['1xx'] + r['2xx'] + r['3xx'] + r['4xx'] + r['5xx']),
}));
