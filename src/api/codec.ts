/**
 * restJson1 codec driven by the compiled model: HTTP parts → validated handler input, handler output → HTTP reply.
 * Text locations (uri labels, query strings, headers) are converted to the member's type before validation;
 * timestamps in JSON are epoch seconds, in query strings ISO 8601 (or epoch seconds), in headers HTTP dates.
 */
import { badRequest } from '../errors.js';
import type { CompiledOperation, PlacedMember, ServiceModel, ShapeDef } from './model.js';
import { formatValidationErrors, ValidatorFactory, type Validator } from './validate.js';

export interface RawRequest {
  labels: Record<string, string>;
  query: Record<string, string | string[]>;
  headers: Record<string, string | string[] | undefined>;
  /** Raw body; empty when none. */
  body: Buffer;
}

export interface EncodedReply {
  status: number;
  headers: Record<string, string>;
  body: string;
}

/** A value → its JSON text, or undefined when the value is left out (as JSON.stringify leaves out undefined). */
type Serializer = (v: unknown) => string | undefined;

export class Codec {
  private readonly validators: ValidatorFactory;
  private readonly serializers = new Map<string, Serializer>();
  private readonly inputValidators = new Map<string, Validator>();

  constructor(private readonly model: ServiceModel, warn?: (msg: string) => void) {
    this.validators = new ValidatorFactory(model, warn);
    this.validators.compileAll();
    for (const op of model.operations.values()) {
      if (op.inputShape) this.inputValidators.set(op.name, this.validators.get(op.inputShape));
      if (op.outputShape) this.serializer(op.outputShape);
    }
  }

  /** Parses and validates; throws BadRequestException with every violation found. */
  decode(op: CompiledOperation, req: RawRequest): Record<string, unknown> {
    if (!op.inputShape) return {};
    const merged: Record<string, unknown> = {};
    const { input } = op;
    if (input.body.length > 0 || input.payload) {
      const parsed = req.body.length > 0 ? parseJson(req.body) : {};
      if (input.payload) {
        merged[input.payload.name] = parsed;
      } else {
        if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
          throw badRequest('The request body must be a JSON object');
        }
        for (const m of input.body) {
          const v = (parsed as Record<string, unknown>)[m.wireName];
          if (v !== undefined) merged[m.name] = v;
        }
      }
    }
    for (const m of input.uri) {
      const v = req.labels[m.wireName];
      if (v !== undefined) merged[m.name] = this.fromText(m, v, 'uri');
    }
    for (const m of input.query) {
      const v = req.query[m.wireName];
      if (v !== undefined) merged[m.name] = this.fromText(m, v, 'querystring');
    }
    if (input.queryMap) {
      const taken = new Set(input.query.map((m) => m.wireName));
      const map: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(req.query)) if (!taken.has(k)) map[k] = v;
      if (Object.keys(map).length) merged[input.queryMap.name] = map;
    }
    for (const m of input.headers) {
      const v = req.headers[m.wireName];
      if (v !== undefined) merged[m.name] = this.fromText(m, Array.isArray(v) ? v.join(',') : v, 'header');
    }
    if (input.headerPrefix) {
      const prefix = input.headerPrefix.wireName;
      const map: Record<string, string> = {};
      for (const [k, v] of Object.entries(req.headers)) {
        if (k.startsWith(prefix) && v !== undefined) map[k.slice(prefix.length)] = Array.isArray(v) ? v.join(',') : v;
      }
      if (Object.keys(map).length) merged[input.headerPrefix.name] = map;
    }
    const errors: string[] = [];
    const clean = this.inputValidators.get(op.name)!(merged, '', errors) as Record<string, unknown>;
    if (errors.length) throw badRequest(formatValidationErrors(errors));
    return clean;
  }

  /** Handler output → status, headers and JSON body. Members not in the model are not sent. */
  encode(op: CompiledOperation, output: unknown): EncodedReply {
    const reply: EncodedReply = { status: op.responseCode, headers: {}, body: '{}' };
    if (!op.outputShape || output === null || typeof output !== 'object') return reply;
    const src = output as Record<string, unknown>;
    const { output: out } = op;
    if (out.payload) {
      const v = src[out.payload.name];
      reply.body = (v === undefined || v === null ? undefined : this.serializer(out.payload.shape)(v)) ?? '{}';
    } else {
      reply.body = this.bodySerializer(op)(src) ?? '{}';
    }
    for (const m of out.headers) {
      const v = src[m.name];
      if (v === undefined || v === null) continue;
      reply.headers[m.wireName] = v instanceof Date ? v.toUTCString() : String(v);
    }
    if (out.statusCode) {
      const code = src[out.statusCode.name];
      if (typeof code === 'number' && Number.isInteger(code) && code >= 100 && code <= 599) reply.status = code;
    }
    return reply;
  }

  private fromText(m: PlacedMember, raw: string | string[], where: 'uri' | 'querystring' | 'header'): unknown {
    const s = this.model.shapes[m.shape]!;
    if (s.type === 'list') {
      const item = this.model.shapes[s.member!.shape]!;
      const values = Array.isArray(raw) ? raw : where === 'header' ? raw.split(',').map((x) => x.trim()) : [raw];
      return values.map((x) => scalarFromText(item, x, where));
    }
    return scalarFromText(s, Array.isArray(raw) ? raw[raw.length - 1]! : raw, where);
  }

  /** The output body members of an operation, compiled once like a structure's. */
  private readonly bodySerializers = new Map<string, Serializer>();

  private bodySerializer(op: CompiledOperation): Serializer {
    let ser = this.bodySerializers.get(op.name);
    if (!ser) {
      ser = structureSerializer(op.output.body.map((m) => ({ name: m.name, key: m.wireName, ser: this.serializer(m.shape) })));
      this.bodySerializers.set(op.name, ser);
    }
    return ser;
  }

  private serializer(shapeName: string): Serializer {
    const hit = this.serializers.get(shapeName);
    if (hit) return hit;
    let impl: Serializer | undefined;
    this.serializers.set(shapeName, (v) => impl!(v));
    impl = this.buildSerializer(this.model.shapes[shapeName]!);
    this.serializers.set(shapeName, impl);
    return impl;
  }

  /** JSON text is written directly (no intermediate object): the output side of every request goes through here. */
  private buildSerializer(s: ShapeDef): Serializer {
    switch (s.type) {
      case 'structure':
        return structureSerializer(Object.entries(s.members ?? {})
          .filter(([, ref]) => !ref.location)
          .map(([name, ref]) => ({ name, key: ref.locationName ?? name, ser: this.serializer(ref.shape) })));
      case 'list': {
        const item = this.serializer(s.member!.shape);
        return (v) => {
          if (!Array.isArray(v)) return undefined;
          let out = '[';
          for (let i = 0; i < v.length; i++) out += (i ? ',' : '') + ((v[i] === undefined || v[i] === null ? undefined : item(v[i])) ?? 'null');
          return out + ']';
        };
      }
      case 'map': {
        const value = this.serializer(s.value!.shape);
        return (v) => {
          if (v === null || typeof v !== 'object') return undefined;
          let out = '{';
          for (const [k, x] of Object.entries(v)) {
            // A null value stays null for scalars, as JSON.stringify of the plain object would write it.
            const text = x === undefined ? undefined : value(x);
            if (text !== undefined) out += (out.length > 1 ? ',' : '') + jsonString(k) + ':' + text;
          }
          return out + '}';
        };
      }
      case 'timestamp':
        return (v) => {
          const seconds = epochSeconds(v);
          // A finite number: its JSON text is its string form.
          return seconds === undefined ? undefined : String(seconds);
        };
      case 'integer': case 'long': case 'double': case 'float':
        // JSON.stringify's text for numbers (non-finite → null) without its generic entry; other values as before.
        return (v) => (typeof v === 'number' ? (Number.isFinite(v) ? String(v) : 'null') : JSON.stringify(v));
      case 'boolean':
        return (v) => (v === true ? 'true' : v === false ? 'false' : JSON.stringify(v));
      case 'string':
        return (v) => (typeof v === 'string' ? jsonString(v) : JSON.stringify(v));
      default:
        return (v) => JSON.stringify(v);
    }
  }
}

