/**
 * Applying a ProfileWrite to a stored profile (pure, backend-independent): values are merged path by path
 * (scalars, address members, Attributes entries), `removed` paths are dropped, and every path written gets
 * FieldMeta {updatedAt, ingestedAt, source}. A write whose source time is older than a field's current
 * updatedAt does not overwrite that field (per-field recency), so out-of-order ingestion keeps the newest value.
 */
import { flattenProfile, unflattenProfile, type FieldMeta, type ProfileData } from '../model/profile.js';
import type { ProfileWrite } from './repository.js';

export interface ProfileState {
  data: ProfileData;
  meta: Record<string, FieldMeta>;
}

const ENGAGEMENT = 'EngagementPreferences';

export function applyProfileWrite(existing: ProfileState | undefined, write: ProfileWrite, now: number): ProfileState {
  const flat = existing ? flattenProfile(existing.data) : {};
  const meta: Record<string, FieldMeta> = existing ? { ...existing.meta } : {};
  const at = write.sourceUpdatedAt ?? now;
  const fresh = (path: string) => !(meta[path] && meta[path].updatedAt > at);
  const stamp: FieldMeta = { updatedAt: at, ingestedAt: now, source: write.source };

  for (const path of write.removed ?? []) {
    if (!fresh(path)) continue;
    delete flat[path];
    delete meta[path];
  }
  for (const [path, value] of Object.entries(flattenProfile(write.data))) {
    if (!fresh(path)) continue;
    flat[path] = value;
    meta[path] = stamp;
  }
  const data = unflattenProfile(flat);
  let engagement = existing?.data.EngagementPreferences;
  if (write.removed?.includes(ENGAGEMENT) && fresh(ENGAGEMENT)) {
    engagement = undefined;
    delete meta[ENGAGEMENT];
  }
  if (write.data.EngagementPreferences !== undefined && fresh(ENGAGEMENT)) {
    engagement = write.data.EngagementPreferences;
    meta[ENGAGEMENT] = stamp;
  }
  if (engagement !== undefined) data.EngagementPreferences = engagement;
  // Meta only for paths that hold a value.
  for (const path of Object.keys(meta)) if (path !== ENGAGEMENT && !(path in flat)) delete meta[path];
  return { data, meta };
}

/**
 * The predefined search keys derived from a profile's fields (`_email`, `_phone`, `_fullName`, `_account`).
 * `_profileId` is not stored as a key row: lookups by it read the profiles table (one fewer index entry per profile).
 */
export function derivedKeys(_profileId: string, data: ProfileData): Array<[string, string]> {
  const out: Array<[string, string]> = [];
  const add = (k: string, v: string | undefined) => {
    if (v !== undefined && v !== '' && !out.some(([a, b]) => a === k && b === v)) out.push([k, v]);
  };
  for (const f of ['EmailAddress', 'PersonalEmailAddress', 'BusinessEmailAddress'] as const) {
    add('_email', normalizeKeyValue('_email', data[f] ?? ''));
  }
  for (const f of ['PhoneNumber', 'MobilePhoneNumber', 'HomePhoneNumber', 'BusinessPhoneNumber'] as const) add('_phone', data[f]);
  add('_account', data.AccountNumber);
  const first = data.FirstName, middle = data.MiddleName, last = data.LastName;
  add('_fullName', [first, middle, last].filter((x) => x).join(' '));
  if (middle) add('_fullName', [first, last].filter((x) => x).join(' '));
  return out;
}

/** Key values are compared exactly, except `_email`, which is case-insensitive. */
export function normalizeKeyValue(keyName: string, value: string): string {
  return keyName === '_email' ? value.toLowerCase() : value;
}
