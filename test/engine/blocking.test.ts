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
