/**
 * The store's interface. Handlers, jobs and ingestion depend on this only (SQLite now, PostgreSQL later).
 * Every method is async (a PostgreSQL implementation needs it) and every write method is ONE transaction:
 * an operation that writes calls one method, so that a failure leaves nothing half-written.
 * Times are epoch milliseconds. API-shaped sub-documents (Matching, AutoMerging…) use the generated types.
 */
import type {
  AutoMerging, ExportingLocation, JobStats, MatchingRequest, RuleBasedMatchingRequest, ObjectTypeField, ObjectTypeKey,
} from '../api/generated/types.js';
import type { FieldMeta, ProfileData, StoredProfile } from '../model/profile.js';
import type { TokenCodec } from './tokens.js';
import type { JobsResultsRepository } from './jobs-results.js';
import type { UploadsRepository } from './uploads.js';

export type JobStatus =
  | 'PENDING' | 'PREPROCESSING' | 'FIND_MATCHING' | 'MERGING' | 'COMPLETED' | 'PARTIAL_SUCCESS' | 'FAILED';

export interface DomainRecord {
  domainName: string;
  defaultExpirationDays: number;
  defaultEncryptionKey?: string;
  deadLetterQueueUrl?: string;
  /** As given to Create/UpdateDomain (Enabled, JobSchedule, AutoMerging, ExportingConfig). */
  matching?: MatchingRequest;
  ruleBasedMatching?: RuleBasedMatchingRequest;
  tags: Record<string, string>;
  createdAt: number;
  lastUpdatedAt: number;
}

export interface DomainStats {
  profileCount: number;
  objectCount: number;
  /** Size (characters) of stored profile JSON and object text. */
  totalSize: number;
  meteringProfileCount: number;
}

export interface ProfileKeyRef { keyName: string; value: string }

export interface ObjectTypeRecord {
  domainName: string;
  objectTypeName: string;
  description: string;
  templateId?: string;
  expirationDays?: number;
  encryptionKey?: string;
  allowProfileCreation: boolean;
  sourceLastUpdatedTimestampFormat?: string;
  maxProfileObjectCount?: number;
  fields: Record<string, ObjectTypeField>;
  keys: Record<string, ObjectTypeKey[]>;
  tags: Record<string, string>;
  createdAt: number;
  lastUpdatedAt: number;
}

export interface ProfileObjectRecord {
  domainName: string;
  objectTypeName: string;
  /** ProfileObjectUniqueKey. */
  uniqueKey: string;
  profileId: string;
  object: string;
  /** Key name → values extracted from the object by the type's Keys. */
  keys: Record<string, string[]>;
  createdAt: number;
}

export type HistoryActionType =
  | 'ADDED_PROFILE_KEY' | 'DELETED_PROFILE_KEY' | 'CREATED' | 'UPDATED' | 'INGESTED'
  | 'DELETED_BY_CUSTOMER' | 'EXPIRED' | 'MERGED' | 'DELETED_BY_MERGE';

export interface HistoryRecord {
  id: string;
  domainName: string;
  profileId: string;
  objectTypeName: string;
  actionType: HistoryActionType;
  createdAt: number;
  lastUpdatedAt?: number;
  performedBy?: string;
  /** ProfileObjectUniqueKey of the object (INGESTED records). */
  profileObjectUniqueKey?: string;
  /** Full content of the profile (or object) at that time, as JSON text. */
  content: string;
}

export interface JobRecord {
  domainName: string;
  jobId: string;
  status: JobStatus;
  message?: string;
  jobStartTime: number;
  jobEndTime?: number;
  lastUpdatedAt: number;
  jobExpirationTime?: number;
  autoMerging?: AutoMerging;
  exportingLocation?: ExportingLocation;
  jobStats?: JobStats;
}

export interface MatchGroupRecord {
  matchId: string;
  profileIds: string[];
  confidenceScore: number;
}

export interface Page<T> { items: T[]; nextToken?: string }
export interface PageRequest { maxResults?: number; nextToken?: string }

/** A profile write: field values plus the provenance to record for each field written. */
export interface ProfileWrite {
  data: ProfileData;
  /** Dotted paths removed (UpdateProfile with empty string). */
  removed?: string[];
  source: string;
  /** Source-last-updated time for RECENCY (defaults to now). */
  sourceUpdatedAt?: number;
  /** Recorded as PerformedBy in the history record the write produces. */
  performedBy?: string;
}

/** How PutProfileObject finds (or creates) the profile an object belongs to; resolved inside the write transaction. */
export interface ObjectProfileResolution {
  /** Lookup groups in order (PROFILE / LOOKUP_ONLY / NEW_ONLY keys first, then SECONDARY); first group with a hit wins. */
  lookup: ProfileKeyRef[][];
  /** Create a profile from the write when nothing is found (AllowProfileCreation). */
  allowCreate: boolean;
  /** Keys persisted on the profile (PROFILE, SECONDARY, ASSET, CASE, ORDER). */
  persistKeys: ProfileKeyRef[];
  /** Keys persisted only when the profile is created by this object (NEW_ONLY). */
  newOnlyKeys?: ProfileKeyRef[];
}

