/**
 * Normalized profiles in a columnar layout: one typed array per attribute holding interned string ids (-1 = null),
 * multi-valued attributes (emails, phones, addresses, identifiers) as CSR offsets + values. Comparisons and blocking
 * read only these arrays, so the same code serves a whole job, a worker's share of it, or one group to explain.
 */
import type { EngineProfile } from './types.js';
import { Interner, IntList } from './intern.js';
import { encodesVerbatim, viaCodec } from './profile-codec.js';
import type { Address, ProfileData } from '../model/profile.js';
import { nameTokens, normalizeName } from './normalize/name.js';
import {
  DEFAULT_EMAIL_RULES, indexEmailRules, normalizeEmail, type EmailProviderRule, type NormalEmail,
} from './normalize/email.js';
import { phoneNormalizer } from './normalize/phone.js';
import { lineParts, normalizePostcode, rawStreetLine } from './normalize/address.js';
import { dateParser, type DateParser } from './normalize/date.js';
import { foldText } from './normalize/text.js';

export interface NormalizeOptions {
  defaultCountry: string;
  emailRules: EmailProviderRule[];
  /** Attribute keys used as identifiers; undefined = keys that look like identifiers (see isIdentifierKey). */
  identifierAttributes?: string[];
}

export const DEFAULT_NORMALIZE: NormalizeOptions = { defaultCountry: 'US', emailRules: DEFAULT_EMAIL_RULES };

const ID_WORDS = new Set(['id', 'ids', 'ssn', 'sin', 'passport', 'license', 'licence', 'account', 'number', 'num', 'no']);

/** A cached street line: street id (interned on first sight), house number, unit and street name with their ids. */
export interface LineIds {
  sid: number;
  house: number;
  unit: string;
  streetName: string;
  /** UNSET until the line is first kept in a profile (unit and street name are interned only then). */
  unitId: number;
  nameId: number;
}
export const UNSET = -2;

/** A cached raw name field: its folded words, the name id of its only word and of its words joined (UNSET = not yet). */
export interface NameField {
  tokens: string[];
  single: number;
  joined: number;
}

export function newNameField(raw: string): NameField {
  return { tokens: nameTokens(raw), single: UNSET, joined: UNSET };
}

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

/** The per-profile columns of a run of profiles, without ids and tables (what a normalize worker sends back). */
export type ColumnData = Omit<Columns, 'ids' | 'tables'>;

/** Multi-valued columns and the table their ids point into (house numbers are plain integers). */
export const MULTI_COLUMNS = [
  ['email', 'emailFull'], ['emailLoose', 'emailLoose'], ['emailLocal', 'emailLocal'], ['phone', 'phone'],
  ['street', 'street'], ['house', undefined], ['unit', 'unit'], ['streetName', 'streetName'], ['postcode', 'postcode'],
  ['city', 'city'], ['ident', 'ident'],
] as const satisfies readonly (readonly [keyof ColumnData, keyof Tables | undefined])[];
export const NAME_COLUMNS = ['first', 'middle', 'last'] as const;

/**
 * Normalizes profiles one at a time into columns with ids interned in its own tables. One builder serves a whole
 * inline run or one chunk of a parallel run (whose ids the main thread then maps into the global tables).
 */
export class ColumnBuilder {
  readonly t = newTables();
  protected readonly first = new IntList();
  protected readonly middle = new IntList();
  protected readonly last = new IntList();
  protected readonly dob = new IntList();
  protected readonly m = {
    email: new MultiBuilder(), emailLoose: new MultiBuilder(), emailLocal: new MultiBuilder(), phone: new MultiBuilder(),
    ident: new MultiBuilder(), street: new MultiBuilder(), house: new MultiBuilder(), unit: new MultiBuilder(),
    streetName: new MultiBuilder(), postcode: new MultiBuilder(), city: new MultiBuilder(),
  };
  protected readonly rules: ReturnType<typeof indexEmailRules>;
  protected readonly phoneOf: ReturnType<typeof phoneNormalizer>;
  protected readonly dateOf: DateParser;
  private readonly idKeys: Set<string> | undefined;
  private readonly keyVerdicts = new Map<string, boolean>();
  // Caches from raw value to interned id(s), so each distinct raw value is normalized and looked up once: real and
  // generated data repeat values (household phones, names, birth dates), and a Map hit on the raw string (whose
  // hash V8 keeps in the string) is far cheaper than normalizing again and interning a freshly built string.
  // Ids are still assigned at a value's first occurrence, so they — and every result — are unchanged.
  private readonly nameTokens = new Map<string, string[]>();
  private readonly dates = new Map<string, number>();
  private readonly phones = new Map<string, number>(); // raw → phone id, -1 = no number
  private readonly emails = new Map<string, number>(); // raw → index into emailIds (3 ids each), -1 = not an email
  private readonly emailIds = new IntList();
  private readonly idents = new Map<string, Map<string, number>>(); // key → raw → ident id, -1 = empty
  private readonly nameFields = new Map<string, NameField>(); // raw name field → its words and ids
  private readonly lines = new Map<string, LineIds>(); // joined raw Address1-4 → street parts and ids
  private readonly postcodeIds = new Map<string, number>(); // raw → postcode id, -1 = empty
  private readonly cityIds = new Map<string, number>(); // raw → city id, -1 = empty
  n = 0;

