/**
 * Upload jobs: CreateUploadJob, GetUploadJobPath, StartUploadJob, StopUploadJob, GetUploadJob, ListUploadJobs.
 * Processing runs in the UploadService (src/ingest/upload-service.ts), installed by the uploads server plugin.
 */
import { randomUUID } from 'node:crypto';
import type { Operations, UploadJobItem } from '../api/generated/types.js';
import { AwsError, badRequest, notFound } from '../errors.js';
import { MappingError, mappingFromFields } from '../ingest/mapping.js';
import { uploadServiceFor } from '../ingest/upload-service.js';
import { signUploadUrl } from '../ingest/upload-url.js';
import type { UploadJobRecord } from '../store/uploads.js';
import { compact, nowMs, optDate, pageSize, requireDomain, toDate } from './common.js';
import type { OpContext } from './types.js';

type In<Op extends keyof Operations> = Operations[Op]['input'];
type Out<Op extends keyof Operations> = Operations[Op]['output'];

function service(ctx: OpContext) {
  const s = uploadServiceFor(ctx.store);
  if (!s) throw new AwsError('InternalServerException', 'Upload jobs are not available on this server');
  return s;
}

async function requireJob(ctx: OpContext, domainName: string, jobId: string): Promise<UploadJobRecord> {
  const job = await ctx.store.getUploadJob(domainName, jobId);
  if (!job) {
    await requireDomain(ctx, domainName);
    throw notFound(`Upload job ${jobId} does not exist in domain ${domainName}.`);
  }
  return job;
}

const summary = (j: UploadJobRecord) => ({
  CreatedRecords: j.createdRecords, UpdatedRecords: j.updatedRecords, FailedRecords: j.failedRecords,
});

export async function createUploadJob(input: In<'CreateUploadJob'>, ctx: OpContext): Promise<Out<'CreateUploadJob'>> {
  await requireDomain(ctx, input.DomainName);
  if (Object.keys(input.Fields).length === 0) throw badRequest('Fields must map at least one CSV column to a profile field.');
  let mapping;
  try {
    mapping = mappingFromFields(input.Fields, input.UniqueKey);
  } catch (err) {
    if (err instanceof MappingError) throw badRequest(err.message);
    throw err;
  }
  const uniqueColumn = mapping.uniqueKey!.column;
  if (!uniqueColumn) throw badRequest('UniqueKey must name a field of Fields or a CSV column.');
  const job: UploadJobRecord = {
    domainName: input.DomainName, jobId: randomUUID().replace(/-/g, ''), displayName: input.DisplayName,
    fields: input.Fields, uniqueKey: input.UniqueKey, status: 'CREATED', createdAt: nowMs(ctx),
    createdRecords: 0, updatedRecords: 0, failedRecords: 0, lastLine: 0, stopRequested: false,
  };
  if (input.DataExpiry !== undefined) job.dataExpiry = input.DataExpiry;
  await ctx.store.createUploadJob(job);
  return { JobId: job.jobId };
}

export async function getUploadJobPath(input: In<'GetUploadJobPath'>, ctx: OpContext): Promise<Out<'GetUploadJobPath'>> {
  const job = await requireJob(ctx, input.DomainName, input.JobId);
  if (job.status !== 'CREATED') throw badRequest(`Upload job ${job.jobId} is ${job.status}; a file can be uploaded only before it starts.`);
  const s = service(ctx);
  const signed = signUploadUrl(ctx.store.tokens, s.baseUrl(), job.domainName, job.jobId, nowMs(ctx));
  return { Url: signed.url, ClientToken: signed.clientToken, ValidUntil: toDate(signed.validUntil) };
}

export async function startUploadJob(input: In<'StartUploadJob'>, ctx: OpContext): Promise<Out<'StartUploadJob'>> {
  const job = await requireJob(ctx, input.DomainName, input.JobId);
  if (job.status !== 'CREATED') throw badRequest(`Upload job ${job.jobId} is ${job.status}; only a CREATED job can be started.`);
  if (job.uploadedBytes === undefined) throw badRequest(`No file has been uploaded for upload job ${job.jobId}; PUT it to the URL from GetUploadJobPath first.`);
  const s = service(ctx);
  const started = await ctx.store.updateUploadJob(job.domainName, job.jobId, { status: 'IN_PROGRESS', startedAt: nowMs(ctx) }, 'CREATED');
  if (!started) throw badRequest(`Upload job ${job.jobId} was started or stopped concurrently.`);
  s.launch(started);
  return {};
}

export async function stopUploadJob(input: In<'StopUploadJob'>, ctx: OpContext): Promise<Out<'StopUploadJob'>> {
  const job = await requireJob(ctx, input.DomainName, input.JobId);
  if (job.status === 'IN_PROGRESS') {
    await ctx.store.updateUploadJob(job.domainName, job.jobId, { stopRequested: true });
    // Running here: it stops after its current batch and records STOPPED itself.
    if (service(ctx).requestStop(job.domainName, job.jobId)) return {};
  } else if (job.status !== 'CREATED') {
    throw badRequest(`Upload job ${job.jobId} is already ${job.status}.`);
  }
  await ctx.store.updateUploadJob(job.domainName, job.jobId, { status: 'STOPPED', stopRequested: true, completedAt: nowMs(ctx) }, job.status);
  return {};
}

export async function getUploadJob(input: In<'GetUploadJob'>, ctx: OpContext): Promise<Out<'GetUploadJob'>> {
  const j = await requireJob(ctx, input.DomainName, input.JobId);
  return compact({
    JobId: j.jobId, DisplayName: j.displayName, Status: j.status, StatusReason: j.statusReason,
    CreatedAt: toDate(j.createdAt), CompletedAt: optDate(j.completedAt), Fields: j.fields, UniqueKey: j.uniqueKey,
    ResultsSummary: summary(j), DataExpiry: j.dataExpiry,
  });
}

/** Newest first; MaxResults 1..500 (default 100); tokens bound to the domain. */
export async function listUploadJobs(input: In<'ListUploadJobs'>, ctx: OpContext): Promise<Out<'ListUploadJobs'>> {
  await requireDomain(ctx, input.DomainName);
  const page = await ctx.store.listUploadJobs(input.DomainName, { maxResults: pageSize(input.MaxResults, 100), nextToken: input.NextToken });
  const Items = page.items.map((j): UploadJobItem => compact({
    JobId: j.jobId, DisplayName: j.displayName, Status: j.status, StatusReason: j.statusReason,
    CreatedAt: toDate(j.createdAt), CompletedAt: optDate(j.completedAt), DataExpiry: j.dataExpiry,
  }));
  return compact({ Items, NextToken: page.nextToken });
}
