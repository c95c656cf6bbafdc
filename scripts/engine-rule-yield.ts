/**
 * Marginal yield of each blocking rule on labelled data: `node --import tsx scripts/engine-rule-yield.ts DATASET
 * [--profiles N] [--seed S] [--ablate] [--budget B]` (DATASET: generated, febrl1, febrl3, fake_1000, senzing; inline
 * paths only, so generated sets below 200,000 profiles).
 * Per rule: the pairs it makes, the pairs no other rule makes, the true pairs among those, and how many of those end
 * in one predicted group (what the rule alone adds to recall after scoring and clustering). --ablate: F1 and
 * candidate pairs of resolve() with each rule left out (one run per rule, in this process: resolve reads
 * BLOCKING_RULES at each call). --budget: blockPairsPerProfile for every run. --factor rule=f,rule=f: rules'
 * budgetFactor for every run; --window rule=w,…: rules' sub-blocking window. --quick: the base run only.
 */
import { buildColumns } from '../src/engine/columns.js';
import { BLOCKING_RULES, candidatePairs, ruleKeys } from '../src/engine/blocking.js';
import { blockingLimitsOf, normalizeOptionsOf, resolve } from '../src/engine/resolve.js';
import { loadDataset } from '../src/engine/eval/registry.js';
import { clusterMetrics, labelsFromGroups } from '../src/engine/eval/metrics.js';
import type { DatasetName } from '../src/engine/eval/types.js';
import type { EngineOptions } from '../src/engine/types.js';

const args = process.argv.slice(2);
const opt = (name: string) => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
};
const name = (args[0] ?? 'generated') as DatasetName;
const ds = loadDataset(name, { profiles: Number(opt('--profiles') ?? 10_000), seed: Number(opt('--seed') ?? 1) });
const budget = opt('--budget');
const options: EngineOptions = budget ? { blockPairsPerProfile: Number(budget) } : {};
for (const kv of (opt('--factor') ?? '').split(',').filter(Boolean)) {
  const [rule, f] = kv.split('=');
  const r = BLOCKING_RULES.find((x) => x.name === rule);
  if (!r) throw new Error(`no rule ${rule}`);
  r.budgetFactor = Number(f);
}
for (const kv of (opt('--window') ?? '').split(',').filter(Boolean)) {
  const [rule, w] = kv.split('=');
  const r = BLOCKING_RULES.find((x) => x.name === rule);
  if (!r) throw new Error(`no rule ${rule}`);
  r.window = Number(w);
}
const n = ds.profiles.length;
const index = new Map(ds.profiles.map((p, i) => [p.id, i]));

async function run(): Promise<{ f1: number; p: number; r: number; pairs: number; pred: Int32Array; recall: number }> {
  const res = await resolve(ds.profiles, { ...options, returnCandidates: true });
  const pred = labelsFromGroups(n, res.groups.map((g) => g.profileIds.map((id) => index.get(id)!)));
  const m = clusterMetrics(ds.truth, pred);
  const c = res.candidates!;
  let truePairs = 0, found = 0;
  const size = new Map<string, number>();
  for (const t of ds.truth) size.set(t, (size.get(t) ?? 0) + 1);
  for (const s of size.values()) truePairs += (s * (s - 1)) / 2;
  for (let k = 0; k < c.left.length; k++) if (ds.truth[c.left[k]!] === ds.truth[c.right[k]!]) found++;
  return { f1: m.pairwise.f1, p: m.pairwise.precision, r: m.pairwise.recall, pairs: c.left.length, pred, recall: found / truePairs };
}

const base = await run();
console.log(`${name} n ${n}${budget ? ` budget ${budget}` : ''}${opt('--factor') ? ` factors ${opt('--factor')}` : ''}${opt('--window') ? ` windows ${opt('--window')}` : ''}: pairs ${base.pairs} F1 ${base.f1.toFixed(4)} (P ${base.p.toFixed(4)} R ${base.r.toFixed(4)}) blocking recall ${base.recall.toFixed(4)}`);

if (args.includes('--quick')) process.exit(0);
// Which rules make each pair (bit r).
const cols = buildColumns(ds.profiles, normalizeOptionsOf(options));
const limits = blockingLimitsOf(options);
const mask = new Map<number, number>();
const perRule: number[] = [];
BLOCKING_RULES.forEach((rule, r) => {
  const c = candidatePairs(cols, limits, [rule], ruleKeys(cols, [rule]));
  perRule.push(c.a.length);
  for (let k = 0; k < c.a.length; k++) {
    const key = c.a[k]! * n + c.b[k]!;
    mask.set(key, (mask.get(key) ?? 0) | (1 << r));
  }
});
const only = BLOCKING_RULES.map(() => ({ pairs: 0, truePairs: 0, linked: 0 }));
for (const [key, m] of mask) {
  if ((m & (m - 1)) !== 0) continue;
  const r = 31 - Math.clz32(m);
  const a = Math.floor(key / n), b = key % n;
  only[r]!.pairs++;
  if (ds.truth[a] === ds.truth[b]) {
    only[r]!.truePairs++;
    if (base.pred[a] === base.pred[b]) only[r]!.linked++;
  }
}
console.log('rule                          pairs   only-this  true-only  linked-only');
BLOCKING_RULES.forEach((rule, r) => {
  const o = only[r]!;
  console.log(`${rule.name.padEnd(28)} ${String(perRule[r]).padStart(8)} ${String(o.pairs).padStart(10)} ${String(o.truePairs).padStart(10)} ${String(o.linked).padStart(12)}`);
});

if (args.includes('--ablate')) {
  const all = BLOCKING_RULES.slice();
  for (let r = 0; r < all.length; r++) {
    BLOCKING_RULES.splice(0, BLOCKING_RULES.length, ...all.filter((_, q) => q !== r));
    const x = await run();
    console.log(`without ${all[r]!.name.padEnd(26)} pairs ${x.pairs} (${((x.pairs / base.pairs - 1) * 100).toFixed(1)} %) F1 ${x.f1.toFixed(4)} (${(x.f1 - base.f1 >= 0 ? '+' : '')}${(x.f1 - base.f1).toFixed(4)}) recall ${x.recall.toFixed(4)}`);
  }
  BLOCKING_RULES.splice(0, BLOCKING_RULES.length, ...all);
}
