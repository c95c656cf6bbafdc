/**
 * Streaming CSV reader with per-record errors and exact line numbers.
 *
 * csv-parse does the CSV parsing (RFC 4180 quoting), but on its own it cannot resume after a broken record: an
 * unbalanced quote swallows the rest of the file. So records are framed here on physical lines (see lines.ts):
 * lines without any quote are split on the delimiter, the quoted single-line records of a batch are parsed in one
 * csv-parse call (the fast path); when that fails or a line opens a
 * quoted field that continues on the next line, each record is parsed alone, extended line by line while its quote
 * is open (up to maxRecordLines / maxRecordBytes). A record that cannot be parsed is reported on the line it started,
 * and reading resumes on the following line — so one bad quote costs one row, not the rest of the file.
 */
import { parse } from 'csv-parse/sync';
import { readLines, type Line } from './lines.js';
import { DEFAULT_LIMITS, type ReadItem, type ReadLimits } from './types.js';

export interface CsvOptions extends Partial<ReadLimits> {
  delimiter?: string;
  /** Called with the header's column names before the first row (may throw to refuse the file). */
  onHeader?: (columns: string[]) => void;
}

/** Thrown when the file cannot be read at all (no header, bad header). */
export class FileError extends Error {}

type Parsed = { ok: true; records: string[][] } | { ok: false; code: string; message: string };

function tryParse(text: string, delimiter: string): Parsed {
  try {
    return { ok: true, records: parse(text, { delimiter, relax_column_count: true, skip_empty_lines: false, bom: false }) };
  } catch (e) {
    const err = e as { code?: string; message?: string };
    return { ok: false, code: err.code ?? 'CSV_ERROR', message: err.message ?? String(e) };
  }
}

const countQuotes = (s: string) => {
  let n = 0;
  for (let i = s.indexOf('"'); i >= 0; i = s.indexOf('"', i + 1)) n++;
  return n;
};

function describe(code: string, message: string): string {
  switch (code) {
    case 'CSV_QUOTE_NOT_CLOSED': return 'unbalanced quotes: a quoted field is not closed';
    case 'CSV_INVALID_CLOSING_QUOTE': return 'unbalanced quotes: a closing quote is followed by other characters';
    case 'INVALID_OPENING_QUOTE': return 'unbalanced quotes: a quote appears inside an unquoted field';
    default: return `malformed CSV: ${message.replace(/\s+/g, ' ').slice(0, 200)}`;
  }
}

/**
 * A function turning a record into its `column → value` object. Built once per header as one object literal: an
 * object filled by a loop of keyed stores turns into a slow dictionary beyond a dozen columns, and building plus
 * reading it cost ~4 µs more per row of a 43-column file (it is read by `for … in` in mapping.ts). The column names
 * enter the generated code only as JSON string literals. A `__proto__` column would set the prototype in a literal,
 * so such a header keeps the loop.
 */
function valuesMaker(header: string[]): (record: string[]) => Record<string, string> {
  if (header.includes('__proto__')) {
    return (record) => {
      const values: Record<string, string> = {};
      for (let i = 0; i < header.length; i++) values[header[i]!] = record[i]!;
      return values;
    };
  }
  // eslint-disable-next-line @typescript-eslint/no-implied-eval -- names are JSON-escaped literals (see above)
  return new Function('r', `return {${header.map((h, i) => `${JSON.stringify(h)}: r[${i}]`).join(', ')}};`) as (record: string[]) => Record<string, string>;
}

/**
 * Yields batches of rows (header column → value) and row errors, in line order.
 * The first non-empty record is the header. Empty lines are skipped.
 */
