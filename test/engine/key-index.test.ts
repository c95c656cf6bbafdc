import { describe, expect, it } from 'vitest';
import { candidatesOf, decodeKeyIndex, encodeKeyIndex, explainGroup, groupsByPosition, resolve, scoreProfile } from '../../src/engine/index.js';
import { buildColumns } from '../../src/engine/columns.js';
import { candidatePairs, candidatePairsOffThread, ruleKeys } from '../../src/engine/blocking.js';
import { blockingLimitsOf, normalizeOptionsOf } from '../../src/engine/resolve.js';
import { generateProfiles } from '../../src/engine/generate/index.js';
import type { Model } from '../../src/engine/model.js';
import type { EngineOptions, EngineProfile } from '../../src/engine/types.js';

// 2,400 indexed profiles and 120 held out: the held-out ones play "one new profile" after the run.
const { profiles: all, truth: allTruth } = generateProfiles(2520, 11, { meta: false });
const base = all.slice(0, 2400);
const held = all.slice(2400);
const result = await resolve(base, { workers: 0, keyIndex: true });
const model = result.model as Model;
const index = result.keyIndex!;

/** The positions blocking pairs with `p` when `p` is one more profile of the run (the last one). */
function blockedWith(p: EngineProfile, options: EngineOptions = {}): number[] {
  const cols = buildColumns([...base, p], normalizeOptionsOf(options));
  const cand = candidatePairs(cols, blockingLimitsOf(options));
  const out: number[] = [];
  for (let k = 0; k < cand.a.length; k++) if (cand.b[k] === base.length) out.push(cand.a[k]!);
  return out.sort((x, y) => x - y);
}

