import { describe, expect, it } from 'vitest';
import { BLOCKING_RULES, hash32 } from '../../src/engine/blocking.js';
import { buildColumns } from '../../src/engine/columns.js';
import { normalizeOptionsOf } from '../../src/engine/resolve.js';
import { generateProfiles } from '../../src/engine/generate/index.js';

describe('blocking key hashes', () => {
  it('every rule hashes exactly the keys it spells (the hot path must not change candidate pairs)', () => {
    const { profiles } = generateProfiles(3000, 7, { meta: false });
    const cols = buildColumns(profiles, normalizeOptionsOf({}));
    const keys: string[] = [];
    const hashes: number[] = [];
    for (const rule of BLOCKING_RULES) {
      let seen = 0;
      for (let i = 0; i < cols.n; i++) {
        keys.length = 0;
        hashes.length = 0;
        rule.keys(cols, i, keys);
        rule.hashes(cols, i, hashes);
        expect(hashes, `${rule.name} profile ${i}`).toEqual(keys.map(hash32));
        seen += keys.length;
      }
      expect(seen, rule.name).toBeGreaterThan(100);
    }
  });
});

import { candidatePairs, ruleKeys, type BlockingLimits } from '../../src/engine/blocking.js';
import type { EngineProfile } from '../../src/engine/types.js';

const phoneRule = BLOCKING_RULES.filter((r) => r.name === 'phone');
const limits = (o: Partial<BlockingLimits>): BlockingLimits =>
  ({ maxBlockSize: 100, pairsPerProfile: Infinity, minFullBlock: 2, window: 0, ...o });

describe('candidate pairs', () => {
  it('are the distinct pairs of every block within the cap, sorted (checked against brute force)', () => {
    const { profiles } = generateProfiles(1500, 3, { meta: false });
    const cols = buildColumns(profiles, normalizeOptionsOf({}));
    const expected = new Set<string>();
    ruleKeys(cols).forEach((k, r) => {
      const blocks = new Map<number, number[]>();
      for (let e = 0; e < k.hash.length; e++) {
        const list = blocks.get(k.hash[e]!) ?? [];
        list.push(k.idx[e]!);
        blocks.set(k.hash[e]!, list);
      }
      const cap = Math.max(2, Math.floor(20 * (BLOCKING_RULES[r]!.capFactor ?? 1)));
      for (const m of blocks.values()) {
        if (m.length > cap) continue;
        for (const i of m) for (const j of m) if (i < j) expected.add(`${i},${j}`);
      }
    });
    const c = candidatePairs(cols, 20);
    const got = Array.from(c.a, (a, k) => `${a},${c.b[k]}`);
    expect(got.length).toBeGreaterThan(500);
    expect(new Set(got).size).toBe(got.length);
    expect(new Set(got)).toEqual(expected);
    for (let k = 1; k < c.a.length; k++) expect(c.a[k - 1]! < c.a[k]! || (c.a[k - 1] === c.a[k] && c.b[k - 1]! < c.b[k]!)).toBe(true);
  });

  it('sub-block an oversized block: sorted by name, each member paired with its next window − 1', () => {
    const order = Array.from({ length: 60 }, (_, i) => (i * 37) % 60); // names out of input order
    const profiles: EngineProfile[] = order.map((k, i) => ({
      id: `p${i}`, data: { FirstName: 'Ann', LastName: `Zed${String(k).padStart(2, '0')}x`, PhoneNumber: '+15550100000' },
    }));
    const cols = buildColumns(profiles, normalizeOptionsOf({}));
    const byName = Array.from(order.keys()).sort((x, y) => order[x]! - order[y]!);
    const expected = new Set<string>();
    for (let r = 0; r < byName.length; r++) {
      for (let d = 1; d <= 2 && r + d < byName.length; d++) {
        const [i, j] = [byName[r]!, byName[r + d]!].sort((x, y) => x - y);
        expected.add(`${i},${j}`);
      }
    }
    const c = candidatePairs(cols, limits({ maxBlockSize: 20, window: 3 }), phoneRule);
    expect(new Set(Array.from(c.a, (a, k) => `${a},${c.b[k]}`))).toEqual(expected);
    expect(c.rules[0]).toMatchObject({ name: 'phone', pairs: 117, subBlocks: 1, subBlockedProfiles: 60 });
    const skipped = candidatePairs(cols, limits({ maxBlockSize: 20, window: 0 }), phoneRule);
    expect(skipped.a.length).toBe(0);
    expect(candidatePairs(cols, limits({ maxBlockSize: 100 }), phoneRule).a.length).toBe((60 * 59) / 2);
  });

  it('lower a rule\'s cap when its full blocks would exceed the pairs-per-profile budget, never below minFullBlock', () => {
    const profiles: EngineProfile[] = Array.from({ length: 150 }, (_, i) => ({
      id: `p${i}`, data: { FirstName: `F${i}`, LastName: 'Lee', PhoneNumber: `+1555010${String(Math.floor(i / 5)).padStart(4, '0')}` },
    }));
    const cols = buildColumns(profiles, normalizeOptionsOf({}));
    // 30 blocks of 5 = 300 pairs; a budget of 0.5 pairs per profile allows 75.
    const full = candidatePairs(cols, limits({ pairsPerProfile: 0.5, minFullBlock: 5, window: 2 }), phoneRule);
    expect(full.a.length).toBe(300);
    expect(full.rules[0]!.cap).toBe(5);
    const capped = candidatePairs(cols, limits({ pairsPerProfile: 0.5, minFullBlock: 2, window: 2 }), phoneRule);
    expect(capped.rules[0]).toMatchObject({ cap: 4, subBlocks: 30 });
    expect(capped.a.length).toBe(30 * 4);
    const roomy = candidatePairs(cols, limits({ pairsPerProfile: 2, minFullBlock: 2, window: 2 }), phoneRule);
    expect(roomy.rules[0]!.cap).toBe(100);
  });
});

describe('candidate pairs on a worker thread', () => {
  it('equal the inline ones, sub-blocking included', async () => {
    const { candidatePairsOffThread } = await import('../../src/engine/blocking.js');
    const { profiles } = generateProfiles(3000, 9, { meta: false });
    const cols = buildColumns(profiles, normalizeOptionsOf({}));
    const lim = limits({ maxBlockSize: 12, pairsPerProfile: 0.3, minFullBlock: 3, window: 3 });
    const inline = candidatePairs(cols, lim);
    expect(inline.rules.some((r) => r.subBlocks > 0)).toBe(true);
    const off = await candidatePairsOffThread(cols, lim, undefined, true, BLOCKING_RULES, 0);
    expect(Array.from(off.a)).toEqual(Array.from(inline.a));
    expect(Array.from(off.b)).toEqual(Array.from(inline.b));
    expect(off.rules).toEqual(inline.rules);
  });
});