export async function* readCsv(input: AsyncIterable<Buffer | string>, options: CsvOptions = {}): AsyncGenerator<ReadItem[]> {
  const limits: ReadLimits = { ...DEFAULT_LIMITS, ...options };
  const delimiter = options.delimiter ?? ',';
  let header: string[] | undefined;
  const lineIter = readLines(input, limits.maxRecordBytes)[Symbol.asyncIterator]();
  let buffer: Line[] = [];
  let done = false;

  /** Makes sure at least n lines are buffered (unless the input ended). */
  const fill = async (n: number) => {
    while (buffer.length < n && !done) {
      const next = await lineIter.next();
      if (next.done) done = true;
      else buffer = buffer.length ? buffer.concat(next.value) : next.value;
    }
  };

  const toRow = (line: number, record: string[], out: ReadItem[]) => {
    if (!header) {
      header = record.map((h) => h.trim());
      const dup = header.find((h, i) => header!.indexOf(h) !== i);
      if (header.some((h) => h === '')) throw new FileError(`line ${line}: the header has an empty column name`);
      if (dup) throw new FileError(`line ${line}: the header names column "${dup}" twice`);
      options.onHeader?.(header);
      makeValues = valuesMaker(header);
      return;
    }
    if (record.length !== header.length) {
      out.push({ line, reason: `expected ${header.length} columns, found ${record.length}` });
      return;
    }
    out.push({ line, values: makeValues!(record) });
  };
  let makeValues: ((record: string[]) => Record<string, string>) | undefined;

  while (true) {
    await fill(1);
    if (buffer.length === 0) break;
    const out: ReadItem[] = [];
    // Fast path: a run of complete single-line records parsed in one call.
    let runEnd = 0;
    while (runEnd < buffer.length) {
      const l = buffer[runEnd]!;
      if ('error' in l || countQuotes(l.text) % 2 === 1) break;
      runEnd++;
    }
    if (runEnd > 0) {
      const run = buffer.slice(0, runEnd) as Array<{ no: number; text: string }>;
      // Lines without quotes are plain delimiter-separated values; only quoted lines need csv-parse.
      const quoted = run.filter((l) => l.text.includes('"'));
      const parsed = quoted.length ? tryParse(quoted.map((l) => l.text).join('\n'), delimiter) : { ok: true as const, records: [] };
      if (parsed.ok && parsed.records.length === quoted.length) {
        let q = 0;
        for (const l of run) {
          if (l.text === '') continue;
          toRow(l.no, l.text.includes('"') ? parsed.records[q++]! : l.text.split(delimiter), out);
        }
      } else {
        for (const l of run.filter((x) => x.text !== '')) {
          const one = tryParse(l.text, delimiter);
          if (one.ok && one.records.length === 1) toRow(l.no, one.records[0]!, out);
          else if (one.ok) out.push({ line: l.no, reason: 'malformed CSV: the line holds more than one record' });
          else if (!header) throw new FileError(`line ${l.no}: header: ${describe(one.code, one.message)}`);
          else out.push({ line: l.no, reason: describe(one.code, one.message) });
        }
      }
      buffer = buffer.slice(runEnd);
      if (out.length) yield out;
      continue;
    }
    // Slow path: the first buffered line is an error or opens a quote that may continue on later lines.
    const first = buffer[0]!;
    if ('error' in first) {
      if (!header) throw new FileError(`line ${first.no}: header: ${first.error}`);
      buffer = buffer.slice(1);
      yield [{ line: first.no, reason: first.error }];
      continue;
    }
    let text = first.text;
    let quotes = countQuotes(text);
    let used = 1;
    let reason: string | undefined;
    let record: string[] | undefined;
    while (true) {
      if (quotes % 2 === 0) {
        const p = tryParse(text, delimiter);
        if (p.ok && p.records.length === 1) { record = p.records[0]; break; }
        if (p.ok) { reason = 'malformed CSV: the line holds more than one record'; break; }
        if (p.code !== 'CSV_QUOTE_NOT_CLOSED') { reason = describe(p.code, p.message); break; }
      }
      if (used >= limits.maxRecordLines || text.length > limits.maxRecordBytes) {
        reason = `unbalanced quotes: a quoted field is not closed within ${used} lines`;
        break;
      }
      await fill(used + 1);
      const next = buffer[used];
      if (!next) { reason = 'unbalanced quotes: a quoted field is not closed at the end of the file'; break; }
      if ('error' in next) { reason = `unbalanced quotes: a quoted field is not closed before line ${next.no} (${next.error})`; break; }
      text += '\n' + next.text;
      quotes += countQuotes(next.text);
      used++;
    }
    if (record) {
      toRow(first.no, record, out);
      buffer = buffer.slice(used);
    } else {
      if (!header) throw new FileError(`line ${first.no}: header: ${reason}`);
      out.push({ line: first.no, reason: reason! });
      buffer = buffer.slice(1); // resume on the next line: the lines tried as a continuation are read again
    }
    if (out.length) yield out;
  }
  if (!header) throw new FileError('the file is empty: a CSV file starts with a header line');
}
