/**
 * The internal profile model shared by the store, the operations, the engine, the jobs and ingestion.
 * `ProfileData` is the API's Profile shape (without ProfileId / FoundByItems); provenance is kept per field
 * (dotted path) because auto-merging's RECENCY and SOURCE conflict resolution need both when and where from.
 */
import type { Address, Profile } from '../api/generated/types.js';

export type { Address };
export type ProfileData = Omit<Profile, 'ProfileId' | 'FoundByItems'>;

export const ADDRESS_FIELDS = ['Address', 'ShippingAddress', 'MailingAddress', 'BillingAddress'] as const;
export type AddressField = (typeof ADDRESS_FIELDS)[number];
export const ADDRESS_MEMBERS = [
  'Address1', 'Address2', 'Address3', 'Address4', 'City', 'County', 'State', 'Province', 'Country', 'PostalCode',
] as const;

/** Top-level string fields of a profile (everything but the four addresses, Attributes and EngagementPreferences). */
export const SCALAR_FIELDS = [
  'AccountNumber', 'AdditionalInformation', 'PartyType', 'BusinessName', 'FirstName', 'MiddleName', 'LastName',
  'BirthDate', 'Gender', 'PhoneNumber', 'MobilePhoneNumber', 'HomePhoneNumber', 'BusinessPhoneNumber', 'EmailAddress',
  'PersonalEmailAddress', 'BusinessEmailAddress', 'PartyTypeString', 'GenderString', 'ProfileType',
] as const;
export type ScalarField = (typeof SCALAR_FIELDS)[number];

/** Source name for values written through the profile API directly (not from an object type). */
export const API_SOURCE = '_api';

/** Provenance of one field value. Times are epoch milliseconds. */
export interface FieldMeta {
  /** When the value was last updated at its source (the object type's source-last-updated timestamp if it has one, else ingestion time). */
  updatedAt: number;
  /** When Coalesce ingested the value. */
  ingestedAt: number;
  /** The object type name that supplied it, or API_SOURCE. */
  source: string;
}

export interface StoredProfile {
  profileId: string;
  domainName: string;
  data: ProfileData;
  /** Keyed by dotted path: 'FirstName', 'Address.City', 'Attributes.loyaltyId'. */
  meta: Record<string, FieldMeta>;
  createdAt: number;
  updatedAt: number;
}

/** Flattens a profile to dotted paths → string values (addresses and Attributes expanded). */
export function flattenProfile(data: ProfileData): Record<string, string> {
  const out: Record<string, string> = {};
  for (const f of SCALAR_FIELDS) {
    const v = data[f];
    if (v !== undefined && v !== null && v !== '') out[f] = String(v);
  }
  for (const a of ADDRESS_FIELDS) {
    const addr = data[a];
    if (!addr) continue;
    for (const m of ADDRESS_MEMBERS) {
      const v = addr[m];
      if (v !== undefined && v !== null && v !== '') out[`${a}.${m}`] = v;
    }
  }
  for (const [k, v] of Object.entries(data.Attributes ?? {})) {
    if (v !== undefined && v !== null && v !== '') out[`Attributes.${k}`] = v;
  }
  return out;
}

/** Inverse of flattenProfile (EngagementPreferences are not flattened and must be carried separately). */
export function unflattenProfile(flat: Record<string, string>): ProfileData {
  const data: Record<string, any> = {};
  for (const [path, value] of Object.entries(flat)) {
    const dot = path.indexOf('.');
    if (dot < 0) {
      data[path] = value;
    } else {
      const head = path.slice(0, dot);
      const tail = path.slice(dot + 1);
      // defineProperty: an Attributes key such as "__proto__" must become a plain member, not a prototype.
      Object.defineProperty((data[head] ??= {}), tail, { value, enumerable: true, writable: true, configurable: true });
    }
  }
  return data as ProfileData;
}

/** Reads one dotted path ('FirstName', 'Address.City', 'Attributes.x') from a profile. */
export function getPath(data: ProfileData, path: string): string | undefined {
  const dot = path.indexOf('.');
  if (dot < 0) {
    const v = (data as Record<string, unknown>)[path];
    return typeof v === 'string' && v !== '' ? v : undefined;
  }
  const head = (data as Record<string, any>)[path.slice(0, dot)];
  const v = head?.[path.slice(dot + 1)];
  return typeof v === 'string' && v !== '' ? v : undefined;
}
