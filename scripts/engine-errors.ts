/**
 * Where the engine's errors on generated data come from: `node --import tsx scripts/engine-errors.ts [N] [--seed S]
 * [--noise X] [--samples K] [--oracle] [--cluster]`. Runs the engine at its defaults, then splits the pairwise errors:
 *  - false negatives (true pairs in different groups) by stage — not a candidate, below threshold, linked but
 *    separated by clustering — and the below-threshold ones by comparison pattern;
 *  - false positives (pairs of different people in one group) into direct links vs pairs joined only through
 *    chaining, same household vs not, and the direct links by pattern;
 * with a few sampled pairs and their per-attribute evidence. `--oracle`: F1 of the same comparisons with m, u and λ
 * counted from the labels (what better parameter estimates could reach); `--cluster`: support-guard vote clamps.
 */
import { generateProfiles } from '../src/engine/generate/index.js';
import { scoreCandidates, normalizeOptionsOf } from '../src/engine/resolve.js';
import { cluster } from '../src/engine/cluster.js';
import { buildColumns } from '../src/engine/columns.js';
import { patternOf, levelOf } from '../src/engine/model.js';
import { COMPARISONS } from '../src/engine/compare.js';
import { Scorer } from '../src/engine/score.js';
import { liveTf } from '../src/engine/tf.js';
import { clusterMetrics, labelsFromGroups } from '../src/engine/eval/metrics.js';

const args = process.argv.slice(2);
const flag = (name: string, d: string) => {
  const i = args.indexOf(name);
  if (i < 0) return d;
  const v = args[i + 1]!;
  args.splice(i, 2);
  return v;
};
const seed = Number(flag('--seed', '1'));
const noise = Number(flag('--noise', '1'));
const samples = Number(flag('--samples', '4'));
const n = Number(args[0] ?? 100000);

const { profiles, truth, households } = generateProfiles(n, seed, { meta: false, noise });
const { ids, cand, probs, model } = await scoreCandidates(profiles, { seed }, () => {}, () => {});
const { groups } = cluster(ids, { a: cand.a, b: cand.b, p: probs }, { threshold: 0.5, maxGroupSize: 100 });
const index = new Map(profiles.map((p, i) => [p.id, i]));
const pred = labelsFromGroups(n, groups.map((g) => g.profileIds.map((id) => index.get(id)!)));
const m = clusterMetrics(truth, pred);
console.log(`n ${n} seed ${seed} noise ${noise}: P ${m.pairwise.precision.toFixed(4)} R ${m.pairwise.recall.toFixed(4)} F1 ${m.pairwise.f1.toFixed(4)}; λ ${model.lambda.toExponential(3)}`);
for (const c of model.comparisons) console.log(`  ${c.name}: ${c.levels.slice(1).map((l) => `${l.label} ${l.weight.toFixed(2)}`).join(' | ')}`);

const cols = buildColumns(profiles, normalizeOptionsOf({}));
const scorer = new Scorer(model, cols, liveTf(cols));
const key = (i: number, j: number) => (i < j ? i * n + j : j * n + i);
const candP = new Map<number, number>();
for (let k = 0; k < cand.a.length; k++) candP.set(key(cand.a[k]!, cand.b[k]!), probs[k]!);
const short = (code: number) => COMPARISONS.map((c, k) => `${c.name.slice(0, 5)}:${c.levels[levelOf(code, k)]}`).join(' ');
const tally = (label: string, list: [number, number][], top = 15) => {
  const byPat = new Map<number, [number, number][]>();
  for (const [a, b] of list) {
    const c = patternOf(cols, a, b);
    const l = byPat.get(c);
    if (l) l.push([a, b]); else byPat.set(c, [[a, b]]);
  }
  console.log(`\n${label}: ${list.length} pairs, ${byPat.size} patterns`);
  const sorted = [...byPat.entries()].sort((x, y) => y[1].length - x[1].length);
  for (const [c, l] of sorted.slice(0, top)) console.log(`  ${String(l.length).padStart(5)}  ${short(c)}`);
  return sorted;
};
const show = (a: number, b: number) => {
  const e = scorer.evidence(patternOf(cols, a, b), a, b);
  console.log(`    p=${e.probability.toFixed(3)} w=${e.totalWeight} truth ${truth[a]}/${truth[b]} hh ${households[a]}/${households[b]}`);
  for (const x of e.attributes) if (x.valueA !== undefined || x.valueB !== undefined) console.log(`      ${x.attribute} ${x.level} ${x.weight}: ${x.valueA} | ${x.valueB}`);
};

// False negatives by stage.
const byTruth = new Map<string, number[]>();
truth.forEach((t, i) => { const l = byTruth.get(t); if (l) l.push(i); else byTruth.set(t, [i]); });
const notCand: [number, number][] = [], below: [number, number][] = [], cut: [number, number][] = [];
for (const mem of byTruth.values()) {
  for (let x = 0; x < mem.length; x++) for (let y = x + 1; y < mem.length; y++) {
    const i = mem[x]!, j = mem[y]!;
    if (pred[i] === pred[j]) continue;
    const p = candP.get(key(i, j));
    if (p === undefined) notCand.push([i, j]); else if (p < 0.5) below.push([i, j]); else cut.push([i, j]);
  }
}
console.log(`\nFN ${notCand.length + below.length + cut.length}: not candidate ${notCand.length}, below ${below.length}, cut ${cut.length}`);
// Below threshold: distribution of probabilities.
const hist = new Array(10).fill(0);
for (const [a, b] of below) hist[Math.min(9, Math.floor(candP.get(key(a, b))! * 10))]++;
console.log(`  below-threshold p deciles: ${hist.join(' ')}`);
const belowPats = tally('FN below threshold', below, 25);
for (const [, l] of belowPats.slice(0, 3)) for (const [a, b] of l.slice(0, samples)) show(a, b);
tally('FN cut by clustering', cut, 10);
for (const [a, b] of cut.slice(0, samples)) show(a, b);

