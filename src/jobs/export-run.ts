/**
 * A job's CSV export (docs/jobs.md, "Export"), started when FIND_MATCHING has saved its groups and run beside
 * MERGING: on a thread of its own in the job worker (export-worker.ts), or on the caller's thread. Its input is the
 * grouped profiles' stored JSON texts as the job reviewed them; each is parsed only when its row is written.
 */
import type { ProfileData } from '../model/profile.js';
import { startWorker } from '../util/worker.js';
import { csvProfileCells, exportMatches, type ExportGroup, type ExportResult } from './export-csv.js';
import type { ObjectSink, S3Settings } from './sinks.js';

export interface ExportContent {
  /** The match groups in their saved order (seq). */
  groups: ExportGroup[];
  /** The grouped profiles' ids and stored JSON texts, aligned (a text may be missing: the row has the ids only). */
  ids: string[];
  texts: Array<string | undefined>;
}

export interface ExportRequest extends ExportContent {
  bucket: string;
  keyName?: string;
  domainName: string;
  jobId: string;
  partBytes: number;
}

/** Starts an export; the promise settles when every part is written (or one failed). */
export type StartExport = (req: ExportRequest) => Promise<ExportResult>;

export function runExport(sink: ObjectSink, req: ExportRequest): Promise<ExportResult> {
  const at = new Map<string, number>();
  req.ids.forEach((id, i) => at.set(id, i));
  return exportMatches({
    sink, bucket: req.bucket, keyName: req.keyName, domainName: req.domainName, jobId: req.jobId,
    partBytes: req.partBytes, groups: req.groups,
    profileOf: (id) => {
      const text = req.texts[at.get(id) ?? -1];
      return text === undefined ? undefined : csvProfileCells(JSON.parse(text) as ProfileData);
    },
  });
}

export interface ExportWorkerData {
  dataDir: string;
  s3?: S3Settings;
  req: ExportRequest;
}

export type ExportReply = { result: ExportResult } | { error: string };

/** Exports on a thread of its own (export-worker.ts), writing to S3 when `s3` is set, else under dataDir. */
export function exportThread(target: { dataDir: string; s3?: S3Settings }): StartExport {
  return (req) => new Promise<ExportResult>((resolve, reject) => {
    const data: ExportWorkerData = { ...target, req };
    const worker = startWorker(import.meta.url, './export-worker.js', { workerData: data });
    let settled = false;
    worker.once('message', (m: ExportReply) => {
      settled = true;
      if ('error' in m) reject(new Error(m.error));
      else resolve(m.result);
    });
    worker.once('error', (e) => {
      settled = true;
      reject(e);
    });
    worker.once('exit', (code) => {
      if (!settled) reject(new Error(`the export thread stopped (exit code ${code})`));
    });
  });
}
