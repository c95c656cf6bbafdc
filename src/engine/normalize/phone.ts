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
