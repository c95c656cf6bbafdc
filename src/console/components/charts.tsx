/** Inline SVG charts (no chart library): a score histogram and a match-weight waterfall. */
import type { AttributeEvidence } from '../api/wire.js';

export interface Bin { from: number; to: number; count: number }

export function binScores(scores: number[], bins = 10): Bin[] {
  const out: Bin[] = Array.from({ length: bins }, (_, i) => ({ from: i / bins, to: (i + 1) / bins, count: 0 }));
  for (const s of scores) {
    const i = Math.min(bins - 1, Math.max(0, Math.floor(s * bins)));
    out[i].count++;
  }
  return out;
}

/** Histogram of ConfidenceScore; bars are keyboard-focusable and select a score range when activated. */
export function Histogram(props: { scores: number[]; onSelect?: (from: number, to: number) => void; selected?: [number, number] }) {
  const bins = binScores(props.scores);
  const max = Math.max(1, ...bins.map((b) => b.count));
  const W = 520, H = 180, padL = 40, padB = 34, padT = 12;
  const bw = (W - padL - 8) / bins.length;
  const y = (c: number) => padT + (H - padT - padB) * (1 - c / max);
  const label = `Histogram of ${props.scores.length} match groups by confidence score: ` +
    bins.map((b) => `${b.from.toFixed(1)}–${b.to.toFixed(1)}: ${b.count}`).join(', ');
  return (
    <svg class="chart" viewBox={`0 0 ${W} ${H}`} width={W} height={H} role="img" aria-label={label}>
      <line x1={padL} y1={H - padB} x2={W - 8} y2={H - padB} class="axis" />
      <line x1={padL} y1={padT} x2={padL} y2={H - padB} class="axis" />
      <text x={padL - 6} y={padT + 4} class="tick" text-anchor="end">{max}</text>
      <text x={padL - 6} y={H - padB} class="tick" text-anchor="end">0</text>
      {bins.map((b, i) => {
        const x = padL + i * bw + 2;
        const filtered = props.selected && (props.selected[0] > 0 || props.selected[1] < 1);
        const sel = filtered && props.selected![0] <= b.from + 1e-9 && props.selected![1] >= b.to - 1e-9;
        const activate = () => props.onSelect?.(b.from, b.to);
        return (
          <g
            key={i}
            class={`bin${sel ? ' selected' : ''}`}
            // Lower-case on purpose: on SVG elements Preact sets attributes verbatim, and only `tabindex` counts.
            {...{ tabindex: props.onSelect ? 0 : undefined }}
            role={props.onSelect ? 'button' : undefined}
            aria-label={`Scores ${b.from.toFixed(1)} to ${b.to.toFixed(1)}: ${b.count} groups`}
            onClick={activate}
            onKeyDown={(e) => (e.key === 'Enter' || e.key === ' ') && (e.preventDefault(), activate())}
          >
            <title>{`${b.from.toFixed(1)}–${b.to.toFixed(1)}: ${b.count} groups`}</title>
            <rect x={x} y={y(b.count)} width={bw - 4} height={H - padB - y(b.count)} class="bar" />
            <rect x={x} y={padT} width={bw - 4} height={H - padT - padB} class="hit" />
            {b.count > 0 && <text x={x + (bw - 4) / 2} y={y(b.count) - 3} class="tick" text-anchor="middle">{b.count}</text>}
            <text x={x + (bw - 4) / 2} y={H - padB + 14} class="tick" text-anchor="middle">{b.from.toFixed(1)}</text>
          </g>
        );
      })}
      <text x={(W + padL) / 2} y={H - 4} class="axis-label" text-anchor="middle">ConfidenceScore</text>
    </svg>
  );
}

/**
 * Match-weight waterfall for one pair: starts at the prior log2 odds, each attribute adds its weight (green up,
 * red down, grey for no evidence), and ends at the pair's total weight (→ probability).
 */
