/**
 * Runs upload jobs off the request path: the file uploaded to the job's URL is read and parsed on the server's
 * event loop in chunks (async, never a long block) while a write worker thread (WorkerSink) commits the batches.
 *
 * Status rules. CREATED → IN_PROGRESS (StartUploadJob) → one of
 *  - SUCCEEDED: every record loaded; PARTIALLY_SUCCEEDED: some records failed (FailedRecords), others loaded;
 *  - FAILED + VALIDATION_FAILURE: the file is unusable (no header, a mapped column missing) or no record loaded;
 *  - FAILED + INTERNAL_FAILURE: an unexpected error (the batches committed before it stay);
 *  - STOPPED: StopUploadJob, honoured between batches (the batches committed before it stay).
 * Crash rule: each batch commits its profiles together with the job's counts and last line, so nothing is ever
 * half-written; a job found IN_PROGRESS when the server starts resumes after its last committed line, with exact
 * counts. A server shutdown leaves running jobs IN_PROGRESS so that they resume the same way.
 */
import { createReadStream, createWriteStream, existsSync, mkdirSync, rmSync, type WriteStream } from 'node:fs';
import { join } from 'node:path';
import type { Logger } from 'pino';
import type { Repository } from '../store/repository.js';
import type { UploadJobRecord } from '../store/uploads.js';
import { FileError } from './csv-reader.js';
import { MappingError, mappingFromFields } from './mapping.js';
import { runImport } from './pipeline.js';
import { WorkerSink } from './worker-sink.js';

export interface UploadServiceOptions {
  store: Repository;
  dataDir: string;
  log: Logger;
  /** Base URL of this server for upload URLs (COALESCE_PUBLIC_URL, else the listening address). */
  baseUrl: () => string;
  now?: () => number;
  batchSize?: number;
}

export class UploadService {
  private readonly running = new Map<string, { stop: boolean; shutdown: boolean; done: Promise<void> }>();
  /** The start-up indexing of a key backlog left by an interrupted import (recover). */
  private backlogDone: Promise<void> | undefined;
  readonly now: () => number;

  constructor(readonly o: UploadServiceOptions) {
    this.now = o.now ?? Date.now;
  }

  get uploadsDir(): string { return join(this.o.dataDir, 'uploads'); }
  filePath(jobId: string): string { return join(this.uploadsDir, `${jobId}.csv`); }
  errorReportPath(jobId: string): string { return join(this.uploadsDir, `${jobId}.errors.csv`); }
  baseUrl(): string { return this.o.baseUrl(); }

  /** Starts processing a job already marked IN_PROGRESS (StartUploadJob or restart recovery). */
  launch(job: UploadJobRecord): void {
    const key = `${job.domainName}/${job.jobId}`;
    if (this.running.has(key)) return;
    const state = { stop: false, shutdown: false, done: Promise.resolve() };
    state.done = this.process(job, state).catch((err) => this.o.log.error({ err, jobId: job.jobId }, 'upload job crashed'))
      .finally(() => this.running.delete(key));
    this.running.set(key, state);
  }

  /** Asks a running job to stop after its current batch; false when it is not running here. */
  requestStop(domainName: string, jobId: string): boolean {
    const r = this.running.get(`${domainName}/${jobId}`);
    if (r) r.stop = true;
    return !!r;
  }

  /** Resumes the jobs a previous process left IN_PROGRESS. */
  async recover(): Promise<void> {
    // Keys an interrupted import (e.g. a killed `coalesce import`) left unindexed: a write worker indexes them when
    // it starts; in the background, so that the server starts at once.
    if (await this.o.store.hasKeyBacklog()) {
      const sink = new WorkerSink(this.o.dataDir, '', { source: '' }, this.now);
      this.backlogDone = sink.indexKeys().then(() => undefined, (err) => this.o.log.error({ err }, 'indexing the key backlog failed'))
        .finally(() => sink.close().catch(() => {}));
    }
    for (const job of await this.o.store.findUploadJobsByStatus(['IN_PROGRESS'])) {
      if (job.stopRequested) {
        // StopUploadJob was accepted before the interruption: honour it instead of resuming.
        await this.finish(job, { status: 'STOPPED', message: `stopped after line ${job.lastLine}` });
        continue;
      }
      this.o.log.info({ jobId: job.jobId, domainName: job.domainName, afterLine: job.lastLine }, 'resuming upload job');
      this.launch(job);
    }
  }

