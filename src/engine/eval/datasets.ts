/**
 * Loaders for the vendored labelled sets in vendor/datasets/ (each folder has its LICENSE). Each maps the set's own
 * columns onto the Customer Profiles shape (EngineProfile) and returns one true entity label per profile.
 * Mappings follow vendor/datasets/README.md; they are printed with every evaluation.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parse } from 'csv-parse/sync';
import type { Address, FieldMeta, ProfileData } from '../../model/profile.js';
import { flattenProfile } from '../../model/profile.js';
import type { EngineProfile } from '../types.js';
import type { LabelledDataset } from './types.js';

/** vendor/datasets/ — same relative depth from src/engine/eval/*.ts and dist/engine/eval/*.js. */
export const DATASETS_DIR = fileURLToPath(new URL('../../../vendor/datasets/', import.meta.url));

function readCsv(rel: string): Record<string, string>[] {
  const text = readFileSync(DATASETS_DIR + rel, 'utf8');
  // Febrl puts a space after each comma (also in the header): trim everything.
  return parse(text, { columns: (h: string[]) => h.map((c) => c.trim()), trim: true, skip_empty_lines: true });
}

/** Per-field provenance with one source/time for the whole record (the sets have no per-field times). */
function metaFor(data: ProfileData, source: string, updatedAt: number): Record<string, FieldMeta> {
  const m: FieldMeta = { updatedAt, ingestedAt: updatedAt, source };
  const out: Record<string, FieldMeta> = {};
  for (const path of Object.keys(flattenProfile(data))) out[path] = m;
  return out;
}

/** Trims strings and drops empty ones and empty nested objects, so that absent values are absent, not ''. */
function compact(data: Record<string, any>): ProfileData {
  const out: Record<string, any> = {};
  for (const [k, v] of Object.entries(data)) {
    if (v === undefined || v === null) continue;
    if (typeof v === 'object') {
      const inner = compact(v);
      if (Object.keys(inner).length) out[k] = inner;
    } else if (String(v).trim() !== '') out[k] = String(v).trim();
  }
  return out as ProfileData;
}

const EPOCH_2020 = Date.UTC(2020, 0, 1);

/** Febrl 1 (1,000 rows, 500 pairs) or Febrl 3 (5,000 rows, Zipf duplicates). Truth: the <n> of rec-<n>-org/dup-<k>. */
export function loadFebrl(which: 1 | 3): LabelledDataset {
  const rows = readCsv(`febrl/dataset${which}.csv`);
  const profiles: EngineProfile[] = [];
  const truth: string[] = [];
  for (const r of rows) {
    const id = r.rec_id;
    const m = /^rec-(\d+)-/.exec(id);
    if (!m) throw new Error(`febrl${which}: unexpected rec_id ${id}`);
    const address1 = [r.street_number, r.address_1].filter(Boolean).join(' ');
    const data = compact({
      FirstName: r.given_name,
      LastName: r.surname,
      BirthDate: r.date_of_birth,
      Address: {
        Address1: address1, Address2: r.address_2, City: r.suburb, PostalCode: r.postcode, State: r.state,
        Country: 'AU',
      },
      Attributes: { soc_sec_id: r.soc_sec_id },
    });
    profiles.push({ id, data, meta: metaFor(data, 'febrl', EPOCH_2020) });
    truth.push(m[1]);
  }
  return {
    name: `febrl${which}`, profiles, truth,
    mapping: 'given_name→FirstName, surname→LastName, street_number+address_1→Address.Address1, '
      + 'address_2→Address.Address2, suburb→Address.City, postcode→Address.PostalCode, state→Address.State, '
      + 'Address.Country=AU, date_of_birth (YYYYMMDD)→BirthDate, soc_sec_id→Attributes.soc_sec_id',
  };
}

/** Splink's fake_1000: 1,000 rows, 251 clusters (column `cluster`). */
export function loadFake1000(): LabelledDataset {
  const rows = readCsv('splink/fake_1000.csv');
  const profiles: EngineProfile[] = [];
  const truth: string[] = [];
  for (const r of rows) {
    const data = compact({
      FirstName: r.first_name, LastName: r.surname, BirthDate: r.dob, EmailAddress: r.email,
      Address: { City: r.city },
    });
    profiles.push({ id: r.unique_id, data, meta: metaFor(data, 'fake_1000', EPOCH_2020) });
    truth.push(r.cluster);
  }
  return {
    name: 'fake_1000', profiles, truth,
    mapping: 'first_name→FirstName, surname→LastName, dob (ISO)→BirthDate, city→Address.City, email→EmailAddress',
  };
}

