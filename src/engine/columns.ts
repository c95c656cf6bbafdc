/**
 * Normalized profiles in a columnar layout: one typed array per attribute holding interned string ids (-1 = null),
 * multi-valued attributes (emails, phones, addresses, identifiers) as CSR offsets + values. Comparisons and blocking
 * read only these arrays, so the same code serves a whole job, a worker's share of it, or one group to explain.
 */
import type { EngineProfile } from './types.js';
import { Interner, IntList } from './intern.js';
import { normalizeName } from './normalize/name.js';
import { DEFAULT_EMAIL_RULES, indexEmailRules, normalizeEmail, type EmailProviderRule } from './normalize/email.js';
import { phoneNormalizer } from './normalize/phone.js';
import { normalizeAddress } from './normalize/address.js';
import { dateParser } from './normalize/date.js';
import { ADDRESS_FIELDS } from '../model/profile.js';
import { foldText } from './normalize/text.js';

export interface NormalizeOptions {
  defaultCountry: string;
  emailRules: EmailProviderRule[];
  /** Attribute keys used as identifiers; undefined = keys that look like identifiers (see isIdentifierKey). */
  identifierAttributes?: string[];
}

export const DEFAULT_NORMALIZE: NormalizeOptions = { defaultCountry: 'US', emailRules: DEFAULT_EMAIL_RULES };

const EMAIL_FIELDS = ['EmailAddress', 'PersonalEmailAddress', 'BusinessEmailAddress'] as const;
const PHONE_FIELDS = ['PhoneNumber', 'MobilePhoneNumber', 'HomePhoneNumber', 'BusinessPhoneNumber'] as const;
const ID_WORDS = new Set(['id', 'ids', 'ssn', 'sin', 'passport', 'license', 'licence', 'account', 'number', 'num', 'no']);

/** Attribute keys whose words include id / number / ssn / passport / licence / account (e.g. soc_sec_id, loyaltyId). */
export function isIdentifierKey(key: string): boolean {
  const words = key.replace(/([a-z0-9])([A-Z])/g, '$1 $2').toLowerCase().split(/[^a-z0-9]+/);
  return words.some((w) => ID_WORDS.has(w));
}

/** A multi-valued column: values of profile i are values[off[i] .. off[i+1]). */
export interface Multi {
  off: Int32Array;
  values: Int32Array;
}

export interface Columns {
  n: number;
  ids: string[];
  first: Int32Array;
  middle: Int32Array;
  last: Int32Array;
  dob: Int32Array;
  email: Multi; // full canonical (emailFull table)
  emailLoose: Multi; // parallel to email (emailLoose table)
  emailLocal: Multi; // parallel to email (emailLocal table)
  phone: Multi;
  street: Multi; // parallel address columns
  /** House numbers as integers (-1 = none): compared by equality only, so not interned. */
  house: Multi;
  unit: Multi;
  streetName: Multi;
  postcode: Multi;
  city: Multi;
  ident: Multi; // "key=value"
  tables: Tables;
}

export interface Tables {
  /** First, middle and last names share one table so that swapped first/last names compare by id. */
  name: Interner;
  emailFull: Interner;
  emailLoose: Interner;
  emailLocal: Interner;
  phone: Interner;
  street: Interner;
  unit: Interner;
  streetName: Interner;
  postcode: Interner;
  city: Interner;
  ident: Interner;
}

class MultiBuilder {
  off = new IntList();
  values = new IntList();
  constructor() {
    this.off.push(0);
  }
  end(): void {
    this.off.push(this.values.length);
  }
  build(): Multi {
    return { off: this.off.toArray(), values: this.values.toArray() };
  }
}

function newTables(): Tables {
  return {
    name: new Interner(), emailFull: new Interner(),
    emailLoose: new Interner(), emailLocal: new Interner(), phone: new Interner(), street: new Interner(),
    unit: new Interner(), streetName: new Interner(), postcode: new Interner(),
    city: new Interner(), ident: new Interner(),
  };
}

