/**
 * Loads the botocore service model (plus model/coalesce-extensions.json, Coalesce's own operations in the same shape)
 * once, and precomputes per operation what the router, parser and serializer need, so that no request walks the model.
 */
import { readFileSync } from 'node:fs';

export type Location = 'uri' | 'querystring' | 'header' | 'headers' | 'statusCode' | 'body';

export interface MemberRef {
  shape: string;
  location?: Location;
  locationName?: string;
  jsonvalue?: boolean;
  idempotencyToken?: boolean;
}

export interface ShapeDef {
  type: 'structure' | 'list' | 'map' | 'string' | 'integer' | 'long' | 'double' | 'float' | 'boolean' | 'timestamp' | 'blob';
  members?: Record<string, MemberRef>;
  required?: string[];
  member?: { shape: string };
  key?: { shape: string };
  value?: { shape: string };
  min?: number;
  max?: number;
  pattern?: string;
  enum?: string[];
  sensitive?: boolean;
  payload?: string;
  union?: boolean;
  error?: { httpStatusCode: number };
  timestampFormat?: string;
}

export interface OperationDef {
  name: string;
  http: { method: string; requestUri: string; responseCode?: number };
  input?: { shape: string };
  output?: { shape: string };
}

/** A member placed somewhere in the HTTP message. `wireName` is the label / query key / header / JSON key. */
export interface PlacedMember {
  name: string;
  wireName: string;
  shape: string;
}

export interface CompiledOperation {
  name: string;
  method: string;
  requestUri: string;
  /** Path part of requestUri, split on '/' (leading empty segment dropped). */
  pathTemplate: string[];
  /** Literal query parameters in requestUri ("?foo=bar" or "?foo"), which the request must carry. */
  literalQuery: Array<[string, string | undefined]>;
  responseCode: number;
  inputShape?: string;
  outputShape?: string;
  input: {
    uri: PlacedMember[];
    query: PlacedMember[];
    /** A map member with location querystring (takes all other query parameters). */
    queryMap?: PlacedMember;
    headers: PlacedMember[];
    /** Map member with location 'headers' (prefix in wireName). */
    headerPrefix?: PlacedMember;
    body: PlacedMember[];
    payload?: PlacedMember;
  };
  output: {
    headers: PlacedMember[];
    statusCode?: PlacedMember;
    body: PlacedMember[];
    payload?: PlacedMember;
  };
}

export interface ServiceModel {
  metadata: Record<string, unknown>;
  shapes: Record<string, ShapeDef>;
  operations: Map<string, CompiledOperation>;
}

const MODEL_URL = new URL('../../model/customer-profiles-2020-08-15.service.json', import.meta.url);
const EXTENSIONS_URL = new URL('../../model/coalesce-extensions.json', import.meta.url);

let cached: ServiceModel | undefined;

/** The merged, compiled model (loaded once per process). */
export function loadModel(): ServiceModel {
  if (cached) return cached;
  const base = JSON.parse(readFileSync(MODEL_URL, 'utf8'));
  const ext = JSON.parse(readFileSync(EXTENSIONS_URL, 'utf8'));
  cached = compileModel(base, ext);
  return cached;
}

/** Merges the extension fragment into the model; an extension may not redefine an AWS operation or shape. */
export function compileModel(base: any, ext: any = {}): ServiceModel {
  const shapes: Record<string, ShapeDef> = { ...base.shapes };
  for (const [name, def] of Object.entries<ShapeDef>(ext.shapes ?? {})) {
    if (name in base.shapes) throw new Error(`coalesce-extensions.json redefines model shape ${name}`);
    shapes[name] = def;
  }
  const opDefs: Record<string, OperationDef> = { ...base.operations };
  for (const [name, def] of Object.entries<OperationDef>(ext.operations ?? {})) {
    if (name in base.operations) throw new Error(`coalesce-extensions.json redefines model operation ${name}`);
    opDefs[name] = { ...def, name };
  }
  const operations = new Map<string, CompiledOperation>();
  for (const [name, def] of Object.entries(opDefs)) {
    operations.set(name, compileOperation(name, def, shapes));
  }
  return { metadata: base.metadata, shapes, operations };
}

function compileOperation(name: string, def: OperationDef, shapes: Record<string, ShapeDef>): CompiledOperation {
  const [path, query] = def.http.requestUri.split('?', 2) as [string, string | undefined];
  const literalQuery: Array<[string, string | undefined]> = [];
  for (const part of (query ?? '').split('&')) {
    if (!part) continue;
    const eq = part.indexOf('=');
    literalQuery.push(eq < 0 ? [part, undefined] : [part.slice(0, eq), part.slice(eq + 1)]);
  }
  const op: CompiledOperation = {
    name,
    method: def.http.method.toUpperCase(),
    requestUri: def.http.requestUri,
    pathTemplate: path.split('/').slice(1),
    literalQuery,
    responseCode: def.http.responseCode ?? 200,
    inputShape: def.input?.shape,
    outputShape: def.output?.shape,
    input: { uri: [], query: [], headers: [], body: [] },
    output: { headers: [], body: [] },
  };
  if (def.input) {
    const s = shapes[def.input.shape];
    if (!s) throw new Error(`model: ${name} input shape ${def.input.shape} is missing`);
    for (const [m, ref] of Object.entries(s.members ?? {})) {
      const placed: PlacedMember = { name: m, wireName: ref.locationName ?? m, shape: ref.shape };
      if (s.payload === m) op.input.payload = placed;
      else if (ref.location === 'uri') op.input.uri.push(placed);
      else if (ref.location === 'querystring') {
        if (shapes[ref.shape]?.type === 'map') op.input.queryMap = placed;
        else op.input.query.push(placed);
      } else if (ref.location === 'header') op.input.headers.push({ ...placed, wireName: placed.wireName.toLowerCase() });
      else if (ref.location === 'headers') op.input.headerPrefix = { ...placed, wireName: placed.wireName.toLowerCase() };
      else if (!ref.location) op.input.body.push(placed);
    }
  }
  if (def.output) {
    const s = shapes[def.output.shape];
    if (!s) throw new Error(`model: ${name} output shape ${def.output.shape} is missing`);
    for (const [m, ref] of Object.entries(s.members ?? {})) {
      const placed: PlacedMember = { name: m, wireName: ref.locationName ?? m, shape: ref.shape };
      if (s.payload === m) op.output.payload = placed;
      else if (ref.location === 'header') op.output.headers.push(placed);
      else if (ref.location === 'statusCode') op.output.statusCode = placed;
      else if (!ref.location) op.output.body.push(placed);
    }
  }
  return op;
}
