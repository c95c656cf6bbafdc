/** Which key names a domain can search and add: the predefined keys plus the key names of its object types. */
import type { OpContext } from './types.js';

/** Predefined search keys listed by the model's documentation of SearchProfiles.KeyName / AddProfileKey.KeyName. */
export const PREDEFINED_KEYS = new Set([
  '_account', '_profileId', '_assetId', '_caseId', '_orderId', '_fullName', '_phone', '_email', '_ctrContactId',
  '_marketoLeadId', '_salesforceAccountId', '_salesforceContactId', '_salesforceAssetId', '_zendeskUserId',
  '_zendeskExternalId', '_zendeskTicketId', '_serviceNowSystemId', '_serviceNowIncidentId', '_segmentUserId',
  '_shopifyCustomerId', '_shopifyOrderId',
]);

export async function domainKeyNames(ctx: OpContext, domainName: string): Promise<Set<string>> {
  const names = new Set(PREDEFINED_KEYS);
  let nextToken: string | undefined;
  do {
    const page = await ctx.store.listObjectTypes(domainName, { maxResults: 100, nextToken });
    for (const t of page.items) for (const k of Object.keys(t.keys ?? {})) names.add(k);
    nextToken = page.nextToken;
  } while (nextToken);
  return names;
}
