/**
 * TagResource / UntagResource / ListTagsForResource for domain ARNs
 * (`arn:aws:profile:<region>:<account>:domains/<name>`) and object-type ARNs (`…:domains/<name>/object-types/<type>`).
 * The account must be this server's; the region is not checked (clients may sign with any region).
 */
import type { Operations } from '../api/generated/types.js';
import { badRequest, notFound } from '../errors.js';
import { requireDomain, requireObjectType } from './common.js';
import type { OpContext } from './types.js';

type In<Op extends keyof Operations> = Operations[Op]['input'];
type Out<Op extends keyof Operations> = Operations[Op]['output'];

const ARN = /^arn:[a-z0-9-]{1,10}:profile:([a-z0-9-]*):(\d{12}):domains\/([a-zA-Z0-9_-]{1,64})(?:\/object-types\/([a-zA-Z_][a-zA-Z_0-9-]{0,254}))?$/;

export function domainArn(ctx: OpContext, domainName: string): string {
  return `arn:aws:profile:${ctx.region}:${ctx.accountId}:domains/${domainName}`;
}

export function objectTypeArn(ctx: OpContext, domainName: string, typeName: string): string {
  return `${domainArn(ctx, domainName)}/object-types/${typeName}`;
}

interface Target { get(): Record<string, string>; set(tags: Record<string, string>): Promise<void> }

async function resolveArn(arn: string, ctx: OpContext): Promise<Target> {
  const m = ARN.exec(arn);
  if (!m) throw badRequest(`resourceArn '${arn}' is not a Customer Profiles domain or object type ARN (arn:aws:profile:<region>:<account>:domains/<DomainName>[/object-types/<ObjectTypeName>])`);
  const [, , account, domainName, typeName] = m;
  if (account !== ctx.accountId) throw notFound(`Resource ${arn} does not exist.`);
  const domain = await requireDomain(ctx, domainName);
  if (typeName === undefined) {
    return {
      get: () => domain.tags,
      set: async (tags) => { await ctx.store.updateDomain(domainName, { tags }); },
    };
  }
  const type = await requireObjectType(ctx, domainName, typeName);
  return {
    get: () => type.tags,
    set: async (tags) => { await ctx.store.putObjectType({ ...type, tags }); },
  };
}

const MAX_TAGS = 50;

export async function tagResource(input: In<'TagResource'>, ctx: OpContext): Promise<Out<'TagResource'>> {
  const t = await resolveArn(input.resourceArn, ctx);
  const tags = { ...t.get(), ...input.tags };
  if (Object.keys(tags).length > MAX_TAGS) throw badRequest(`A resource can have at most ${MAX_TAGS} tags.`);
  await t.set(tags);
  return {};
}

export async function untagResource(input: In<'UntagResource'>, ctx: OpContext): Promise<Out<'UntagResource'>> {
  const t = await resolveArn(input.resourceArn, ctx);
  const tags = { ...t.get() };
  for (const k of input.tagKeys) delete tags[k];
  await t.set(tags);
  return {};
}

export async function listTagsForResource(input: In<'ListTagsForResource'>, ctx: OpContext): Promise<Out<'ListTagsForResource'>> {
  const t = await resolveArn(input.resourceArn, ctx);
  return { tags: t.get() };
}
