/**
 * Comparison functions: each maps a pair of (normalized, columnar) profiles to a level of one attribute group.
 * Level 0 is always 'null' (a side has no value; weight 0). Multi-valued attributes (emails, phones, addresses,
 * identifiers) compare as sets: the best level over all value pairs, which is what makes a personal email match a
 * business email, a mobile number a home number, a shipping address a mailing address.
 * The same functions serve training, scoring, explanations and (later) single-profile matching.
 */
import type { Columns, Multi, Tables } from './columns.js';
import {
  charBuckets, damerauLevenshtein, editSignature, jaroWinkler, jaroWinklerAtLeast, jaroWinklerReaches,
  mayReachJaroWinkler, sharedBound, signaturesFar, withinOneEdit,
} from './metrics.js';
import { areNicknames, hasNicknames } from './normalize/nicknames.js';

export type TableName = keyof Tables;
/** What comparisons read: the typed arrays and the interned strings (no maps), so workers can get a copy. */
export interface View extends Omit<Columns, 'tables'> {
  tables: Record<TableName, { values: string[] }>;
}

/** The string tables the comparisons read (for the comparison workers: the others are not sent). */
export const COMPARED_TABLES: ReadonlySet<TableName> = new Set<TableName>(['name', 'emailLoose', 'phone', 'ident', 'streetName', 'city', 'postcode']);

export interface Comparison {
  name: string;
  levels: string[];
  /** Level that gets a term-frequency adjustment (exact value agreement), -1 for none. */
  tfLevel: number;
  /** Table whose value frequencies drive the TF adjustment. */
  tfTable?: TableName;
  compare(v: View, a: number, b: number): number;
  /** Id (in tfTable) of the value both sides share, valid right after compare() returned tfLevel. */
  sharedValue(v: View, a: number, b: number): number;
  /** Bound of m/u at the disagreement level during EM (default MAX_ELSE_RATIO); see docs/engine.md. */
  maxElseRatio?: number;
  /**
   * Floor of m/u at the disagreement level (default MIN_ELSE_RATIO). Contact points (emails, phones, addresses) and
   * system identifiers legitimately change between a person's records, so their disagreement weighs less.
   */
  minElseRatio?: number;
  /** Human-readable value(s) of one profile for explanations. */
  display(v: View, i: number): string | undefined;
}

/**
 * Forgets the view the per-call shortcuts below remember (the last view's memos and swap result), so that a finished
 * run's columns can be collected: call when a batch of comparisons is done.
 */
export function releaseViewCaches(): void {
  // The per-view slot arrays and email memo (tens of MB at a million profiles) go too: a comparison worker keeps its
  // view for scoring, which does not read them.
  if (phoneSlotsView) phoneSlots.delete(phoneSlotsView);
  if (identSlotsView) identSlots.delete(identSlotsView);
  if (emailMemoView) emailMemos.delete(emailMemoView);
  if (emailSlotsView) emailSlots.delete(emailSlotsView);
  swapView = memoView = identView = emailMemoView = phoneSlotsView = identSlotsView = emailSlotsView = undefined;
  nameSummaryView = streetSummaryTable = citySummaryTable = nicknameView = undefined;
  nicknameOfView = undefined;
  emailMemoOfView = emailSlotsOfView = nameSummaryOfView = streetSummary = citySummary = undefined;
  phoneSlotsOfView = identSlotsOfView = undefined;
  memoOfView = undefined;
  identKeysOfView = undefined;
  identKeyLengths = undefined;
}

// ---- string summaries ----------------------------------------------------------------------------------------

/**
 * A string's summary, SUMMARY ints: its first four characters packed as bytes, its length | excess << 16 (-1 = no
 * summary: no string, a long one, or a character over 255 among the first four), and its charBuckets. Two summaries
 * give the common prefix that Jaro-Winkler counts and a bound on the characters the strings share, which bounds
 * their Jaro-Winkler similarity (see mayReachJaroWinkler) without reading either string.
 */
const SUMMARY = 6;
function summarize(str: string | undefined, out: Int32Array, o: number): void {
  if (str === undefined || str.length > 0xffff) {
    out[o + 1] = -1;
    return;
  }
  let pre = 0, ok = true;
  for (let c = 0; c < 4 && c < str.length; c++) {
    const code = str.charCodeAt(c);
    if (code > 255) ok = false;
    pre |= code << (8 * c);
  }
  const excess = charBuckets(str, out, o + 2);
  out[o] = pre;
  out[o + 1] = ok ? str.length | (excess << 16) : -1;
}

/** True when the strings summarized at `oi` and `oj` of `s` certainly have Jaro-Winkler < min (false: don't know). */
function summariesFar(s: Int32Array, oi: number, oj: number, min: number): boolean {
  const mi = s[oi + 1]!, mj = s[oj + 1]!;
  if (mi < 0 || mj < 0) return false;
  const la = mi & 0xffff, lb = mj & 0xffff;
  // Common prefix (≤ 4) as Jaro-Winkler counts it: the first differing byte of the packed characters.
  const x = s[oi]! ^ s[oj]!;
  let p = x === 0 ? 4 : (31 - Math.clz32(x & -x)) >> 3;
  if (p > la) p = la;
  if (p > lb) p = lb;
  return !mayReachJaroWinkler(la, lb, p, sharedBound(s, oi + 2, mi >>> 16, s, oj + 2, mj >>> 16), min);
}

