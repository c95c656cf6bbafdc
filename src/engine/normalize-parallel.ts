/**
 * Parallel normalization and blocking-key extraction: the main thread encodes chunks of profiles into strings
 * (profile-codec.ts), worker threads normalize them and compute every blocking rule's keys, and the main thread maps
 * each chunk's local ids into the global tables in chunk order — so ids are assigned at a value's first occurrence
 * in input order, exactly as the single-threaded buildColumns assigns them, and every result is unchanged.
 * Workers keep no state between chunks; the main thread's heap (holding the input profiles) sees little garbage.
 */
import type { Worker } from 'node:worker_threads';
import {
  ColumnBuilder, fillCounts, MULTI_COLUMNS, NAME_COLUMNS, type ColumnData, type Columns, type NormalizeOptions,
  type Tables,
} from './columns.js';
import { BLOCKING_RULES, concatRuleKeys, ruleKeys, type RuleKeys } from './blocking.js';
import type { View } from './compare.js';
import { ChunkWriter, encodeProfile } from './profile-codec.js';
import { HashedInterner, valueHashes } from './hashed-interner.js';
import { startWorker } from '../util/worker.js';
import type { EngineProfile } from './types.js';

export interface ChunkRequest {
  seq: number;
  encoded: Uint16Array;
}

export interface ChunkResult {
  seq: number;
  data: ColumnData;
  tables: Record<keyof Tables, string[]>;
  /** Per table, two 32-bit hashes of each value (valueHashes), so the main thread need not read the strings. */
  hashes: Record<keyof Tables, Uint32Array>;
  keys: RuleKeys[];
}

/** Profiles per chunk: large enough that a chunk's caches pay off, small enough to keep both threads busy. */
export function chunkSize(n: number, threads: number): number {
  return Math.max(2048, Math.min(50_000, Math.ceil(n / (threads * 4))));
}

export async function buildColumnsParallel(
  profiles: EngineProfile[],
  opts: NormalizeOptions,
  threads: number,
  onProgress?: (f: number) => void,
): Promise<{ cols: Columns; keys: RuleKeys[] }> {
  const n = profiles.length;
  const size = chunkSize(n, threads);
  const nChunks = Math.ceil(n / size);
  const idKeys = new ColumnBuilder(opts); // only for its identifier-key verdicts
  const isIdKey = (k: string) => idKeys.isIdKey(k);
  const ids: string[] = new Array(n);
  const writer = new ChunkWriter();
  const encode = (seq: number): ChunkRequest => {
    const end = Math.min(n, (seq + 1) * size);
    for (let i = seq * size; i < end; i++) {
      const p = profiles[i]!;
      ids[i] = p.id;
      encodeProfile(p.data, isIdKey, writer);
    }
    return { seq, encoded: writer.take() };
  };

  /** A chunk normalized on the main thread, straight from the profile objects. */
  const normalizeHere = (seq: number): ChunkResult => {
    const b = new ColumnBuilder(opts);
    const end = Math.min(n, (seq + 1) * size);
    for (let i = seq * size; i < end; i++) {
      const p = profiles[i]!;
      ids[i] = p.id;
      b.add(p.data);
    }
    return chunkResult(seq, b);
  };

  const workers: Worker[] = [];
  const results = new Map<number, ChunkResult>();
  let wake: (() => void) | undefined;
  let failure: unknown;
  let next = 0;
  let delivered = false;
  const send = (w: Worker) => {
    if (next >= nChunks) return;
    const req = encode(next++);
    w.postMessage(req, [req.encoded.buffer as ArrayBuffer]);
  };
  try {
    for (let k = 0; k < Math.min(threads, nChunks); k++) {
      const w = startWorker(import.meta.url, './normalize-worker.js', { workerData: { normalize: opts } });
      workers.push(w);
      w.on('message', (r: ChunkResult) => {
        delivered = true;
        results.set(r.seq, r);
        send(w);
        wake?.();
      });
      w.once('error', (e) => {
        failure = e;
        wake?.();
      });
      w.once('exit', (code) => {
        if (code !== 0) failure ??= new Error(`normalize worker exited with ${code}`);
        wake?.();
      });
      // Two chunks in flight per worker, so it never waits for the main thread.
      send(w);
      send(w);
    }

    const merger = new ChunkMerger(n);
    const chunkKeys: RuleKeys[][] = [];
    for (let seq = 0; seq < nChunks; seq++) {
      while (!results.has(seq)) {
        if (failure) throw failure;
        if (threads === 1 && next < nChunks && !delivered) {
          // One worker, still starting (~1 s under tsx): the main thread normalizes a chunk itself, then lets pending
          // worker messages in. With more workers it only encodes and merges — its heap holds the input profiles, so
          // garbage made there means collections that trace all of them (and while it works it dispatches nothing).
          const own = next++;
          results.set(own, normalizeHere(own));
          await new Promise<void>((r) => setImmediate(r));
        } else {
          await new Promise<void>((r) => (wake = r));
        }
      }
      const r = results.get(seq)!;
      results.delete(seq);
      merger.add(r, seq * size);
      chunkKeys.push(r.keys.map((k) => ({ hash: k.hash, idx: offset(k.idx, seq * size) })));
      onProgress?.((seq + 1) / nChunks);
    }
    const cols = merger.finish(ids);
    return { cols, keys: concatRuleKeys(chunkKeys, BLOCKING_RULES.length) };
  } finally {
    for (const w of workers) void w.terminate();
  }
}

