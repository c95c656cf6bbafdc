import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AccessDeniedException, ListDomainsCommand, ThrottlingException } from '@aws-sdk/client-customer-profiles';
import { connect } from 'node:net';
import { TEST_CREDENTIALS, clientFor, startTestServer, type TestServer } from '../helpers/server.js';
import { encodeQuery, signRequest, signedFetch } from './signed-fetch.js';

describe('SigV4 authentication', () => {
  let t: TestServer;
  beforeAll(async () => {
    t = await startTestServer();
  });
  afterAll(async () => t?.close());

  const listDomains = { method: 'GET', path: '/domains', query: { 'max-results': '10' } };
  const createDomain = (name: string) => ({
    method: 'POST',
    path: `/domains/${name}`,
    body: JSON.stringify({ DefaultExpirationDays: 30 }),
  });

  const expectDenied = (res: { status: number; headers: Headers; json: any }, message: RegExp) => {
    expect(res.status).toBe(403);
    expect(res.headers.get('x-amzn-errortype')).toBe('AccessDeniedException');
    expect(res.headers.get('x-amzn-requestid')).toMatch(/^[0-9a-f-]{36}$/);
    expect(res.json.Message).toMatch(message);
  };

  it('accepts a validly signed request (SDK and raw)', async () => {
    const out = await t.client.send(new ListDomainsCommand({}));
    expect(out.$metadata.httpStatusCode).toBe(200);
    const res = await signedFetch(t.url, listDomains);
    expect(res.status).toBe(200);
    expect(res.json).toHaveProperty('Items');
  });

  it('accepts a signed body and rejects the same request with a modified body', async () => {
    const ok = await signedFetch(t.url, createDomain('authbody1'));
    expect(ok.status).toBe(200);
    const tamper = (r: { body?: string | Buffer }) => void (r.body = JSON.stringify({ DefaultExpirationDays: 31 }));
    // With a declared x-amz-content-sha256 (smithy's default) the declared hash no longer matches the body…
    expectDenied(await signedFetch(t.url, createDomain('authbody2'), { tamper }), /does not match the SHA-256 of the request body/);
    // …without it (botocore's style), the body hash is part of the signature.
    expectDenied(await signedFetch(t.url, createDomain('authbody2'), { tamper, applyChecksum: false }), /signature we calculated does not match/);
    expect((await signedFetch(t.url, createDomain('authbody3'), { applyChecksum: false })).status).toBe(200);
  });

  it('requests checked together (pipelined: one event-loop pass) each get their own verdict', async () => {
    // Header-signed requests read in one pass of the event loop are checked back to back (sigv4.ts checkSoon).
    const url = new URL(t.url);
    const good = await signRequest(t.url, listDomains);
    const bad = await signRequest(t.url, listDomains, { credentials: { accessKeyId: TEST_CREDENTIALS.accessKeyId, secretAccessKey: 'wrong-secret' } });
    const order = [good, bad, bad, good, good, bad, good, bad];
    let text = '';
    for (const r of order) {
      text += `GET ${r.path}?${encodeQuery(r.query)} HTTP/1.1\r\n`;
      for (const [k, v] of Object.entries(r.headers)) text += `${k}: ${v}\r\n`;
      text += '\r\n';
    }
    const statuses = await new Promise<number[]>((resolve, reject) => {
      const socket = connect(Number(url.port), url.hostname, () => socket.write(text));
      let out = '';
      const found: number[] = [];
      socket.setEncoding('latin1');
      socket.on('data', (d: string) => {
        out += d;
        for (;;) {
          const end = out.indexOf('\r\n\r\n');
          const length = /\r\ncontent-length: (\d+)/i.exec(out.slice(0, end));
          if (end < 0 || !length || out.length < end + 4 + Number(length[1])) break;
          found.push(Number(out.slice(9, 12)));
          out = out.slice(end + 4 + Number(length[1]));
        }
        if (found.length === order.length) socket.destroy(), resolve(found);
      });
      socket.on('error', reject);
    });
    expect(statuses).toEqual(order.map((r) => (r === good ? 200 : 403)));
  });

  it('rejects an unsigned request', async () => {
    const res = await fetch(`${t.url}/domains`);
    const json = await res.json();
    expectDenied({ status: res.status, headers: res.headers, json }, /Missing Authentication Token/);
  });

  it('rejects a wrong secret through the SDK as AccessDeniedException', async () => {
    const bad = clientFor(t.url, { accessKeyId: t.credentials.accessKeyId, secretAccessKey: 'wrong-secret-wrong-secret' });
    const err = await bad.send(new ListDomainsCommand({})).catch((e) => e);
    bad.destroy();
    expect(err).toBeInstanceOf(AccessDeniedException);
    expect(err.message).toMatch(/signature we calculated does not match/);
  });

  it('rejects an unknown access key', async () => {
    const res = await signedFetch(t.url, listDomains, { credentials: { accessKeyId: 'AKIDUNKNOWN000000000', secretAccessKey: 'whatever-secret' } });
    expectDenied(res, /AKIDUNKNOWN000000000' is not known/);
  });

  it('rejects a date skewed by more than 15 minutes, in either direction', async () => {
    for (const offset of [-16 * 60_000, 16 * 60_000]) {
      const res = await signedFetch(t.url, listDomains, { signingDate: new Date(Date.now() + offset) });
      expectDenied(res, /Signature expired/);
    }
    const within = await signedFetch(t.url, listDomains, { signingDate: new Date(Date.now() - 10 * 60_000) });
    expect(within.status).toBe(200);
  });

  it('rejects a modified query string', async () => {
    const res = await signedFetch(t.url, listDomains, { tamper: (r) => void (r.query['max-results'] = '11') });
    expectDenied(res, /signature we calculated does not match/);
    const added = await signedFetch(t.url, listDomains, { tamper: (r) => void (r.query['next-token'] = 'x') });
    expectDenied(added, /signature we calculated does not match/);
  });

  it('rejects a modified path and method', async () => {
    const path = await signedFetch(t.url, { method: 'GET', path: '/domains/aaa' }, { tamper: (r) => void (r.path = '/domains/aab') });
    expectDenied(path, /signature we calculated does not match/);
    const method = await signedFetch(t.url, { method: 'GET', path: '/domains/aaa' }, { tamper: (r) => void (r.method = 'DELETE') });
    expectDenied(method, /signature we calculated does not match/);
  });

  it('rejects a changed signed header and a declared payload hash that does not match the body', async () => {
    const hdr = await signedFetch(t.url, { ...createDomain('authhdr'), headers: { 'x-amz-meta-test': 'a' } }, {
      tamper: (r) => void (r.headers['x-amz-meta-test'] = 'b'),
    });
    expectDenied(hdr, /signature we calculated does not match/);
    const unsigned = await signedFetch(t.url, { ...createDomain('authunsigned'), headers: { 'x-amz-content-sha256': 'UNSIGNED-PAYLOAD' } });
    expectDenied(unsigned, /x-amz-content-sha256 header does not match/);
  });

  it('rejects another service in the credential scope and malformed Authorization headers', async () => {
    const svc = await signedFetch(t.url, listDomains, { service: 's3' });
    expectDenied(svc, /scoped to a valid service/);
    const res = await fetch(`${t.url}/domains`, { headers: { authorization: 'AWS4-HMAC-SHA256 garbage' } });
    expect(res.status).toBe(403);
    const basic = await fetch(`${t.url}/domains`, { headers: { authorization: 'Basic dXNlcjpwYXNz' } });
    expect(basic.status).toBe(403);
    expect((await basic.json()).Message).toMatch(/only AWS4-HMAC-SHA256/);
  });

  it('accepts presigned (query-string) requests and rejects expired or tampered ones', async () => {
    const ok = await signedFetch(t.url, listDomains, { presign: true, expiresIn: 60 });
    expect(ok.status).toBe(200);
    const expired = await signedFetch(t.url, listDomains, { presign: true, expiresIn: 60, signingDate: new Date(Date.now() - 5 * 60_000) });
    expectDenied(expired, /expired/);
    const tampered = await signedFetch(t.url, listDomains, { presign: true, tamper: (r) => void (r.query['max-results'] = '9') });
    expectDenied(tampered, /signature we calculated does not match/);
  });

  it('region comes from the credential scope', async () => {
    const eu = clientFor(t.url, t.credentials, 'eu-west-1');
    const out = await eu.send(new ListDomainsCommand({}));
    eu.destroy();
    expect(out.$metadata.httpStatusCode).toBe(200);
  });
});

describe('rate limiting', () => {
  let t: TestServer;
  beforeAll(async () => {
    // A very slow refill, so that the count does not depend on how fast this machine runs the requests.
    t = await startTestServer({ rateLimit: { ratePerSecond: 0.01, burst: 3 } });
  });
  afterAll(async () => t?.close());

  it('answers ThrottlingException (429) once the access key exhausts its bucket', async () => {
    const results = [];
    for (let i = 0; i < 6; i++) results.push(await t.client.send(new ListDomainsCommand({})).catch((e) => e));
    const throttled = results.filter((r) => r instanceof ThrottlingException);
    expect(throttled).toHaveLength(3);
    expect(throttled[0].$metadata.httpStatusCode).toBe(429);
    expect(throttled[0].message).toMatch(/Rate exceeded: access key AKIDCOALESCETEST0001 is limited to 0.01 requests per second \(burst 3\)/);
    expect(results[0].$metadata.httpStatusCode).toBe(200);
    // Another key has its own bucket (an unknown key is rejected before the limiter: 403, not 429).
    const other = await signedFetch(t.url, { method: 'GET', path: '/domains' }, { credentials: { accessKeyId: 'AKIDOTHER', secretAccessKey: 'x-secret-x' } });
    expect(other.status).toBe(403);
  });
});