/** Printable ASCII without `"` and `\\`: its JSON text is the string between quotes. */
const PLAIN_JSON_STRING = /^[\x20\x21\x23-\x5b\x5d-\x7e]*$/;

/** JSON.stringify(s), without the builtin's call for the common plain-ASCII value (about 100 ns per string). */
export function jsonString(s: string): string {
  return PLAIN_JSON_STRING.test(s) ? `"${s}"` : JSON.stringify(s);
}

interface MemberSerializer { name: string; key: string; ser: Serializer }

/** Members in model order; absent (undefined or null) members and members that serialize to nothing are left out. */
function structureSerializer(members: MemberSerializer[]): Serializer {
  const compiled = members.map((m) => ({ name: m.name, prefix: JSON.stringify(m.key) + ':', ser: m.ser }));
  return (v) => {
    if (v === null || typeof v !== 'object') return undefined;
    const src = v as Record<string, unknown>;
    let out = '{';
    for (const m of compiled) {
      const x = src[m.name];
      if (x === undefined || x === null) continue;
      const text = m.ser(x);
      if (text !== undefined) out += (out.length > 1 ? ',' : '') + m.prefix + text;
    }
    return out + '}';
  };
}

/** Date (or epoch ms number, or date string) → epoch seconds with millisecond precision. */
function epochSeconds(v: unknown): number | undefined {
  const ms = v instanceof Date ? v.getTime() : typeof v === 'number' ? v : typeof v === 'string' ? Date.parse(v) : NaN;
  return Number.isFinite(ms) ? ms / 1000 : undefined;
}

const NUMBER_TEXT = /^-?(\d+(\.\d*)?|\.\d+)([eE][-+]?\d+)?$/;

function scalarFromText(s: ShapeDef, text: string, where: 'uri' | 'querystring' | 'header'): unknown {
  switch (s.type) {
    case 'integer': case 'long': case 'double': case 'float':
      return NUMBER_TEXT.test(text) ? Number(text) : text;
    case 'boolean':
      return text === 'true' ? true : text === 'false' ? false : text;
    case 'timestamp': {
      if (NUMBER_TEXT.test(text)) return new Date(Math.round(Number(text) * 1000));
      // ISO 8601 (query/uri default) or an HTTP date (header default); Date.parse reads both.
      const ms = Date.parse(text);
      return Number.isNaN(ms) || (where !== 'header' && !/^\d{4}-\d{2}-\d{2}/.test(text)) ? text : new Date(ms);
    }
    default:
      return text;
  }
}

function parseJson(body: Buffer): unknown {
  try {
    return JSON.parse(body.toString('utf8'));
  } catch (err) {
    throw badRequest(`The request body is not valid JSON: ${(err as Error).message.slice(0, 200)}`);
  }
}
