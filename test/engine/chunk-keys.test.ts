import { describe, expect, it } from 'vitest';
import { buildColumns } from '../../src/engine/columns.js';
import { BLOCKING_RULES, ruleKeys } from '../../src/engine/blocking.js';
import { chunkRuleKeys, fusedKeysInUse } from '../../src/engine/chunk-keys.js';
import { valueHashes } from '../../src/engine/hashed-interner.js';
import { normalizeOptionsOf } from '../../src/engine/resolve.js';
import { generateProfiles } from '../../src/engine/generate/index.js';

describe('blocking keys of a chunk in one pass', () => {
  it('equal ruleKeys for every rule and profile (if this fails after a rule change, update chunk-keys.ts)', () => {
    const { profiles } = generateProfiles(5000, 3, { meta: false });
    profiles.push({ id: 'x', data: { FirstName: 'Ab', LastName: 'Abc', BirthDate: '1990-01-01', Address: { City: 'Z', PostalCode: '1' } } });
    profiles.push({ id: 'y', data: { LastName: 'B', BirthDate: '1990-01-01' } });
    const cols = buildColumns(profiles, normalizeOptionsOf({}));
    const hashes = Object.fromEntries(Object.entries(cols.tables).map(([k, t]) => [k, valueHashes(t.values)]));
    const got = chunkRuleKeys(cols, hashes);
    expect(fusedKeysInUse()).toBe(true);
    const expected = ruleKeys(cols);
    expect(got.length).toBe(BLOCKING_RULES.length);
    for (let r = 0; r < expected.length; r++) {
      expect(Array.from(got[r]!.hash), BLOCKING_RULES[r]!.name).toEqual(Array.from(expected[r]!.hash));
      expect(Array.from(got[r]!.idx), BLOCKING_RULES[r]!.name).toEqual(Array.from(expected[r]!.idx));
    }
  });
});
