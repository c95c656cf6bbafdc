/**
 * The generic API route: every Customer Profiles (and extension) operation goes through one Fastify catch-all that
 * authenticates, rate-limits, routes by the model, decodes and validates, calls the operation's handler and encodes
 * its output. Nothing here knows any particular operation.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { AwsError, badRequest } from '../errors.js';
import type { HandlerMap, OpContext } from '../ops/types.js';
import type { AuthChain } from './auth/chain.js';
import type { AuthRequest, Principal } from './auth/types.js';
import type { Codec } from './codec.js';
import type { CompiledOperation } from './model.js';
import type { RateLimiter } from './rate-limit.js';
import { sendError, toErrorBody } from './reply.js';
import { parseQuery, type Router } from './router.js';

export interface ApiDeps {
  router: Router;
  codec: Codec;
  handlers: HandlerMap;
  auth: AuthChain;
  rateLimiter: RateLimiter;
  bodyLimit: number;
  opContext(req: FastifyRequest, principal: Principal): OpContext;
  /** Writes the request's log line and metrics (the API route has no onResponse hook: see src/server.ts). */
  requestDone(req: FastifyRequest, reply: FastifyReply): void;
}

declare module 'fastify' {
  interface FastifyRequest {
    /** Operation (or route) name for logs and metrics; set by the API route and plugins. */
    coalesceOp: string;
    /** performance.now() when the request reached Fastify's hooks (for the latency of self-logged routes). */
    coalesceStart: number;
  }
  interface FastifyContextConfig {
    /** The route writes its own per-request log line (no onResponse hook is added to it). */
    selfLogged?: boolean;
  }
}

/** Whether the request's route logs itself (the API route), rather than through an onResponse hook. */
export function selfLogged(req: FastifyRequest): boolean {
  return (req.routeOptions.config as { selfLogged?: boolean }).selfLogged === true;
}

const JSON_TYPE = /^application\/(json|x-amz-json-1\.[01]|[\w.+-]+\+json)\s*(;|$)/i;

/** Splits the raw URL (as received) into path and query string. */
export function splitUrl(url: string): { rawPath: string; rawQuery: string } {
  const q = url.indexOf('?');
  return q < 0 ? { rawPath: url, rawQuery: '' } : { rawPath: url.slice(0, q), rawQuery: url.slice(q + 1) };
}

/** The AuthRequest of a Fastify request (for plugin routes that reuse the authenticator chain). */
export function authRequestOf(req: FastifyRequest, body: Buffer = EMPTY): AuthRequest {
  const { rawPath, rawQuery } = splitUrl(req.raw.url ?? '/');
  return new FastifyAuthRequest(req, rawPath, parseQuery(rawQuery), body);
}

/** An AuthRequest over a Fastify request; the client address (a getpeername call) only when an authenticator asks. */
class FastifyAuthRequest implements AuthRequest {
  readonly method: string;
  readonly headers: FastifyRequest['headers'];
  constructor(private readonly req: FastifyRequest, readonly rawPath: string, readonly query: Record<string, string | string[]>, readonly body: Buffer) {
    this.method = req.method;
    this.headers = req.headers;
  }

  get remoteAddress(): string {
    return this.req.ip;
  }
}

const EMPTY = Buffer.alloc(0);

export async function registerApiRoutes(app: FastifyInstance, deps: ApiDeps): Promise<void> {
  await app.register(async (api) => {
    // Raw bodies (SigV4 hashes the exact bytes); JSON is parsed by the codec, for operations that have a body.
    api.removeAllContentTypeParsers();
    api.addContentTypeParser('*', { parseAs: 'buffer', bodyLimit: deps.bodyLimit }, (_req, body, done) => done(null, body));
    api.route({
      method: ['GET', 'POST', 'PUT', 'DELETE', 'PATCH', 'HEAD', 'OPTIONS'],
      url: '/*',
      exposeHeadRoute: false,
      config: { selfLogged: true },
      handler: (req, reply) => {
        const pending = handle(deps, req, reply);
        if (pending === undefined) return deps.requestDone(req, reply);
        return pending.then(() => deps.requestDone(req, reply));
      },
    });
  });
}

