/** CreateProfile / UpdateProfile input → ProfileData (+ removed paths for UpdateProfile's empty strings). */
import type { CreateProfileRequest, UpdateProfileRequest } from '../api/generated/types.js';
import { ADDRESS_FIELDS, ADDRESS_MEMBERS, SCALAR_FIELDS, type ProfileData } from '../model/profile.js';

export function createInputToData(input: CreateProfileRequest): ProfileData {
  const data: Record<string, unknown> = {};
  for (const f of SCALAR_FIELDS) if (input[f] !== undefined && input[f] !== '') data[f] = input[f];
  for (const a of ADDRESS_FIELDS) {
    const addr = input[a];
    if (!addr) continue;
    const out: Record<string, string> = {};
    for (const m of ADDRESS_MEMBERS) if (addr[m]) out[m] = addr[m]!;
    if (Object.keys(out).length) data[a] = out;
  }
  if (input.Attributes) {
    const attrs = Object.fromEntries(Object.entries(input.Attributes).filter(([, v]) => v !== ''));
    if (Object.keys(attrs).length) data.Attributes = attrs;
  }
  if (input.EngagementPreferences) data.EngagementPreferences = input.EngagementPreferences;
  return data as ProfileData;
}

/** Absent members keep their value; an empty string removes it (scalars, address members, Attributes entries). */
export function updateInputToWrite(input: UpdateProfileRequest): { data: ProfileData; removed: string[] } {
  const data: Record<string, unknown> = {};
  const removed: string[] = [];
  for (const f of SCALAR_FIELDS) {
    const v = input[f];
    if (v === undefined) continue;
    if (v === '') removed.push(f);
    else data[f] = v;
  }
  for (const a of ADDRESS_FIELDS) {
    const addr = input[a];
    if (!addr) continue;
    const out: Record<string, string> = {};
    for (const m of ADDRESS_MEMBERS) {
      const v = addr[m];
      if (v === undefined) continue;
      if (v === '') removed.push(`${a}.${m}`);
      else out[m] = v;
    }
    if (Object.keys(out).length) data[a] = out;
  }
  if (input.Attributes) {
    const attrs: Record<string, string> = {};
    for (const [k, v] of Object.entries(input.Attributes)) {
      if (v === '') removed.push(`Attributes.${k}`);
      else Object.defineProperty(attrs, k, { value: v, enumerable: true, writable: true, configurable: true });
    }
    if (Object.keys(attrs).length) data.Attributes = attrs;
  }
  if (input.EngagementPreferences) data.EngagementPreferences = input.EngagementPreferences;
  return { data: data as ProfileData, removed };
}
