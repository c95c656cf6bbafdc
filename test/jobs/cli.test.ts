/** `coalesce jobs start --wait` against a running server (the CLI runs as a child process from source). */
import { afterAll, describe, expect, it } from 'vitest';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { join } from 'node:path';
import { CreateDomainCommand, CreateProfileCommand } from '@aws-sdk/client-customer-profiles';
import { ROOT, startTestServer, type TestServer } from '../helpers/server.js';

const run = promisify(execFile);
let t: TestServer;
afterAll(async () => { await t?.close(); });

function cli(args: string[], env: Record<string, string>) {
  return run(process.execPath, ['--import', 'tsx', join(ROOT, 'src', 'cli', 'main.ts'), ...args], {
    cwd: ROOT, env: { ...process.env, AWS_ACCESS_KEY_ID: '', AWS_SECRET_ACCESS_KEY: '', ...env },
  }).then((r) => ({ code: 0, out: r.stdout + r.stderr }), (e: { code: number; stdout: string; stderr: string }) => ({ code: e.code, out: e.stdout + e.stderr }));
}

describe('coalesce jobs start', () => {
  it('starts a job and follows it to COMPLETED with progress lines', async () => {
    t = await startTestServer();
    await t.client.send(new CreateDomainCommand({ DomainName: 'cli-jobs', DefaultExpirationDays: 10, Matching: { Enabled: true } }));
    await t.client.send(new CreateProfileCommand({ DomainName: 'cli-jobs', FirstName: 'Ann', LastName: 'Lee' }));
    const env = { COALESCE_ACCESS_KEY_ID: t.credentials.accessKeyId, COALESCE_SECRET_ACCESS_KEY: t.credentials.secretAccessKey };
    const r = await cli(['jobs', 'start', '--domain', 'cli-jobs', '--wait', '--interval', '100', '--endpoint', t.url], env);
    expect(r.out).toMatch(/Started identity resolution job [a-f0-9]{32} for domain cli-jobs/);
    expect(r.out).toMatch(/COMPLETED {2}reviewed=1 matches=0 merges=0/);
    expect(r.code).toBe(0);
    const bad = await cli(['jobs', 'start', '--domain', 'no-such-domain', '--endpoint', t.url], env);
    expect(bad.code).toBe(1);
    expect(bad.out).toMatch(/does not exist/);
  });

  it('matches one profile against the job\'s profiles (coalesce match)', async () => {
    const env = { COALESCE_ACCESS_KEY_ID: t.credentials.accessKeyId, COALESCE_SECRET_ACCESS_KEY: t.credentials.secretAccessKey };
    const profile = JSON.stringify({ FirstName: 'Ann', LastName: 'Lee' });
    const r = await cli(['match', '--domain', 'cli-jobs', '--profile', profile, '--min-probability', '0', '--endpoint', t.url], env);
    expect(r.out).toMatch(/Job [a-f0-9]{32}: 1 candidate\(s\) compared, 1 match\(es\)/);
    expect(r.out).toMatch(/^[a-f0-9]{32} {2}p=\d\.\d{4} {2}group=- {2}.*firstName=/m);
    expect(r.code).toBe(0);
    const json = await cli(['match', '--domain', 'cli-jobs', '--profile', profile, '--json', '--endpoint', t.url], env);
    expect(JSON.parse(json.out).CandidatesCompared).toBe(1);
    const both = await cli(['match', '--domain', 'cli-jobs', '--endpoint', t.url], env);
    expect(both.code).toBe(1);
    expect(both.out).toMatch(/exactly one of --profile-id and --profile/);
    const missing = await cli(['match', '--domain', 'cli-jobs', '--profile-id', 'f'.repeat(32), '--endpoint', t.url], env);
    expect(missing.code).toBe(1);
    expect(missing.out).toMatch(/does not exist in domain cli-jobs/);
  });
});