/**
 * Summaries of every value of a table (by value id), by the table's strings, which the locality order's renumbered
 * view shares with the columns: names (tens of thousands even at a million profiles: ~1 MB), street names, cities.
 */
const tableSummaries = new WeakMap<string[], Int32Array>();
function tableSummaryOf(values: string[]): Int32Array {
  let sum = tableSummaries.get(values);
  if (!sum) {
    sum = new Int32Array(values.length * SUMMARY);
    for (let x = 0; x < values.length; x++) summarize(values[x], sum, x * SUMMARY);
    tableSummaries.set(values, sum);
  }
  return sum;
}
let nameSummaryView: View | undefined;
let nameSummaryOfView: Int32Array | undefined;
function nameSummaryOf(v: View): Int32Array {
  if (v === nameSummaryView) return nameSummaryOfView!;
  nameSummaryView = v;
  return (nameSummaryOfView = tableSummaryOf(v.tables.name.values));
}
/** True when names x and y certainly have Jaro-Winkler < min. */
function namesFar(v: View, x: number, y: number, min: number): boolean {
  return summariesFar(nameSummaryOf(v), x * SUMMARY, y * SUMMARY, min);
}

// ---- names ---------------------------------------------------------------------------------------------------

/**
 * Memo of name similarities by (name id, name id, kind): candidate pairs from name-based blocks meet the same name
 * pairs over and over. Direct-mapped (a slot keeps its latest pair), per view, so it can never return another
 * view's value. kind 0 = jaroWinkler, 1 = jaroWinklerAtLeast 0.8, 2 = jaroWinklerAtLeast 0.9.
 */
const MEMO_BITS = 16;
/**
 * Slots of a view's memo: up to 2^max, fewer for a view of few values (explanations and single-profile matching
 * build views of a handful of profiles, for which megabytes of memo cost more than their comparisons). A memo is a
 * cache: its size changes no result.
 */
function memoBits(values: number, max: number): number {
  return Math.min(max, Math.max(6, Math.ceil(Math.log2(values + 1)) + 2));
}
/** Memo kinds: 0–2 similarities (see MEMO_MIN), 3 = first-name level, 4 = last-name level. */
const MEMO_KINDS = 5;
/**
 * Slot s is 16 bytes: ids (x, y) at keys[4s], keys[4s + 1] and the value at vals[2s + 1] (two views of one buffer),
 * so a lookup touches one cache line, not one in each of three arrays (the memo is megabytes: most lookups miss).
 */
interface NameMemo { keys: Int32Array; vals: Float64Array; shift: number }
const nameMemos = new WeakMap<View, NameMemo>();
const MEMO_MIN = [0, 0.8, 0.9];
let memoView: View | undefined;
let memoOfView: NameMemo | undefined;
let memoSlot = 0;
/** The memo of (x, y, kind), or NaN; leaves the slot in `memoSlot` for memoSet. */
function memoGet(v: View, x: number, y: number, kind: number): number {
  let memo = v === memoView ? memoOfView : nameMemos.get(v);
  if (!memo) {
    const bits = memoBits(v.tables.name.values.length, MEMO_BITS);
    const buffer = new ArrayBuffer((1 << bits) * MEMO_KINDS * 16);
    memo = { keys: new Int32Array(buffer), vals: new Float64Array(buffer), shift: 32 - bits };
    for (let s = 0; s < memo.keys.length; s += 4) memo.keys[s] = -1;
    nameMemos.set(v, memo);
  }
  memoView = v;
  memoOfView = memo;
  const slot = (memoSlot = ((Math.imul(x, 0x9e3779b1) ^ Math.imul(y, 0x85ebca6b)) >>> memo.shift) * MEMO_KINDS + kind);
  const keys = memo.keys;
  return keys[4 * slot] === x && keys[4 * slot + 1] === y ? memo.vals[2 * slot + 1]! : NaN;
}
/** Stores r in `slot` (a memoSlot read right after memoGet on the same view). */
function memoSet(slot: number, x: number, y: number, r: number): number {
  const memo = memoOfView!;
  memo.keys[4 * slot] = x;
  memo.keys[4 * slot + 1] = y;
  memo.vals[2 * slot + 1] = r;
  return r;
}
function nameSim(v: View, x: number, y: number, kind: number): number {
  const hit = memoGet(v, x, y, kind);
  if (hit === hit) return hit;
  const n = v.tables.name.values;
  return memoSet(memoSlot, x, y, kind === 0 ? jaroWinkler(n[x]!, n[y]!) : jaroWinklerAtLeast(n[x]!, n[y]!, MEMO_MIN[kind]!));
}

let swapView: View | undefined;
let swapA = -1;
let swapB = -1;
let swapResult = false;

