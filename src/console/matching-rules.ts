/**
 * Client-side checks of a Matching block, mirroring the service model's constraints (and the API's validation),
 * so that the editor can say what is wrong before sending. The API's own validation errors are shown as well.
 */
import type { MatchingRequest } from './api/wire.js';

export const DAYS = ['SUNDAY', 'MONDAY', 'TUESDAY', 'WEDNESDAY', 'THURSDAY', 'FRIDAY', 'SATURDAY'] as const;

const SCALARS = [
  'AccountNumber', 'AdditionalInformation', 'PartyType', 'BusinessName', 'FirstName', 'MiddleName', 'LastName',
  'BirthDate', 'Gender', 'PhoneNumber', 'MobilePhoneNumber', 'HomePhoneNumber', 'BusinessPhoneNumber', 'EmailAddress',
  'PersonalEmailAddress', 'BusinessEmailAddress', 'PartyTypeString', 'GenderString', 'ProfileType',
];
const ADDRESSES = ['Address', 'ShippingAddress', 'MailingAddress', 'BillingAddress'];
const MEMBERS = ['Address1', 'Address2', 'Address3', 'Address4', 'City', 'County', 'State', 'Province', 'Country', 'PostalCode'];

/** Attribute names offered by the pickers, grouped; `Attributes.<key>` can be typed in. */
export const ATTRIBUTE_GROUPS: Array<{ label: string; names: string[] }> = [
  { label: 'Profile fields', names: SCALARS },
  ...ADDRESSES.map((a) => ({ label: `${a} members`, names: MEMBERS.map((m) => `${a}.${m}`) })),
];
const KNOWN = new Set(ATTRIBUTE_GROUPS.flatMap((g) => g.names));

export function isValidAttributeName(name: string): boolean {
  // As the API (src/ops/matching-rules.ts): standard fields, address members, Attributes.<any non-empty key>.
  return KNOWN.has(name) || (name.startsWith('Attributes.') && name.length > 11 && name.length <= 255);
}

export const TIME_RE = /^([0-9]|0[0-9]|1[0-9]|2[0-3]):[0-5][0-9]$/;
const BUCKET_RE = /^[a-z0-9.-]{3,63}$/;

export function validateMatching(m: MatchingRequest): string[] {
  const errors: string[] = [];
  if (m.JobSchedule) {
    if (!DAYS.includes(m.JobSchedule.DayOfTheWeek)) errors.push('Schedule: choose a day of the week.');
    if (!TIME_RE.test(m.JobSchedule.Time)) errors.push('Schedule: time must be HH:MM in 24-hour UTC (e.g. 02:30).');
  }
  const am = m.AutoMerging;
  if (am?.Enabled) {
    const lists = am.Consolidation?.MatchingAttributesList ?? [];
    if (lists.length < 1) errors.push('Auto-merging: add at least one matching criterion.');
    if (lists.length > 10) errors.push('Auto-merging: at most 10 matching criteria.');
    lists.forEach((l, i) => {
      if (l.length < 1) errors.push(`Criterion ${i + 1}: add at least one attribute.`);
      if (l.length > 20) errors.push(`Criterion ${i + 1}: at most 20 attributes.`);
      for (const a of l) if (!isValidAttributeName(a)) errors.push(`Criterion ${i + 1}: "${a}" is not a profile attribute.`);
      if (new Set(l).size !== l.length) errors.push(`Criterion ${i + 1}: an attribute is listed twice.`);
    });
    const cr = am.ConflictResolution;
    if (!cr) errors.push('Auto-merging: choose a conflict resolution.');
    if (cr?.ConflictResolvingModel === 'SOURCE' && !cr.SourceName?.trim()) {
      errors.push('Conflict resolution SOURCE needs a source name (an object type).');
    }
    const s = am.MinAllowedConfidenceScoreForMerging;
    if (s !== undefined && !(s >= 0 && s <= 1)) errors.push('Minimum confidence score must be between 0 and 1.');
  }
  const s3 = m.ExportingConfig?.S3Exporting;
  if (s3) {
    if (!BUCKET_RE.test(s3.S3BucketName)) errors.push('Export: bucket name must be 3–63 characters of a–z, 0–9, "." and "-".');
    if (s3.S3KeyName !== undefined && (s3.S3KeyName.length < 1 || s3.S3KeyName.length > 800)) {
      errors.push('Export: key prefix must be 1–800 characters.');
    }
  }
  return errors;
}
