/**
 * Normalizes an encoded chunk (profile-codec.ts) straight from its UTF-16 buffer, for the normalize workers: the same
 * ColumnBuilder work as decodeProfiles + add(), field by field in add()'s order (so every id is interned at the same
 * moment and the columns are identical), but each raw value is looked up in a RawCache by its characters in the
 * buffer. No profile objects are rebuilt and no string is made for a value seen before in the chunk — a string is
 * sliced out of the chunk only at a value's first sight, to normalize it. Attributes in the chunk are identifier
 * Attributes only (the encoder keeps no others), so they are not checked again.
 */
import { ColumnBuilder, newNameField, UNSET, type LineIds, type NameField, type NormalizeOptions } from './columns.js';
import { RawCache } from './raw-cache.js';
import { ADDRESS_PART_COUNT, ADDRESS_TAG, ATTRIBUTE_TAG, END_TAG, chunkText } from './profile-codec.js';
import { normalizePostcode } from './normalize/address.js';
import { normalizeEmailChars } from './normalize/email.js';
import { isNanpCountry, nanpPhoneOfChars } from './normalize/phone.js';
import { foldText } from './normalize/text.js';

// Tags of the encoded top-level fields (profile-codec.ts's TOP order).
const FIRST = 0, MIDDLE = 1, LAST = 2, BIRTH = 3, EMAIL0 = 4, EMAIL_END = 7, PHONE0 = 7, PHONE_END = 11, ACCOUNT = 11;
const ADDRESS_COUNT = (ATTRIBUTE_TAG - ADDRESS_TAG) / ADDRESS_PART_COUNT;
const POSTCODE = 4, CITY = 5; // part offsets; 0–3 = Address1–4
const SPACE = 32, EQUALS = 61;
const ACCOUNT_KEY = 'AccountNumber';

export class EncodedColumnBuilder extends ColumnBuilder {
  private readonly nameCache = new RawCache();
  private readonly nameEntries: NameField[] = [];
  private nameIds = new Int32Array(2048);
  private readonly dateCache = new RawCache();
  private readonly phoneCache = new RawCache();
  private readonly emailCache = new RawCache();
  private readonly identCache = new RawCache(); // key: [key length, key, raw value]
  private readonly lineCache = new RawCache(); // key: present Address1–4 joined by spaces
  private readonly lineEntries: LineIds[] = [];
  private readonly postcodeCache = new RawCache();
  private readonly cityCache = new RawCache();
  /** Position of each tag's (tag, length) header in the current profile, -1 = absent. */
  private readonly pos = new Int32Array(END_TAG).fill(-1);
  private attrs: number[] = [];
  private scratch: Uint16Array = new Uint16Array(256);
  private buf: Uint16Array = new Uint16Array(0);
  private text = '';
  private readonly nanp: boolean;

  constructor(opts: NormalizeOptions) {
    super(opts);
    this.nanp = isNanpCountry(opts.defaultCountry);
  }

  /** Normalizes every profile of an encoded chunk. */
  addChunk(buf: Uint16Array): void {
    this.buf = buf;
    this.text = chunkText(buf);
    const pos = this.pos;
    let p = 0;
    while (p < buf.length) {
      const tag = buf[p]!;
      if (tag === END_TAG) {
        this.addEncoded();
        pos.fill(-1);
        this.attrs.length = 0;
        p++;
      } else if (tag === ATTRIBUTE_TAG) {
        this.attrs.push(p);
        p += 2 + buf[p + 1]!;
        p += 2 + buf[p + 1]!;
      } else {
        pos[tag] = p;
        p += 2 + buf[p + 1]!;
      }
    }
    // Nothing after the loop: code there would have no type feedback when the loop is compiled on stack, and the
    // deoptimization at its end came back with every chunk. (A builder serves one chunk, so buf and text need no reset.)
  }

  /** The raw string of the value whose header is at p. */
  private raw(p: number): string {
    const from = p + 2;
    return this.text.slice(from, from + this.buf[p + 1]!);
  }

  /**
   * Cache entry of the raw name field whose header is at p (-1 = absent). The entry's value is 1 when the field is
   * one word; its name ids (single, joined; UNSET until first used) are in nameIds, so a profile whose names were
   * seen before reads two typed arrays instead of following NameField objects.
   */
  private nameAt(p: number): number {
    if (p < 0) return -1;
    const buf = this.buf, from = p + 2, len = buf[p + 1]!;
    const e = this.nameCache.find(buf, from, len);
    if (e >= 0) return e;
    const f = newNameField(this.raw(p));
    const k = this.nameEntries.length;
    this.nameCache.add(buf, from, len, f.tokens.length === 1 ? 1 : 0);
    this.nameEntries.push(f);
    if (2 * k + 2 > this.nameIds.length) {
      const ids = new Int32Array(this.nameIds.length * 2);
      ids.set(this.nameIds);
      this.nameIds = ids;
    }
    this.nameIds[2 * k] = this.nameIds[2 * k + 1] = UNSET;
    return k;
  }

