/**
 * Store methods of the bulk-ingestion area (batched profile upsert, upload jobs). Part of `Repository`;
 * SQLite implementation in src/store/sqlite/uploads.ts. Every write method is one transaction.
 */
import type { ObjectTypeField } from '../api/generated/types.js';
import type { ProfileData } from '../model/profile.js';
import type { Page, PageRequest } from './repository.js';

export type UploadJobStatus = 'CREATED' | 'IN_PROGRESS' | 'PARTIALLY_SUCCEEDED' | 'SUCCEEDED' | 'FAILED' | 'STOPPED';

export interface UploadJobRecord {
  domainName: string;
  jobId: string;
  displayName: string;
  fields: Record<string, ObjectTypeField>;
  uniqueKey: string;
  dataExpiry?: number;
  status: UploadJobStatus;
  statusReason?: 'VALIDATION_FAILURE' | 'INTERNAL_FAILURE';
  /** Human-readable detail of the status (not part of the AWS shape). */
  message?: string;
  createdAt: number;
  startedAt?: number;
  completedAt?: number;
  /** Set once the file was PUT to the upload URL. */
  uploadedBytes?: number;
  uploadedAt?: number;
  createdRecords: number;
  updatedRecords: number;
  failedRecords: number;
  /** Last source line whose batch is committed (resume point after a crash). */
  lastLine: number;
  stopRequested: boolean;
}

/** A new profile's stored form, computed off the write path (see prepareNewProfile in sqlite/uploads.ts). */
export interface PreparedProfile {
  dataJson: string;
  metaJson: string;
  /** Predefined keys except `_profileId`, normalized, flat: [name, value, name, value, …]. */
  keys: string[];
}

/** One profile of a bulk write: `data`, or `prepared` (same content, precomputed); `uniqueKey` = the unique key's value. */
export interface BulkProfileRow {
  data?: ProfileData;
  prepared?: PreparedProfile;
  uniqueKey?: string;
}

export interface BulkUpsertOptions {
  /** FieldMeta source: the object type name or `_upload:<jobId>`. */
  source: string;
  /** Profile key holding the unique key (value → profile id); rows with a known value update that profile. */
  keyName?: string;
  performedBy?: string;
  /**
   * Do not insert the predefined keys of created profiles; record their id range in the key backlog instead, for
   * indexKeyBacklog to insert in key order later (much less I/O for large imports; see sqlite/key-backlog.ts).
   * The caller must make sure the backlog gets indexed (the import write worker does).
   */
  deferKeys?: boolean;
  /** Upload job progress committed atomically with the batch. */
  progress?: { jobId: string; lastLine: number; failed: number };
}

export interface BulkUpsertResult { created: number; updated: number }

export interface UploadsRepository {
  // ---- Bulk ingestion area (src/store/sqlite/uploads.ts) ----
  /** Creates or updates (by unique key) a batch of profiles in one transaction, with keys, FieldMeta and history. */
  bulkUpsertProfiles(domainName: string, rows: BulkProfileRow[], options: BulkUpsertOptions, now: number): Promise<BulkUpsertResult>;
  createUploadJob(job: UploadJobRecord): Promise<UploadJobRecord>;
  getUploadJob(domainName: string, jobId: string): Promise<UploadJobRecord | undefined>;
  /** With expectStatus: compare-and-set (undefined when the current status is not one of them). */
  updateUploadJob(domainName: string, jobId: string, patch: Partial<UploadJobRecord>, expectStatus?: UploadJobStatus | UploadJobStatus[]): Promise<UploadJobRecord | undefined>;
  /** Newest first. */
  listUploadJobs(domainName: string, page: PageRequest): Promise<Page<UploadJobRecord>>;
  /** Jobs of all domains in the given statuses (restart recovery). */
  findUploadJobsByStatus(statuses: UploadJobStatus[]): Promise<UploadJobRecord[]>;
  /** Whether some bulk-created profiles still lack their predefined keys (written with `deferKeys`). */
  hasKeyBacklog(): Promise<boolean>;
  /** Inserts the predefined keys of every profile in the key backlog (all domains), in one transaction. */
  indexKeyBacklog(): Promise<{ keys: number }>;
}
