/**
 * The blocking-key index a job saves with its model, so that one new profile can later be matched against the
 * profiles the job saw without running the job again: its blocking keys are looked up in the index (the same rules,
 * caps and sub-blocking as the job's blocking), and the candidates found are scored with the saved model by the same
 * comparison and scoring code as resolve() and explainGroup().
 *
 * Contents: every rule's keys of every profile, sorted by key hash (blocks contiguous: what blocking itself sorted),
 * and each profile's sub-blocking sort key (last name, first name, birth month) with the sorted distinct names, so
 * that a new profile can be placed in an oversized block's neighbourhood order.
 */
import { buildColumns } from './columns.js';
import { BLOCKING_RULES, hoodInputOf, ruleKeys, type RuleKeys } from './blocking.js';
import type { Columns } from './columns.js';
import type { Model } from './model.js';
import type { EngineProfile } from './types.js';

export interface KeyIndex {
  /** Profiles indexed (positions 0 … n − 1: the order of resolve()'s input). */
  n: number;
  /** Rule names, in the order of `keys` (the blocking rules of the engine that made the index). */
  rules: string[];
  /** Per rule: hashes sorted ascending, with each entry's profile position. */
  keys: RuleKeys[];
  /** Per profile: rank of its last and first name in `names` (1-based; 0 = none) and birth year × 12 + month (0 = none). */
  hoodLast: Uint32Array;
  hoodFirst: Uint32Array;
  hoodMonth: Uint32Array;
  /** Distinct normalized names, sorted (rank r is names[r − 1]). */
  names: string[];
}

/** The index of a resolve() run from its columns and the sorted keys its blocking kept. */
export function keyIndexOf(cols: Columns, sortedKeys: RuleKeys[]): KeyIndex {
  const hood = hoodInputOf(cols);
  const n = cols.n;
  const hoodLast = new Uint32Array(n), hoodFirst = new Uint32Array(n), hoodMonth = new Uint32Array(n);
  for (let i = 0; i < n; i++) {
    hoodLast[i] = hood.last[i]! >= 0 ? hood.nameRank[hood.last[i]!]! : 0;
    hoodFirst[i] = hood.first[i]! >= 0 ? hood.nameRank[hood.first[i]!]! : 0;
    hoodMonth[i] = monthOf(hood.dob[i]!);
  }
  const values = cols.tables.name.values;
  const names = new Array<string>(values.length);
  for (let id = 0; id < values.length; id++) names[hood.nameRank[id]! - 1] = values[id]!;
  return { n, rules: BLOCKING_RULES.map((r) => r.name), keys: sortedKeys, hoodLast, hoodFirst, hoodMonth, names };
}

/** neighbourhoodOrder's birth-date key (yyyymmdd → year × 12 + month). */
function monthOf(d: number): number {
  return d ? Math.floor(d / 10000) * 12 + (Math.floor(d / 100) % 100) : 0;
}

/** Why a profile is a candidate: the rule whose key it shares, and whether its block was sub-blocked. */
export interface Candidate {
  /** Position in the index (the job's input order). */
  position: number;
  rules: string[];
}

/**
 * The profiles of the index that blocking would have paired with `profile` had it been part of the run: for every
 * rule and key of the profile, the block of that key with the profile added — all its members when the block
 * (one larger) is within the rule's cap, else (sub-blocking) the `window − 1` neighbours on each side of the
 * profile's place in the neighbourhood order (last name, first name, birth month; the new profile after its ties,
 * as the last input would be).
 */