  constructor(opts: NormalizeOptions) {
    this.rules = indexEmailRules(opts.emailRules);
    this.phoneOf = phoneNormalizer(opts.defaultCountry);
    this.dateOf = dateParser(opts.defaultCountry);
    this.idKeys = opts.identifierAttributes ? new Set(opts.identifierAttributes) : undefined;
  }

  isIdKey(k: string): boolean {
    if (this.idKeys) return this.idKeys.has(k);
    let v = this.keyVerdicts.get(k);
    if (v === undefined) this.keyVerdicts.set(k, (v = isIdentifierKey(k)));
    return v;
  }

  private pushIdent(key: string, raw: string): void {
    let byRaw = this.idents.get(key);
    if (!byRaw) this.idents.set(key, (byRaw = new Map()));
    let id = byRaw.get(raw);
    if (id === undefined) byRaw.set(raw, (id = this.identId(key, raw)));
    if (id >= 0) this.m.ident.values.push(id);
  }

  /** Interned id of identifier `key` = folded raw (-1 = empty): a raw value's first sight. */
  protected identId(key: string, raw: string): number {
    const v = foldText(raw).replace(/ /g, '');
    return v ? this.t.ident.id(`${key}=${v}`, false) : -1;
  }

  private nameField(raw: string): NameField {
    let e = this.nameFields.get(raw);
    if (e === undefined) this.nameFields.set(raw, (e = newNameField(raw)));
    return e;
  }

  /** The street parts of a raw street line; its street id is interned at its first occurrence. */
  private lineOf(raw: string): LineIds {
    let line = this.lines.get(raw);
    if (line === undefined) this.lines.set(raw, (line = this.newLine(raw)));
    return line;
  }

  /** A street line's parts and street id (interned now): a raw line's first sight. */
  protected newLine(raw: string): LineIds {
    const p = lineParts(raw);
    return {
      sid: p.street ? this.t.street.id(p.street, false) : -1,
      house: p.house ? Math.min(Number(p.house), 0x7fffffff) : -1,
      unit: p.unit, streetName: p.streetName, unitId: UNSET, nameId: UNSET,
    };
  }

  /** Id of a normalized postal code or city (-1 = empty), normalized and interned once per raw value. */
  private partId(raw: string | undefined, cache: Map<string, number>, fn: (raw: string) => string, table: Interner): number {
    if (!raw) return -1;
    let id = cache.get(raw);
    if (id === undefined) {
      const v = fn(raw);
      cache.set(raw, (id = v ? table.id(v, false) : -1));
    }
    return id;
  }

  /** Index into emailIds of a raw email's three ids (-1 = not an email), interned now: a raw email's first sight. */
  protected emailIndex(raw: string): number {
    return this.emailIndexOf(normalizeEmail(raw, this.rules));
  }

  /** Index into emailIds of a normalized email's three ids (-1 = none), interned now. */
  protected emailIndexOf(e: NormalEmail | undefined): number {
    if (!e) return -1;
    const t = this.t, k = this.emailIds.length;
    this.emailIds.push(t.emailFull.id(e.full, false));
    this.emailIds.push(t.emailLoose.id(e.loose, false));
    this.emailIds.push(t.emailLocal.id(e.local, false));
    return k;
  }

  private pushEmail(raw: string, e0: number): void {
    let k = this.emails.get(raw);
    if (k === undefined) this.emails.set(raw, (k = this.emailIndex(raw)));
    this.pushEmailIds(k, e0);
  }

