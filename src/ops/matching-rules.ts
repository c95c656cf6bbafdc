/** Semantic checks of a domain's Matching block that the model's constraints cannot express. */
import type { MatchingRequest } from '../api/generated/types.js';
import { badRequest } from '../errors.js';
import { ADDRESS_FIELDS, ADDRESS_MEMBERS, SCALAR_FIELDS } from '../model/profile.js';

const SCALARS = new Set<string>(SCALAR_FIELDS);
const ADDRESSES = new Set<string>(ADDRESS_FIELDS);
const MEMBERS = new Set<string>(ADDRESS_MEMBERS);

/** True for a standard field, a dotted address member (`ShippingAddress.PostalCode`) or `Attributes.<key>`. */
export function isProfileAttributePath(path: string): boolean {
  if (SCALARS.has(path)) return true;
  const dot = path.indexOf('.');
  if (dot < 0) return false;
  const head = path.slice(0, dot);
  const tail = path.slice(dot + 1);
  if (head === 'Attributes') return tail.length > 0;
  return ADDRESSES.has(head) && MEMBERS.has(tail);
}

export function validateMatching(m: MatchingRequest): void {
  const am = m.AutoMerging;
  if (!am) return;
  const lists = am.Consolidation?.MatchingAttributesList ?? [];
  lists.forEach((list, i) => {
    for (const attr of list) {
      if (!isProfileAttributePath(attr)) {
        throw badRequest(`Matching.AutoMerging.Consolidation.MatchingAttributesList[${i}] contains '${attr}', which is not a profile attribute: use a standard field (e.g. EmailAddress), an address member (e.g. Address.City, ShippingAddress.PostalCode) or Attributes.<key>`);
      }
    }
    if (new Set(list).size !== list.length) {
      throw badRequest(`Matching.AutoMerging.Consolidation.MatchingAttributesList[${i}] lists an attribute more than once`);
    }
  });
  const cr = am.ConflictResolution;
  if (cr?.ConflictResolvingModel === 'SOURCE' && !cr.SourceName) {
    throw badRequest('Matching.AutoMerging.ConflictResolution.SourceName is required when ConflictResolvingModel is SOURCE');
  }
  const score = am.MinAllowedConfidenceScoreForMerging;
  if (score !== undefined && !(score >= 0 && score <= 1)) {
    throw badRequest('Matching.AutoMerging.MinAllowedConfidenceScoreForMerging must be between 0 and 1');
  }
}