/**
 * One API request. Synchronous from start to reply when every step is (e.g. --no-auth and a handler that answers
 * without a promise, such as a cached job): then it returns undefined with the reply sent. Otherwise (a SigV4
 * header signature is checked at the end of the event loop's I/O phase, together with those of the other requests
 * read in it: see sigv4.ts checkSoon) it returns a promise that settles once the reply is sent.
 */
function handle(deps: ApiDeps, req: FastifyRequest, reply: FastifyReply): Promise<void> | undefined {
  req.coalesceOp = 'Unauthenticated';
  try {
    const body = Buffer.isBuffer(req.body) ? req.body : EMPTY;
    const { rawPath, rawQuery } = splitUrl(req.raw.url ?? '/');
    const query = parseQuery(rawQuery);
    const authenticated = deps.auth.check(new FastifyAuthRequest(req, rawPath, query, body));
    if (authenticated instanceof Promise) {
      return authenticated.then((principal) => dispatch(deps, req, reply, principal, rawPath, query, body), (err) => fail(req, reply, err));
    }
    return dispatch(deps, req, reply, authenticated, rawPath, query, body);
  } catch (err) {
    return fail(req, reply, err);
  }
}

/** After authentication: rate limit, route, decode and validate, handler, reply. */
function dispatch(
  deps: ApiDeps, req: FastifyRequest, reply: FastifyReply, principal: Principal,
  rawPath: string, query: Record<string, string | string[]>, body: Buffer,
): Promise<void> | undefined {
  try {
    if (!deps.rateLimiter.take(principal.accessKeyId)) {
      const { ratePerSecond, burst } = deps.rateLimiter.options;
      throw new AwsError('ThrottlingException', `Rate exceeded: access key ${principal.accessKeyId} is limited to ${ratePerSecond} requests per second (burst ${burst})`);
    }
    req.coalesceOp = 'UnknownOperation';
    const match = deps.router.match(req.method, rawPath, query);
    if (!match.op) {
      sendError(reply, {
        status: 404,
        code: 'UnknownOperationException',
        message: match.pathMatched
          ? `No Customer Profiles operation accepts ${req.method} on ${rawPath.slice(0, 200)}`
          : `No Customer Profiles operation matches ${req.method} ${rawPath.slice(0, 200)}`,
      });
      return undefined;
    }
    const { op } = match;
    req.coalesceOp = op.name;
    if (body.length > 0) {
      const type = req.headers['content-type'];
      if (type !== undefined && !JSON_TYPE.test(type)) {
        throw badRequest(`Unsupported Content-Type '${type.slice(0, 100)}': request bodies must be JSON (application/json)`);
      }
    }
    const input = deps.codec.decode(op, { labels: match.labels, query, headers: req.headers, body });
    const handlers = deps.handlers as Record<string, ((input: unknown, ctx: OpContext) => unknown) | undefined>;
    const handler = Object.hasOwn(handlers, op.name) ? handlers[op.name] : undefined;
    if (!handler) throw badRequest(`${op.name} is not implemented by Coalesce`);
    const output = handler(input, deps.opContext(req, principal));
    if (isThenable(output)) {
      return Promise.resolve(output).then((value) => sendOutput(deps, op, req, reply, value), (err) => fail(req, reply, err));
    }
    return sendOutput(deps, op, req, reply, output);
  } catch (err) {
    return fail(req, reply, err);
  }
}

function sendOutput(deps: ApiDeps, op: CompiledOperation, req: FastifyRequest, reply: FastifyReply, output: unknown): undefined {
  try {
    const encoded = deps.codec.encode(op, output);
    reply.code(encoded.status).header('content-type', 'application/json');
    for (const k in encoded.headers) reply.header(k, encoded.headers[k]!);
    reply.send(encoded.body);
  } catch (err) {
    fail(req, reply, err);
  }
  return undefined;
}

/** The AWS-shaped error reply for anything thrown (a non-AwsError is logged and answered as a 500). */
function fail(req: FastifyRequest, reply: FastifyReply, err: unknown): undefined {
  const e = toErrorBody(err);
  if (e.internal) req.log.error({ err, operation: req.coalesceOp }, 'unexpected error in API request');
  sendError(reply, e);
  return undefined;
}

function isThenable(v: unknown): v is PromiseLike<unknown> {
  return v instanceof Promise || (v !== null && typeof v === 'object' && typeof (v as { then?: unknown }).then === 'function');
}