export function candidatesOf(index: KeyIndex, model: Model, profile: EngineProfile): Candidate[] {
  if (index.rules.length !== BLOCKING_RULES.length || index.rules.some((r, k) => r !== BLOCKING_RULES[k]!.name)) {
    throw new Error('key index: made by an engine with other blocking rules (run a new job)');
  }
  const caps = model.blocking.caps;
  if (!caps || caps.length !== BLOCKING_RULES.length) throw new Error('key index: the model has no blocking caps');
  const cols = buildColumns([profile], model.normalize);
  const own = ruleKeys(cols);
  const found = new Map<number, string[]>();
  const add = (pos: number, rule: string) => {
    const rules = found.get(pos);
    if (!rules) found.set(pos, [rule]);
    else if (!rules.includes(rule)) rules.push(rule);
  };
  let place: HoodPlace | undefined;
  for (let r = 0; r < BLOCKING_RULES.length; r++) {
    const rule = BLOCKING_RULES[r]!;
    const { hash, idx } = index.keys[r]!;
    for (const h of new Set(own[r]!.hash)) {
      const lo = lowerBound(hash, h);
      let hi = lo;
      while (hi < hash.length && hash[hi] === h) hi++;
      if (hi === lo) continue;
      if (hi - lo + 1 <= caps[r]!) {
        for (let x = lo; x < hi; x++) add(idx[x]!, rule.name);
        continue;
      }
      const window = rule.window ?? model.blocking.subBlockWindow ?? 0;
      if (window < 2) continue;
      place ??= hoodPlace(index, cols);
      for (const pos of neighbours(index, idx.subarray(lo, hi), place, window - 1)) add(pos, rule.name);
    }
  }
  return [...found].map(([position, rules]) => ({ position, rules })).sort((x, y) => x.position - y.position);
}

function lowerBound(a: Uint32Array, x: number): number {
  let lo = 0, hi = a.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (a[mid]! < x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** The new profile's sort key, names ranked on a doubled scale (2r: a known name; odd: between two known names). */
interface HoodPlace { last: number; first: number; month: number }

function hoodPlace(index: KeyIndex, cols: Columns): HoodPlace {
  const rank2 = (id: number): number => {
    if (id < 0) return 0;
    const name = cols.tables.name.values[id]!;
    let lo = 0, hi = index.names.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (index.names[mid]! < name) lo = mid + 1;
      else hi = mid;
    }
    return lo < index.names.length && index.names[lo] === name ? 2 * (lo + 1) : 2 * lo + 1;
  };
  return { last: rank2(cols.last[0]!), first: rank2(cols.first[0]!), month: monthOf(cols.dob[0]!) };
}

/**
 * Members within `reach` places of the new profile in the block's neighbourhood order: the `reach` largest keys at
 * or before its place and the `reach` smallest after it — one pass over the block, no sort (an oversized block at a
 * million profiles has thousands of members).
 */
function neighbours(index: KeyIndex, members: Uint32Array, place: HoodPlace, reach: number): number[] {
  const cmp = (i: number, j: number) =>
    index.hoodLast[i]! - index.hoodLast[j]! || index.hoodFirst[i]! - index.hoodFirst[j]!
    || index.hoodMonth[i]! - index.hoodMonth[j]! || i - j;
  // At or before the new profile's place: key ≤ its key (it comes after its ties).
  const before = (i: number) =>
    2 * index.hoodLast[i]! - place.last || 2 * index.hoodFirst[i]! - place.first || index.hoodMonth[i]! - place.month;
  const low: number[] = [];  // nearest before, largest first
  const high: number[] = []; // nearest after, smallest first
  const keep = (list: number[], i: number, nearer: (x: number, y: number) => boolean) => {
    if (list.includes(i)) return; // a profile with two keys of one hash
    let k = list.length;
    while (k > 0 && nearer(i, list[k - 1]!)) k--;
    if (k >= reach) return;
    list.splice(k, 0, i);
    if (list.length > reach) list.pop();
  };
  for (const i of members) {
    if (before(i) <= 0) keep(low, i, (x, y) => cmp(x, y) > 0);
    else keep(high, i, (x, y) => cmp(x, y) < 0);
  }
  return [...low.reverse(), ...high];
}

// ---- Binary form (what a job stores) ----------------------------------------------------------------------------

const MAGIC = 'coalesce-key-index/2';

/** What a stored index carries besides the index: each position's profile id, and its match group in the run. */
export interface KeyIndexProfiles {
  ids: string[];
  /** MatchIds of the run's groups; groupOf[position] indexes it (−1: in no group). */
  matchIds: string[];
  groupOf: Int32Array;
}

/**
 * `groupOf` / `matchIds` of a run's groups (groups of one profile count as none). Ids in ascending order (what a job
 * reads from its store) are found by binary search (no map of a million strings); otherwise through a map.
 */
export function groupsByPosition(ids: string[], groups: Array<{ matchId: string; profileIds: string[] }>): Pick<KeyIndexProfiles, 'matchIds' | 'groupOf'> {
  let sorted = true;
  for (let i = 1; i < ids.length && sorted; i++) sorted = ids[i - 1]! < ids[i]!;
  const position = sorted ? undefined : new Map(ids.map((id, i) => [id, i]));
  const find = (id: string): number | undefined => {
    if (position) return position.get(id);
    let lo = 0, hi = ids.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1, x = ids[mid]!;
      if (x === id) return mid;
      if (x < id) lo = mid + 1;
      else hi = mid - 1;
    }
    return undefined;
  };
  const groupOf = new Int32Array(ids.length).fill(-1);
  const matchIds: string[] = [];
  for (const g of groups) {
    if (g.profileIds.length < 2) continue;
    for (const id of g.profileIds) {
      const i = find(id);
      if (i !== undefined) groupOf[i] = matchIds.length;
    }
    matchIds.push(g.matchId);
  }
  return { matchIds, groupOf };
}

