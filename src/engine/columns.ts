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
  const seen = new Set<string>();
  const ids: string[] = new Array(n);

  for (let i = 0; i < n; i++) {
    const p = profiles[i]!;
    const d = p.data;
    ids[i] = p.id;
    const nm = normalizeName(d.FirstName, d.MiddleName, d.LastName);
    if (nm.first) first[i] = t.name.id(nm.first);
    if (nm.middle) middle[i] = t.name.id(nm.middle);
    if (nm.last) last[i] = t.name.id(nm.last);
    dob[i] = dateOf(d.BirthDate);

    seen.clear();
    for (const f of EMAIL_FIELDS) {
      const e = normalizeEmail(d[f], rules);
      if (!e || seen.has(e.full)) continue;
      seen.add(e.full);
      email.values.push(t.emailFull.id(e.full));
      emailLoose.values.push(t.emailLoose.id(e.loose));
      emailLocal.values.push(t.emailLocal.id(e.local));
    }
    email.end(); emailLoose.end(); emailLocal.end();

    seen.clear();
    for (const f of PHONE_FIELDS) {
      const ph = phoneOf(d[f]);
      if (!ph || seen.has(ph)) continue;
      seen.add(ph);
      phone.values.push(t.phone.id(ph));
    }
    phone.end();

    seen.clear();
    let firstKey = '';
    for (const f of ADDRESS_FIELDS) {
      const a = normalizeAddress(d[f]);
      if (!a) continue;
      if (street.values.length > street.off.data[street.off.length - 1]!) {
        // A second address: skip it when it repeats one already kept (shipping = mailing is common).
        const key = `${a.street}|${a.postcode}|${a.city}`;
        if (seen.size === 0) seen.add(firstKey);
        if (seen.has(key)) continue;
        seen.add(key);
      } else {
        firstKey = `${a.street}|${a.postcode}|${a.city}`;
      }
      street.values.push(a.street ? t.street.id(a.street) : -1);
      house.values.push(a.house ? Math.min(Number(a.house), 0x7fffffff) : -1);
      unit.values.push(a.unit ? t.unit.id(a.unit) : -1);
      streetName.values.push(a.streetName ? t.streetName.id(a.streetName) : -1);
      postcode.values.push(a.postcode ? t.postcode.id(a.postcode) : -1);
      city.values.push(a.city ? t.city.id(a.city) : -1);
    }
    street.end(); house.end(); unit.end(); streetName.end(); postcode.end(); city.end();

    seen.clear();
    if (d.AccountNumber) {
      const v = foldText(d.AccountNumber).replace(/ /g, '');
      if (v) ident.values.push(t.ident.id(`AccountNumber=${v}`));
    }
    if (d.Attributes) {
      for (const [k, raw] of Object.entries(d.Attributes)) {
        if (!raw || !isIdKey(k)) continue;
        const v = foldText(raw).replace(/ /g, '');
        if (v) ident.values.push(t.ident.id(`${k}=${v}`));
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
