/**
 * Email normalization. Case-insensitive everywhere; provider rules (configurable) drop what the provider ignores
 * (Gmail: dots and +tags). A second "loose" form removes the separators . _ - from the local part so that
 * JOHN_DOE@ANYCOMPANY.COM and johndoe@anycompany.com compare equal at a slightly weaker level.
 */

export interface EmailProviderRule {
  /** Domains the rule applies to. */
  domains: string[];
  /** Remove dots from the local part. */
  ignoreDots?: boolean;
  /** Character starting a sub-address tag to drop ('+' for Gmail, '-' for Yahoo). */
  tagSeparator?: string;
  /** Canonical domain (googlemail.com → gmail.com). */
  canonicalDomain?: string;
}

export const DEFAULT_EMAIL_RULES: EmailProviderRule[] = [
  { domains: ['gmail.com', 'googlemail.com'], ignoreDots: true, tagSeparator: '+', canonicalDomain: 'gmail.com' },
  { domains: ['outlook.com', 'hotmail.com', 'live.com', 'msn.com'], tagSeparator: '+' },
  { domains: ['icloud.com', 'me.com', 'mac.com'], tagSeparator: '+' },
  { domains: ['fastmail.com', 'protonmail.com', 'proton.me'], tagSeparator: '+' },
  { domains: ['yahoo.com'], tagSeparator: '-' },
];

export interface NormalEmail {
  /** Canonical address: lower case, provider rules applied. */
  full: string;
  /** Local part with . _ - removed, @ domain. */
  loose: string;
  local: string;
  domain: string;
}

export type EmailRuleIndex = Map<string, EmailProviderRule>;

export function indexEmailRules(rules: EmailProviderRule[]): EmailRuleIndex {
  const m = new Map<string, EmailProviderRule>();
  for (const r of rules) for (const d of r.domains) m.set(d.toLowerCase(), r);
  return m;
}

export function normalizeEmail(raw: string | undefined, rules: EmailRuleIndex): NormalEmail | undefined {
  if (!raw) return undefined;
  let s = raw.trim().toLowerCase();
  if (s.startsWith('mailto:')) s = s.slice(7);
  const at = s.lastIndexOf('@');
  if (at <= 0 || at === s.length - 1) return undefined;
  let local = s.slice(0, at).replace(/\s+/g, '');
  let domain = s.slice(at + 1).replace(/\s+/g, '').replace(/\.+$/, '');
  const rule = rules.get(domain);
  if (rule) {
    if (rule.tagSeparator) {
      const t = local.indexOf(rule.tagSeparator);
      if (t > 0) local = local.slice(0, t);
    }
    if (rule.ignoreDots) local = local.replace(/\./g, '');
    if (rule.canonicalDomain) domain = rule.canonicalDomain;
  }
  if (local === '') return undefined;
  const looseLocal = local.replace(/[._-]/g, '');
  return { full: `${local}@${domain}`, loose: `${looseLocal || local}@${domain}`, local: looseLocal || local, domain };
}

/**
 * normalizeEmail of a raw address held as UTF-16 codes buf[from, from + len), for the common case — ASCII without
 * whitespace, one '@' not first or last, no trailing dot, no `mailto:`, one-character tag separators — built
 * character by character into its final strings without regular expressions or intermediate strings (the result
 * is the same: lower case, then the provider rule). null = any other value (call normalizeEmail).
 */
export function normalizeEmailChars(
  buf: Uint16Array, from: number, len: number, rules: EmailRuleIndex,
): NormalEmail | undefined | null {
  const end = from + len;
  let at = -1;
  for (let i = from; i < end; i++) {
    const c = buf[i]!;
    if (c >= 128 || c === 32 || (c >= 9 && c <= 13)) return null;
    if (c === 64) at = i;
  }
  if (at <= from || at >= end - 1 || buf[end - 1] === 46) return null;
  if (len >= 7 && lower(buf[from]!) === 109 && lower(buf[from + 6]!) === 58) return null; // maybe "mailto:"
  const domainCodes: number[] = [];
  for (let i = at + 1; i < end; i++) domainCodes.push(lower(buf[i]!));
  let domain = String.fromCharCode.apply(null, domainCodes);
  const rule = rules.get(domain);
  let stop = at; // the local part is [from, stop)
  let dropDots = false;
  if (rule) {
    const sep = rule.tagSeparator;
    if (sep) {
      if (sep.length !== 1) return null;
      const t = sep.charCodeAt(0);
      // local.indexOf(sep) > 0: the first occurrence, unless it is the first character.
      if (lower(buf[from]!) !== t) {
        for (let i = from + 1; i < at; i++) {
          if (lower(buf[i]!) === t) {
            stop = i;
            break;
          }
        }
      }
    }
    dropDots = rule.ignoreDots === true;
    if (rule.canonicalDomain) domain = rule.canonicalDomain;
  }
  const localCodes: number[] = [];
  const looseCodes: number[] = [];
  for (let i = from; i < stop; i++) {
    const c = lower(buf[i]!);
    if (c === 46 && dropDots) continue;
    localCodes.push(c);
    if (c !== 46 && c !== 95 && c !== 45) looseCodes.push(c);
  }
  if (localCodes.length === 0) return undefined;
  const local = String.fromCharCode.apply(null, localCodes);
  if (looseCodes.length === 0) looseCodes.push(...localCodes);
  const looseLocal = looseCodes.length === localCodes.length ? local : String.fromCharCode.apply(null, looseCodes);
  // `${local}@${domain}` built flat: a concatenation is a rope that hashing the value flattens into a second copy.
  localCodes.push(64);
  looseCodes.push(64);
  for (let i = 0; i < domain.length; i++) {
    const c = domain.charCodeAt(i);
    localCodes.push(c);
    looseCodes.push(c);
  }
  const full = String.fromCharCode.apply(null, localCodes);
  const loose = looseLocal === local ? full : String.fromCharCode.apply(null, looseCodes);
  return { full, loose, local: looseLocal, domain };
}

function lower(c: number): number {
  return c >= 65 && c <= 90 ? c + 32 : c;
}
