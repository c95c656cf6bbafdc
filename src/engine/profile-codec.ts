/**
 * A compact text encoding of the profile fields normalization reads, for handing chunks of profiles to worker
 * threads: one string per chunk is copied between threads in one piece, where structured-cloning profile objects
 * would cost the main thread more than normalizing them. Each value is written as (tag, length) in two UTF-16 code
 * units followed by the value itself — no escaping, any character allowed; values are cut at 65,535 characters.
 * Only identifier Attributes (decided on the sending side) travel.
 */
import { ADDRESS_FIELDS, type Address, type ProfileData } from '../model/profile.js';

export const TOP_FIELDS = [
  'FirstName', 'MiddleName', 'LastName', 'BirthDate', 'EmailAddress', 'PersonalEmailAddress', 'BusinessEmailAddress',
  'PhoneNumber', 'MobilePhoneNumber', 'HomePhoneNumber', 'BusinessPhoneNumber', 'AccountNumber',
] as const;
export const ADDRESS_PARTS = ['Address1', 'Address2', 'Address3', 'Address4', 'PostalCode', 'City'] as const; // see ADDRESS_PART_COUNT
export const ADDRESS_TAG = TOP_FIELDS.length;
// TOP_FIELDS[t] has tag t, part p of ADDRESS_FIELDS[a] has ADDRESS_TAG + a × 6 + p.
export const ATTRIBUTE_TAG = ADDRESS_TAG + ADDRESS_FIELDS.length * ADDRESS_PARTS.length; // then key and value
export const END_TAG = ATTRIBUTE_TAG + 1;
/** Parts of an encoded address, in tag order after its field's first tag. */
export const ADDRESS_PART_COUNT = 6;
export const MAX_LEN = 0xffff;

/** A growable UTF-16 buffer the encoded chunk is written into (transferred to the worker without a copy). */
export class ChunkWriter {
  buf = new Uint16Array(1 << 16);
  length = 0;
  /** Room for k more code units. */
  room(k: number): void {
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

/** Tag of each encoded top-level field, of each address field's first part, and of each address part's offset. */
const TOP_TAG = new Map<string, number>(TOP_FIELDS.map((k, t) => [k, t]));
const ADDRESS_FIELD_TAG = new Map<string, number>(ADDRESS_FIELDS.map((k, a) => [k, ADDRESS_TAG + a * ADDRESS_PARTS.length]));
const ADDRESS_PART_OFFSET = new Map<string, number>(ADDRESS_PARTS.map((k, i) => [k, i]));

/**
 * Appends one profile's normalization inputs. The profile's own keys are walked with for-in and read as d[k]: V8
 * serves that pair from the object's enum cache by field index, whereas named reads (d.FirstName…) on profiles of
 * hundreds of shapes miss the megamorphic inline cache — 8 → 4 µs a profile at a million profiles. Values are
 * tagged, so the order of keys does not matter to the decoder.
 */
export function encodeProfile(d: ProfileData, isIdKey: (key: string) => boolean, w: ChunkWriter): void {
  const rec = d as Record<string, unknown>;
  for (const k in rec) {
    const v = rec[k];
    const tag = TOP_TAG.get(k);
    if (tag !== undefined) {
      w.put(tag, v);
      continue;
    }
    const at = ADDRESS_FIELD_TAG.get(k);
    if (at !== undefined) {
      if (v) putAddress(w, at, v as Record<string, unknown>);
    } else if (k === 'Attributes' && v) {
      const attrs = v as Record<string, unknown>;
      for (const ak in attrs) {
        const av = attrs[ak];
        if (!av || !isIdKey(ak) || ak.length > MAX_LEN) continue;
        w.put(ATTRIBUTE_TAG, ak);
        w.put(0, av); // tag unused
      }
    }
  }
  w.code(END_TAG);
}

function putAddress(w: ChunkWriter, tag: number, addr: Record<string, unknown>): void {
  for (const k in addr) {
    const part = ADDRESS_PART_OFFSET.get(k);
    if (part !== undefined) w.put(tag + part, addr[k]);
  }
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
      d[TOP_FIELDS[tag]!] = v;
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

/**
 * Whether `encodeProfile` would pass every value of `d` through unchanged (strings of at most MAX_LEN characters).
 * The inline path reads profile objects directly; a profile with another kind of value (a number, a boolean, an
 * over-long string: not what the store or the API produce) goes through the codec there too, so that small and
 * large inputs normalize it alike.
 */
export function encodesVerbatim(d: ProfileData): boolean {
  const rec = d as Record<string, unknown>;
  for (const k in rec) {
    const v = rec[k];
    if (TOP_TAG.has(k)) {
      if (!verbatim(v)) return false;
    } else if (ADDRESS_FIELD_TAG.has(k) || k === 'Attributes') {
      if (!v) continue;
      if (typeof v !== 'object') return false;
      const inner = v as Record<string, unknown>;
      for (const ik in inner) if (!verbatim(inner[ik]) || ik.length > MAX_LEN) return false;
    }
  }
  return true;
}

const verbatim = (v: unknown) => v === undefined || v === null || (typeof v === 'string' && v.length <= MAX_LEN);

/** `d` as the workers see it: encoded and decoded again (see encodesVerbatim). */
export function viaCodec(d: ProfileData, isIdKey: (key: string) => boolean): ProfileData {
  const w = new ChunkWriter();
  encodeProfile(d, isIdKey, w);
  let out: ProfileData | undefined;
  decodeProfiles(chunkText(w.take()), (p) => { out = p; });
  return out!;
}
