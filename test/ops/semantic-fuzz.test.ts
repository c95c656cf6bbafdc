/**
 * Model-valid but semantically odd requests to the store/operations area: random object types, objects, updates,
 * searches and keys. Every answer must be a success or a 4xx (never InternalServerException), and the server stays
 * consistent (domain stats match the store).
 */
import {
  AddProfileKeyCommand, CreateDomainCommand, CreateProfileCommand, DeleteProfileKeyCommand, GetDomainCommand,
  ListProfileObjectsCommand, PutProfileObjectCommand, PutProfileObjectTypeCommand, SearchProfilesCommand,
  UpdateProfileCommand,
} from '@aws-sdk/client-customer-profiles';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../helpers/server.js';

let t: TestServer;
const D = 'fuzz';
beforeAll(async () => {
  t = await startTestServer({ defaultPlugins: false });
  await t.client.send(new CreateDomainCommand({ DomainName: D, DefaultExpirationDays: 1 }));
});
afterAll(async () => { await t?.close(); });

// Deterministic PRNG so failures reproduce.
let seed = 12345;
const rnd = () => ((seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff);
const pick = <T,>(a: readonly T[]): T => a[Math.floor(rnd() * a.length)];
const WORDS = ['a', 'b', 'email', 'first', '__proto__', 'constructor', 'x.y', 'Address', 'toString', 'ñ', '0', ''];
const TARGETS = ['_profile.FirstName', '_profile.Address.City', '_profile.Attributes.k', '_profile.Attributes.__proto__',
  '_profile.Gender', '_profile.PartyType', '_profile.EmailAddress', '_profile.Nope', '_order.Total', 'profile.X', undefined];
const IDS = ['PROFILE', 'UNIQUE', 'LOOKUP_ONLY', 'NEW_ONLY', 'SECONDARY', 'ASSET', 'CASE', 'ORDER'] as const;
const value = (): unknown => pick([() => pick(WORDS), () => Math.floor(rnd() * 1e6), () => rnd() > 0.5, () => null,
  () => ({ first: pick(WORDS) }), () => [pick(WORDS)], () => 'x'.repeat(Math.floor(rnd() * 300))])();

async function safe(p: Promise<unknown>): Promise<'ok' | '4xx'> {
  try {
    await p;
    return 'ok';
  } catch (e) {
    const err = e as { name?: string; $metadata?: { httpStatusCode?: number }; message?: string };
    expect(err.$metadata?.httpStatusCode, `${err.name}: ${err.message}`).toBeGreaterThanOrEqual(400);
    expect(err.$metadata?.httpStatusCode, `${err.name}: ${err.message}`).toBeLessThan(500);
    return '4xx';
  }
}

describe('semantic fuzz', () => {
  it('never answers 5xx', async () => {
    const outcomes = { ok: 0, '4xx': 0 };
    const types: string[] = [];
    const profiles: string[] = [];
    for (let i = 0; i < 40; i++) {
      const name = `t${i}`;
      const fields: Record<string, { Source: string; Target?: string }> = {};
      const nFields = 1 + Math.floor(rnd() * 4);
      for (let f = 0; f < nFields; f++) {
        fields[pick(['f1', 'f2', 'f3', 'SourceLastUpdatedTimestamp', 'f4'])] = {
          Source: pick(['_source.a', '_source.b.c', '_source.__proto__', '_source.constructor.name', 'a', '_source.', '_source.email']),
          ...(rnd() > 0.2 ? { Target: pick(TARGETS) } : {}),
        };
      }
      const fieldNames = Object.keys(fields);
      const keys: Record<string, Array<{ StandardIdentifiers: (typeof IDS)[number][]; FieldNames: string[] }>> = {};
      if (rnd() > 0.2) keys[pick(['k1', '_email', '_phone', 'k2', '_profileId'])] = [{ StandardIdentifiers: [pick(IDS), pick(IDS)], FieldNames: [pick([...fieldNames, 'missing'])] }];
      const r = await safe(t.client.send(new PutProfileObjectTypeCommand({
        DomainName: D, ObjectTypeName: name, Description: 'fuzz', AllowProfileCreation: rnd() > 0.3, Fields: fields, Keys: keys,
        ...(rnd() > 0.6 ? { SourceLastUpdatedTimestampFormat: pick(["yyyy-MM-dd'T'HH:mm:ssX", 'epoch_millis', 'QQQ', "''"]) } : {}),
      })));
      outcomes[r]++;
      if (r === 'ok') types.push(name);
    }
    expect(types.length).toBeGreaterThan(3);
    for (let i = 0; i < 200; i++) {
      const obj: Record<string, unknown> = { a: value(), b: { c: value() }, email: value(), __proto__x: value() };
      if (rnd() > 0.5) obj.SourceLastUpdatedTimestamp = pick(['2024-01-01T00:00:00Z', '1700000000000', 'nope']);
      const text = rnd() > 0.1 ? JSON.stringify(obj) : pick(['{', '[]', 'null', '"s"', '{"a":1}']);
      outcomes[await safe(t.client.send(new PutProfileObjectCommand({ DomainName: D, ObjectTypeName: pick([...types, 'nosuch']), Object: text })))]++;
    }
    for (let i = 0; i < 30; i++) {
      const r = await t.client.send(new CreateProfileCommand({ DomainName: D, FirstName: pick(WORDS) || 'n', Attributes: { [pick(WORDS) || 'k']: 'v' } }));
      profiles.push(r.ProfileId!);
    }
    for (let i = 0; i < 150; i++) {
      const id = pick([...profiles, 'f'.repeat(32)]);
      const op = Math.floor(rnd() * 5);
      const p =
        op === 0 ? t.client.send(new UpdateProfileCommand({ DomainName: D, ProfileId: id, FirstName: pick(['', 'x', 'ñ']), Address: { City: pick(['', 'c']) }, Attributes: { [pick(WORDS) || 'k']: pick(['', 'v']) } }))
        : op === 1 ? t.client.send(new SearchProfilesCommand({ DomainName: D, KeyName: pick(['_email', '_fullName', 'k1', 'nokey', '_profileId']), Values: [pick(WORDS) || 'v'], ...(rnd() > 0.5 ? { AdditionalSearchKeys: [{ KeyName: pick(['_phone', 'k2']), Values: ['1'] }], LogicalOperator: pick(['AND', 'OR'] as const) } : {}), ...(rnd() > 0.7 ? { NextToken: pick(['x', 'a.b', '']) || undefined } : {}) }))
        : op === 2 ? t.client.send(new AddProfileKeyCommand({ DomainName: D, ProfileId: id, KeyName: pick(['k1', '_assetId', 'nokey', '_profileId']), Values: [pick(WORDS) || 'v'] }))
        : op === 3 ? t.client.send(new DeleteProfileKeyCommand({ DomainName: D, ProfileId: id, KeyName: pick(['k1', '_assetId', '_email']), Values: [pick(WORDS) || 'v'] }))
        : t.client.send(new ListProfileObjectsCommand({ DomainName: D, ProfileId: id, ObjectTypeName: pick([...types, 'nosuch']), ObjectFilter: rnd() > 0.5 ? { KeyName: 'k1', Values: ['a'] } : undefined }));
      outcomes[await safe(p)]++;
    }
    expect(outcomes.ok).toBeGreaterThan(50);
    expect(outcomes['4xx']).toBeGreaterThan(50);
    // Still consistent: the trigger-maintained stats equal a recount.
    const stats = (await t.client.send(new GetDomainCommand({ DomainName: D }))).Stats!;
    const db = (t.server.store as unknown as { db: import('better-sqlite3').Database }).db;
    const count = db.prepare('SELECT COUNT(*) AS n, COALESCE(SUM(length(data)), 0) AS s FROM profiles WHERE domain_name = ?').get(D) as { n: number; s: number };
    const objs = db.prepare('SELECT COUNT(*) AS n, COALESCE(SUM(length(object)), 0) AS s FROM profile_objects WHERE domain_name = ?').get(D) as { n: number; s: number };
    expect(stats.ProfileCount).toBe(count.n);
    expect(stats.ObjectCount).toBe(objs.n);
    expect(stats.TotalSize).toBe(count.s + objs.s);
    expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
  });
});
