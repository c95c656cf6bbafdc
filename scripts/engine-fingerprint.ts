/**
 * Fingerprint of resolve()'s output on generated profiles, to prove a speed change output-identical.
 * `node --import tsx scripts/engine-fingerprint.ts [profiles=100000] [seed=1]`
 * Hashes groups (MatchId, members, ConfidenceScore), every pair's probability and the model JSON of
 * resolve(generateProfiles(N, seed, { meta: false }), { seed: 1 }) (`--texts`: given as JSON texts); also prints CPU (all threads) of resolve and of each stage.
 */
import { createHash } from 'node:crypto';
import { resolve } from '../src/engine/resolve.js';
import { generateProfiles } from '../src/engine/generate/index.js';
import { cpuMs, stageCpuRecorder } from './stage-cpu.js';

const nums = process.argv.slice(2).filter((a) => /^\d+$/.test(a)).map(Number);
const n = nums[0] ?? 100_000;
const seed = nums[1] ?? 1;
const { profiles } = generateProfiles(n, seed, { meta: false });
// --texts: the same profiles given as JSON texts (ProfileTexts, what a job hands resolve): the fingerprint must not change.
const input = process.argv.includes('--texts')
  ? { ids: profiles.map((p) => p.id), data: profiles.map((p) => JSON.stringify(p.data)) } : profiles;
const { onProgress, stageCpu } = stageCpuRecorder();
const c = process.cpuUsage();
const r = await resolve(input, { seed: 1, onProgress });
const u = process.cpuUsage(c);
const h = createHash('sha256');
for (const g of r.groups) h.update(`${g.matchId}:${g.profileIds.join(',')}:${g.confidenceScore}\n`);
for (const p of r.pairs) h.update(`${p.a}|${p.b}|${p.probability}\n`);
h.update(JSON.stringify(r.model));
console.log(`${n} profiles seed ${seed}: groups ${r.groups.length} pairs ${r.pairs.length} sha256 ${h.digest('hex').slice(0, 16)}; resolve CPU ${cpuMs(u)} ms (all threads); stages CPU ${JSON.stringify(stageCpu)}, wall ${JSON.stringify(r.stats.timingsMs)}`);