  /** Adds an email's three ids (emailIds[k..k+2], k < 0 = none) unless the profile (values from e0 on) has it already. */
  protected pushEmailIds(k: number, e0: number): void {
    if (k < 0) return;
    const m = this.m;
    const full = this.emailIds.data[k]!;
    if (m.email.values.includesFrom(e0, full)) return; // one set per profile
    m.email.values.push(full);
    m.emailLoose.values.push(this.emailIds.data[k + 1]!);
    m.emailLocal.values.push(this.emailIds.data[k + 2]!);
  }

  /** Interned id of a raw phone number's E.164 form (-1 = no number): a raw number's first sight. */
  protected phoneId(raw: string): number {
    const ph = this.phoneOf(raw);
    return ph ? this.t.phone.id(ph, false) : -1;
  }

  private pushPhone(raw: string, p0: number): void {
    let id = this.phones.get(raw);
    if (id === undefined) this.phones.set(raw, (id = this.phoneId(raw)));
    this.pushPhoneId(id, p0);
  }

  protected pushPhoneId(id: number, p0: number): void {
    const phone = this.m.phone;
    if (id < 0 || phone.values.includesFrom(p0, id)) return;
    phone.values.push(id);
  }

  private pushAddress(a: Address, s0: number): void {
    const t = this.t;
    const line = this.lineOf(rawStreetLine(a));
    const pid = this.partId(a.PostalCode, this.postcodeIds, normalizePostcode, t.postcode);
    const cid = this.partId(a.City, this.cityIds, foldText, t.city);
    this.pushAddressIds(line, pid, cid, s0);
  }

  /** Adds an address (street line, postcode id, city id) unless empty or already kept for the profile (from s0 on). */
  protected pushAddressIds(line: LineIds, pid: number, cid: number, s0: number): void {
    const t = this.t, m = this.m;
    const street = m.street, postcode = m.postcode, city = m.city;
    const sid = line.sid;
    if (sid < 0 && pid < 0 && cid < 0) return;
    // Skip an address that repeats one already kept (shipping = mailing is common); compared by id, no key string.
    for (let k = s0; k < street.values.length; k++) {
      if (street.values.data[k] === sid && postcode.values.data[k] === pid && city.values.data[k] === cid) return;
    }
    if (line.unitId === UNSET) {
      // Interned at the line's first kept use, as before the cache (ids follow first occurrence).
      line.unitId = line.unit ? t.unit.id(line.unit, false) : -1;
      line.nameId = line.streetName ? t.streetName.id(line.streetName, false) : -1;
      // The strings are in the tables now (or were already, under another line): not kept alive by the cache.
      line.unit = line.streetName = '';
    }
    street.values.push(sid);
    m.house.values.push(line.house);
    m.unit.values.push(line.unitId);
    m.streetName.values.push(line.nameId);
    postcode.values.push(pid);
    city.values.push(cid);
  }

  /**
   * Name ids from the raw FirstName / MiddleName / LastName fields' cache entries, for a profile with one word in each
   * of FirstName and LastName (most records): normalizeName would return them as they are, with the middle name's
   * words joined — so the ids are cached per raw field (interned in the same order as pushNormalName's).
   */
  protected pushNameIds(fe: NameField, le: NameField, me: NameField | undefined): void {
    const t = this.t;
    if (fe.single === UNSET) fe.single = t.name.id(fe.tokens[0]!, false);
    this.first.push(fe.single);
    let mid = -1;
    if (me !== undefined) {
      if (me.joined === UNSET) {
        const j = me.tokens.join(' ');
        me.joined = j ? t.name.id(j, false) : -1;
      }
      mid = me.joined;
    }
    this.middle.push(mid);
    if (le.single === UNSET) le.single = t.name.id(le.tokens[0]!, false);
    this.last.push(le.single);
  }

  /** Name ids of any other profile, through normalizeName. */
  protected pushNormalName(rf: string | undefined, rm: string | undefined, rl: string | undefined): void {
    const t = this.t;
    const nm = normalizeName(rf, rm, rl, this.nameTokens);
    this.first.push(nm.first ? t.name.id(nm.first, false) : -1);
    this.middle.push(nm.middle ? t.name.id(nm.middle, false) : -1);
    this.last.push(nm.last ? t.name.id(nm.last, false) : -1);
  }

