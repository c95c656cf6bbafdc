/**
 * What "exactly equal" means for auto-merging criteria (docs/jobs.md, "Equality"). Deliberately conservative:
 * only differences that never change who a value designates are ignored.
 */
import { parsePhoneNumberFromString, type CountryCode } from 'libphonenumber-js';

const EMAIL_FIELDS = new Set(['EmailAddress', 'PersonalEmailAddress', 'BusinessEmailAddress']);
const PHONE_FIELDS = new Set(['PhoneNumber', 'MobilePhoneNumber', 'HomePhoneNumber', 'BusinessPhoneNumber']);

/** Unicode NFC, trimmed, inner whitespace collapsed, case-folded. */
export function normalizeText(v: string): string {
  return v.normalize('NFC').trim().replace(/\s+/g, ' ').toLowerCase();
}

/** E.164 when libphonenumber can parse it (default country for numbers without +), else the digits only. */
export function normalizePhone(v: string, defaultCountry: CountryCode = 'US'): string {
  const p = parsePhoneNumberFromString(v, defaultCountry);
  if (p?.number) return p.number;
  return v.replace(/\D+/g, '');
}

/** YYYY-MM-DD for ISO-like (YYYY-MM-DD, YYYY/MM/DD, YYYYMMDD) and US (MM/DD/YYYY) dates; otherwise normalizeText. */
export function normalizeDate(v: string): string {
  const t = v.trim();
  let m = /^(\d{4})[-/.]?(\d{1,2})[-/.]?(\d{1,2})(?:T.*)?$/.exec(t);
  if (m) return `${m[1]}-${m[2]!.padStart(2, '0')}-${m[3]!.padStart(2, '0')}`;
  m = /^(\d{1,2})\/(\d{1,2})\/(\d{4})$/.exec(t);
  if (m) return `${m[3]}-${m[1]!.padStart(2, '0')}-${m[2]!.padStart(2, '0')}`;
  return normalizeText(t);
}

/** Normalizes the value of a dotted attribute path ('EmailAddress', 'Address.City', 'Attributes.x') for comparison. */
export function normalizeForMatch(path: string, value: string, defaultCountry: CountryCode = 'US'): string {
  if (EMAIL_FIELDS.has(path)) return value.trim().toLowerCase();
  if (PHONE_FIELDS.has(path)) return normalizePhone(value, defaultCountry);
  if (path === 'BirthDate') return normalizeDate(value);
  return normalizeText(value);
}
