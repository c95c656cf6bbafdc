/** Constraint messages for nested members, enums, ranges, list sizes and map keys, through the official SDK. */
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pino } from 'pino';
import {
  BadRequestException, CreateDomainCommand, CreateProfileCommand, DeleteProfileCommand, GetIdentityResolutionJobCommand,
  ResourceNotFoundException, SearchProfilesCommand, TagResourceCommand, UpdateDomainCommand,
} from '@aws-sdk/client-customer-profiles';
import { startTestServer, type TestServer } from '../helpers/server.js';

describe('validation messages', () => {
  let t: TestServer;
  const logLines: any[] = [];
  beforeAll(async () => {
    const sink = new Writable({
      write(chunk, _enc, cb) {
        for (const line of String(chunk).split('\n')) if (line.trim()) logLines.push(JSON.parse(line));
        cb();
      },
    });
    t = await startTestServer({ logger: pino({ level: 'info' }, sink) });
    await t.client.send(new CreateDomainCommand({ DomainName: 'val', DefaultExpirationDays: 10 }));
  });
  afterAll(async () => t?.close());

  const message = async (p: Promise<unknown>) => {
    const err = await p.then(() => undefined, (e) => e);
    expect(err).toBeInstanceOf(BadRequestException);
    return err.message as string;
  };

  it('names nested member paths, enum sets and numeric ranges', async () => {
    const msg = await message(t.client.send(new UpdateDomainCommand({
      DomainName: 'val',
      Matching: {
        Enabled: true,
        AutoMerging: {
          Enabled: true,
          ConflictResolution: { ConflictResolvingModel: 'NEWEST' as never },
          MinAllowedConfidenceScoreForMerging: 1.5,
        },
      },
    })));
    expect(msg).toMatch(/^2 validation errors detected: /);
    expect(msg).toContain("Value 'NEWEST' at 'matching.autoMerging.conflictResolution.conflictResolvingModel' failed to satisfy constraint: Member must satisfy enum value set: [RECENCY, SOURCE]");
    expect(msg).toContain("Value '1.5' at 'matching.autoMerging.minAllowedConfidenceScoreForMerging' failed to satisfy constraint: Member must have value less than or equal to 1");
  });

  it('requires ids (JobId, ProfileId) to be exactly 32 lowercase hex digits', async () => {
    const hex = '0123456789abcdef0123456789abcdef';
    for (const bad of [`${hex}x`, `x${hex}`, hex.toUpperCase(), hex.slice(1)]) {
      const msg = await message(t.client.send(new GetIdentityResolutionJobCommand({ DomainName: 'val', JobId: bad })));
      expect(msg).toContain(`Value '${bad}' at 'jobId' failed to satisfy constraint: Member must satisfy regular expression pattern: [a-f0-9]{32}`);
      await message(t.client.send(new DeleteProfileCommand({ DomainName: 'val', ProfileId: bad })));
    }
    // A well-formed id that does not exist is a ResourceNotFoundException, not a validation error.
    const err = await t.client.send(new GetIdentityResolutionJobCommand({ DomainName: 'val', JobId: hex })).then(() => undefined, (e) => e);
    expect(err).toBeInstanceOf(ResourceNotFoundException);
  });

  it('checks list sizes and items of nested lists', async () => {
    const tooMany = Array.from({ length: 11 }, () => ['EmailAddress']);
    const msg = await message(t.client.send(new UpdateDomainCommand({
      DomainName: 'val',
      Matching: { Enabled: true, AutoMerging: { Enabled: true, Consolidation: { MatchingAttributesList: tooMany } } },
    })));
    expect(msg).toContain("at 'matching.autoMerging.consolidation.matchingAttributesList' failed to satisfy constraint: Member must have length less than or equal to 10");
    const empty = await message(t.client.send(new UpdateDomainCommand({
      DomainName: 'val',
      Matching: { Enabled: true, AutoMerging: { Enabled: true, Consolidation: { MatchingAttributesList: [[]] } } },
    })));
    expect(empty).toContain("at 'matching.autoMerging.consolidation.matchingAttributesList.1.member' failed to satisfy constraint: Member must have length greater than or equal to 1");
  });

  it('checks map keys (AWS "Map keys must satisfy constraint" form)', async () => {
    const msg = await message(t.client.send(new TagResourceCommand({
      resourceArn: 'arn:aws:profile:us-east-1:000000000000:domains/val',
      tags: { 'aws:reserved': 'x' },
    })));
    expect(msg).toBe("1 validation error detected: Value 'aws:reserved' at 'tags' failed to satisfy constraint: Map keys must satisfy constraint: [Member must satisfy regular expression pattern: ^(?!aws:)[a-zA-Z+-=._:/]+$]");
  });

  it('redacts sensitive values in messages', async () => {
    const plain = await message(t.client.send(new SearchProfilesCommand({ DomainName: 'val', KeyName: '_email', Values: ['x'.repeat(256)] })));
    expect(plain).toMatch(/Value 'x{200}\.\.\.' at 'values.1.member' failed to satisfy constraint: Member must have length less than or equal to 255/);
    const secret = await message(t.client.send(new CreateProfileCommand({ DomainName: 'val', FirstName: 'S'.repeat(256) })));
    expect(secret).toBe("1 validation error detected: Value '*** Sensitive Data Redacted ***' at 'firstName' failed to satisfy constraint: Member must have length less than or equal to 255");
  });

  it('logs one structured line per request with request id, operation, status and latency', async () => {
    const err = await t.client.send(new CreateDomainCommand({ DomainName: 'val', DefaultExpirationDays: 0 })).catch((e) => e);
    const requestId = err.$metadata.requestId;
    const line = logLines.find((l) => l.requestId === requestId && l.msg === 'request');
    expect(line).toMatchObject({ operation: 'CreateDomain', method: 'POST', status: 400 });
    expect(typeof line.latencyMs).toBe('number');
  });
});
