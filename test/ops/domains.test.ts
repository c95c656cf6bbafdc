import {
  BadRequestException, CreateDomainCommand, DeleteDomainCommand, GetDomainCommand, ListDomainsCommand,
  ListTagsForResourceCommand, ResourceNotFoundException, TagResourceCommand, UntagResourceCommand, UpdateDomainCommand,
  CreateProfileCommand, PutProfileObjectTypeCommand,
} from '@aws-sdk/client-customer-profiles';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../helpers/server.js';
import type { JobsService } from '../../src/ops/types.js';

let t: TestServer;
const matchingChanges: string[] = [];
let jobsFail = false;
// The jobs service is another area's component; here only the notification contract is observed.
const jobs: JobsService = {
  async onMatchingChanged(d) {
    matchingChanges.push(d);
    if (jobsFail) throw new Error('jobs down');
  },
  async startNow() { return '0'.repeat(32); },
};

beforeAll(async () => { t = await startTestServer({ jobs, defaultPlugins: false }); });
afterAll(async () => { await t?.close(); });

const matching = {
  Enabled: true,
  JobSchedule: { DayOfTheWeek: 'MONDAY' as const, Time: '03:30' },
  AutoMerging: {
    Enabled: true,
    Consolidation: { MatchingAttributesList: [['FirstName', 'LastName', 'EmailAddress'], ['Address.City', 'Attributes.loyalty']] },
    ConflictResolution: { ConflictResolvingModel: 'SOURCE' as const, SourceName: 'crm' },
    MinAllowedConfidenceScoreForMerging: 0.8,
  },
  ExportingConfig: { S3Exporting: { S3BucketName: 'my-bucket', S3KeyName: 'exports' } },
};

