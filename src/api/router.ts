/**
 * Matches (method, raw path, query) to a model operation through a segment trie built once from the requestUris.
 * Literal segments win over labels (e.g. .../identity-resolution-jobs/auto-merging-preview over .../{JobId});
 * a greedy label `{Key+}` takes the rest of the path. Labels are percent-decoded per segment, so that an encoded '/'
 * inside a label (e.g. a resource ARN) stays inside it.
 */
import { badRequest } from '../errors.js';
import type { CompiledOperation } from './model.js';

interface Node {
  literals: Map<string, Node>;
  label?: { name: string; node: Node };
  greedy?: { name: string; ops: CompiledOperation[] };
  /** Operations ending here, by method (several when they differ by literal query parameters). */
  ops: Map<string, CompiledOperation[]>;
}

const newNode = (): Node => ({ literals: new Map(), ops: new Map() });

export interface RouteMatch {
  op: CompiledOperation;
  labels: Record<string, string>;
}

export type RouteResult = RouteMatch | { op: undefined; pathMatched: boolean };

/** Bounds of the route memo: distinct method + path pairs (it starts over when full), and path length. */
const MEMO_ENTRIES = 1000;
const MEMO_PATH_CHARS = 512;

export class Router {
  private readonly root = newNode();
  /**
   * Results by method and raw path, when no operation has literal query parameters (then the path alone decides;
   * true of the AWS model and the extensions). Results are frozen: callers share them.
   */
  private readonly memo: Map<string, RouteResult> | undefined;

  constructor(operations: Iterable<CompiledOperation>) {
    let literalQueries = false;
    for (const op of operations) {
      this.add(op);
      if (op.literalQuery.length > 0) literalQueries = true;
    }
    this.memo = literalQueries ? undefined : new Map();
  }

  private add(op: CompiledOperation): void {
    let node = this.root;
    for (const seg of op.pathTemplate) {
      const label = /^\{([^}]+)\}$/.exec(seg);
      if (label && label[1]!.endsWith('+')) {
        node.greedy ??= { name: label[1]!.slice(0, -1), ops: [] };
        node.greedy.ops.push(op);
        return;
      }
      if (label) {
        node.label ??= { name: label[1]!, node: newNode() };
        if (node.label.name !== label[1]) throw new Error(`router: conflicting labels at ${op.requestUri}`);
        node = node.label.node;
      } else {
        let next = node.literals.get(seg);
        if (!next) node.literals.set(seg, (next = newNode()));
        node = next;
      }
    }
    const list = node.ops.get(op.method) ?? [];
    list.push(op);
    // Operations with more literal query parameters are more specific: try them first.
    list.sort((a, b) => b.literalQuery.length - a.literalQuery.length);
    node.ops.set(op.method, list);
  }

  /**
   * @param rawPath the path as received (percent-encoded), without the query string
   * @param query decoded query parameters (first value per name is enough for literal-query checks)
   */
  match(method: string, rawPath: string, query: Record<string, string | string[]>): RouteResult {
    if (!this.memo || rawPath.length > MEMO_PATH_CHARS) return this.walk(method, rawPath, query);
    const key = `${method} ${rawPath}`;
    let result = this.memo.get(key);
    if (result === undefined) {
      result = this.walk(method, rawPath, query);
      if ('labels' in result) Object.freeze(result.labels);
      Object.freeze(result);
      if (this.memo.size >= MEMO_ENTRIES) this.memo.clear();
      this.memo.set(key, result);
    }
    return result;
  }

  private walk(method: string, rawPath: string, query: Record<string, string | string[]>): RouteResult {
    const segments = rawPath.split('/');
    const state: MatchState = { method, query, segments, labels: {}, pathMatched: false };
    // segments[0] is the empty string before the leading '/'.
    const op = walk(state, this.root, 1);
    return op ? { op, labels: state.labels } : { op: undefined, pathMatched: state.pathMatched };
  }
}

interface MatchState {
  method: string;
  query: Record<string, string | string[]>;
  segments: string[];
  labels: Record<string, string>;
  pathMatched: boolean;
}

/** The first operation of the list for this method whose literal query parameters are present. */
function pick(state: MatchState, ops: CompiledOperation[] | undefined): CompiledOperation | undefined {
  if (!ops) return undefined;
  for (const op of ops) {
    if (op.method !== state.method) continue;
    if (op.literalQuery.every(([k, v]) => k in state.query && (v === undefined || state.query[k] === v))) return op;
  }
  return undefined;
}

/** Depth-first: literal segment, then label, then greedy label (module functions: no closures per request). */
function walk(state: MatchState, node: Node, i: number): CompiledOperation | undefined {
  const { segments } = state;
  if (i === segments.length) {
    if (node.ops.size > 0) state.pathMatched = true;
    const ops = node.ops.get(state.method);
    return ops ? pick(state, ops) : undefined;
  }
  const seg = segments[i]!;
  const lit = node.literals.get(seg);
  if (lit) {
    const found = walk(state, lit, i + 1);
    if (found) return found;
  }
  if (node.label && seg.length > 0) {
    const found = walk(state, node.label.node, i + 1);
    if (found) {
      state.labels[node.label.name] = decodeSegment(seg);
      return found;
    }
  }
  if (node.greedy) {
    const rest = segments.slice(i).join('/');
    if (rest.length > 0) {
      state.pathMatched = true;
      const found = pick(state, node.greedy.ops);
      if (found) {
        state.labels[node.greedy.name] = decodeSegment(rest);
        return found;
      }
    }
  }
  return undefined;
}

export function decodeSegment(s: string, where = 'request path segment'): string {
  if (s.indexOf('%') < 0) return s;
  try {
    return decodeURIComponent(s);
  } catch {
    throw badRequest(`Malformed percent-encoding in ${where} '${s.slice(0, 100)}'`);
  }
}

/** Splits a raw query string into decoded name → value(s). '+' is kept literally (AWS clients encode spaces as %20). */
export function parseQuery(raw: string): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = Object.create(null);
  if (!raw) return out;
  for (const part of raw.split('&')) {
    if (!part) continue;
    const eq = part.indexOf('=');
    const k = decodeSegment(eq < 0 ? part : part.slice(0, eq), 'query parameter name');
    const v = eq < 0 ? '' : decodeSegment(part.slice(eq + 1), `value of query parameter '${k.slice(0, 100)}'`);
    const prev = out[k];
    if (prev === undefined) out[k] = v;
    else if (Array.isArray(prev)) prev.push(v);
    else out[k] = [prev, v];
  }
  return out;
}
