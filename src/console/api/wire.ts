/**
 * The console talks to the same restJson1 API as the SDKs. On the wire, timestamps are epoch seconds (numbers),
 * so the generated model types are mapped with Date → number.
 */
import type * as T from '../../api/generated/types.js';

export type Wire<X> = X extends Date
  ? number
  : X extends Array<infer U>
    ? Array<Wire<U>>
    : X extends object
      ? { [K in keyof X]: Wire<X[K]> }
      : X;

export type Profile = Wire<T.Profile>;
export type DomainItem = Wire<T.ListDomainItem>;
export type Domain = Wire<T.GetDomainResponse>;
export type MatchingRequest = T.MatchingRequest;
export type AutoMerging = T.AutoMerging;
export type Job = Wire<T.GetIdentityResolutionJobResponse> & { [extra: string]: unknown };
export type JobItem = Wire<T.IdentityResolutionJob> & { [extra: string]: unknown };
export type MatchItem = Wire<T.MatchItem>;
export type MatchesPage = Wire<T.GetMatchesResponse>;
export type PreviewRequest = Omit<T.GetAutoMergingPreviewRequest, 'DomainName'>;
export type PreviewResponse = T.GetAutoMergingPreviewResponse;
export type MergeRequest = Omit<T.MergeProfilesRequest, 'DomainName'>;
export type FieldSourceProfileIds = T.FieldSourceProfileIds;
export type HistoryRecord = Wire<T.ProfileHistoryRecord>;
export type HistoryRecordDetail = Wire<T.GetProfileHistoryRecordResponse>;
export type ObjectTypeItem = Wire<T.ListProfileObjectTypeItem>;
export type ObjectType = Wire<T.GetProfileObjectTypeResponse>;
export type ProfileObject = T.ListProfileObjectsItem;
export type JobStatus = NonNullable<T.IdentityResolutionJob['Status']>;

/** The match-explanation extension (GetMatchExplanation in model/coalesce-extensions.json). */
export interface AttributeEvidence {
  Attribute: string;
  Level: string;
  Weight: number;
  ValueA?: string;
  ValueB?: string;
}
export interface PairEvidence {
  ProfileIdA: string;
  ProfileIdB: string;
  Probability: number;
  TotalWeight: number;
  Attributes?: AttributeEvidence[];
}
export interface MatchExplanation {
  MatchId?: string;
  JobId?: string;
  ConfidenceScore?: number;
  ProfileIds?: string[];
  Pairs?: PairEvidence[];
}

/** The MatchProfile extension's answer (model/coalesce-extensions.json). */
export interface ProfileMatch {
  ProfileId: string;
  MatchId?: string;
  Probability: number;
  TotalWeight: number;
  BlockingRules?: string[];
  Attributes?: AttributeEvidence[];
}
export interface MatchProfileResult { JobId?: string; CandidatesCompared?: number; Matches?: ProfileMatch[] }
