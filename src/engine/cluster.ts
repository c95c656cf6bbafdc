/**
 * Clustering of linked pairs into match groups.
 * 1. Anti-chaining: a link below `strongLink` whose two ends each have other links but no common neighbour is a
 *    weak bridge between two groups, and is cut.
 * 2. The remaining links are merged strongest first (Kruskal), never letting a group grow past `maxGroupSize`
 *    (a guard against a run-away component swallowing unrelated profiles).
 * The merges form each group's maximum spanning tree; the group's ConfidenceScore is its weakest spanning link
 * (the probability at which the group still holds together): 1.0 when every member is an exact duplicate.
 */
import { createHash } from 'node:crypto';
import type { MatchGroup } from './types.js';

export interface ClusterOptions {
  strongLink: number;
  maxGroupSize: number;
}

export interface Links {
  a: Uint32Array;
  b: Uint32Array;
  p: Float64Array;
}

/** Stable MatchId: SHA-256 of the sorted member ids, 32 hex digits. Unchanged group ⇒ unchanged id. */
export function matchIdOf(profileIds: string[]): string {
  const sorted = [...profileIds].sort();
  return createHash('sha256').update(sorted.join('\u0000')).digest('hex').slice(0, 32);
}

function neighbours(n: number, links: Links): { off: Int32Array; nb: Int32Array } {
  const deg = new Int32Array(n + 1);
  for (let k = 0; k < links.a.length; k++) {
    deg[links.a[k]! + 1]!++;
    deg[links.b[k]! + 1]!++;
  }
  for (let i = 0; i < n; i++) deg[i + 1]! += deg[i]!;
  const off = deg.slice();
  const pos = deg.slice(0, n);
  const nb = new Int32Array(links.a.length * 2);
  for (let k = 0; k < links.a.length; k++) {
    nb[pos[links.a[k]!]!++] = links.b[k]!;
    nb[pos[links.b[k]!]!++] = links.a[k]!;
  }
  for (let i = 0; i < n; i++) nb.subarray(off[i]!, off[i + 1]!).sort();
  return { off, nb };
}

function shareNeighbour(g: { off: Int32Array; nb: Int32Array }, x: number, y: number): boolean {
  let i = g.off[x]!, j = g.off[y]!;
  const ie = g.off[x + 1]!, je = g.off[y + 1]!;
  while (i < ie && j < je) {
    const u = g.nb[i]!, w = g.nb[j]!;
    if (u === w) return true;
    if (u < w) i++;
    else j++;
  }
  return false;
}

export function cluster(ids: string[], links: Links, opts: ClusterOptions): { groups: MatchGroup[]; cut: number } {
  const n = ids.length;
  const g = neighbours(n, links);
  const order = Array.from({ length: links.a.length }, (_, k) => k);
  let cut = 0;
  const keep = new Uint8Array(links.a.length);
  for (const k of order) {
    const x = links.a[k]!, y = links.b[k]!;
    const degX = g.off[x + 1]! - g.off[x]!, degY = g.off[y + 1]! - g.off[y]!;
    if (links.p[k]! < opts.strongLink && degX > 1 && degY > 1 && !shareNeighbour(g, x, y)) {
      cut++;
      continue;
    }
    keep[k] = 1;
  }
  const kept = order.filter((k) => keep[k] === 1);
  kept.sort((s, t) => links.p[t]! - links.p[s]! || links.a[s]! - links.a[t]! || links.b[s]! - links.b[t]!);

  const parent = new Int32Array(n).map((_, i) => i);
  const size = new Int32Array(n).fill(1);
  const weakest = new Float64Array(n).fill(1);
  const find = (x: number): number => {
    while (parent[x] !== x) {
      parent[x] = parent[parent[x]!]!;
      x = parent[x]!;
    }
    return x;
  };
  for (const k of kept) {
    let rx = find(links.a[k]!), ry = find(links.b[k]!);
    if (rx === ry) continue;
    if (size[rx]! + size[ry]! > opts.maxGroupSize) {
      cut++;
      continue;
    }
    if (size[rx]! < size[ry]!) [rx, ry] = [ry, rx];
    parent[ry] = rx;
    size[rx]! += size[ry]!;
    weakest[rx] = Math.min(weakest[rx]!, weakest[ry]!, links.p[k]!);
  }
  const members = new Map<number, number[]>();
  for (let i = 0; i < n; i++) {
    if (size[find(i)]! < 2) continue;
    const r = find(i);
    const list = members.get(r);
    if (list) list.push(i);
    else members.set(r, [i]);
  }
  const groups: MatchGroup[] = [];
  for (const [r, list] of members) {
    const profileIds = list.map((i) => ids[i]!).sort();
    groups.push({ matchId: matchIdOf(profileIds), profileIds, confidenceScore: Math.round(weakest[r]! * 1e6) / 1e6 });
  }
  groups.sort((x, y) => (x.matchId < y.matchId ? -1 : x.matchId > y.matchId ? 1 : 0));
  return { groups, cut };
}
