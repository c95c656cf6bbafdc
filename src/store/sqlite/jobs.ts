/** Identity resolution jobs: one row per job, every field of GetIdentityResolutionJob's response. */
import type { JobRecord, JobStatus, Page, PageRequest } from '../repository.js';
import type { SqliteContext } from './database.js';
import { jobReadCache } from './job-cache.js';

interface JobRow {
  domain_name: string; job_id: string; status: string; message: string | null; job_start_time: number;
  job_end_time: number | null; last_updated_at: number; job_expiration_time: number | null; auto_merging: string | null;
  exporting_location: string | null; job_stats: string | null;
}

function fromRow(r: JobRow): JobRecord {
  const j: JobRecord = {
    domainName: r.domain_name, jobId: r.job_id, status: r.status as JobStatus, jobStartTime: r.job_start_time,
    lastUpdatedAt: r.last_updated_at,
  };
  if (r.message !== null) j.message = r.message;
  if (r.job_end_time !== null) j.jobEndTime = r.job_end_time;
  if (r.job_expiration_time !== null) j.jobExpirationTime = r.job_expiration_time;
  if (r.auto_merging !== null) j.autoMerging = JSON.parse(r.auto_merging);
  if (r.exporting_location !== null) j.exportingLocation = JSON.parse(r.exporting_location);
  if (r.job_stats !== null) j.jobStats = JSON.parse(r.job_stats);
  return j;
}

function toParams(j: JobRecord) {
  const json = (v: unknown) => (v === undefined ? null : JSON.stringify(v));
  return {
    domain_name: j.domainName, job_id: j.jobId, status: j.status, message: j.message ?? null,
    job_start_time: j.jobStartTime, job_end_time: j.jobEndTime ?? null, last_updated_at: j.lastUpdatedAt,
    job_expiration_time: j.jobExpirationTime ?? null, auto_merging: json(j.autoMerging),
    exporting_location: json(j.exportingLocation), job_stats: json(j.jobStats),
  };
}

export function createJob(c: SqliteContext, job: JobRecord): JobRecord {
  c.stmt(`INSERT INTO jobs (domain_name, job_id, status, message, job_start_time, job_end_time, last_updated_at,
      job_expiration_time, auto_merging, exporting_location, job_stats) VALUES (@domain_name, @job_id, @status, @message,
      @job_start_time, @job_end_time, @last_updated_at, @job_expiration_time, @auto_merging, @exporting_location, @job_stats)`)
    .run(toParams(job));
  return readJob(c, job.domainName, job.jobId)!;
}

/** A job as stored now, through the connection's read cache (the record is frozen: shared with other readers). */
export function getJob(c: SqliteContext, domainName: string, jobId: string): JobRecord | undefined {
  return jobReadCache(c).get(domainName, jobId, readJob);
}

/** The job from the connection's read cache only (synchronous; frozen record), or undefined: then ask getJob. */
export function cachedJob(c: SqliteContext, domainName: string, jobId: string): JobRecord | undefined {
  return jobReadCache(c).peek(domainName, jobId);
}

/** Reads the row (no cache): a fresh record the caller may change. */
function readJob(c: SqliteContext, domainName: string, jobId: string): JobRecord | undefined {
  const row = c.stmt<[string, string], JobRow>('SELECT * FROM jobs WHERE domain_name = ? AND job_id = ?').get(domainName, jobId);
  return row ? fromRow(row) : undefined;
}

/**
 * Applies a patch (a member set to undefined explicitly clears it). With expectStatus it is a compare-and-set:
 * nothing changes and undefined is returned when the job's status differs (or the job is gone).
 */
export function updateJob(c: SqliteContext, domainName: string, jobId: string, patch: Partial<JobRecord>, expectStatus?: JobStatus): JobRecord | undefined {
  return c.tx(() => {
    const current = readJob(c, domainName, jobId);
    if (!current || (expectStatus !== undefined && current.status !== expectStatus)) return undefined;
    const next = { ...current, ...patch, domainName, jobId } as JobRecord;
    c.stmt(`UPDATE jobs SET status = @status, message = @message, job_start_time = @job_start_time, job_end_time = @job_end_time,
        last_updated_at = @last_updated_at, job_expiration_time = @job_expiration_time, auto_merging = @auto_merging,
        exporting_location = @exporting_location, job_stats = @job_stats WHERE domain_name = @domain_name AND job_id = @job_id`)
      .run(toParams(next));
    return fromRow(c.stmt<[string, string], JobRow>('SELECT * FROM jobs WHERE domain_name = ? AND job_id = ?').get(domainName, jobId)!);
  });
}

/** Newest JobStartTime first (ties: JobId descending). */
export function listJobs(c: SqliteContext, domainName: string, page: PageRequest): Page<JobRecord> {
  const limit = page.maxResults ?? 100;
  const scope = `jobs:${domainName}`;
  const cur = page.nextToken ? c.tokens.decode<{ t: number; id: string }>(scope, page.nextToken) : undefined;
  const rows = cur
    ? c.stmt<[string, number, number, string, number], JobRow>(`SELECT * FROM jobs WHERE domain_name = ?
        AND (job_start_time < ? OR (job_start_time = ? AND job_id < ?)) ORDER BY job_start_time DESC, job_id DESC LIMIT ?`)
      .all(domainName, cur.t, cur.t, cur.id, limit + 1)
    : c.stmt<[string, number], JobRow>('SELECT * FROM jobs WHERE domain_name = ? ORDER BY job_start_time DESC, job_id DESC LIMIT ?')
      .all(domainName, limit + 1);
  const items = rows.slice(0, limit).map(fromRow);
  const last = items[items.length - 1];
  const nextToken = rows.length > limit ? c.tokens.encode(scope, { t: last.jobStartTime, id: last.jobId }) : undefined;
  return { items, nextToken };
}

export function deleteJob(c: SqliteContext, domainName: string, jobId: string): void {
  c.stmt('DELETE FROM jobs WHERE domain_name = ? AND job_id = ?').run(domainName, jobId);
}