/** A chunk's columns, its tables' values and its blocking keys (what a worker posts back). */
export function chunkResult(seq: number, b: ColumnBuilder): ChunkResult {
  const data = b.data();
  const tables = {} as ChunkResult['tables'];
  const hashes = {} as ChunkResult['hashes'];
  for (const [name, t] of Object.entries(b.t)) {
    tables[name as keyof Tables] = t.values;
    hashes[name as keyof Tables] = t.hashes() ?? valueHashes(t.values);
  }
  const view = { ...data, ids: [], tables: b.t } as unknown as View;
  return { seq, data, tables, hashes, keys: ruleKeys(view) };
}

/**
 * Columns live in shared memory: the comparison workers then see them without a copy (at a million profiles the
 * typed arrays are ~120 MB per worker otherwise).
 */
function sharedInt32(n: number): Int32Array {
  return new Int32Array(new SharedArrayBuffer(n * 4));
}

function offset(idx: Uint32Array, base: number): Uint32Array {
  if (base !== 0) for (let k = 0; k < idx.length; k++) idx[k]! += base;
  return idx;
}

/** Maps chunk-local ids into global tables (first occurrence in chunk order) and concatenates the columns. */
class ChunkMerger {
  private readonly t: Record<keyof Tables, HashedInterner> = {
    name: new HashedInterner(), emailFull: new HashedInterner(), emailLoose: new HashedInterner(),
    emailLocal: new HashedInterner(), phone: new HashedInterner(), street: new HashedInterner(),
    unit: new HashedInterner(), streetName: new HashedInterner(), postcode: new HashedInterner(),
    city: new HashedInterner(), ident: new HashedInterner(),
  };
  private readonly single: Record<(typeof NAME_COLUMNS)[number] | 'dob', Int32Array>;
  private readonly parts: Record<string, { off: Int32Array[]; values: Int32Array[] }> = {};
  private filled = 0;

  constructor(private readonly n: number) {
    this.single = { first: sharedInt32(n), middle: sharedInt32(n), last: sharedInt32(n), dob: sharedInt32(n) };
    for (const [col] of MULTI_COLUMNS) this.parts[col] = { off: [], values: [] };
  }

  private remap(table: keyof Tables, values: string[], h: Uint32Array): Int32Array {
    const t = this.t[table];
    const map = new Int32Array(values.length);
    for (let k = 0; k < values.length; k++) map[k] = t.id(values[k]!, h[2 * k]!, h[2 * k + 1]!);
    return map;
  }

  add(r: ChunkResult, base: number): void {
    const d = r.data;
    const names = this.remap('name', r.tables.name, r.hashes.name);
    for (const col of NAME_COLUMNS) {
      const src = d[col], dst = this.single[col];
      for (let k = 0; k < src.length; k++) dst[base + k] = src[k]! >= 0 ? names[src[k]!]! : -1;
    }
    this.single.dob.set(d.dob, base);
    const maps = new Map<keyof Tables, Int32Array>();
    for (const [col, table] of MULTI_COLUMNS) {
      const m = d[col];
      if (table) {
        let map = maps.get(table);
        if (!map) maps.set(table, (map = this.remap(table, r.tables[table], r.hashes[table])));
        const v = m.values;
        for (let k = 0; k < v.length; k++) if (v[k]! >= 0) v[k] = map[v[k]!]!;
      }
      this.parts[col]!.off.push(m.off);
      this.parts[col]!.values.push(m.values);
    }
    this.filled = base + d.n;
  }

  finish(ids: string[]): Columns {
    if (this.filled !== this.n) throw new Error(`normalize: ${this.filled} of ${this.n} profiles merged`);
    const multi = {} as Record<(typeof MULTI_COLUMNS)[number][0], { off: Int32Array; values: Int32Array }>;
    for (const [col] of MULTI_COLUMNS) {
      const p = this.parts[col]!;
      let total = 0;
      for (const v of p.values) total += v.length;
      const off = sharedInt32(this.n + 1), values = sharedInt32(total);
      let row = 0, o = 0;
      for (let c = 0; c < p.off.length; c++) {
        const co = p.off[c]!;
        for (let k = 1; k < co.length; k++) off[++row] = o + co[k]!;
        values.set(p.values[c]!, o);
        o += p.values[c]!.length;
      }
      multi[col] = { off, values };
    }
    const data: ColumnData = { n: this.n, ...this.single, ...multi };
    const tables = Object.fromEntries(Object.entries(this.t).map(([k, t]) => [k, t.toInterner()])) as unknown as Tables;
    fillCounts(data, tables);
    return { ...data, ids, tables };
  }
}
