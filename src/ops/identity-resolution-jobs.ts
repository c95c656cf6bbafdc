/** GetIdentityResolutionJob, ListIdentityResolutionJobs (jobs are written by the jobs area through the store). */
import type { Operations } from '../api/generated/types.js';
import { notFound } from '../errors.js';
import { compact, pageSize, requireDomain } from './common.js';
import { jobToApi, jobToListItem } from './convert.js';
import type { OpContext } from './types.js';

type In<Op extends keyof Operations> = Operations[Op]['input'];
type Out<Op extends keyof Operations> = Operations[Op]['output'];

/** Synchronous when the store has the job in its read cache (clients poll this operation): no promise per poll. */
export function getIdentityResolutionJob(input: In<'GetIdentityResolutionJob'>, ctx: OpContext): Out<'GetIdentityResolutionJob'> | Promise<Out<'GetIdentityResolutionJob'>> {
  const cached = ctx.store.cachedJob?.(input.DomainName, input.JobId);
  return cached ? jobToApi(cached) : readIdentityResolutionJob(input, ctx);
}

async function readIdentityResolutionJob(input: In<'GetIdentityResolutionJob'>, ctx: OpContext): Promise<Out<'GetIdentityResolutionJob'>> {
  const job = await ctx.store.getJob(input.DomainName, input.JobId);
  if (!job) {
    await requireDomain(ctx, input.DomainName);
    throw notFound(`Identity resolution job ${input.JobId} does not exist in domain ${input.DomainName}.`);
  }
  return jobToApi(job);
}

/** Newest JobStartTime first; MaxResults 1..100 (default 100); tokens bound to the domain. */
export async function listIdentityResolutionJobs(input: In<'ListIdentityResolutionJobs'>, ctx: OpContext): Promise<Out<'ListIdentityResolutionJobs'>> {
  await requireDomain(ctx, input.DomainName);
  const page = await ctx.store.listJobs(input.DomainName, { maxResults: pageSize(input.MaxResults, 100), nextToken: input.NextToken });
  return compact({ IdentityResolutionJobsList: page.items.map(jobToListItem), NextToken: page.nextToken });
}
