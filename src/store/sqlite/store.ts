/**
 * SqliteStore: the Repository on one SQLite file (better-sqlite3, synchronous; the async methods resolve at once).
 *
 * HOW THIS CLASS IS ORGANISED (and how another area adds its methods)
 * - Each area keeps its SQL in its own module under src/store/sqlite/ (domains.ts, profiles.ts, objects.ts,
 *   history.ts, jobs.ts, …). A module exports plain synchronous functions whose first parameter is the
 *   `SqliteContext` (`c.db` = the better-sqlite3 Database, `c.stmt(sql)` = cached prepared statement,
 *   `c.tx(fn)` = transaction that nests as a savepoint, `c.tokens` = pagination tokens).
 * - Synchronous functions compose: call several of them inside one `c.tx(() => …)` and they form one transaction
 *   (e.g. the jobs' merge uses profiles.saveProfile + history.writeHistory atomically).
 * - To add methods: declare them in src/store/repository.ts under a comment with your area's name, write them in
 *   src/store/sqlite/<area>.ts, and add one-line delegates below in a block headed by your area's name.
 *   Schema changes go in src/store/sqlite/migrations/ (your number range) with a `REFERENCES domains(domain_name)
 *   ON DELETE CASCADE` on every table that belongs to a domain, so DeleteDomain removes it.
 * - Worker threads open their own store (openStore(dataDir)) — a connection is not shareable across threads.
 */
import type { StoredProfile } from '../../model/profile.js';
import type { GroupMergePlan, PreparedGroup } from '../jobs-results.js';
import type {
  DomainRecord, HistoryActionType, JobRecord, JobStatus, MatchGroupRecord, ObjectProfileResolution, ObjectTypeRecord, PageRequest,
  ProfileKeyRef, ProfileObjectRecord, ProfileWrite, Repository,
} from '../repository.js';
import type { TokenCodec } from '../tokens.js';
import type { Db, SqliteContext } from './database.js';
import * as domains from './domains.js';
import * as history from './history.js';
import * as jobs from './jobs.js';
import * as jobResults from './job-results.js';
import * as uploads from './uploads.js';
import * as keyBacklog from './key-backlog.js';
import * as objects from './objects.js';
import * as profiles from './profiles.js';

export class SqliteStore implements Repository {
  constructor(readonly context: SqliteContext) {}

  get db(): Db { return this.context.db; }
  get tokens(): TokenCodec { return this.context.tokens; }

  async close(): Promise<void> {
    if (this.db.open) this.db.close();
  }

  // ---- Domains (store)
  async createDomain(d: DomainRecord) { return domains.createDomain(this.context, d); }
  async getDomain(name: string) { return domains.getDomain(this.context, name); }
  async updateDomain(name: string, patch: Partial<DomainRecord>) { return domains.updateDomain(this.context, name, patch); }
  /**
   * Marks the domain deleted (invisible at once), then removes its content in short transactions, yielding to the
   * event loop between them, so that deleting a large domain does not stall other requests. Resolves when done.
   */
  async deleteDomain(name: string) {
    domains.markDomainDeleting(this.context, name);
    await this.purgeDomain(name);
  }

  private async purgeDomain(name: string): Promise<void> {
    while (this.db.open && !domains.purgeDomainChunk(this.context, name)) {
      await new Promise((resolve) => setImmediate(resolve));
    }
  }

  /** Finishes deletions interrupted by a crash or stop (called in the background when the store opens). */
  async resumeDomainDeletions(): Promise<void> {
    for (const name of domains.domainsBeingDeleted(this.context)) await this.purgeDomain(name);
  }
  async listDomains(page: PageRequest) { return domains.listDomains(this.context, page); }
  async getDomainStats(name: string) { return domains.getDomainStats(this.context, name); }

  // ---- Profiles (store)
  async createProfile(domain: string, write: ProfileWrite, now: number) { return profiles.createProfile(this.context, domain, write, now); }
  async updateProfile(domain: string, id: string, write: ProfileWrite, now: number) {
    return profiles.updateProfile(this.context, domain, id, write, now);
  }
  async deleteProfile(domain: string, id: string, now: number, performedBy?: string) {
    profiles.deleteProfile(this.context, domain, id, now, performedBy);
  }
  async getProfile(domain: string, id: string) { return profiles.loadProfile(this.context, domain, id); }
  async getProfiles(domain: string, ids: string[]) { return profiles.getProfiles(this.context, domain, ids); }
  async *scanProfiles(domain: string, batchSize: number): AsyncIterable<StoredProfile[]> {
    let after = '';
    for (;;) {
      const batch = profiles.scanBatch(this.context, domain, after, batchSize);
      if (batch.length === 0) return;
      yield batch;
      if (batch.length < batchSize) return;
      after = batch[batch.length - 1].profileId;
    }
  }
  async addProfileKey(domain: string, id: string, key: ProfileKeyRef | ProfileKeyRef[], now: number, performedBy?: string) {
    profiles.addProfileKey(this.context, domain, id, key, now, performedBy);
  }
  async deleteProfileKey(domain: string, id: string, key: ProfileKeyRef | ProfileKeyRef[], now: number, performedBy?: string) {
    profiles.deleteProfileKey(this.context, domain, id, key, now, performedBy);
  }
  async findProfileIdsByKey(domain: string, key: ProfileKeyRef) { return profiles.findProfileIdsByKey(this.context, domain, key); }
  async getProfileKeys(domain: string, id: string) { return profiles.getProfileKeys(this.context, domain, id); }

