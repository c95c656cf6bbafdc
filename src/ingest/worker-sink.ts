/** An ImportSink that hands batches to the write worker (write-worker.ts) on its own store connection. */
import type { Worker } from 'node:worker_threads';
import { AwsError, type AwsErrorCode } from '../errors.js';
import type { BulkUpsertOptions } from '../store/uploads.js';
import { prepareNewProfile } from '../store/sqlite/uploads.js';
import { startWorker } from '../util/worker.js';
import type { BatchProgress, ImportSink, WriteResult } from './pipeline.js';
import type { ProfileRow } from './types.js';
import type { IndexKeysRequest, WriteReply, WriteRequest } from './write-worker.js';

type OkReply = Exclude<WriteReply, { error: unknown }>;

export class WorkerSink implements ImportSink {
  private readonly worker: Worker;
  private nextId = 1;
  private readonly waiting = new Map<number, { resolve(r: OkReply): void; reject(e: Error): void }>();
  private failure: Error | undefined;

  constructor(
    dataDir: string,
    private readonly domainName: string,
    private readonly options: Omit<BulkUpsertOptions, 'progress'> & { jobId?: string; objectTypeName?: string },
    private readonly now: () => number = Date.now,
    /** Created profiles per key-backlog pass (write-worker.ts); default 100,000. */
    keyBatch?: number,
  ) {
    this.worker = startWorker(import.meta.url, './write-worker.js', { workerData: { dataDir, keyBatch } });
    this.worker.on('message', (m: WriteReply) => {
      const w = this.waiting.get(m.id);
      if (!w) return;
      this.waiting.delete(m.id);
      if ('error' in m) {
        const code = m.error.name as AwsErrorCode;
        w.reject(m.error.name.endsWith('Exception') ? new AwsError(code, m.error.message) : new Error(m.error.message));
      } else w.resolve(m);
    });
    this.worker.on('error', (e) => this.fail(e));
    this.worker.on('exit', (code) => this.fail(new Error(`the write worker exited (code ${code})`)));
  }

  private fail(e: Error) {
    this.failure ??= e;
    for (const w of this.waiting.values()) w.reject(e);
    this.waiting.clear();
  }

  write(rows: ProfileRow[], batch: BatchProgress): Promise<WriteResult> {
    const { jobId, objectTypeName, ...options } = this.options;
    const progress = jobId ? { jobId, ...batch } : undefined;
    if (this.failure) return Promise.reject(this.failure);
    const id = this.nextId++;
    // The pure part (FieldMeta, JSON) is done on this thread; the worker only runs SQL. No predefined keys: the
    // worker defers them (key backlog) and derives them from the stored data when it indexes them.
    const now = this.now();
    const req: WriteRequest = objectTypeName
      ? { id, domainName: this.domainName, rows: [], options, now, objectTypeName, objects: rows.map((r) => ({ line: r.line, object: r.object ?? '{}' })) }
      : {
        id, domainName: this.domainName, options: { ...options, progress }, now,
        rows: rows.map((r) => ({ prepared: prepareNewProfile(r.data, options.source, now, false), uniqueKey: r.uniqueKey })),
      };
    return this.request(req).then((m) => ('created' in m ? { created: m.created, updated: m.updated, rejected: m.rejected } : { created: 0, updated: 0 }));
  }

  /**
   * Inserts the predefined keys of the profiles written so far (the worker defers them, see
   * src/store/sqlite/key-backlog.ts): call it when the import is done, before reporting it finished.
   */
  async indexKeys(): Promise<{ keys: number }> {
    const m = await this.request({ id: this.nextId++, indexKeys: true });
    return 'indexed' in m ? m.indexed : { keys: 0 };
  }

  private request(req: WriteRequest | IndexKeysRequest) {
    if (this.failure) return Promise.reject(this.failure);
    return new Promise<OkReply>((resolve, reject) => {
      this.waiting.set(req.id, { resolve, reject });
      this.worker.postMessage(req);
    });
  }

  /** Waits for the worker to index any key backlog left, close its store connection and exit. */
  async close(): Promise<void> {
    if (this.failure) return;
    const exited = new Promise<void>((resolve) => this.worker.once('exit', () => resolve()));
    this.worker.postMessage('close');
    await exited;
  }
}
