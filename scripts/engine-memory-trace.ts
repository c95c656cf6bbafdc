/**
 * Peak memory per engine stage: `node --expose-gc --max-old-space-size=4096 --import tsx scripts/engine-memory-trace.ts [profiles=1000000] [seed=1]`.
 * A worker thread reads the process's VmRSS from /proc every 10 ms (the main thread is busy in long synchronous
 * loops, so a timer there misses peaks) and keeps the maximum per stage (onProgress marks where each stage starts);
 * the main thread adds V8 heap / external memory at each stage start. Linux only (reads /proc/self/status).
 */
import { readFileSync } from 'node:fs';
import { Worker } from 'node:worker_threads';
import { resolve } from '../src/engine/resolve.js';
import { generateProfiles } from '../src/engine/generate/index.js';

const STAGES = ['input', 'normalize', 'block', 'compare', 'train', 'score', 'cluster', 'done'];
const nums = process.argv.slice(2).filter((a) => /^\d+$/.test(a)).map(Number);
const n = nums[0] ?? 1_000_000;
const seed = nums[1] ?? 1;
const mib = (b: number) => Math.round(b / 2 ** 20);
// [0] = current stage index, [1 + s] = max RSS (KiB) seen during stage s.
const shared = new Int32Array(new SharedArrayBuffer(4 * (STAGES.length + 1)));
const sampler = new Worker(
  `const { workerData } = require('node:worker_threads'); const fs = require('node:fs');
   const s = workerData; setInterval(() => {
     const m = /VmRSS:\\s+(\\d+)/.exec(fs.readFileSync('/proc/self/status', 'utf8'));
     if (m) { const i = 1 + Atomics.load(s, 0); const kb = Number(m[1]); if (kb > s[i]) Atomics.store(s, i, kb); }
   }, 10);`,
  { eval: true, workerData: shared },
);
const { profiles } = generateProfiles(n, seed, { meta: false });
(globalThis as { gc?: () => void }).gc?.();
const heap: string[] = [];
const mark = (stage: string) => {
  const m = process.memoryUsage();
  heap.push(`${stage}: rss ${mib(m.rss)} heapUsed ${mib(m.heapUsed)} heapTotal ${mib(m.heapTotal)} external ${mib(m.external)} arrayBuffers ${mib(m.arrayBuffers)}`);
};
mark('input');
await new Promise((r) => setTimeout(r, 50));
let current = '';
const r = await resolve(profiles, {
  seed: 1,
  onProgress: (s) => {
    if (s === current) return;
    current = s;
    mark(s);
    Atomics.store(shared, 0, Math.max(0, STAGES.indexOf(s)));
  },
});
mark('after');
await new Promise((r) => setTimeout(r, 50));
await sampler.terminate();
console.log(`${n} profiles: groups ${r.groups.length}, linked ${r.pairs.length}; wall ${JSON.stringify(r.stats.timingsMs)}`);
console.log(heap.join('\n'));
console.log('max VmRSS per stage (MiB): ' + STAGES.map((s, i) => `${s} ${Math.round(shared[1 + i]! / 1024)}`).join(', '));
console.log(`process maxRSS ${Math.round(process.resourceUsage().maxRSS / 1024)} MiB; /proc VmHWM ${/VmHWM:\s+(\d+)/.exec(readFileSync('/proc/self/status', 'utf8'))?.[1]} kB`);