  // ---- Object types and objects (store)
  async putObjectType(t: ObjectTypeRecord) { return objects.putObjectType(this.context, t); }
  async getObjectType(domain: string, name: string) { return objects.getObjectType(this.context, domain, name); }
  async listObjectTypes(domain: string, page: PageRequest) { return objects.listObjectTypes(this.context, domain, page); }
  async deleteObjectType(domain: string, name: string, now = Date.now()) { objects.deleteObjectType(this.context, domain, name, now); }
  async putProfileObject(
    obj: Omit<ProfileObjectRecord, 'profileId'> & { profileId?: string }, write: ProfileWrite, now: number, resolve?: ObjectProfileResolution,
  ) {
    return objects.putProfileObject(this.context, obj, write, now, resolve);
  }
  async listProfileObjects(domain: string, type: string, id: string, page: PageRequest, filter?: { keyName: string; values: string[] }) {
    return objects.listProfileObjects(this.context, domain, type, id, page, filter);
  }
  async deleteProfileObject(domain: string, type: string, id: string, uniqueKey: string, _now: number) {
    objects.deleteProfileObject(this.context, domain, type, id, uniqueKey);
  }

  // ---- History (store)
  async listHistory(
    domain: string, id: string, filter: { objectTypeName?: string; actionType?: HistoryActionType; performedBy?: string }, page: PageRequest,
  ) {
    return history.listHistory(this.context, domain, id, filter, page);
  }
  async getHistoryRecord(domain: string, id: string, recordId: string) { return history.getHistoryRecord(this.context, domain, id, recordId); }

  // ---- Identity resolution jobs (store)
  async createJob(job: JobRecord) { return jobs.createJob(this.context, job); }
  async updateJob(domain: string, jobId: string, patch: Partial<JobRecord>, expectStatus?: JobStatus) {
    return jobs.updateJob(this.context, domain, jobId, patch, expectStatus);
  }
  async getJob(domain: string, jobId: string) { return jobs.getJob(this.context, domain, jobId); }
  cachedJob(domain: string, jobId: string) { return jobs.cachedJob(this.context, domain, jobId); }
  async listJobs(domain: string, page: PageRequest) { return jobs.listJobs(this.context, domain, page); }
  async deleteJob(domain: string, jobId: string) { jobs.deleteJob(this.context, domain, jobId); }

