/** Shared set-up for the jobs tests: a domain, two object types (crm, ecommerce) and generated profiles with truth. */
import {
  CreateDomainCommand, CreateProfileCommand, GetIdentityResolutionJobCommand, PutProfileObjectCommand,
  PutProfileObjectTypeCommand, type CustomerProfilesClient, type MatchingRequest,
} from '@aws-sdk/client-customer-profiles';
import { flattenProfile, type ProfileData } from '../../src/model/profile.js';
import type { Repository } from '../../src/store/repository.js';

export const OBJECT_TYPES = ['crm', 'ecommerce'] as const;

/** Field name in an object for a dotted profile path. */
const fieldName = (path: string) => path.replace(/\./g, '_');

const ALL_PATHS = [
  'AccountNumber', 'AdditionalInformation', 'PartyType', 'BusinessName', 'FirstName', 'MiddleName', 'LastName', 'BirthDate',
  'Gender', 'PhoneNumber', 'MobilePhoneNumber', 'HomePhoneNumber', 'BusinessPhoneNumber', 'EmailAddress', 'PersonalEmailAddress',
  'BusinessEmailAddress',
  ...['Address', 'ShippingAddress', 'MailingAddress', 'BillingAddress'].flatMap((a) =>
    ['Address1', 'Address2', 'Address3', 'Address4', 'City', 'County', 'State', 'Province', 'Country', 'PostalCode'].map((m) => `${a}.${m}`)),
];

export async function createDomainWithTypes(client: CustomerProfilesClient, domainName: string, matching: MatchingRequest) {
  await client.send(new CreateDomainCommand({ DomainName: domainName, DefaultExpirationDays: 365, Matching: matching }));
  for (const t of OBJECT_TYPES) {
    const Fields: Record<string, { Source: string; Target: string; ContentType?: 'STRING' }> = {
      recordId: { Source: '_source.recordId', Target: `_${t}.recordId` },
      SourceLastUpdatedTimestamp: { Source: '_source.updatedAt', Target: `_${t}.updatedAt` },
    };
    for (const p of ALL_PATHS) Fields[fieldName(p)] = { Source: `_source.${fieldName(p)}`, Target: `_profile.${p}` };
    await client.send(new PutProfileObjectTypeCommand({
      DomainName: domainName, ObjectTypeName: t, Description: `${t} records`, AllowProfileCreation: true,
      SourceLastUpdatedTimestampFormat: 'epoch_millis', Fields,
      Keys: { recordId: [{ StandardIdentifiers: ['PROFILE', 'UNIQUE'], FieldNames: ['recordId'] }] },
    }));
  }
}

export interface LoadRecord { recordId: string; data: ProfileData; source: string; updatedAt: number; entityId: string }

/**
 * Loads records through the API: those from an object type of OBJECT_TYPES with PutProfileObject (a new profile
 * each), the others with CreateProfile. Returns recordId → ProfileId (objects' profiles found by key in the store).
 */
export async function loadRecords(client: CustomerProfilesClient, store: Repository, domainName: string, records: LoadRecord[], concurrency = 8) {
  const ids = new Map<string, string>();
  let next = 0;
  const worker = async () => {
    while (next < records.length) {
      const r = records[next++]!;
      if ((OBJECT_TYPES as readonly string[]).includes(r.source)) {
        const obj: Record<string, string> = { recordId: r.recordId, updatedAt: String(r.updatedAt) };
        for (const [p, v] of Object.entries(flattenProfile(r.data))) if (!p.startsWith('Attributes.')) obj[fieldName(p)] = v;
        await client.send(new PutProfileObjectCommand({ DomainName: domainName, ObjectTypeName: r.source, Object: JSON.stringify(obj) }));
        const found = await store.findProfileIdsByKey(domainName, { keyName: 'recordId', value: r.recordId });
        if (found.length !== 1) throw new Error(`object ${r.recordId} did not create exactly one profile`);
        ids.set(r.recordId, found[0]!);
      } else {
        const out = await client.send(new CreateProfileCommand({ DomainName: domainName, ...(r.data as object) }));
        ids.set(r.recordId, out.ProfileId!);
      }
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  return ids;
}

/** Polls GetIdentityResolutionJob until a final status; returns the statuses seen (in order, deduplicated) and the job. */
export async function waitForJob(client: CustomerProfilesClient, domainName: string, jobId: string, timeoutMs = 120_000) {
  const seen: string[] = [];
  const end = Date.now() + timeoutMs;
  for (;;) {
    const j = await client.send(new GetIdentityResolutionJobCommand({ DomainName: domainName, JobId: jobId }));
    if (seen[seen.length - 1] !== j.Status) seen.push(j.Status!);
    if (['COMPLETED', 'PARTIAL_SUCCESS', 'FAILED'].includes(j.Status!)) return { job: j, seen };
    if (Date.now() > end) throw new Error(`job ${jobId} did not finish; statuses seen: ${seen.join(' → ')}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

export const LIFECYCLE = ['PENDING', 'PREPROCESSING', 'FIND_MATCHING', 'MERGING', 'COMPLETED', 'PARTIAL_SUCCESS', 'FAILED'];

/** Statuses seen must follow the lifecycle order. */
export function inLifecycleOrder(seen: string[]): boolean {
  const idx = seen.map((s) => LIFECYCLE.indexOf(s));
  return idx.every((v, i) => v >= 0 && (i === 0 || v > idx[i - 1]!));
}

/** Pairwise precision / recall / F1 of predicted groups against true entity ids. */
export function pairwiseF1(groups: string[][], entityOf: (profileId: string) => string | undefined) {
  const key = (a: string, b: string) => (a < b ? `${a}|${b}` : `${b}|${a}`);
  const predicted = new Set<string>();
  for (const g of groups) for (let i = 0; i < g.length; i++) for (let j = i + 1; j < g.length; j++) predicted.add(key(g[i]!, g[j]!));
  return (allIds: string[]) => {
    const byEntity = new Map<string, string[]>();
    for (const id of allIds) {
      const e = entityOf(id);
      if (e !== undefined) byEntity.set(e, [...(byEntity.get(e) ?? []), id]);
    }
    let truePairs = 0;
    const truth = new Set<string>();
    for (const ids of byEntity.values()) for (let i = 0; i < ids.length; i++) for (let j = i + 1; j < ids.length; j++) { truth.add(key(ids[i]!, ids[j]!)); truePairs++; }
    let tp = 0;
    for (const p of predicted) if (truth.has(p)) tp++;
    const precision = predicted.size ? tp / predicted.size : 1;
    const recall = truePairs ? tp / truePairs : 1;
    return { precision, recall, f1: precision + recall ? (2 * precision * recall) / (precision + recall) : 0 };
  };
}
