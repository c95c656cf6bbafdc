import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ListDomainsCommand } from '@aws-sdk/client-customer-profiles';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { generateCases, type FuzzCase } from './fuzz-cases.js';
import { signedFetch, type RawResponse } from './signed-fetch.js';

const BODY_LIMIT = 256 * 1024;

describe('fuzz: invalid requests generated from the model', () => {
  let t: TestServer;
  beforeAll(async () => {
    t = await startTestServer({ bodyLimit: BODY_LIMIT });
  });
  afterAll(async () => t?.close());

  it('every invalid request gets an AWS-shaped 4xx, never a 5xx, and the server stays healthy', async () => {
    const cases: FuzzCase[] = generateCases();
    for (const op of ['CreateProfile', 'PutProfileObject', 'CreateDomain', 'UpdateDomain', 'SearchProfiles']) {
      const c = cases.find((x) => x.op === op && x.body !== undefined)!;
      cases.push({ ...c, what: 'oversize body', body: JSON.stringify({ Pad: 'x'.repeat(BODY_LIMIT + 10) }) });
    }
    expect(cases.length).toBeGreaterThanOrEqual(2000);
    expect(new Set(cases.map((c) => c.op)).size).toBeGreaterThanOrEqual(100);

    const failures: string[] = [];
    const statusCount = new Map<number, number>();
    let next = 0;
    const worker = async () => {
      while (next < cases.length) {
        const c = cases[next++]!;
        let res: RawResponse;
        try {
          res = await signedFetch(t.url, { method: c.method, path: c.path, query: c.query, body: c.body, headers: c.headers });
        } catch (err) {
          failures.push(`${c.op} ${c.what}: request failed: ${(err as Error).message}`);
          continue;
        }
        statusCount.set(res.status, (statusCount.get(res.status) ?? 0) + 1);
        const problems: string[] = [];
        if (res.status < 400 || res.status >= 500) problems.push(`status ${res.status}`);
        if (!res.headers.get('x-amzn-errortype')) problems.push('no x-amzn-ErrorType');
        if (!res.headers.get('x-amzn-requestid')) problems.push('no x-amzn-RequestId');
        if (typeof res.json?.Message !== 'string') problems.push('body is not {"Message": ...}');
        // Validation runs before the handler lookup: an invalid request never reaches "not implemented".
        if (/is not implemented by Coalesce/.test(res.json?.Message ?? '')) problems.push('passed validation');
        if (problems.length) failures.push(`${c.op} ${c.what}: ${problems.join(', ')} — ${res.text.slice(0, 200)}`);
      }
    };
    await Promise.all(Array.from({ length: 8 }, worker));
    expect(failures.slice(0, 20)).toEqual([]);
    expect(statusCount.get(403) ?? 0).toBe(0);
    expect(statusCount.get(400)).toBeGreaterThan(2000);

    const health = await fetch(`${t.url}/health`);
    expect(health.status).toBe(200);
    const ok = await t.client.send(new ListDomainsCommand({}));
    expect(ok.$metadata.httpStatusCode).toBe(200);
    // Nothing invalid was written.
    expect(ok.Items ?? []).toEqual([]);
  });
});
