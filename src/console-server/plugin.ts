/**
 * The console's server side (a ServerPlugin, see src/server.ts): the built front end at /console, the session
 * endpoints under /console/api, and the session authenticator pushed onto the API's authenticator chain, so that
 * the console calls the very same REST operations as the SDKs. Choices are explained in docs/console.md.
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import fastifyStatic from '@fastify/static';
import { serialize } from 'cookie';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { ServerPlugin } from '../server.js';
import { sendError, toErrorBody } from '../api/reply.js';
import { notFound } from '../errors.js';
import { ConsoleSessionAuthenticator, CSRF_HEADER, SESSION_COOKIE, sessionIdOf } from './authenticator.js';
import { consoleOptionsFromEnv, type ConsoleOptions } from './config.js';
import { sameSecret, SessionStore } from './sessions.js';
import { SignInLimiter } from './sign-in-limiter.js';

/** Content-Security-Policy of the console: everything from our own origin, nothing inline, no framing. */
const CSP = [
  "default-src 'self'", "script-src 'self'", "style-src 'self'", "img-src 'self' data:", "connect-src 'self'",
  "font-src 'self'", "object-src 'none'", "base-uri 'none'", "form-action 'self'", "frame-ancestors 'none'",
].join('; ');

/** dist/console, whether this module runs compiled (dist/console-server) or from source (src/console-server). */
export function defaultStaticDir(): string | undefined {
  // From source, ../console is the console's *source* (with its own index.html): only a compiled module uses it.
  const compiled = import.meta.url.endsWith('.js');
  for (const rel of ['../../dist/console/', ...(compiled ? ['../console/'] : [])]) {
    const dir = fileURLToPath(new URL(rel, import.meta.url));
    if (existsSync(`${dir}index.html`)) return dir;
  }
  return undefined;
}

function consoleError(reply: FastifyReply, status: number, code: string, message: string) {
  return reply.code(status).header('x-amzn-ErrorType', code).header('cache-control', 'no-store').send({ code, Message: message });
}

