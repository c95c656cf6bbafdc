/**
 * Generated records as files: JSONL (one Customer Profiles-shaped object per line) or CSV (dotted column names such
 * as `Address.City`). Both carry the ground truth and provenance in underscore columns that are not profile fields:
 * `_id` (profile id), `_entityId` (truth), `_source` (object type name), `_updatedAt` (ISO time).
 */
import { createReadStream, createWriteStream } from 'node:fs';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { parse } from 'csv-parse';
import { flattenProfile, unflattenProfile, type FieldMeta, type ProfileData } from '../../model/profile.js';
import type { EngineProfile } from '../types.js';
import type { GeneratedRecord } from './index.js';

export const TRUTH_COLUMNS = ['_id', '_entityId', '_source', '_updatedAt'] as const;

/** Every profile path the generator can emit, in CSV column order. */
export const PROFILE_COLUMNS = [
  'AccountNumber', 'PartyType', 'FirstName', 'MiddleName', 'LastName', 'BirthDate', 'Gender',
  'EmailAddress', 'PersonalEmailAddress', 'BusinessEmailAddress',
  'PhoneNumber', 'MobilePhoneNumber', 'HomePhoneNumber', 'BusinessPhoneNumber',
  ...['Address', 'ShippingAddress', 'MailingAddress', 'BillingAddress'].flatMap((a) =>
    ['Address1', 'Address2', 'City', 'State', 'PostalCode', 'Country'].map((m) => `${a}.${m}`)),
  'Attributes.loyaltyTier',
];

export type FileFormat = 'jsonl' | 'csv';

export function formatOf(file: string): FileFormat {
  if (/\.jsonl?$/i.test(file)) return 'jsonl';
  if (/\.csv$/i.test(file)) return 'csv';
  throw new Error(`output file must end in .jsonl or .csv: ${file}`);
}

function csvCell(v: string | undefined): string {
  if (v === undefined) return '';
  return /[",\n\r]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v;
}

function toLine(r: GeneratedRecord, format: FileFormat): string {
  const updated = new Date(r.updatedAt).toISOString();
  if (format === 'jsonl') {
    return JSON.stringify({ _id: r.profile.id, _entityId: r.entityId, _source: r.source, _updatedAt: updated, ...r.profile.data }) + '\n';
  }
  const flat = flattenProfile(r.profile.data);
  return [r.profile.id, r.entityId, r.source, updated].concat(PROFILE_COLUMNS.map((c) => csvCell(flat[c]))).join(',') + '\n';
}

/** Writes records to a file with backpressure (constant memory); returns the count written. */
export async function writeRecords(records: Iterable<GeneratedRecord>, file: string): Promise<number> {
  const format = formatOf(file);
  const out = createWriteStream(file);
  const failed = once(out, 'error').then(([e]) => { throw e; });
  failed.catch(() => undefined);
  let chunk = format === 'csv' ? [...TRUTH_COLUMNS, ...PROFILE_COLUMNS].join(',') + '\n' : '';
  let count = 0;
  for (const r of records) {
    chunk += toLine(r, format);
    count++;
    if (chunk.length > 1 << 20) {
      if (!out.write(chunk)) await Promise.race([once(out, 'drain'), failed]);
      chunk = '';
    }
  }
  out.end(chunk);
  await Promise.race([once(out, 'finish'), failed]);
  return count;
}

function fromFlat(flat: Record<string, string>): { record: EngineProfile; entityId: string } {
  const { _id, _entityId, _source, _updatedAt, ...rest } = flat;
  const profileFields: Record<string, string> = {};
  for (const [k, v] of Object.entries(rest)) if (v !== '' && v !== undefined) profileFields[k] = v;
  const data: ProfileData = unflattenProfile(profileFields);
  const at = Date.parse(_updatedAt);
  const m: FieldMeta = { updatedAt: at, ingestedAt: at, source: _source };
  const meta: Record<string, FieldMeta> = {};
  for (const path of Object.keys(profileFields)) meta[path] = m;
  return { record: { id: _id, data, meta }, entityId: _entityId };
}

/** Reads a generated file back (either format) as profiles + truth, e.g. to evaluate on a saved set. */
export async function readRecords(file: string): Promise<{ profiles: EngineProfile[]; truth: string[] }> {
  const profiles: EngineProfile[] = [];
  const truth: string[] = [];
  const add = (flat: Record<string, string>) => {
    if (!flat._id || flat._entityId === undefined) throw new Error(`${file}: every record needs _id and _entityId`);
    const { record, entityId } = fromFlat(flat);
    profiles.push(record);
    truth.push(entityId);
  };
  if (formatOf(file) === 'jsonl') {
    for await (const line of createInterface({ input: createReadStream(file), crlfDelay: Infinity })) {
      if (!line.trim()) continue;
      const obj = JSON.parse(line) as Record<string, unknown>;
      const flat = flattenProfile(obj as ProfileData);
      for (const k of TRUTH_COLUMNS) flat[k] = String(obj[k] ?? '');
      add(flat);
    }
  } else {
    for await (const row of createReadStream(file).pipe(parse({ columns: true }))) add(row as Record<string, string>);
  }
  return { profiles, truth };
}
