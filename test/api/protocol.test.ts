import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  BadRequestException, CreateDomainCommand, GetDomainCommand, InternalServerException, ListDomainsCommand,
  ListRecommenderRecipesCommand, ListTagsForResourceCommand, ResourceNotFoundException, TagResourceCommand, UntagResourceCommand,
} from '@aws-sdk/client-customer-profiles';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { signedFetch } from './signed-fetch.js';

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
