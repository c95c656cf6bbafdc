/** String interning with occurrence counts (the counts feed term-frequency adjustments). */
export class Interner {
  values: string[] = [];
  counts: Int32Array = new Int32Array(1024);
  private index: Map<string, number> | undefined = new Map<string, number>();
  /** Number of counted occurrences (profiles carrying a value). */
  total = 0;

  /** Id of `s`; counts one more occurrence when `count` is true. */
  id(s: string, count = true): number {
    if (!this.index) throw new Error('Interner: sealed (no new values after the columns are built)');
    let i = this.index.get(s);
    if (i === undefined) {
      i = this.values.length;
      this.values.push(s);
      this.index.set(s, i);
      if (i >= this.counts.length) {
        const c = new Int32Array(this.counts.length * 2);
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

  /** Counts one more occurrence of an id already interned (callers that cache raw value → id skip the lookup). */
  count(i: number): void {
    this.counts[i]!++;
    this.total++;
  }

  get(s: string): number | undefined {
    if (!this.index) throw new Error('Interner: sealed');
    return this.index.get(s);
  }

  /** An interner holding `values` (ids = positions), already sealed. */
  static sealedOf(values: string[]): Interner {
    const t = new Interner();
    t.values = values;
    t.seal();
    return t;
  }

  /** Drops the string → id map once every value is interned (a million profiles: ~5M entries, hundreds of MB). */
  seal(): void {
    this.index = undefined;
  }
}

/** Growable Int32 list. */
export class IntList {
  data = new Int32Array(1024);
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
  data = new Uint32Array(1024);
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
}