  /** pushNameIds for cache entries (one word in FirstName and LastName): ids interned in the same order. */
  private pushEntryNameIds(ef: number, el: number, em: number): void {
    const t = this.t;
    let ids = this.nameIds;
    if (ids[2 * ef] === UNSET) ids[2 * ef] = t.name.id(this.nameEntries[ef]!.tokens[0]!, false);
    this.first.push(ids[2 * ef]!);
    let mid = -1;
    if (em >= 0) {
      if (ids[2 * em + 1] === UNSET) {
        const j = this.nameEntries[em]!.tokens.join(' ');
        ids[2 * em + 1] = j ? t.name.id(j, false) : -1;
      }
      mid = ids[2 * em + 1]!;
    }
    this.middle.push(mid);
    ids = this.nameIds;
    if (ids[2 * el] === UNSET) ids[2 * el] = t.name.id(this.nameEntries[el]!.tokens[0]!, false);
    this.last.push(ids[2 * el]!);
  }

  private room(n: number): Uint16Array {
    if (this.scratch.length < n) this.scratch = new Uint16Array(Math.max(n, this.scratch.length * 2));
    return this.scratch;
  }

  private addEncoded(): void {
    const m = this.m, pos = this.pos, buf = this.buf;
    this.n++;
    const pf = pos[FIRST]!, pm = pos[MIDDLE]!, pl = pos[LAST]!;
    const ef = this.nameAt(pf), el = this.nameAt(pl);
    const names = this.nameCache;
    if (ef >= 0 && el >= 0 && names.value(ef) === 1 && names.value(el) === 1) {
      this.pushEntryNameIds(ef, el, this.nameAt(pm));
    } else {
      this.pushNormalName(pf < 0 ? undefined : this.raw(pf), pm < 0 ? undefined : this.raw(pm), pl < 0 ? undefined : this.raw(pl));
    }

    let dob = 0;
    const pb = pos[BIRTH]!;
    if (pb >= 0) {
      const e = this.dateCache.find(buf, pb + 2, buf[pb + 1]!);
      if (e >= 0) dob = this.dateCache.value(e);
      else {
        dob = this.dateOf.chars(buf, pb + 2, buf[pb + 1]!);
        if (dob < 0) dob = this.dateOf(this.raw(pb));
        this.dateCache.add(buf, pb + 2, buf[pb + 1]!, dob);
      }
    }
    this.dob.push(dob);

    const e0 = m.email.values.length;
    for (let tag = EMAIL0; tag < EMAIL_END; tag++) {
      const p = pos[tag]!;
      if (p < 0) continue;
      const e = this.emailCache.find(buf, p + 2, buf[p + 1]!);
      let k: number;
      if (e >= 0) k = this.emailCache.value(e);
      else {
        const fast = normalizeEmailChars(buf, p + 2, buf[p + 1]!, this.rules);
        k = fast !== null ? this.emailIndexOf(fast) : this.emailIndex(this.raw(p));
        this.emailCache.add(buf, p + 2, buf[p + 1]!, k);
      }
      this.pushEmailIds(k, e0);
    }
    m.email.end(); m.emailLoose.end(); m.emailLocal.end();

    const p0 = m.phone.values.length;
    for (let tag = PHONE0; tag < PHONE_END; tag++) {
      const p = pos[tag]!;
      if (p < 0) continue;
      const e = this.phoneCache.find(buf, p + 2, buf[p + 1]!);
      let id: number;
      if (e >= 0) id = this.phoneCache.value(e);
      else {
        const fast = this.nanp ? nanpPhoneOfChars(buf, p + 2, buf[p + 1]!) : null;
        id = fast !== null ? this.t.phone.id(fast, false) : this.phoneId(this.raw(p));
        this.phoneCache.add(buf, p + 2, buf[p + 1]!, id);
      }
      this.pushPhoneId(id, p0);
    }
    m.phone.end();

    const s0 = m.street.values.length;
    for (let a = 0; a < ADDRESS_COUNT; a++) this.address(ADDRESS_TAG + a * ADDRESS_PART_COUNT, s0);
    m.street.end(); m.house.end(); m.unit.end(); m.streetName.end(); m.postcode.end(); m.city.end();

    const pa = pos[ACCOUNT]!;
    if (pa >= 0) this.ident(-1, pa);
    for (const at of this.attrs) this.ident(at, at + 2 + buf[at + 1]!);
    m.ident.end();
  }

