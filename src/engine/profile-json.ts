/**
 * Encodes a profile given as the JSON text of its ProfileData (what a store keeps) straight into a chunk
 * (profile-codec.ts), without JSON.parse: the normalize workers read the text once, copy the characters of the fields
 * normalization reads and skip everything else. The result is exactly encodeProfile(JSON.parse(text)) — the same
 * values in the same order — and wherever that is not certain by construction (a value that is not a string, an
 * escaped or repeated key, an integer-like identifier key, text that is not strict JSON…) encode() writes nothing
 * and returns false, and the caller takes the JSON.parse path for that profile (which also throws on invalid JSON).
 * JSON.parse + encodeProfile cost ~7–9 µs a generated profile (283 characters on average); this ~1 µs.
 */
import { ADDRESS_FIELDS } from '../model/profile.js';
import { ADDRESS_PARTS, ADDRESS_TAG, ATTRIBUTE_TAG, type ChunkWriter, END_TAG, MAX_LEN, TOP_FIELDS } from './profile-codec.js';

const QUOTE = 34, BACKSLASH = 92, COMMA = 44, COLON = 58, OPEN = 123, CLOSE = 125, OPEN_ARRAY = 91, CLOSE_ARRAY = 93;
const ATTRIBUTES = -2;
const FNV0 = 0x811c9dc5 | 0, FNV_PRIME = 0x01000193;

/**
 * Known keys by the FNV-1a hash of their characters (computed while a key is scanned), verified character by
 * character: matching a key costs one probe, not a comparison with every known key of its length.
 */
class KeyTable {
  private readonly slots = new Int32Array(256); // entry + 1, 0 = free
  private readonly hashes: number[] = [];
  private readonly chars: Uint16Array[] = [];
  private readonly codes: number[] = [];

  constructor(entries: ReadonlyArray<readonly [string, number]>) {
    for (const [k, code] of entries) {
      const c = Uint16Array.from(k, (ch) => ch.charCodeAt(0));
      let h = FNV0;
      for (let i = 0; i < c.length; i++) h = Math.imul(h ^ c[i]!, FNV_PRIME);
      let p = h & 255;
      while (this.slots[p] !== 0) p = (p + 1) & 255;
      this.slots[p] = this.codes.length + 1;
      this.hashes.push(h);
      this.chars.push(c);
      this.codes.push(code);
    }
  }

  /** Code of the key b[from, from + len) whose hash is h, or -1. */
  find(b: Uint16Array, from: number, len: number, h: number): number {
    for (let p = h & 255; ; p = (p + 1) & 255) {
      const e = this.slots[p]! - 1;
      if (e < 0) return -1;
      if (this.hashes[e] !== h) continue;
      const c = this.chars[e]!;
      if (c.length !== len) continue;
      let i = 0;
      while (i < len && c[i] === b[from + i]) i++;
      if (i === len) return this.codes[e]!;
    }
  }
}

/** Top-level keys read: TOP_FIELDS (their tags), the address fields (their first tags) and Attributes, by length. */
const TOP_KEYS = new KeyTable([
  ...TOP_FIELDS.map((k, t) => [k, t] as const),
  ...ADDRESS_FIELDS.map((k, a) => [k, ADDRESS_TAG + a * ADDRESS_PARTS.length] as const),
  ['Attributes', ATTRIBUTES] as const,
]);
const PART_KEYS = new KeyTable(ADDRESS_PARTS.map((k, i) => [k, i] as const));

/** Thrown inside encode() to give up on a profile (caught there; the caller takes the JSON.parse path). */
class GiveUp extends Error {}
const GIVE_UP = new GiveUp();

/**
 * Texts packed into one buffer for a worker (transferred, so no string reaches the worker's heap): each text's code
 * units followed by a 0, text i at [off[i], off[i + 1] − 1).
 */
export interface PackedTexts { chars: Uint16Array; off: Uint32Array }

/** texts[from, end) packed (one native copy a text). */
export function packTexts(texts: string[], from: number, end: number): PackedTexts {
  let total = 0;
  for (let i = from; i < end; i++) total += texts[i]!.length + 1;
  const chars = new Uint16Array(total);
  const bytes = Buffer.from(chars.buffer);
  const off = new Uint32Array(end - from + 1);
  let o = 0;
  for (let i = from; i < end; i++) {
    const t = texts[i]!;
    off[i - from] = o;
    bytes.write(t, o * 2, 'utf16le');
    o += t.length;
    chars[o++] = 0;
  }
  off[end - from] = o;
  return { chars, off };
}

