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
import type { RuleKeys } from './blocking.js';
import { chunkRuleKeys } from './chunk-keys.js';
import type { View } from './compare.js';
import { ChunkWriter, encodeProfile, encodesVerbatim, viaCodec } from './profile-codec.js';
import { JsonProfileEncoder, packTexts, packedText, type PackedTexts } from './profile-json.js';
import { HashedInterner, valueHashes } from './hashed-interner.js';
import { normalizeChunk } from './normalize-encoded.js';
import { startWorker } from '../util/worker.js';
import type { ProfileData } from '../model/profile.js';
import type { EngineProfile, ProfileTexts } from './types.js';

/**
 * A chunk for a worker: encoded by the main thread, or its profiles' JSON texts packed into one transferred buffer
 * (the worker encodes them; as strings they would be cloned into its heap and copied by its scavenges).
 */
export type ChunkRequest = { seq: number; encoded: Uint16Array } | { seq: number; texts: PackedTexts };

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

/**
 * First profile of each chunk, then n: chunks of chunkSize, but the last `threads` chunks' worth cut in quarters, so
 * that at the end no worker is still on a whole chunk while the others have nothing left (a core idle for up to a
 * chunk's time, ~1.3 s at 50,000 profiles).
 */
export function chunkStarts(n: number, threads: number): number[] {
  const size = chunkSize(n, threads);
  const tail = Math.max(2048, Math.ceil(size / 4));
  const starts = [0];
  let at = 0;
  while (at < n) {
    at = Math.min(n, at + (n - at > threads * size ? size : tail));
    starts.push(at);
  }
  return starts;
}

