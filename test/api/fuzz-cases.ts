/**
 * Generates invalid requests from the service model's constraints, for every operation: for each member (nested up
 * to a few levels) wrong types, too long / too short, pattern and enum violations, out-of-range numbers, list and map
 * size violations, bad map keys, missing required members; plus malformed JSON and non-JSON content types.
 * Each case starts from a valid skeleton (required members filled with values that satisfy the constraints) so that the
 * one violation is what the server must catch.
 */
import { loadModel, type CompiledOperation, type ShapeDef } from '../../src/api/model.js';
import { compilePattern } from '../../src/api/validate.js';

export interface FuzzCase {
  op: string;
  what: string;
  method: string;
  path: string;
  query: Record<string, string | string[]>;
  body?: string;
  headers?: Record<string, string>;
}

const model = loadModel();
const shapes = model.shapes;

const STRING_CANDIDATES = [
  'a', 'ab', 'abc', 'a'.repeat(32), '01:00', 'arn:aws:profile:us-east-1:000000000000:domains/a',
  'arn:aws:kms:us-east-1:123456789012:key/a', 'arn:aws:iam::123456789012:role/a',
];
const BAD_PATTERN_CANDIDATES = ['!', ' ', '\u0000', '%', 'ü', '<x>', '*', '/', ':', 'aws:x', '\n'];

const matches = (s: ShapeDef, v: string) => {
  if (s.max !== undefined && v.length > s.max) return false;
  if (s.min !== undefined && v.length < s.min) return false;
  if (s.enum && !s.enum.includes(v)) return false;
  return s.pattern === undefined || compilePattern(s.pattern)!.test(v);
};

function validString(s: ShapeDef): string {
  if (s.enum) return s.enum[0]!;
  for (const c of STRING_CANDIDATES) {
    const padded = s.min !== undefined && c.length < s.min ? c + 'a'.repeat(s.min - c.length) : c;
    if (matches(s, padded)) return padded;
  }
  throw new Error(`fuzz: no valid sample for pattern ${s.pattern}`);
}

export function validValue(name: string, depth = 0): unknown {
  const s = shapes[name]!;
  switch (s.type) {
    case 'structure': {
      const out: Record<string, unknown> = {};
      if (depth > 8) return out;
      for (const m of s.required ?? []) out[m] = validValue(s.members![m]!.shape, depth + 1);
      return out;
    }
    case 'list':
      return Array.from({ length: s.min ?? 0 }, () => validValue(s.member!.shape, depth + 1));
    case 'map': {
      const out: Record<string, unknown> = {};
      const key = validString(shapes[s.key!.shape]!);
      for (let i = 0; i < (s.min ?? 0); i++) out[i === 0 ? key : `${key}${i}`] = validValue(s.value!.shape, depth + 1);
      return out;
    }
    case 'string':
      return validString(s);
    case 'integer': case 'long':
      return s.min !== undefined ? s.min : s.max !== undefined ? Math.min(1, s.max) : 1;
    case 'double': case 'float':
      return s.min !== undefined ? s.min : 0.5;
    case 'boolean':
      return true;
    case 'timestamp':
      return 1_700_000_000;
    case 'blob':
      return 'YQ==';
    default:
      return null;
  }
}

interface Bad { what: string; value: unknown }