/** The jobs area's methods (results, merges, schedule queries) are declared in jobs-results.ts, ingestion's in uploads.ts. */
export interface Repository extends JobsResultsRepository, UploadsRepository {
  close(): Promise<void>;
  /** Opaque HMAC-signed pagination tokens (secret per data dir); use a scope that includes the domain. */
  readonly tokens: TokenCodec;

  // Domains
  createDomain(d: DomainRecord): Promise<DomainRecord>;
  getDomain(domainName: string): Promise<DomainRecord | undefined>;
  updateDomain(domainName: string, patch: Partial<DomainRecord>): Promise<DomainRecord>;
  /** Deletes the domain and everything in it (profiles, objects, types, history, jobs, matches, uploads). */
  deleteDomain(domainName: string): Promise<void>;
  listDomains(page: PageRequest): Promise<Page<DomainRecord>>;
  getDomainStats(domainName: string): Promise<DomainStats>;

  // Profiles
  createProfile(domainName: string, write: ProfileWrite, now: number): Promise<StoredProfile>;
  updateProfile(domainName: string, profileId: string, write: ProfileWrite, now: number): Promise<StoredProfile>;
  deleteProfile(domainName: string, profileId: string, now: number, performedBy?: string): Promise<void>;
  getProfile(domainName: string, profileId: string): Promise<StoredProfile | undefined>;
  getProfiles(domainName: string, profileIds: string[]): Promise<StoredProfile[]>;
  /** Streams every live profile of a domain in profileId order, in batches (for jobs and exports). */
  scanProfiles(domainName: string, batchSize: number): AsyncIterable<StoredProfile[]>;
  /** Adds one or several values (one ADDED_PROFILE_KEY history record per call). */
  addProfileKey(domainName: string, profileId: string, key: ProfileKeyRef | ProfileKeyRef[], now: number, performedBy?: string): Promise<void>;
  /** Removes values (one DELETED_PROFILE_KEY history record per call). */
  deleteProfileKey(domainName: string, profileId: string, key: ProfileKeyRef | ProfileKeyRef[], now: number, performedBy?: string): Promise<void>;
  /** Profile ids that hold a key value ('_email', '_phone', '_fullName', '_account', '_profileId' or a domain key). */
  findProfileIdsByKey(domainName: string, key: ProfileKeyRef): Promise<string[]>;
  getProfileKeys(domainName: string, profileId: string): Promise<ProfileKeyRef[]>;

  // Object types and objects
  putObjectType(t: ObjectTypeRecord): Promise<ObjectTypeRecord>;
  getObjectType(domainName: string, name: string): Promise<ObjectTypeRecord | undefined>;
  listObjectTypes(domainName: string, page: PageRequest): Promise<Page<ObjectTypeRecord>>;
  /** Deletes the type and its objects and scrubs the profile fields it populated (as AWS does). */
  deleteObjectType(domainName: string, name: string, now?: number): Promise<void>;
  /**
   * Stores an object and applies its profile write in one transaction: the object attaches to `profileId`,
   * or to a new profile (with `write`) when profileId is undefined. With `resolve`, the profile is looked up by
   * keys (and possibly created) inside the same transaction; throws BadRequestException when none is found
   * and creation is not allowed. Writes CREATED (new profile), UPDATED (fields changed) and INGESTED history.
   */
  putProfileObject(obj: Omit<ProfileObjectRecord, 'profileId'> & { profileId?: string }, write: ProfileWrite, now: number, resolve?: ObjectProfileResolution): Promise<{ profileId: string; created: boolean }>;
  listProfileObjects(domainName: string, objectTypeName: string, profileId: string, page: PageRequest, filter?: { keyName: string; values: string[] }): Promise<Page<ProfileObjectRecord>>;
  deleteProfileObject(domainName: string, objectTypeName: string, profileId: string, uniqueKey: string, now: number): Promise<void>;

  // History
  listHistory(domainName: string, profileId: string, filter: { objectTypeName?: string; actionType?: HistoryActionType; performedBy?: string }, page: PageRequest): Promise<Page<HistoryRecord>>;
  getHistoryRecord(domainName: string, profileId: string, id: string): Promise<HistoryRecord | undefined>;

  // Identity resolution jobs
  createJob(job: JobRecord): Promise<JobRecord>;
  /** Updates a job; `expectStatus` makes it a compare-and-set (returns undefined when the status differs). */
  updateJob(domainName: string, jobId: string, patch: Partial<JobRecord>, expectStatus?: JobStatus): Promise<JobRecord | undefined>;
  getJob(domainName: string, jobId: string): Promise<JobRecord | undefined>;
  /**
   * Optional, synchronous (API core: GetIdentityResolutionJob's polls answered without a promise): the job when the
   * store holds it in a read cache that is never stale (frozen record, shared); undefined means "ask getJob".
   * A store without such a cache leaves it out.
   */
  cachedJob?(domainName: string, jobId: string): JobRecord | undefined;
  /** Newest JobStartTime first. */
  listJobs(domainName: string, page: PageRequest): Promise<Page<JobRecord>>;
  deleteJob(domainName: string, jobId: string): Promise<void>;
}

export type { FieldMeta, ProfileData, StoredProfile };