describe('key index (single-profile matching)', () => {
  it('finds exactly the profiles blocking would pair a new profile with', () => {
    let same = 0;
    for (const p of held) {
      const found = candidatesOf(index, model, p).map((c) => c.position);
      const expected = blockedWith(p);
      if (JSON.stringify(found) === JSON.stringify(expected)) same++;
      else {
        // Only a cap recomputed with the extra profile may differ: every expected candidate is still found.
        expect(expected.filter((x) => !found.includes(x))).toEqual([]);
      }
    }
    expect(same).toBeGreaterThanOrEqual(held.length - 2);
  });

  it('places a new profile among the neighbours of oversized (sub-blocked) blocks', async () => {
    // Small caps, so that many blocks are sub-blocked (sorted neighbourhood, window 4) rather than compared in full.
    const options: EngineOptions = { maxBlockSize: 6 };
    const small = await resolve(base, { ...options, workers: 0, keyIndex: true });
    const smallModel = small.model as Model;
    const caps = smallModel.blocking.caps!;
    let same = 0, viaNeighbourhood = 0;
    for (const p of held) {
      const found = candidatesOf(small.keyIndex!, smallModel, p).map((c) => c.position);
      if (JSON.stringify(found) === JSON.stringify(blockedWith(p, options))) same++;
      // Did p's keys meet an oversized block? (its candidates there are neighbours, not the whole block)
      const own = ruleKeys(buildColumns([p], normalizeOptionsOf(options)));
      own.forEach((k, r) => {
        for (const h of k.hash) {
          let size = 0;
          for (const x of small.keyIndex!.keys[r]!.hash) if (x === h) size++;
          if (size > 0 && size + 1 > caps[r]!) viaNeighbourhood++;
        }
      });
    }
    expect(viaNeighbourhood).toBeGreaterThan(50);
    expect(same).toBeGreaterThanOrEqual(held.length - 2);
    // A namesake of the commonest full name, born another day: its name blocks are oversized.
    const nameCounts = new Map<string, number>();
    for (const p of base) {
      const k = `${p.data.FirstName}\t${p.data.LastName}`;
      nameCounts.set(k, (nameCounts.get(k) ?? 0) + 1);
    }
    const [first, last] = [...nameCounts].sort((x, y) => y[1] - x[1])[0]![0].split('\t');
    const probe: EngineProfile = { id: 'probe', data: { FirstName: first, LastName: last, BirthDate: '1975-06-15' } };
    const found = candidatesOf(small.keyIndex!, smallModel, probe).map((c) => c.position);
    expect(found.length).toBeGreaterThan(0);
    expect(found).toEqual(blockedWith(probe, options));
  });

  it('scores a held-out duplicate against its indexed original with the saved model', () => {
    const truthOf = new Map(base.map((p, i) => [p.id, allTruth[i]!]));
    let withOriginal = 0, matched = 0, falseLinks = 0;
    for (let h = 0; h < held.length; h++) {
      const p = held[h]!;
      const entity = allTruth[2400 + h]!;
      const originals = base.filter((q) => truthOf.get(q.id) === entity);
      if (originals.length === 0) continue;
      withOriginal++;
      const cands = candidatesOf(index, model, p).map((c) => base[c.position]!);
      const scores = scoreProfile(model, p, cands);
      expect(scores.length).toBe(cands.length);
      for (let k = 0; k < scores.length; k++) {
        expect(scores[k]!.a).toBe(p.id);
        expect(scores[k]!.b).toBe(cands[k]!.id);
        // The same code path as explanations: the same evidence for the same two profiles.
        expect(scores[k]!.probability).toBe(explainGroup(model, [p, cands[k]!])[0]!.probability);
        if (scores[k]!.probability >= model.threshold && truthOf.get(cands[k]!.id) !== entity) falseLinks++;
      }
      if (scores.some((s, k) => s.probability >= model.threshold && truthOf.get(cands[k]!.id) === entity)) matched++;
    }
    expect(withOriginal).toBeGreaterThan(20);
    expect(matched / withOriginal).toBeGreaterThanOrEqual(0.85);
    expect(falseLinks).toBeLessThanOrEqual(Math.ceil(0.05 * withOriginal));
  });

  it('finds nothing to link for a stranger', () => {
    const stranger: EngineProfile = {
      id: 'stranger',
      data: { FirstName: 'Quillon', LastName: 'Vexmorrow', EmailAddress: 'qv@nowhere.example', PhoneNumber: '+44 20 7946 0999', BirthDate: '1950-01-01' },
    };
    const cands = candidatesOf(index, model, stranger).map((c) => base[c.position]!);
    expect(scoreProfile(model, stranger, cands).filter((s) => s.probability >= model.threshold)).toEqual([]);
  });

  it('survives its binary form', () => {
    const ids = base.map((p) => p.id);
    const groups = groupsByPosition(ids, result.groups);
    expect(groups.matchIds.length).toBe(result.groups.filter((g) => g.profileIds.length >= 2).length);
    const bytes = encodeKeyIndex(index, { ids, ...groups });
    // Stored bytes may come back at any offset (a copy into a larger buffer at an odd position).
    const shifted = Buffer.alloc(bytes.length + 3);
    bytes.copy(shifted, 3);
    const back = decodeKeyIndex(shifted.subarray(3));
    expect(back.ids).toEqual(ids);
    expect(back.matchIds).toEqual(groups.matchIds);
    expect(Array.from(back.groupOf)).toEqual(Array.from(groups.groupOf));
    for (const g of result.groups.filter((x) => x.profileIds.length >= 2).slice(0, 30)) {
      for (const id of g.profileIds) expect(back.matchIds[back.groupOf[ids.indexOf(id)]!]).toBe(g.matchId);
    }
    // Ids in ascending order (as a job reads them) are found by binary search: the same groups.
    const order = ids.map((_, i) => i).sort((x, y) => (ids[x]! < ids[y]! ? -1 : 1));
    const sortedGroups = groupsByPosition(order.map((i) => ids[i]!), result.groups);
    expect(sortedGroups.matchIds).toEqual(groups.matchIds);
    expect(order.map((i) => groups.groupOf[i])).toEqual(Array.from(sortedGroups.groupOf));
    expect(back.index.names).toEqual(index.names);
    expect(back.index.rules).toEqual(index.rules);
    expect(Buffer.from(back.index.hoodLast.buffer, back.index.hoodLast.byteOffset, back.index.hoodLast.byteLength))
      .toEqual(Buffer.from(index.hoodLast.buffer, index.hoodLast.byteOffset, index.hoodLast.byteLength));
    for (let r = 0; r < index.keys.length; r++) {
      expect(Array.from(back.index.keys[r]!.hash)).toEqual(Array.from(index.keys[r]!.hash));
      expect(Array.from(back.index.keys[r]!.idx)).toEqual(Array.from(index.keys[r]!.idx));
    }
    for (const p of held.slice(0, 20)) expect(candidatesOf(back.index, model, p)).toEqual(candidatesOf(index, model, p));
    expect(() => decodeKeyIndex(Buffer.from('not an index at all'))).toThrow(/not a Coalesce key index/);
    expect(() => decodeKeyIndex(bytes.subarray(0, bytes.length - 8))).toThrow(/truncated/);
  });

  it('is the same whether blocking ran inline or on its worker thread', async () => {
    const cols = buildColumns(base, normalizeOptionsOf({}));
    const limits = blockingLimitsOf({});
    const inline = candidatePairs(cols, limits, undefined, undefined, true);
    const off = await candidatePairsOffThread(cols, limits, ruleKeys(cols), true, undefined, 0, 1, Infinity, true);
    expect(off.sortedKeys!.length).toBe(inline.sortedKeys!.length);
    for (let r = 0; r < inline.sortedKeys!.length; r++) {
      expect(Array.from(off.sortedKeys![r]!.hash)).toEqual(Array.from(inline.sortedKeys![r]!.hash));
      expect(Array.from(off.sortedKeys![r]!.idx)).toEqual(Array.from(inline.sortedKeys![r]!.idx));
    }
    expect(Array.from(off.a)).toEqual(Array.from(inline.a));
  });

  it('is not made unless asked for', async () => {
    const r = await resolve(base.slice(0, 300), { workers: 0 });
    expect(r.keyIndex).toBeUndefined();
  });
});