/** True when first and last names are better matched crosswise (profile b has them swapped); memoized per pair. */
export function namesSwapped(v: View, a: number, b: number): boolean {
  if (v === swapView && a === swapA && b === swapB) return swapResult;
  swapView = v;
  swapA = a;
  swapB = b;
  swapResult = computeSwapped(v, a, b);
  return swapResult;
}

function computeSwapped(v: View, a: number, b: number): boolean {
  const fa = v.first[a]!, fb = v.first[b]!, la = v.last[a]!, lb = v.last[b]!;
  if (fa < 0 || fb < 0 || la < 0 || lb < 0) return false;
  if (fa === fb && la === lb) return false;
  if (fa === lb && la === fb) return true;
  // Most pairs: the first name is nothing like the other's last name — seen from the summaries (no memo lookup).
  if (namesFar(v, fa, lb, 0.9)) return false;
  const c1 = nameSim(v, fa, lb, 2);
  if (c1 < 0.9) return false;
  const cross = c1 + nameSim(v, la, fb, 2);
  if (cross < 1.8) return false;
  return cross > nameSim(v, fa, fb, 0) + nameSim(v, la, lb, 0) + 0.1;
}

const FIRST_LEVELS = ['null', 'exact', 'nickname', 'jaro-winkler ≥ 0.92', 'jaro-winkler ≥ 0.80', 'initial', 'else'];
function compareFirst(v: View, a: number, b: number): number {
  const fa = v.first[a]!;
  const fb = namesSwapped(v, a, b) ? v.last[b]! : v.first[b]!;
  if (fa < 0 || fb < 0) return 0;
  if (fa === fb) return 1;
  // Not nicknames (one name has none) and below the 0.80 band, seen from the summaries: "initial" or "else" without
  // a memo lookup (about half the pairs of different first names).
  const nick = nicknameFlagsOf(v);
  if ((nick[fa] === 0 || nick[fb] === 0) && namesFar(v, fa, fb, 0.8)) return initialLevel(nameSummaryOf(v), fa, fb);
  // A function of the two name ids alone: memoized like the similarities (the same name pairs recur).
  const hit = memoGet(v, fa, fb, 3);
  if (hit === hit) return hit;
  const slot = memoSlot;
  return memoSet(slot, fa, fb, firstNameLevel(v, fa, fb));
}
function firstNameLevel(v: View, fa: number, fb: number): number {
  const n = v.tables.name.values;
  const x = n[fa]!, y = n[fb]!;
  if (areNicknames(x, y)) return 2;
  const jw = namesFar(v, fa, fb, 0.8) ? 0 : nameSim(v, fa, fb, 1);
  if (jw >= 0.92) return 3;
  if (jw >= 0.8) return 4;
  if ((x.length === 1 || y.length === 1) && x[0] === y[0]) return 5;
  return 6;
}

/** firstNameLevel's last step from the summaries: one name a single letter, the other starting with it. */
function initialLevel(sum: Int32Array, x: number, y: number): number {
  const ox = x * SUMMARY, oy = y * SUMMARY;
  const lx = sum[ox + 1]! & 0xffff, ly = sum[oy + 1]! & 0xffff;
  return (lx === 1 || ly === 1) && lx > 0 && ly > 0 && ((sum[ox]! ^ sum[oy]!) & 0xff) === 0 ? 5 : 6;
}

/** Per name id: 1 when the name has nicknames (see hasNicknames), by the name table. */
const nicknameFlags = new WeakMap<string[], Uint8Array>();
let nicknameView: View | undefined;
let nicknameOfView: Uint8Array | undefined;
function nicknameFlagsOf(v: View): Uint8Array {
  if (v === nicknameView) return nicknameOfView!;
  const names = v.tables.name.values;
  let flags = nicknameFlags.get(names);
  if (!flags) {
    flags = new Uint8Array(names.length);
    for (let x = 0; x < names.length; x++) flags[x] = hasNicknames(names[x]!) ? 1 : 0;
    nicknameFlags.set(names, flags);
  }
  nicknameView = v;
  return (nicknameOfView = flags);
}

const LAST_LEVELS = ['null', 'exact', 'jaro-winkler ≥ 0.92', 'jaro-winkler ≥ 0.80', 'else'];
function compareLast(v: View, a: number, b: number): number {
  const la = v.last[a]!;
  const lb = namesSwapped(v, a, b) ? v.first[b]! : v.last[b]!;
  if (la < 0 || lb < 0) return 0;
  if (la === lb) return 1;
  if (namesFar(v, la, lb, 0.8)) return 4; // the level below the JW ≥ 0.80 band, without a memo lookup
  const hit = memoGet(v, la, lb, 4);
  if (hit === hit) return hit;
  const slot = memoSlot;
  const jw = nameSim(v, la, lb, 1);
  return memoSet(slot, la, lb, jw >= 0.92 ? 2 : jw >= 0.8 ? 3 : 4);
}

const MIDDLE_LEVELS = ['null', 'exact', 'jaro-winkler ≥ 0.88', 'initial agrees', 'else'];
/**
 * Middle names: a father and his junior, or two namesakes, often differ here while sharing first and last name and
 * an address. An initial agreeing with a full name (or two equal initials) is a level of its own — far weaker than a
 * whole middle name.
 */
