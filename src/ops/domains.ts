/** Domain operations: CreateDomain, GetDomain, UpdateDomain, DeleteDomain, ListDomains. */
import type { Operations } from '../api/generated/types.js';
import { badRequest } from '../errors.js';
import type { DomainRecord } from '../store/repository.js';
import { compact, nowMs, pageSize, requireDomain, toDate } from './common.js';
import { domainToApi } from './convert.js';
import { validateMatching } from './matching-rules.js';
import type { OpContext } from './types.js';

type In<Op extends keyof Operations> = Operations[Op]['input'];
type Out<Op extends keyof Operations> = Operations[Op]['output'];

/** Tells the jobs service that a domain's Matching changed; the API call succeeds even if the jobs side fails. */
async function notifyMatching(ctx: OpContext, domainName: string): Promise<void> {
  try {
    await ctx.jobs?.onMatchingChanged(domainName);
  } catch (err) {
    ctx.log.warn({ err, domainName }, 'jobs service could not follow the Matching change');
  }
}

export async function createDomain(input: In<'CreateDomain'>, ctx: OpContext): Promise<Out<'CreateDomain'>> {
  if (input.Matching) validateMatching(input.Matching);
  if (await ctx.store.getDomain(input.DomainName)) {
    throw badRequest(`Domain ${input.DomainName} already exists.`);
  }
  const now = nowMs(ctx);
  const rec: DomainRecord = compact({
    domainName: input.DomainName,
    defaultExpirationDays: input.DefaultExpirationDays,
    defaultEncryptionKey: input.DefaultEncryptionKey || undefined,
    deadLetterQueueUrl: input.DeadLetterQueueUrl || undefined,
    matching: input.Matching,
    ruleBasedMatching: input.RuleBasedMatching,
    tags: input.Tags ?? {},
    createdAt: now,
    lastUpdatedAt: now,
  });
  try {
    await ctx.store.createDomain(rec);
  } catch (err) {
    if ((err as { code?: string }).code?.startsWith('SQLITE_CONSTRAINT')) throw badRequest(`Domain ${input.DomainName} already exists.`);
    throw err;
  }
  if (rec.matching) await notifyMatching(ctx, rec.domainName);
  const { Stats: _s, ...out } = domainToApi(rec);
  return { ...out, DefaultExpirationDays: rec.defaultExpirationDays, CreatedAt: toDate(now), LastUpdatedAt: toDate(now) };
}

export async function getDomain(input: In<'GetDomain'>, ctx: OpContext): Promise<Out<'GetDomain'>> {
  const d = await requireDomain(ctx, input.DomainName);
  return domainToApi(d, await ctx.store.getDomainStats(d.domainName));
}

/**
 * AWS semantics: absent members keep their value; DefaultEncryptionKey / DeadLetterQueueUrl given as "" are cleared;
 * a present Matching (or RuleBasedMatching) block replaces the stored block as a whole; Tags are added/overwritten.
 */
export async function updateDomain(input: In<'UpdateDomain'>, ctx: OpContext): Promise<Out<'UpdateDomain'>> {
  if (input.Matching) validateMatching(input.Matching);
  const d = await requireDomain(ctx, input.DomainName);
  const patch: Partial<DomainRecord> = { lastUpdatedAt: Math.max(nowMs(ctx), d.createdAt) };
  if (input.DefaultExpirationDays !== undefined) patch.defaultExpirationDays = input.DefaultExpirationDays;
  if (input.DefaultEncryptionKey !== undefined) patch.defaultEncryptionKey = input.DefaultEncryptionKey || undefined;
  if (input.DeadLetterQueueUrl !== undefined) patch.deadLetterQueueUrl = input.DeadLetterQueueUrl || undefined;
  if (input.Matching !== undefined) patch.matching = input.Matching;
  if (input.RuleBasedMatching !== undefined) patch.ruleBasedMatching = input.RuleBasedMatching;
  if (input.Tags !== undefined) patch.tags = { ...d.tags, ...input.Tags };
  const next = await ctx.store.updateDomain(d.domainName, patch);
  if (input.Matching !== undefined) await notifyMatching(ctx, d.domainName);
  const { Stats: _s, ...out } = domainToApi(next);
  return out;
}

export async function deleteDomain(input: In<'DeleteDomain'>, ctx: OpContext): Promise<Out<'DeleteDomain'>> {
  const d = await requireDomain(ctx, input.DomainName);
  await ctx.store.deleteDomain(d.domainName);
  if (d.matching) await notifyMatching(ctx, d.domainName);
  return { Message: `Domain ${d.domainName} was deleted.` };
}

export async function listDomains(input: In<'ListDomains'>, ctx: OpContext): Promise<Out<'ListDomains'>> {
  const page = await ctx.store.listDomains({ maxResults: pageSize(input.MaxResults, 100), nextToken: input.NextToken });
  return compact({
    Items: page.items.map((d) => compact({
      DomainName: d.domainName, CreatedAt: toDate(d.createdAt), LastUpdatedAt: toDate(d.lastUpdatedAt), Tags: d.tags,
    })),
    NextToken: page.nextToken,
  });
}
