/**
 * CSV export of a job's match groups (docs/jobs.md, "Export"): one row per profile, files of bounded size named
 * CustomerProfilesPendingMatches-<domain>-part-<n>.csv under <S3KeyName>/<domain>/<JobId>/.
 */
import { ADDRESS_FIELDS, ADDRESS_MEMBERS, SCALAR_FIELDS, type ProfileData } from '../model/profile.js';
import type { ObjectSink } from './sinks.js';

export const PROFILE_COLUMNS: string[] = [
  ...SCALAR_FIELDS,
  ...ADDRESS_FIELDS.flatMap((a) => ADDRESS_MEMBERS.map((m) => `${a}.${m}`)),
  'Attributes',
];
export const CSV_HEADER = ['MatchingGroupId', 'ConfidenceScore', 'ProfileId', ...PROFILE_COLUMNS].join(',') + '\n';

const NEEDS_QUOTES = /[",\r\n]/;

/** RFC 4180 quoting: fields with a comma, quote, CR or LF are quoted, quotes doubled. */
export function csvField(v: string | undefined): string {
  if (v === undefined) return '';
  return NEEDS_QUOTES.test(v) ? `"${v.replace(/"/g, '""')}"` : v;
}

// The export's inner loop: a profile has a handful of the 60 columns, so its own fields are visited (column by name
// lookup) instead of probing every column; the profile's cells are kept in one scratch array.
const SCALAR_COLUMN = new Map<string, number>(SCALAR_FIELDS.map((f, i) => [f, i]));
const ADDRESS_COLUMN = new Map<string, number>(ADDRESS_FIELDS.map((a, i) => [a, SCALAR_FIELDS.length + i * ADDRESS_MEMBERS.length]));
const MEMBER_OFFSET = new Map<string, number>(ADDRESS_MEMBERS.map((m, i) => [m, i]));
const ATTRIBUTES_COLUMN = PROFILE_COLUMNS.length - 1;
const cells: string[] = new Array<string>(PROFILE_COLUMNS.length).fill('');
const filled: number[] = [];
/** The cells of a profile without content (a profile the job did not review). */
const EMPTY_CELLS = cells.join(',');

/** A cell: a non-empty string value, quoted as needed; anything else is empty (as getPath reads it). */
const cell = (v: unknown): string => (typeof v === 'string' && v !== '' ? (NEEDS_QUOTES.test(v) ? `"${v.replace(/"/g, '""')}"` : v) : '');

/**
 * A profile's cells of its row (the PROFILE_COLUMNS, comma-separated, no newline). A job keeps these strings for the
 * export instead of the parsed profiles: a few times smaller on the heap while MERGING runs.
 */
export function csvProfileCells(data: ProfileData | undefined): string {
  if (!data) return EMPTY_CELLS;
  const d = data as Record<string, unknown>;
  for (const k in d) {
    if (!Object.hasOwn(d, k)) continue;
    const v = d[k];
    const col = SCALAR_COLUMN.get(k);
    if (col !== undefined) {
      const c = cell(v);
      if (c !== '') { cells[col] = c; filled.push(col); }
      continue;
    }
    const base = ADDRESS_COLUMN.get(k);
    if (base === undefined || v === null || typeof v !== 'object') continue;
    const addr = v as Record<string, unknown>;
    for (const m in addr) {
      const off = Object.hasOwn(addr, m) ? MEMBER_OFFSET.get(m) : undefined;
      if (off === undefined) continue;
      const c = cell(addr[m]);
      if (c !== '') { cells[base + off] = c; filled.push(base + off); }
    }
  }
  const attrs = data.Attributes;
  if (attrs && Object.keys(attrs).length > 0) { cells[ATTRIBUTES_COLUMN] = csvField(JSON.stringify(attrs)); filled.push(ATTRIBUTES_COLUMN); }
  if (filled.length === 0) return EMPTY_CELLS;
  const out = cells.join(',');
  for (const i of filled) cells[i] = '';
  filled.length = 0;
  return out;
}

/** A row from the profile's cells (csvProfileCells). */
const rowOf = (matchId: string, score: number, profileId: string, profileCells: string): string =>
  `${csvField(matchId)},${String(score)},${csvField(profileId)},${profileCells}\n`;

export function csvRow(matchId: string, score: number, profileId: string, data: ProfileData | undefined): string {
  return rowOf(matchId, score, profileId, csvProfileCells(data));
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
  /** The profile content as reviewed by the job: parsed, or its row cells from csvProfileCells. */
  profileOf: (id: string) => ProfileData | string | undefined;
  partBytes: number;
}): Promise<ExportResult> {
  const prefix = exportPrefix(opts.keyName, opts.domainName, opts.jobId);
  const keys: string[] = [];
  const partBytes = opts.partBytes;
  // Rows are encoded straight into the part's buffer (no per-row byte count, no join and copy of the part).
  let buf = Buffer.allocUnsafe(Math.max(1 << 16, Math.min(partBytes, 1 << 22)));
  const headerBytes = buf.write(CSV_HEADER, 0, 'utf8');
  let len = headerBytes;
  let rows = 0;
  let rowsInPart = 0;
  const reserve = (n: number) => {
    if (len + n <= buf.length) return;
    const next = Buffer.allocUnsafe(Math.max(len + n, Math.min(2 * buf.length, partBytes + (1 << 16))));
    buf.copy(next, 0, 0, len);
    buf = next;
  };
  const flush = async () => {
    const key = `${prefix}CustomerProfilesPendingMatches-${opts.domainName}-part-${keys.length + 1}.csv`;
    await opts.sink.put(opts.bucket, key, buf.subarray(0, len));
    keys.push(key);
    len = headerBytes;
    rowsInPart = 0;
  };
  for await (const g of opts.groups) {
    for (const id of g.profileIds) {
      const p = opts.profileOf(id);
      const row = rowOf(g.matchId, g.confidenceScore, id, typeof p === 'string' ? p : csvProfileCells(p));
      // UTF-8 takes at most 3 bytes per UTF-16 unit: only a row that may cross the bound is measured exactly.
      if (len + 3 * row.length > partBytes) {
        const n = Buffer.byteLength(row);
        if (rowsInPart > 0 && len + n > partBytes) await flush();
        reserve(n);
      } else reserve(3 * row.length);
      len += buf.write(row, len, 'utf8');
      rowsInPart++;
      rows++;
    }
  }
  if (rowsInPart > 0 || keys.length === 0) await flush();
  return { keys, rows, prefix };
}