function compareMiddle(v: View, a: number, b: number): number {
  const x = v.middle[a]!, y = v.middle[b]!;
  if (x < 0 || y < 0) return 0;
  const n = v.tables.name.values;
  const s = n[x]!, t = n[y]!;
  if (x === y) return s.length > 1 ? 1 : 3;
  if ((s.length === 1 || t.length === 1) && s[0] === t[0]) return 3;
  return !namesFar(v, x, y, 0.88) && nameSim(v, x, y, 1) >= 0.88 ? 2 : 4;
}

// ---- birth date ----------------------------------------------------------------------------------------------

const DOB_LEVELS = ['null', 'exact', 'one edit or day/month swapped', 'within a year', 'else'];
/** Months since year 0 plus a day fraction: enough to tell "within a year" without Date objects. */
function monthsOf(d: number): number {
  return Math.floor(d / 10000) * 12 + (Math.floor(d / 100) % 100) + (d % 100) / 31;
}
/** True when two yyyymmdd dates differ in one digit or by two adjacent digits swapped. */
function oneDigitEdit(x: number, y: number): boolean {
  let diff = 0;
  let first = -1;
  for (let i = 0, p = x, q = y; i < 8; i++, p = Math.floor(p / 10), q = Math.floor(q / 10)) {
    if (p % 10 !== q % 10) {
      if (diff === 0) first = i;
      diff++;
      if (diff > 2) return false;
      if (diff === 2 && i !== first + 1) return false;
    }
  }
  if (diff <= 1) return true;
  const px = Math.floor(x / 10 ** first) % 100, py = Math.floor(y / 10 ** first) % 100;
  return px % 10 === Math.floor(py / 10) && Math.floor(px / 10) === py % 10;
}
function compareDob(v: View, a: number, b: number): number {
  const x = v.dob[a]!, y = v.dob[b]!;
  if (x === 0 || y === 0) return 0;
  if (x === y) return 1;
  const yx = Math.floor(x / 10000), yy = Math.floor(y / 10000);
  if (yx === yy && Math.floor(x / 100) % 100 === y % 100 && x % 100 === Math.floor(y / 100) % 100) return 2;
  if (oneDigitEdit(x, y)) return 2;
  return Math.abs(monthsOf(x) - monthsOf(y)) <= 12 ? 3 : 4;
}

// ---- sets ----------------------------------------------------------------------------------------------------

function firstShared(m: Multi, a: number, b: number): number {
  for (let i = m.off[a]!; i < m.off[a + 1]!; i++) {
    const x = m.values[i]!;
    if (x < 0) continue;
    for (let j = m.off[b]!; j < m.off[b + 1]!; j++) if (m.values[j] === x) return x;
  }
  return -1;
}

function displayMulti(v: View, m: Multi, table: TableName, i: number): string | undefined {
  const out: string[] = [];
  for (let k = m.off[i]!; k < m.off[i + 1]!; k++) if (m.values[k]! >= 0) out.push(v.tables[table].values[m.values[k]!]!);
  return out.length ? out.join('; ') : undefined;
}

const EMAIL_LEVELS = [
  'null', 'exact', 'exact ignoring . _ -', 'same local part', 'within two edits', 'jaro-winkler ≥ 0.88', 'else',
];
/**
 * "Within two edits" (a typo or two) is a level apart from the looser Jaro-Winkler band: emails made from a name
 * plus a number (mgarcia336055@ / mgarcia429955@) reach the band through the name alone — evidence the name
 * comparisons already counted — while a typo of one address rarely moves more than two characters. EM weighs the two.
 */
function compareEmail(v: View, a: number, b: number): number {
  const e = v.email, lo = v.emailLoose, lc = v.emailLocal;
  const a0 = e.off[a]!, a1 = e.off[a + 1]!, b0 = e.off[b]!, b1 = e.off[b + 1]!;
  if (a0 === a1 || b0 === b1) return 0;
  const slots = v === emailSlotsView ? emailSlotsOfView : undefined;
  let best = 6;
  for (let i = a0; i < a1; i++) {
    for (let j = b0; j < b1; j++) {
      if (e.values[i] === e.values[j]) return 1;
      if (lo.values[i] === lo.values[j]) best = Math.min(best, 2);
      else if (best > 3 && lc.values[i] === lc.values[j]) best = 3;
      else if (best > 4 && (slots === undefined || !emailsFar(slots, i, j))) {
        const level = emailEditLevel(v, lo.values[i]!, lo.values[j]!);
        if (level < 6) best = level;
      }
    }
  }
  return best;
}

/**
 * Per value slot of the email column (see prepareBulkCompare): the loose email's summary (see summarize), so that
 * most pairs of different emails are seen not to reach the Jaro-Winkler band without reading either string (a cache
 * miss each at scale, and the matching itself: ~1 µs for two 26-character emails).
 */
