/**
 * Turns one true person into 1–7 source records, each shaped and formatted the way its source system would keep it,
 * with data-entry noise on top. All probabilities are multiplied by the noise level (default 1).
 */
import type { Address, ProfileData } from '../../model/profile.js';
import { STATE_NAMES } from './names.js';
import { nicknamesOf } from './nicknames.js';
import { DATE_STYLES, digitTypo, formatDate, formatPhone, stripDiacritics, titleCase, typo } from './noise.js';
import { TIME_END, TIME_START, type Person, type TrueAddress } from './people.js';
import type { Rng } from './rng.js';

/** A source system: which fields it keeps and how it formats them. */
interface SourceSystem {
  name: string;
  weight: number;
  /** Account-number prefix (each source numbers its own customers). */
  prefix: string;
  email: number; phone: number; address: number; birth: number; gender: number;
  phoneStyles: number[];
  dateStyles: number[];
  upper: number;
}

export const SOURCES: SourceSystem[] = [
  { name: 'crm', weight: 30, prefix: 'CRM-', email: 0.85, phone: 0.8, address: 0.85, birth: 0.6, gender: 0.5, phoneStyles: [0, 1], dateStyles: [0], upper: 0.02 },
  { name: 'ecommerce', weight: 28, prefix: 'W', email: 0.98, phone: 0.6, address: 0.9, birth: 0.2, gender: 0.2, phoneStyles: [2, 3, 5], dateStyles: [0, 6], upper: 0.01 },
  { name: 'support', weight: 17, prefix: 'SR', email: 0.6, phone: 0.95, address: 0.3, birth: 0.3, gender: 0.1, phoneStyles: [1, 3, 6], dateStyles: [1, 2], upper: 0.05 },
  { name: 'loyalty', weight: 15, prefix: 'L', email: 0.9, phone: 0.8, address: 0.7, birth: 0.8, gender: 0.7, phoneStyles: [0, 4, 7], dateStyles: [1, 3, 5], upper: 0.03 },
  { name: 'pos', weight: 10, prefix: 'POS', email: 0.5, phone: 0.7, address: 0.5, birth: 0.15, gender: 0, phoneStyles: [3, 1], dateStyles: [2, 4], upper: 0.4 },
];
const SOURCE_WEIGHTS = SOURCES.map((s) => s.weight);
const SOURCE_TOTAL = SOURCE_WEIGHTS.reduce((a, b) => a + b, 0);

/** Noise probabilities per record at noise level 1 (documented in docs/evaluation.md). */
export const NOISE = {
  firstNameTypo: 0.06,
  lastNameTypo: 0.05,
  nickname: 0.15,
  firstInitialOnly: 0.02,
  swappedNames: 0.01,
  lowerCase: 0.05,
  title: 0.02,
  emailCase: 0.05,
  emailTypo: 0.01,
  gmailVariant: 0.03,
  phoneTypo: 0.02,
  phoneExtension: 0.02,
  streetTypo: 0.03,
  zipMissing: 0.05,
  zipPlus4: 0.05,
  stateFullName: 0.05,
  cityMissing: 0.05,
  otherDateFormat: 0.1,
  birthSwapDayMonth: 0.015,
  birthDigitTypo: 0.015,
  birthYearOff: 0.01,
};

/**
 * Every record keeps at least this many of {email, phone, address, birth date} besides the name: a customer record
 * with a name alone cannot be linked by anyone, and would only measure the generator, not the engine.
 */
export const MIN_IDENTIFYING_FIELDS = 2;
const TOP_UP = ['email', 'phone', 'address', 'birth'] as const;

const TIERS = ['bronze', 'silver', 'gold', 'platinum'];
const TAGS = ['shop', 'news', 'promo', 'x'];
const TITLES_F = ['Ms.', 'Mrs.'];
const UNIT_PREFIXES = ['Apt ', '#', 'Unit ', 'Apt. ', 'Suite '];
const COUNTRIES = ['US', 'USA', 'United States'];

/** Records per person: 1..7 with these weights (mean ≈ 2.2). */
const RECORD_COUNT_WEIGHTS = [38, 30, 16, 9, 4, 2, 1];

export interface DraftRecord {
  entityId: string;
  household: number;
  source: string;
  updatedAt: number;
  data: ProfileData;
}

function zipPlus4(rng: Rng, zip: string): string {
  return `${zip}-${String(rng.int(10000)).padStart(4, '0')}`;
}

export class RecordMaker {
  constructor(private readonly rng: Rng, private readonly noise: number) {}

  private p(x: number): boolean {
    return this.rng.chance(Math.min(1, x * this.noise));
  }

