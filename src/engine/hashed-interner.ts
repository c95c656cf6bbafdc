/**
 * Interning by precomputed 64-bit hashes (two 32-bit halves), for merging the chunk tables of parallel normalization
 * on the main thread: an open-addressing table of typed arrays that compares strings only when both hash halves
 * agree (so the result is exact), where a Map<string, number> of millions of entries costs ~1 µs per insert in cache
 * misses. The workers compute the hashes (valueHashes) so that the main thread does not read the characters.
 */
import { HASH, Interner, U32List, hashString } from './intern.js';

/** The two 32-bit hashes of every value (intern.ts's hashString), interleaved. */
export function valueHashes(values: string[]): Uint32Array {
  const out = new Uint32Array(values.length * 2);
  for (let k = 0; k < values.length; k++) {
    hashString(values[k]!);
    out[2 * k] = HASH[0]!;
    out[2 * k + 1] = HASH[1]!;
  }
  return out;
}

export class HashedInterner {
  readonly values: string[] = [];
  private readonly h1 = new U32List();
  private readonly h2 = new U32List();
  private slots = new Int32Array(1 << 12).fill(-1);
  private mask = (1 << 12) - 1;

  /**
   * Sizes the table for about `expected` values at once (the merge calls it with the first chunk's count × chunks):
   * growing step by step allocates and drops typed arrays all along, and that external memory starts full
   * collections of the main heap (see Arena in normalize-parallel.ts).
   */
  reserve(expected: number): void {
    if (this.values.length > 0) return;
    let size = this.slots.length;
    while (expected * 2 > size) size *= 2;
    if (size === this.slots.length) return;
    this.slots = new Int32Array(size).fill(-1);
    this.mask = size - 1;
    this.h1.reserve(expected);
    this.h2.reserve(expected);
  }

  /** Id of `s`, whose hashes are (a, b); a new value gets the next id. */
  id(s: string, a: number, b: number): number {
    let p = (a ^ Math.imul(b, 0x9e3779b1)) & this.mask;
    for (;;) {
      const id = this.slots[p]!;
      if (id < 0) break;
      if (this.h1.data[id] === a && this.h2.data[id] === b && this.values[id] === s) return id;
      p = (p + 1) & this.mask;
    }
    const id = this.values.length;
    this.values.push(s);
    this.h1.push(a);
    this.h2.push(b);
    this.slots[p] = id;
    if (id * 2 > this.mask) this.grow();
    return id;
  }

  private grow(): void {
    const size = this.slots.length * 2;
    this.slots = new Int32Array(size).fill(-1);
    this.mask = size - 1;
    for (let id = 0; id < this.values.length; id++) {
      let p = (this.h1.data[id]! ^ Math.imul(this.h2.data[id]!, 0x9e3779b1)) & this.mask;
      while (this.slots[p]! >= 0) p = (p + 1) & this.mask;
      this.slots[p] = id;
    }
  }

  /** The values as a sealed Interner (what the columns' tables are). */
  toInterner(): Interner {
    return Interner.sealedOf(this.values);
  }
}