const emailSlots = new WeakMap<View, Int32Array>();
let emailSlotsView: View | undefined;
let emailSlotsOfView: Int32Array | undefined;
function emailSlotsOf(v: View): Int32Array {
  if (v === emailSlotsView) return emailSlotsOfView!;
  let slots = emailSlots.get(v);
  if (!slots) {
    const vals = v.emailLoose.values;
    const strings = v.tables.emailLoose.values;
    slots = new Int32Array(vals.length * SUMMARY);
    for (let k = 0; k < vals.length; k++) summarize(vals[k]! >= 0 ? strings[vals[k]!] : undefined, slots, k * SUMMARY);
    emailSlots.set(v, slots);
  }
  emailSlotsView = v;
  emailSlotsOfView = slots;
  return slots;
}

/** True when the loose emails of slots i and j certainly do not reach Jaro-Winkler 0.88 (level 6; see above). */
function emailsFar(slots: Int32Array, i: number, j: number): boolean {
  return summariesFar(slots, i * SUMMARY, j * SUMMARY, EMAIL_JW_MIN);
}
const EMAIL_JW_MIN = 0.88;

/**
 * Level of two different loose emails by their similarity: 4 (JW ≥ 0.88, within two edits), 5 (JW ≥ 0.88) or 6.
 * A function of the two ids alone, memoized per view (direct-mapped, a slot keeps its latest pair): the records of
 * two people in one block meet the same email pairs again and again, and the Jaro-Winkler test was ~80 % of the
 * email comparison's time.
 */
function emailEditLevel(v: View, x: number, y: number): number {
  let memo = v === emailMemoView ? emailMemoOfView! : emailMemos.get(v);
  if (!memo) {
    // Slot count 2^bits; the shift sits in the last word (never a slot's first word: slots are 4 words).
    const bits = memoBits(v.tables.emailLoose.values.length, EMAIL_MEMO_BITS);
    memo = new Int32Array((4 << bits) + 1);
    for (let s = 0; s < memo.length - 1; s += 4) memo[s] = -1;
    memo[memo.length - 1] = 32 - bits;
    emailMemos.set(v, memo);
  }
  emailMemoView = v;
  emailMemoOfView = memo;
  // Slot: (x, y, level) in one 16-byte entry (one cache line per lookup).
  const slot = ((Math.imul(x, 0x9e3779b1) ^ Math.imul(y, 0x85ebca6b)) >>> memo[memo.length - 1]!) * 4;
  if (memo[slot] === x && memo[slot + 1] === y) return memo[slot + 2]!;
  const s = v.tables.emailLoose.values;
  const sx = s[x]!, sy = s[y]!;
  const level = jaroWinklerReaches(sx, sy, EMAIL_JW_MIN) ? (damerauLevenshtein(sx, sy, 2) <= 2 ? 4 : 5) : 6;
  memo[slot] = x;
  memo[slot + 1] = y;
  memo[slot + 2] = level;
  return level;
}
const EMAIL_MEMO_BITS = 16;
const emailMemos = new WeakMap<View, Int32Array>();
let emailMemoView: View | undefined;
let emailMemoOfView: Int32Array | undefined;

const PHONE_LEVELS = ['null', 'exact', 'one edit', 'else'];

/**
 * Per value slot of the phone column (parallel to its values): slot k holds (value id, edit signature) at 2k, 2k+1 —
 * one read gives both, and two phones whose signatures are far apart are neither equal nor one edit apart, so most
 * value pairs are settled without loading either string (a pair's strings sit anywhere in the heap: cache misses).
 * Built once per view.
 */
const phoneSlots = new WeakMap<View, Int32Array>();
let phoneSlotsView: View | undefined;
let phoneSlotsOfView: Int32Array | undefined;
function phoneSlotsOf(v: View): Int32Array {
  if (v === phoneSlotsView) return phoneSlotsOfView!;
  let slots = phoneSlots.get(v);
  if (!slots) {
    const sig = signaturesOf(v.tables.phone.values);
    const vals = v.phone.values;
    slots = new Int32Array(vals.length * 2);
    for (let k = 0; k < vals.length; k++) {
      slots[2 * k] = vals[k]!;
      slots[2 * k + 1] = sig[vals[k]!]!;
    }
    phoneSlots.set(v, slots);
  }
  phoneSlotsView = v;
  phoneSlotsOfView = slots;
  return slots;
}
function signaturesOf(values: string[]): Int32Array {
  const sig = new Int32Array(values.length);
  for (let k = 0; k < values.length; k++) sig[k] = editSignature(values[k]!);
  return sig;
}

/** comparePhone without the slots (a few pairs: estimateU, explanations): the same result. */
function comparePhoneStrings(v: View, a0: number, a1: number, b0: number, b1: number): number {
  const p = v.phone;
  let best = 3;
  const s = v.tables.phone.values;
  for (let i = a0; i < a1; i++) {
    for (let j = b0; j < b1; j++) {
      if (p.values[i] === p.values[j]) return 1;
      if (best > 2 && withinOneEdit(s[p.values[i]!]!, s[p.values[j]!]!)) best = 2;
    }
  }
  return best;
}

