/** AddProfileKey / DeleteProfileKey. Key names: predefined keys or keys defined by the domain's object types. */
import type { Operations } from '../api/generated/types.js';
import { badRequest } from '../errors.js';
import { nowMs, performedBy, requireDomain } from './common.js';
import { domainKeyNames } from './search-keys.js';
import type { OpContext } from './types.js';

type In<Op extends keyof Operations> = Operations[Op]['input'];
type Out<Op extends keyof Operations> = Operations[Op]['output'];

async function checkKey(ctx: OpContext, domainName: string, keyName: string, values: string[]) {
  await requireDomain(ctx, domainName);
  if (!(await domainKeyNames(ctx, domainName)).has(keyName)) {
    throw badRequest(`KeyName '${keyName}' is not a key of domain ${domainName}: use a predefined key (_account, _assetId, _orderId, …) or a key defined by one of the domain's object types`);
  }
  if (values.length === 0) throw badRequest('Values must hold at least one value');
  if (values.length > 100) throw badRequest('Values may hold at most 100 values');
}

export async function addProfileKey(input: In<'AddProfileKey'>, ctx: OpContext): Promise<Out<'AddProfileKey'>> {
  await checkKey(ctx, input.DomainName, input.KeyName, input.Values);
  if (input.KeyName === '_profileId') throw badRequest('_profileId is the profile\'s own id and cannot be added as a key');
  const values = [...new Set(input.Values)];
  await ctx.store.addProfileKey(input.DomainName, input.ProfileId,
    values.map((value) => ({ keyName: input.KeyName, value })), nowMs(ctx), performedBy(ctx));
  return { KeyName: input.KeyName, Values: values };
}

export async function deleteProfileKey(input: In<'DeleteProfileKey'>, ctx: OpContext): Promise<Out<'DeleteProfileKey'>> {
  await checkKey(ctx, input.DomainName, input.KeyName, input.Values);
  await ctx.store.deleteProfileKey(input.DomainName, input.ProfileId,
    [...new Set(input.Values)].map((value) => ({ keyName: input.KeyName, value })), nowMs(ctx), performedBy(ctx));
  return { Message: `Key ${input.KeyName} was removed from profile ${input.ProfileId}.` };
}
