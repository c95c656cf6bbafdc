/**
 * CSV export of a job's match groups (docs/jobs.md, "Export"): one row per profile, files of bounded size named
 * CustomerProfilesPendingMatches-<domain>-part-<n>.csv under <S3KeyName>/<domain>/<JobId>/.
 */
import { ADDRESS_FIELDS, ADDRESS_MEMBERS, SCALAR_FIELDS, getPath, type ProfileData } from '../model/profile.js';
import type { ObjectSink } from './sinks.js';

export const PROFILE_COLUMNS: string[] = [
  ...SCALAR_FIELDS,
  ...ADDRESS_FIELDS.flatMap((a) => ADDRESS_MEMBERS.map((m) => `${a}.${m}`)),
  'Attributes',
];
export const CSV_HEADER = ['MatchingGroupId', 'ConfidenceScore', 'ProfileId', ...PROFILE_COLUMNS].join(',') + '\n';

/** RFC 4180 quoting: fields with a comma, quote, CR or LF are quoted, quotes doubled. */
export function csvField(v: string | undefined): string {
  if (v === undefined) return '';
  return /[",\r\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v;
}

export function csvRow(matchId: string, score: number, profileId: string, data: ProfileData | undefined): string {
  const cells = [csvField(matchId), String(score), csvField(profileId)];
  for (const c of PROFILE_COLUMNS) {
    if (c === 'Attributes') {
      const a = data?.Attributes;
      cells.push(a && Object.keys(a).length > 0 ? csvField(JSON.stringify(a)) : '');
    } else cells.push(csvField(data ? getPath(data, c) : undefined));
  }
  return cells.join(',') + '\n';
}

export interface ExportGroup { matchId: string; profileIds: string[]; confidenceScore: number }

export interface ExportResult { keys: string[]; rows: number; prefix: string }

export function exportPrefix(keyName: string | undefined, domainName: string, jobId: string): string {
  const base = (keyName ?? '').replace(/^\/+|\/+$/g, '');
  return `${base ? base + '/' : ''}${domainName}/${jobId}/`;
}

/**
 * Writes the groups as CSV parts of at most `partBytes` bytes each (a row is never split; a single row larger than
 * the bound gets a part of its own). `profileOf` returns the profile content as reviewed by the job.
 */
export async function exportMatches(opts: {
  sink: ObjectSink;
  bucket: string;
  keyName?: string;
  domainName: string;
  jobId: string;
  groups: Iterable<ExportGroup> | AsyncIterable<ExportGroup>;
  profileOf: (id: string) => ProfileData | undefined;
  partBytes: number;
}): Promise<ExportResult> {
  const prefix = exportPrefix(opts.keyName, opts.domainName, opts.jobId);
  const keys: string[] = [];
  const headerBytes = Buffer.byteLength(CSV_HEADER);
  let chunks: string[] = [];
  let size = 0;
  let rows = 0;
  const flush = async () => {
    const key = `${prefix}CustomerProfilesPendingMatches-${opts.domainName}-part-${keys.length + 1}.csv`;
    await opts.sink.put(opts.bucket, key, Buffer.from(CSV_HEADER + chunks.join(''), 'utf8'));
    keys.push(key);
    chunks = [];
    size = 0;
  };
  for await (const g of opts.groups) {
    for (const id of g.profileIds) {
      const row = csvRow(g.matchId, g.confidenceScore, id, opts.profileOf(id));
      const n = Buffer.byteLength(row);
      if (chunks.length > 0 && headerBytes + size + n > opts.partBytes) await flush();
      chunks.push(row);
      size += n;
      rows++;
    }
  }
  if (chunks.length > 0 || keys.length === 0) await flush();
  return { keys, rows, prefix };
}