export function createConsolePlugin(overrides: Partial<ConsoleOptions> = {}): ServerPlugin {
  return async (app, deps) => {
    const opts: ConsoleOptions = { ...consoleOptionsFromEnv(), ...overrides };
    const now = opts.now ?? Date.now;
    const sessions = new SessionStore({ idleMs: opts.idleMs, maxAgeMs: opts.maxAgeMs, now });
    const limiter = new SignInLimiter(opts.maxFailedSignIns, opts.failedSignInWindowMs, now);
    const authRequired = deps.config.auth;
    if (authRequired) deps.authenticators.push(new ConsoleSessionAuthenticator(sessions));

    const isHttps = (req: FastifyRequest) =>
      req.protocol === 'https' || String(req.headers['x-forwarded-proto'] ?? '').split(',')[0]?.trim() === 'https';
    const secure = (req: FastifyRequest) => opts.secureCookie === 'always' || (opts.secureCookie === 'auto' && isHttps(req));
    const cookie = (req: FastifyRequest, value: string, clear = false) =>
      serialize(SESSION_COOKIE, value, {
        httpOnly: true, sameSite: 'strict', path: '/', secure: secure(req), ...(clear ? { maxAge: 0 } : {}),
      });

    /** Refuses cross-site sign-in attempts (login CSRF): the browser's Origin / Sec-Fetch-Site must be ours. */
    const sameOrigin = (req: FastifyRequest) => {
      const site = req.headers['sec-fetch-site'];
      if (site !== undefined && site !== 'same-origin' && site !== 'none') return false;
      const origin = req.headers.origin;
      if (origin === undefined) return true;
      try {
        return new URL(origin).host === req.headers.host;
      } catch {
        return false;
      }
    };

    await app.register(async (scope) => {
      scope.addHook('onRequest', async (req, reply) => {
        req.coalesceOp = `console ${req.routeOptions.url ?? ''}`.trim();
        reply.header('x-content-type-options', 'nosniff');
        reply.header('referrer-policy', 'no-referrer');
        reply.header('x-frame-options', 'DENY');
        reply.header('content-security-policy', CSP);
      });

      scope.get('/console/api/session', async (req, reply) => {
        reply.header('cache-control', 'no-store');
        if (!authRequired) return { authRequired: false, signedIn: true };
        const s = sessions.get(sessionIdOf(req.headers), false);
        if (!s) return { authRequired: true, signedIn: false };
        return { authRequired: true, signedIn: true, accessKeyId: s.accessKeyId, csrfToken: s.csrfToken, expiresAt: s.expiresAt };
      });

      scope.post('/console/api/sign-in', async (req, reply) => {
        if (!authRequired) return consoleError(reply, 400, 'BadRequestException', 'Authentication is off (--no-auth): there is nothing to sign in to');
        if (!sameOrigin(req)) return consoleError(reply, 403, 'AccessDeniedException', 'Cross-site sign-in requests are refused');
        const wait = limiter.retryAfterMs(req.ip);
        if (wait > 0) {
          reply.header('retry-after', Math.ceil(wait / 1000));
          return consoleError(reply, 429, 'ThrottlingException', `Too many failed sign-ins from this address; try again in ${Math.ceil(wait / 1000)} s`);
        }
        const body = req.body as { accessKeyId?: unknown; secretAccessKey?: unknown } | undefined;
        const id = body?.accessKeyId;
        const secret = body?.secretAccessKey;
        if (typeof id !== 'string' || typeof secret !== 'string' || !id || !secret || id.length > 256 || secret.length > 1024) {
          return consoleError(reply, 400, 'BadRequestException', 'Send {"accessKeyId": "...", "secretAccessKey": "..."} as JSON');
        }
        // Every configured pair is compared (no early exit), secrets in constant time.
        let ok = false;
        for (const c of deps.config.credentials) if (sameSecret(c.accessKeyId, id) && sameSecret(c.secretAccessKey, secret)) ok = true;
        if (!ok) {
          limiter.fail(req.ip);
          req.log.warn({ accessKeyId: id.slice(0, 64) }, 'console sign-in refused');
          return consoleError(reply, 401, 'AccessDeniedException', 'The access key ID or secret access key is not correct');
        }
        limiter.succeed(req.ip);
        const { id: sid, session } = sessions.create(id);
        req.log.info({ accessKeyId: id }, 'console sign-in');
        reply.header('set-cookie', cookie(req, sid)).header('cache-control', 'no-store');
        return { authRequired: true, signedIn: true, accessKeyId: id, csrfToken: session.csrfToken, expiresAt: session.expiresAt };
      });

      scope.post('/console/api/sign-out', async (req, reply) => {
        const sid = sessionIdOf(req.headers);
        const s = sessions.get(sid, false);
        const csrf = req.headers[CSRF_HEADER];
        if (s && (typeof csrf !== 'string' || !sameSecret(csrf, s.csrfToken))) {
          return consoleError(reply, 403, 'AccessDeniedException', `Sign-out needs the session's CSRF token in the ${CSRF_HEADER} header`);
        }
        sessions.delete(sid);
        reply.header('set-cookie', cookie(req, '', true)).header('cache-control', 'no-store');
        return { authRequired, signedIn: false };
      });

      /**
       * Server-measured stage timings of a job (kept by the jobs area, not part of GetIdentityResolutionJob).
       * Authenticated with the API's own chain (console session + CSRF header, or SigV4).
       */
      scope.get<{ Params: { domain: string; jobId: string } }>(
        '/console/api/domains/:domain/identity-resolution-jobs/:jobId/run',
        async (req, reply) => {
          try {
            await deps.authenticate(req);
            const { domain, jobId } = req.params;
            const job = await deps.store.getJob(domain, jobId);
            if (!job) throw notFound(`Identity resolution job ${jobId} does not exist in domain ${domain}.`);
            const run = await deps.store.getJobRun(domain, jobId);
            reply.header('cache-control', 'no-store');
            return { JobId: jobId, Kind: run?.kind, StageTimingsMs: run?.stageTimings ?? {}, ExportError: run?.exportError };
          } catch (err) {
            const e = toErrorBody(err);
            if (e.internal) req.log.error({ err }, 'console job run details failed');
            return sendError(reply, e);
          }
        },
      );

      const dir = opts.staticDir ?? defaultStaticDir();
      scope.get('/console', async (_req, reply) => reply.redirect('/console/', 302));
      if (!dir || !existsSync(`${dir.replace(/\/?$/, '/')}index.html`)) {
        deps.log.warn('the web console is not built (dist/console is missing): run `npm run build`');
        const notBuilt = async (_req: FastifyRequest, reply: FastifyReply) =>
          reply.code(503).type('text/plain; charset=utf-8')
            .send('The Coalesce web console is not built. Run `npm run build` (it builds dist/console) and restart the server.\n');
        scope.get('/console/', notBuilt);
        scope.get('/console/*', notBuilt);
        return;
      }
      await scope.register(fastifyStatic, {
        root: dir,
        prefix: '/console/',
        index: ['index.html'],
        cacheControl: false,
        setHeaders(res, path) {
          // File names under assets/ carry a content hash: cache them for good; always revalidate the page itself.
          res.setHeader('cache-control', /[\\/]assets[\\/]/.test(path) ? 'public, max-age=31536000, immutable' : 'no-cache');
        },
      });
    });
  };
}

export const consolePlugin: ServerPlugin = createConsolePlugin();
