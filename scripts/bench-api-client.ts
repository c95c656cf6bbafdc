/**
 * Load generator for `npm run bench:api` (runs as a separate process): N keep-alive connections, each sending
 * requests back to back for a fixed time. Every request is signed with SigV4 (@smithy/signature-v4 with node:crypto
 * hashing; its signing-key cache means one HMAC chain per key/day, as in the AWS SDKs) — nothing is pre-signed.
 * Prints one JSON line with throughput and latency percentiles.
 */
import http from 'node:http';
import { NodeSha256 } from '../src/api/auth/node-sha256.js';
import { SignatureV4 } from '@smithy/signature-v4';

interface Config {
  url: string;
  path: string;
  connections: number;
  durationMs: number;
  warmupMs: number;
  accessKeyId: string;
  secretAccessKey: string;
}

const cfg: Config = JSON.parse(process.argv[2]!);
const target = new URL(cfg.url);
const signer = new SignatureV4({
  credentials: { accessKeyId: cfg.accessKeyId, secretAccessKey: cfg.secretAccessKey },
  region: 'us-east-1',
  service: 'profile',
  sha256: NodeSha256,
});
const agent = new http.Agent({ keepAlive: true, maxSockets: cfg.connections });

async function once(): Promise<number> {
  const signed = await signer.sign({
    method: 'GET', protocol: 'http:', hostname: target.hostname, port: Number(target.port), path: cfg.path, query: {},
    headers: { host: target.host },
  });
  return new Promise((resolve, reject) => {
    const req = http.request({ agent, host: target.hostname, port: target.port, path: cfg.path, method: 'GET', headers: signed.headers }, (res) => {
      res.on('data', () => {});
      res.on('end', () => resolve(res.statusCode ?? 0));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end();
  });
}

const latencies: number[] = [];
const statuses = new Map<number, number>();
let errors = 0;
const start = performance.now();
const measureFrom = start + cfg.warmupMs;
const end = measureFrom + cfg.durationMs;

async function loop(): Promise<void> {
  for (;;) {
    const t0 = performance.now();
    if (t0 >= end) return;
    try {
      const status = await once();
      const t1 = performance.now();
      if (t0 >= measureFrom) {
        latencies.push(t1 - t0);
        statuses.set(status, (statuses.get(status) ?? 0) + 1);
      }
    } catch {
      errors++;
    }
  }
}

await Promise.all(Array.from({ length: cfg.connections }, loop));
agent.destroy();
latencies.sort((a, b) => a - b);
const pct = (p: number) => latencies[Math.min(latencies.length - 1, Math.floor((p / 100) * latencies.length))] ?? NaN;
console.log(JSON.stringify({
  requests: latencies.length,
  seconds: cfg.durationMs / 1000,
  rps: latencies.length / (cfg.durationMs / 1000),
  p50: pct(50),
  p99: pct(99),
  max: latencies[latencies.length - 1] ?? NaN,
  statuses: Object.fromEntries(statuses),
  errors,
}));
