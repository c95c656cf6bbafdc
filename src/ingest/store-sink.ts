/** The sink that writes import batches straight into a store (CLI --data-dir, upload jobs). */
import type { Repository } from '../store/repository.js';
import type { BulkUpsertOptions } from '../store/uploads.js';
import type { BatchProgress, ImportSink, WriteResult } from './pipeline.js';
import type { ProfileRow } from './types.js';

export class StoreSink implements ImportSink {
  constructor(
    private readonly store: Repository,
    private readonly domainName: string,
    private readonly options: Omit<BulkUpsertOptions, 'progress'> & { jobId?: string },
    private readonly now: () => number = Date.now,
  ) {}

  async write(rows: ProfileRow[], batch: BatchProgress): Promise<WriteResult> {
    const { jobId, ...options } = this.options;
    const progress = jobId ? { jobId, ...batch } : undefined;
    const bulk = rows.map((r) => (r.uniqueKey === undefined ? { data: r.data } : { data: r.data, uniqueKey: r.uniqueKey }));
    return this.store.bulkUpsertProfiles(this.domainName, bulk, { ...options, progress }, this.now());
  }
}