/** Text i of a packed set, as a string (for JSON.parse when the encoder gives up). */
export function packedText(p: PackedTexts, i: number): string {
  const c = p.chars, from = p.off[i]!, end = p.off[i + 1]! - 1;
  return Buffer.from(c.buffer, c.byteOffset + from * 2, (end - from) * 2).toString('utf16le');
}

export class JsonProfileEncoder {
  /** The text's UTF-16 code units, then a 0 (no JSON token contains one: every scan stops there). */
  private b: Uint16Array = new Uint16Array(1024);
  private scratch = this.b;
  private bytes = Buffer.from(this.b.buffer);
  /** End of the text in b (where its 0 is). */
  private n = 0;
  private p = 0;
  private w!: ChunkWriter;
  /** End of the last key read (exclusive) — the key is s[keyFrom, keyEnd). */
  private keyFrom = 0;
  private keyEnd = 0;
  private keyHash = 0;
  /** The current profile's Attribute keys (a repeated one means: JSON.parse decides which value and place). */
  private attrKeys: string[] = [];

  constructor(private readonly isIdKey: (key: string) => boolean) {}

  /** Appends the profile whose ProfileData is the JSON text `text`; false = nothing written, use JSON.parse. */
  encode(text: string, w: ChunkWriter): boolean {
    // One native copy of the code units: typed-array reads then stay fast whatever the string's representation
    // (charCodeAt over texts both one- and two-byte was a generic call a character, ~5x slower).
    const n = text.length;
    if (n + 1 > this.scratch.length) {
      this.scratch = new Uint16Array(Math.max(n + 1, this.scratch.length * 2));
      this.bytes = Buffer.from(this.scratch.buffer);
    }
    this.bytes.write(text, 0, 'utf16le');
    this.scratch[n] = 0;
    return this.encodeAt(this.scratch, 0, n, w);
  }

  /** encode() of packed text i. */
  encodePacked(p: PackedTexts, i: number, w: ChunkWriter): boolean {
    return this.encodeAt(p.chars, p.off[i]!, p.off[i + 1]! - 1, w);
  }

  /** The text b[from, end), with b[end] = 0. */
  private encodeAt(b: Uint16Array, from: number, end: number, w: ChunkWriter): boolean {
    const start = w.length;
    this.b = b;
    this.n = end;
    this.p = from;
    this.w = w;
    this.attrKeys.length = 0;
    try {
      this.profile();
      return true;
    } catch (e) {
      if (e !== GIVE_UP) throw e;
      w.length = start;
      return false;
    }
  }

  /** The text's characters [from, end) as a string. */
  private str(from: number, end: number): string {
    const b = this.b;
    return Buffer.from(b.buffer, b.byteOffset + from * 2, (end - from) * 2).toString('utf16le');
  }

  private ws(): void {
    const b = this.b;
    let p = this.p;
    for (;;) {
      const c = b[p]!;
      if (c === 32 || c === 10 || c === 13 || c === 9) p++;
      else break;
    }
    this.p = p;
  }

  /** Skips whitespace and expects `c` next. */
  private expect(c: number): void {
    this.ws();
    if (this.b[this.p]! !== c) throw GIVE_UP;
    this.p++;
  }

  /** After '{': true when the object is empty (and consumed). */
  private emptyObject(): boolean {
    this.ws();
    if (this.b[this.p]! !== CLOSE) return false;
    this.p++;
    return true;
  }

  /** After a member: true when another follows (',' consumed), false at '}' (consumed). */
  private more(): boolean {
    this.ws();
    const c = this.b[this.p++]!;
    if (c === COMMA) return true;
    if (c === CLOSE) return false;
    throw GIVE_UP;
  }

  /** Reads a key (no escapes, else give up) and the ':' after it. */
  private key(): void {
    this.expect(QUOTE);
    const b = this.b, from = this.p;
    let p = from, h = FNV0;
    for (;;) {
      const c = b[p]!;
      if (c === QUOTE) break;
      if (c === BACKSLASH || c < 32) throw GIVE_UP; // 0: end of text
      h = Math.imul(h ^ c, FNV_PRIME);
      p++;
    }
    this.keyHash = h;
    this.keyFrom = from;
    this.keyEnd = p;
    this.p = p + 1;
    this.expect(COLON);
  }

  /** Code of the last key in a by-length table, or -1. */
  private known(table: KeyTable): number {
    return table.find(this.b, this.keyFrom, this.keyEnd - this.keyFrom, this.keyHash);
  }

