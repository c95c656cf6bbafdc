/**
 * Engine CPU per stage (not wall time, which a shared machine distorts) and output fingerprints.
 * `node --import tsx scripts/engine-stage-cpu.ts [profiles=100000] [--hash] [--rules]` (profiles 0: fingerprints only)
 * --hash: also prints a SHA-256 of resolve()'s groups + pair probabilities on the 10k generator set, Febrl3 and
 * fake_1000, to check that a speed change leaves the results identical. --rules: candidate pairs per blocking rule.
 * CPU figures are process-wide (all threads); "parallel normalize" includes starting its worker threads.
 */
import { createHash } from 'node:crypto';
import { buildColumns } from '../src/engine/columns.js';
import { candidatePairs, ruleKeys } from '../src/engine/blocking.js';
import { buildColumnsParallel } from '../src/engine/normalize-parallel.js';
import { computePatternsParallel } from '../src/engine/parallel.js';
import { blockingLimitsOf, normalizeOptionsOf, normalizeThreads, resolve } from '../src/engine/resolve.js';
import { generateProfiles } from '../src/engine/generate/index.js';
import { loadDataset } from '../src/engine/eval/registry.js';
import type { DatasetName } from '../src/engine/eval/types.js';
import { cpuMs, stageCpuRecorder } from './stage-cpu.js';

const args = process.argv.slice(2);
const n = Number(args.find((a) => /^\d+$/.test(a)) ?? 100_000);

if (args.includes('--hash')) {
  for (const name of ['generated', 'febrl3', 'fake_1000'] as DatasetName[]) {
    const ds = loadDataset(name);
    const r = await resolve(ds.profiles, { seed: 42 });
    const h = createHash('sha256');
    for (const g of r.groups) h.update(`${g.matchId}:${g.profileIds.join(',')}:${g.confidenceScore}\n`);
    for (const p of r.pairs) h.update(`${p.a}|${p.b}|${p.probability}\n`);
    h.update(JSON.stringify(r.model));
    console.log(`${name}: groups ${r.groups.length} pairs ${r.pairs.length} sha256 ${h.digest('hex').slice(0, 16)}`);
  }
}

if (n === 0) process.exit(0); // `0 --hash`: fingerprints only

const { profiles } = generateProfiles(n, 1, { meta: false });
const opts = normalizeOptionsOf({});
let c = process.cpuUsage();
const cols = buildColumns(profiles, opts);
const normalize = cpuMs(process.cpuUsage(c));
c = process.cpuUsage();
const keys = ruleKeys(cols);
const keyCpu = cpuMs(process.cpuUsage(c));
c = process.cpuUsage();
const cand = candidatePairs(cols, blockingLimitsOf({}), undefined, keys);
const block = cpuMs(process.cpuUsage(c));
c = process.cpuUsage();
await computePatternsParallel(cols, cand.a, cand.b, 0);
const compare = cpuMs(process.cpuUsage(c));
console.log(`${n} profiles, ${cand.a.length} candidate pairs; CPU ms (main thread only): normalize ${normalize}, blocking keys ${keyCpu}, pairs ${block}, compare (inline) ${compare}`);
if (args.includes('--rules')) {
  for (const r of cand.rules) console.log(`  ${r.name.padEnd(28)} ${String(r.pairs).padStart(10)} cap ${r.cap} sub-blocked ${r.subBlocks} blocks / ${r.subBlockedProfiles} profiles`);
}
const threads = normalizeThreads(n);
if (threads > 0) {
  c = process.cpuUsage();
  const t = performance.now();
  await buildColumnsParallel(profiles, opts, threads);
  console.log(`parallel normalize + blocking keys (${threads} worker threads): CPU ${cpuMs(process.cpuUsage(c))} ms (all threads), wall ${Math.round(performance.now() - t)} ms`);
}
c = process.cpuUsage();
const t = performance.now();
const { onProgress, stageCpu } = stageCpuRecorder();
const r = await resolve(profiles, { seed: 1, onProgress });
console.log(`full resolve CPU ${cpuMs(process.cpuUsage(c))} ms (all threads), wall ${Math.round(performance.now() - t)} ms; stages wall ${JSON.stringify(r.stats.timingsMs)}; stages CPU ${JSON.stringify(stageCpu)}`);