function comparePhone(v: View, a: number, b: number): number {
  const p = v.phone;
  const a0 = p.off[a]!, a1 = p.off[a + 1]!, b0 = p.off[b]!, b1 = p.off[b + 1]!;
  if (a0 === a1 || b0 === b1) return 0;
  if (v !== phoneSlotsView) return comparePhoneStrings(v, a0, a1, b0, b1);
  const slots = phoneSlotsOfView!;
  let best = 3;
  const s = v.tables.phone.values;
  for (let i = a0; i < a1; i++) {
    const x = slots[2 * i]!, sx = slots[2 * i + 1]!;
    for (let j = b0; j < b1; j++) {
      // Far signatures: not equal and not within one edit (see editSignature).
      if (signaturesFar(sx, slots[2 * j + 1]!)) continue;
      const y = slots[2 * j]!;
      if (x === y) return 1;
      if (best > 2 && withinOneEdit(s[x]!, s[y]!)) best = 2;
    }
  }
  return best;
}

const IDENT_LEVELS = ['null', 'exact', 'one edit', 'else'];
interface IdentKeys {
  /** Per identifier value, a small integer naming its key. */
  ids: Int32Array;
  /** Per key id, the length of "key=" (the shortest over the key's values; 0 for a value without "="). */
  lengths: Int32Array;
}
/**
 * By the identifier table (a function of its strings alone): the locality order's renumbered view shares the table
 * with the columns, so estimateU's random pairs reuse what the comparisons computed (a pass over every identifier).
 */
const identKeys = new WeakMap<string[], IdentKeys>();
/** Computed once per view (no string scan per pair); the last view's kept at hand. */
let identView: View | undefined;
let identKeysOfView: Int32Array | undefined;
let identKeyLengths: Int32Array | undefined;
function identKeyIds(v: View): Int32Array {
  if (v === identView) return identKeysOfView!;
  const values = v.tables.ident.values;
  let keys = identKeys.get(values);
  if (!keys) identKeys.set(values, (keys = identKeysOf(values)));
  identView = v;
  identKeysOfView = keys.ids;
  identKeyLengths = keys.lengths;
  return keys.ids;
}
function identKeysOf(values: string[]): IdentKeys {
  const byKey = new Map<string, number>();
  const known: string[] = []; // the keys by id: a handful, checked in place before slicing a new string
  const ids = new Int32Array(values.length);
  const lengths: number[] = [];
  for (let k = 0; k < values.length; k++) {
    const value = values[k]!;
    const eq = value.indexOf('=');
    let id = -1;
    if (eq >= 0) {
      for (let x = 0; x < known.length && x < 8; x++) {
        if (known[x]!.length === eq && value.startsWith(known[x]!)) {
          id = x;
          break;
        }
      }
    }
    if (id < 0) {
      const key = value.slice(0, eq);
      const found = byKey.get(key);
      if (found === undefined) {
        byKey.set(key, (id = known.length));
        known.push(key);
        lengths.push(0x7fffffff);
      } else id = found;
    }
    ids[k] = id;
    lengths[id] = Math.min(lengths[id]!, eq + 1);
  }
  return { ids, lengths: Int32Array.from(lengths) };
}
/**
 * Per value slot of the identifier column: (value id, key id, edit signature) at 3k..3k+2 (see phoneSlotsOf): the
 * key test and most one-edit tests need neither the key table nor the strings.
 */
const identSlots = new WeakMap<View, Int32Array>();
let identSlotsView: View | undefined;
let identSlotsOfView: Int32Array | undefined;
function identSlotsOf(v: View): Int32Array {
  if (v === identSlotsView) return identSlotsOfView!;
  let slots = identSlots.get(v);
  if (!slots) {
    const keys = identKeyIds(v);
    // Only values of one key are compared, and they share its "key=": the signature covers what follows.
    const lengths = identKeyLengths!;
    const values = v.tables.ident.values;
    const sig = new Int32Array(values.length);
    for (let k = 0; k < values.length; k++) sig[k] = editSignature(values[k]!, lengths[keys[k]!]!);
    const vals = v.ident.values;
    slots = new Int32Array(vals.length * 3);
    for (let k = 0; k < vals.length; k++) {
      const x = vals[k]!;
      slots[3 * k] = x;
      slots[3 * k + 1] = keys[x]!;
      slots[3 * k + 2] = sig[x]!;
    }
    identSlots.set(v, slots);
  }
  identSlotsView = v;
  identSlotsOfView = slots;
  return slots;
}
/** compareIdent without the slots (a few pairs: estimateU, explanations): the same result. */
function compareIdentStrings(v: View, a0: number, a1: number, b0: number, b1: number): number {
  const col = v.ident;
  const keys = identKeyIds(v);
  const keyLengths = identKeyLengths;
  const s = v.tables.ident.values;
  let best = 0;
  for (let i = a0; i < a1; i++) {
    const x = col.values[i]!;
    for (let j = b0; j < b1; j++) {
      const y = col.values[j]!;
      if (keys[x] !== keys[y]) continue;
      if (x === y) return 1;
      const level = withinOneEdit(s[x]!, s[y]!, keyLengths![keys[x]!]!) ? 2 : 3;
      if (best === 0 || level < best) best = level;
    }
  }
  return best;
}

