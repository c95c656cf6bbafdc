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
