/**
 * Validation of request input against the model's constraints, compiled once per shape into closures.
 * Each validator checks a value and returns a clean copy holding only the model's members (unknown members are
 * dropped, as AWS ignores them; null counts as absent). Messages follow AWS's style:
 *   1 validation error detected: Value 'x' at 'domainName' failed to satisfy constraint: Member must satisfy ...
 */
import type { ServiceModel, ShapeDef } from './model.js';

export type Validator = (value: unknown, path: string, errors: string[]) => unknown;

const INT32_MIN = -2147483648;
const INT32_MAX = 2147483647;
const SENSITIVE = '*** Sensitive Data Redacted ***';

/**
 * Model patterns follow Smithy's `@pattern` semantics: an ECMAScript regex that is NOT implicitly anchored (a value
 * must contain a match; the model anchors with ^…$ where it wants whole values; e.g. resourceArn's
 * `^arn:[a-z0-9]{1,10}:profile` is a prefix check). All patterns of the model are valid ECMAScript; dotAll so that
 * free-text `.*` also covers line breaks. A pattern that does not compile is skipped with a warning, never a crash.
 */
/**
 * Shapes whose pattern must match the whole value. `uuid` (ProfileId, JobId, history record Id…, `[a-f0-9]{32}` in the
 * model) only ever holds ids this server issued, always exactly 32 lowercase hex digits: anything else is a malformed
 * id, answered with a BadRequestException rather than a "not found".
 */
const FULL_MATCH_SHAPES = new Set(['uuid']);

export function compilePattern(pattern: string, warn: (msg: string) => void = () => {}): RegExp | undefined {
  try {
    return new RegExp(pattern, 's');
  } catch (err) {
    warn(`model pattern ${JSON.stringify(pattern)} does not compile as ECMAScript (${(err as Error).message}); not enforced`);
    return undefined;
  }
}

export function lowerFirst(s: string): string {
  return s.length ? s[0]!.toLowerCase() + s.slice(1) : s;
}

function show(value: unknown, sensitive: boolean): string {
  if (value === null || value === undefined) return 'null';
  if (sensitive) return `'${SENSITIVE}'`;
  let text: string;
  if (typeof value === 'string') text = value;
  else if (value instanceof Date) text = value.toISOString();
  else {
    try {
      text = JSON.stringify(value) ?? String(value);
    } catch {
      text = String(value);
    }
  }
  if (text.length > 200) text = `${text.slice(0, 200)}...`;
  return `'${text}'`;
}

/** Beyond this many violations the validator stops looking (bounds the work a hostile body can cause). */
export const MAX_ERRORS = 100;

const fail = (errors: string[], value: unknown, path: string, rule: string, sensitive = false) => {
  if (errors.length > MAX_ERRORS) return;
  errors.push(`Value ${show(value, sensitive)} at '${path}' failed to satisfy constraint: ${rule}`);
};

export function formatValidationErrors(errors: string[]): string {
  const n = errors.length;
  const shown = errors.slice(0, 10).join('; ');
  const count = n > MAX_ERRORS ? `More than ${MAX_ERRORS} validation errors` : `${n} validation error${n === 1 ? '' : 's'}`;
  return `${count} detected: ${shown}${n > 10 ? `; and ${n > MAX_ERRORS ? 'more' : n - 10 + ' more'}` : ''}`;
}

/** Builds validators for a model's shapes, lazily and memoized (shapes may be recursive). */
export class ValidatorFactory {
  private readonly cache = new Map<string, Validator>();
  constructor(private readonly model: ServiceModel, private readonly warn: (msg: string) => void = () => {}) {}

  /** Compiles every shape up front, so that pattern problems show at start-up and no request compiles anything. */
  compileAll(): void {
    for (const name of Object.keys(this.model.shapes)) this.get(name);
  }

