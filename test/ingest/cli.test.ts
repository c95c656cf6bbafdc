/** `coalesce import` on files with malformed rows: into a data dir and through a running server (in-process CLI). */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { Command } from 'commander';
import { CreateDomainCommand, SearchProfilesCommand } from '@aws-sdk/client-customer-profiles';
import * as importCmd from '../../src/cli/commands/import.js';
import { openStore } from '../../src/store/index.js';
import { makeTempDir, startTestServer, type TestServer } from '../helpers/server.js';

const BAD_CSV = [
  'customer_id,FirstName,LastName,EmailAddress,Address.City,Gender,shoe',
  'c1,Ann,Lee,ann@x.org,Oslo,FEMALE,42',
  'c2,Bo,"Ng',
  'c3,Cy,Xu,cy@x.org,Rome,male,40',
  'c1,Dup,Dup,d@x.org,Paris,,41',
  'c4,Di,Ko,di@x.org',
  '\uFFFDINVALID',
  `c5,${'E'.repeat(256)},Oz,ed@x.org,Lima,MALE,39`,
  'c6,"Fa, ""the"" Great",Ru,fa@x.org,"São Paulo",,38',
  'c7,,,,,,',
  'c8,Gil,Ma,gil@x.org,Kyiv,UNSPECIFIED,37',
].join('\r\n') + '\r\n';

// Line 7 holds an invalid UTF-8 byte (0xFF) instead of the placeholder.
const badBytes = () => Buffer.from(BAD_CSV.replace('\uFFFDINVALID', '\u0000INVALID'), 'utf8').map((b) => (b === 0 ? 0xff : b));

const EXPECTED_REPORT = [
  'line,reason',
  '3,unbalanced quotes: a quoted field is not closed before line 7 (invalid UTF-8 at byte 1 of the line)',
  '4,"column ""Gender"" (Gender) must be one of MALE, FEMALE, UNSPECIFIED"',
  '5,"duplicate unique key ""c1"" (first on line 2)"',
  '6,"expected 7 columns, found 4"',
  '7,invalid UTF-8 at byte 1 of the line',
  '8,"column ""FirstName"" (FirstName) is 256 characters long; at most 255 allowed"',
  '10,no mapped profile field has a value',
  '',
].join('\n');

async function runCli(args: string[]): Promise<{ out: string; err: string; code: number }> {
  const out: string[] = [];
  const err: string[] = [];
  const log = vi.spyOn(console, 'log').mockImplementation((...a: unknown[]) => { out.push(a.join(' ')); });
  const error = vi.spyOn(console, 'error').mockImplementation((...a: unknown[]) => { err.push(a.join(' ')); });
  const write = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
  process.exitCode = undefined;
  try {
    const program = new Command('coalesce').exitOverride();
    importCmd.register(program);
    await program.parseAsync(['node', 'coalesce', 'import', ...args]);
  } finally {
    log.mockRestore();
    error.mockRestore();
    write.mockRestore();
  }
  const code = Number(process.exitCode ?? 0);
  process.exitCode = undefined;
  return { out: out.join('\n'), err: err.join('\n'), code };
}

let dir: string;
beforeAll(() => {
  dir = makeTempDir('coalesce-import-');
  writeFileSync(join(dir, 'bad.csv'), badBytes());
});

