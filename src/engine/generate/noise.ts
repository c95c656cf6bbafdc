/** Noise and format-variation primitives for the generator (all draws from the caller's seeded Rng). */
import type { Rng } from './rng.js';

const KEYBOARD_ROWS = ['qwertyuiop', 'asdfghjkl', 'zxcvbnm'];
const NEIGHBOURS = new Map<string, string>();
for (let r = 0; r < KEYBOARD_ROWS.length; r++) {
  const row = KEYBOARD_ROWS[r];
  for (let i = 0; i < row.length; i++) {
    NEIGHBOURS.set(row[i], (row[i - 1] ?? '') + (row[i + 1] ?? '') + (KEYBOARD_ROWS[r + 1]?.[i] ?? '') + (KEYBOARD_ROWS[r - 1]?.[i] ?? ''));
  }
}

function keepCase(original: string, replacement: string): string {
  return original === original.toUpperCase() ? replacement.toUpperCase() : replacement;
}

/** One data-entry error: keyboard-neighbour substitution, deletion, doubled letter or transposition. */
export function typo(rng: Rng, s: string): string {
  if (s.length < 3) return s;
  const i = 1 + rng.int(s.length - 1); // keep the first letter: most real typos are not in it
  const c = s[i];
  switch (rng.int(4)) {
    case 0: {
      const nb = NEIGHBOURS.get(c.toLowerCase());
      return nb ? s.slice(0, i) + keepCase(c, rng.pick(nb.split(''))) + s.slice(i + 1) : s;
    }
    case 1: return s.slice(0, i) + s.slice(i + 1);
    case 2: return s.slice(0, i) + c + s.slice(i);
    default: return i < s.length - 1 ? s.slice(0, i) + s[i + 1] + c + s.slice(i + 2) : s.slice(0, i - 1) + c + s[i - 1];
  }
}

const plain = new Map<string, string>();
/** José → Jose. Cached: inputs come from the finite name lists, and normalize() is slow. */
export function stripDiacritics(s: string): string {
  let out = plain.get(s);
  if (out === undefined) {
    out = s.normalize('NFD').replace(/[\u0300-\u036f]/g, '');
    if (plain.size < 50_000) plain.set(s, out);
  }
  return out;
}

export function titleCase(s: string): string {
  return s.toLowerCase().replace(/(^|[\s\-'])(\p{L})/gu, (_m, sep: string, ch: string) => sep + ch.toUpperCase());
}

/** A 10-digit US number in one of the formats seen in customer data; rarely with an extension. */
export function formatPhone(rng: Rng, digits: string, style: number, pExtension: number): string {
  const a = digits.slice(0, 3), b = digits.slice(3, 6), c = digits.slice(6);
  let s: string;
  switch (style) {
    case 0: s = `(${a}) ${b}-${c}`; break;
    case 1: s = `${a}-${b}-${c}`; break;
    case 2: s = `+1${digits}`; break;
    case 3: s = `${digits}`; break;
    case 4: s = `${a}.${b}.${c}`; break;
    case 5: s = `+1 ${a} ${b} ${c}`; break;
    case 6: s = `1-${a}-${b}-${c}`; break;
    default: s = `+1 (${a}) ${b}-${c}`;
  }
  if (rng.chance(pExtension)) s += rng.chance(0.5) ? ` x${rng.range(10, 999)}` : ` ext. ${rng.range(100, 9999)}`;
  return s;
}
export const PHONE_STYLES = 8;

/** One digit changed (a mistyped phone number). */
export function digitTypo(rng: Rng, digits: string): string {
  const i = 3 + rng.int(digits.length - 3);
  const d = (Number(digits[i]) + 1 + rng.int(9)) % 10;
  return digits.slice(0, i) + d + digits.slice(i + 1);
}

const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October',
  'November', 'December'];
const pad = (n: number) => String(n).padStart(2, '0');

/** A birth date in one of the formats customer systems use (US month-first when ambiguous). */
export function formatDate(y: number, m: number, d: number, style: number): string {
  switch (style) {
    case 0: return `${y}-${pad(m)}-${pad(d)}`;
    case 1: return `${pad(m)}/${pad(d)}/${y}`;
    case 2: return `${m}/${d}/${y}`;
    case 3: return `${y}${pad(m)}${pad(d)}`;
    case 4: return `${y}/${pad(m)}/${pad(d)}`;
    case 5: return `${MONTHS[m - 1]} ${d}, ${y}`;
    default: return `${y}-${pad(m)}-${pad(d)}T00:00:00Z`;
  }
}
export const DATE_STYLES = 7;