  /** Appends one profile. */
  add(d: ProfileData): void {
    const m = this.m;
    this.n++;
    const rf = d.FirstName, rm = d.MiddleName, rl = d.LastName;
    const fe = rf ? this.nameField(rf) : undefined, le = rl ? this.nameField(rl) : undefined;
    if (fe !== undefined && le !== undefined && fe.tokens.length === 1 && le.tokens.length === 1) {
      this.pushNameIds(fe, le, rm ? this.nameField(rm) : undefined);
    } else {
      this.pushNormalName(rf, rm, rl);
    }
    const rawDob = d.BirthDate;
    let dob = 0;
    if (rawDob) {
      const cached = this.dates.get(rawDob);
      if (cached === undefined) this.dates.set(rawDob, (dob = this.dateOf(rawDob)));
      else dob = cached;
    }
    this.dob.push(dob);

    // Fields read by name, not in loops over field names: keyed reads on profiles of many shapes are slow.
    const email = m.email;
    const e0 = email.values.length;
    if (d.EmailAddress) this.pushEmail(d.EmailAddress, e0);
    if (d.PersonalEmailAddress) this.pushEmail(d.PersonalEmailAddress, e0);
    if (d.BusinessEmailAddress) this.pushEmail(d.BusinessEmailAddress, e0);
    email.end(); m.emailLoose.end(); m.emailLocal.end();

    const phone = m.phone;
    const p0 = phone.values.length;
    if (d.PhoneNumber) this.pushPhone(d.PhoneNumber, p0);
    if (d.MobilePhoneNumber) this.pushPhone(d.MobilePhoneNumber, p0);
    if (d.HomePhoneNumber) this.pushPhone(d.HomePhoneNumber, p0);
    if (d.BusinessPhoneNumber) this.pushPhone(d.BusinessPhoneNumber, p0);
    phone.end();

    const s0 = m.street.values.length;
    if (d.Address) this.pushAddress(d.Address, s0);
    if (d.ShippingAddress) this.pushAddress(d.ShippingAddress, s0);
    if (d.MailingAddress) this.pushAddress(d.MailingAddress, s0);
    if (d.BillingAddress) this.pushAddress(d.BillingAddress, s0);
    m.street.end(); m.house.end(); m.unit.end(); m.streetName.end(); m.postcode.end(); m.city.end();

    if (d.AccountNumber) this.pushIdent('AccountNumber', d.AccountNumber);
    if (d.Attributes) {
      for (const k in d.Attributes) {
        const raw = d.Attributes[k];
        if (raw && this.isIdKey(k)) this.pushIdent(k, raw);
      }
    }
    m.ident.end();
  }

  /** The columns of every profile added (ids point into `this.t`; counts not filled in). */
  data(): ColumnData {
    const m = this.m;
    return {
      n: this.n, first: this.first.toArray(), middle: this.middle.toArray(), last: this.last.toArray(),
      dob: this.dob.toArray(),
      email: m.email.build(), emailLoose: m.emailLoose.build(), emailLocal: m.emailLocal.build(), phone: m.phone.build(),
      street: m.street.build(), house: m.house.build(), unit: m.unit.build(), streetName: m.streetName.build(),
      postcode: m.postcode.build(), city: m.city.build(), ident: m.ident.build(),
    };
  }
}

/**
 * Seals the tables (their string → id maps are not needed once the columns exist) and fills in the occurrence
 * counts of every table's values (the term-frequency adjustments' source): each profile's use of a value
 * counts once per column it appears in (a name in FirstName and LastName counts twice, as interning used to).
 */
export function fillCounts(d: ColumnData, t: Tables): void {
  const count = (table: Interner, cols: Int32Array[]): void => {
    const c = new Int32Array(Math.max(1, table.values.length));
    let total = 0;
    for (const col of cols) {
      for (let k = 0; k < col.length; k++) {
        const id = col[k]!;
        if (id >= 0) {
          c[id]!++;
          total++;
        }
      }
    }
    table.counts = c;
    table.total = total;
  };
  count(t.name, [d.first, d.middle, d.last]);
  for (const [col, table] of MULTI_COLUMNS) if (table) count(t[table], [d[col].values]);
  for (const table of Object.values(t)) table.seal();
}

export function buildColumns(profiles: EngineProfile[], opts: NormalizeOptions, onProgress?: (f: number) => void): Columns {
  const n = profiles.length;
  const b = new ColumnBuilder(opts);
  const ids: string[] = new Array(n);
  for (let i = 0; i < n; i++) {
    const p = profiles[i]!;
    ids[i] = p.id;
    b.add(encodesVerbatim(p.data) ? p.data : viaCodec(p.data, (k) => b.isIdKey(k)));
    if (onProgress && (i & 0xffff) === 0) onProgress(i / n);
  }
  const d = b.data();
  fillCounts(d, b.t);
  return { ...d, ids, tables: b.t };
}
