/** ListProfileHistoryRecords, GetProfileHistoryRecord (history outlives the profile: merged or deleted ones too). */
import type { Operations } from '../api/generated/types.js';
import { notFound } from '../errors.js';
import type { HistoryRecord } from '../store/repository.js';
import { compact, optDate, pageSize, requireDomain, toDate } from './common.js';
import type { OpContext } from './types.js';

type In<Op extends keyof Operations> = Operations[Op]['input'];
type Out<Op extends keyof Operations> = Operations[Op]['output'];

function toApi(r: HistoryRecord) {
  return compact({
    Id: r.id, ObjectTypeName: r.objectTypeName, CreatedAt: toDate(r.createdAt), LastUpdatedAt: optDate(r.lastUpdatedAt),
    ActionType: r.actionType, ProfileObjectUniqueKey: r.profileObjectUniqueKey, PerformedBy: r.performedBy,
  });
}

/** Newest first. A profile that never existed → ResourceNotFoundException. */
export async function listProfileHistoryRecords(input: In<'ListProfileHistoryRecords'>, ctx: OpContext): Promise<Out<'ListProfileHistoryRecords'>> {
  await requireDomain(ctx, input.DomainName);
  const page = await ctx.store.listHistory(input.DomainName, input.ProfileId, {
    objectTypeName: input.ObjectTypeName, actionType: input.ActionType, performedBy: input.PerformedBy,
  }, { maxResults: pageSize(input.MaxResults, 100), nextToken: input.NextToken });
  if (page.items.length === 0 && !input.NextToken) {
    const known = (await ctx.store.getProfile(input.DomainName, input.ProfileId))
      || (await ctx.store.listHistory(input.DomainName, input.ProfileId, {}, { maxResults: 1 })).items.length > 0;
    if (!known) throw notFound(`Profile ${input.ProfileId} does not exist in domain ${input.DomainName}.`);
  }
  return compact({ ProfileHistoryRecords: page.items.map(toApi), NextToken: page.nextToken });
}

export async function getProfileHistoryRecord(input: In<'GetProfileHistoryRecord'>, ctx: OpContext): Promise<Out<'GetProfileHistoryRecord'>> {
  await requireDomain(ctx, input.DomainName);
  const r = await ctx.store.getHistoryRecord(input.DomainName, input.ProfileId, input.Id);
  if (!r) throw notFound(`History record ${input.Id} does not exist for profile ${input.ProfileId} in domain ${input.DomainName}.`);
  return { ...toApi(r), Content: r.content };
}