export function Waterfall(props: { attributes: AttributeEvidence[]; totalWeight: number; probability: number; title: string }) {
  const sum = props.attributes.reduce((s, a) => s + a.Weight, 0);
  const prior = props.totalWeight - sum;
  type Step = { label: string; sub?: string; from: number; to: number; kind: string; value: number };
  const steps: Step[] = [{ label: 'Prior', sub: 'log₂ odds before evidence', from: 0, to: prior, kind: 'prior', value: prior }];
  let acc = prior;
  for (const a of props.attributes) {
    steps.push({
      label: a.Attribute, sub: a.Level, from: acc, to: acc + a.Weight,
      kind: a.Weight > 0 ? 'pos' : a.Weight < 0 ? 'neg' : 'zero', value: a.Weight,
    });
    acc += a.Weight;
  }
  steps.push({ label: 'Total', sub: `probability ${props.probability.toFixed(3)}`, from: 0, to: props.totalWeight, kind: 'total', value: props.totalWeight });

  // The scale covers the cumulative path; the prior and total bars start at 0 when 0 is in view, else at the
  // edge (marked as a broken axis), so that a large prior does not squash the attribute steps.
  const ends = steps.flatMap((s) => (s.kind === 'prior' || s.kind === 'total' ? [s.to] : [s.from, s.to]));
  let lo = Math.min(...ends);
  let hi = Math.max(...ends);
  const pad = Math.max(0.5, (hi - lo) * 0.08);
  lo -= pad;
  hi += pad;
  if (lo > 0 && lo < (hi - lo) * 0.6) lo = 0;
  if (hi < 0 && -hi < (hi - lo) * 0.6) hi = 0;
  const zeroIn = lo <= 0 && hi >= 0;
  for (const s of steps) if (s.kind === 'prior' || s.kind === 'total') s.from = zeroIn ? 0 : s.to > 0 ? lo : hi;
  const span = Math.max(1e-6, hi - lo);
  const W = 640, rowH = 26, labelW = 190, valueW = 60, top = 8;
  const plotW = W - labelW - valueW - 10;
  const x = (v: number) => labelW + ((v - lo) / span) * plotW;
  const H = top + steps.length * rowH + 22;
  const desc = steps.map((s) => `${s.label}${s.sub ? ` (${s.sub})` : ''}: ${signed(s.value)}`).join('; ');
  return (
    <svg class="chart waterfall" viewBox={`0 0 ${W} ${H}`} width={W} height={H} role="img" aria-label={`${props.title}. ${desc}`}>
      {zeroIn && <line x1={x(0)} y1={top - 4} x2={x(0)} y2={H - 20} class="zero" />}
      {!zeroIn && <text x={labelW + 2} y={H - 20} class="tick">≈</text>}
      {steps.map((s, i) => {
        const y = top + i * rowH;
        const x1 = x(Math.min(s.from, s.to));
        const w = Math.max(2, Math.abs(x(s.to) - x(s.from)));
        return (
          <g key={i} class={`step step-${s.kind}`}>
            <title>{`${s.label}${s.sub ? ` — ${s.sub}` : ''}: ${signed(s.value)}`}</title>
            <text x={labelW - 8} y={y + 11} class="step-label" text-anchor="end">{s.label}</text>
            {s.sub && <text x={labelW - 8} y={y + 22} class="step-sub" text-anchor="end">{truncate(s.sub, 30)}</text>}
            <rect x={x1} y={y + 4} width={w} height={rowH - 10} class="step-bar" />
            {i < steps.length - 1 && steps[i + 1].kind !== 'total' && (
              <line x1={x(s.to)} y1={y + rowH - 6} x2={x(s.to)} y2={y + rowH + 4} class="connector" />
            )}
            <text x={W - 4} y={y + 16} class="step-value" text-anchor="end">{signed(s.value)}</text>
          </g>
        );
      })}
      {zeroIn && lo < -0.05 * span && <text x={x(0)} y={H - 6} class="tick" text-anchor="middle">0</text>}
      <text x={labelW} y={H - 6} class="tick">{lo.toFixed(1)}</text>
      <text x={labelW + plotW} y={H - 6} class="tick" text-anchor="end">{hi.toFixed(1)} log₂ odds</text>
    </svg>
  );
}

/** +1.23 / -1.23 / 0.00 (never -0.00). */
export const signed = (v: number) => (Math.abs(v) < 0.005 ? '0.00' : `${v > 0 ? '+' : ''}${v.toFixed(2)}`);

const truncate = (s: string, n: number) => (s.length > n ? `${s.slice(0, n - 1)}…` : s);
