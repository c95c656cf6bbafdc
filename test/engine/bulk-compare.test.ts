import { describe, expect, it } from 'vitest';
import { buildColumns, DEFAULT_NORMALIZE } from '../../src/engine/columns.js';
import { candidatePairs } from '../../src/engine/blocking.js';
import { computePatterns } from '../../src/engine/patterns.js';
import { patternCode, releaseViewCaches } from '../../src/engine/compare.js';
import { generateProfiles } from '../../src/engine/generate/index.js';

describe('bulk comparisons (phone / identifier value slots with edit signatures)', () => {
  it('give the same pattern codes as the per-pair string path, on candidate pairs and on random pairs', () => {
    const { profiles } = generateProfiles(3000, 11, { meta: false });
    const cols = buildColumns(profiles, DEFAULT_NORMALIZE);
    const cand = candidatePairs(cols, 100);
    expect(cand.a.length).toBeGreaterThan(cols.n / 4); // computePatterns builds the slots
    // Candidate pairs (many equal or one-edit phones and identifiers) plus random pairs (mostly far apart).
    const a = Uint32Array.from([...cand.a, ...Array.from({ length: 5000 }, (_, k) => (k * 7919) % cols.n)]);
    const b = Uint32Array.from([...cand.b, ...Array.from({ length: 5000 }, (_, k) => (k * 104729 + 13) % cols.n)]);
    const bulk = new Uint32Array(a.length);
    computePatterns(cols, a, b, bulk, 0, a.length);
    releaseViewCaches();
    const plain = Array.from(a, (x, k) => patternCode(cols, x, b[k]!)); // no slots: the string path
    expect(Array.from(bulk)).toEqual(plain);
    expect(new Set(plain).size).toBeGreaterThan(50);
  });
});