  /** The address whose parts have tags base…base + 5, if any part is present (as add() reads d.Address…). */
  private address(base: number, s0: number): void {
    const pos = this.pos, buf = this.buf, t = this.t;
    let parts = 0, present = 0, only = -1;
    for (let k = 0; k < ADDRESS_PART_COUNT; k++) if (pos[base + k]! >= 0) present++;
    if (present === 0) return;
    for (let k = 0; k < 4; k++) {
      if (pos[base + k]! >= 0) {
        parts++;
        only = pos[base + k]!;
      }
    }
    // The street line's key: the one line present as it is in the chunk, else the lines joined by spaces.
    let kb = buf, from = only + 2, len = parts === 0 ? 0 : buf[only + 1]!;
    if (parts !== 1) {
      len = 0;
      for (let k = 0; k < 4; k++) if (pos[base + k]! >= 0) len += buf[pos[base + k]! + 1]! + 1;
      kb = this.room(len);
      len = 0;
      for (let k = 0; k < 4; k++) {
        const p = pos[base + k]!;
        if (p < 0) continue;
        if (len > 0) kb[len++] = SPACE;
        for (let i = p + 2, end = p + 2 + buf[p + 1]!; i < end; i++) kb[len++] = buf[i]!;
      }
      from = 0;
    }
    let line: LineIds;
    const e = this.lineCache.find(kb, from, len);
    if (e >= 0) {
      line = this.lineEntries[e]!;
    } else {
      let raw = '';
      for (let k = 0; k < 4; k++) {
        const p = pos[base + k]!;
        if (p >= 0) raw = raw === '' ? this.raw(p) : `${raw} ${this.raw(p)}`;
      }
      line = this.newLine(raw);
      this.lineCache.add(kb, from, len, 0);
      this.lineEntries.push(line);
    }
    let pid = -1, cid = -1;
    const pp = pos[base + POSTCODE]!;
    if (pp >= 0) {
      const e = this.postcodeCache.find(buf, pp + 2, buf[pp + 1]!);
      if (e >= 0) pid = this.postcodeCache.value(e);
      else {
        const v = normalizePostcode(this.raw(pp));
        this.postcodeCache.add(buf, pp + 2, buf[pp + 1]!, (pid = v ? t.postcode.id(v, false) : -1));
      }
    }
    const pc = pos[base + CITY]!;
    if (pc >= 0) {
      const e = this.cityCache.find(buf, pc + 2, buf[pc + 1]!);
      if (e >= 0) cid = this.cityCache.value(e);
      else {
        const v = foldText(this.raw(pc));
        this.cityCache.add(buf, pc + 2, buf[pc + 1]!, (cid = v ? t.city.id(v, false) : -1));
      }
    }
    this.pushAddressIds(line, pid, cid, s0);
  }

  /** An identifier: key header at pk (-1 = AccountNumber), raw value header at pv. */
  private ident(pk: number, pv: number): void {
    const buf = this.buf;
    const klen = pk < 0 ? ACCOUNT_KEY.length : buf[pk + 1]!, vlen = buf[pv + 1]!;
    const kb = this.room(1 + klen + vlen);
    kb[0] = klen;
    if (pk < 0) for (let i = 0; i < klen; i++) kb[1 + i] = ACCOUNT_KEY.charCodeAt(i);
    else for (let i = 0; i < klen; i++) kb[1 + i] = buf[pk + 2 + i]!;
    for (let i = 0; i < vlen; i++) kb[1 + klen + i] = buf[pv + 2 + i]!;
    const len = 1 + klen + vlen;
    const e = this.identCache.find(kb, 0, len);
    let id: number;
    if (e >= 0) id = this.identCache.value(e);
    else {
      id = this.asciiIdentId(kb, klen, vlen);
      if (id === UNSET) id = this.identId(pk < 0 ? ACCOUNT_KEY : this.raw(pk), this.raw(pv));
      this.identCache.add(kb, 0, len, id);
    }
    if (id >= 0) this.m.ident.values.push(id);
  }

  /**
   * identId of the key and raw value in kb ([key length, key, value]) when the value is ASCII: foldText then
   * lower-cases it and keeps its a–z 0–9 characters (the spaces it leaves are removed), so `key=` + those characters
   * is built in one string. UNSET = not ASCII (call identId).
   */
  private asciiIdentId(kb: Uint16Array, klen: number, vlen: number): number {
    const codes: number[] = [];
    for (let i = 1; i <= klen; i++) codes.push(kb[i]!);
    codes.push(EQUALS);
    for (let i = 1 + klen, end = 1 + klen + vlen; i < end; i++) {
      let c = kb[i]!;
      if (c >= 128) return UNSET;
      if (c >= 65 && c <= 90) c += 32;
      if ((c >= 97 && c <= 122) || (c >= 48 && c <= 57)) codes.push(c);
    }
    if (codes.length === klen + 1) return -1;
    return this.t.ident.id(String.fromCharCode.apply(null, codes), false);
  }
}

/** Each table's size in the last chunk (per thread): the next chunk's tables start that large instead of growing. */
const tableSizes = new Map<string, number>();

/** A chunk's columns (chunk-local ids) normalized straight from its encoding. */
export function normalizeChunk(encoded: Uint16Array, opts: NormalizeOptions): ColumnBuilder {
  const b = new EncodedColumnBuilder(opts);
  for (const [name, t] of Object.entries(b.t)) t.reserve(tableSizes.get(name) ?? 0);
  b.addChunk(encoded);
  for (const [name, t] of Object.entries(b.t)) tableSizes.set(name, t.values.length);
  return b;
}