  /** Server shutdown: running jobs pause after their current batch and stay IN_PROGRESS (resumed on restart). */
  async shutdown(): Promise<void> {
    for (const r of this.running.values()) r.shutdown = true;
    await Promise.all([...this.running.values()].map((r) => r.done));
    await this.backlogDone;
  }

  /** Waits until a job is no longer running in this process (tests). */
  async idle(domainName: string, jobId: string): Promise<void> {
    await this.running.get(`${domainName}/${jobId}`)?.done;
  }

  private async finish(job: UploadJobRecord, patch: Partial<UploadJobRecord>) {
    await this.o.store.updateUploadJob(job.domainName, job.jobId, { ...patch, completedAt: this.now() }, 'IN_PROGRESS');
  }

  private async process(job: UploadJobRecord, state: { stop: boolean; shutdown: boolean }): Promise<void> {
    const file = this.filePath(job.jobId);
    if (!existsSync(file)) {
      await this.finish(job, { status: 'FAILED', statusReason: 'INTERNAL_FAILURE', message: 'the uploaded file is missing from the data directory' });
      return;
    }
    let sink: WorkerSink | undefined;
    let report: WriteStream | undefined;
    try {
      const mapping = mappingFromFields(job.fields, job.uniqueKey);
      // Key-backlog passes of 25,000 profiles: each is one write transaction, which the server's API writes wait for.
      sink = new WorkerSink(this.o.dataDir, job.domainName, { source: `_upload:${job.jobId}`, keyName: mapping.uniqueKey?.keyName, jobId: job.jobId }, this.now, 25_000);
      mkdirSync(this.uploadsDir, { recursive: true });
      report = createWriteStream(this.errorReportPath(job.jobId), { flags: job.lastLine > 0 ? 'a' : 'w' });
      if (job.lastLine === 0) report.write('line,reason\n');
      const out = report;
      const result = await runImport({
        input: createReadStream(file, { highWaterMark: 1 << 20 }),
        format: 'csv',
        mapping,
        sink,
        batchSize: this.o.batchSize,
        resumeAfterLine: job.lastLine,
        onReject: (e) => { out.write(`${e.line},${csvCell(e.reason)}\n`); },
        shouldStop: () => state.stop || state.shutdown,
      });
      if (result.stopped && state.shutdown && !state.stop) return; // stays IN_PROGRESS; resumed on restart
      // The predefined keys the write worker deferred (key backlog) are in place before the job says it ended.
      await sink.indexKeys();
      const done = (await this.o.store.getUploadJob(job.domainName, job.jobId))!;
      if (result.stopped) {
        await this.finish(job, { status: 'STOPPED', message: `stopped after line ${done.lastLine}` });
      } else if (done.failedRecords === 0) {
        await this.finish(job, { status: 'SUCCEEDED' });
      } else if (done.createdRecords + done.updatedRecords > 0) {
        await this.finish(job, { status: 'PARTIALLY_SUCCEEDED', message: `${done.failedRecords} record(s) rejected; see ${this.errorReportPath(job.jobId)}` });
      } else {
        await this.finish(job, { status: 'FAILED', statusReason: 'VALIDATION_FAILURE', message: `no record could be loaded; see ${this.errorReportPath(job.jobId)}` });
      }
    } catch (err) {
      // The keys of the batches committed before the failure, before the job says FAILED.
      await sink?.indexKeys().catch(() => {});
      const validation = err instanceof FileError || err instanceof MappingError;
      if (!validation) this.o.log.error({ err, jobId: job.jobId }, 'upload job failed');
      await this.finish(job, {
        status: 'FAILED', statusReason: validation ? 'VALIDATION_FAILURE' : 'INTERNAL_FAILURE', message: (err as Error).message,
      });
    } finally {
      await sink?.close().catch(() => {});
      await new Promise<void>((resolve) => (report ? report.end(() => resolve()) : resolve()));
      // The uploaded file is needed only until the job ends (a paused job resumes from it).
      const after = await this.o.store.getUploadJob(job.domainName, job.jobId).catch(() => undefined);
      if (after?.status !== 'IN_PROGRESS') rmSync(file, { force: true });
    }
  }
}

/** A CSV cell (quoted when needed) for error reports. */
export function csvCell(s: string): string {
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

const services = new WeakMap<Repository, UploadService>();

export function registerUploadService(store: Repository, service: UploadService): void {
  services.set(store, service);
}

/** The upload service of the server that owns this store (set by the uploads server plugin). */
export function uploadServiceFor(store: Repository): UploadService | undefined {
  return services.get(store);
}
