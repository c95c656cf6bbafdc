/**
 * Birth dates in many formats → yyyymmdd integer (0 = missing or impossible). Accepted: ISO (with or without time),
 * YYYYMMDD, YYYY/MM/DD, D/M/Y and M/D/Y (ambiguous order follows the default country: month first for US-style
 * countries, else day first), two-digit years (pivot: ≤ current year's last two digits → 2000s), and month names
 * ("June 24, 1971", "24 Jun 1971"). Impossible dates (Feb 30, month 13, year < 1850 or in the future) are rejected.
 */

const MONTHS: Record<string, number> = {
  jan: 1, feb: 2, mar: 3, apr: 4, may: 5, jun: 6, jul: 7, aug: 8, sep: 9, sept: 9, oct: 10, nov: 11, dec: 12,
};
const MONTH_FIRST_COUNTRIES = new Set(['US', 'CA', 'PH', 'FM', 'MH', 'PW', 'BZ']);

function valid(y: number, m: number, d: number, maxYear: number): number {
  if (y < 1850 || y > maxYear || m < 1 || m > 12 || d < 1) return 0;
  const days = new Date(Date.UTC(y, m, 0)).getUTCDate();
  return d > days ? 0 : y * 10000 + m * 100 + d;
}

/** A date parser; `chars` reads a raw value held as UTF-16 codes (a normalize worker's chunk) without a string. */
export interface DateParser {
  (raw: string | undefined): number;
  /** The parser's result for buf[from, from + len), or -1 when the value is not in a form it reads directly. */
  chars(buf: Uint16Array, from: number, len: number): number;
}

const D0 = 48, D9 = 57, DASH = 45, SLASH = 47, DOT = 46, SPACE = 32;

function isDigit(c: number): boolean {
  return c >= D0 && c <= D9;
}

/** Value of the len decimal digits at buf[at] (all digits: checked by the caller). */
function digitsAt(buf: Uint16Array, at: number, len: number): number {
  let v = 0;
  for (let i = at; i < at + len; i++) v = v * 10 + (buf[i]! - D0);
  return v;
}

export function dateParser(defaultCountry = 'US', now = new Date()): DateParser {
  const monthFirst = MONTH_FIRST_COUNTRIES.has(defaultCountry.toUpperCase());
  const maxYear = now.getUTCFullYear();
  const pivot = maxYear % 100;
  const year = (s: string): number => {
    const n = Number(s);
    if (s.length === 2) return n <= pivot ? 2000 + n : 1900 + n;
    return n;
  };
  const parse = (raw: string | undefined): number => {
    if (!raw) return 0;
    const s = raw.trim().toLowerCase();
    let m: RegExpExecArray | null;
    if ((m = /^(\d{4})-?(\d{2})-?(\d{2})(?:[t\s].*)?$/.exec(s))) return valid(+m[1]!, +m[2]!, +m[3]!, maxYear);
    if ((m = /^(\d{4})[/.](\d{1,2})[/.](\d{1,2})$/.exec(s))) return valid(+m[1]!, +m[2]!, +m[3]!, maxYear);
    if ((m = /^(\d{1,2})[/.\-\s](\d{1,2})[/.\-\s](\d{4}|\d{2})$/.exec(s))) {
      const a = +m[1]!;
      const b = +m[2]!;
      const y = year(m[3]!);
      // Unambiguous when one part cannot be a month.
      if (a > 12) return valid(y, b, a, maxYear);
      if (b > 12) return valid(y, a, b, maxYear);
      return monthFirst ? valid(y, a, b, maxYear) : valid(y, b, a, maxYear);
    }
    if ((m = /^([a-z]{3,9})\.?\s+(\d{1,2})(?:st|nd|rd|th)?,?\s+(\d{4})$/.exec(s))) {
      const mo = MONTHS[m[1]!.slice(0, m[1]!.startsWith('sept') ? 4 : 3)];
      return mo ? valid(+m[3]!, mo, +m[2]!, maxYear) : 0;
    }
    if ((m = /^(\d{1,2})(?:st|nd|rd|th)?[\s-]+([a-z]{3,9})\.?,?[\s-]+(\d{4})$/.exec(s))) {
      const mo = MONTHS[m[2]!.slice(0, m[2]!.startsWith('sept') ? 4 : 3)];
      return mo ? valid(+m[3]!, mo, +m[1]!, maxYear) : 0;
    }
    return 0;
  };
  // The common forms without regular expressions or strings, exactly as parse reads them: YYYY-MM-DD, YYYYMMDD
  // (the first pattern) and D/M/Y or M/D/Y with one- or two-digit day and month (the third: the first two need four
  // leading digits). Values starting or ending with anything but a digit (whitespace, letters, times) take parse.
  const chars = (buf: Uint16Array, from: number, len: number): number => {
    if (len < 6 || len > 10 || !isDigit(buf[from]!) || !isDigit(buf[from + len - 1]!)) return -1;
    if (len === 10 && buf[from + 4] === DASH && buf[from + 7] === DASH) {
      for (let k = 0; k < 10; k++) if (k !== 4 && k !== 7 && !isDigit(buf[from + k]!)) return -1;
      return valid(digitsAt(buf, from, 4), digitsAt(buf, from + 5, 2), digitsAt(buf, from + 8, 2), maxYear);
    }
    if (len === 8) {
      let all = true;
      for (let k = 0; k < 8; k++) if (!isDigit(buf[from + k]!)) all = false;
      if (all) return valid(digitsAt(buf, from, 4), digitsAt(buf, from + 4, 2), digitsAt(buf, from + 6, 2), maxYear);
    }
    // (\d{1,2})[/.\-\s](\d{1,2})[/.\-\s](\d{4}|\d{2}) with a space as the only whitespace.
    const sep = (c: number) => c === SLASH || c === DOT || c === DASH || c === SPACE;
    const end = from + len;
    let p = from;
    while (p < end && isDigit(buf[p]!)) p++;
    const la = p - from;
    if (la < 1 || la > 2 || p === end || !sep(buf[p]!)) return -1;
    const b0 = ++p;
    while (p < end && isDigit(buf[p]!)) p++;
    const lb = p - b0;
    if (lb < 1 || lb > 2 || p === end || !sep(buf[p]!)) return -1;
    const y0 = ++p;
    while (p < end && isDigit(buf[p]!)) p++;
    const ly = p - y0;
    if (p !== end || (ly !== 4 && ly !== 2)) return -1;
    const a = digitsAt(buf, from, la), b = digitsAt(buf, b0, lb), yn = digitsAt(buf, y0, ly);
    const y = ly === 2 ? (yn <= pivot ? 2000 + yn : 1900 + yn) : yn;
    if (a > 12) return valid(y, b, a, maxYear);
    if (b > 12) return valid(y, a, b, maxYear);
    return monthFirst ? valid(y, a, b, maxYear) : valid(y, b, a, maxYear);
  };
  return Object.assign(parse, { chars });
}