export async function buildColumnsParallel(
  input: EngineProfile[] | ProfileTexts,
  opts: NormalizeOptions,
  threads: number,
  onProgress?: (f: number) => void,
): Promise<{ cols: Columns; keys: RuleKeys[] }> {
  const texts = Array.isArray(input) ? undefined : input;
  const profiles = Array.isArray(input) ? input : undefined;
  const n = texts ? texts.ids.length : profiles!.length;
  if (texts && texts.data.length !== n) throw new Error(`resolve: ${texts.ids.length} ids but ${texts.data.length} texts`);
  const starts = chunkStarts(n, threads);
  const nChunks = starts.length - 1;
  const idKeys = new ColumnBuilder(opts); // only for its identifier-key verdicts
  const isIdKey = (k: string) => idKeys.isIdKey(k);
  const ids: string[] = texts ? texts.ids : new Array(n);
  const writer = new ChunkWriter();
  // JSON texts go to the workers as they are (they encode them); profile objects are encoded here.
  const encode = (seq: number): ChunkRequest => {
    if (texts) return { seq, texts: packTexts(texts.data, starts[seq]!, starts[seq + 1]!) };
    encodeRange(profiles!, starts[seq]!, starts[seq + 1]!, ids, isIdKey, writer);
    return { seq, encoded: writer.take() };
  };

  /** A chunk normalized on the main thread, straight from the profile objects (or their texts). */
  const normalizeHere = (seq: number): ChunkResult => {
    if (texts) {
      encodeTexts(packTexts(texts.data, starts[seq]!, starts[seq + 1]!), new JsonProfileEncoder(isIdKey), isIdKey, writer);
      return chunkResult(seq, normalizeChunk(writer.take(), opts));
    }
    const b = new ColumnBuilder(opts);
    for (let i = starts[seq]!, end = starts[seq + 1]!; i < end; i++) {
      const p = profiles![i]!;
      ids[i] = p.id;
      b.add(encodesVerbatim(p.data) ? p.data : viaCodec(p.data, isIdKey));
    }
    return chunkResult(seq, b);
  };

  const workers: Worker[] = [];
  const results = new Map<number, ChunkResult>();
  const from = new Map<number, Worker>(); // chunk → the worker that normalized it
  let wake: (() => void) | undefined;
  let failure: unknown;
  let next = 0;
  let delivered = false;
  const send = (w: Worker) => {
    if (next >= nChunks) return;
    const req = encode(next++);
    w.postMessage(req, 'encoded' in req ? [req.encoded.buffer as ArrayBuffer]
      : [req.texts.chars.buffer as ArrayBuffer, req.texts.off.buffer as ArrayBuffer]);
  };
  try {
    for (let k = 0; k < Math.min(threads, nChunks); k++) {
      const w = startWorker(import.meta.url, './normalize-worker.js', { workerData: { normalize: opts } });
      workers.push(w);
      w.on('message', (r: ChunkResult) => {
        delivered = true;
        results.set(r.seq, r);
        from.set(r.seq, w);
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
      merger.add(r, starts[seq]!);
      // Hand the chunk's arrays back to their worker, which drops them: transferring them away takes them off this
      // thread's external-memory count at once, where left to die here they add ~10 MB a chunk until the next full
      // collection — and the external-memory pressure that builds up starts full markings of the caller's profiles.
      const w = from.get(seq);
      from.delete(seq);
      w?.postMessage({ release: true }, chunkBuffers(r));
      onProgress?.((seq + 1) / nChunks);
    }
    const cols = merger.finish(ids);
    return { cols, keys: merger.keys() };
  } finally {
    for (const w of workers) void w.terminate();
  }
}

/**
 * Encodes profiles[from, end) and notes their ids. A loop of its own: functions called once per chunk around a long
 * loop were compiled on stack (OSR) during the loop and deoptimized after it (no type feedback yet for what follows),
 * again for every chunk — the loops below are small functions over typed arrays for the same reason.
 */
function encodeRange(
  profiles: EngineProfile[], from: number, end: number, ids: string[], isIdKey: (k: string) => boolean, w: ChunkWriter,
): void {
  for (let i = from; i < end; i++) {
    const p = profiles[i]!;
    ids[i] = p.id;
    encodeProfile(p.data, isIdKey, w);
  }
}

/**
 * Encodes the profiles of packed JSON texts (a worker's chunk, or the main thread's own): read straight from the
 * characters where profile-json.ts can, else parsed.
 */
export function encodeTexts(texts: PackedTexts, enc: JsonProfileEncoder, isIdKey: (k: string) => boolean, w: ChunkWriter): void {
  for (let i = 0, n = texts.off.length - 1; i < n; i++) {
    if (!enc.encodePacked(texts, i, w)) encodeProfile(JSON.parse(packedText(texts, i)) as ProfileData, isIdKey, w);
  }
}

/**
 * The inline path for JSON texts (under PARALLEL_MIN_PROFILES): every text encoded into one chunk (profile-json.ts)
 * and normalized by the chunk path — the same columns as parsing the texts and ColumnBuilder.add, without building
 * the profile objects (test/engine/profile-json.test.ts).
 */
export function buildColumnsFromTexts(texts: ProfileTexts, opts: NormalizeOptions): Columns {
  const n = texts.ids.length;
  if (texts.data.length !== n) throw new Error(`resolve: ${n} ids but ${texts.data.length} texts`);
  const idKeys = new ColumnBuilder(opts); // only for its identifier-key verdicts
  const isIdKey = (k: string) => idKeys.isIdKey(k);
  const writer = new ChunkWriter();
  encodeTexts(packTexts(texts.data, 0, n), new JsonProfileEncoder(isIdKey), isIdKey, writer);
  const b = normalizeChunk(writer.take(), opts);
  const d = b.data();
  fillCounts(d, b.t);
  return { ...d, ids: texts.ids, tables: b.t };
}

/** dst[base + k] = map[src[k]] (-1 stays -1). */
function mapInto(dst: Int32Array, base: number, src: Int32Array, map: Int32Array): void {
  for (let k = 0; k < src.length; k++) dst[base + k] = src[k]! >= 0 ? map[src[k]!]! : -1;
}

/** v[k] = map[v[k]] in place (-1 stays -1). */
function mapInPlace(v: Int32Array, map: Int32Array): void {
  for (let k = 0; k < v.length; k++) if (v[k]! >= 0) v[k] = map[v[k]!]!;
}

/** dst[base + k] = o + off[k] for k ≥ 1 (a chunk's CSR offsets continued after the o values before it). */
function offsetsInto(dst: Int32Array, base: number, off: Int32Array, o: number): void {
  for (let k = 1; k < off.length; k++) dst[base + k] = o + off[k]!;
}

/** dst[o + j] = base + idx[j]. */
function indicesInto(dst: Uint32Array, o: number, idx: Uint32Array, base: number): void {
  for (let j = 0; j < idx.length; j++) dst[o + j] = base + idx[j]!;
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
  // Spelled out: a spread ({ ...data, ids, tables }) gave each chunk's view a map of its own, so the blocking-key
  // functions, optimized for the last chunk's, were deoptimized and compiled again for every chunk (~0.2 s a chunk).
  const view: View = {
    n: data.n, ids: [], first: data.first, middle: data.middle, last: data.last, dob: data.dob, email: data.email,
    emailLoose: data.emailLoose, emailLocal: data.emailLocal, phone: data.phone, street: data.street,
    house: data.house, unit: data.unit, streetName: data.streetName, postcode: data.postcode, city: data.city,
    ident: data.ident, tables: b.t,
  };
  return { seq, data, tables, hashes, keys: chunkRuleKeys(view, hashes) };
}

/** Every ArrayBuffer of a chunk result (transferred with it, and back for release). */
export function chunkBuffers(res: ChunkResult): ArrayBuffer[] {
  const d = res.data;
  const out: ArrayBuffer[] = [];
  for (const col of [d.first, d.middle, d.last, d.dob]) out.push(col.buffer as ArrayBuffer);
  for (const [col] of MULTI_COLUMNS) out.push(d[col].off.buffer as ArrayBuffer, d[col].values.buffer as ArrayBuffer);
  for (const k of res.keys) out.push(k.hash.buffer as ArrayBuffer, k.idx.buffer as ArrayBuffer);
  for (const h of Object.values(res.hashes)) out.push(h.buffer as ArrayBuffer);
  return out;
}

/**
 * Columns live in shared memory: the comparison workers then see them without a copy (at a million profiles the
 * typed arrays are ~120 MB per worker otherwise).
 */
function sharedInt32(n: number): Int32Array {
  return new Int32Array(new SharedArrayBuffer(n * 4));
}

/**
 * A growable array written in chunk order whose first allocation is sized for the whole run, from the first chunk's
 * share. ArrayBuffer memory counts as V8 "external memory", and every 64 MB of it that stays alive starts a full
 * marking of the main heap — which holds the caller's profiles (~700 MB at a million). Holding each chunk's arrays
 * until the end and concatenating them (~185 MB at a million) started five; one early, run-sized allocation starts
 * about one, and each chunk's arrays die young.
 */
class Arena<T extends Int32Array | Uint32Array> {
  data: T;
  length = 0;
  constructor(private readonly make: (n: number) => T) {
    this.data = make(0);
  }
  /** Room for `k` more; `share` = run size / profiles so far, for the first (run-sized) allocation. */
  reserve(k: number, share: number): void {
    const need = this.length + k;
    if (need <= this.data.length) return;
    const size = this.data.length === 0 ? Math.ceil(need * share * 1.2) + 1024 : Math.max(need + (need >> 1), this.data.length * 2);
    const d = this.make(size);
    d.set(this.data.subarray(0, this.length));
    this.data = d;
  }
  /** The filled part (a view; the unused tail stays allocated). */
  view(): T {
    return this.data.subarray(0, this.length) as T;
  }
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
  /** Per multi-valued column: offsets (n + 1, allocated up front) and values. */
  private readonly multi: Record<string, { off: Int32Array; values: Arena<Int32Array> }> = {};
  /** Per blocking rule, its keys' hashes and profile indices (plain ArrayBuffers: they are transferred on). */
  private ruleHash: Arena<Uint32Array>[] = [];
  private ruleIdx: Arena<Uint32Array>[] = [];
  private filled = 0;

  constructor(private readonly n: number) {
    this.single = { first: sharedInt32(n), middle: sharedInt32(n), last: sharedInt32(n), dob: sharedInt32(n) };
    for (const [col] of MULTI_COLUMNS) this.multi[col] = { off: sharedInt32(n + 1), values: new Arena(sharedInt32) };
  }

  private remap(table: keyof Tables, values: string[], h: Uint32Array): Int32Array {
    const t = this.t[table];
    const map = new Int32Array(values.length);
    for (let k = 0; k < values.length; k++) map[k] = t.id(values[k]!, h[2 * k]!, h[2 * k + 1]!);
    return map;
  }

  add(r: ChunkResult, base: number): void {
    const d = r.data;
    const share = this.n / (base + d.n); // first allocations: sized for the run
    if (base === 0) for (const [name, t] of Object.entries(this.t)) t.reserve(r.tables[name as keyof Tables].length * share);
    const names = this.remap('name', r.tables.name, r.hashes.name);
    for (const col of NAME_COLUMNS) mapInto(this.single[col], base, d[col], names);
    this.single.dob.set(d.dob, base);
    const maps = new Map<keyof Tables, Int32Array>();
    for (const [col, table] of MULTI_COLUMNS) {
      const m = d[col];
      if (table) {
        let map = maps.get(table);
        if (!map) maps.set(table, (map = this.remap(table, r.tables[table], r.hashes[table])));
        mapInPlace(m.values, map);
      }
      const dst = this.multi[col]!, o = dst.values.length;
      offsetsInto(dst.off, base, m.off, o);
      dst.values.reserve(m.values.length, share);
      dst.values.data.set(m.values, o);
      dst.values.length += m.values.length;
    }
    if (this.ruleHash.length === 0) {
      const u32 = (k: number) => new Uint32Array(k);
      this.ruleHash = r.keys.map(() => new Arena(u32));
      this.ruleIdx = r.keys.map(() => new Arena(u32));
    }
    r.keys.forEach((k, rule) => {
      const h = this.ruleHash[rule]!, x = this.ruleIdx[rule]!, o = h.length, len = k.hash.length;
      h.reserve(len, share);
      x.reserve(len, share);
      h.data.set(k.hash, o);
      indicesInto(x.data, o, k.idx, base);
      h.length = x.length = o + len;
    });
    this.filled = base + d.n;
  }

  /** Every rule's keys, in input order. */
  keys(): RuleKeys[] {
    return this.ruleHash.map((h, rule) => ({ hash: h.view(), idx: this.ruleIdx[rule]!.view() }));
  }

  finish(ids: string[]): Columns {
    if (this.filled !== this.n) throw new Error(`normalize: ${this.filled} of ${this.n} profiles merged`);
    const multi = {} as Record<(typeof MULTI_COLUMNS)[number][0], { off: Int32Array; values: Int32Array }>;
    for (const [col] of MULTI_COLUMNS) multi[col] = { off: this.multi[col]!.off, values: this.multi[col]!.values.view() };
    const data: ColumnData = { n: this.n, ...this.single, ...multi };
    const tables = Object.fromEntries(Object.entries(this.t).map(([k, t]) => [k, t.toInterner()])) as unknown as Tables;
    fillCounts(data, tables);
    return { ...data, ids, tables };
  }
}
