/**
 * Exactly one `request` log line (and one metrics count) per request, for every way a reply is made: the API route
 * (which logs itself, synchronously or after its promise), Fastify's error handler on the API route (body over the
 * limit), the not-found handler, and ordinary routes (/health, through their onResponse hook).
 */
import { request as httpRequest } from 'node:http';
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pino } from 'pino';
import { CreateDomainCommand, GetIdentityResolutionJobCommand } from '@aws-sdk/client-customer-profiles';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { signedFetch } from './signed-fetch.js';

const BODY_LIMIT = 2048;
const JOB_ID = 'abcdef0123456789abcdef0123456789';

describe('per-request log line', () => {
  let t: TestServer;
  const lines: any[] = [];
  const requestLines = (id: string | null | undefined) => lines.filter((l) => l.msg === 'request' && l.requestId === id);
  // Lines are written when the reply has been handed to Node: give the log stream a turn before reading.
  const settle = () => new Promise((r) => setTimeout(r, 20));

  beforeAll(async () => {
    const sink = new Writable({
      write(chunk, _enc, cb) {
        for (const line of String(chunk).split('\n')) if (line.trim()) lines.push(JSON.parse(line));
        cb();
      },
    });
    t = await startTestServer({ logger: pino({ level: 'info' }, sink), bodyLimit: BODY_LIMIT });
    await t.client.send(new CreateDomainCommand({ DomainName: 'logs', DefaultExpirationDays: 10 }));
    await t.server.store.createJob({
      domainName: 'logs', jobId: JOB_ID, status: 'COMPLETED', jobStartTime: Date.now() - 1000, lastUpdatedAt: Date.now(),
    });
  });
  afterAll(async () => t?.close());

  it('API route: a cached job poll (synchronous path) and a first read (asynchronous path), one line each', async () => {
    for (let i = 0; i < 3; i++) {
      const out = await t.client.send(new GetIdentityResolutionJobCommand({ DomainName: 'logs', JobId: JOB_ID }));
      await settle();
      const mine = requestLines(out.$metadata.requestId);
      expect(mine).toHaveLength(1);
      expect(mine[0]).toMatchObject({ operation: 'GetIdentityResolutionJob', method: 'GET', status: 200 });
      expect(mine[0].latencyMs).toBeGreaterThanOrEqual(0);
      expect(mine[0].latencyMs).toBeLessThan(60_000);
    }
  });

  it('API route errors: unsigned (403), unknown path (404), body over the limit (413 from the error handler)', async () => {
    const unsigned = await fetch(`${t.url}/domains/logs`);
    const tooLarge = await signedFetch(t.url, { method: 'POST', path: '/domains/logs/profiles', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ FirstName: 'x'.repeat(BODY_LIMIT) }) });
    const unknown = await signedFetch(t.url, { method: 'GET', path: '/no/such/path' });
    await settle();
    for (const [res, status] of [[unsigned, 403], [tooLarge, 413], [unknown, 404]] as const) {
      expect(res.status).toBe(status);
      const mine = requestLines(res.headers.get('x-amzn-requestid'));
      expect(mine).toHaveLength(1);
      expect(mine[0]).toMatchObject({ status });
      expect(mine[0].latencyMs).toBeGreaterThanOrEqual(0);
      expect(mine[0].latencyMs).toBeLessThan(60_000);
    }
  });

  it('not-found handler (a method no route has) and an ordinary route (/health), one line each', async () => {
    const trace = await new Promise<{ status: number; id: string | undefined }>((resolve, reject) => {
      const req = httpRequest(`${t.url}/health`, { method: 'TRACE' }, (res) => {
        res.resume();
        res.on('end', () => resolve({ status: res.statusCode!, id: res.headers['x-amzn-requestid'] as string | undefined }));
      });
      req.on('error', reject);
      req.end();
    });
    const health = await fetch(`${t.url}/health`);
    await health.text();
    await settle();
    expect(trace.status).toBe(404);
    expect(requestLines(trace.id)).toHaveLength(1);
    expect(requestLines(trace.id)[0]).toMatchObject({ method: 'TRACE', status: 404 });
    const healthLines = requestLines(health.headers.get('x-amzn-requestid'));
    expect(healthLines).toHaveLength(1);
    expect(healthLines[0]).toMatchObject({ operation: 'health', method: 'GET', status: 200 });
  });

  it('metrics count every request once', async () => {
    const before = await (await fetch(`${t.url}/metrics`)).text();
    const count = (text: string) => Number(/coalesce_http_requests_total\{operation="GetIdentityResolutionJob",status="200"\} (\d+)/.exec(text)?.[1] ?? 0);
    await t.client.send(new GetIdentityResolutionJobCommand({ DomainName: 'logs', JobId: JOB_ID }));
    await t.client.send(new GetIdentityResolutionJobCommand({ DomainName: 'logs', JobId: JOB_ID }));
    const after = await (await fetch(`${t.url}/metrics`)).text();
    expect(count(after) - count(before)).toBe(2);
  });
});
