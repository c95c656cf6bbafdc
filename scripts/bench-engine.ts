/**
 * Engine benchmark: `npm run bench:engine [-- sizes… --seed S --workers N --no-accuracy --default-malloc --texts]` (default sizes 100000 1000000).
 * `--texts`: resolve() gets the profiles as JSON texts (ProfileTexts, what a job hands it since 2026-11-23) instead of
 * objects; each profile's text is made as it is generated (no object outlives it), so the heap holds what a job's would.
 * Each size runs in its own child process so that peak RSS is that run's alone. Prints generation time, resolve
 * (normalize → groups) time and per-stage timings, candidate pairs, pairs/s, profiles/s, peak RSS, blocking recall
 * and pairwise / B-cubed accuracy against the generator's truth; then the accuracy table on every labelled set.
 * The child runs with glibc's mmap threshold fixed at its default 128 KiB (MALLOC_MMAP_THRESHOLD_, unless already set;
 * `--default-malloc` leaves it dynamic): with the dynamic threshold, freed typed arrays of a few MB stay in malloc's
 * heap and count in RSS — ~350 MB at a million profiles (docs/engine.md, "Score, cluster and memory, third pass").
 */
import { spawnSync } from 'node:child_process';
import { cpus, loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import { resolve, type EngineInput } from '../src/engine/index.js';
import { generateProfiles, generateRecords } from '../src/engine/generate/index.js';
import { blockingMetrics, clusterMetrics, labelsFromGroups } from '../src/engine/eval/metrics.js';
import { evaluateDataset } from '../src/engine/eval/evaluate.js';
import { loadDataset } from '../src/engine/eval/registry.js';
import { table } from '../src/engine/eval/report.js';
import type { DatasetName } from '../src/engine/eval/types.js';

const args = process.argv.slice(2);
const flag = (name: string) => {
  const i = args.indexOf(name);
  if (i < 0) return undefined;
  const v = args[i + 1];
  args.splice(i, 2);
  return v;
};
const child = flag('--child');
const seed = Number(flag('--seed') ?? 1);
const workersArg = flag('--workers');
const noAccuracy = args.includes('--no-accuracy');
const defaultMalloc = args.includes('--default-malloc');
const asTexts = args.includes('--texts');
const childEnv = defaultMalloc ? process.env : { ...process.env, MALLOC_MMAP_THRESHOLD_: process.env.MALLOC_MMAP_THRESHOLD_ ?? '131072' };
const sizes = args.filter((a) => /^\d+$/.test(a)).map(Number);
const mib = (bytes: number) => Math.round(bytes / 2 ** 20);

async function runOne(n: number): Promise<void> {
  let peak = process.memoryUsage().rss;
  const sampler = setInterval(() => { peak = Math.max(peak, process.memoryUsage().rss); }, 50);
  let t = performance.now();
  let input: EngineInput, truth: string[], ids: string[];
  if (asTexts) {
    // Streamed: each profile becomes its JSON text as it is generated, so no profile object outlives a young
    // collection and the heap (and RSS) holds what a job's would.
    ids = [];
    truth = [];
    const data: string[] = [];
    for (const r of generateRecords(n, seed, { meta: false })) {
      ids.push(r.profile.id);
      data.push(JSON.stringify(r.profile.data));
      truth.push(r.entityId);
    }
    input = { ids, data };
  } else {
    const generated = generateProfiles(n, seed, { meta: false });
    truth = generated.truth;
    ids = generated.profiles.map((p) => p.id);
    input = generated.profiles;
  }
  const genMs = performance.now() - t;
  (globalThis as { gc?: () => void }).gc?.();
  const rssInput = process.memoryUsage().rss;
  peak = rssInput;
  t = performance.now();
  const result = await resolve(input, {
    seed, returnCandidates: true, workers: workersArg === undefined ? undefined : Number(workersArg),
  });
  const resolveMs = performance.now() - t;
  clearInterval(sampler);
  peak = Math.max(peak, process.memoryUsage().rss);
  const index = new Map(ids.map((id, i) => [id, i]));
  const pred = labelsFromGroups(n, result.groups.map((g) => g.profileIds.map((id) => index.get(id)!)));
  const m = clusterMetrics(truth, pred);
  const b = result.candidates ? blockingMetrics(truth, result.candidates.left, result.candidates.right) : null;
  const s = result.stats;
  const out = {
    profiles: n, input: asTexts ? 'JSON texts' : 'objects', generateS: genMs / 1000, resolveS: resolveMs / 1000, profilesPerS: n / (resolveMs / 1000),
    candidatePairs: s.candidatePairs, pairsPerS: s.candidatePairs / (resolveMs / 1000), linkedPairs: s.linkedPairs,
    groups: s.groups, timingsMs: s.timingsMs, rssInputMiB: mib(rssInput), peakRssMiB: mib(peak),
    maxRssMiB: Math.round(process.resourceUsage().maxRSS / 1024),
    precision: m.pairwise.precision, recall: m.pairwise.recall, f1: m.pairwise.f1, bcubedF1: m.bcubed.f1,
    blockingRecall: b?.recall ?? null,
  };
  console.log(JSON.stringify(out));
}

function printRun(r: Record<string, any>): void {
  const f = (x: number, d = 2) => x.toFixed(d);
  console.log(`\n### ${r.profiles.toLocaleString('en-US')} generated profiles (seed ${seed}), given to resolve() as ${r.input}`);
  console.log(`generate ${f(r.generateS)} s (not part of matching)`);
  console.log(`resolve (normalize → groups) ${f(r.resolveS)} s — ${Math.round(r.profilesPerS).toLocaleString('en-US')} profiles/s`);
  console.log(`candidate pairs ${r.candidatePairs.toLocaleString('en-US')} — ${Math.round(r.pairsPerS).toLocaleString('en-US')} pairs/s over the whole resolve; linked ${r.linkedPairs.toLocaleString('en-US')}, groups ${r.groups.toLocaleString('en-US')}`);
  console.log(`stages (ms): ${Object.entries(r.timingsMs).map(([k, v]) => `${k} ${v}`).join(', ')}`);
  console.log(`RSS with input loaded ${r.rssInputMiB} MiB, peak during resolve ${r.peakRssMiB} MiB (process maxRSS ${r.maxRssMiB} MiB)`);
  console.log(`pairwise P ${f(r.precision, 4)} R ${f(r.recall, 4)} F1 ${f(r.f1, 4)}; B³ F1 ${f(r.bcubedF1, 4)}; blocking recall ${r.blockingRecall === null ? 'n/a' : f(r.blockingRecall, 4)}`);
}

const GOALS: Record<string, string> = { febrl3: '≥ 0.995', fake_1000: '≥ 0.90', generated: '≥ 0.97', febrl1: '—', senzing: '—' };
const SPLINK: Record<string, string> = { febrl3: '0.9954', fake_1000: '0.862' };

async function accuracyTable(): Promise<void> {
  const rows = [['dataset', 'records', 'precision', 'recall', 'F1', 'B³ F1', 'blocking recall', 'goal (F1)', 'Splink (best threshold, with labels)']];
  for (const name of ['febrl3', 'febrl1', 'fake_1000', 'senzing', 'generated'] as DatasetName[]) {
    const ds = loadDataset(name, { profiles: 10_000, seed });
    const r = await evaluateDataset(ds, { resolve }, { engine: { seed } });
    const m = r.metrics;
    rows.push([
      name === 'generated' ? `generated (10k, seed ${seed})` : name, String(m.records), m.pairwise.precision.toFixed(4),
      m.pairwise.recall.toFixed(4), m.pairwise.f1.toFixed(4), m.bcubed.f1.toFixed(4),
      r.blocking ? r.blocking.recall.toFixed(4) : 'n/a', GOALS[name], SPLINK[name] ?? '—',
    ]);
  }
  console.log('\n### Accuracy at default settings (no labels used)\n');
  console.log(table(rows));
}

if (child) {
  await runOne(Number(child));
} else {
  const list = sizes.length ? sizes : [100_000, 1_000_000];
  console.log(`bench:engine ${new Date().toISOString()} — node ${process.version}, ${cpus().length} cores, load average ${loadavg().map((x) => x.toFixed(2)).join(' ')}`);
  console.log(`child process: MALLOC_MMAP_THRESHOLD_=${childEnv.MALLOC_MMAP_THRESHOLD_ ?? '(unset: glibc dynamic threshold)'}`);
  const self = fileURLToPath(import.meta.url);
  for (const n of list) {
    const extra = [...(workersArg === undefined ? [] : ['--workers', workersArg]), ...(asTexts ? ['--texts'] : [])];
    const r = spawnSync(process.execPath, ['--import', 'tsx', '--expose-gc', '--max-old-space-size=4096', self, '--child', String(n), '--seed', String(seed), ...extra], {
      encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'], maxBuffer: 1 << 26, env: childEnv,
    });
    const line = r.stdout.trim().split('\n').pop() ?? '';
    if (r.status !== 0 || !line.startsWith('{')) {
      console.log(`\n### ${n} profiles: FAILED (exit ${r.status ?? r.signal})\n${r.stdout}`);
      continue;
    }
    printRun(JSON.parse(line));
  }
  if (!noAccuracy) await accuracyTable();
  console.log(`\nload average at the end: ${loadavg().map((x) => x.toFixed(2)).join(' ')}`);
}
