/** PutProfileObject, ListProfileObjects, DeleteProfileObject. */
import type { Operations } from '../api/generated/types.js';
import { compact, nowMs, pageSize, performedBy, requireDomain, requireObjectType, requireProfile } from './common.js';
import { mapObject } from './object-mapping.js';
import type { OpContext } from './types.js';

type In<Op extends keyof Operations> = Operations[Op]['input'];
type Out<Op extends keyof Operations> = Operations[Op]['output'];

/**
 * Maps the object with its type, finds the profile by the type's keys (or creates one when AllowProfileCreation),
 * applies the mapped fields with provenance (source = the object type, time = the object's source-last-updated
 * timestamp when the type declares one) and stores the object — all in one store transaction.
 */
export async function putProfileObject(input: In<'PutProfileObject'>, ctx: OpContext): Promise<Out<'PutProfileObject'>> {
  await requireDomain(ctx, input.DomainName);
  const type = await requireObjectType(ctx, input.DomainName, input.ObjectTypeName);
  const mapped = mapObject(type, input.Object);
  await ctx.store.putProfileObject(
    { domainName: input.DomainName, objectTypeName: type.objectTypeName, uniqueKey: mapped.uniqueKey, object: input.Object, keys: mapped.keys, createdAt: nowMs(ctx) },
    { ...mapped.write, source: type.objectTypeName, performedBy: performedBy(ctx) },
    nowMs(ctx),
    mapped.resolution,
  );
  return { ProfileObjectUniqueKey: mapped.uniqueKey };
}

export async function listProfileObjects(input: In<'ListProfileObjects'>, ctx: OpContext): Promise<Out<'ListProfileObjects'>> {
  await requireDomain(ctx, input.DomainName);
  await requireObjectType(ctx, input.DomainName, input.ObjectTypeName);
  await requireProfile(ctx, input.DomainName, input.ProfileId);
  const filter = input.ObjectFilter ? { keyName: input.ObjectFilter.KeyName, values: input.ObjectFilter.Values } : undefined;
  const page = await ctx.store.listProfileObjects(input.DomainName, input.ObjectTypeName, input.ProfileId,
    { maxResults: pageSize(input.MaxResults, 100), nextToken: input.NextToken }, filter);
  return compact({
    Items: page.items.map((o) => ({ ObjectTypeName: o.objectTypeName, ProfileObjectUniqueKey: o.uniqueKey, Object: o.object })),
    NextToken: page.nextToken,
  });
}

export async function deleteProfileObject(input: In<'DeleteProfileObject'>, ctx: OpContext): Promise<Out<'DeleteProfileObject'>> {
  await requireDomain(ctx, input.DomainName);
  await requireProfile(ctx, input.DomainName, input.ProfileId);
  await ctx.store.deleteProfileObject(input.DomainName, input.ObjectTypeName, input.ProfileId, input.ProfileObjectUniqueKey, nowMs(ctx));
  return { Message: `Profile object ${input.ProfileObjectUniqueKey} was deleted.` };
}
