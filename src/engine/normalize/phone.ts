/**
 * Phone normalization to E.164. NANP numbers in a NANP default country take a digits-only fast path (parsing each with
 * libphonenumber-js costs ~30 µs, too slow for millions of numbers); everything else goes through libphonenumber-js.
 * Numbers libphonenumber-js will not produce (e.g. 555-01xx fictional numbers are "invalid") fall back to digits with
 * the default country's calling code, so 555-010-0000 and +1-555-010-0000 still compare equal. Extensions are dropped.
 */
import { getCountryCallingCode, parsePhoneNumberFromString, type CountryCode } from 'libphonenumber-js';

const EXTENSION = /\s*(?:ext\.?|extension|x|#|;ext=)\s*\d{1,6}\s*$/i;

export interface PhoneNormalizer {
  (raw: string | undefined): string | undefined;
}

export function phoneNormalizer(defaultCountry = 'US'): PhoneNormalizer {
  const country = defaultCountry.toUpperCase() as CountryCode;
  let cc: string;
  try {
    cc = getCountryCallingCode(country);
  } catch {
    throw new Error(`unknown default country for phone numbers: ${defaultCountry}`);
  }
  const nanp = cc === '1';
  return (raw) => {
    if (!raw) return undefined;
    const s = raw.trim().replace(EXTENSION, '');
    let digits = s.replace(/\D+/g, '');
    if (digits.length < 5 || digits.length > 17) return undefined;
    const intl = s.startsWith('+') || digits.startsWith('00') || digits.startsWith('011');
    if (!intl && nanp) {
      if (digits.length === 10) return `+1${digits}`;
      if (digits.length === 11 && digits[0] === '1') return `+${digits}`;
    }
    if (intl) {
      if (!s.startsWith('+')) digits = digits.replace(/^(00|011)/, '');
      if (digits.startsWith('1') && digits.length === 11) return `+${digits}`;
    }
    const p = parsePhoneNumberFromString(intl ? `+${digits}` : s, country);
    if (p && p.number.length >= 8) return p.number;
    if (intl) return `+${digits}`;
    return `+${cc}${digits.replace(/^0+/, '')}`;
  };
}

/** True when numbers of this default country take the NANP digits-only path (calling code 1). */
export function isNanpCountry(defaultCountry: string): boolean {
  try {
    return getCountryCallingCode(defaultCountry.toUpperCase() as CountryCode) === '1';
  } catch {
    return false;
  }
}

/**
 * What phoneNormalizer returns, for a NANP default country, for a raw number held as UTF-16 codes buf[from, from +
 * len) made only of ASCII digits, spaces and ( ) - . (no '+', letters, '#' or ';', so no extension and not
 * international) with 10 digits, or 11 starting with 1: its digits-only path, without regular expressions or
 * intermediate strings. null = any other value (call the normalizer).
 */
export function nanpPhoneOfChars(buf: Uint16Array, from: number, len: number): string | null {
  const codes: number[] = [43, 49]; // '+1'
  for (let i = from, end = from + len; i < end; i++) {
    const c = buf[i]!;
    if (c >= 48 && c <= 57) {
      if (codes.length === 13) return null; // more than 11 digits
      codes.push(c);
    } else if (c !== 32 && c !== 40 && c !== 41 && c !== 45 && c !== 46) {
      return null;
    }
  }
  const digits = codes.length - 2;
  if (digits === 11) {
    if (codes[2] !== 49) return null;
    codes.splice(1, 1); // '+' and the 11 digits
  } else if (digits !== 10 || (codes[2] === 48 && (codes[3] === 48 || (codes[3] === 49 && codes[4] === 49)))) {
    return null; // other lengths; 10 digits starting 00 or 011 are international
  }
  return String.fromCharCode.apply(null, codes);
}
