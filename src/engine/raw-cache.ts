/**
 * A cache keyed by raw characters in a UTF-16 buffer (an encoded chunk, profile-codec.ts) rather than by strings: a
 * normalize worker looks each raw field up straight from the chunk, so a value seen before costs one hash over its
 * characters and one compare — no string sliced out of the chunk, no Map hashing a fresh string — and a string is
 * made only at a value's first sight (to normalize it). Keys are copied into one character array; the index is an
 * open-addressing table of typed arrays. Exact: keys are compared character by character when hashes agree.
 */
export class RawCache {
  private chars = new Uint16Array(1 << 16);
  private charLen = 0;
  /** Per entry: hash, character offset, length, value (one cache line serves a probe's compare). */
  private meta = new Int32Array(4 << 10);
  private count = 0;
  /** Per slot: entry + 1 (0 = free) and the entry's hash, side by side. */
  private slots = new Int32Array(2 << 12);
  private mask = (1 << 12) - 1;
  /** Hash and free slot of the key the last find() missed (what add() inserts). */
  private h = 0;
  private slot = 0;

  /** Entry of the key buf[from, from + len), or -1 (then add() it before any other find on this cache). */
  find(buf: Uint16Array, from: number, len: number): number {
    let h = 0x811c9dc5 | 0;
    const end = from + len;
    for (let i = from; i < end; i++) h = Math.imul(h ^ buf[i]!, 0x01000193);
    const slots = this.slots, mask = this.mask, meta = this.meta, chars = this.chars;
    let p = (h ^ (h >>> 16)) & mask;
    for (;;) {
      const e1 = slots[2 * p]!;
      if (e1 === 0) break;
      if (slots[2 * p + 1] === h) {
        const e = e1 - 1, m = 4 * e;
        if (meta[m + 2] === len) {
          let i = 0;
          const o = meta[m + 1]!;
          while (i < len && chars[o + i] === buf[from + i]) i++;
          if (i === len) return e;
        }
      }
      p = (p + 1) & mask;
    }
    this.h = h;
    this.slot = p;
    return -1;
  }

  /** Value of entry e. */
  value(e: number): number {
    return this.meta[4 * e + 3]!;
  }

  /** Adds the key the last find() missed, with its value; returns its entry. */
  add(buf: Uint16Array, from: number, len: number, value: number): number {
    if (this.charLen + len > this.chars.length) {
      const c = new Uint16Array(Math.max(this.chars.length * 2, this.charLen + len));
      c.set(this.chars.subarray(0, this.charLen));
      this.chars = c;
    }
    const chars = this.chars, o = this.charLen;
    for (let i = 0; i < len; i++) chars[o + i] = buf[from + i]!;
    this.charLen += len;
    const e = this.count++;
    if (4 * this.count > this.meta.length) {
      const m = new Int32Array(this.meta.length * 2);
      m.set(this.meta);
      this.meta = m;
    }
    const m = 4 * e;
    this.meta[m] = this.h;
    this.meta[m + 1] = o;
    this.meta[m + 2] = len;
    this.meta[m + 3] = value;
    this.slots[2 * this.slot] = e + 1;
    this.slots[2 * this.slot + 1] = this.h;
    if (e * 2 > this.mask) this.grow();
    return e;
  }

  private grow(): void {
    const size = (this.mask + 1) * 2;
    const slots = new Int32Array(2 * size);
    const mask = size - 1, meta = this.meta;
    for (let e = 0; e < this.count; e++) {
      const h = meta[4 * e]!;
      let p = (h ^ (h >>> 16)) & mask;
      while (slots[2 * p] !== 0) p = (p + 1) & mask;
      slots[2 * p] = e + 1;
      slots[2 * p + 1] = h;
    }
    this.slots = slots;
    this.mask = mask;
  }
}
