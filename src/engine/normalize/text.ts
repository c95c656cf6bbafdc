/** Shared text helpers for the normalizers: ASCII folding and tokenising. */

const COMBINING = /[\u0300-\u036f]/g;
const SPECIAL: Record<string, string> = { ß: 'ss', æ: 'ae', ø: 'o', œ: 'oe', ł: 'l', đ: 'd', ð: 'd', þ: 'th', ı: 'i' };
const SPECIAL_RE = /[ßæøœłđðþı]/g;

/** Lower case, diacritics removed (é→e, ß→ss), every non-alphanumeric run → one space, trimmed. */
export function foldText(raw: string): string {
  let s = raw.toLowerCase();
  if (isFolded(s)) return s; // most values: nothing to remove (no regex passes)
  // Fast path: plain ASCII needs no Unicode decomposition.
  // eslint-disable-next-line no-control-regex
  if (/[^\x00-\x7f]/.test(s)) s = s.normalize('NFKD').replace(COMBINING, '').replace(SPECIAL_RE, (c) => SPECIAL[c] ?? c);
  return s.replace(/[^a-z0-9]+/g, ' ').trim();
}

export function tokens(folded: string): string[] {
  return folded === '' ? [] : folded.split(' ');
}

/** True when s is already foldText's output: a–z / 0–9 words separated by single spaces. */
function isFolded(s: string): boolean {
  const n = s.length;
  if (n === 0) return false;
  for (let i = 0; i < n; i++) {
    const c = s.charCodeAt(i);
    if ((c >= 97 && c <= 122) || (c >= 48 && c <= 57)) continue;
    if (c === 32 && i > 0 && i < n - 1 && s.charCodeAt(i - 1) !== 32) continue;
    return false;
  }
  return true;
}