  recordsFor(person: Person): DraftRecord[] {
    const rng = this.rng;
    const count = 1 + rng.weighted(RECORD_COUNT_WEIGHTS);
    const out: DraftRecord[] = [];
    const accountsUsed = new Map<number, string>();
    for (let k = 0; k < count; k++) {
      const si = rng.weighted(SOURCE_WEIGHTS, SOURCE_TOTAL);
      const src = SOURCES[si];
      const updatedAt = Math.floor(TIME_START + rng.next() * (TIME_END - TIME_START));
      const data = this.profile(person, src, updatedAt);
      // Same source twice: half the time the same account (an update), else a duplicate account.
      let account = accountsUsed.get(si);
      if (account === undefined || rng.chance(0.5)) {
        // Multiplying by 3^18 mod 10^9 is a bijection: distinct people never share an account number.
        const base = (person.index * 8 + k) * 387420489 % 1e9;
        account = src.prefix + String((base + si * 7777) % 1e9).padStart(9, '0');
        accountsUsed.set(si, account);
      }
      if (rng.chance(0.85)) data.AccountNumber = account;
      if (src.name === 'loyalty') data.Attributes = { loyaltyTier: rng.pick(TIERS) };
      out.push({ entityId: person.entityId, household: person.household, source: src.name, updatedAt, data });
    }
    return out;
  }

  private profile(person: Person, src: SourceSystem, at: number): ProfileData {
    const rng = this.rng;
    const d: ProfileData = { PartyType: 'INDIVIDUAL' };
    this.names(person, src, d);
    if (rng.chance(src.gender)) d.Gender = person.gender === 'M' ? 'MALE' : 'FEMALE';
    // Which contact / identifying fields this record keeps, topped up to MIN_IDENTIFYING_FIELDS.
    const hasPhone = !!(person.mobile ?? person.home ?? person.business);
    const keep = { birth: rng.chance(src.birth), email: rng.chance(src.email), phone: hasPhone && rng.chance(src.phone), address: rng.chance(src.address) };
    let kept = Number(keep.birth) + Number(keep.email) + Number(keep.phone) + Number(keep.address);
    let forcedAddress = false;
    for (let tries = 0; kept < MIN_IDENTIFYING_FIELDS && tries < 8; tries++) {
      const k = TOP_UP[rng.int(TOP_UP.length)];
      if (keep[k] || (k === 'phone' && !hasPhone)) continue;
      keep[k] = true;
      kept++;
      if (k === 'address') forcedAddress = true;
    }
    if (keep.birth) d.BirthDate = this.birthDate(person, src);
    const after = at >= person.changeTime;
    if (keep.email) {
      let email = after && person.newEmail ? person.newEmail : person.email;
      if (this.p(NOISE.gmailVariant) && email.endsWith('@gmail.com')) {
        const [local] = email.split('@');
        email = rng.chance(0.5) ? `${local}+${rng.pick(TAGS)}@gmail.com` : `${local.slice(0, 2)}.${local.slice(2)}@gmail.com`;
      }
      if (this.p(NOISE.emailTypo)) email = typo(rng, email);
      if (this.p(NOISE.emailCase)) email = rng.chance(0.5) ? email.toUpperCase() : titleCase(email);
      if (src.name === 'crm' && person.businessEmail && rng.chance(0.3)) d.BusinessEmailAddress = person.businessEmail;
      else if (src.name === 'loyalty' || (src.name === 'crm' && rng.chance(0.3))) d.PersonalEmailAddress = email;
      else d.EmailAddress = email;
    }
    if (keep.phone) this.phones(person, src, d);
    if (keep.address) {
      const addr = after || !person.oldAddress ? person.address : person.oldAddress;
      const a = this.address(addr, src);
      switch (forcedAddress ? 'forced' : src.name) {
        case 'ecommerce':
          d.ShippingAddress = a;
          if (rng.chance(0.6)) d.BillingAddress = this.address(addr, src);
          break;
        case 'pos': if (a.PostalCode) d.Address = { PostalCode: a.PostalCode }; break;
        case 'crm':
          d.Address = a;
          if (rng.chance(0.15)) d.MailingAddress = this.address(addr, src);
          break;
        default: d.Address = a;
      }
    }
    return d;
  }