/**
 * Builds the per-view value slots of phones and identifiers that the comparisons use from then on (until
 * releaseViewCaches): worth it for a batch of many pairs (computePatterns), not for a few thousand random ones.
 */
export function prepareBulkCompare(v: View): void {
  phoneSlotsOf(v);
  identSlotsOf(v);
  emailSlotsOf(v);
}

function compareIdent(v: View, a: number, b: number): number {
  // Only identifiers of the same kind (AccountNumber vs AccountNumber, soc_sec_id vs soc_sec_id) are comparable.
  const col = v.ident;
  const a0 = col.off[a]!, a1 = col.off[a + 1]!, b0 = col.off[b]!, b1 = col.off[b + 1]!;
  if (a0 === a1 || b0 === b1) return 0;
  if (v !== identSlotsView) return compareIdentStrings(v, a0, a1, b0, b1);
  const slots = identSlotsOfView!;
  let best = 0;
  for (let i = a0; i < a1; i++) {
    const x = slots[3 * i]!, kx = slots[3 * i + 1]!, sx = slots[3 * i + 2]!;
    for (let j = b0; j < b1; j++) {
      if (slots[3 * j + 1] !== kx) continue;
      let level: number;
      // Far signatures: neither equal nor one edit apart (see editSignature).
      if (signaturesFar(sx, slots[3 * j + 2]!)) level = 3;
      else {
        const y = slots[3 * j]!;
        if (x === y) return 1;
        // Same key: "key=" is a shared prefix of both values, so the edit check starts after it.
        identKeyIds(v);
        const s = v.tables.ident.values;
        level = withinOneEdit(s[x]!, s[y]!, identKeyLengths![kx]!) ? 2 : 3;
      }
      if (best === 0 || level < best) best = level;
    }
  }
  return best;
}


const ADDRESS_LEVELS = [
  'null', 'exact street', 'same number, street jaro-winkler ≥ 0.88', 'same postcode and city', 'same postcode or city',
  'street missing, same postcode or city', 'else',
];
/**
 * One comparison for the whole address (street, postcode, city together): a move changes all three at once and a
 * household shares all three, so counting them as independent evidence would triple-count one fact.
 */
function compareAddress(v: View, a: number, b: number): number {
  const st = v.street, hs = v.house, nm = v.streetName, pc = v.postcode, ci = v.city;
  const a0 = st.off[a]!, a1 = st.off[a + 1]!, b0 = st.off[b]!, b1 = st.off[b + 1]!;
  let best = 0;
  for (let i = a0; i < a1; i++) {
    for (let j = b0; j < b1; j++) {
      const pi = pc.values[i]!, pj = pc.values[j]!, ci1 = ci.values[i]!, cj = ci.values[j]!;
      const si = st.values[i]!, sj = st.values[j]!;
      const postcodeKnown = pi >= 0 && pj >= 0;
      const samePostcode = postcodeKnown && pi === pj;
      let level: number;
      if (si >= 0 && si === sj && (!postcodeKnown || samePostcode || withinOneEdit(v.tables.postcode.values[pi]!, v.tables.postcode.values[pj]!))) {
        return 1;
      }
      const ni = nm.values[i]!, nj = nm.values[j]!;
      const cityKnown = ci1 >= 0 && cj >= 0;
      if (hs.values[i]! >= 0 && hs.values[i] === hs.values[j] && ni >= 0 && nj >= 0 && (ni === nj || streetNamesReach(v, ni, nj))) {
        if (best === 0 || best > 2) best = 2;
        continue;
      }
      if (best !== 0 && best <= 3) continue;
      const sameCity = cityKnown && (ci1 === cj || citiesReach(v, ci1, cj));
      // A side without a street (a ZIP-only record) agreeing on postcode or city is not a different street.
      const streetMissing = si < 0 || sj < 0;
      if (samePostcode && sameCity) {
        level = streetMissing ? 5 : 3;
      } else if (samePostcode || sameCity) {
        level = streetMissing ? 5 : 4;
      } else if (si < 0 && sj < 0 && !postcodeKnown && !cityKnown) {
        level = 0;
      } else if ((si < 0 || sj < 0) && (!postcodeKnown) && (!cityKnown)) {
        level = 0;
      } else {
        level = 6;
      }
      if (level !== 0 && (best === 0 || level < best)) best = level;
    }
  }
  return best;
}

/** Street names x, y reach Jaro-Winkler 0.88 (most pairs settled from the summaries, without the strings). */
function streetNamesReach(v: View, x: number, y: number): boolean {
  const t = v.tables.streetName.values;
  if (t !== streetSummaryTable) streetSummary = tableSummaryOf((streetSummaryTable = t));
  return !summariesFar(streetSummary!, x * SUMMARY, y * SUMMARY, ADDRESS_JW_MIN) && jaroWinklerReaches(t[x]!, t[y]!, ADDRESS_JW_MIN);
}
function citiesReach(v: View, x: number, y: number): boolean {
  const t = v.tables.city.values;
  if (t !== citySummaryTable) citySummary = tableSummaryOf((citySummaryTable = t));
  return !summariesFar(citySummary!, x * SUMMARY, y * SUMMARY, ADDRESS_JW_MIN) && jaroWinklerReaches(t[x]!, t[y]!, ADDRESS_JW_MIN);
}
let streetSummaryTable: string[] | undefined, citySummaryTable: string[] | undefined;
let streetSummary: Int32Array | undefined, citySummary: Int32Array | undefined;
const ADDRESS_JW_MIN = 0.88;