/** The labelled pairs shipped with fake_1000 (clerical_match_score 1/0), for pair-level checks. */
export function loadFake1000Labels(): Array<{ a: string; b: string; match: boolean }> {
  return readCsv('splink/fake_1000_labels.csv').map((r) => ({
    a: r.unique_id_l, b: r.unique_id_r, match: Number(r.clerical_match_score) >= 0.5,
  }));
}

type Feature = Record<string, string>;
interface SenzingRecord { DATA_SOURCE: string; RECORD_ID: string; FEATURES?: Feature[]; DATE?: string }

const SENZING_FILES = ['customers.jsonl', 'reference.jsonl', 'watchlist.jsonl'];
const ADDRESS_BY_TYPE: Record<string, 'Address' | 'MailingAddress' | 'ShippingAddress' | 'BillingAddress'> = {
  HOME: 'Address', PRIMARY: 'Address', BUSINESS: 'Address', REGISTERED: 'Address', MAILING: 'MailingAddress',
};
const PHONE_BY_TYPE: Record<string, 'PhoneNumber' | 'HomePhoneNumber' | 'MobilePhoneNumber' | 'BusinessPhoneNumber'> = {
  HOME: 'HomePhoneNumber', MOBILE: 'MobilePhoneNumber', BUSINESS: 'BusinessPhoneNumber', PRIMARY: 'PhoneNumber',
};
const GENDER: Record<string, ProfileData['Gender']> = {
  M: 'MALE', MALE: 'MALE', F: 'FEMALE', FEMALE: 'FEMALE', U: 'UNSPECIFIED', UNKNOWN: 'UNSPECIFIED',
};
/**
 * Senzing identifier features → Attributes key. The number only: the issuing country/state is written
 * inconsistently ("US" / "USA") and would turn equal numbers into unequal identifiers.
 */
const IDENTIFIERS: Array<[string, string]> = [
  ['SSN_NUMBER', 'ssn'],
  ['PASSPORT_NUMBER', 'passport'],
  ['DRIVERS_LICENSE_NUMBER', 'drivers_license'],
  ['NATIONAL_ID_NUMBER', 'national_id'],
  ['TAX_ID_NUMBER', 'tax_id'],
  ['LEI_NUMBER', 'lei'],
];

/** Senzing's M/D/YY or M/D/YYYY record date → epoch ms (two-digit years: ≤ 30 → 20xx). */
function senzingDate(s: string | undefined): number {
  const m = s && /^(\d{1,2})\/(\d{1,2})\/(\d{2}|\d{4})$/.exec(s.trim());
  if (!m) return EPOCH_2020;
  let y = Number(m[3]);
  if (m[3].length === 2) y += y <= 30 ? 2000 : 1900;
  return Date.UTC(y, Number(m[1]) - 1, Number(m[2]));
}

