/** Store records → API output shapes (exact member names of the model). */
import type {
  GetDomainResponse, GetIdentityResolutionJobResponse, GetProfileObjectTypeResponse, IdentityResolutionJob,
  MatchingResponse, Profile, RuleBasedMatchingResponse,
} from '../api/generated/types.js';
import type { StoredProfile } from '../model/profile.js';
import type { DomainRecord, DomainStats, JobRecord, ObjectTypeRecord } from '../store/repository.js';
import { compact, optDate, toDate } from './common.js';

export function matchingToApi(d: DomainRecord): MatchingResponse | undefined {
  if (!d.matching) return undefined;
  const m = d.matching;
  return compact({
    Enabled: m.Enabled, JobSchedule: m.JobSchedule, AutoMerging: m.AutoMerging, ExportingConfig: m.ExportingConfig,
  });
}

export function ruleBasedToApi(d: DomainRecord): RuleBasedMatchingResponse | undefined {
  if (!d.ruleBasedMatching) return undefined;
  return compact({ ...d.ruleBasedMatching, Status: d.ruleBasedMatching.Enabled ? 'ACTIVE' as const : undefined });
}

export function domainToApi(d: DomainRecord, stats?: DomainStats): GetDomainResponse {
  return compact({
    DomainName: d.domainName,
    DefaultExpirationDays: d.defaultExpirationDays,
    DefaultEncryptionKey: d.defaultEncryptionKey,
    DeadLetterQueueUrl: d.deadLetterQueueUrl,
    Stats: stats && {
      ProfileCount: stats.profileCount, MeteringProfileCount: stats.meteringProfileCount,
      ObjectCount: stats.objectCount, TotalSize: stats.totalSize,
    },
    Matching: matchingToApi(d),
    RuleBasedMatching: ruleBasedToApi(d),
    CreatedAt: toDate(d.createdAt),
    LastUpdatedAt: toDate(d.lastUpdatedAt),
    Tags: d.tags,
  });
}

export function profileToApi(p: StoredProfile): Profile {
  return { ProfileId: p.profileId, ...p.data };
}

export function objectTypeToApi(t: ObjectTypeRecord): GetProfileObjectTypeResponse {
  return compact({
    ObjectTypeName: t.objectTypeName,
    Description: t.description,
    TemplateId: t.templateId,
    ExpirationDays: t.expirationDays,
    EncryptionKey: t.encryptionKey,
    AllowProfileCreation: t.allowProfileCreation,
    SourceLastUpdatedTimestampFormat: t.sourceLastUpdatedTimestampFormat,
    MaxProfileObjectCount: t.maxProfileObjectCount,
    Fields: t.fields,
    Keys: t.keys,
    CreatedAt: toDate(t.createdAt),
    LastUpdatedAt: toDate(t.lastUpdatedAt),
    Tags: t.tags,
  });
}

export function jobToApi(j: JobRecord): GetIdentityResolutionJobResponse {
  return compact({
    DomainName: j.domainName,
    JobId: j.jobId,
    Status: j.status,
    Message: j.message,
    JobStartTime: toDate(j.jobStartTime),
    JobEndTime: optDate(j.jobEndTime),
    LastUpdatedAt: toDate(j.lastUpdatedAt),
    JobExpirationTime: optDate(j.jobExpirationTime),
    AutoMerging: j.autoMerging,
    ExportingLocation: j.exportingLocation,
    JobStats: j.jobStats,
  });
}

/** The list item shape (IdentityResolutionJob) has no LastUpdatedAt, JobExpirationTime or AutoMerging. */
export function jobToListItem(j: JobRecord): IdentityResolutionJob {
  return compact({
    DomainName: j.domainName,
    JobId: j.jobId,
    Status: j.status,
    JobStartTime: toDate(j.jobStartTime),
    JobEndTime: optDate(j.jobEndTime),
    JobStats: j.jobStats,
    ExportingLocation: j.exportingLocation,
    Message: j.message,
  });
}
