import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  BadRequestException, CreateDomainCommand, GetDomainCommand, InternalServerException, ListDomainsCommand,
  ListRecommenderRecipesCommand, ListTagsForResourceCommand, ResourceNotFoundException, TagResourceCommand, UntagResourceCommand,
} from '@aws-sdk/client-customer-profiles';
import type { ServerPlugin } from '../../src/server.js';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { connect } from 'node:net';
import { signRequest, signedFetch } from './signed-fetch.js';

const BODY_LIMIT = 64 * 1024;

describe('restJson1 protocol through the official SDK and raw HTTP', () => {
  let t: TestServer;
  beforeAll(async () => {
    t = await startTestServer({ bodyLimit: BODY_LIMIT });
  });
  afterAll(async () => t?.close());

  const expectAwsError = (res: { status: number; headers: Headers; json: any }, status: number, code: string, message: RegExp) => {
    expect(res.status).toBe(status);
    expect(res.headers.get('x-amzn-errortype')).toBe(code);
    expect(res.headers.get('x-amzn-requestid')).toMatch(/^[0-9a-f-]{36}$/);
    expect(Object.keys(res.json)).toEqual(['Message']);
    expect(res.json.Message).toMatch(message);
  };

  it('ResourceNotFoundException with the server message for a missing domain', async () => {
    const err = await t.client.send(new GetDomainCommand({ DomainName: 'no-such-domain' })).catch((e) => e);
    expect(err).toBeInstanceOf(ResourceNotFoundException);
    expect(err.$metadata.httpStatusCode).toBe(404);
    expect(err.message).toMatch(/no-such-domain/);
    expect(err.$metadata.requestId).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('operations without a handler answer BadRequestException naming the operation', async () => {
    const err = await t.client.send(new ListRecommenderRecipesCommand({})).catch((e) => e);
    expect(err).toBeInstanceOf(BadRequestException);
    expect(err.message).toBe('ListRecommenderRecipes is not implemented by Coalesce');
  });

  it('validation errors name the member and the rule, AWS style', async () => {
    const err = await t.client.send(new CreateDomainCommand({ DomainName: 'bad name!', DefaultExpirationDays: 0 })).catch((e) => e);
    expect(err).toBeInstanceOf(BadRequestException);
    expect(err.message).toBe(
      "2 validation errors detected: Value 'bad name!' at 'domainName' failed to satisfy constraint: Member must satisfy regular expression pattern: ^[a-zA-Z0-9_-]+$; " +
        "Value '0' at 'defaultExpirationDays' failed to satisfy constraint: Member must have value greater than or equal to 1",
    );
    const long = await t.client.send(new GetDomainCommand({ DomainName: 'a'.repeat(65) })).catch((e) => e);
    expect(long.message).toMatch(/at 'domainName' failed to satisfy constraint: Member must have length less than or equal to 64/);
    const raw = await signedFetch(t.url, { method: 'GET', path: '/domains/d/identity-resolution-jobs/not-a-job-id' });
    expectAwsError(raw, 400, 'BadRequestException', /Value 'not-a-job-id' at 'jobId' failed to satisfy constraint: Member must satisfy regular expression pattern: \[a-f0-9\]\{32\}/);
  });

  it('hostile bodies: validation stops after 100 violations instead of reporting millions', async () => {
    const body = JSON.stringify({ KeyName: '_email', Values: new Array(25_000).fill(1) });
    const res = await signedFetch(t.url, { method: 'POST', path: '/domains/proto-hostile/profiles/search', body });
    expectAwsError(res, 400, 'BadRequestException', /^More than 100 validation errors detected: Value '1' at 'values.1.member' failed to satisfy constraint: Member must be a string;/);
    expect(res.json.Message.length).toBeLessThan(3000);
  });

  it('timestamps are epoch seconds on the wire and Dates in the SDK; unknown members are ignored', async () => {
    const before = Date.now();
    const raw = await signedFetch(t.url, {
      method: 'POST', path: '/domains/proto-ts', body: JSON.stringify({ DefaultExpirationDays: 7, NotAModelMember: { x: 1 } }),
    });
    expect(raw.status).toBe(200);
    expect(raw.headers.get('content-type')).toMatch(/^application\/json/);
    expect(typeof raw.json.CreatedAt).toBe('number');
    expect(raw.json.CreatedAt * 1000).toBeGreaterThanOrEqual(before - 1000);
    expect(raw.json).not.toHaveProperty('NotAModelMember');
    const got = await t.client.send(new GetDomainCommand({ DomainName: 'proto-ts' }));
    expect(got.CreatedAt).toBeInstanceOf(Date);
    expect(got.CreatedAt!.getTime()).toBe(Math.round(raw.json.CreatedAt * 1000));
  });

  it('routes labels with encoded slashes and list query parameters (tags of a domain ARN)', async () => {
    const created = await t.client.send(new CreateDomainCommand({ DomainName: 'proto-tags', DefaultExpirationDays: 7 }));
    expect(created.DomainName).toBe('proto-tags');
    const arn = 'arn:aws:profile:us-east-1:000000000000:domains/proto-tags';
    await t.client.send(new TagResourceCommand({ resourceArn: arn, tags: { team: 'a', env: 'b', keep: 'c' } }));
    await t.client.send(new UntagResourceCommand({ resourceArn: arn, tagKeys: ['team', 'env'] }));
    const tags = await t.client.send(new ListTagsForResourceCommand({ resourceArn: arn }));
    expect(tags.tags).toEqual({ keep: 'c' });
  });

  it('unknown routes and methods answer an AWS-shaped 404', async () => {
    const res = await signedFetch(t.url, { method: 'GET', path: '/no/such/route' });
    expectAwsError(res, 404, 'UnknownOperationException', /No Customer Profiles operation matches GET \/no\/such\/route/);
    const method = await signedFetch(t.url, { method: 'PATCH', path: '/domains/x' });
    expectAwsError(method, 404, 'UnknownOperationException', /No Customer Profiles operation accepts PATCH/);
  });

  it('malformed percent-encoding in the path or query is a 400', async () => {
    const path = await fetch(`${t.url}/domains/%E0%A4%A`);
    expect(path.status).toBe(400);
    expect(path.headers.get('x-amzn-errortype')).toBe('BadRequestException');
    expect(path.headers.get('x-amzn-requestid')).toBeTruthy();
    const query = await fetch(`${t.url}/domains?max-results=%`);
    expect(query.status).toBe(400);
    expect((await query.json()).Message).toBe("Malformed percent-encoding in value of query parameter 'max-results' '%'");
  });

  it('malformed JSON, non-object bodies and non-JSON content types are 400', async () => {
    for (const body of ['{', '{"DefaultExpirationDays":}', '[1,2]', 'null', '"text"']) {
      const res = await signedFetch(t.url, { method: 'POST', path: '/domains/proto-json', body });
      expectAwsError(res, 400, 'BadRequestException', /not valid JSON|must be a JSON object/);
    }
    const xml = await signedFetch(t.url, { method: 'POST', path: '/domains/proto-xml', headers: { 'content-type': 'text/xml' }, body: '<a/>' });
    expectAwsError(xml, 400, 'BadRequestException', /Unsupported Content-Type 'text\/xml'/);
    const wrongType = await signedFetch(t.url, { method: 'POST', path: '/domains/proto-json', body: JSON.stringify({ DefaultExpirationDays: 'seven' }) });
    expectAwsError(wrongType, 400, 'BadRequestException', /Value 'seven' at 'defaultExpirationDays' failed to satisfy constraint: Member must be an integer/);
    const missing = await signedFetch(t.url, { method: 'POST', path: '/domains/proto-json', body: '{}' });
    expectAwsError(missing, 400, 'BadRequestException', /Value null at 'defaultExpirationDays' failed to satisfy constraint: Member must not be null/);
  });

  it('accepts a JSON body without Content-Type', async () => {
    const res = await signedFetch(t.url, { method: 'POST', path: '/domains/proto-notype', headers: { 'content-type': '' }, body: JSON.stringify({ DefaultExpirationDays: 3 }) });
    expect(res.status).toBe(200);
    expect(res.json.DomainName).toBe('proto-notype');
  });

  it(`bodies over the limit (${BODY_LIMIT} bytes here) are refused with 413 in the AWS shape`, async () => {
    const big = JSON.stringify({ DefaultExpirationDays: 1, DeadLetterQueueUrl: 'x'.repeat(BODY_LIMIT) });
    const res = await signedFetch(t.url, { method: 'POST', path: '/domains/proto-big', body: big });
    expectAwsError(res, 413, 'BadRequestException', new RegExp(`larger than the limit of ${BODY_LIMIT} bytes`));
  });

  it('x-amzn-RequestId on every response; /health and /metrics', async () => {
    const health = await fetch(`${t.url}/health`);
    expect(health.status).toBe(200);
    expect(health.headers.get('x-amzn-requestid')).toMatch(/^[0-9a-f-]{36}$/);
    expect(await health.json()).toMatchObject({ status: 'ok' });
    const ok = await signedFetch(t.url, { method: 'GET', path: '/domains' });
    expect(ok.status).toBe(200);
    expect(ok.headers.get('x-amzn-requestid')).toMatch(/^[0-9a-f-]{36}$/);
    const metrics = await (await fetch(`${t.url}/metrics`)).text();
    expect(metrics).toMatch(/coalesce_http_requests_total\{operation="ListDomains",status="200"\} \d+/);
    expect(metrics).toMatch(/coalesce_http_requests_total\{operation="GetDomain",status="404"\} \d+/);
    expect(metrics).toMatch(/coalesce_http_request_duration_seconds_bucket\{le="0.005",operation="ListDomains"\} \d+/);
  });
});

/** Status and header lines (names and order, Date and request ids masked) and body of a raw HTTP/1.1 exchange. */
async function rawExchange(baseUrl: string, method: string, path: string, headers: Record<string, string>, body = ''): Promise<{ head: string[]; body: string }> {
  const url = new URL(baseUrl);
  let text = `${method} ${path} HTTP/1.1\r\nhost: ${url.host}\r\n`;
  for (const [k, v] of Object.entries(headers)) if (k !== 'host') text += `${k}: ${v}\r\n`;
  if (body) text += `content-length: ${Buffer.byteLength(body)}\r\n`;
  text += `\r\n${body}`;
  const raw = await new Promise<string>((resolve, reject) => {
    const socket = connect(Number(url.port), url.hostname, () => socket.write(text));
    let out = '';
    socket.setEncoding('latin1');
    socket.on('data', (d: string) => {
      out += d;
      const end = out.indexOf('\r\n\r\n');
      const length = /\r\ncontent-length: (\d+)/i.exec(out);
      if (end >= 0 && length && out.length >= end + 4 + Number(length[1])) socket.destroy(), resolve(out);
    });
    socket.on('error', reject);
  });
  const [head, rest] = raw.split('\r\n\r\n') as [string, string];
  return {
    head: head.split('\r\n').map((l) => l.replace(/^(date): .*$/i, '$1: *').replace(/^(x-amzn-requestid): [0-9a-f-]{36}$/i, '$1: *')),
    body: rest,
  };
}

describe('response headers as written on the wire', () => {
  let t: TestServer;
  beforeAll(async () => {
    // A plugin scope whose own onRequest hook answers before the route's hooks run.
    const early: ServerPlugin = async (app) => {
      await app.register(async (scope) => {
        scope.addHook('onRequest', async (_req, reply) => reply.code(401).header('x-early', 'yes').send('early'));
        scope.get('/early-reply', async () => 'never');
      });
    };
    t = await startTestServer({ bodyLimit: 100, plugins: [early] });
  });
  afterAll(async () => t?.close());

  it('API replies, the not-found handler, errors and other routes: x-amzn-RequestId first, then what Fastify writes', async () => {
    const created = await signRequest(t.url, { method: 'POST', path: '/domains/wire', body: JSON.stringify({ DefaultExpirationDays: 3 }) });
    const ok = await rawExchange(t.url, 'POST', '/domains/wire', created.headers, created.body as string);
    // The API route writes its reply itself (src/api/reply.ts sendJson): the same lines Fastify's reply.send wrote.
    expect(ok.head).toEqual([
      'HTTP/1.1 200 OK', 'x-amzn-requestid: *', 'content-type: application/json; charset=utf-8',
      `content-length: ${Buffer.byteLength(ok.body)}`, 'Date: *', 'Connection: keep-alive', 'Keep-Alive: timeout=72',
    ]);
    expect(JSON.parse(ok.body).DomainName).toBe('wire');
    const get = await signRequest(t.url, { method: 'GET', path: '/domains/wire/identity-resolution-jobs/0123456789abcdef0123456789abcdef' });
    const missing = await rawExchange(t.url, 'GET', get.path, get.headers);
    expect(missing.head).toEqual([
      'HTTP/1.1 404 Not Found', 'x-amzn-requestid: *', 'x-amzn-errortype: ResourceNotFoundException',
      'content-type: application/json; charset=utf-8', `content-length: ${Buffer.byteLength(missing.body)}`, 'Date: *',
      'Connection: keep-alive', 'Keep-Alive: timeout=72',
    ]);
    const big = await signRequest(t.url, { method: 'POST', path: '/domains/wire2', body: JSON.stringify({ DefaultExpirationDays: 3, DeadLetterQueueUrl: 'x'.repeat(200) }) });
    const tooLarge = await rawExchange(t.url, 'POST', '/domains/wire2', big.headers, big.body as string);
    expect(tooLarge.head.slice(0, 3)).toEqual(['HTTP/1.1 413 Payload Too Large', 'x-amzn-requestid: *', 'connection: close']);
    const unknown = await rawExchange(t.url, 'TRACE', '/health', {});
    expect(unknown.head.slice(0, 3)).toEqual(['HTTP/1.1 404 Not Found', 'x-amzn-requestid: *', 'x-amzn-errortype: UnknownOperationException']);
    const health = await rawExchange(t.url, 'GET', '/health', {});
    expect(health.head.slice(0, 2)).toEqual(['HTTP/1.1 200 OK', 'x-amzn-requestid: *']);
    // A route of a plugin scope whose own onRequest hook sets headers before the route's hook: the id still comes first.
    const consoleRoute = await rawExchange(t.url, 'GET', '/console/api/session', {});
    expect(consoleRoute.head.slice(0, 3)).toEqual(['HTTP/1.1 200 OK', 'x-amzn-requestid: *', 'x-content-type-options: nosniff']);
    // A reply sent by a plugin scope's hook before the route's own hook ran still carries the id.
    const early = await rawExchange(t.url, 'GET', '/early-reply', {});
    expect(early.head[0]).toBe('HTTP/1.1 401 Unauthorized');
    expect(early.head).toContain('x-amzn-requestid: *');
    expect(early.body).toBe('early');
  });
});

describe('unexpected exceptions', () => {
  let t: TestServer;
  beforeAll(async () => {
    // A handler that fails with a plain Error (a bug) must become a generic 500, never leak its message.
    t = await startTestServer({ handlers: { ListDomains: () => { throw new Error('secret internal detail'); } } });
  });
  afterAll(async () => t?.close());

  it('become InternalServerException with a generic message', async () => {
    const err = await t.client.send(new GetDomainCommand({ DomainName: 'x' })).catch((e) => e);
    expect(err.message).toBe('GetDomain is not implemented by Coalesce');
    const res = await signedFetch(t.url, { method: 'GET', path: '/domains' });
    expect(res.status).toBe(500);
    expect(res.headers.get('x-amzn-errortype')).toBe('InternalServerException');
    expect(res.json.Message).not.toMatch(/secret/);
    const sdk = await t.client.send(new ListDomainsCommand({})).catch((e) => e);
    expect(sdk).toBeInstanceOf(InternalServerException);
    expect(sdk.message).toMatch(/internal error occurred in Coalesce/);
  });
});
