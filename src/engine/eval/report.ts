/** Plain-text rendering of evaluation results (table, mappings, error pairs) for the CLI and the benchmark. */
import { flattenProfile } from '../../model/profile.js';
import type { EngineProfile, PairEvidence } from '../types.js';
import type { ErrorPair, EvaluationResult } from './evaluate.js';

const f4 = (x: number) => x.toFixed(4);

export function table(rows: string[][]): string {
  const widths = rows[0].map((_h, c) => Math.max(...rows.map((r) => (r[c] ?? '').length)));
  const line = (r: string[]) => '| ' + r.map((cell, c) => (c === 0 ? cell.padEnd(widths[c]) : cell.padStart(widths[c]))).join(' | ') + ' |';
  const sep = '|' + widths.map((w, c) => (c === 0 ? '-'.repeat(w + 2) : '-'.repeat(w + 1) + ':')).join('|') + '|';
  return [line(rows[0]), sep, ...rows.slice(1).map(line)].join('\n');
}

export function resultsTable(results: EvaluationResult[]): string {
  const rows = [[
    'dataset', 'records', 'true pairs', 'precision', 'recall', 'F1', 'B³ P', 'B³ R', 'B³ F1', 'blocking recall',
    'candidate pairs', 'groups', 'resolve s',
  ]];
  for (const r of results) {
    const m = r.metrics;
    rows.push([
      r.dataset, String(m.records), String(m.truePairs), f4(m.pairwise.precision), f4(m.pairwise.recall),
      f4(m.pairwise.f1), f4(m.bcubed.precision), f4(m.bcubed.recall), f4(m.bcubed.f1),
      r.blocking ? f4(r.blocking.recall) : 'n/a', String(r.result.stats.candidatePairs), String(r.result.stats.groups),
      (r.resolveMs / 1000).toFixed(2),
    ]);
  }
  return table(rows);
}

/** Per dataset: how many true pairs each stage lost (blocking / threshold / clustering). */
export function lossReport(results: EvaluationResult[]): string {
  const lines = ['True pairs not grouped together, by the stage that lost them:'];
  for (const r of results) {
    const l = r.recallLoss;
    if (!l) { lines.push(`  ${r.dataset}: n/a`); continue; }
    const missed = l.missedByBlocking + l.belowThreshold + l.cutByClustering;
    lines.push(`  ${r.dataset}: ${missed} of ${l.truePairs} — not a candidate ${l.missedByBlocking}, `
      + `scored below threshold ${l.belowThreshold}, linked but cut by clustering ${l.cutByClustering}`);
  }
  for (const r of results) {
    const k = r.falsePositiveKinds;
    if (k) {
      lines.push(`False-positive pairs in ${r.dataset}: ${k.sameHousehold + k.otherPeople} — same household (family, twins, `
        + `juniors) ${k.sameHousehold}, other people ${k.otherPeople}`);
    }
  }
  return lines.join('\n');
}

/** One line per profile with the fields that matter for matching. */
export function describeProfile(p: EngineProfile): string {
  const flat = flattenProfile(p.data);
  const skip = new Set(['PartyType']);
  return `${p.id}: ` + Object.entries(flat).filter(([k]) => !skip.has(k)).map(([k, v]) => `${k}=${v}`).join(' · ');
}

function describeEvidence(e: PairEvidence | undefined): string {
  if (!e) return '    (no evidence: the engine has no explainGroup)';
  const attrs = e.attributes.map((a) => `${a.attribute}:${a.level} ${a.weight >= 0 ? '+' : ''}${a.weight.toFixed(1)}`).join(', ');
  return `    p=${e.probability.toFixed(4)} weight=${e.totalWeight.toFixed(2)} [${attrs}]`;
}

export function errorsReport(title: string, pairs: ErrorPair[] | undefined): string {
  if (!pairs || pairs.length === 0) return `${title}: none\n`;
  const out = [`${title}:`];
  pairs.forEach((p, i) => {
    const cand = p.candidate === undefined ? '' : p.candidate ? ' (candidate pair: scored below threshold or cut by clustering)' : ' (not a candidate pair: missed by blocking)';
    out.push(`  ${i + 1}. p=${p.probability === undefined ? 'n/a' : p.probability.toFixed(4)}${cand}`);
    out.push(`    ${describeProfile(p.a)}`);
    out.push(`    ${describeProfile(p.b)}`);
    out.push(describeEvidence(p.evidence));
  });
  return out.join('\n') + '\n';
}
