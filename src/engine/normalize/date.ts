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

export function dateParser(defaultCountry = 'US', now = new Date()): (raw: string | undefined) => number {
  const monthFirst = MONTH_FIRST_COUNTRIES.has(defaultCountry.toUpperCase());
  const maxYear = now.getUTCFullYear();
  const pivot = maxYear % 100;
  const year = (s: string): number => {
    const n = Number(s);
    if (s.length === 2) return n <= pivot ? 2000 + n : 1900 + n;
    return n;
  };
  return (raw) => {
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
}
