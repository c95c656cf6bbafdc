/** The Customer Profiles operations the console uses (paths and shapes from the service model). */
import { call, seg } from './client.js';
import type {
  Domain, DomainItem, HistoryRecord, HistoryRecordDetail, Job, JobItem, MatchItem, MatchesPage, MatchingRequest,
  MatchExplanation, MatchProfileResult, MergeRequest, ObjectType, ObjectTypeItem, PreviewRequest, PreviewResponse, Profile, ProfileObject,
} from './wire.js';

const d = (name: string) => `/domains/${seg(name)}`;

/** Follows NextToken up to `maxPages` pages. */
async function allPages<I>(
  fetchPage: (token?: string) => Promise<{ items?: I[]; next?: string }>,
  maxPages = 50,
): Promise<{ items: I[]; truncated: boolean }> {
  const items: I[] = [];
  let token: string | undefined;
  for (let i = 0; i < maxPages; i++) {
    const page = await fetchPage(token);
    items.push(...(page.items ?? []));
    token = page.next;
    if (!token) return { items, truncated: false };
  }
  return { items, truncated: true };
}

export const listDomains = () =>
  allPages<DomainItem>(async (t) => {
    const r = await call<{ Items?: DomainItem[]; NextToken?: string }>('GET', '/domains', {
      query: { 'next-token': t, 'max-results': 100 },
    });
    return { items: r.Items, next: r.NextToken };
  });

export const getDomain = (name: string) => call<Domain>('GET', d(name));
export const createDomain = (name: string, body: { DefaultExpirationDays: number; Matching?: MatchingRequest }) =>
  call<Domain>('POST', d(name), { body });
export const updateDomain = (name: string, body: { Matching?: MatchingRequest; DefaultExpirationDays?: number }) =>
  call<Domain>('PUT', d(name), { body });
export const deleteDomain = (name: string) => call<{ Message?: string }>('DELETE', d(name));

export const listJobs = (domain: string) =>
  allPages<JobItem>(async (t) => {
    const r = await call<{ IdentityResolutionJobsList?: JobItem[]; NextToken?: string }>(
      'GET', `${d(domain)}/identity-resolution-jobs`, { query: { 'next-token': t, 'max-results': 100 } });
    return { items: r.IdentityResolutionJobsList, next: r.NextToken };
  }, 5);
export const getJob = (domain: string, jobId: string) =>
  call<Job>('GET', `${d(domain)}/identity-resolution-jobs/${seg(jobId)}`);
/** Coalesce extension: start a job now (AWS does this from its console only). */
export const startJob = (domain: string) =>
  call<{ JobId: string }>('POST', `${d(domain)}/identity-resolution-jobs`, { body: {} });

export async function getAllMatches(domain: string, maxPages = 50) {
  let first: MatchesPage | undefined;
  const r = await allPages<MatchItem>(async (t) => {
    const page = await call<MatchesPage>('GET', `${d(domain)}/matches`, {
      query: { 'next-token': t, 'max-results': 100 },
    });
    first ??= page;
    return { items: page.Matches, next: page.NextToken };
  }, maxPages);
  return {
    matches: r.items,
    truncated: r.truncated,
    generatedAt: first?.MatchGenerationDate,
    potentialMatches: first?.PotentialMatches,
  };
}

export const autoMergingPreview = (domain: string, body: PreviewRequest) =>
  call<PreviewResponse>('POST', `${d(domain)}/identity-resolution-jobs/auto-merging-preview`, { body });
export const mergeProfiles = (domain: string, body: MergeRequest) =>
  call<{ Message?: string }>('POST', `${d(domain)}/profiles/objects/merge`, { body });

export const batchGetProfiles = (domain: string, ids: string[]) =>
  call<{ Profiles?: Profile[]; Errors?: Array<{ Code: string; Message: string; ProfileId: string }> }>(
    'POST', `${d(domain)}/batch-get-profiles`, { body: { ProfileIds: ids } });

export const searchProfiles = (domain: string, keyName: string, value: string, nextToken?: string) =>
  call<{ Items?: Profile[]; NextToken?: string }>('POST', `${d(domain)}/profiles/search`, {
    query: { 'next-token': nextToken, 'max-results': 100 },
    body: { KeyName: keyName, Values: [value] },
  });

export const listObjectTypes = (domain: string) =>
  allPages<ObjectTypeItem>(async (t) => {
    const r = await call<{ Items?: ObjectTypeItem[]; NextToken?: string }>('GET', `${d(domain)}/object-types`, {
      query: { 'next-token': t, 'max-results': 100 },
    });
    return { items: r.Items, next: r.NextToken };
  }, 10);
export const getObjectType = (domain: string, name: string) =>
  call<ObjectType>('GET', `${d(domain)}/object-types/${seg(name)}`);
export const listProfileObjects = (domain: string, objectTypeName: string, profileId: string) =>
  call<{ Items?: ProfileObject[]; NextToken?: string }>('POST', `${d(domain)}/profiles/objects`, {
    query: { 'max-results': 100 },
    body: { ObjectTypeName: objectTypeName, ProfileId: profileId },
  });

export const listHistory = (domain: string, profileId: string) =>
  allPages<HistoryRecord>(async (t) => {
    const r = await call<{ ProfileHistoryRecords?: HistoryRecord[]; NextToken?: string }>(
      'POST', `${d(domain)}/profiles/history-records`, {
        query: { 'next-token': t, 'max-results': 100 },
        body: { ProfileId: profileId },
      });
    return { items: r.ProfileHistoryRecords, next: r.NextToken };
  }, 10);
export const getHistoryRecord = (domain: string, profileId: string, id: string) =>
  call<HistoryRecordDetail>('GET', `${d(domain)}/profiles/${seg(profileId)}/history-records/${seg(id)}`);

/** Coalesce extension: the engine's per-pair evidence for one match group. */
export const explainMatch = (domain: string, matchId: string) =>
  call<MatchExplanation>(
    'GET', `${d(domain)}/matches/${seg(matchId)}/explanation`);

/** Coalesce extension: the latest job's profiles most like a stored profile (its saved blocking keys and model). */
export const matchStoredProfile = (domain: string, profileId: string) =>
  call<MatchProfileResult>('POST', `${d(domain)}/profiles/match`, { body: { ProfileId: profileId, MaxResults: 10 } });

/** Coalesce console endpoint: how the job was started and its server-measured stage timings. */
export interface JobRun { JobId: string; Kind?: 'FIRST' | 'SCHEDULED' | 'ON_DEMAND'; StageTimingsMs: Record<string, number>; ExportError?: string }
export const getJobRun = (domain: string, jobId: string) =>
  call<JobRun>('GET', `/console/api/domains/${seg(domain)}/identity-resolution-jobs/${seg(jobId)}/run`);