  private names(person: Person, src: SourceSystem, d: ProfileData): void {
    const rng = this.rng;
    let first = person.first;
    let last = person.last;
    if (person.last2 && rng.chance(0.5)) last = rng.chance(0.7) ? `${last} ${person.last2}` : `${last}-${person.last2}`;
    const nicks = nicknamesOf(first);
    if (nicks.length && this.p(NOISE.nickname)) first = titleCase(rng.pick(nicks));
    if (this.p(NOISE.firstNameTypo)) first = typo(rng, first);
    if (this.p(NOISE.lastNameTypo)) last = typo(rng, last);
    if (person.culture.stripDiacritics && rng.chance(person.culture.stripDiacritics)) {
      first = stripDiacritics(first); last = stripDiacritics(last);
    }
    if (this.p(NOISE.firstInitialOnly)) first = first[0];
    let middle = person.middle;
    if (middle) {
      const r = rng.next();
      if (r < 0.35) middle = undefined;
      else if (r < 0.6) middle = middle[0] + (rng.chance(0.5) ? '.' : '');
    }
    if (this.p(NOISE.title)) first = `${person.gender === 'M' ? 'Mr.' : rng.pick(TITLES_F)} ${first}`;
    if (person.suffix && rng.chance(0.6)) last = `${last} ${person.suffix}${rng.chance(0.5) ? '.' : ''}`;
    if (this.p(NOISE.swappedNames)) [first, last] = [last, first];
    const upper = src.upper, lower = NOISE.lowerCase * this.noise;
    // One casing decision per record: a source system stores all name fields the same way.
    const r = rng.next();
    const casing = (s: string) => (r < upper ? s.toUpperCase() : r < upper + lower ? s.toLowerCase() : s);
    d.FirstName = casing(first);
    d.LastName = casing(last);
    if (middle) d.MiddleName = casing(middle);
  }

  private birthDate(person: Person, src: SourceSystem): string {
    const rng = this.rng;
    let [y, m, dd] = person.birth;
    if (this.p(NOISE.birthSwapDayMonth) && dd <= 12 && dd !== m) [m, dd] = [dd, m];
    else if (this.p(NOISE.birthDigitTypo)) dd = Math.min(28, Math.max(1, dd + (rng.chance(0.5) ? 1 : -1) * rng.range(1, 9)));
    else if (this.p(NOISE.birthYearOff)) y += rng.chance(0.5) ? 1 : -1;
    const style = this.p(NOISE.otherDateFormat) ? rng.int(DATE_STYLES) : rng.pick(src.dateStyles);
    return formatDate(y, m, dd, style);
  }

  private phone(digits: string, src: SourceSystem): string {
    const d = this.p(NOISE.phoneTypo) ? digitTypo(this.rng, digits) : digits;
    return formatPhone(this.rng, d, this.rng.pick(src.phoneStyles), NOISE.phoneExtension * this.noise);
  }

  private phones(person: Person, src: SourceSystem, d: ProfileData): void {
    const rng = this.rng;
    const main = person.mobile ?? person.home ?? person.business;
    if (!main) return;
    switch (src.name) {
      case 'support':
      case 'pos':
        d.PhoneNumber = this.phone(main, src);
        break;
      case 'loyalty':
        if (person.mobile) d.MobilePhoneNumber = this.phone(person.mobile, src); else d.PhoneNumber = this.phone(main, src);
        break;
      default:
        if (person.mobile && rng.chance(0.8)) d.MobilePhoneNumber = this.phone(person.mobile, src);
        if (person.home && rng.chance(0.6)) d.HomePhoneNumber = this.phone(person.home, src);
        if (person.business && src.name === 'crm' && rng.chance(0.4)) d.BusinessPhoneNumber = this.phone(person.business, src);
        if (!d.MobilePhoneNumber && !d.HomePhoneNumber && !d.BusinessPhoneNumber) d.PhoneNumber = this.phone(main, src);
    }
  }

  private address(a: TrueAddress, src: SourceSystem): Address {
    const rng = this.rng;
    const abbreviate = rng.chance(0.55);
    const type = abbreviate ? a.type[1] + (rng.chance(0.3) ? '.' : '') : a.type[0];
    let street = a.street;
    if (this.p(NOISE.streetTypo)) street = typo(rng, street);
    let line1 = `${a.number} ${street} ${type}`;
    let line2: string | undefined;
    if (a.unit) {
      const unit = rng.pick(UNIT_PREFIXES) + a.unit;
      if (rng.chance(0.5)) line2 = unit; else line1 += rng.chance(0.5) ? ` ${unit}` : `, ${unit}`;
    }
    const out: Address = { Address1: line1 };
    if (line2) out.Address2 = line2;
    if (!this.p(NOISE.cityMissing)) out.City = a.city;
    out.State = this.p(NOISE.stateFullName) ? STATE_NAMES[a.state] ?? a.state : a.state;
    if (!this.p(NOISE.zipMissing)) out.PostalCode = this.p(NOISE.zipPlus4) ? zipPlus4(rng, a.zip) : a.zip;
    if (rng.chance(0.3)) out.Country = rng.pick(COUNTRIES);
    const upper = rng.chance(src.upper);
    if (upper || this.p(NOISE.lowerCase)) {
      for (const k of Object.keys(out) as Array<keyof Address>) out[k] = upper ? out[k]!.toUpperCase() : out[k]!.toLowerCase();
    }
    return out;
  }
}
