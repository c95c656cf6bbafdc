/**
 * The Coalesce server: Fastify + the model-driven API + the store, and the extension points other areas use.
 *
 * Extension points (for ingestion, console, jobs…): a `ServerPlugin` is `(app, deps) => void | Promise<void>`,
 * listed in src/server-plugins.ts (or passed in `options.plugins`). A plugin may
 *  - register raw Fastify routes on `app` (e.g. an upload PUT URL, `/console` static files and session endpoints);
 *    wrap them in `app.register(...)` to get their own content-type parsers / body limits;
 *  - push an Authenticator onto `deps.authenticators` (e.g. the console's session cookie);
 *  - replace `deps.jobs` with the real JobsService (handlers read it per request);
 *  - register background work with `deps.onStart(fn)` (after listen) and `deps.onClose(fn)` (before the store closes).
 */
import { randomUUID } from 'node:crypto';
import Fastify, { LogController, type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import { pino, type Logger } from 'pino';
import { AwsError, badRequest } from './errors.js';
import { AuthChain } from './api/auth/chain.js';
import { SigV4Authenticator } from './api/auth/sigv4.js';
import type { Authenticator, AuthRequest, Principal } from './api/auth/types.js';
import { Codec } from './api/codec.js';
import { authRequestOf, registerApiRoutes, selfLogged } from './api/http-api.js';
import { bufferedLogDestination } from './api/log-destination.js';
import { ApiMetrics } from './api/metrics.js';
import { loadModel, type ServiceModel } from './api/model.js';
import { RateLimiter } from './api/rate-limit.js';
import { LazyRequestLogger, lazyChildLoggerFactory, pinoLoggerOf } from './api/request-logger.js';
import { sendError, toErrorBody } from './api/reply.js';
import { Router } from './api/router.js';
import { DEFAULTS, type ServerConfig } from './config.js';
import { handlers as defaultHandlers } from './ops/index.js';
import type { HandlerMap, JobsService, OpContext } from './ops/types.js';
import { openStore } from './store/index.js';
import type { Repository } from './store/repository.js';
import { serverPlugins } from './server-plugins.js';

export interface ServerDeps {
  config: ServerConfig;
  store: Repository;
  log: Logger;
  model: ServiceModel;
  metrics: ApiMetrics;
  /** The jobs service handlers see in their OpContext; a plugin may replace it. */
  jobs: JobsService;
  /** Authenticator chain (SigV4 first); plugins may push more. Not consulted with --no-auth. */
  authenticators: Authenticator[];
  /** Authenticates a request of a plugin route with the same chain as the API (throws AccessDeniedException). */
  authenticate(req: FastifyRequest, body?: Buffer): Promise<Principal>;
  /** The handler context for a request (for plugin routes that call handlers or the store on a principal's behalf). */
  opContext(req: FastifyRequest, principal: Principal): OpContext;
  onStart(fn: () => void | Promise<void>): void;
  onClose(fn: () => void | Promise<void>): void;
}

export type ServerPlugin = (app: FastifyInstance, deps: ServerDeps) => void | Promise<void>;

export interface StartServerOptions extends Partial<Omit<ServerConfig, 'dataDir'>> {
  dataDir: string;
  /** Extra plugins, run after those of src/server-plugins.ts (unless defaultPlugins is false). */
  plugins?: ServerPlugin[];
  defaultPlugins?: boolean;
  jobs?: JobsService;
  handlers?: HandlerMap;
  logger?: Logger;
  /** Clock for SigV4 skew checks and handler `now()` (tests). */
  now?: () => number;
}

export interface RunningServer {
  url: string;
  port: number;
  host: string;
  store: Repository;
  app: FastifyInstance;
  deps: ServerDeps;
  close(): Promise<void>;
}

/**
 * PLACEHOLDER until the jobs area installs the real service from src/jobs (through a server plugin or
 * options.jobs): starting a job is refused; matching changes are accepted and ignored.
 */
export const unavailableJobs: JobsService = {
  async onMatchingChanged() {},
  async startNow() {
    throw badRequest('Identity resolution jobs are not available');
  },
};

const VERSION = '0.1.0';

/** A handler's OpContext (a class: its methods and the lazy logger live on the prototype, not in closures per request). */
class RequestContext implements OpContext {
  readonly requestId: string;
  readonly region: string;
  readonly accessKeyId: string | undefined;

  constructor(
    private readonly req: FastifyRequest,
    principal: Principal,
    readonly store: Repository,
    readonly accountId: string,
    private readonly clock: () => number,
    readonly jobs: JobsService,
  ) {
    this.requestId = req.id;
    this.region = principal.region ?? 'us-east-1';
    this.accessKeyId = principal.kind === 'anonymous' ? undefined : principal.accessKeyId;
  }

  now(): Date {
    return new Date(this.clock());
  }

  get log(): Logger {
    return pinoLoggerOf(this.req.log);
  }
}

export async function startServer(options: StartServerOptions): Promise<RunningServer> {
  const config: ServerConfig = {
    port: options.port ?? DEFAULTS.port,
    host: options.host ?? DEFAULTS.host,
    dataDir: options.dataDir,
    auth: options.auth ?? true,
    credentials: options.credentials ?? [],
    accountId: options.accountId ?? DEFAULTS.accountId,
    rateLimit: options.rateLimit ?? { ratePerSecond: DEFAULTS.ratePerSecond, burst: DEFAULTS.burst },
    bodyLimit: options.bodyLimit ?? DEFAULTS.bodyLimit,
    logLevel: options.logLevel ?? DEFAULTS.logLevel,
    credentialSources: options.credentialSources ?? [],
  };
  if (config.auth && config.credentials.length === 0) {
    throw new Error('startServer: authentication is on but no credentials are configured (pass credentials or auth: false)');
  }
  const ownDestination = options.logger ? undefined : bufferedLogDestination(1);
  const log = options.logger ?? pino({ level: config.logLevel }, ownDestination!.stream);
  const now = options.now ?? Date.now;
  const model = loadModel();
  const codec = new Codec(model, (msg) => log.warn(msg));
  const router = new Router(model.operations.values());
  const metrics = new ApiMetrics();
  const store = await openStore(config.dataDir);

  const authenticators: Authenticator[] = config.auth ? [new SigV4Authenticator({ credentials: config.credentials, now })] : [];
  const auth = new AuthChain(authenticators, config.auth);
  if (!config.auth) log.warn('authentication is OFF (--no-auth): any client can read and change all data; use only on a trusted machine');

  const startHooks: Array<() => void | Promise<void>> = [];
  const closeHooks: Array<() => void | Promise<void>> = [];

  const app = Fastify({
    // No logger instance for Fastify itself: with one, Fastify adds 'finish'/'error' listeners to every response
    // (to log it), even with request logging off. Our one line per request is written by requestDone below; req.log
    // (and reply.log) are still children of `log`, made through childLoggerFactory. Fastify's instance logger
    // (app.log) is its no-op logger: nothing of ours logs through it; use deps.log.
    logController: new LogController({ disableRequestLogging: true, requestIdLogLabel: 'requestId' }),
    genReqId: () => randomUUID(),
    // req.log is made on first use; the per-request line below is written without it.
    childLoggerFactory: (_noop, bindings, opts) => lazyChildLoggerFactory(log, bindings, opts),
    requestIdHeader: false,
    bodyLimit: config.bodyLimit,
    routerOptions: { maxParamLength: 8192 },
    return503OnClosing: true,
    // Bounds slow clients (large uploads on raw routes included); headers must arrive within Node's 60 s.
    requestTimeout: 10 * 60_000,
    frameworkErrors: (err, req, reply) => {
      const started = performance.now();
      reply.header('x-amzn-RequestId', req.id);
      sendError(reply, { status: 400, code: 'BadRequestException', message: `Bad request: ${err.message}` });
      requestDone(req, reply.statusCode, performance.now() - started);
    },
  }) as unknown as FastifyInstance;

  const deps: ServerDeps = {
    config,
    store,
    log,
    model,
    metrics,
    jobs: options.jobs ?? unavailableJobs,
    authenticators,
    authenticate: (req, body) => auth.authenticate(authRequestOf(req, body)),
    opContext: (req, principal) => new RequestContext(req, principal, store, config.accountId, now, deps.jobs),
    onStart: (fn) => void startHooks.push(fn),
    onClose: (fn) => void closeHooks.push(fn),
  };

  app.decorateRequest('coalesceOp', '');
  app.decorateRequest('coalesceStart', 0);
  // Callback-style hooks: no promise per request on the hot path.
  app.addHook('onRequest', (req, reply, done) => {
    req.coalesceStart = performance.now();
    reply.header('x-amzn-RequestId', req.id);
    done();
  });
  /** The request's log line and metrics; called once per request, after its reply was handed to Node. */
  const requestDone = (req: FastifyRequest, status: number, elapsedMs: number) => {
    const operation = req.coalesceOp || req.routeOptions.url || 'unmatched';
    metrics.observe(operation, status, elapsedMs / 1000);
    const latencyMs = Math.round(elapsedMs * 100) / 100;
    const rl = req.log;
    // requestId first: the same line as the request's child logger would write.
    if (rl instanceof LazyRequestLogger) rl.request(req.id, operation, req.method, status, latencyMs);
    else rl.info({ operation, method: req.method, status, latencyMs }, 'request');
  };
  const onResponseLog = (req: FastifyRequest, reply: FastifyReply, done: () => void) => {
    requestDone(req, reply.statusCode, reply.elapsedTime);
    done();
  };
  // Routes log through an onResponse hook of their own (added here to every route but the API's, which logs
  // itself when it has replied: a hook would cost response listeners and a hook run per request). Routes
  // registered by plugins get it too (onRoute is inherited by child scopes).
  app.addHook('onRoute', (route) => {
    if ((route.config as { selfLogged?: boolean } | undefined)?.selfLogged) return;
    const own = route.onResponse;
    const hooks = own === undefined ? [] : Array.isArray(own) ? own : [own];
    // (a GET route's automatic HEAD route is made from the GET's options: it has the hook already)
    if (!hooks.includes(onResponseLog as never)) route.onResponse = [...hooks, onResponseLog] as never;
  });
  /** For replies sent where no onResponse hook runs (the API route, the not-found handler, framework errors). */
  const selfLoggedDone = (req: FastifyRequest, reply: FastifyReply) => {
    if (selfLogged(req)) requestDone(req, reply.statusCode, performance.now() - req.coalesceStart);
  };
  app.setErrorHandler((err: unknown, req, reply) => {
    // Fastify's own 4xx (body too large, unreadable body…) keep their status in the AWS shape.
    const fe = err as { statusCode?: number; code?: string; message?: string };
    if (!(err instanceof AwsError) && typeof fe.statusCode === 'number' && fe.statusCode >= 400 && fe.statusCode < 500) {
      const message = fe.code === 'FST_ERR_CTP_BODY_TOO_LARGE'
        ? `Request body is larger than the limit of ${config.bodyLimit} bytes`
        : `Bad request: ${fe.message ?? 'unreadable request'}`;
      sendError(reply, { status: fe.statusCode, code: 'BadRequestException', message });
      selfLoggedDone(req, reply);
      return reply;
    }
    const e = toErrorBody(err);
    if (e.internal) req.log.error({ err }, 'unexpected error');
    sendError(reply, e);
    selfLoggedDone(req, reply);
    return reply;
  });
  app.setNotFoundHandler((req, reply) => {
    sendError(reply, { status: 404, code: 'UnknownOperationException', message: `No route matches ${req.method} ${(req.raw.url ?? '').slice(0, 200)}` });
    requestDone(req, reply.statusCode, performance.now() - req.coalesceStart);
  });

  app.get('/health', async (req, reply) => {
    req.coalesceOp = 'health';
    const started = performance.now();
    try {
      // A real read, so that a broken or locked database shows as unhealthy.
      await store.listDomains({ maxResults: 1 });
    } catch (err) {
      req.log.error({ err }, 'health check: store read failed');
      return reply.code(503).send({ status: 'error', service: 'coalesce', version: VERSION, store: 'unavailable' });
    }
    return {
      status: 'ok', service: 'coalesce', version: VERSION, auth: config.auth ? 'sigv4' : 'none',
      store: 'ok', storeLatencyMs: Math.round((performance.now() - started) * 100) / 100,
      uptimeSeconds: Math.round(process.uptime()),
    };
  });
  app.get('/metrics', async (req, reply) => {
    req.coalesceOp = 'metrics';
    reply.header('content-type', metrics.registry.contentType);
    return metrics.registry.metrics();
  });

  const api = {
    router,
    codec,
    handlers: options.handlers ?? defaultHandlers,
    auth,
    rateLimiter: new RateLimiter(config.rateLimit),
    bodyLimit: config.bodyLimit,
    opContext: deps.opContext,
    requestDone: (req: FastifyRequest, reply: FastifyReply) => requestDone(req, reply.statusCode, performance.now() - req.coalesceStart),
  };
  try {
    await registerApiRoutes(app, api);
    const plugins = [...(options.defaultPlugins === false ? [] : serverPlugins), ...(options.plugins ?? [])];
    for (const plugin of plugins) await plugin(app, deps);
    await app.listen({ port: config.port, host: config.host });
    for (const fn of startHooks) await fn();
    // Startup lines (e.g. the --no-auth warning) are written before the caller announces the server.
    ownDestination?.flushNow();
  } catch (err) {
    await app.close().catch(() => {});
    await store.close().catch(() => {});
    throw err;
  }

  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : config.port;
  const urlHost = config.host.includes(':') ? `[${config.host}]` : config.host === '0.0.0.0' ? '127.0.0.1' : config.host;
  let closing: Promise<void> | undefined;
  return {
    url: `http://${urlHost}:${port}`,
    port,
    host: config.host,
    store,
    app,
    deps,
    close: () =>
      (closing ??= (async () => {
        for (const fn of [...closeHooks].reverse()) {
          try {
            await fn();
          } catch (err) {
            log.error({ err }, 'error in a close hook');
          }
        }
        await app.close();
        await store.close();
        ownDestination?.stop();
      })()),
  };
}

export type { AuthRequest, Authenticator, Principal };
/** The server's log destination (re-exported for scripts/bench-api.ts). */
export { bufferedLogDestination };