/** Invalid JSON values for a shape (each violates exactly one kind of rule). */
export function invalidValues(name: string): Bad[] {
  const s = shapes[name]!;
  const out: Bad[] = [];
  switch (s.type) {
    case 'string': {
      out.push({ what: 'number instead of string', value: 123 }, { what: 'object instead of string', value: { a: 1 } }, { what: 'array instead of string', value: ['a'] });
      if (s.max !== undefined) out.push({ what: `longer than ${s.max}`, value: 'a'.repeat(s.max + 1) });
      if (s.min !== undefined && s.min > 0) out.push({ what: `shorter than ${s.min}`, value: 'a'.repeat(s.min - 1) });
      if (s.pattern !== undefined) {
        const re = compilePattern(s.pattern)!;
        const bad = BAD_PATTERN_CANDIDATES.map((c) => (s.min !== undefined && c.length < s.min ? c.repeat(s.min) : c))
          .find((c) => !re.test(c) && (s.max === undefined || c.length <= s.max));
        if (bad !== undefined) out.push({ what: `violates pattern ${s.pattern}`, value: bad });
      }
      if (s.enum) out.push({ what: 'not in enum', value: 'NOT_A_VALID_ENUM_VALUE' });
      break;
    }
    case 'integer': case 'long': case 'double': case 'float':
      out.push({ what: 'string instead of number', value: '12' }, { what: 'boolean instead of number', value: true });
      if (s.type === 'integer' || s.type === 'long') out.push({ what: 'fraction', value: 1.5 }, { what: 'beyond 64-bit', value: 1e20 });
      if (s.min !== undefined) out.push({ what: `below ${s.min}`, value: s.min - 1 });
      if (s.max !== undefined) out.push({ what: `above ${s.max}`, value: s.max + 1 });
      break;
    case 'boolean':
      out.push({ what: 'string instead of boolean', value: 'true' }, { what: 'number instead of boolean', value: 1 });
      break;
    case 'timestamp':
      out.push({ what: 'text instead of epoch seconds', value: 'yesterday' }, { what: 'boolean instead of timestamp', value: false });
      break;
    case 'list': {
      out.push({ what: 'string instead of list', value: 'x' }, { what: 'object instead of list', value: { a: 1 } });
      if (s.max !== undefined && s.max <= 500) {
        out.push({ what: `more than ${s.max} items`, value: Array.from({ length: s.max + 1 }, () => validValue(s.member!.shape)) });
      }
      if (s.min !== undefined && s.min > 0) out.push({ what: `fewer than ${s.min} items`, value: Array.from({ length: s.min - 1 }, () => validValue(s.member!.shape)) });
      const item = invalidValues(s.member!.shape)[0];
      if (item) out.push({ what: `item: ${item.what}`, value: [item.value] });
      break;
    }
    case 'map': {
      out.push({ what: 'string instead of map', value: 'x' }, { what: 'array instead of map', value: [1] });
      const keyShape = shapes[s.key!.shape]!;
      const badKey = invalidValues(s.key!.shape).find((b) => typeof b.value === 'string');
      if (badKey && (keyShape.min !== undefined || keyShape.max !== undefined || keyShape.pattern || keyShape.enum)) {
        out.push({ what: `key ${badKey.what}`, value: { [badKey.value as string]: validValue(s.value!.shape) } });
      }
      if (s.max !== undefined && s.max <= 500) {
        const key = validString(keyShape);
        const big: Record<string, unknown> = {};
        for (let i = 0; i <= s.max; i++) big[`${key}${i}`] = validValue(s.value!.shape);
        out.push({ what: `more than ${s.max} entries`, value: big });
      }
      const val = invalidValues(s.value!.shape)[0];
      if (val) out.push({ what: `value: ${val.what}`, value: { [validString(keyShape)]: val.value } });
      break;
    }
    case 'structure':
      out.push({ what: 'string instead of structure', value: 'x' }, { what: 'array instead of structure', value: [] });
      for (const r of s.required ?? []) {
        const v = validValue(name) as Record<string, unknown>;
        delete v[r];
        out.push({ what: `missing required ${r}`, value: v });
      }
      break;
  }
  return out;
}

/** Member paths (member names from the input structure) to mutate, nested up to `maxDepth`. */
function memberPaths(shapeName: string, maxDepth: number, prefix: string[] = []): Array<{ path: string[]; shape: string }> {
  const s = shapes[shapeName]!;
  const out: Array<{ path: string[]; shape: string }> = [];
  if (s.type !== 'structure' || prefix.length >= maxDepth) return out;
  for (const [m, ref] of Object.entries(s.members ?? {})) {
    const path = [...prefix, m];
    out.push({ path, shape: ref.shape });
    const inner = shapes[ref.shape]!;
    if (inner.type === 'structure') out.push(...memberPaths(ref.shape, maxDepth, path));
  }
  return out;
}

