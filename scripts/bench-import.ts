/**
 * npm run bench:import [-- ROWS]  (default 1,000,000; or BENCH_ROWS)
 *
 * 1. Generates a CSV of ROWS synthetic profiles with the data helper's generator (`coalesce generate`, seed 1; in a
 *    child process, cached in bench-output/ for later runs).
 * 2. Imports it into a fresh data dir through the `coalesce import` command (in this process, so that the peak RSS
 *    measured is the import's own: reading thread + write worker + SQLite caches), unique key `_id`.
 * 3. Prints rows/s, elapsed, CPU time, peak RSS and the database size.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { Command } from 'commander';
import * as importCmd from '../src/cli/commands/import.js';

const rows = Number(process.argv[2] ?? process.env.BENCH_ROWS ?? 1_000_000);
if (!Number.isInteger(rows) || rows < 1) throw new Error(`bad row count ${process.argv[2]}`);
const outDir = join(process.cwd(), 'bench-output');
mkdirSync(outDir, { recursive: true });
const file = join(outDir, `import-${rows}.csv`);

if (!existsSync(file)) {
  console.log(`generating ${rows.toLocaleString('en-US')} profiles → ${file} (coalesce generate, seed 1)`);
  execFileSync(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', 'generate', '-n', String(rows), '-o', `${file}.tmp.csv`, '--seed', '1'], { stdio: 'inherit' });
  execFileSync('mv', [`${file}.tmp.csv`, file]);
}
const dataDir = join(outDir, `import-data-${Date.now()}`);
const bytes = statSync(file).size;
console.log(`importing ${file} (${(bytes / 1e6).toFixed(0)} MB) into ${dataDir}; ${cpus().length} CPUs, load average ${loadavg().map((l) => l.toFixed(1)).join(' ')}`);

// CPU per thread (Linux /proc, sampled every 200 ms; a thread's last sample before it exits is kept): the reading
// thread vs the write worker, since on 2 cores the throughput is bounded by the busier one.
const threadCpu = new Map<string, number>();
const tick = Number(execFileSync('getconf', ['CLK_TCK']).toString()) || 100;
function sampleThreads() {
  try {
    for (const tid of readdirSync('/proc/self/task')) {
      const stat = readFileSync(`/proc/self/task/${tid}/stat`, 'utf8');
      const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      threadCpu.set(tid, (Number(f[11]) + Number(f[12])) / tick);
    }
  } catch { /* not Linux, or a thread ended while being read */ }
}
sampleThreads();
const cpuBefore = new Map(threadCpu);
const sampler = setInterval(sampleThreads, 200);
const cpu0 = process.cpuUsage();
const t0 = performance.now();
const program = new Command('coalesce').exitOverride();
importCmd.register(program);
await program.parseAsync(['node', 'coalesce', 'import', '--domain', 'bench', '--file', file, '--data-dir', dataDir,
  '--create-domain', '--unique-key', '_id', '--errors', join(outDir, `import-${rows}.errors.csv`)]);
const seconds = (performance.now() - t0) / 1000;
const cpu = process.cpuUsage(cpu0);
clearInterval(sampler);
sampleThreads();
const perThread = [...threadCpu].map(([tid, t]) => ({ tid, s: t - (cpuBefore.get(tid) ?? 0) }));
const mainCpu = perThread.find((t) => t.tid === String(process.pid))?.s ?? 0;
const others = perThread.filter((t) => t.tid !== String(process.pid)).sort((a, b) => b.s - a.s);
const workerCpu = others[0]?.s ?? 0;
const restCpu = others.slice(1).reduce((n, t) => n + t.s, 0);
const dbBytes = readdirSync(dataDir).reduce((n, f) => n + statSync(join(dataDir, f)).size, 0);

console.log('\n== bench:import ==');
console.log(`rows:            ${rows.toLocaleString('en-US')} (CSV from coalesce generate, seed 1)`);
console.log(`elapsed:         ${seconds.toFixed(1)} s (whole command: open store, read, validate, write, close)`);
console.log(`throughput:      ${Math.round(rows / seconds).toLocaleString('en-US')} rows/s`);
console.log(`CPU time:        user ${(cpu.user / 1e6).toFixed(1)} s, system ${(cpu.system / 1e6).toFixed(1)} s (both threads)`);
console.log(`CPU per row:     ${(((cpu.user + cpu.system) / rows)).toFixed(0)} µs (both threads)`);
if (perThread.length > 1) {
  const us = (sec: number) => ((sec * 1e6) / rows).toFixed(0);
  console.log(`CPU by thread:   reading ${mainCpu.toFixed(1)} s (${us(mainCpu)} µs/row), write worker ${workerCpu.toFixed(1)} s (${us(workerCpu)} µs/row), other threads (GC, I/O) ${restCpu.toFixed(1)} s`);
}
console.log(`peak RSS:        ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MB`);
console.log(`database size:   ${(dbBytes / 1e6).toFixed(0)} MB`);
console.log(`load average:    ${loadavg().map((l) => l.toFixed(1)).join(' ')} (other processes share the machine)`);
if (process.exitCode) console.log(`the import failed (exit code ${process.exitCode})`);
if (!process.env.BENCH_KEEP) rmSync(dataDir, { recursive: true, force: true });
