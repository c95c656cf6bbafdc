/**
 * Synthetic customer profiles with ground truth, in the Customer Profiles shape.
 *
 *   import { generateProfiles, generateRecords } from './engine/generate/index.js';
 *   const { profiles, truth } = generateProfiles(10_000, 42);         // EngineProfile[] + entity id per profile
 *   for (const r of generateRecords(1_000_000, 42)) { ... }           // streaming, constant memory
 *
 * Deterministic for (n, seed, options). Records of one person are spread out by a bounded shuffle window, and
 * profile ids (`p0000001`…) follow the output order, so neither order nor id reveals the truth.
 */
import type { FieldMeta, ProfileData } from '../../model/profile.js';
import type { EngineProfile } from '../types.js';
import { PeopleFactory } from './people.js';
import { RecordMaker, type DraftRecord } from './records.js';
import { Rng } from './rng.js';

export interface GenerateOptions {
  /** Multiplies every noise probability (default 1; 0 = clean duplicates, 2 = twice as noisy). */
  noise?: number;
  /** Attach per-field provenance (source, updatedAt) to each profile (default true). */
  meta?: boolean;
  /** Shuffle window in records (default 4096; 0 keeps each person's records together). */
  shuffleWindow?: number;
}

export interface GeneratedRecord {
  profile: EngineProfile;
  /** Ground truth: records of the same person share it. */
  entityId: string;
  /** Household number (family members, twins and juniors share it): for classifying false positives. */
  household: number;
  /** Source system (object type name): crm, ecommerce, support, loyalty, pos. */
  source: string;
  /** When the source last updated the record (epoch ms). */
  updatedAt: number;
}

export const DEFAULT_NOISE = 1;

export { writeRecords, readRecords } from './files.js';

/** The same FieldMeta for every dotted path of a profile (a record comes from one source at one time). */
function metaPaths(data: ProfileData, m: FieldMeta): Record<string, FieldMeta> {
  const meta: Record<string, FieldMeta> = {};
  for (const k in data) {
    const v = (data as Record<string, unknown>)[k];
    if (typeof v === 'string') meta[k] = m;
    else if (v && typeof v === 'object') for (const sub in v) meta[dotted(k, sub)] = m;
  }
  return meta;
}
const dottedCache = new Map<string, string>();
/** 'Address' + 'City' → 'Address.City', interned (the set of paths is small). */
function dotted(head: string, tail: string): string {
  const key = head + '\u0000' + tail;
  let s = dottedCache.get(key);
  if (s === undefined) dottedCache.set(key, (s = `${head}.${tail}`));
  return s;
}

/** Streams exactly n records. */
export function* generateRecords(n: number, seed: number, options: GenerateOptions = {}): Generator<GeneratedRecord> {
  if (!Number.isInteger(n) || n < 0) throw new Error(`profile count must be a non-negative integer, got ${n}`);
  const rng = new Rng(seed);
  const people = new PeopleFactory(rng);
  const maker = new RecordMaker(rng, options.noise ?? DEFAULT_NOISE);
  const window = options.shuffleWindow ?? 4096;
  const withMeta = options.meta ?? true;
  const pad = Math.max(7, String(n).length);
  const buffer: DraftRecord[] = [];
  let produced = 0;
  let emitted = 0;
  const emit = (r: DraftRecord): GeneratedRecord => {
    const id = 'p' + String(emitted++).padStart(pad, '0');
    const profile: EngineProfile = { id, data: r.data };
    if (withMeta) {
      const m: FieldMeta = { updatedAt: r.updatedAt, ingestedAt: r.updatedAt, source: r.source };
      profile.meta = metaPaths(r.data, m);
    }
    return { profile, entityId: r.entityId, household: r.household, source: r.source, updatedAt: r.updatedAt };
  };
  while (produced < n) {
    for (const person of people.household()) {
      for (const r of maker.recordsFor(person)) {
        if (produced >= n) break;
        produced++;
        buffer.push(r);
        if (buffer.length > window) {
          const i = rng.int(buffer.length);
          const out = buffer[i];
          buffer[i] = buffer[buffer.length - 1];
          buffer.pop();
          yield emit(out);
        }
      }
    }
  }
  while (buffer.length) {
    const i = rng.int(buffer.length);
    const out = buffer[i];
    buffer[i] = buffer[buffer.length - 1];
    buffer.pop();
    yield emit(out);
  }
}

/** All n records in memory: profiles for the engine and the true entity id of each (same order). */
export function generateProfiles(
  n: number, seed: number, options: GenerateOptions = {},
): { profiles: EngineProfile[]; truth: string[]; households: Int32Array } {
  const profiles: EngineProfile[] = [];
  const truth: string[] = [];
  const households: number[] = [];
  for (const r of generateRecords(n, seed, options)) {
    profiles.push(r.profile);
    truth.push(r.entityId);
    households.push(r.household);
  }
  return { profiles, truth, households: Int32Array.from(households) };
}
