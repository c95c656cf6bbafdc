import { describe, expect, it } from 'vitest';
import { normalizeName } from '../../src/engine/normalize/name.js';
import { DEFAULT_EMAIL_RULES, indexEmailRules, normalizeEmail } from '../../src/engine/normalize/email.js';
import { phoneNormalizer } from '../../src/engine/normalize/phone.js';
import { normalizeAddress, normalizePostcode } from '../../src/engine/normalize/address.js';
import { dateParser } from '../../src/engine/normalize/date.js';
import { areNicknames } from '../../src/engine/normalize/nicknames.js';
import { isIdentifierKey } from '../../src/engine/columns.js';

describe('names', () => {
  it('folds case, diacritics and punctuation and drops titles and suffixes', () => {
    expect(normalizeName('  Dr. José ', undefined, "O'Brien-Núñez Jr.")).toEqual({ first: 'jose', middle: '', last: 'obriennunez' });
    expect(normalizeName('MR JOHN', 'Q.', 'DOE III')).toEqual({ first: 'john', middle: 'q', last: 'doe' });
  });
  it('splits full-name-only records and "Last, First"', () => {
    expect(normalizeName('John Quincy Doe')).toEqual({ first: 'john', middle: 'quincy', last: 'doe' });
    expect(normalizeName(undefined, undefined, 'Jane Doe')).toEqual({ first: 'jane', middle: '', last: 'doe' });
    expect(normalizeName('Doe, John')).toEqual({ first: 'john', middle: '', last: 'doe' });
  });
  it('moves a second given name to the middle name', () => {
    expect(normalizeName('Mary Ann', undefined, 'Smith')).toEqual({ first: 'mary', middle: 'ann', last: 'smith' });
  });
  it('knows nicknames from the vendored table', () => {
    expect(areNicknames('bob', 'robert')).toBe(true);
    expect(areNicknames('bill', 'william')).toBe(true);
    expect(areNicknames('robert', 'william')).toBe(false);
    expect(areNicknames('zzzz', 'robert')).toBe(false);
  });
});

describe('emails', () => {
  const rules = indexEmailRules(DEFAULT_EMAIL_RULES);
  it('is case-insensitive and has a separator-free loose form (AWS example)', () => {
    const a = normalizeEmail('JOHN_DOE@ANYCOMPANY.COM', rules)!;
    const b = normalizeEmail('johndoe@anycompany.com', rules)!;
    expect(a.full).toBe('john_doe@anycompany.com');
    expect(a.full).not.toBe(b.full);
    expect(a.loose).toBe(b.loose);
  });
  it('applies provider rules: Gmail dots and +tags, googlemail.com', () => {
    expect(normalizeEmail('J.Doe+shop@GoogleMail.com', rules)!.full).toBe('jdoe@gmail.com');
    expect(normalizeEmail('j.doe+shop@example.com', rules)!.full).toBe('j.doe+shop@example.com');
    const custom = indexEmailRules([{ domains: ['example.com'], tagSeparator: '+' }]);
    expect(normalizeEmail('j.doe+shop@example.com', custom)!.full).toBe('j.doe@example.com');
  });
  it('rejects values that are not addresses', () => {
    expect(normalizeEmail('not an email', rules)).toBeUndefined();
    expect(normalizeEmail('@example.com', rules)).toBeUndefined();
  });
});

describe('phones', () => {
  const us = phoneNormalizer('US');
  it('normalizes the AWS example: 555-010-0000 = +1-555-010-0000', () => {
    expect(us('555-010-0000')).toBe('+15550100000');
    expect(us('+1-555-010-0000')).toBe('+15550100000');
    expect(us('(555) 010 0000')).toBe('+15550100000');
    expect(us('1 555 010 0000')).toBe('+15550100000');
  });
  it('drops extensions and handles international numbers', () => {
    expect(us('206-555-0100 ext. 42')).toBe('+12065550100');
    expect(us('206.555.0100 x42')).toBe('+12065550100');
    expect(us('+44 20 7946 0958')).toBe('+442079460958');
    expect(us('0044 20 7946 0958')).toBe('+442079460958');
  });
  it('uses the configured default country', () => {
    const gb = phoneNormalizer('GB');
    expect(gb('020 7946 0958')).toBe('+442079460958');
    expect(() => phoneNormalizer('XX')).toThrow(/default country/);
  });
  it('rejects junk', () => {
    expect(us('n/a')).toBeUndefined();
    expect(us('12')).toBeUndefined();
  });
});

describe('addresses', () => {
  it('canonicalizes abbreviations, directions and units', () => {
    const a = normalizeAddress({ Address1: '123 North Main Street', Address2: 'Apartment 4B', PostalCode: '98101-1234', City: 'Seattle' })!;
    const b = normalizeAddress({ Address1: '123 N. Main St., #4B', PostalCode: '98101', City: 'SEATTLE' })!;
    expect(a.street).toBe(b.street);
    expect(a).toMatchObject({ house: '123', unit: '4b', postcode: '98101', city: 'seattle', streetName: 'n main st' });
  });
  it('normalizes postal codes', () => {
    expect(normalizePostcode('sw1a 1aa')).toBe('SW1A1AA');
    expect(normalizePostcode('98101-1234')).toBe('98101');
    expect(normalizePostcode(undefined)).toBe('');
  });
  it('is undefined for empty addresses', () => {
    expect(normalizeAddress({})).toBeUndefined();
    expect(normalizeAddress(undefined)).toBeUndefined();
  });
});

describe('birth dates', () => {
  const us = dateParser('US', new Date('2026-01-01'));
  const fr = dateParser('FR', new Date('2026-01-01'));
  it('reads many formats into yyyymmdd', () => {
    for (const s of ['1971-06-24', '19710624', '1971/06/24', '06/24/1971', '6/24/1971', 'June 24, 1971', '24 Jun 1971', '1971-06-24T00:00:00Z', '24.06.1971']) {
      expect(us(s), s).toBe(19710624);
    }
  });
  it('resolves ambiguous day/month order by the default country', () => {
    expect(us('03/04/1980')).toBe(19800304);
    expect(fr('03/04/1980')).toBe(19800403);
    expect(us('04/03/80')).toBe(19800403);
    expect(us('04/03/05')).toBe(20050403);
  });
  it('rejects impossible dates', () => {
    for (const s of ['1971-02-30', '1971-13-01', '2030-01-01', '1700-01-01', 'yesterday', '31/31/1999']) expect(us(s), s).toBe(0);
    expect(us('2000-02-29')).toBe(20000229);
    expect(us('1900-02-29')).toBe(0);
  });
});

describe('identifier attributes', () => {
  it('recognizes identifier-like keys', () => {
    expect(isIdentifierKey('soc_sec_id')).toBe(true);
    expect(isIdentifierKey('loyaltyId')).toBe(true);
    expect(isIdentifierKey('passport')).toBe(true);
    expect(isIdentifierKey('tier')).toBe(false);
    expect(isIdentifierKey('favoriteColor')).toBe(false);
  });
});
