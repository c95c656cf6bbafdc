import { describe, expect, it } from 'vitest';
import { dateParser } from '../../src/engine/normalize/date.js';
import {
  DEFAULT_EMAIL_RULES, indexEmailRules, normalizeEmail, normalizeEmailChars,
} from '../../src/engine/normalize/email.js';
import { nanpPhoneOfChars, phoneNormalizer } from '../../src/engine/normalize/phone.js';
import { asciiLineTokens } from '../../src/engine/normalize/address.js';
import { foldText, tokens } from '../../src/engine/normalize/text.js';
import { generateProfiles } from '../../src/engine/generate/index.js';

/** The value's UTF-16 codes at an offset inside a larger buffer (as in an encoded chunk). */
function held(v: string): [Uint16Array, number, number] {
  const buf = new Uint16Array(v.length + 5).fill(64); // '@' around it: must not be read
  for (let i = 0; i < v.length; i++) buf[3 + i] = v.charCodeAt(i);
  return [buf, 3, v.length];
}

/** Deterministic odd strings over an alphabet that hits every branch of the fast paths. */
function oddValues(alphabet: string, count: number, maxLen: number): string[] {
  const out: string[] = [];
  let x = 12345;
  const next = () => (x = (Math.imul(x, 1103515245) + 12345) >>> 0);
  for (let k = 0; k < count; k++) {
    const len = next() % (maxLen + 1);
    let s = '';
    for (let i = 0; i < len; i++) s += alphabet[next() % alphabet.length];
    out.push(s);
  }
  return out;
}

const generated = generateProfiles(4000, 5, { meta: false }).profiles.map((p) => p.data);

describe('normalizers reading a value straight from UTF-16 codes give what the string normalizers give', () => {
  it('birth dates (every default-country order)', () => {
    const values = [
      ...generated.map((d) => d.BirthDate).filter((v): v is string => !!v),
      '1980-02-03', '19800203', '1980-02-30', '2999-01-01', '1849-12-31', '1980-0203', '1980-2-3', '1980/02/03',
      '02/03/1980', '2/3/80', '13/02/1980', '02/13/1980', '31.12.99', '1 2 1960', '10-06-1960', '00/00/0000',
      '12/12/12', '1/1/1', '123/4/1960', '1/2/19600', '1//2/1960', ' 02/03/1980', '02/03/1980 ', '2024-02-29',
      '2023-02-29', '1900-02-29', '2000-02-29', '1980-02-03T00:00:00Z', 'June 12, 2001', '12 Jun 2001',
      ...oddValues('0123456789/-. x', 6000, 11),
    ];
    let fastCount = 0;
    for (const country of ['US', 'GB']) {
      const parse = dateParser(country);
      for (const v of values) {
        const fast = parse.chars(...held(v));
        if (fast >= 0) {
          fastCount++;
          expect([v, fast]).toEqual([v, parse(v)]);
        }
      }
      expect(parse.chars(...held('1980-02-03'))).toBe(19800203);
      expect(parse.chars(...held('02/03/1980'))).toBe(country === 'US' ? 19800203 : 19800302);
    }
    expect(fastCount).toBeGreaterThan(3000);
  });

  it('NANP phone numbers', () => {
    const phone = phoneNormalizer('US');
    const values = [
      ...generated.flatMap((d) => [d.PhoneNumber, d.MobilePhoneNumber, d.HomePhoneNumber, d.BusinessPhoneNumber])
        .filter((v): v is string => !!v),
      '555-010-0000', '(555) 010-0000', '15550100000', '25550100000', '0055501000', '0115550100', '0105550100',
      '555.010.0000', '555 010 0000 x12', '+1 555 010 0000', '555-010-00000', '555-010-000', ' 555-010-0000 ',
      ...oddValues('0123456789 ()-.1+x#', 6000, 16),
    ];
    let fastCount = 0;
    for (const v of values) {
      const fast = nanpPhoneOfChars(...held(v));
      if (fast !== null) {
        fastCount++;
        expect([v, fast]).toEqual([v, phone(v)]);
      }
    }
    expect(fastCount).toBeGreaterThan(1000);
  });

  it('emails, with the default and with odd provider rules', () => {
    const values = [
      ...generated.flatMap((d) => [d.EmailAddress, d.PersonalEmailAddress, d.BusinessEmailAddress])
        .filter((v): v is string => !!v),
      'JOHN_DOE@ANYCOMPANY.COM', 'j.o.h.n+tag@GMail.com', '+tag@gmail.com', 'a+b+c@gmail.com', '...@gmail.com',
      'a-b@yahoo.com', '-ab@yahoo.com', 'x@googlemail.com', 'mailto:x@y.com', 'MAILTO:x@y.com', 'mxxxxx:y@z.com',
      '@x.com', 'x@', 'x@y.com.', 'a@b@c.com', 'a b@c.com', 'é@c.com', '_._@c.com', 'A.B@Outlook.com',
      ...oddValues('aB._-+@gmail.comyh', 6000, 18),
    ];
    const ruleSets = [
      DEFAULT_EMAIL_RULES,
      [{ domains: ['x.com', 'C.COM'], ignoreDots: true, tagSeparator: '_', canonicalDomain: 'y.org' },
        { domains: ['gmail.com'], tagSeparator: 'A' }, { domains: ['yahoo.com'], tagSeparator: '--' }],
    ];
    let fastCount = 0;
    for (const rules of ruleSets) {
      const index = indexEmailRules(rules);
      for (const v of values) {
        const fast = normalizeEmailChars(...held(v), index);
        if (fast !== null) {
          fastCount++;
          expect([v, fast]).toEqual([v, normalizeEmail(v, index)]);
        }
      }
    }
    expect(fastCount).toBeGreaterThan(1000);
  });

  it('street-line words (ASCII lines in one pass)', () => {
    const lines = [
      ...generated.flatMap((d) => [d.Address, d.ShippingAddress, d.MailingAddress, d.BillingAddress])
        .filter((a) => !!a).map((a) => [a!.Address1, a!.Address2, a!.Address3, a!.Address4].filter(Boolean).join(' ')),
      '', ' ', '#', '##4', 'Apt#4', '12#', '#12 Main St.', 'A-B  C', 'ÉCOLE 1', 'x\u0000y', 'ABCDEFGHIJKLMNOP 12',
      ...oddValues('aZ09 #.-,\tÉ', 6000, 20),
    ];
    let fastCount = 0;
    for (const v of lines) {
      const fast = asciiLineTokens(v);
      if (fast !== undefined) {
        fastCount++;
        expect([v, fast]).toEqual([v, tokens(foldText(v.replace(/#/g, ' unit ')))]);
      }
    }
    expect(fastCount).toBeGreaterThan(3000);
  });
});
