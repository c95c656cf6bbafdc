/**
 * A compact text encoding of the profile fields normalization reads, for handing chunks of profiles to worker
 * threads: one string per chunk is copied between threads in one piece, where structured-cloning profile objects
 * would cost the main thread more than normalizing them. Each value is written as (tag, length) in two UTF-16 code
 * units followed by the value itself — no escaping, any character allowed; values are cut at 65,535 characters.
 * Only identifier Attributes (decided on the sending side) travel.
 */
import { ADDRESS_FIELDS, type Address, type ProfileData } from '../model/profile.js';

const TOP = [
  'FirstName', 'MiddleName', 'LastName', 'BirthDate', 'EmailAddress', 'PersonalEmailAddress', 'BusinessEmailAddress',
  'PhoneNumber', 'MobilePhoneNumber', 'HomePhoneNumber', 'BusinessPhoneNumber', 'AccountNumber',
] as const;
const ADDRESS_PARTS = ['Address1', 'Address2', 'Address3', 'Address4', 'PostalCode', 'City'] as const;
const ADDRESS_TAG = TOP.length;
// encodeProfile writes TOP[t] with tag t and ADDRESS_FIELDS[a] with ADDRESS_TAG + a × 6: keep their orders in step. // + address index × 6 + part index
const ATTRIBUTE_TAG = ADDRESS_TAG + ADDRESS_FIELDS.length * ADDRESS_PARTS.length; // then key and value
const END_TAG = ATTRIBUTE_TAG + 1;
const MAX_LEN = 0xffff;

/** A growable UTF-16 buffer the encoded chunk is written into (transferred to the worker without a copy). */
export class ChunkWriter {
  buf = new Uint16Array(1 << 16);
  length = 0;
  private room(k: number): void {
    if (this.length + k <= this.buf.length) return;
    const b = new Uint16Array(Math.max(this.buf.length * 2, this.length + k));
    b.set(this.buf.subarray(0, this.length));
    this.buf = b;
  }
  code(c: number): void {
    this.room(1);
    this.buf[this.length++] = c;
  }
  /** (tag, length, characters) of a non-empty value. */
  put(tag: number, v: unknown): void {
    if (v === undefined || v === null || v === '') return;
    let s = typeof v === 'string' ? v : String(v);
    if (s.length > MAX_LEN) s = s.slice(0, MAX_LEN);
    const n = s.length;
    this.room(n + 2);
    const b = this.buf;
    let o = this.length;
    b[o++] = tag;
    b[o++] = n;
    for (let i = 0; i < n; i++) b[o++] = s.charCodeAt(i);
    this.length = o;
  }
  /** The encoded bytes (a fresh buffer, ready to transfer). */
  take(): Uint16Array {
    const out = this.buf.slice(0, this.length);
    this.length = 0;
    return out;
  }
}

function putAddress(w: ChunkWriter, a: number, addr: Address | undefined): void {
  if (!addr) return;
  const tag = ADDRESS_TAG + a * ADDRESS_PARTS.length;
  w.put(tag, addr.Address1);
  w.put(tag + 1, addr.Address2);
  w.put(tag + 2, addr.Address3);
  w.put(tag + 3, addr.Address4);
  w.put(tag + 4, addr.PostalCode);
  w.put(tag + 5, addr.City);
}

/** Appends one profile's normalization inputs (named property reads: keyed reads on varied shapes are slow). */
export function encodeProfile(d: ProfileData, isIdKey: (key: string) => boolean, w: ChunkWriter): void {
  w.put(0, d.FirstName);
  w.put(1, d.MiddleName);
  w.put(2, d.LastName);
  w.put(3, d.BirthDate);
  w.put(4, d.EmailAddress);
  w.put(5, d.PersonalEmailAddress);
  w.put(6, d.BusinessEmailAddress);
  w.put(7, d.PhoneNumber);
  w.put(8, d.MobilePhoneNumber);
  w.put(9, d.HomePhoneNumber);
  w.put(10, d.BusinessPhoneNumber);
  w.put(11, d.AccountNumber);
  putAddress(w, 0, d.Address);
  putAddress(w, 1, d.ShippingAddress);
  putAddress(w, 2, d.MailingAddress);
  putAddress(w, 3, d.BillingAddress);
  const attrs = d.Attributes;
  if (attrs) {
    for (const k in attrs) {
      const v = attrs[k];
      if (!v || !isIdKey(k) || k.length > MAX_LEN) continue;
      w.put(ATTRIBUTE_TAG, k);
      w.put(0, v); // tag unused
    }
  }
  w.code(END_TAG);
}

/** The chunk as one string (one native decode; the fields are then sliced out of it). */
export function chunkText(encoded: Uint16Array): string {
  return Buffer.from(encoded.buffer, encoded.byteOffset, encoded.byteLength).toString('utf16le');
}

/** A profile with every encoded field present (undefined until set): one object shape for every decoded profile. */
function blankProfile(): Record<string, unknown> {
  return {
    FirstName: undefined, MiddleName: undefined, LastName: undefined, BirthDate: undefined, EmailAddress: undefined,
    PersonalEmailAddress: undefined, BusinessEmailAddress: undefined, PhoneNumber: undefined,
    MobilePhoneNumber: undefined, HomePhoneNumber: undefined, BusinessPhoneNumber: undefined, AccountNumber: undefined,
    Address: undefined, ShippingAddress: undefined, MailingAddress: undefined, BillingAddress: undefined,
    Attributes: undefined,
  };
}

function blankAddress(): Address {
  return { Address1: undefined, Address2: undefined, Address3: undefined, Address4: undefined, PostalCode: undefined, City: undefined };
}

/**
 * Calls `each` with every profile of an encoded chunk, rebuilt as ProfileData with the encoded fields only (fields not
 * encoded are present as undefined, so that every profile and address has one shape and reads of it stay fast).
 */
export function decodeProfiles(s: string, each: (d: ProfileData) => void): void {
  let d = blankProfile();
  let p = 0;
  while (p < s.length) {
    const tag = s.charCodeAt(p);
    if (tag === END_TAG) {
      each(d as ProfileData);
      d = blankProfile();
      p++;
      continue;
    }
    const len = s.charCodeAt(p + 1);
    const v = s.slice(p + 2, p + 2 + len);
    p += 2 + len;
    if (tag < ADDRESS_TAG) {
      d[TOP[tag]!] = v;
    } else if (tag < ATTRIBUTE_TAG) {
      const a = Math.floor((tag - ADDRESS_TAG) / ADDRESS_PARTS.length);
      const field = ADDRESS_FIELDS[a]!;
      const addr = (d[field] ??= blankAddress()) as Address;
      addr[ADDRESS_PARTS[(tag - ADDRESS_TAG) % ADDRESS_PARTS.length]!] = v;
    } else {
      const vlen = s.charCodeAt(p + 1);
      const value = s.slice(p + 2, p + 2 + vlen);
      p += 2 + vlen;
      ((d.Attributes ??= {}) as Record<string, string>)[v] = value;
    }
  }
}
