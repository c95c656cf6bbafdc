/**
 * The console's server side over real HTTP: sign-in against the configured credentials, the session cookie's
 * flags, the CSRF header requirement on API calls, sign-out, idle expiry (injected clock), sign-in throttling,
 * cross-site sign-in refusal, --no-auth, and the static files with their security headers.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ListDomainsCommand } from '@aws-sdk/client-customer-profiles';
import { createConsolePlugin } from '../../src/console-server/plugin.js';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { ensureConsoleBuilt } from './build.js';

let clock = Date.now();
let srv: TestServer;

beforeAll(async () => {
  ensureConsoleBuilt();
  srv = await startTestServer({
    defaultPlugins: false,
    plugins: [createConsolePlugin({ idleMs: 60_000, maxAgeMs: 3_600_000, now: () => clock, maxFailedSignIns: 3, failedSignInWindowMs: 60_000 })],
  });
});
afterAll(async () => srv?.close());

const json = { 'content-type': 'application/json' };

async function signIn(body: unknown, headers: Record<string, string> = {}) {
  const res = await fetch(`${srv.url}/console/api/sign-in`, { method: 'POST', headers: { ...json, ...headers }, body: JSON.stringify(body) });
  return { res, body: (await res.json()) as Record<string, any> };
}

function cookieOf(res: Response): string {
  return res.headers.get('set-cookie')!.split(';')[0]!;
}

describe('console sessions', () => {
  it('refuses wrong credentials with 401 and no cookie', async () => {
    const { res, body } = await signIn({ accessKeyId: srv.credentials.accessKeyId, secretAccessKey: 'wrong-secret-123' });
    expect(res.status).toBe(401);
    expect(res.headers.get('set-cookie')).toBeNull();
    expect(body.Message).toMatch(/not correct/);
    const unknown = await signIn({ accessKeyId: 'AKIDUNKNOWN', secretAccessKey: srv.credentials.secretAccessKey });
    expect(unknown.res.status).toBe(401);
  });

  it('refuses malformed and cross-site sign-ins', async () => {
    expect((await signIn({ accessKeyId: 1 })).res.status).toBe(400);
    const cross = await signIn(srv.credentials, { origin: 'https://evil.example' });
    expect(cross.res.status).toBe(403);
    const fetchSite = await signIn(srv.credentials, { 'sec-fetch-site': 'cross-site' });
    expect(fetchSite.res.status).toBe(403);
  });

  it('signs in: HttpOnly SameSite=Strict cookie; API calls need the CSRF header; sign-out ends the session', async () => {
    const { res, body } = await signIn(srv.credentials);
    expect(res.status).toBe(200);
    const setCookie = res.headers.get('set-cookie')!;
    expect(setCookie).toMatch(/HttpOnly/);
    expect(setCookie).toMatch(/SameSite=Strict/);
    expect(setCookie).not.toMatch(/Secure/); // plain http
    expect(body).toMatchObject({ signedIn: true, accessKeyId: srv.credentials.accessKeyId });
    const cookie = cookieOf(res);

    const session = await (await fetch(`${srv.url}/console/api/session`, { headers: { cookie } })).json();
    expect(session.csrfToken).toBe(body.csrfToken);

    const noCsrf = await fetch(`${srv.url}/domains`, { headers: { cookie } });
    expect(noCsrf.status).toBe(403);
    expect(noCsrf.headers.get('x-amzn-errortype')).toBe('AccessDeniedException');
    const badCsrf = await fetch(`${srv.url}/domains`, { headers: { cookie, 'x-coalesce-csrf': 'x'.repeat(43) } });
    expect(badCsrf.status).toBe(403);
    const create = await fetch(`${srv.url}/domains/console-session-test`, {
      method: 'POST', headers: { ...json, cookie, 'x-coalesce-csrf': body.csrfToken }, body: JSON.stringify({ DefaultExpirationDays: 5 }),
    });
    expect(create.status).toBe(200);
    // The SDK (SigV4) sees what the console created: same API, same store.
    const listed = await srv.client.send(new ListDomainsCommand({}));
    expect(listed.Items?.map((d) => d.DomainName)).toContain('console-session-test');

    // The console's job-run endpoint uses the same authenticator chain.
    const runPath = `${srv.url}/console/api/domains/console-session-test/identity-resolution-jobs/${'0'.repeat(32)}/run`;
    expect((await fetch(runPath)).status).toBe(403);
    expect((await fetch(runPath, { headers: { cookie } })).status).toBe(403);
    const missing = await fetch(runPath, { headers: { cookie, 'x-coalesce-csrf': body.csrfToken } });
    expect(missing.status).toBe(404);
    expect(missing.headers.get('x-amzn-errortype')).toBe('ResourceNotFoundException');

    const out = await fetch(`${srv.url}/console/api/sign-out`, { method: 'POST', headers: { ...json, cookie, 'x-coalesce-csrf': body.csrfToken }, body: '{}' });
    expect(out.status).toBe(200);
    expect(out.headers.get('set-cookie')).toMatch(/Max-Age=0/);
    const after = await fetch(`${srv.url}/domains`, { headers: { cookie, 'x-coalesce-csrf': body.csrfToken } });
    expect(after.status).toBe(403);
    expect((await after.json()).Message).toMatch(/expired or was signed out/);
  });

  it('sets Secure when the request came over https (X-Forwarded-Proto)', async () => {
    const { res } = await signIn(srv.credentials, { 'x-forwarded-proto': 'https' });
    expect(res.headers.get('set-cookie')).toMatch(/; Secure/);
  });

  it('expires idle sessions', async () => {
    const { res, body } = await signIn(srv.credentials);
    const cookie = cookieOf(res);
    const h = { cookie, 'x-coalesce-csrf': body.csrfToken };
    clock += 50_000;
    expect((await fetch(`${srv.url}/domains`, { headers: h })).status).toBe(200); // activity resets the idle timer
    clock += 50_000;
    expect((await fetch(`${srv.url}/domains`, { headers: h })).status).toBe(200);
    clock += 61_000;
    expect((await fetch(`${srv.url}/domains`, { headers: h })).status).toBe(403);
    const s = await (await fetch(`${srv.url}/console/api/session`, { headers: { cookie } })).json();
    expect(s).toMatchObject({ authRequired: true, signedIn: false });
  });

  it('throttles repeated failed sign-ins', async () => {
    clock += 120_000; // forget earlier failures
    for (let i = 0; i < 3; i++) expect((await signIn({ accessKeyId: 'AKIDX', secretAccessKey: 'wrong-wrong' })).res.status).toBe(401);
    const blocked = await signIn(srv.credentials);
    expect(blocked.res.status).toBe(429);
    expect(blocked.res.headers.get('retry-after')).toBeTruthy();
    clock += 61_000;
    expect((await signIn(srv.credentials)).res.status).toBe(200);
  });

  it('serves the built console with a strict Content-Security-Policy', async () => {
    const redirect = await fetch(`${srv.url}/console`, { redirect: 'manual' });
    expect(redirect.status).toBe(302);
    const page = await fetch(`${srv.url}/console/`);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-security-policy')).toMatch(/script-src 'self'/);
    const html = await page.text();
    expect(html).toMatch(/<div id="app">/);
    const asset = /src="(\/console\/assets\/[^"]+\.js)"/.exec(html)?.[1];
    expect(asset).toBeTruthy();
    const js = await fetch(`${srv.url}${asset}`);
    expect(js.status).toBe(200);
    expect(js.headers.get('cache-control')).toMatch(/immutable/);
    expect((await fetch(`${srv.url}/console/nope.js`)).status).toBe(404);
  });
});

describe('console with --no-auth', () => {
  it('needs no sign-in', async () => {
    const s = await startTestServer({ auth: false, credentials: [], defaultPlugins: false, plugins: [createConsolePlugin()] });
    try {
      const session = await (await fetch(`${s.url}/console/api/session`)).json();
      expect(session).toMatchObject({ authRequired: false });
      expect((await fetch(`${s.url}/domains`)).status).toBe(200);
    } finally {
      await s.close();
    }
  });
});
