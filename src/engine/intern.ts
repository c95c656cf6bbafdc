// The two 32-bit hashes (FNV-1a and a multiply-rotate hash) of the last string hashed by hashString; also what
// valueHashes (hashed-interner.ts) hands to the parallel merge, so both sides hash alike by construction. Kept in a
// typed array: module-level `let`s holding values above 2^30 were boxed as heap numbers on every write (a hash of
// a 17-character value took ~5x as long).
export const HASH = new Uint32Array(2);
export function hashString(s: string): void {
  let h1 = 0x811c9dc5 | 0;
  let h2 = 0x27d4eb2f | 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    h1 = Math.imul(h1 ^ c, 0x01000193);
    h2 = Math.imul((h2 << 5) | (h2 >>> 27), 0x9e3779b1) ^ c;
  }
  HASH[0] = h1;
  HASH[1] = Math.imul(h2 ^ (h2 >>> 15), 0x85ebca6b) ^ s.length;
}

/**
 * String interning with occurrence counts (the counts feed term-frequency adjustments). The string → id index is an
 * open-addressing table over two 32-bit hashes kept in typed arrays, strings compared only when both agree (exact):
 * a Map of hundreds of thousands of fresh strings cost ~0.8 µs a lookup in cache misses. The hashes are the ones
 * the parallel merge needs (valueHashes), so a chunk hands them over without hashing its values again.
 */
export class Interner {
  values: string[] = [];
  counts: Int32Array = new Int32Array(1024);
  private h1: U32List | undefined = new U32List();
  private h2: U32List | undefined = new U32List();
  /** Per slot: id + 1 (0 = free) and the value's first hash, side by side (a probe reads one cache line). */
  // Small at first (tables grow by doubling; explanations and single-profile matching build many tiny ones).
  private slots: Int32Array | undefined = new Int32Array(2 << 6);
  private mask = (1 << 6) - 1;
  /** Number of counted occurrences (profiles carrying a value). */
  total = 0;

  /** Slot of `s` (hashed into hashA / hashB): holding its id, or free where it would go. */
  private find(s: string): number {
    const slots = this.slots;
    if (!slots) throw new Error('Interner: sealed (no new values after the columns are built)');
    hashString(s);
    const a = HASH[0]! | 0, b = HASH[1]!, mask = this.mask;
    let p = (a ^ Math.imul(b, 0x9e3779b1)) & mask;
    for (;;) {
      const id1 = slots[2 * p]!;
      if (id1 === 0) return p;
      if (slots[2 * p + 1] === a && this.h2!.data[id1 - 1] === b && this.values[id1 - 1] === s) return p;
      p = (p + 1) & mask;
    }
  }

  /** Room for about `expected` values without growing (a chunk's tables, sized from the previous chunk's). */
  reserve(expected: number): void {
    if (!this.slots || this.values.length > 0) return;
    let size = this.mask + 1;
    while (expected * 2 > size) size *= 2;
    if (size === this.mask + 1) return;
    this.slots = new Int32Array(2 * size);
    this.mask = size - 1;
    this.h1!.reserve(expected);
    this.h2!.reserve(expected);
  }

  /** Id of `s`; counts one more occurrence when `count` is true. */
  id(s: string, count = true): number {
    const p = this.find(s);
    const slots = this.slots!;
    let i = slots[2 * p]! - 1;
    if (i < 0) {
      i = this.values.length;
      this.values.push(s);
      const a = HASH[0]!;
      this.h1!.push(a);
      this.h2!.push(HASH[1]!);
      slots[2 * p] = i + 1;
      slots[2 * p + 1] = a;
      if (i * 2 > this.mask) this.grow();
      if (count && i >= this.counts.length) {
        const c = new Int32Array(Math.max(this.counts.length * 2, i + 1));
        c.set(this.counts);
        this.counts = c;
      }
    }
    if (count) {
      this.counts[i]!++;
      this.total++;
    }
    return i;
  }

  private grow(): void {
    const size = (this.mask + 1) * 2;
    const slots = new Int32Array(2 * size);
    const h1 = this.h1!.data, h2 = this.h2!.data;
    const mask = size - 1;
    for (let id = 0; id < this.values.length; id++) {
      let p = (h1[id]! ^ Math.imul(h2[id]!, 0x9e3779b1)) & mask;
      while (slots[2 * p] !== 0) p = (p + 1) & mask;
      slots[2 * p] = id + 1;
      slots[2 * p + 1] = h1[id]!;
    }
    this.slots = slots;
    this.mask = mask;
  }

  /** Counts one more occurrence of an id already interned (callers that cache raw value → id skip the lookup). */
  count(i: number): void {
    this.counts[i]!++;
    this.total++;
  }

  get(s: string): number | undefined {
    const id = this.slots![2 * this.find(s)]! - 1;
    return id < 0 ? undefined : id;
  }

  /** valueHashes(this.values), from the hashes kept while interning (undefined once sealed). */
  hashes(): Uint32Array | undefined {
    if (!this.h1 || !this.h2) return undefined;
    const n = this.values.length, out = new Uint32Array(n * 2);
    for (let k = 0; k < n; k++) {
      out[2 * k] = this.h1.data[k]!;
      out[2 * k + 1] = this.h2.data[k]!;
    }
    return out;
  }

  /** An interner holding `values` (ids = positions), already sealed. */
  static sealedOf(values: string[]): Interner {
    const t = new Interner();
    t.values = values;
    t.seal();
    return t;
  }

  /** Drops the string → id index once every value is interned (a million profiles: ~5M entries, ~100 MB). */
  seal(): void {
    this.slots = this.h1 = this.h2 = undefined;
  }
}

/** Growable Int32 list. */
export class IntList {
  data = new Int32Array(64);
  length = 0;
  push(v: number): void {
    if (this.length === this.data.length) {
      const d = new Int32Array(this.data.length * 2);
      d.set(this.data);
      this.data = d;
    }
    this.data[this.length++] = v;
  }
  /** True when v occurs at or after index `from` (a profile's own short run of values). */
  includesFrom(from: number, v: number): boolean {
    for (let k = from; k < this.length; k++) if (this.data[k] === v) return true;
    return false;
  }
  toArray(): Int32Array {
    return this.data.slice(0, this.length);
  }
}

/** Growable Uint32 list. */
export class U32List {
  data = new Uint32Array(64);
  length = 0;
  push(v: number): void {
    if (this.length === this.data.length) {
      const d = new Uint32Array(this.data.length * 2);
      d.set(this.data);
      this.data = d;
    }
    this.data[this.length++] = v;
  }
  toArray(): Uint32Array {
    return this.data.slice(0, this.length);
  }
  /** Room for `k` values in all (no effect once that much is allocated). */
  reserve(k: number): void {
    if (k <= this.data.length) return;
    const d = new Uint32Array(k);
    d.set(this.data.subarray(0, this.length));
    this.data = d;
  }
}
