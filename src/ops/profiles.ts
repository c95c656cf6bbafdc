/**
 * Profile operations: CreateProfile, UpdateProfile, DeleteProfile, SearchProfiles, BatchGetProfile.
 * Every write records provenance per field (source API_SOURCE, time = request time).
 */
import { createHash } from 'node:crypto';
import type { FoundByKeyValue, Operations, Profile } from '../api/generated/types.js';
import { badRequest } from '../errors.js';
import { API_SOURCE } from '../model/profile.js';
import { compact, nowMs, pageSize, performedBy, requireDomain } from './common.js';
import { profileToApi } from './convert.js';
import { createInputToData, updateInputToWrite } from './profile-input.js';
import { domainKeyNames } from './search-keys.js';
import type { OpContext } from './types.js';

type In<Op extends keyof Operations> = Operations[Op]['input'];
type Out<Op extends keyof Operations> = Operations[Op]['output'];

export async function createProfile(input: In<'CreateProfile'>, ctx: OpContext): Promise<Out<'CreateProfile'>> {
  await requireDomain(ctx, input.DomainName);
  const p = await ctx.store.createProfile(input.DomainName, {
    data: createInputToData(input), source: API_SOURCE, performedBy: performedBy(ctx),
  }, nowMs(ctx));
  return { ProfileId: p.profileId };
}

export async function updateProfile(input: In<'UpdateProfile'>, ctx: OpContext): Promise<Out<'UpdateProfile'>> {
  await requireDomain(ctx, input.DomainName);
  const { data, removed } = updateInputToWrite(input);
  const p = await ctx.store.updateProfile(input.DomainName, input.ProfileId, {
    data, removed, source: API_SOURCE, performedBy: performedBy(ctx),
  }, nowMs(ctx));
  return { ProfileId: p.profileId };
}

export async function deleteProfile(input: In<'DeleteProfile'>, ctx: OpContext): Promise<Out<'DeleteProfile'>> {
  await requireDomain(ctx, input.DomainName);
  await ctx.store.deleteProfile(input.DomainName, input.ProfileId, nowMs(ctx), performedBy(ctx));
  return { Message: `Profile ${input.ProfileId} was deleted.` };
}

export async function batchGetProfile(input: In<'BatchGetProfile'>, ctx: OpContext): Promise<Out<'BatchGetProfile'>> {
  await requireDomain(ctx, input.DomainName);
  const ids = [...new Set(input.ProfileIds)];
  const found = new Map((await ctx.store.getProfiles(input.DomainName, ids)).map((p) => [p.profileId, p]));
  return {
    Profiles: ids.filter((id) => found.has(id)).map((id) => profileToApi(found.get(id)!)),
    Errors: ids.filter((id) => !found.has(id)).map((id) => ({
      Code: 'ResourceNotFoundException', Message: `Profile ${id} does not exist in domain ${input.DomainName}.`, ProfileId: id,
    })),
  };
}

interface SearchCursor { after: string }

/**
 * SearchProfiles: each key matches a profile when any of its Values is one of the profile's key values;
 * keys are combined with LogicalOperator (OR by default, as AWS). Results in ProfileId order; FoundByItems
 * (only when AdditionalSearchKeys is given, as AWS) lists, per key, the values the profile was found by.
 */
export async function searchProfiles(input: In<'SearchProfiles'>, ctx: OpContext): Promise<Out<'SearchProfiles'>> {
  await requireDomain(ctx, input.DomainName);
  const keys = [{ KeyName: input.KeyName, Values: input.Values }, ...(input.AdditionalSearchKeys ?? [])];
  const known = await domainKeyNames(ctx, input.DomainName);
  for (const k of keys) {
    if (!known.has(k.KeyName)) {
      throw badRequest(`KeyName '${k.KeyName}' is not a search key of domain ${input.DomainName}: use a predefined key (_email, _phone, _fullName, _account, _profileId, …) or a key defined by one of the domain's object types`);
    }
    if (!k.Values || k.Values.length === 0) throw badRequest(`Values of search key '${k.KeyName}' must not be empty`);
    if (k.Values.length > 100) throw badRequest(`Values of search key '${k.KeyName}' may hold at most 100 values`);
  }
  const op = input.LogicalOperator ?? 'OR';

  // key index → profileId → matched values
  const hits: Array<Map<string, string[]>> = [];
  for (const k of keys) {
    const m = new Map<string, string[]>();
    for (const v of new Set(k.Values)) {
      for (const id of await ctx.store.findProfileIdsByKey(input.DomainName, { keyName: k.KeyName, value: v })) {
        m.set(id, [...(m.get(id) ?? []), v]);
      }
    }
    hits.push(m);
  }
  let ids: string[];
  if (op === 'AND') {
    ids = [...hits[0].keys()].filter((id) => hits.every((m) => m.has(id)));
  } else {
    ids = [...new Set(hits.flatMap((m) => [...m.keys()]))];
  }
  ids.sort();

  // Tokens are bound to the domain and to this exact query.
  const queryHash = createHash('sha256').update(JSON.stringify([keys, op])).digest('base64url').slice(0, 22);
  const scope = `search:${input.DomainName}:${queryHash}`;
  const after = input.NextToken ? ctx.store.tokens.decode<SearchCursor>(scope, input.NextToken).after : '';
  const limit = pageSize(input.MaxResults, 20);
  const remaining = ids.filter((id) => id > after);
  const pageIds = remaining.slice(0, limit);
  const profiles = new Map((await ctx.store.getProfiles(input.DomainName, pageIds)).map((p) => [p.profileId, p]));
  const withFoundBy = (input.AdditionalSearchKeys?.length ?? 0) > 0;
  const items: Profile[] = [];
  for (const id of pageIds) {
    const p = profiles.get(id);
    if (!p) continue; // deleted between the key lookup and the read
    const item = profileToApi(p);
    if (withFoundBy) {
      const found: FoundByKeyValue[] = [];
      keys.forEach((k, i) => {
        const values = hits[i].get(id);
        if (values) found.push({ KeyName: k.KeyName, Values: values });
      });
      item.FoundByItems = found;
    }
    items.push(item);
  }
  const nextToken = remaining.length > limit ? ctx.store.tokens.encode(scope, { after: pageIds[pageIds.length - 1] }) : undefined;
  return compact({ Items: items, NextToken: nextToken });
}