/**
 * The index and its profiles (ids, groups) as bytes, in pieces that are written one after the other: a JSON header
 * (sizes, rules, names, ids, MatchIds; padded to 4 bytes) then the typed arrays' own bytes (views, not copies), so
 * that every array starts at a 4-byte-aligned offset and loading wraps them without copying.
 */
export function encodeKeyIndexParts(index: KeyIndex, profiles: KeyIndexProfiles): Buffer[] {
  const { ids, matchIds, groupOf } = profiles;
  if (ids.length !== index.n || groupOf.length !== index.n) throw new Error('key index: one id and group per profile');
  const arrays: Array<Uint32Array | Int32Array> = [index.hoodLast, index.hoodFirst, index.hoodMonth, groupOf];
  for (const k of index.keys) arrays.push(k.hash, k.idx);
  const json = Buffer.from(JSON.stringify({
    magic: MAGIC, n: index.n, rules: index.rules, lengths: index.keys.map((k) => k.hash.length), names: index.names, ids, matchIds,
  }));
  const header = Buffer.alloc(8 + Math.ceil(json.length / 4) * 4);
  header.writeUInt32LE(0x4b495831, 0); // "1XIK"
  header.writeUInt32LE(json.length, 4);
  json.copy(header, 8);
  return [header, ...arrays.map((a) => Buffer.from(a.buffer, a.byteOffset, a.byteLength))];
}

/** encodeKeyIndexParts as one buffer. */
export function encodeKeyIndex(index: KeyIndex, profiles: KeyIndexProfiles): Buffer {
  return Buffer.concat(encodeKeyIndexParts(index, profiles));
}

export function decodeKeyIndex(bytes: Uint8Array): { index: KeyIndex } & KeyIndexProfiles {
  const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (buf.length < 8 || buf.readUInt32LE(0) !== 0x4b495831) throw new Error('key index: not a Coalesce key index');
  const headerLength = buf.readUInt32LE(4);
  const header = JSON.parse(buf.toString('utf8', 8, 8 + headerLength)) as {
    magic: string; n: number; rules: string[]; lengths: number[]; names: string[]; ids: string[]; matchIds: string[];
  };
  if (header.magic !== MAGIC) throw new Error(`key index: unknown format ${header.magic}`);
  // Aligned copy when the bytes do not start at a multiple of 4 (typed arrays need it).
  const base = bytes.byteOffset % 4 === 0 ? buf : Buffer.from(buf);
  let o = 8 + Math.ceil(headerLength / 4) * 4;
  const take = (len: number): Uint32Array => {
    if (o + 4 * len > base.length) throw new Error('key index: truncated');
    const a = new Uint32Array(base.buffer, base.byteOffset + o, len);
    o += 4 * len;
    return a;
  };
  const n = header.n;
  const hoodLast = take(n), hoodFirst = take(n), hoodMonth = take(n);
  const groupWords = take(n);
  const groupOf = new Int32Array(groupWords.buffer, groupWords.byteOffset, n);
  const keys = header.lengths.map((len) => ({ hash: take(len), idx: take(len) }));
  return {
    index: { n, rules: header.rules, keys, hoodLast, hoodFirst, hoodMonth, names: header.names },
    ids: header.ids, matchIds: header.matchIds, groupOf,
  };
}