  // ---- Identity resolution jobs: results, merges, schedule queries (jobs area, src/store/sqlite/job-results.ts)
  async scanProfileTexts(domain: string, afterId: string, limit: number) { return jobResults.scanProfileTexts(this.context, domain, afterId, limit); }
  async saveJobRun(domain: string, jobId: string, patch: Parameters<typeof jobResults.saveJobRun>[3]) { jobResults.saveJobRun(this.context, domain, jobId, patch); }
  async getJobRun(domain: string, jobId: string) { return jobResults.getJobRun(this.context, domain, jobId); }
  async getJobModel(domain: string, jobId: string) { return jobResults.getJobModel(this.context, domain, jobId); }
  async saveJobKeyIndexPart(domain: string, jobId: string, part: number, data: Uint8Array) { jobResults.saveJobKeyIndexPart(this.context, domain, jobId, part, data); }
  async completeJobKeyIndex(domain: string, jobId: string, parts: number) { jobResults.completeJobKeyIndex(this.context, domain, jobId, parts); }
  async loadJobKeyIndex(domain: string) { return jobResults.loadJobKeyIndex(this.context, domain); }
  async keyIndexJobId(domain: string) { return jobResults.keyIndexJobId(this.context, domain); }
  async saveJobMatches(domain: string, jobId: string, groups: MatchGroupRecord[], firstSeq?: number) { jobResults.saveJobMatches(this.context, domain, jobId, groups, firstSeq); }
  async listJobMatches(domain: string, jobId: string, afterSeq: number, limit: number, mergeState?: 0 | 1 | 2) {
    return jobResults.listJobMatches(this.context, domain, jobId, afterSeq, limit, mergeState);
  }
  async countJobMatches(domain: string, jobId: string) { return jobResults.countJobMatches(this.context, domain, jobId); }
  async getJobMatch(domain: string, jobId: string, matchId: string) { return jobResults.getJobMatch(this.context, domain, jobId, matchId); }
  async mergeJobGroup(domain: string, jobId: string, seq: number, plan: Parameters<typeof jobResults.mergeJobGroup>[4], now: number, performedBy: string, alsoProcessed?: readonly number[]) {
    return jobResults.mergeJobGroup(this.context, domain, jobId, seq, plan, now, performedBy, alsoProcessed);
  }
  async prepareJobGroups(domain: string, groups: Array<{ seq: number; profileIds: string[] }>, plan: (g: { seq: number; profileIds: string[] }, profiles: StoredProfile[]) => GroupMergePlan[]) {
    return jobResults.prepareJobGroups(this.context, domain, groups, plan);
  }
  async mergePreparedJobGroup(domain: string, jobId: string, prep: PreparedGroup, plan: Parameters<typeof jobResults.mergeJobGroup>[4], now: number, performedBy: string, alsoProcessed?: readonly number[]) {
    return jobResults.mergePreparedJobGroup(this.context, domain, jobId, prep, plan, now, performedBy, alsoProcessed);
  }
  async markJobMatchesProcessed(domain: string, jobId: string, seqs: readonly number[]) { jobResults.markJobMatchesProcessed(this.context, domain, jobId, seqs); }
  async beginMergeBatch() { jobResults.beginMergeBatch(this.context); }
  async commitMergeBatch(domain: string, jobId: string, alsoProcessed: readonly number[], job: Partial<JobRecord>) {
    jobResults.commitMergeBatch(this.context, domain, jobId, alsoProcessed, job);
  }
  async rollbackMergeBatch() { jobResults.rollbackMergeBatch(this.context); }
  async inMergeBatch() { return this.db.inTransaction; }
  async countJobMerges(domain: string, jobId: string) { return jobResults.countJobMerges(this.context, domain, jobId); }
  async markJobMatchFailed(domain: string, jobId: string, seq: number) { jobResults.markJobMatchFailed(this.context, domain, jobId, seq); }
  async mergeProfiles(domain: string, mainId: string, mergedIds: string[], resolve: Parameters<typeof jobResults.mergeProfiles>[4], now: number, performedBy?: string) {
    return jobResults.mergeProfiles(this.context, domain, mainId, mergedIds, resolve, now, performedBy);
  }
  async resolveLiveProfileIds(domain: string, ids: string[]) { return jobResults.resolveLiveProfileIds(this.context, domain, ids); }
  async reviewedProfileTexts(domain: string, jobId: string, ids: string[]) { return jobResults.reviewedProfileTexts(this.context, domain, jobId, ids); }
  async latestCompletedJobId(domain: string) { return jobResults.latestCompletedJobId(this.context, domain); }
  async listJobsByStatus(statuses: JobStatus[]) { return jobResults.listJobsByStatus(this.context, statuses); }
  async listRunJobStartTimes(domain: string, since: number) { return jobResults.listRunJobStartTimes(this.context, domain, since); }
  async purgeExpiredJobs(now: number) { return jobResults.purgeExpiredJobs(this.context, now); }

  // ---- Bulk ingestion (ingestion area, src/store/sqlite/uploads.ts)
  async bulkUpsertProfiles(domain: string, rows: Parameters<typeof uploads.bulkUpsertProfiles>[2], o: Parameters<typeof uploads.bulkUpsertProfiles>[3], now: number) {
    return uploads.bulkUpsertProfiles(this.context, domain, rows, o, now);
  }
  async createUploadJob(job: Parameters<typeof uploads.createUploadJob>[1]) { return uploads.createUploadJob(this.context, job); }
  async getUploadJob(domain: string, jobId: string) { return uploads.getUploadJob(this.context, domain, jobId); }
  async updateUploadJob(domain: string, jobId: string, patch: Parameters<typeof uploads.updateUploadJob>[3], expect?: Parameters<typeof uploads.updateUploadJob>[4]) {
    return uploads.updateUploadJob(this.context, domain, jobId, patch, expect);
  }
  async listUploadJobs(domain: string, page: PageRequest) { return uploads.listUploadJobs(this.context, domain, page); }
  async findUploadJobsByStatus(statuses: Parameters<typeof uploads.findUploadJobsByStatus>[1]) { return uploads.findUploadJobsByStatus(this.context, statuses); }
  async hasKeyBacklog() { return keyBacklog.hasKeyBacklog(this.context); }
  async indexKeyBacklog() { return keyBacklog.indexKeyBacklog(this.context); }
}
