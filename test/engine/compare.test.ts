import { describe, expect, it } from 'vitest';
import { damerauLevenshtein, jaroWinkler, jaroWinklerAtLeast, withinOneEdit } from '../../src/engine/metrics.js';
import { rand } from './tiny-population.js';
import { buildColumns, DEFAULT_NORMALIZE } from '../../src/engine/columns.js';
import { COMPARISONS } from '../../src/engine/compare.js';
import { soundex } from '../../src/engine/blocking.js';
import type { ProfileData } from '../../src/model/profile.js';

/** Level label of comparison `name` between two profiles. */
function level(name: string, a: ProfileData, b: ProfileData): string {
  const cols = buildColumns([{ id: 'a', data: a }, { id: 'b', data: b }], DEFAULT_NORMALIZE);
  const c = COMPARISONS.find((x) => x.name === name)!;
  return c.levels[c.compare(cols, 0, 1)]!;
}

describe('string metrics', () => {
  it('computes Jaro-Winkler', () => {
    expect(jaroWinkler('martha', 'marhta')).toBeCloseTo(0.9611, 3);
    expect(jaroWinkler('dwayne', 'duane')).toBeCloseTo(0.84, 2);
    expect(jaroWinkler('john', 'jhn')).toBeCloseTo(0.925, 3);
    expect(jaroWinkler('abc', 'abc')).toBe(1);
    expect(jaroWinkler('', 'abc')).toBe(0);
    expect(jaroWinkler('abc', 'xyz')).toBe(0);
  });
  it('computes Damerau-Levenshtein (optimal string alignment) with a cap', () => {
    expect(damerauLevenshtein('ca', 'ac')).toBe(1);
    expect(damerauLevenshtein('kitten', 'sitting')).toBe(3);
    expect(damerauLevenshtein('kitten', 'sitting', 1)).toBe(2);
    expect(damerauLevenshtein('', 'abc')).toBe(3);
    expect(damerauLevenshtein('19710624', '19710642')).toBe(1);
  });
  it('bounded Jaro-Winkler and the one-edit test agree with the full computations', () => {
    const r = rand(5);
    const word = () => Array.from({ length: 2 + Math.floor(r() * 8) }, () => 'abcdeio'[Math.floor(r() * 7)]).join('');
    for (let k = 0; k < 5000; k++) {
      const a = word();
      const b = r() < 0.5 ? word() : a.slice(0, 1 + Math.floor(r() * a.length)) + word().slice(0, 2);
      for (const t of [0.8, 0.88, 0.92]) expect(jaroWinklerAtLeast(a, b, t) >= t, `${a} ${b} ${t}`).toBe(jaroWinkler(a, b) >= t);
      expect(withinOneEdit(a, b), `${a} ${b}`).toBe(damerauLevenshtein(a, b) <= 1);
    }
  });
  it('computes Soundex', () => {
    expect(soundex('robert')).toBe('r163');
    expect(soundex('rupert')).toBe('r163');
    expect(soundex('ashcraft')).toBe('a261');
    expect(soundex('tymczak')).toBe('t522');
    expect(soundex('')).toBe('');
  });
});

