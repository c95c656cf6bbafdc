/** Shared text helpers for the normalizers: ASCII folding and tokenising. */

const COMBINING = /[\u0300-\u036f]/g;
const SPECIAL: Record<string, string> = { ß: 'ss', æ: 'ae', ø: 'o', œ: 'oe', ł: 'l', đ: 'd', ð: 'd', þ: 'th', ı: 'i' };
const SPECIAL_RE = /[ßæøœłđðþı]/g;

/** Lower case, diacritics removed (é→e, ß→ss), every non-alphanumeric run → one space, trimmed. */
export function foldText(raw: string): string {
  let s = raw.toLowerCase();
  // Fast path: plain ASCII needs no Unicode decomposition.
  // eslint-disable-next-line no-control-regex
  if (/[^\x00-\x7f]/.test(s)) s = s.normalize('NFKD').replace(COMBINING, '').replace(SPECIAL_RE, (c) => SPECIAL[c] ?? c);
  return s.replace(/[^a-z0-9]+/g, ' ').trim();
}

export function tokens(folded: string): string[] {
  return folded === '' ? [] : folded.split(' ');
}
