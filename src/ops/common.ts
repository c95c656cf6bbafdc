/** Helpers shared by the operation handlers: existence checks, time conversion, provenance of the caller. */
import { notFound } from '../errors.js';
import type { DomainRecord } from '../store/repository.js';
import type { OpContext } from './types.js';

export async function requireDomain(ctx: OpContext, domainName: string): Promise<DomainRecord> {
  const d = await ctx.store.getDomain(domainName);
  if (!d) throw notFound(`Domain ${domainName} does not exist.`);
  return d;
}

export async function requireProfile(ctx: OpContext, domainName: string, profileId: string) {
  const p = await ctx.store.getProfile(domainName, profileId);
  if (!p) throw notFound(`Profile ${profileId} does not exist in domain ${domainName}.`);
  return p;
}

export async function requireObjectType(ctx: OpContext, domainName: string, name: string) {
  const t = await ctx.store.getObjectType(domainName, name);
  if (!t) throw notFound(`Object type ${name} does not exist in domain ${domainName}.`);
  return t;
}

export const toDate = (ms: number) => new Date(ms);
export const optDate = (ms: number | undefined) => (ms === undefined ? undefined : new Date(ms));
export const nowMs = (ctx: OpContext) => ctx.now().getTime();

/** Recorded as PerformedBy in history: the access key that signed the request (absent with --no-auth). */
export const performedBy = (ctx: OpContext) => ctx.accessKeyId;

/** Drops undefined members so responses carry only what is set (as AWS does). */
export function compact<T extends object>(o: T): T {
  for (const k of Object.keys(o) as (keyof T)[]) if (o[k] === undefined) delete o[k];
  return o;
}

/** Page size: the request's MaxResults or the operation's default. */
export const pageSize = (maxResults: number | undefined, dflt: number) => maxResults ?? dflt;
