/** PutProfileObjectType, GetProfileObjectType, ListProfileObjectTypes, DeleteProfileObjectType. */
import type { Operations } from '../api/generated/types.js';
import { badRequest } from '../errors.js';
import type { ObjectTypeRecord } from '../store/repository.js';
import { compact, nowMs, pageSize, requireDomain, requireObjectType, toDate } from './common.js';
import { objectTypeToApi } from './convert.js';
import { validateObjectType } from './object-mapping.js';
import type { OpContext } from './types.js';

type In<Op extends keyof Operations> = Operations[Op]['input'];
type Out<Op extends keyof Operations> = Operations[Op]['output'];

/** Creates or replaces a type; CreatedAt and Tags (unless given) survive a replace. TemplateId is not supported. */
export async function putProfileObjectType(input: In<'PutProfileObjectType'>, ctx: OpContext): Promise<Out<'PutProfileObjectType'>> {
  if (input.TemplateId !== undefined) {
    throw badRequest('TemplateId is not supported by Coalesce: define the object type with Fields and Keys instead');
  }
  await requireDomain(ctx, input.DomainName);
  const existing = await ctx.store.getObjectType(input.DomainName, input.ObjectTypeName);
  const now = nowMs(ctx);
  const rec: ObjectTypeRecord = compact({
    domainName: input.DomainName,
    objectTypeName: input.ObjectTypeName,
    description: input.Description,
    expirationDays: input.ExpirationDays,
    encryptionKey: input.EncryptionKey,
    allowProfileCreation: input.AllowProfileCreation ?? false,
    sourceLastUpdatedTimestampFormat: input.SourceLastUpdatedTimestampFormat,
    maxProfileObjectCount: input.MaxProfileObjectCount,
    fields: input.Fields ?? {},
    keys: input.Keys ?? {},
    tags: input.Tags ?? existing?.tags ?? {},
    createdAt: existing?.createdAt ?? now,
    lastUpdatedAt: now,
  });
  validateObjectType(rec);
  return objectTypeToApi(await ctx.store.putObjectType(rec));
}

export async function getProfileObjectType(input: In<'GetProfileObjectType'>, ctx: OpContext): Promise<Out<'GetProfileObjectType'>> {
  await requireDomain(ctx, input.DomainName);
  return objectTypeToApi(await requireObjectType(ctx, input.DomainName, input.ObjectTypeName));
}

export async function listProfileObjectTypes(input: In<'ListProfileObjectTypes'>, ctx: OpContext): Promise<Out<'ListProfileObjectTypes'>> {
  await requireDomain(ctx, input.DomainName);
  const page = await ctx.store.listObjectTypes(input.DomainName, { maxResults: pageSize(input.MaxResults, 100), nextToken: input.NextToken });
  return compact({
    Items: page.items.map((t) => compact({
      ObjectTypeName: t.objectTypeName, Description: t.description, CreatedAt: toDate(t.createdAt),
      LastUpdatedAt: toDate(t.lastUpdatedAt), MaxProfileObjectCount: t.maxProfileObjectCount, Tags: t.tags,
    })),
    NextToken: page.nextToken,
  });
}

export async function deleteProfileObjectType(input: In<'DeleteProfileObjectType'>, ctx: OpContext): Promise<Out<'DeleteProfileObjectType'>> {
  await requireDomain(ctx, input.DomainName);
  await requireObjectType(ctx, input.DomainName, input.ObjectTypeName);
  await ctx.store.deleteObjectType(input.DomainName, input.ObjectTypeName, nowMs(ctx));
  return { Message: `Object type ${input.ObjectTypeName} was deleted.` };
}