export function buildColumns(profiles: EngineProfile[], opts: NormalizeOptions, onProgress?: (f: number) => void): Columns {
  const n = profiles.length;
  const t = newTables();
  const first = new Int32Array(n).fill(-1);
  const middle = new Int32Array(n).fill(-1);
  const last = new Int32Array(n).fill(-1);
  const dob = new Int32Array(n);
  const mb = () => new MultiBuilder();
  const email = mb(), emailLoose = mb(), emailLocal = mb(), phone = mb(), ident = mb();
  const street = mb(), house = mb(), unit = mb(), streetName = mb(), postcode = mb(), city = mb();
  const rules = indexEmailRules(opts.emailRules);
  const phoneOf = phoneNormalizer(opts.defaultCountry);
  const dateOf = dateParser(opts.defaultCountry);
  const idKeys = opts.identifierAttributes ? new Set(opts.identifierAttributes) : undefined;
  const keyVerdicts = new Map<string, boolean>();
  const isIdKey = (k: string): boolean => {
    if (idKeys) return idKeys.has(k);
    let v = keyVerdicts.get(k);
    if (v === undefined) keyVerdicts.set(k, (v = isIdentifierKey(k)));
    return v;
  };
  const ids: string[] = new Array(n);
  // Caches from raw value to interned id(s), so each distinct raw value is normalized and looked up once: real and
  // generated data repeat values (household phones, names, birth dates), and a Map hit on the raw string (whose
  // hash V8 keeps in the string) is far cheaper than normalizing again and interning a freshly built string.
  // Ids are still assigned at a value's first occurrence, so they — and every result — are unchanged.
  const nameTokens = new Map<string, string[]>();
  const dates = new Map<string, number>();
  const phones = new Map<string, number>(); // raw → phone id, -1 = no number
  const emails = new Map<string, number>(); // raw → index into emailIds (3 ids each), -1 = not an email
  const emailIds = new IntList();
  const idents = new Map<string, Map<string, number>>(); // key → raw → ident id, -1 = empty
  const addressParts = { postcodes: new Map<string, string>(), cities: new Map<string, string>() };

  const pushIdent = (key: string, raw: string): void => {
    let byRaw = idents.get(key);
    if (!byRaw) idents.set(key, (byRaw = new Map()));
    let id = byRaw.get(raw);
    if (id === undefined) {
      const v = foldText(raw).replace(/ /g, '');
      byRaw.set(raw, (id = v ? t.ident.id(`${key}=${v}`, false) : -1));
    }
    if (id >= 0) {
      t.ident.count(id);
      ident.values.push(id);
    }
  };

  for (let i = 0; i < n; i++) {
    const p = profiles[i]!;
    const d = p.data;
    ids[i] = p.id;
    const nm = normalizeName(d.FirstName, d.MiddleName, d.LastName, nameTokens);
    if (nm.first) first[i] = t.name.id(nm.first);
    if (nm.middle) middle[i] = t.name.id(nm.middle);
    if (nm.last) last[i] = t.name.id(nm.last);
    const rawDob = d.BirthDate;
    if (rawDob) {
      let v = dates.get(rawDob);
      if (v === undefined) dates.set(rawDob, (v = dateOf(rawDob)));
      dob[i] = v;
    }

    const e0 = email.values.length;
    for (const f of EMAIL_FIELDS) {
      const raw = d[f];
      if (!raw) continue;
      let k = emails.get(raw);
      if (k === undefined) {
        const e = normalizeEmail(raw, rules);
        k = -1;
        if (e) {
          k = emailIds.length;
          emailIds.push(t.emailFull.id(e.full, false));
          emailIds.push(t.emailLoose.id(e.loose, false));
          emailIds.push(t.emailLocal.id(e.local, false));
        }
        emails.set(raw, k);
      }
      if (k < 0) continue;
      const full = emailIds.data[k]!;
      if (email.values.includesFrom(e0, full)) continue; // one set per profile
      const loose = emailIds.data[k + 1]!, local = emailIds.data[k + 2]!;
      t.emailFull.count(full); t.emailLoose.count(loose); t.emailLocal.count(local);
      email.values.push(full);
      emailLoose.values.push(loose);
      emailLocal.values.push(local);
    }
    email.end(); emailLoose.end(); emailLocal.end();

    const p0 = phone.values.length;
    for (const f of PHONE_FIELDS) {
      const raw = d[f];
      if (!raw) continue;
      let id = phones.get(raw);
      if (id === undefined) {
        const ph = phoneOf(raw);
        phones.set(raw, (id = ph ? t.phone.id(ph, false) : -1));
      }
      if (id < 0 || phone.values.includesFrom(p0, id)) continue;
      t.phone.count(id);
      phone.values.push(id);
    }
    phone.end();

    const s0 = street.values.length;
    for (const f of ADDRESS_FIELDS) {
      const a = normalizeAddress(d[f], addressParts);
      if (!a) continue;
      const sid = a.street ? t.street.id(a.street, false) : -1;
      const pid = a.postcode ? t.postcode.id(a.postcode, false) : -1;
      const cid = a.city ? t.city.id(a.city, false) : -1;
      // Skip an address that repeats one already kept (shipping = mailing is common); compared by id, no key string.
      let repeat = false;
      for (let k = s0; k < street.values.length && !repeat; k++) {
        repeat = street.values.data[k] === sid && postcode.values.data[k] === pid && city.values.data[k] === cid;
      }
      if (repeat) continue;
      street.values.push(sid);
      if (sid >= 0) t.street.count(sid);
      house.values.push(a.house ? Math.min(Number(a.house), 0x7fffffff) : -1);
      unit.values.push(a.unit ? t.unit.id(a.unit) : -1);
      streetName.values.push(a.streetName ? t.streetName.id(a.streetName) : -1);
      postcode.values.push(pid);
      if (pid >= 0) t.postcode.count(pid);
      city.values.push(cid);
      if (cid >= 0) t.city.count(cid);
    }
    street.end(); house.end(); unit.end(); streetName.end(); postcode.end(); city.end();

    if (d.AccountNumber) pushIdent('AccountNumber', d.AccountNumber);
    if (d.Attributes) {
      for (const k in d.Attributes) {
        const raw = d.Attributes[k];
        if (raw && isIdKey(k)) pushIdent(k, raw);
      }
    }
    ident.end();
    if (onProgress && (i & 0xffff) === 0) onProgress(i / n);
  }
  return {
    n, ids, first, middle, last, dob,
    email: email.build(), emailLoose: emailLoose.build(), emailLocal: emailLocal.build(), phone: phone.build(),
    street: street.build(), house: house.build(), unit: unit.build(), streetName: streetName.build(),
    postcode: postcode.build(), city: city.build(), ident: ident.build(), tables: t,
  };
}
