import { describe, expect, it } from 'vitest';
import { resolve } from '../../src/engine/index.js';
import { priorWeight } from '../../src/engine/model.js';
import type { EngineProfile } from '../../src/engine/types.js';

describe('small domains', () => {
  it('bounds the prior when nearly every candidate pair is a match (λ no longer runs to 1)', async () => {
    // 12 people with 3 records each: every candidate pair is a true match.
    const FIRST = ['ana', 'ben', 'carl', 'dana', 'emil', 'fay', 'gus', 'hana', 'ivan', 'june', 'kofi', 'lena'];
    const LAST = ['abbott', 'baker', 'chen', 'diaz', 'evans', 'fox', 'gupta', 'hale', 'ito', 'jones', 'khan', 'lopez'];
    const profiles: EngineProfile[] = [];
    FIRST.forEach((f, p) => {
      for (let r = 0; r < 3; r++) {
        profiles.push({
          id: `p${p}-${r}`,
          data: { FirstName: f, LastName: LAST[p]!, BirthDate: `19${60 + p}-0${1 + (p % 9)}-1${p % 10}`, PhoneNumber: `555-010-00${10 + p}` },
        });
      }
    });
    const r = await resolve(profiles, { seed: 1 });
    expect(r.groups.length).toBe(12);
    const prior = priorWeight(r.model);
    expect(prior).toBeGreaterThan(0);
    expect(prior).toBeLessThanOrEqual(Math.log2(r.stats.candidatePairs + 1) + 1e-9);
  });
});
