/**
 * CPU per stage of resolve() with everything on the main thread (`workers: 0`), so the figures are one thread's CPU
 * of each stage after normalization (block, compare, train, score, cluster), unaffected by worker start-up.
 * `node --import tsx scripts/engine-after-normalize-cpu.ts [profiles=100000]` (add --cpu-prof to node for a profile).
 */
import { resolve } from '../src/engine/resolve.js';
import { generateProfiles } from '../src/engine/generate/index.js';
import { cpuMs } from './stage-cpu.js';

const n = Number(process.argv.slice(2).find((a) => /^\d+$/.test(a)) ?? 100_000);
const { profiles } = generateProfiles(n, 1, { meta: false });
const stageCpu: Record<string, number> = {};
let stage = '', mark = process.cpuUsage();
const r = await resolve(profiles, {
  seed: 1,
  workers: 0,
  onProgress: (s) => {
    if (s === stage) return;
    if (stage) stageCpu[stage] = cpuMs(process.cpuUsage(mark));
    [stage, mark] = [s, process.cpuUsage()];
  },
});
const after = ['block', 'compare', 'train', 'score', 'cluster'].reduce((s, k) => s + (stageCpu[k] ?? 0), 0);
console.log(`${n} profiles, ${r.stats.candidatePairs} pairs; CPU ms per stage (one thread): ${JSON.stringify(stageCpu)}; after normalize ${after} ms`);
