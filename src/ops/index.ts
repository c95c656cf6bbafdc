/**
 * Operation name → handler. The API layer (src/api) calls these after parsing and validating the request;
 * operations without an entry answer "<Op> is not implemented by Coalesce".
 * Other areas add their operations as one more spread group (e.g. `...jobsHandlers`) at the end.
 */
import * as domains from './domains.js';
import * as history from './history.js';
import * as jobs from './identity-resolution-jobs.js';
import * as objectTypes from './object-types.js';
import * as objects from './profile-objects.js';
import * as keys from './profile-keys.js';
import * as matches from './matches.js';
import * as profiles from './profiles.js';
import * as tags from './tags.js';
import { matchProfile } from './match-profile.js';
import * as uploads from './upload-jobs.js';
import type { HandlerMap } from './types.js';

/** Store / operations area (domains, profiles, keys, object types, objects, history, tags, job reads). */
const coreHandlers: HandlerMap = {
  CreateDomain: domains.createDomain,
  GetDomain: domains.getDomain,
  UpdateDomain: domains.updateDomain,
  DeleteDomain: domains.deleteDomain,
  ListDomains: domains.listDomains,
  TagResource: tags.tagResource,
  UntagResource: tags.untagResource,
  ListTagsForResource: tags.listTagsForResource,
  CreateProfile: profiles.createProfile,
  UpdateProfile: profiles.updateProfile,
  DeleteProfile: profiles.deleteProfile,
  SearchProfiles: profiles.searchProfiles,
  BatchGetProfile: profiles.batchGetProfile,
  AddProfileKey: keys.addProfileKey,
  DeleteProfileKey: keys.deleteProfileKey,
  PutProfileObjectType: objectTypes.putProfileObjectType,
  GetProfileObjectType: objectTypes.getProfileObjectType,
  ListProfileObjectTypes: objectTypes.listProfileObjectTypes,
  DeleteProfileObjectType: objectTypes.deleteProfileObjectType,
  PutProfileObject: objects.putProfileObject,
  ListProfileObjects: objects.listProfileObjects,
  DeleteProfileObject: objects.deleteProfileObject,
  ListProfileHistoryRecords: history.listProfileHistoryRecords,
  GetProfileHistoryRecord: history.getProfileHistoryRecord,
  GetIdentityResolutionJob: jobs.getIdentityResolutionJob,
  ListIdentityResolutionJobs: jobs.listIdentityResolutionJobs,
};

/** Identity resolution jobs area (matches, merges, preview, on-demand start, explanations). */
const jobsHandlers: HandlerMap = {
  GetMatches: matches.getMatches,
  MergeProfiles: matches.mergeProfiles,
  GetAutoMergingPreview: matches.getAutoMergingPreview,
  StartIdentityResolutionJob: matches.startIdentityResolutionJob,
  GetMatchExplanation: matches.getMatchExplanation,
  MatchProfile: matchProfile,
};

/** Bulk ingestion area (upload jobs). */
const uploadHandlers: HandlerMap = {
  CreateUploadJob: uploads.createUploadJob,
  GetUploadJobPath: uploads.getUploadJobPath,
  StartUploadJob: uploads.startUploadJob,
  StopUploadJob: uploads.stopUploadJob,
  GetUploadJob: uploads.getUploadJob,
  ListUploadJobs: uploads.listUploadJobs,
};

export const handlers: HandlerMap = {
  ...coreHandlers,
  ...jobsHandlers,
  ...uploadHandlers,
};
