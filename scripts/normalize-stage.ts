/**
 * Wall time and per-thread CPU of the parallel normalize stage alone (normalize + blocking keys, as resolve runs it):
 * `node --import tsx scripts/normalize-stage.ts [profiles=1000000] [--inline] [--texts]` (--texts: the profiles as JSON
 * texts, ProfileTexts, as a job hands them; the objects are dropped first). Per-thread CPU comes from
 * /proc/self/task (Linux): the main thread, the worker threads and V8's helper threads (GC, compiler) apart.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { buildColumns, DEFAULT_NORMALIZE } from '../src/engine/columns.js';
import { buildColumnsParallel } from '../src/engine/normalize-parallel.js';
import { availableParallelism } from 'node:os';
import { generateProfiles } from '../src/engine/generate/index.js';

const args = process.argv.slice(2);
const n = Number(args.find((a) => /^\d+$/.test(a)) ?? 1_000_000);
const generated = generateProfiles(n, 1, { meta: false });
const profiles = generated.profiles;
const texts = args.includes('--texts')
  ? { ids: profiles.map((p) => p.id), data: profiles.map((p) => JSON.stringify(p.data)) } : undefined;
if (texts) profiles.length = 0; // the heap then holds the texts only, as a job's does
(globalThis as { gc?: () => void }).gc?.();

/** CPU ms per thread id (utime + stime from /proc/self/task/<tid>/stat, 100 ticks a second). */
function threadCpu(): Map<string, { name: string; ms: number }> {
  const out = new Map<string, { name: string; ms: number }>();
  for (const tid of readdirSync('/proc/self/task')) {
    try {
      const stat = readFileSync(`/proc/self/task/${tid}/stat`, 'utf8');
      const name = readFileSync(`/proc/self/task/${tid}/comm`, 'utf8').trim();
      const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      out.set(tid, { name, ms: (Number(f[11]) + Number(f[12])) * 10 });
    } catch { /* thread gone */ }
  }
  return out;
}

const opts = DEFAULT_NORMALIZE;
// resolve's default: comparison workers (cores − 1, at most 7) + 1.
const threads = Math.max(1, Math.min(availableParallelism(), 8) - 1) + 1;
console.log(`normalize starts at ${Math.round(performance.now())} ms`);
const before = threadCpu();
const c = process.cpuUsage();
const elu0 = performance.eventLoopUtilization();
const t = performance.now();
if (args.includes('--inline')) buildColumns(profiles, opts);
else await buildColumnsParallel(texts ?? profiles, opts, threads);
const wall = performance.now() - t;
const elu = performance.eventLoopUtilization(elu0);
const cpu = process.cpuUsage(c);
const after = threadCpu();
const rows: string[] = [];
for (const [tid, a] of after) {
  const ms = a.ms - (before.get(tid)?.ms ?? 0);
  if (ms >= 100) rows.push(`${tid === String(process.pid) ? 'main' : tid}:${a.name}=${(ms / 1000).toFixed(1)}s`);
}
console.log(`${n} profiles: wall ${(wall / 1000).toFixed(2)} s, CPU all threads ${((cpu.user + cpu.system) / 1e6).toFixed(1)} s ` +
  `(${(((cpu.user + cpu.system) / n)).toFixed(1)} us/profile), main ELU ${elu.utilization.toFixed(2)}; threads ${rows.join(' ')}`);