describe('domains', () => {
  it('creates, reads (with Stats) and lists a domain', async () => {
    const created = await t.client.send(new CreateDomainCommand({
      DomainName: 'dom-a', DefaultExpirationDays: 30, Matching: matching, Tags: { team: 'x' },
      DeadLetterQueueUrl: 'https://sqs.example/q',
    }));
    expect(created.DomainName).toBe('dom-a');
    expect(created.DefaultExpirationDays).toBe(30);
    expect(created.Matching).toEqual(matching);
    expect(created.Tags).toEqual({ team: 'x' });
    expect(created.CreatedAt).toBeInstanceOf(Date);
    expect(created.DeadLetterQueueUrl).toBe('https://sqs.example/q');
    expect(matchingChanges).toContain('dom-a');

    await t.client.send(new CreateProfileCommand({ DomainName: 'dom-a', FirstName: 'Ann' }));
    const got = await t.client.send(new GetDomainCommand({ DomainName: 'dom-a' }));
    expect(got.Stats?.ProfileCount).toBe(1);
    expect(got.Stats?.MeteringProfileCount).toBe(1);
    expect(got.Stats?.ObjectCount).toBe(0);
    expect(got.Stats?.TotalSize).toBeGreaterThan(0);
    expect(got.Matching).toEqual(matching);
    expect(got.CreatedAt?.getTime()).toBe(created.CreatedAt?.getTime());
  });

  it('rejects a duplicate domain and unknown domains', async () => {
    await expect(t.client.send(new CreateDomainCommand({ DomainName: 'dom-a', DefaultExpirationDays: 1 })))
      .rejects.toBeInstanceOf(BadRequestException);
    const err = await t.client.send(new GetDomainCommand({ DomainName: 'nope' })).catch((e) => e);
    expect(err).toBeInstanceOf(ResourceNotFoundException);
    expect(err.message).toContain('nope');
    await expect(t.client.send(new UpdateDomainCommand({ DomainName: 'nope', DefaultExpirationDays: 3 })))
      .rejects.toBeInstanceOf(ResourceNotFoundException);
    await expect(t.client.send(new DeleteDomainCommand({ DomainName: 'nope' }))).rejects.toBeInstanceOf(ResourceNotFoundException);
  });

  it('validates Matching semantics', async () => {
    const bad = async (m: object) => t.client.send(new CreateDomainCommand({ DomainName: 'dom-bad', DefaultExpirationDays: 1, Matching: m as never }))
      .catch((e) => e);
    let e = await bad({ Enabled: true, AutoMerging: { Enabled: true, ConflictResolution: { ConflictResolvingModel: 'SOURCE' } } });
    expect(e).toBeInstanceOf(BadRequestException);
    expect(e.message).toContain('SourceName');
    e = await bad({ Enabled: true, AutoMerging: { Enabled: true, Consolidation: { MatchingAttributesList: [['FirstName', 'ShoeSize']] } } });
    expect(e).toBeInstanceOf(BadRequestException);
    expect(e.message).toContain('ShoeSize');
    e = await bad({ Enabled: true, AutoMerging: { Enabled: true, Consolidation: { MatchingAttributesList: [['Address.Planet']] } } });
    expect(e).toBeInstanceOf(BadRequestException);
    e = await bad({ Enabled: true, AutoMerging: { Enabled: true, Consolidation: { MatchingAttributesList: [['Attributes.']] } } });
    expect(e).toBeInstanceOf(BadRequestException);
    // Nothing was written.
    await expect(t.client.send(new GetDomainCommand({ DomainName: 'dom-bad' }))).rejects.toBeInstanceOf(ResourceNotFoundException);
  });

  it('updates: absent members kept, empty strings clear, Matching replaced as a whole, jobs notified', async () => {
    await t.client.send(new CreateDomainCommand({
      DomainName: 'dom-u', DefaultExpirationDays: 10, DefaultEncryptionKey: 'arn:aws:kms:us-east-1:123456789012:key/k',
      DeadLetterQueueUrl: 'https://sqs.example/dlq', Tags: { a: '1' },
    }));
    matchingChanges.length = 0;
    let u = await t.client.send(new UpdateDomainCommand({ DomainName: 'dom-u', DefaultExpirationDays: 20, Tags: { b: '2' } }));
    expect(u.DefaultExpirationDays).toBe(20);
    expect(u.DefaultEncryptionKey).toBe('arn:aws:kms:us-east-1:123456789012:key/k');
    expect(u.Tags).toEqual({ a: '1', b: '2' });
    expect(u.Matching).toBeUndefined();
    expect(matchingChanges).toEqual([]);

    u = await t.client.send(new UpdateDomainCommand({ DomainName: 'dom-u', Matching: matching, DeadLetterQueueUrl: '' }));
    expect(u.Matching).toEqual(matching);
    expect(u.DeadLetterQueueUrl).toBeUndefined();
    expect(u.DefaultExpirationDays).toBe(20);
    expect(matchingChanges).toEqual(['dom-u']);

    u = await t.client.send(new UpdateDomainCommand({ DomainName: 'dom-u', Matching: { Enabled: false } }));
    expect(u.Matching).toEqual({ Enabled: false });
    const got = await t.client.send(new GetDomainCommand({ DomainName: 'dom-u' }));
    expect(got.Matching).toEqual({ Enabled: false });
    expect(got.LastUpdatedAt!.getTime()).toBeGreaterThanOrEqual(got.CreatedAt!.getTime());

    // A failing jobs service does not fail the update.
    jobsFail = true;
    try {
      u = await t.client.send(new UpdateDomainCommand({ DomainName: 'dom-u', Matching: { Enabled: true } }));
      expect(u.Matching).toEqual({ Enabled: true });
    } finally {
      jobsFail = false;
    }
  });

  it('lists with pagination', async () => {
    for (let i = 0; i < 5; i++) {
      await t.client.send(new CreateDomainCommand({ DomainName: `page-${i}`, DefaultExpirationDays: 1 }));
    }
    const names: string[] = [];
    let token: string | undefined;
    let pages = 0;
    do {
      const r = await t.client.send(new ListDomainsCommand({ MaxResults: 2, NextToken: token }));
      expect(r.Items!.length).toBeLessThanOrEqual(2);
      names.push(...r.Items!.map((d) => d.DomainName!));
      for (const d of r.Items!) expect(d.CreatedAt).toBeInstanceOf(Date);
      token = r.NextToken;
      pages++;
    } while (token);
    expect(names).toEqual([...names].sort());
    expect(names.filter((n) => n.startsWith('page-'))).toEqual(['page-0', 'page-1', 'page-2', 'page-3', 'page-4']);
    expect(pages).toBeGreaterThanOrEqual(4);
    const e = await t.client.send(new ListDomainsCommand({ NextToken: 'forged.token' })).catch((x) => x);
    expect(e).toBeInstanceOf(BadRequestException);
  });

  it('tags domains and object types by ARN', async () => {
    const account = t.server.deps.config.accountId;
    const domainArn = `arn:aws:profile:us-east-1:${account}:domains/dom-a`;
    await t.client.send(new TagResourceCommand({ resourceArn: domainArn, tags: { env: 'prod', team: 'y' } }));
    let tags = await t.client.send(new ListTagsForResourceCommand({ resourceArn: domainArn }));
    expect(tags.tags).toEqual({ team: 'y', env: 'prod' });
    await t.client.send(new UntagResourceCommand({ resourceArn: domainArn, tagKeys: ['team'] }));
    tags = await t.client.send(new ListTagsForResourceCommand({ resourceArn: domainArn }));
    expect(tags.tags).toEqual({ env: 'prod' });
    expect((await t.client.send(new GetDomainCommand({ DomainName: 'dom-a' }))).Tags).toEqual({ env: 'prod' });

    await t.client.send(new PutProfileObjectTypeCommand({ DomainName: 'dom-a', ObjectTypeName: 'crm', Description: 'CRM', Tags: { k: 'v' } }));
    const typeArn = `${domainArn}/object-types/crm`;
    await t.client.send(new TagResourceCommand({ resourceArn: typeArn, tags: { k2: 'v2' } }));
    expect((await t.client.send(new ListTagsForResourceCommand({ resourceArn: typeArn }))).tags).toEqual({ k: 'v', k2: 'v2' });

    await expect(t.client.send(new ListTagsForResourceCommand({ resourceArn: `arn:aws:profile:us-east-1:${account}:domains/missing` })))
      .rejects.toBeInstanceOf(ResourceNotFoundException);
    await expect(t.client.send(new ListTagsForResourceCommand({ resourceArn: `${domainArn}/object-types/missing` })))
      .rejects.toBeInstanceOf(ResourceNotFoundException);
    await expect(t.client.send(new ListTagsForResourceCommand({ resourceArn: 'arn:aws:profile:us-east-1:999999999999:domains/dom-a' })))
      .rejects.toBeInstanceOf(ResourceNotFoundException);
    await expect(t.client.send(new ListTagsForResourceCommand({ resourceArn: 'arn:aws:profile:us-east-1:123:something/else' })))
      .rejects.toBeInstanceOf(BadRequestException);
  });

  it('deletes a domain and everything in it', async () => {
    await t.client.send(new CreateDomainCommand({ DomainName: 'dom-d', DefaultExpirationDays: 1 }));
    const { ProfileId } = await t.client.send(new CreateProfileCommand({ DomainName: 'dom-d', FirstName: 'Z' }));
    const del = await t.client.send(new DeleteDomainCommand({ DomainName: 'dom-d' }));
    expect(del.Message).toContain('dom-d');
    await expect(t.client.send(new GetDomainCommand({ DomainName: 'dom-d' }))).rejects.toBeInstanceOf(ResourceNotFoundException);
    expect(await t.server.store.getProfile('dom-d', ProfileId!)).toBeUndefined();
    // Re-created empty.
    await t.client.send(new CreateDomainCommand({ DomainName: 'dom-d', DefaultExpirationDays: 1 }));
    expect((await t.client.send(new GetDomainCommand({ DomainName: 'dom-d' }))).Stats?.ProfileCount).toBe(0);
  });
});