describe('comparison levels', () => {
  it('John Doe / Jhn Doe: first names agree at the fuzzy level, last names exactly (AWS example)', () => {
    const a = { FirstName: 'John', LastName: 'Doe' }, b = { FirstName: 'Jhn', LastName: 'Doe' };
    expect(level('firstName', a, b)).toBe('jaro-winkler ≥ 0.92');
    expect(level('lastName', a, b)).toBe('exact');
  });
  it('first names: nickname, initial, null, else; swapped first/last names', () => {
    expect(level('firstName', { FirstName: 'Bob' }, { FirstName: 'Robert' })).toBe('nickname');
    expect(level('firstName', { FirstName: 'J.' }, { FirstName: 'John' })).toBe('initial');
    expect(level('firstName', { FirstName: 'John' }, { LastName: 'Doe' })).toBe('null');
    expect(level('firstName', { FirstName: 'John' }, { FirstName: 'Mary' })).toBe('else');
    // Names without nicknames, far apart (settled from the summaries, no memo): initial and else as before.
    expect(level('firstName', { FirstName: 'Z' }, { FirstName: 'Zbyszko' })).toBe('initial');
    expect(level('firstName', { FirstName: 'Q' }, { FirstName: 'Zbyszko' })).toBe('else');
    expect(level('firstName', { FirstName: 'Xochitl' }, { FirstName: 'Zbyszko' })).toBe('else');
    const a = { FirstName: 'Wei', LastName: 'Zhang' }, b = { FirstName: 'Zhang', LastName: 'Wei' };
    expect(level('firstName', a, b)).toBe('exact');
    expect(level('lastName', a, b)).toBe('exact');
  });
  it('middle names: exact, typo, initials, disagreement, missing', () => {
    const m = (x?: string, y?: string) => level('middleName', { FirstName: 'Ann', LastName: 'Lee', ...(x ? { MiddleName: x } : {}) }, { FirstName: 'Ann', LastName: 'Lee', ...(y ? { MiddleName: y } : {}) });
    expect(m('Marie', 'marie')).toBe('exact');
    expect(m('Marie', 'Mraie')).toBe('jaro-winkler ≥ 0.88');
    expect(m('Marie', 'M.')).toBe('initial agrees');
    expect(m('M', 'M')).toBe('initial agrees');
    expect(m('Marie', 'Louise')).toBe('else');
    expect(m('Marie', undefined)).toBe('null');
  });

  it('emails: JOHN_DOE@ANYCOMPANY.COM / johndoe@anycompany.com (AWS example); personal vs business', () => {
    expect(level('email', { EmailAddress: 'JOHN_DOE@ANYCOMPANY.COM' }, { EmailAddress: 'johndoe@anycompany.com' })).toBe('exact ignoring . _ -');
    expect(level('email', { EmailAddress: 'John@Example.com' }, { EmailAddress: 'john@example.com' })).toBe('exact');
    expect(level('email', { PersonalEmailAddress: 'jd@home.net' }, { BusinessEmailAddress: 'x@work.com', EmailAddress: 'jd@home.net' })).toBe('exact');
    expect(level('email', { EmailAddress: 'jdoe@a.com' }, { EmailAddress: 'jdoe@b.org' })).toBe('same local part');
    expect(level('email', { EmailAddress: 'jdoe@a.com' }, { EmailAddress: 'mary@b.org' })).toBe('else');
    // A typo stays within two edits; a name plus another number only reaches the Jaro-Winkler band.
    expect(level('email', { EmailAddress: 'mgarcia336055@gmail.com' }, { EmailAddress: 'mgarcia336505@gmail.com' })).toBe('within two edits');
    expect(level('email', { EmailAddress: 'mgarcia336055@gmail.com' }, { EmailAddress: 'mgarcia429955@gmail.com' })).toBe('jaro-winkler ≥ 0.88');
  });
  it('phones: 555-010-0000 / +1-555-010-0000 (AWS example); mobile vs home; one edit', () => {
    expect(level('phone', { PhoneNumber: '555-010-0000' }, { PhoneNumber: '+1-555-010-0000' })).toBe('exact');
    expect(level('phone', { MobilePhoneNumber: '(206) 555-0100' }, { HomePhoneNumber: '206.555.0100' })).toBe('exact');
    expect(level('phone', { PhoneNumber: '206-555-0100' }, { BusinessPhoneNumber: '206-555-0109' })).toBe('one edit');
    expect(level('phone', { PhoneNumber: '206-555-0100' }, {})).toBe('null');
  });
  it('addresses: shipping vs mailing, abbreviations, fuzzy streets, postcode and city', () => {
    expect(level('address', { ShippingAddress: { Address1: '12 Oak Avenue' } }, { MailingAddress: { Address1: '12 oak ave.' } })).toBe('exact street');
    expect(level('address', { Address: { Address1: '12 Oak Avenue', PostalCode: '98101' } }, { Address: { Address1: '12 Oka Avenue', PostalCode: '98101' } })).toBe('same number, street jaro-winkler ≥ 0.88');
    expect(level('address', { Address: { Address1: '12 Oak Avenue', City: 'Seattle', PostalCode: '98101-1234' } }, { BillingAddress: { Address1: '99 Elm Road', City: 'Seatle', PostalCode: '98101' } })).toBe('same postcode and city');
    expect(level('address', { Address: { Address1: '12 Oak Avenue', City: 'Seattle' } }, { Address: { Address1: '9 Elm St', City: 'Seattle', PostalCode: '98101' } })).toBe('same postcode or city');
    // A record without a street (ZIP only) that agrees on the postcode is not a different street.
    expect(level('address', { Address: { City: 'Seattle' } }, { Address: { City: 'Seattle', PostalCode: '98101' } })).toBe('street missing, same postcode or city');
    expect(level('address', { Address: { PostalCode: '98101' } }, { Address: { Address1: '12 Oak Avenue', City: 'Seattle', PostalCode: '98101' } })).toBe('street missing, same postcode or city');
    expect(level('address', { Address: { PostalCode: '98102' } }, { Address: { Address1: '12 Oak Avenue', City: 'Seattle', PostalCode: '98101' } })).toBe('else');
    expect(level('address', { Address: { Address1: '12 Oak Avenue', City: 'Austin' } }, { Address: { Address1: '99 Elm Road', City: 'Denver' } })).toBe('else');
    expect(level('address', { Address: { Address1: '12 Oak Avenue' } }, {})).toBe('null');
  });
  it('birth dates: formats, day/month swaps, typos, distance', () => {
    expect(level('birthDate', { BirthDate: '1971-06-24' }, { BirthDate: '06/24/1971' })).toBe('exact');
    expect(level('birthDate', { BirthDate: '1971-06-04' }, { BirthDate: '1971-04-06' })).toBe('one edit or day/month swapped');
    expect(level('birthDate', { BirthDate: '1971-06-24' }, { BirthDate: '1971-06-25' })).toBe('one edit or day/month swapped');
    expect(level('birthDate', { BirthDate: '1971-06-24' }, { BirthDate: '1972-02-11' })).toBe('within a year');
    expect(level('birthDate', { BirthDate: '1971-06-24' }, { BirthDate: '1990-01-01' })).toBe('else');
    expect(level('birthDate', { BirthDate: '1971-02-30' }, { BirthDate: '1971-02-30' })).toBe('null');
  });
  it('identifiers compare only within the same kind', () => {
    expect(level('identifier', { AccountNumber: 'A-123' }, { AccountNumber: 'a123' })).toBe('exact');
    expect(level('identifier', { Attributes: { loyaltyId: '12345' } }, { Attributes: { loyaltyId: '12354' } })).toBe('one edit');
    expect(level('identifier', { AccountNumber: '12345' }, { Attributes: { loyaltyId: '12345' } })).toBe('null');
    expect(level('identifier', { Attributes: { tier: 'gold' } }, { Attributes: { tier: 'gold' } })).toBe('null');
  });
});
