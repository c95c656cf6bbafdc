import { describe, expect, it } from 'vitest';
import { buildColumns, type Columns } from '../../src/engine/columns.js';
import { buildColumnsParallel, chunkStarts } from '../../src/engine/normalize-parallel.js';
import { BLOCKING_RULES, candidatePairs, concatRuleKeys, ruleKeys } from '../../src/engine/blocking.js';
import { ChunkWriter, chunkText, decodeProfiles, encodeProfile } from '../../src/engine/profile-codec.js';
import { normalizeOptionsOf } from '../../src/engine/resolve.js';
import { generateProfiles } from '../../src/engine/generate/index.js';
import type { ProfileData } from '../../src/model/profile.js';

function plain(c: Columns): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(c)) {
    if (k === 'tables') {
      out[k] = Object.fromEntries(Object.entries(c.tables).map(([n, t]) => [n, {
        values: t.values, counts: Array.from(t.counts.subarray(0, t.values.length)), total: t.total,
      }]));
    } else out[k] = v;
  }
  return out;
}

describe('parallel normalization', () => {
  it('gives exactly the single-threaded columns, counts and blocking keys', async () => {
    const { profiles } = generateProfiles(7000, 5, { meta: false });
    const opts = normalizeOptionsOf({});
    const inline = buildColumns(profiles, opts);
    const { cols, keys } = await buildColumnsParallel(profiles, opts, 2);
    expect(plain(cols)).toEqual(plain(inline));
    const expected = ruleKeys(inline);
    expect(keys.length).toBe(BLOCKING_RULES.length);
    for (let r = 0; r < keys.length; r++) {
      expect(Array.from(keys[r]!.hash), BLOCKING_RULES[r]!.name).toEqual(Array.from(expected[r]!.hash));
      expect(Array.from(keys[r]!.idx), BLOCKING_RULES[r]!.name).toEqual(Array.from(expected[r]!.idx));
    }
    const a = candidatePairs(inline, 100);
    const b = candidatePairs(cols, 100, BLOCKING_RULES, keys);
    expect(Array.from(b.a)).toEqual(Array.from(a.a));
    expect(Array.from(b.b)).toEqual(Array.from(a.b));
  });

  it('normalizes values that are not strings alike inline and in the workers (the inline path goes through the codec)', async () => {
    const { profiles } = generateProfiles(3000, 9, { meta: false });
    const odd = (i: number, patch: Record<string, unknown>) => {
      profiles[i] = { id: profiles[i]!.id, data: { ...profiles[i]!.data, ...patch } as ProfileData };
    };
    odd(3, { FirstName: 7, LastName: true }); // in the first chunk, which the main thread may normalize itself
    odd(40, { PhoneNumber: 5550100000, BirthDate: 19800101 });
    odd(500, { Address: { Address1: 12, City: 'Springfield', PostalCode: 62704 }, AccountNumber: 123456 });
    odd(2999, { EmailAddress: 'x'.repeat(70_000) });
    const opts = normalizeOptionsOf({});
    const inline = buildColumns(profiles, opts);
    const { cols } = await buildColumnsParallel(profiles, opts, 2);
    expect(plain(cols)).toEqual(plain(inline));
    expect(inline.tables.name.values).toContain('7');
  });

  it('gives the same columns and keys from the profiles\' JSON texts (workers read the texts)', async () => {
    const { profiles } = generateProfiles(7000, 7, { meta: false });
    const opts = normalizeOptionsOf({});
    const fromObjects = await buildColumnsParallel(profiles, opts, 2);
    const texts = { ids: profiles.map((p) => p.id), data: profiles.map((p) => JSON.stringify(p.data)) };
    // A few texts the workers' reader leaves to JSON.parse (a number, a repeated key): same result.
    texts.data[5] = texts.data[5]!.replace(/^\{/, '{"Extra":1,"FirstName":7,');
    profiles[5] = { id: profiles[5]!.id, data: JSON.parse(texts.data[5]!) as ProfileData };
    texts.data[6000] = texts.data[6000]!.replace(/^\{/, '{"LastName":"x",').replace(/\}$/, ',"LastName":"Zed"}');
    profiles[6000] = { id: profiles[6000]!.id, data: JSON.parse(texts.data[6000]!) as ProfileData };
    const expected = await buildColumnsParallel(profiles, opts, 2);
    const { cols, keys } = await buildColumnsParallel(texts, opts, 2);
    expect(plain(cols)).toEqual(plain(expected.cols));
    expect(plain(cols)).not.toEqual(plain(fromObjects.cols)); // the edits changed something
    for (let r = 0; r < keys.length; r++) {
      expect(Array.from(keys[r]!.hash), BLOCKING_RULES[r]!.name).toEqual(Array.from(expected.keys[r]!.hash));
      expect(Array.from(keys[r]!.idx), BLOCKING_RULES[r]!.name).toEqual(Array.from(expected.keys[r]!.idx));
    }
  });

  it('stays exact when later chunks carry far more values than the first (run-sized buffers outgrown)', async () => {
    const { profiles } = generateProfiles(7000, 6, { meta: false });
    // The first chunk (2,048 profiles at this size) has names only but for every 256th profile: every estimate taken
    // from it is far too small, so the buffers sized from it grow.
    const sparse = profiles.map((p, i) => (i < 2048 && i % 256 !== 0
      ? { id: p.id, data: { FirstName: p.data.FirstName, LastName: p.data.LastName } }
      : p));
    const opts = normalizeOptionsOf({});
    const inline = buildColumns(sparse, opts);
    const { cols, keys } = await buildColumnsParallel(sparse, opts, 2);
    expect(plain(cols)).toEqual(plain(inline));
    const expected = ruleKeys(inline);
    for (let r = 0; r < keys.length; r++) {
      expect(Array.from(keys[r]!.hash), BLOCKING_RULES[r]!.name).toEqual(Array.from(expected[r]!.hash));
      expect(Array.from(keys[r]!.idx), BLOCKING_RULES[r]!.name).toEqual(Array.from(expected[r]!.idx));
    }
  });

  it('cuts the run into whole chunks, then smaller ones at the end, covering every profile once', () => {
    for (const [n, threads] of [[7000, 2], [200_000, 2], [1_000_000, 2], [210_001, 3], [5, 2]] as const) {
      const s = chunkStarts(n, threads);
      expect(s[0]).toBe(0);
      expect(s.at(-1)).toBe(n);
      for (let k = 1; k < s.length; k++) expect(s[k]! > s[k - 1]!).toBe(true);
    }
    const s = chunkStarts(1_000_000, 2);
    expect(s[1]).toBe(50_000);
    expect(s.at(-1)! - s.at(-2)!).toBe(12_500);
  });

  it('encodes and decodes every field normalization reads, whatever the characters', () => {
    const odd = 'x\u0000\u0001\uffff😀é';
    const long = 'a'.repeat(70_000);
    const profiles: ProfileData[] = [
      {
        FirstName: odd, LastName: 'Núñez', BirthDate: '1980-01-02', EmailAddress: 'a@b.c', PhoneNumber: '+1 555',
        AccountNumber: long, Address: { Address1: '1 Main St', City: 'Austin', PostalCode: '78701', State: 'TX' },
        BillingAddress: { Address4: 'Unit 4' }, Attributes: { loyaltyId: 'L1', colour: 'red', [odd]: 'v' },
      },
      {},
      { MiddleName: 'Q', BusinessPhoneNumber: '555-0100', MailingAddress: { City: 'Oslo' } },
    ];
    const w = new ChunkWriter();
    const isId = (k: string) => k === 'loyaltyId' || k === odd;
    for (const p of profiles) encodeProfile(p, isId, w);
    const back: ProfileData[] = [];
    decodeProfiles(chunkText(w.take()), (d) => back.push(d));
    expect(back).toEqual([
      {
        FirstName: odd, LastName: 'Núñez', BirthDate: '1980-01-02', EmailAddress: 'a@b.c', PhoneNumber: '+1 555',
        AccountNumber: 'a'.repeat(65_535), Address: { Address1: '1 Main St', City: 'Austin', PostalCode: '78701' },
        BillingAddress: { Address4: 'Unit 4' }, Attributes: { loyaltyId: 'L1', [odd]: 'v' },
      },
      {},
      { MiddleName: 'Q', BusinessPhoneNumber: '555-0100', MailingAddress: { City: 'Oslo' } },
    ]);
  });

  it('merges chunks in order whatever order the workers finish in (keys of consecutive chunks)', () => {
    const { profiles } = generateProfiles(900, 2, { meta: false });
    const cols = buildColumns(profiles, normalizeOptionsOf({}));
    const whole = ruleKeys(cols);
    const first = buildColumns(profiles.slice(0, 400), normalizeOptionsOf({}));
    const second = buildColumns(profiles.slice(400), normalizeOptionsOf({}));
    const joined = concatRuleKeys([ruleKeys(first), ruleKeys(second, BLOCKING_RULES, 400)], BLOCKING_RULES.length);
    for (let r = 0; r < whole.length; r++) {
      expect(Array.from(joined[r]!.hash)).toEqual(Array.from(whole[r]!.hash));
      expect(Array.from(joined[r]!.idx)).toEqual(Array.from(whole[r]!.idx));
    }
  });
});