  /** True when the text has `word` at p. */
  private at(word: string, p: number): boolean {
    const b = this.b;
    for (let i = 0; i < word.length; i++) if (b[p + i] !== word.charCodeAt(i)) return false;
    return true;
  }

  private profile(): void {
    this.expect(OPEN);
    let seen = 0; // bit per top-level field read (a repeated one: JSON.parse keeps the last value)
    let attributes = false;
    if (!this.emptyObject()) {
      do {
        this.key();
        const code = this.known(TOP_KEYS);
        if (code === -1) {
          this.skipValue();
          continue;
        }
        if (code === ATTRIBUTES) {
          if (attributes) throw GIVE_UP;
          attributes = true;
          this.attributes();
          continue;
        }
        const bit = 1 << code; // tags 0–30
        if (seen & bit) throw GIVE_UP;
        seen |= bit;
        if (code >= ADDRESS_TAG) this.address(code);
        else this.value(code);
      } while (this.more());
    }
    this.ws();
    if (this.p !== this.n) throw GIVE_UP;
    this.w.code(END_TAG);
  }

  /** A string value (encoded under `tag` unless empty) or null (nothing); anything else: give up. */
  private value(tag: number): void {
    this.ws();
    const c = this.b[this.p]!;
    if (c === QUOTE) this.string(tag);
    else if (!this.literal('null')) throw GIVE_UP;
  }

  /** `word` (null, true, false) next: consumed, true. */
  private literal(word: string): boolean {
    if (!this.at(word, this.p)) return false;
    this.p += word.length;
    return true;
  }

  /** An address: null or false (nothing), an object (its parts), anything else give up (encodeProfile would read a truthy non-object). */
  private address(tag: number): void {
    if (!this.openObject()) return;
    let seen = 0;
    do {
      this.key();
      const part = this.known(PART_KEYS);
      if (part === -1) {
        this.skipValue();
        continue;
      }
      if (seen & (1 << part)) throw GIVE_UP;
      seen |= 1 << part;
      this.value(tag + part);
    } while (this.more());
  }

  /**
   * A value read as an object (an address, Attributes): true after its '{' when it has members; false when it is
   * falsy (null, false, '', 0: encodeProfile skips it) or empty, consumed; anything else gives up.
   */
  private openObject(): boolean {
    this.ws();
    const c = this.b[this.p]!;
    if (c !== OPEN) {
      if (this.literal('null') || this.literal('false')) return false;
      if (c === QUOTE && this.b[this.p + 1]! === QUOTE) { // ''
        this.p += 2;
        return false;
      }
      if (this.zero()) return false;
      throw GIVE_UP;
    }
    this.p++;
    return !this.emptyObject();
  }

  /** Number 0 (falsy) next: consumed, true. */
  private zero(): boolean {
    const b = this.b;
    let p = this.p;
    if (b[p]! === 45) p++; // -0
    if (b[p]! !== 48) return false;
    const end = this.numberEnd(this.p);
    if (end < 0 || Number(this.str(this.p, end)) !== 0) return false;
    this.p = end;
    return true;
  }

  /** Identifier Attributes with a string value, in order; other keys and falsy values skipped. */
  private attributes(): void {
    if (!this.openObject()) return;
    do {
      this.key();
      const from = this.keyFrom, len = this.keyEnd - from;
      const key = this.str(from, from + len);
      if (this.attrKeys.includes(key)) throw GIVE_UP;
      this.attrKeys.push(key);
      this.ws();
      const v = this.b[this.p]!;
      // Falsy values are skipped before the key is looked at (as encodeProfile does).
      if (v === QUOTE && this.b[this.p + 1]! === QUOTE) {
        this.p += 2;
        continue;
      }
      if (v !== QUOTE) {
        if (this.literal('null') || this.literal('false') || this.zero()) continue;
      }
      if (!this.isIdKey(key) || len > MAX_LEN) {
        this.skipValue();
        continue;
      }
      // Integer-like keys come first in for-in order, whatever their place in the text; an empty key is not
      // written by encodeProfile (its value would be read as tag 0).
      if (len === 0 || isIndexLike(key)) throw GIVE_UP;
      if (v !== QUOTE) throw GIVE_UP; // a truthy non-string: String(value) decides
      const w = this.w;
      w.room(2 + len);
      w.buf[w.length++] = ATTRIBUTE_TAG;
      w.buf[w.length++] = len;
      for (let i = 0; i < len; i++) w.buf[w.length++] = this.b[from + i]!;
      this.string(0);
    } while (this.more());
  }