describe('coalesce import into a data dir', () => {
  it('loads the good rows, writes the exact error report and a summary', async () => {
    const dataDir = join(dir, 'data');
    const r = await runCli(['--domain', 'shop', '--file', join(dir, 'bad.csv'), '--data-dir', dataDir, '--create-domain', '--unique-key', 'customer_id']);
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    expect(r.out).toContain('read 10, created 3, updated 0, rejected 7, elapsed');
    expect(r.out).toContain('Ignored columns (not mapped to a profile field): shoe');
    expect(r.out).toContain(`Error report: ${join(dir, 'bad.csv.errors.csv')} (7 rejected rows with line number and reason)`);
    expect(readFileSync(join(dir, 'bad.csv.errors.csv'), 'utf8')).toBe(EXPECTED_REPORT);

    const store = await openStore(dataDir);
    try {
      const [id] = await store.findProfileIdsByKey('shop', { keyName: 'customer_id', value: 'c6' });
      const p = (await store.getProfile('shop', id!))!;
      expect(p.data).toEqual({ FirstName: 'Fa, "the" Great', LastName: 'Ru', EmailAddress: 'fa@x.org', Address: { City: 'São Paulo' } });
      expect(p.meta.FirstName!.source).toMatch(/^_upload:cli-[a-z0-9]+$/);
      // Searchable by its predefined keys once the command is done (the write worker defers and then indexes them).
      expect(await store.findProfileIdsByKey('shop', { keyName: '_email', value: 'FA@x.org' })).toEqual([id]);
      expect(await store.findProfileIdsByKey('shop', { keyName: '_fullName', value: 'Fa, "the" Great Ru' })).toEqual([id]);
      expect(await store.hasKeyBacklog()).toBe(false);
      const history = await store.listHistory('shop', id!, {}, {});
      expect(history.items.map((h) => h.actionType)).toEqual(['CREATED']);
      expect((await store.getDomainStats('shop')).profileCount).toBe(3);
    } finally {
      await store.close();
    }

    // Same file again: the same 3 unique keys update their profiles (nothing new, nothing changed).
    const again = await runCli(['--domain', 'shop', '--file', join(dir, 'bad.csv'), '--data-dir', dataDir, '--unique-key', 'customer_id', '--errors', join(dir, 'again.csv')]);
    expect(again.out).toContain('read 10, created 0, updated 3, rejected 7');
    expect(readFileSync(join(dir, 'again.csv'), 'utf8')).toBe(EXPECTED_REPORT);
  });

  it('maps with a mapping file and reads JSONL', async () => {
    const dataDir = join(dir, 'data2');
    writeFileSync(join(dir, 'map.json'), JSON.stringify({ columns: { given: 'FirstName', town: 'Address.City', tier: 'Attributes.tier' }, uniqueKey: 'id' }));
    writeFileSync(join(dir, 'people.jsonl'), [
      JSON.stringify({ id: 'p1', given: 'Ann', town: 'Oslo', tier: 'gold' }),
      '{"id": "p2", "given": ',
      JSON.stringify({ id: 'p3', given: 'Cy', tier: 7 }),
    ].join('\n'));
    const r = await runCli(['--domain', 'm', '--file', join(dir, 'people.jsonl'), '--data-dir', dataDir, '--create-domain', '--mapping', join(dir, 'map.json')]);
    expect(r.out).toContain('read 3, created 2, updated 0, rejected 1');
    expect(readFileSync(join(dir, 'people.jsonl.errors.csv'), 'utf8')).toMatch(/^line,reason\n2,"?invalid JSON: /);
    const store = await openStore(dataDir);
    try {
      const [id] = await store.findProfileIdsByKey('m', { keyName: 'id', value: 'p3' });
      expect((await store.getProfile('m', id!))!.data).toEqual({ FirstName: 'Cy', Attributes: { tier: '7' } });
    } finally {
      await store.close();
    }
  });

  it('puts each row as an object of the type with --object-type (PutProfileObject semantics)', async () => {
    const dataDir = join(dir, 'data-ot');
    const store = await openStore(dataDir);
    try {
      await store.createDomain({ domainName: 'ot', defaultExpirationDays: 366, tags: {}, createdAt: 1, lastUpdatedAt: 1 });
      await store.putObjectType({
        domainName: 'ot', objectTypeName: 'CRMContact', description: 'crm', allowProfileCreation: true, tags: {},
        fields: {
          contactId: { Source: '_source.contact_id', Target: '_profile.AccountNumber' },
          fn: { Source: '_source.given_name', Target: '_profile.FirstName' },
        },
        keys: { crmId: [{ StandardIdentifiers: ['PROFILE', 'UNIQUE'], FieldNames: ['contactId'] }] },
        createdAt: 1, lastUpdatedAt: 1,
      });
    } finally {
      await store.close();
    }
    writeFileSync(join(dir, 'crm.csv'), 'contact_id,given_name,other\nx1,Ann,z\nx2,Bo,z\nx1,Anna,z\n');
    const r = await runCli(['--domain', 'ot', '--file', join(dir, 'crm.csv'), '--data-dir', dataDir, '--object-type', 'CRMContact']);
    expect(r.out).toContain('read 3, created 2, updated 1, rejected 0');
    const again = await openStore(dataDir);
    try {
      const [id] = await again.findProfileIdsByKey('ot', { keyName: 'crmId', value: 'x2' });
      const p = (await again.getProfile('ot', id!))!;
      expect(p.data).toEqual({ AccountNumber: 'x2', FirstName: 'Bo' });
      expect(p.meta.FirstName!.source).toBe('CRMContact');
      const [ann] = await again.findProfileIdsByKey('ot', { keyName: 'crmId', value: 'x1' });
      expect((await again.getProfile('ot', ann!))!.data.FirstName).toBe('Anna');
      const objects = await again.listProfileObjects('ot', 'CRMContact', ann!, {});
      expect(objects.items.map((o) => JSON.parse(o.object))).toEqual([{ contact_id: 'x1', given_name: 'Anna', other: 'z' }]);
      await again.putObjectType({
        domainName: 'ot', objectTypeName: 'Orders', description: 'orders', allowProfileCreation: false, tags: {},
        fields: { cid: { Source: '_source.contact_id', Target: '_profile.AccountNumber' }, city: { Source: '_source.ship.city', Target: '_profile.ShippingAddress.City' } },
        keys: { crmId: [{ StandardIdentifiers: ['PROFILE'], FieldNames: ['cid'] }] },
        createdAt: 1, lastUpdatedAt: 1,
      });
    } finally {
      await again.close();
    }
    writeFileSync(join(dir, 'orders.csv'), 'contact_id,ship.city\nx2,Oslo\nx9,Rome\n');
    const o = await runCli(['--domain', 'ot', '--file', join(dir, 'orders.csv'), '--data-dir', dataDir, '--object-type', 'Orders']);
    expect(o.out).toContain('read 2, created 0, updated 1, rejected 1');
    expect(readFileSync(join(dir, 'orders.csv.errors.csv'), 'utf8')).toMatch(/^line,reason\n3,.+\n$/);
    const third = await openStore(dataDir);
    try {
      const [bo] = await third.findProfileIdsByKey('ot', { keyName: 'crmId', value: 'x2' });
      expect((await third.getProfile('ot', bo!))!.data).toEqual({ AccountNumber: 'x2', FirstName: 'Bo', ShippingAddress: { City: 'Oslo' } });
    } finally {
      await third.close();
    }
  });

  it('refuses bad usage with exit code 2', async () => {
    const r = await runCli(['--domain', 'nope', '--file', join(dir, 'bad.csv'), '--data-dir', join(dir, 'data3')]);
    expect(r.code).toBe(2);
    expect(r.err).toContain('domain nope does not exist');
    mkdirSync(join(dir, 'x'), { recursive: true });
    writeFileSync(join(dir, 'x', 'f.txt'), 'a');
    expect((await runCli(['--domain', 'd', '--file', join(dir, 'x', 'f.txt'), '--data-dir', join(dir, 'data3')])).err).toContain('use a .csv or .jsonl file');
  });
});

describe('coalesce import through a server', () => {
  let t: TestServer;
  const saved = { ...process.env };
  beforeAll(async () => {
    t = await startTestServer();
    process.env.AWS_ACCESS_KEY_ID = t.credentials.accessKeyId;
    process.env.AWS_SECRET_ACCESS_KEY = t.credentials.secretAccessKey;
    delete process.env.AWS_SESSION_TOKEN;
    delete process.env.AWS_PROFILE;
    await t.client.send(new CreateDomainCommand({ DomainName: 'remote', DefaultExpirationDays: 365 }));
  });
  afterAll(async () => {
    process.env = saved;
    await t?.close();
  });

  it('uploads through the UploadJobs API with the same error report and counts', async () => {
    const report = join(dir, 'remote-errors.csv');
    const r = await runCli(['--domain', 'remote', '--file', join(dir, 'bad.csv'), '--endpoint', t.url, '--unique-key', 'customer_id', '--errors', report]);
    expect(r.err).toBe('');
    expect(r.out).toMatch(/at http:\/\/127\.0\.0\.1:\d+ \(upload job [a-f0-9]{32}\)/);
    expect(r.out).toContain('read 10, created 3, updated 0, rejected 7');
    expect(readFileSync(report, 'utf8')).toBe(EXPECTED_REPORT);
    const found = await t.client.send(new SearchProfilesCommand({ DomainName: 'remote', KeyName: '_email', Values: ['FA@x.org'] }));
    expect(found.Items!.map((p) => [p.FirstName, p.Address?.City])).toEqual([['Fa, "the" Great', 'São Paulo']]);

    const again = await runCli(['--domain', 'remote', '--file', join(dir, 'bad.csv'), '--endpoint', t.url, '--unique-key', 'customer_id', '--errors', report]);
    expect(again.out).toContain('read 10, created 0, updated 3, rejected 7');
  });

  it('needs a unique key', async () => {
    const r = await runCli(['--domain', 'remote', '--file', join(dir, 'bad.csv'), '--endpoint', t.url]);
    expect(r.code).toBe(2);
    expect(r.err).toContain('needs a unique key');
  });
});