  get(shapeName: string): Validator {
    const hit = this.cache.get(shapeName);
    if (hit) return hit;
    let impl: Validator | undefined;
    // Placeholder first, so that recursive shapes refer to the finished validator.
    this.cache.set(shapeName, (v, p, e) => impl!(v, p, e));
    impl = this.build(shapeName);
    this.cache.set(shapeName, impl);
    return impl;
  }

  private build(name: string): Validator {
    const s: ShapeDef | undefined = this.model.shapes[name];
    if (!s) throw new Error(`model: shape ${name} is missing`);
    switch (s.type) {
      case 'structure':
        return this.structure(s);
      case 'list':
        return this.list(s);
      case 'map':
        return this.map(s);
      case 'string':
        return this.string(s, FULL_MATCH_SHAPES.has(name));
      case 'integer':
      case 'long':
      case 'double':
      case 'float':
        return this.number(s);
      case 'boolean':
        return (v, p, e) => {
          if (typeof v !== 'boolean') fail(e, v, p, 'Member must be a boolean');
          return v;
        };
      case 'timestamp':
        return (v, p, e) => {
          const d = toDate(v);
          if (!d) fail(e, v, p, 'Member must be a timestamp (epoch seconds)');
          return d;
        };
      case 'blob':
        return (v, p, e) => {
          if (typeof v !== 'string') fail(e, v, p, 'Member must be a base64-encoded string');
          return v;
        };
      default:
        return (v) => v;
    }
  }

  private structure(s: ShapeDef): Validator {
    const members = Object.entries(s.members ?? {}).map(([name, ref]) => ({
      name,
      pathName: lowerFirst(name),
      required: (s.required ?? []).includes(name),
      validate: this.get(ref.shape),
    }));
    return (v, p, e) => {
      if (typeof v !== 'object' || v === null || Array.isArray(v) || v instanceof Date) {
        fail(e, v, p || 'input', 'Member must be a structure (JSON object)');
        return undefined;
      }
      const src = v as Record<string, unknown>;
      const out: Record<string, unknown> = {};
      for (const m of members) {
        const value = Object.prototype.hasOwnProperty.call(src, m.name) ? src[m.name] : undefined;
        const path = p ? `${p}.${m.pathName}` : m.pathName;
        if (value === undefined || value === null) {
          if (m.required) fail(e, null, path, 'Member must not be null');
          continue;
        }
        out[m.name] = m.validate(value, path, e);
      }
      return out;
    };
  }

  private list(s: ShapeDef): Validator {
    const item = this.get(s.member!.shape);
    const { min, max } = s;
    return (v, p, e) => {
      if (!Array.isArray(v)) {
        fail(e, v, p, 'Member must be a list (JSON array)');
        return undefined;
      }
      if (max !== undefined && v.length > max) {
        // Too many items: the items themselves are not examined (bounded work for hostile input).
        fail(e, `${v.length} items`, p, `Member must have length less than or equal to ${max}`);
        return undefined;
      }
      if (min !== undefined && v.length < min) fail(e, v, p, `Member must have length greater than or equal to ${min}`);
      const out = new Array(v.length);
      for (let i = 0; i < v.length && e.length <= MAX_ERRORS; i++) {
        const path = `${p}.${i + 1}.member`;
        if (v[i] === null || v[i] === undefined) {
          fail(e, null, path, 'Member must not be null');
          continue;
        }
        out[i] = item(v[i], path, e);
      }
      return out;
    };
  }

