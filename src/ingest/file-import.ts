/**
 * `coalesce import` into a local data dir: streams the file through the pipeline into the store, the writes on a
 * worker thread (its own SQLite connection), rejected rows to an error report, progress on stderr.
 */
import { randomBytes } from 'node:crypto';
import { createReadStream, createWriteStream, statSync, type WriteStream } from 'node:fs';
import { once } from 'node:events';
import { extname } from 'node:path';
import { AwsError } from '../errors.js';
import type { ObjectTypeRecord, Repository } from '../store/repository.js';
import { MappingError, mappingFromFields, type ImportMapping } from './mapping.js';
import { runImport, type ImportFormat, type ImportResult } from './pipeline.js';
import { ProgressReporter } from './progress.js';
import type { RowError } from './types.js';
import { csvCell } from './upload-service.js';
import { WorkerSink } from './worker-sink.js';

export function formatOfFile(file: string, explicit?: string): ImportFormat {
  const f = (explicit ?? extname(file).slice(1)).toLowerCase();
  if (f === 'csv') return 'csv';
  if (f === 'jsonl' || f === 'ndjson') return 'jsonl';
  throw new MappingError(`cannot tell the format of ${file}: use a .csv or .jsonl file, or --format csv|jsonl`);
}

/** Reads a file in 1 MiB chunks, reporting the bytes read (for progress and ETA). */
export async function* readCounting(file: string, onBytes: (n: number) => void): AsyncGenerator<Buffer> {
  for await (const chunk of createReadStream(file, { highWaterMark: 1 << 20 })) {
    onBytes((chunk as Buffer).length);
    yield chunk as Buffer;
  }
}

/** The error report: CSV `line,reason`, created on the first rejected row. */
export class ErrorReport {
  private out: WriteStream | undefined;
  count = 0;
  constructor(readonly path: string) {}

  async add(e: RowError): Promise<void> {
    if (!this.out) {
      this.out = createWriteStream(this.path);
      this.out.write('line,reason\n');
    }
    this.count++;
    if (!this.out.write(`${e.line},${csvCell(e.reason)}\n`)) await once(this.out, 'drain');
  }

  async close(): Promise<void> {
    if (this.out) await new Promise<void>((resolve, reject) => this.out!.end((err?: Error | null) => (err ? reject(err) : resolve())));
  }
}

/** The mapping an object type defines: its Fields, and its UNIQUE (else PROFILE) key as the unique key. */
export function mappingFromObjectType(t: ObjectTypeRecord): ImportMapping {
  const keyEntry = Object.entries(t.keys).find(([, ks]) => ks.some((k) => k.StandardIdentifiers?.includes('UNIQUE')))
    ?? Object.entries(t.keys).find(([, ks]) => ks.some((k) => k.StandardIdentifiers?.includes('PROFILE')));
  const fieldName = keyEntry?.[1].find((k) => k.FieldNames?.length)?.FieldNames?.[0];
  const mapping = mappingFromFields(t.fields, fieldName);
  if (mapping.uniqueKey && keyEntry) mapping.uniqueKey.keyName = keyEntry[0];
  return mapping;
}

export interface LocalImportOptions {
  store: Repository;
  dataDir: string;
  domainName: string;
  file: string;
  format: ImportFormat;
  mapping: ImportMapping;
  /**
   * Object mode: each row is put as an object of this type, exactly like PutProfileObject (the type's Fields and
   * Keys, profile lookup/creation rules, the object stored, FieldMeta source = the type name).
   */
  objectTypeName?: string;
  errorReport: ErrorReport;
  batchSize?: number;
  progress?: ProgressReporter;
}

export async function importIntoDataDir(o: LocalImportOptions): Promise<ImportResult & { importId: string; elapsedMs: number }> {
  if (!(await o.store.getDomain(o.domainName))) throw new AwsError('ResourceNotFoundException', `Domain ${o.domainName} does not exist (use --create-domain).`);
  // Short, because it is repeated in every field's FieldMeta source (`_upload:<importId>`).
  const importId = `cli-${Date.now().toString(36)}${randomBytes(2).toString('hex')}`;
  const sink = new WorkerSink(o.dataDir, o.domainName, o.objectTypeName
    ? { source: o.objectTypeName, objectTypeName: o.objectTypeName }
    : { source: `_upload:${importId}`, keyName: o.mapping.uniqueKey?.keyName });
  const t0 = performance.now();
  let bytes = 0;
  const progress = o.progress ?? new ProgressReporter(statSync(o.file).size);
  try {
    const result = await runImport({
      input: readCounting(o.file, (n) => { bytes += n; }),
      format: o.format,
      mapping: o.mapping,
      sink,
      batchSize: o.batchSize,
      objects: o.objectTypeName !== undefined,
      onReject: (e) => o.errorReport.add(e),
      onProgress: (c) => progress.update(c, bytes),
    });
    // The predefined keys (_email, _phone, …) of the new profiles, deferred by the write worker, before "done".
    if (!o.objectTypeName) await sink.indexKeys();
    progress.update(result, bytes, true);
    return { ...result, importId, elapsedMs: performance.now() - t0 };
  } finally {
    progress.finish();
    await sink.close();
    await o.errorReport.close();
  }
}