/** Maps one Senzing JSON record (typed feature list) onto a profile. */
export function senzingToProfile(rec: SenzingRecord): ProfileData {
  const d: Record<string, any> = {};
  const attrs: Record<string, string> = {};
  const addAttr = (k: string, v: string) => {
    let key = k;
    for (let i = 2; attrs[key] !== undefined; i++) key = `${k}_${i}`;
    attrs[key] = v.trim();
  };
  const spareAddresses = ['ShippingAddress', 'BillingAddress'];
  for (const f of rec.FEATURES ?? []) {
    if (f.RECORD_TYPE) d.PartyType = f.RECORD_TYPE === 'ORGANIZATION' ? 'BUSINESS' : 'INDIVIDUAL';
    if (f.NAME_FIRST || f.NAME_LAST || f.NAME_MIDDLE) {
      d.FirstName ??= f.NAME_FIRST; d.LastName ??= f.NAME_LAST; d.MiddleName ??= f.NAME_MIDDLE;
    }
    // A full name with no parts: the whole string goes to FirstName (the engine splits full-name-only records).
    if (f.NAME_FULL) {
      if (!d.FirstName && !d.LastName) d.FirstName = f.NAME_FULL.trim(); else addAttr('name_full', f.NAME_FULL);
    }
    if (f.NAME_ORG) {
      if (!d.BusinessName && f.NAME_TYPE !== 'AKA') d.BusinessName = f.NAME_ORG.trim(); else addAttr('name_org_aka', f.NAME_ORG);
    }
    if (f.GENDER) { d.Gender = GENDER[f.GENDER.toUpperCase()]; d.GenderString = f.GENDER; }
    if (f.DATE_OF_BIRTH) d.BirthDate ??= f.DATE_OF_BIRTH.trim();
    if (f.EMAIL_ADDRESS) {
      if (!d.EmailAddress) d.EmailAddress = f.EMAIL_ADDRESS.trim(); else d.PersonalEmailAddress ??= f.EMAIL_ADDRESS.trim();
    }
    if (f.ADDR_LINE1 || f.ADDR_FULL || f.ADDR_CITY || f.ADDR_POSTAL_CODE) {
      let field: string = ADDRESS_BY_TYPE[(f.ADDR_TYPE ?? 'HOME').toUpperCase()] ?? 'Address';
      if (d[field]) field = spareAddresses.find((a) => !d[a]) ?? field;
      if (!d[field]) {
        const a: Address = {
          Address1: (f.ADDR_LINE1 ?? f.ADDR_FULL)?.trim(), City: f.ADDR_CITY?.trim(), State: f.ADDR_STATE?.trim(),
          PostalCode: f.ADDR_POSTAL_CODE?.trim(), Country: f.ADDR_COUNTRY?.trim(),
        };
        d[field] = a;
      }
    }
    if (f.PHONE_NUMBER) {
      let field: string = PHONE_BY_TYPE[(f.PHONE_TYPE ?? 'PRIMARY').toUpperCase()] ?? 'PhoneNumber';
      if (d[field]) field = ['PhoneNumber', 'MobilePhoneNumber', 'HomePhoneNumber'].find((p) => !d[p]) ?? field;
      d[field] ??= f.PHONE_NUMBER.trim();
    }
    for (const [feat, key] of IDENTIFIERS) if (f[feat]) addAttr(key, f[feat]);
    if (f.EMPLOYER) addAttr('employer', f.EMPLOYER);
  }
  if (Object.keys(attrs).length) d.Attributes = attrs;
  return compact(d);
}

/** The Senzing truth set: 159 records from three sources; truth from actual_truthset_key.csv. */
export function loadSenzing(): LabelledDataset {
  const key = new Map<string, string>();
  for (const r of readCsv('senzing/actual_truthset_key.csv')) key.set(`${r.DATA_SOURCE}:${r.RECORD_ID}`, r.CLUSTER_ID);
  const profiles: EngineProfile[] = [];
  const truth: string[] = [];
  for (const file of SENZING_FILES) {
    for (const line of readFileSync(DATASETS_DIR + 'senzing/' + file, 'utf8').split('\n')) {
      if (!line.trim()) continue;
      const rec = JSON.parse(line) as SenzingRecord;
      const id = `${rec.DATA_SOURCE}:${rec.RECORD_ID}`;
      const cluster = key.get(id);
      if (cluster === undefined) throw new Error(`senzing: record ${id} is not in actual_truthset_key.csv`);
      const data = senzingToProfile(rec);
      profiles.push({ id, data, meta: metaFor(data, rec.DATA_SOURCE, senzingDate(rec.DATE)) });
      truth.push(cluster);
    }
  }
  return {
    name: 'senzing', profiles, truth,
    mapping: 'DATA_SOURCE→source (meta), NAME_FIRST/LAST/MIDDLE→First/Last/MiddleName, NAME_FULL only→FirstName, '
      + 'NAME_ORG→BusinessName, ADDR HOME/PRIMARY/BUSINESS→Address, MAILING→MailingAddress, '
      + 'PHONE HOME/MOBILE/BUSINESS/other→Home/Mobile/Business/PhoneNumber, EMAIL→EmailAddress, '
      + 'SSN/passport/licence/national id/tax id/LEI numbers (without issuing country)→Attributes.ssn|passport|drivers_license|national_id|tax_id|lei, EMPLOYER→Attributes.employer',
  };
}
