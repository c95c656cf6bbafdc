/**
 * A profile as the merge screen shows it: one row per "unit" that MergeProfiles' FieldSourceProfileIds can pick
 * — a top-level field, a whole address, or one Attributes key.
 */
import type { FieldSourceProfileIds, Profile } from './api/wire.js';

const ADDRESSES = ['Address', 'ShippingAddress', 'MailingAddress', 'BillingAddress'] as const;
const MEMBERS = ['Address1', 'Address2', 'Address3', 'Address4', 'City', 'County', 'State', 'Province', 'Country', 'PostalCode'] as const;
const SCALARS = [
  'AccountNumber', 'AdditionalInformation', 'PartyType', 'BusinessName', 'FirstName', 'MiddleName', 'LastName',
  'BirthDate', 'Gender', 'PhoneNumber', 'MobilePhoneNumber', 'HomePhoneNumber', 'BusinessPhoneNumber', 'EmailAddress',
  'PersonalEmailAddress', 'BusinessEmailAddress', 'PartyTypeString', 'GenderString', 'ProfileType',
] as const;
/** FieldSourceProfileIds has no member for these (they follow PartyType / Gender). */
const NOT_SELECTABLE = new Set(['PartyTypeString', 'GenderString']);

export function unitValues(p: Profile): Map<string, string> {
  const out = new Map<string, string>();
  const d = p as Record<string, any>;
  for (const f of SCALARS) if (d[f] !== undefined && d[f] !== '') out.set(f, String(d[f]));
  for (const a of ADDRESSES) {
    const addr = d[a] as Record<string, string> | undefined;
    if (!addr) continue;
    const text = MEMBERS.filter((m) => addr[m]).map((m) => `${m}: ${addr[m]}`).join('\n');
    if (text) out.set(a, text);
  }
  for (const [k, v] of Object.entries(p.Attributes ?? {})) if (v !== '') out.set(`Attributes.${k}`, v);
  return out;
}

export type Agreement = 'agree' | 'disagree' | 'partial';

const norm = (s: string) => s.trim().toLowerCase().replace(/\s+/g, ' ');

export interface UnitRow { unit: string; values: Array<string | undefined>; agreement: Agreement; selectable: boolean }

export function compareProfiles(profiles: Profile[]): UnitRow[] {
  const maps = profiles.map(unitValues);
  const units: string[] = [];
  const seen = new Set<string>();
  const order = [...SCALARS, ...ADDRESSES] as readonly string[];
  for (const u of order) if (maps.some((m) => m.has(u))) { units.push(u); seen.add(u); }
  for (const m of maps) for (const u of m.keys()) if (!seen.has(u)) { units.push(u); seen.add(u); }
  return units.map((unit) => {
    const values = maps.map((m) => m.get(unit));
    const present = values.filter((v): v is string => v !== undefined);
    const distinct = new Set(present.map(norm));
    const agreement: Agreement = distinct.size > 1 ? 'disagree' : present.length === values.length ? 'agree' : 'partial';
    return { unit, values, agreement, selectable: !NOT_SELECTABLE.has(unit) };
  });
}

/** Builds FieldSourceProfileIds from the chosen profile per unit. */
export function fieldSources(choices: Record<string, string>): FieldSourceProfileIds | undefined {
  const out: Record<string, any> = {};
  for (const [unit, profileId] of Object.entries(choices)) {
    if (!profileId) continue;
    if (unit.startsWith('Attributes.')) (out.Attributes ??= {})[unit.slice(11)] = profileId;
    else out[unit] = profileId;
  }
  return Object.keys(out).length ? (out as FieldSourceProfileIds) : undefined;
}
