import { describe, expect, it } from 'vitest';
import { ColumnBuilder, type NormalizeOptions } from '../../src/engine/columns.js';
import { normalizeChunk } from '../../src/engine/normalize-encoded.js';
import { ChunkWriter, encodeProfile } from '../../src/engine/profile-codec.js';
import { normalizeOptionsOf } from '../../src/engine/resolve.js';
import { generateProfiles } from '../../src/engine/generate/index.js';
import { RawCache } from '../../src/engine/raw-cache.js';
import type { ProfileData } from '../../src/model/profile.js';

/** Columns and table values of profiles normalized from objects (add) and from their encoding (normalizeChunk). */
function both(profiles: ProfileData[], opts: NormalizeOptions): [unknown, unknown] {
  const inline = new ColumnBuilder(opts);
  for (const p of profiles) inline.add(p);
  const w = new ChunkWriter();
  for (const p of profiles) encodeProfile(p, (k) => inline.isIdKey(k), w);
  const encoded = normalizeChunk(w.take(), opts);
  const plain = (b: ColumnBuilder) => ({
    data: b.data(), tables: Object.fromEntries(Object.entries(b.t).map(([k, t]) => [k, t.values])),
  });
  return [plain(encoded), plain(inline)];
}

describe('normalizing an encoded chunk straight from its buffer', () => {
  it('gives the columns and tables of ColumnBuilder.add on generated profiles', () => {
    const { profiles } = generateProfiles(3000, 9, { meta: false });
    const [a, b] = both(profiles.map((p) => p.data), normalizeOptionsOf({}));
    expect(a).toEqual(b);
  });

  it('gives the same on odd input: split street lines, repeats, full names, odd characters, identifier keys', () => {
    const odd = 'x\u0000\u0001\uffff😀é';
    const profiles: ProfileData[] = [
      {
        FirstName: 'Dr. John Q', LastName: 'Doe-Núñez Jr', MiddleName: 'Quincy Adams', BirthDate: '02/03/1980',
        EmailAddress: 'J.Doe+x@GMail.com', PersonalEmailAddress: 'j.doe+y@gmail.com', PhoneNumber: '555-010-0000',
        MobilePhoneNumber: '+1 (555) 010-0000', AccountNumber: 'AC-1',
        Address: { Address1: '1 Main', Address2: 'St', City: 'Austin', PostalCode: '78701-1234' },
        ShippingAddress: { Address1: '1 Main St', City: 'austin', PostalCode: '78701' },
        MailingAddress: { Address3: 'Apt 4', Address1: '1 Main St' },
        BillingAddress: { Address4: '#4', State: 'TX' },
        Attributes: { loyaltyId: 'L-1', AccountNumber: 'AC-1', colour: 'red', 7: '7', [odd]: odd },
      },
      { FirstName: 'Doe, John', BirthDate: '1980-02-03', Address: { Address2: '1 Main St' }, AccountNumber: 'ac 1' },
      { LastName: 'Mary Ann Smith', MiddleName: 'Q', BusinessPhoneNumber: '+44 20 7946 0958', MailingAddress: { City: 'Oslo' } },
      {},
      { FirstName: odd, LastName: odd, MiddleName: odd, EmailAddress: odd, PhoneNumber: odd, BirthDate: odd,
        Address: { Address1: odd, Address2: odd, City: odd, PostalCode: odd }, Attributes: { loyaltyId: odd } },
      { FirstName: 'John', LastName: 'Doe', MiddleName: 'Quincy Adams', BirthDate: '02/03/1980', AccountNumber: 'AC-1',
        Address: { Address1: '1 Main', Address2: 'St', City: 'Austin', PostalCode: '78701-1234' },
        Attributes: { loyaltyId: 'L-1', AccountNumber: 'AC-1' } },
      { FirstName: 'J', LastName: 'Doe', MiddleName: '', BirthDate: '', Address: { City: '', PostalCode: '' } },
      { FirstName: 'A'.repeat(60_000), LastName: 'B', AccountNumber: '12345' },
    ];
    const opts = normalizeOptionsOf({ identifierAttributes: ['loyaltyId', 'AccountNumber', '7', odd] });
    const [a, b] = both([...profiles, ...profiles], opts);
    expect(a).toEqual(b);
    const [c, d] = both(profiles, normalizeOptionsOf({}));
    expect(c).toEqual(d);
  });

  it('RawCache finds exactly the keys added, by their characters', () => {
    const cache = new RawCache();
    const buf = new Uint16Array(40_000);
    for (let i = 0; i < buf.length; i++) buf[i] = (i * 7919) % 5;
    const seen = new Map<string, number>();
    for (let from = 0; from + 6 < buf.length; from += 3) {
      const len = from % 7;
      const key = Array.from(buf.subarray(from, from + len)).join(',');
      const e = cache.find(buf, from, len);
      if (seen.has(key)) {
        expect(e).toBe(seen.get(key));
      } else {
        expect(e).toBe(-1);
        seen.set(key, cache.add(buf, from, len, from));
      }
      expect(cache.value(seen.get(key)!)).toBeLessThanOrEqual(from);
    }
  });
});
