/**
 * The import pipeline shared by the CLI and upload jobs: read (CSV or JSONL) → map and validate → drop duplicate
 * unique keys → write in batches to a sink. Reading waits for the sink (backpressure), with one batch in flight
 * so that parsing overlaps writing when the sink works off-thread; memory stays flat (the unique keys seen, for the
 * in-file duplicate check, are kept in a temporary file: seen-keys.ts).
 */
import { readCsv } from './csv-reader.js';
import { readJsonl } from './jsonl-reader.js';
import { RowMapper, type ImportMapping } from './mapping.js';
import { SeenKeys } from './seen-keys.js';
import { isRowError, type ProfileRow, type ReadLimits, type RowError } from './types.js';

export type ImportFormat = 'csv' | 'jsonl';

export interface WriteResult {
  created: number;
  updated: number;
  /** Rows the store refused (object mode: the object type's mapping or key lookup failed). */
  rejected?: RowError[];
}

/** Where the batch ends in the source: committed with the batch so that a resumed job continues exactly after it. */
export interface BatchProgress {
  /** Line of the last record (row or rejected) covered by this batch. */
  lastLine: number;
  /** Records rejected since the previous batch. */
  failed: number;
}

export interface ImportSink {
  /** Writes a batch of valid rows in one transaction (possibly none: then only the progress). */
  write(rows: ProfileRow[], progress: BatchProgress): Promise<WriteResult>;
}

export interface ImportCounts {
  read: number;
  created: number;
  updated: number;
  rejected: number;
}

export interface ImportResult extends ImportCounts {
  stopped: boolean;
  ignoredColumns: string[];
}

export interface ImportOptions {
  input: AsyncIterable<Buffer | string>;
  format: ImportFormat;
  mapping: ImportMapping;
  sink: ImportSink;
  batchSize?: number;
  limits?: Partial<ReadLimits>;
  /** Each rejected row, in line order. */
  onReject?: (e: RowError) => void | Promise<void>;
  /** After each batch is written. */
  onProgress?: (c: ImportCounts) => void;
  /** Checked between batches; true ends the import after the batches already written. */
  shouldStop?: () => boolean;
  /**
   * Resume: records up to this line were committed by an earlier run. They are read again only to rebuild the
   * in-file duplicate check; they are not counted, rejected or written.
   */
  resumeAfterLine?: number;
  /**
   * Object mode: rows are not mapped here but passed on as JSON objects (column `a.b` → {"a": {"b": …}}), for the
   * sink to apply an object type exactly as PutProfileObject does.
   */
  objects?: boolean;
}

/** A source row as a JSON object: dotted columns nest, empty values are left out. */
export function rowObject(values: Record<string, string>): string {
  const obj: Record<string, any> = {};
  for (const [col, v] of Object.entries(values)) {
    if (v === '') continue;
    const parts = col.split('.');
    let cur = obj;
    for (const p of parts.slice(0, -1)) cur = typeof cur[p] === 'object' && cur[p] !== null ? cur[p] : (cur[p] = {});
    cur[parts[parts.length - 1]!] = v;
  }
  return JSON.stringify(obj);
}

export async function runImport(o: ImportOptions): Promise<ImportResult> {
  const mapper = new RowMapper(o.mapping);
  const batchSize = o.batchSize ?? 5000;
  const counts: ImportCounts = { read: 0, created: 0, updated: 0, rejected: 0 };
  const seen = o.mapping.uniqueKey ? new SeenKeys() : undefined;
  const skipThrough = o.resumeAfterLine ?? 0;
  let batch: ProfileRow[] = [];
  let inflight: Promise<void> | undefined;
  let stopped = false;
  let lastLine = skipThrough;
  let failedSinceFlush = 0;
  let committedLine = skipThrough;

  const reject = async (e: RowError) => {
    counts.rejected++;
    failedSinceFlush++;
    await o.onReject?.(e);
  };
  const flush = async () => {
    if (inflight) await inflight;
    inflight = undefined;
    if (batch.length === 0 && failedSinceFlush === 0 && lastLine === committedLine) return;
    const rows = batch;
    const progress: BatchProgress = { lastLine, failed: failedSinceFlush };
    batch = [];
    failedSinceFlush = 0;
    committedLine = lastLine;
    inflight = o.sink.write(rows, progress).then(async (r) => {
      counts.created += r.created;
      counts.updated += r.updated;
      for (const e of r.rejected ?? []) await reject(e);
      o.onProgress?.({ ...counts });
    });
  };

  const reader = o.format === 'csv'
    ? readCsv(o.input, { ...o.limits, onHeader: (cols) => { if (!o.objects) mapper.checkHeader(cols); } })
    : readJsonl(o.input, o.limits);
  try {
    reading: for await (const items of reader) {
      for (const item of items) {
        if (item.line <= skipThrough) {
          const row = isRowError(item) ? item : mapper.map(item);
          if (seen && !isRowError(row) && row.uniqueKey !== undefined) seen.firstLineOrAdd(row.uniqueKey, row.line);
          continue;
        }
        counts.read++;
        lastLine = item.line;
        if (isRowError(item)) { await reject(item); continue; }
        const row = o.objects ? { line: item.line, data: {}, object: rowObject(item.values) } : mapper.map(item);
        if (isRowError(row)) { await reject(row); continue; }
        if (seen && row.uniqueKey !== undefined) {
          const first = seen.firstLineOrAdd(row.uniqueKey, row.line);
          if (first !== undefined) {
            await reject({ line: row.line, reason: `duplicate unique key "${row.uniqueKey}" (first on line ${first})` });
            continue;
          }
        }
        batch.push(row);
        if (batch.length >= batchSize) {
          await flush();
          if (o.shouldStop?.()) { stopped = true; break reading; }
        }
      }
    }
    if (!stopped) await flush();
  } finally {
    // Never leave a write running behind the caller's back, even when reading failed.
    try {
      if (inflight) await inflight;
    } finally {
      seen?.close();
    }
  }
  if (!stopped) o.onProgress?.({ ...counts });
  return { ...counts, stopped, ignoredColumns: [...mapper.ignoredColumns] };
}