// False positives: pairs of different people in one predicted group.
const byGroup = new Map<number, number[]>();
pred.forEach((g, i) => { const l = byGroup.get(g); if (l) l.push(i); else byGroup.set(g, [i]); });
const direct: [number, number][] = [];
let chained = 0, directHh = 0, chainedHh = 0;
const groupSizes = new Map<number, number>();
for (const mem of byGroup.values()) {
  if (mem.length < 2) continue;
  let fp = 0;
  for (let x = 0; x < mem.length; x++) for (let y = x + 1; y < mem.length; y++) {
    const i = mem[x]!, j = mem[y]!;
    if (truth[i] === truth[j]) continue;
    fp++;
    const p = candP.get(key(i, j));
    const hh = households[i] === households[j];
    if (p !== undefined && p >= 0.5) { direct.push([i, j]); if (hh) directHh++; }
    else { chained++; if (hh) chainedHh++; }
  }
  if (fp) groupSizes.set(mem.length, (groupSizes.get(mem.length) ?? 0) + fp);
}
console.log(`\nFP ${direct.length + chained}: direct links ${direct.length} (household ${directHh}), only through chaining ${chained} (household ${chainedHh})`);
console.log(`  FP pairs by group size: ${[...groupSizes.entries()].sort((a, b) => a[0] - b[0]).map(([s, c]) => `${s}:${c}`).join(' ')}`);
const fpPats = tally('FP direct links', direct, 25);
for (const [, l] of fpPats.slice(0, 4)) for (const [a, b] of l.slice(0, samples)) show(a, b);

// What better parameters could reach: the same comparisons scored with m, u and λ counted from the labels.
if (process.argv.includes('--oracle')) {
  const K = COMPARISONS.length;
  const codes = new Uint32Array(cand.a.length);
  const mc = COMPARISONS.map((c) => new Float64Array(c.levels.length)), uc = COMPARISONS.map((c) => new Float64Array(c.levels.length));
  let matches = 0;
  for (let k = 0; k < cand.a.length; k++) {
    const a = cand.a[k]!, b = cand.b[k]!;
    const code = (codes[k] = patternOf(cols, a, b));
    const match = truth[a] === truth[b];
    if (match) matches++;
    for (let j = 0; j < K; j++) (match ? mc : uc)[j]![levelOf(code, j)]!++;
  }
  const oracle = structuredClone(model);
  oracle.lambda = matches / cand.a.length;
  console.log(`\noracle λ ${oracle.lambda.toExponential(3)} (EM ${model.lambda.toExponential(3)})`);
  oracle.comparisons.forEach((c, j) => {
    const ms = mc[j]!.reduce((s, x, l) => (l ? s + x : s), 0), us = uc[j]!.reduce((s, x, l) => (l ? s + x : s), 0);
    const parts: string[] = [];
    c.levels.forEach((lv, l) => {
      if (l === 0) return;
      const m1 = (mc[j]![l]! + 0.5) / (ms + 0.5 * c.levels.length), u1 = (uc[j]![l]! + 0.5) / (us + 0.5 * c.levels.length);
      parts.push(`${lv.label} ${Math.log2(m1 / u1).toFixed(2)} (EM ${lv.weight.toFixed(2)}; m ${m1.toFixed(4)} u ${u1.toFixed(4)})`);
      lv.m = m1; lv.u = u1; lv.weight = Math.log2(m1 / u1);
    });
    console.log(`  ${c.name}: ${parts.join(' | ')}`);
  });
  const os = new Scorer(oracle, cols, liveTf(cols));
  const p2 = new Float32Array(cand.a.length);
  for (let k = 0; k < cand.a.length; k++) p2[k] = 1 / (1 + 2 ** -os.weight(codes[k]!, cand.a[k]!, cand.b[k]!));
  const g2 = cluster(ids, { a: cand.a, b: cand.b, p: p2 }, { threshold: 0.5, maxGroupSize: 100 }).groups;
  const m2 = clusterMetrics(truth, labelsFromGroups(n, g2.map((g) => g.profileIds.map((id) => index.get(id)!))));
  console.log(`oracle parameters: P ${m2.pairwise.precision.toFixed(4)} R ${m2.pairwise.recall.toFixed(4)} F1 ${m2.pairwise.f1.toFixed(4)}`);
}

// Support-guard vote clamps side by side (0 = the older count vote).
if (process.argv.includes('--cluster')) {
  for (const supportClampBits of [0, 1, 3, 6, 12]) {
    const g2 = cluster(ids, { a: cand.a, b: cand.b, p: probs }, { threshold: 0.5, maxGroupSize: 100, supportClampBits }).groups;
    const m2 = clusterMetrics(truth, labelsFromGroups(n, g2.map((g) => g.profileIds.map((id) => index.get(id)!))));
    console.log(`support: vote clamp ${supportClampBits} bits (0 = count): P ${m2.pairwise.precision.toFixed(4)} R ${m2.pairwise.recall.toFixed(4)} F1 ${m2.pairwise.f1.toFixed(4)}`);
  }
}
