/**
 * Crash rule of upload jobs with a real crash: the compiled server (child process) is SIGKILLed while a job is
 * IN_PROGRESS; the data dir must hold whole batches with matching counts, and a new server resumes the job.
 */
import { rmSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  CreateDomainCommand, CreateUploadJobCommand, GetUploadJobCommand, GetUploadJobPathCommand, StartUploadJobCommand,
  type CustomerProfilesClient, type GetUploadJobCommandOutput,
} from '@aws-sdk/client-customer-profiles';
import { openStore } from '../../src/store/index.js';
import { clientFor, spawnServer } from '../helpers/server.js';

const D = 'crash';
const ROWS = 40000;

async function poll(client: CustomerProfilesClient, jobId: string, until: (j: GetUploadJobCommandOutput) => boolean, ms = 120_000) {
  const end = Date.now() + ms;
  for (;;) {
    const j = await client.send(new GetUploadJobCommand({ DomainName: D, JobId: jobId }));
    if (until(j)) return j;
    if (Date.now() > end) throw new Error(`timed out; last status ${j.Status} ${JSON.stringify(j.ResultsSummary)}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe('upload job and a server crash (SIGKILL)', () => {
  it('leaves whole batches with matching counts, then resumes to exact totals on restart', async () => {
    const first = await spawnServer();
    const dataDir = first.dataDir;
    let jobId = '';
    try {
      const client = clientFor(first.url);
      await client.send(new CreateDomainCommand({ DomainName: D, DefaultExpirationDays: 365 }));
      ({ JobId: jobId } = (await client.send(new CreateUploadJobCommand({
        DomainName: D, DisplayName: 'crash.csv', UniqueKey: 'id',
        Fields: { id: { Source: '_source.id', Target: '_profile.AccountNumber' }, fn: { Source: '_source.fn', Target: '_profile.FirstName' } },
      }))) as { JobId: string });
      const { Url } = await client.send(new GetUploadJobPathCommand({ DomainName: D, JobId: jobId }));
      const body = `id,fn\n${Array.from({ length: ROWS }, (_, i) => `k${i},Name${i}`).join('\n')}\n`;
      expect((await fetch(Url!, { method: 'PUT', body })).status).toBe(200);
      await client.send(new StartUploadJobCommand({ DomainName: D, JobId: jobId }));
      const mid = await poll(client, jobId, (j) => (j.ResultsSummary?.CreatedRecords ?? 0) > 0 || j.Status !== 'IN_PROGRESS');
      expect(mid.Status).toBe('IN_PROGRESS'); // caught mid-job
      client.destroy();
    } finally {
      await first.kill();
    }

    const store = await openStore(dataDir);
    const crashed = (await store.getUploadJob(D, jobId))!;
    const stats = await store.getDomainStats(D);
    await store.close();
    expect(crashed.status).toBe('IN_PROGRESS');
    expect(crashed.createdRecords % 5000).toBe(0);
    expect(crashed.createdRecords).toBeGreaterThan(0);
    expect(stats.profileCount).toBe(crashed.createdRecords); // nothing half-written, counts match the data

    const second = await spawnServer({ dataDir });
    try {
      const client = clientFor(second.url);
      const done = await poll(client, jobId, (j) => j.Status !== 'IN_PROGRESS');
      expect(done).toMatchObject({ Status: 'SUCCEEDED', ResultsSummary: { CreatedRecords: ROWS, UpdatedRecords: 0, FailedRecords: 0 } });
      client.destroy();
    } finally {
      await second.stop();
    }
    const after = await openStore(dataDir);
    expect((await after.getDomainStats(D)).profileCount).toBe(ROWS);
    // Predefined keys (here `_account`) of rows committed before and after the crash: the batches defer them to the
    // key backlog, which the resumed job's write worker indexed before the job ended.
    expect(await after.hasKeyBacklog()).toBe(false);
    for (const i of [0, crashed.createdRecords - 1, crashed.createdRecords, ROWS - 1]) {
      expect(await after.findProfileIdsByKey(D, { keyName: '_account', value: `k${i}` })).toHaveLength(1);
    }
    await after.close();
    rmSync(dataDir, { recursive: true, force: true });
  }, 240_000);
});