  private map(s: ShapeDef): Validator {
    const keyShape = this.model.shapes[s.key!.shape]!;
    const keyCheck = this.get(s.key!.shape);
    const value = this.get(s.value!.shape);
    const { min, max } = s;
    return (v, p, e) => {
      if (typeof v !== 'object' || v === null || Array.isArray(v) || v instanceof Date) {
        fail(e, v, p, 'Member must be a map (JSON object)');
        return undefined;
      }
      const keys = Object.keys(v);
      if (max !== undefined && keys.length > max) {
        fail(e, `${keys.length} entries`, p, `Member must have length less than or equal to ${max}`);
        return undefined;
      }
      if (min !== undefined && keys.length < min) fail(e, `${keys.length} entries`, p, `Member must have length greater than or equal to ${min}`);
      const out: Record<string, unknown> = {};
      for (const k of keys) {
        if (e.length > MAX_ERRORS) break;
        const keyErrors: string[] = [];
        keyCheck(k, p, keyErrors);
        if (keyErrors.length) {
          const rules = keyErrors.map((m) => m.slice(m.indexOf('constraint: ') + 12));
          fail(e, k, p, `Map keys must satisfy constraint: [${rules.join(', ')}]`, !!keyShape.sensitive);
        }
        const val = (v as Record<string, unknown>)[k];
        if (val === null || val === undefined) {
          fail(e, null, `${p}.${k}`, 'Member must not be null');
          continue;
        }
        // Own property so that a key named "__proto__" is stored as data, not as the prototype.
        Object.defineProperty(out, k, { value: value(val, `${p}.${k}`, e), enumerable: true, writable: true, configurable: true });
      }
      return out;
    };
  }

  private string(s: ShapeDef, fullMatch = false): Validator {
    const { min, max } = s;
    const sensitive = !!s.sensitive;
    const re = s.pattern !== undefined ? compilePattern(fullMatch ? `^(?:${s.pattern})$` : s.pattern, this.warn) : undefined;
    const enumSet = s.enum ? new Set(s.enum) : undefined;
    const enumText = s.enum ? `[${s.enum.join(', ')}]` : '';
    return (v, p, e) => {
      if (typeof v !== 'string') {
        fail(e, v, p, 'Member must be a string', sensitive);
        return undefined;
      }
      let lengthOk = true;
      if (max !== undefined && v.length > max) {
        fail(e, v, p, `Member must have length less than or equal to ${max}`, sensitive);
        lengthOk = false;
      }
      if (min !== undefined && v.length < min) {
        fail(e, v, p, `Member must have length greater than or equal to ${min}`, sensitive);
        lengthOk = false;
      }
      // The pattern runs only on values within the length limits (bounds the regex's work).
      if (re && lengthOk && !re.test(v)) fail(e, v, p, `Member must satisfy regular expression pattern: ${s.pattern}`, sensitive);
      if (enumSet && !enumSet.has(v)) fail(e, v, p, `Member must satisfy enum value set: ${enumText}`, sensitive);
      return v;
    };
  }

  private number(s: ShapeDef): Validator {
    const integral = s.type === 'integer' || s.type === 'long';
    const lo = s.type === 'integer' ? INT32_MIN : Number.MIN_SAFE_INTEGER;
    const hi = s.type === 'integer' ? INT32_MAX : Number.MAX_SAFE_INTEGER;
    const { min, max } = s;
    return (v, p, e) => {
      if (typeof v !== 'number' || !Number.isFinite(v)) {
        fail(e, v, p, integral ? 'Member must be an integer' : 'Member must be a number');
        return undefined;
      }
      if (integral && (!Number.isInteger(v) || v < lo || v > hi)) {
        fail(e, v, p, `Member must be an integer between ${lo} and ${hi}`);
        return undefined;
      }
      if (max !== undefined && v > max) fail(e, v, p, `Member must have value less than or equal to ${max}`);
      if (min !== undefined && v < min) fail(e, v, p, `Member must have value greater than or equal to ${min}`);
      return v;
    };
  }
}

/** Epoch seconds (number), or a Date already parsed from a header/query string. */
function toDate(v: unknown): Date | undefined {
  if (v instanceof Date) return Number.isNaN(v.getTime()) ? undefined : v;
  if (typeof v === 'number' && Number.isFinite(v)) {
    const d = new Date(Math.round(v * 1000));
    return Number.isNaN(d.getTime()) ? undefined : d;
  }
  return undefined;
}