/** Disagreement on a contact point weighs at most log2(10) ≈ 3.3 bits against a match. */
const CONTACT_MIN_ELSE = 0.1;

// ---- the comparison list -------------------------------------------------------------------------------------

function single(col: 'first' | 'middle' | 'last') {
  return (v: View, i: number): string | undefined => (v[col][i]! >= 0 ? v.tables.name.values[v[col][i]!] : undefined);
}

export const COMPARISONS: Comparison[] = [
  {
    name: 'firstName', levels: FIRST_LEVELS, tfLevel: 1, maxElseRatio: 0.05, tfTable: 'name', compare: compareFirst,
    sharedValue: (v, a) => v.first[a]!, display: single('first'),
  },
  {
    name: 'lastName', levels: LAST_LEVELS, tfLevel: 1, tfTable: 'name', compare: compareLast,
    sharedValue: (v, a) => v.last[a]!, display: single('last'),
  },
  {
    name: 'birthDate', levels: DOB_LEVELS, tfLevel: -1, compare: compareDob, sharedValue: () => -1,
    display: (v, i) => (v.dob[i] ? String(v.dob[i]).replace(/(\d{4})(\d{2})(\d{2})/, '$1-$2-$3') : undefined),
  },
  {
    name: 'email', minElseRatio: CONTACT_MIN_ELSE, levels: EMAIL_LEVELS, tfLevel: 1, tfTable: 'emailFull', compare: compareEmail,
    sharedValue: (v, a, b) => firstShared(v.email, a, b), display: (v, i) => displayMulti(v, v.email, 'emailFull', i),
  },
  {
    name: 'phone', minElseRatio: CONTACT_MIN_ELSE, levels: PHONE_LEVELS, tfLevel: 1, tfTable: 'phone', compare: comparePhone,
    sharedValue: (v, a, b) => firstShared(v.phone, a, b), display: (v, i) => displayMulti(v, v.phone, 'phone', i),
  },
  {
    name: 'address', minElseRatio: CONTACT_MIN_ELSE, levels: ADDRESS_LEVELS, tfLevel: 1, tfTable: 'street', compare: compareAddress,
    sharedValue: (v, a, b) => firstShared(v.street, a, b),
    display: (v, i) => {
      const out: string[] = [];
      for (let k = v.street.off[i]!; k < v.street.off[i + 1]!; k++) {
        const parts = [v.street, v.city, v.postcode].map((m, x) => {
          const id = m.values[k]!;
          return id >= 0 ? v.tables[(['street', 'city', 'postcode'] as const)[x]].values[id] : undefined;
        });
        out.push(parts.filter(Boolean).join(', '));
      }
      return out.length ? out.join('; ') : undefined;
    },
  },
  {
    name: 'identifier', minElseRatio: CONTACT_MIN_ELSE, maxElseRatio: 1, levels: IDENT_LEVELS, tfLevel: -1, compare: compareIdent, sharedValue: () => -1,
    display: (v, i) => displayMulti(v, v.ident, 'ident', i),
  },
  // Last, so that the pattern places (and saved models) of the comparisons before it are unchanged.
  {
    name: 'middleName', levels: MIDDLE_LEVELS, tfLevel: -1, compare: compareMiddle, sharedValue: () => -1, display: single('middle'),
  },
];

// ---- the pattern code ----------------------------------------------------------------------------------------

/** Place value of each comparison's level in the pattern code (mixed radix, first comparison least significant). */
const PLACES: number[] = [];
{
  let p = 1;
  for (const c of COMPARISONS) {
    PLACES.push(p);
    p *= c.levels.length;
  }
}
const [P0, P1, P2, P3, P4, P5, P6, P7] = PLACES as [number, number, number, number, number, number, number, number];
const DIRECT = [compareFirst, compareLast, compareDob, compareEmail, comparePhone, compareAddress, compareIdent, compareMiddle];
if (DIRECT.length !== COMPARISONS.length || DIRECT.some((f, k) => COMPARISONS[k]!.compare !== f)) {
  throw new Error('patternCode must call the comparisons of COMPARISONS, in its order');
}

/**
 * Σ level_k × place_k over COMPARISONS, in their order — each comparison called at a call site of its own (through
 * COMPARISONS[k].compare one shared call site sees seven functions, which V8 cannot inline: ~40 % of the time).
 */
export function patternCode(v: View, a: number, b: number): number {
  return compareFirst(v, a, b) * P0 + compareLast(v, a, b) * P1 + compareDob(v, a, b) * P2 + compareEmail(v, a, b) * P3 +
    comparePhone(v, a, b) * P4 + compareAddress(v, a, b) * P5 + compareIdent(v, a, b) * P6 + compareMiddle(v, a, b) * P7;
}