  /**
   * A string value at p (its opening quote), written as (tag, length, characters) with escapes decoded, or nothing
   * when empty. Values longer than MAX_LEN give up (encodeProfile cuts them).
   */
  private string(tag: number): void {
    const b = this.b, w = this.w;
    let p = this.p + 1;
    const head = w.length;
    w.room(2 + Math.min(this.n - p, MAX_LEN + 1));
    const buf = w.buf;
    let o = head + 2;
    const limit = head + 2 + MAX_LEN;
    for (;;) {
      let c = b[p++]!;
      if (c === QUOTE) break;
      if (c < 32 || c !== c) throw GIVE_UP;
      if (c === BACKSLASH) {
        c = this.escape(p);
        p += b[p]! === 117 ? 5 : 1;
      }
      if (o === limit) throw GIVE_UP;
      buf[o++] = c;
    }
    this.p = p;
    const n = o - head - 2;
    if (n === 0) return;
    buf[head] = tag;
    buf[head + 1] = n;
    w.length = o;
  }

  /** The character of the escape whose letter is at p. */
  private escape(p: number): number {
    const b = this.b;
    switch (b[p]!) {
      case 34: return 34;
      case 92: return 92;
      case 47: return 47;
      case 98: return 8;
      case 102: return 12;
      case 110: return 10;
      case 114: return 13;
      case 116: return 9;
      case 117: {
        let v = 0;
        for (let i = 1; i <= 4; i++) {
          const h = b[p + i]!;
          const d = h >= 48 && h <= 57 ? h - 48 : h >= 97 && h <= 102 ? h - 87 : h >= 65 && h <= 70 ? h - 55 : -1;
          if (d < 0) throw GIVE_UP;
          v = v * 16 + d;
        }
        return v;
      }
      default: throw GIVE_UP;
    }
  }

  /** Skips any JSON value (strictly: what JSON.parse would reject gives up). */
  private skipValue(): void {
    this.ws();
    const b = this.b;
    const c = b[this.p]!;
    if (c === QUOTE) {
      let p = this.p + 1;
      for (;;) {
        const d = b[p++]!;
        if (d === QUOTE) break;
        if (d < 32 || d !== d) throw GIVE_UP;
        if (d === BACKSLASH) {
          this.escape(p);
          p += b[p]! === 117 ? 5 : 1;
        }
      }
      this.p = p;
    } else if (c === OPEN) {
      this.p++;
      if (this.emptyObject()) return;
      do {
        this.expect(QUOTE);
        this.p--;
        this.skipValue(); // the key, a string
        this.expect(COLON);
        this.skipValue();
      } while (this.more());
    } else if (c === OPEN_ARRAY) {
      this.p++;
      this.ws();
      if (b[this.p]! === CLOSE_ARRAY) {
        this.p++;
        return;
      }
      for (;;) {
        this.skipValue();
        this.ws();
        const d = b[this.p++]!;
        if (d === CLOSE_ARRAY) return;
        if (d !== COMMA) throw GIVE_UP;
      }
    } else if (!(this.literal('null') || this.literal('true') || this.literal('false'))) {
      const end = this.numberEnd(this.p);
      if (end < 0) throw GIVE_UP;
      this.p = end;
    }
  }

  /** End of the JSON number starting at p, or -1 when there is none. */
  private numberEnd(p: number): number {
    const b = this.b;
    if (b[p]! === 45) p++;
    const digits = (): boolean => {
      const from = p;
      while (b[p]! >= 48 && b[p]! <= 57) p++;
      return p > from;
    };
    if (b[p]! === 48) p++;
    else if (!digits()) return -1;
    if (b[p]! === 46) {
      p++;
      if (!digits()) return -1;
    }
    const e = b[p]!;
    if (e === 101 || e === 69) {
      p++;
      const sign = b[p]!;
      if (sign === 43 || sign === 45) p++;
      if (!digits()) return -1;
    }
    return p;
  }
}

/** A key V8 stores as an array index (enumerated before the others): a canonical integer below 2^32 − 1. */
function isIndexLike(k: string): boolean {
  if (k.length === 0 || k.length > 10) return false;
  for (let i = 0; i < k.length; i++) {
    const c = k.charCodeAt(i);
    if (c < 48 || c > 57) return false;
  }
  return (k === '0' || k.charCodeAt(0) !== 48) && Number(k) < 4294967295;
}