function setPath(root: Record<string, unknown>, rootShape: string, path: string[], value: unknown): void {
  let obj = root;
  let shape = shapes[rootShape]!;
  for (let i = 0; i < path.length - 1; i++) {
    const ref = shape.members![path[i]!]!;
    if (obj[path[i]!] === undefined || typeof obj[path[i]!] !== 'object') obj[path[i]!] = validValue(ref.shape);
    obj = obj[path[i]!] as Record<string, unknown>;
    shape = shapes[ref.shape]!;
  }
  obj[path[path.length - 1]!] = value;
}

function textOf(v: unknown): string | string[] {
  if (Array.isArray(v)) return v.map((x) => (typeof x === 'string' ? x : JSON.stringify(x)));
  return typeof v === 'string' ? v : JSON.stringify(v);
}

function request(op: CompiledOperation, input: Record<string, unknown>): Omit<FuzzCase, 'op' | 'what'> {
  const labels = new Map(op.input.uri.map((m) => [m.wireName, m]));
  const path = '/' + op.pathTemplate.map((seg) => {
    const label = /^\{([^}+]+)\+?\}$/.exec(seg)?.[1];
    if (!label) return seg;
    const m = labels.get(label)!;
    return encodeURIComponent(String(textOf(input[m.name] ?? '')));
  }).join('/');
  const query: Record<string, string | string[]> = {};
  for (const m of op.input.query) if (input[m.name] !== undefined) query[m.wireName] = textOf(input[m.name]);
  let body: string | undefined;
  if (op.input.body.length) {
    const b: Record<string, unknown> = {};
    for (const m of op.input.body) if (input[m.name] !== undefined) b[m.wireName] = input[m.name];
    body = JSON.stringify(b);
  }
  return { method: op.method, path, query, body };
}

/** Violations that survive being sent as text (a query string or label has no JSON types to confuse). */
const TEXT_VIOLATION = /^(item: )?(longer|shorter|violates|not in enum|fraction|beyond|below|above|more than|fewer than)/;

const BAD_JSON = ['{', '{"a":', '[1,2]', 'null', '"text"', '{"a":1}}', '\u0000', 'true'];

export function generateCases(): FuzzCase[] {
  const cases: FuzzCase[] = [];
  for (const op of model.operations.values()) {
    if (!op.inputShape) continue;
    const base = validValue(op.inputShape) as Record<string, unknown>;
    const locationOf = new Map<string, 'uri' | 'query' | 'body'>();
    for (const m of op.input.uri) locationOf.set(m.name, 'uri');
    for (const m of op.input.query) locationOf.set(m.name, 'query');
    for (const m of op.input.body) locationOf.set(m.name, 'body');
    for (const { path, shape } of memberPaths(op.inputShape, 3)) {
      const where = locationOf.get(path[0]!);
      if (!where) continue;
      for (const bad of invalidValues(shape)) {
        // Text locations carry strings only: type confusion there is "abc" for a number, etc.
        if (where !== 'body' && !TEXT_VIOLATION.test(bad.what)) continue;
        if (where === 'uri' && (typeof bad.value !== 'string' || bad.value === '')) continue;
        const input = structuredClone(base);
        setPath(input, op.inputShape, path, bad.value);
        cases.push({ op: op.name, what: `${path.join('.')}: ${bad.what}`, ...request(op, input) });
      }
    }
    const valid = request(op, base);
    if (op.input.body.length) {
      for (const body of BAD_JSON) cases.push({ op: op.name, what: `bad JSON ${JSON.stringify(body)}`, ...valid, body });
      cases.push({ op: op.name, what: 'XML content type', ...valid, headers: { 'content-type': 'application/xml' }, body: '<a/>' });
    }
    for (const m of op.input.query) {
      const s = shapes[m.shape]!;
      if (s.type === 'integer') cases.push({ op: op.name, what: `${m.name}: not a number`, ...valid, query: { ...valid.query, [m.wireName]: 'abc' } });
    }
  }
  return cases;
}
