/**
 * MatchProfile (extension): one profile matched against the latest job's profiles through the job's saved
 * blocking-key index and model — through a real server, generated profiles loaded with the official SDK, a real job.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CreateProfileCommand, DeleteProfileCommand, MergeProfilesCommand, type CustomerProfilesClient } from '@aws-sdk/client-customer-profiles';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { ExtensionError, matchProfile, startIdentityResolutionJob, type ProfileMatchOutput } from '../../src/jobs/client.js';
import { explainGroup } from '../../src/engine/index.js';
import { generateRecords } from '../../src/engine/generate/index.js';
import { createDomainWithTypes, loadRecords, waitForJob, type LoadRecord } from './fixtures.js';

const D = 'match-one';
const records: LoadRecord[] = [...generateRecords(700, 23)].map((r) => ({
  recordId: r.profile.id, data: r.profile.data, source: '_api', updatedAt: r.updatedAt, entityId: r.entityId,
}));
// Held out: records whose person has other records loaded — "new" profiles that should find them.
const entityCount = new Map<string, number>();
for (const r of records) entityCount.set(r.entityId, (entityCount.get(r.entityId) ?? 0) + 1);
const held = records.filter((r) => entityCount.get(r.entityId)! >= 2).filter((_, i) => i % 4 === 0).slice(0, 40);
const heldIds = new Set(held.map((r) => r.recordId));
const loaded = records.filter((r) => !heldIds.has(r.recordId));

describe('MatchProfile', () => {
  let t: TestServer;
  let client: CustomerProfilesClient;
  let ext: { endpoint: string; region: string; credentials: TestServer['credentials'] };
  let profileIdOf: Map<string, string>;
  let jobId: string;
  const entityOfProfile = new Map<string, Set<string>>();

  /** The entities whose records a live profile holds (a profile merged by the job holds several records). */
  async function entitiesOf(profileId: string): Promise<Set<string>> {
    if (entityOfProfile.size === 0) {
      const live = await t.server.store.resolveLiveProfileIds(D, [...profileIdOf.values()]);
      for (const r of loaded) {
        const id = live.get(profileIdOf.get(r.recordId)!);
        if (!id) continue;
        if (!entityOfProfile.has(id)) entityOfProfile.set(id, new Set());
        entityOfProfile.get(id)!.add(r.entityId);
      }
    }
    return entityOfProfile.get(profileId) ?? new Set();
  }

  const fields = (r: LoadRecord) => r.data as Record<string, unknown>;

  beforeAll(async () => {
    t = await startTestServer();
    client = t.client;
    ext = { endpoint: t.url, region: 'us-east-1', credentials: t.credentials };
    await createDomainWithTypes(client, D, {
      Enabled: true,
      AutoMerging: {
        Enabled: true, Consolidation: { MatchingAttributesList: [['EmailAddress'], ['PhoneNumber', 'LastName']] },
        ConflictResolution: { ConflictResolvingModel: 'RECENCY' }, MinAllowedConfidenceScoreForMerging: 0.5,
      },
    });
    profileIdOf = await loadRecords(client, t.server.store, D, loaded);
  }, 120_000);
  afterAll(async () => { await t?.close(); });

  it('answers ResourceNotFoundException before any job saved an index', async () => {
    const err = await matchProfile(ext, D, { Profile: fields(held[0]!) }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ExtensionError);
    expect((err as ExtensionError).code).toBe('ResourceNotFoundException');
    expect((err as ExtensionError).message).toMatch(/run a job first/);
  });

  it('finds the held-out profiles\' people after a job, with the job\'s model', async () => {
    jobId = (await startIdentityResolutionJob(ext, D)).JobId;
    const { job } = await waitForJob(client, D, jobId);
    expect(job.Status, job.Message).toBe('COMPLETED');
    expect(job.JobStats!.NumberOfMergesDone).toBeGreaterThan(0);
    const model = await t.server.store.getJobModel(D, jobId);

    let found = 0, wrong = 0, checked = 0;
    for (const r of held) {
      const out = await matchProfile(ext, D, { Profile: fields(r) });
      expect(out.JobId).toBe(jobId);
      expect(out.CandidatesCompared).toBeGreaterThanOrEqual(out.Matches.length);
      const probs = out.Matches.map((m) => m.Probability);
      expect(probs).toEqual([...probs].sort((x, y) => y - x));
      if (out.Matches.some((m) => m.Probability >= 0.5)) {
        const top = out.Matches[0]!;
        if ((await entitiesOf(top.ProfileId)).has(r.entityId)) found++;
        else wrong++;
      }
      // The same evidence as the engine gives for the two profiles with the job's model (one code path).
      for (const m of out.Matches.slice(0, 2)) {
        const live = (await t.server.store.getProfile(D, m.ProfileId))!;
        const direct = explainGroup(model, [{ id: 'input', data: r.data }, { id: live.profileId, data: live.data }])[0]!;
        expect(m.Probability).toBe(direct.probability);
        expect(m.Attributes.map((a) => a.Level)).toEqual(direct.attributes.map((a) => a.level));
        expect(m.BlockingRules.length).toBeGreaterThan(0);
        checked++;
      }
    }
    expect(checked).toBeGreaterThan(10);
    expect(found / held.length).toBeGreaterThanOrEqual(0.8);
    expect(wrong).toBeLessThanOrEqual(3);
  });

  it('presents a candidate merged by the job as the live profile it was merged into, with its MatchId', async () => {
    const live = await t.server.store.resolveLiveProfileIds(D, [...profileIdOf.values()]);
    const mergedAway = [...profileIdOf].filter(([, id]) => live.get(id) !== id && live.get(id) !== undefined);
    expect(mergedAway.length).toBeGreaterThan(0);
    const [recordId, id] = mergedAway[0]!;
    const r = loaded.find((x) => x.recordId === recordId)!;
    const out = await matchProfile(ext, D, { Profile: fields(r), MinProbability: 0 });
    const ids = out.Matches.map((m) => m.ProfileId);
    expect(ids).not.toContain(id); // merged away: not presented as live
    const main = out.Matches.find((m) => m.ProfileId === live.get(id));
    expect(main).toBeDefined();
    expect(main!.MatchId).toMatch(/^[a-f0-9]{32}$/);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('follows a manual merge after the job: the candidate is presented as the profile it was merged into', async () => {
    const r = held[4]!;
    const before = await matchProfile(ext, D, { Profile: fields(r), MinProbability: 0, MaxResults: 100 });
    const x = before.Matches[0]!.ProfileId;
    const candidates = new Set(before.Matches.map((m) => m.ProfileId));
    const live = await t.server.store.resolveLiveProfileIds(D, [...profileIdOf.values()]);
    const y = [...new Set(live.values())].find((id) => id !== undefined && !candidates.has(id))!;
    expect(y).toBeDefined();
    await client.send(new MergeProfilesCommand({ DomainName: D, MainProfileId: y, ProfileIdsToBeMerged: [x] }));
    const after = await matchProfile(ext, D, { Profile: fields(r), MinProbability: 0, MaxResults: 100 });
    const ids = after.Matches.map((m) => m.ProfileId);
    expect(ids).not.toContain(x);
    expect(ids).toContain(y);
    expect(after.Matches.find((m) => m.ProfileId === y)!.BlockingRules)
      .toEqual(expect.arrayContaining(before.Matches[0]!.BlockingRules));
  });

  it('matches a stored profile by ProfileId (created after the job), never itself', async () => {
    const r = held[1]!;
    const created = await client.send(new CreateProfileCommand({ DomainName: D, ...(r.data as object) }));
    const out = await matchProfile(ext, D, { ProfileId: created.ProfileId });
    expect(out.Matches.map((m) => m.ProfileId)).not.toContain(created.ProfileId);
    const byFields = await matchProfile(ext, D, { Profile: fields(r) });
    expect(out.Matches.map((m: ProfileMatchOutput) => [m.ProfileId, m.Probability]))
      .toEqual(byFields.Matches.map((m) => [m.ProfileId, m.Probability]));
    await client.send(new DeleteProfileCommand({ DomainName: D, ProfileId: created.ProfileId! }));
  });

  it('applies MinProbability and MaxResults', async () => {
    const r = held[2]!;
    const all = await matchProfile(ext, D, { Profile: fields(r), MinProbability: 0, MaxResults: 100 });
    expect(all.Matches.length).toBe(Math.min(100, all.CandidatesCompared));
    const one = await matchProfile(ext, D, { Profile: fields(r), MinProbability: 0, MaxResults: 1 });
    expect(one.Matches).toEqual(all.Matches.slice(0, 1));
    const strict = await matchProfile(ext, D, { Profile: fields(r), MinProbability: 0.999999 });
    expect(strict.Matches.every((m) => m.Probability >= 0.999999)).toBe(true);
  });

  it('refuses bad requests with AWS-shaped errors', async () => {
    const code = (p: Promise<unknown>) => p.then(() => 'ok', (e: ExtensionError) => `${e.status} ${e.code}`);
    expect(await code(matchProfile(ext, D, {}))).toBe('400 BadRequestException');
    expect(await code(matchProfile(ext, D, { ProfileId: 'a'.repeat(32), Profile: { FirstName: 'x' } }))).toBe('400 BadRequestException');
    expect(await code(matchProfile(ext, D, { ProfileId: 'b'.repeat(32) }))).toBe('404 ResourceNotFoundException');
    expect(await code(matchProfile(ext, D, { ProfileId: 'not-an-id' }))).toBe('400 BadRequestException');
    expect(await code(matchProfile(ext, D, { Profile: { FirstName: 'x' }, MinProbability: 2 }))).toBe('400 BadRequestException');
    expect(await code(matchProfile(ext, D, { Profile: { FirstName: 'x' }, MaxResults: 0 }))).toBe('400 BadRequestException');
    expect(await code(matchProfile(ext, D, { Profile: { FirstName: 7 } }))).toBe('400 BadRequestException');
    expect(await code(matchProfile(ext, 'no-such-domain', { Profile: { FirstName: 'x' } }))).toBe('404 ResourceNotFoundException');
  });

  it('uses the newest job\'s index after another job, and keeps only that one', async () => {
    const second = (await startIdentityResolutionJob(ext, D)).JobId;
    const { job } = await waitForJob(client, D, second);
    expect(job.Status, job.Message).toBe('COMPLETED');
    // Concurrent first calls after the new job (they share one load of its index).
    const outs = await Promise.all(held.slice(3, 8).map((r) => matchProfile(ext, D, { Profile: fields(r) })));
    expect(outs.map((o) => o.JobId)).toEqual(outs.map(() => second));
    const out = await matchProfile(ext, D, { Profile: fields(held[3]!) });
    expect(out).toEqual(outs[0]);
    expect(await t.server.store.keyIndexJobId(D)).toBe(second);
    const stored = await t.server.store.loadJobKeyIndex(D);
    expect(stored!.jobId).toBe(second);
  });
});
