/**
 * Identity-resolution operations (jobs area): GetMatches, MergeProfiles, GetAutoMergingPreview and the extensions
 * StartIdentityResolutionJob and GetMatchExplanation. Rules in docs/jobs.md.
 */
import type { AutoMerging, MatchItem, Operations } from '../api/generated/types.js';
import { badRequest, notFound } from '../errors.js';
import { fieldSourcesToUnits, resolveManual } from '../jobs/fields.js';
import { loadEngine } from '../jobs/engine.js';
import { previewCounts, type PlannerProfile } from '../jobs/planner.js';
import type { EngineProfile, PairEvidence } from '../engine/types.js';
import type { ProfileData, StoredProfile } from '../model/profile.js';
import { compact, nowMs, performedBy, requireDomain, toDate } from './common.js';
import type { OpContext } from './types.js';

type In<Op extends keyof Operations> = Operations[Op]['input'];
type Out<Op extends keyof Operations> = Operations[Op]['output'];

/** Groups sampled by GetAutoMergingPreview (all groups when the latest job found fewer). */
export const PREVIEW_SAMPLE_SIZE = 1000;

interface MatchesToken { j: string; s: number }

function encodeToken(t: MatchesToken): string {
  return Buffer.from(JSON.stringify(t)).toString('base64url');
}

function decodeToken(text: string): MatchesToken {
  try {
    const t = JSON.parse(Buffer.from(text, 'base64url').toString('utf8')) as MatchesToken;
    if (typeof t.j === 'string' && /^[a-f0-9]{32}$/.test(t.j) && Number.isInteger(t.s) && t.s >= 0) return t;
  } catch { /* fall through */ }
  throw badRequest('The NextToken is not valid.');
}

export async function getMatches(input: In<'GetMatches'>, ctx: OpContext): Promise<Out<'GetMatches'>> {
  const domainName = input.DomainName;
  await requireDomain(ctx, domainName);
  const limit = input.MaxResults ?? 100;
  const token = input.NextToken ? decodeToken(input.NextToken) : undefined;
  const jobId = token?.j ?? (await ctx.store.latestCompletedJobId(domainName));
  if (!jobId) return { Matches: [], PotentialMatches: 0 };
  const job = await ctx.store.getJob(domainName, jobId);
  if (!job) throw badRequest('The NextToken refers to identity resolution results that no longer exist.');
  const matches: MatchItem[] = [];
  let after = token?.s ?? 0;
  let more = false;
  // Groups whose profiles were merged or deleted since the job are presented with their live profiles only.
  while (matches.length < limit) {
    const page = await ctx.store.listJobMatches(domainName, jobId, after, limit - matches.length + 1);
    if (page.length === 0) break;
    const live = await ctx.store.resolveLiveProfileIds(domainName, page.flatMap((g) => g.profileIds));
    for (const g of page) {
      if (matches.length === limit) { more = true; break; }
      after = g.seq;
      const ids = [...new Set(g.profileIds.map((id) => live.get(id)).filter((x): x is string => x !== undefined))];
      if (ids.length >= 2) matches.push({ MatchId: g.matchId, ProfileIds: ids, ConfidenceScore: g.confidenceScore });
    }
    if (more) break;
  }
  if (!more && matches.length === limit) more = (await ctx.store.listJobMatches(domainName, jobId, after, 1)).length > 0;
  return compact({
    Matches: matches,
    MatchGenerationDate: toDate(job.jobEndTime ?? job.lastUpdatedAt),
    PotentialMatches: await ctx.store.countJobMatches(domainName, jobId),
    NextToken: more ? encodeToken({ j: jobId, s: after }) : undefined,
  });
}

export async function mergeProfiles(input: In<'MergeProfiles'>, ctx: OpContext): Promise<Out<'MergeProfiles'>> {
  const domainName = input.DomainName;
  await requireDomain(ctx, domainName);
  const main = input.MainProfileId;
  const others = [...new Set(input.ProfileIdsToBeMerged)];
  if (others.includes(main)) throw badRequest('ProfileIdsToBeMerged must not contain the MainProfileId.');
  const sources = fieldSourcesToUnits(input.FieldSourceProfileIds as Record<string, unknown> | undefined);
  for (const [unit, id] of sources) {
    if (id !== main && !others.includes(id)) {
      throw badRequest(`FieldSourceProfileIds.${unit} names profile ${id}, which is neither the MainProfileId nor in ProfileIdsToBeMerged.`);
    }
  }
  const view = (p: StoredProfile) => ({ profileId: p.profileId, data: p.data, meta: p.meta, createdAt: p.createdAt, updatedAt: p.updatedAt });
  await ctx.store.mergeProfiles(domainName, main, others,
    (m, merged) => resolveManual(view(m), merged.map(view), sources), nowMs(ctx), performedBy(ctx));
  return { Message: 'Success!' };
}

/** A deterministic sample of a job's groups: every group when there are few, else PREVIEW_SAMPLE_SIZE spread by a seeded shuffle. */
async function sampleGroups(ctx: OpContext, domainName: string, jobId: string) {
  const n = await ctx.store.countJobMatches(domainName, jobId);
  if (n <= PREVIEW_SAMPLE_SIZE) return ctx.store.listJobMatches(domainName, jobId, 0, n);
  let seed = parseInt(jobId.slice(0, 8), 16) || 1;
  const rnd = () => ((seed = (Math.imul(seed ^ (seed >>> 15), 0x2c1b3c6d) + 0x6d2b79f5) >>> 0) / 2 ** 32);
  const picked = new Set<number>();
  while (picked.size < PREVIEW_SAMPLE_SIZE) picked.add(1 + Math.floor(rnd() * n));
  const out = [];
  for (const seq of [...picked].sort((a, b) => a - b)) out.push(...(await ctx.store.listJobMatches(domainName, jobId, seq - 1, 1)));
  return out;
}

export async function getAutoMergingPreview(input: In<'GetAutoMergingPreview'>, ctx: OpContext): Promise<Out<'GetAutoMergingPreview'>> {
  const domainName = input.DomainName;
  await requireDomain(ctx, domainName);
  const jobId = await ctx.store.latestCompletedJobId(domainName);
  if (!jobId) return { DomainName: domainName, NumberOfMatchesInSample: 0, NumberOfProfilesInSample: 0, NumberOfProfilesWillBeMerged: 0 };
  const groups = await sampleGroups(ctx, domainName, jobId);
  const profiles = new Map<string, PlannerProfile>();
  const ids = [...new Set(groups.flatMap((g) => g.profileIds))];
  for (let i = 0; i < ids.length; i += 500) {
    for (const p of await ctx.store.getProfiles(domainName, ids.slice(i, i + 500))) profiles.set(p.profileId, p);
  }
  const settings: AutoMerging = compact({
    Enabled: true, Consolidation: input.Consolidation, ConflictResolution: input.ConflictResolution,
    MinAllowedConfidenceScoreForMerging: input.MinAllowedConfidenceScoreForMerging,
  });
  return { DomainName: domainName, ...previewCounts(groups, (id) => profiles.get(id), settings) };
}

export async function startIdentityResolutionJob(input: In<'StartIdentityResolutionJob'>, ctx: OpContext): Promise<Out<'StartIdentityResolutionJob'>> {
  await requireDomain(ctx, input.DomainName);
  return { JobId: await ctx.jobs.startNow(input.DomainName) };
}

/** The engine's per-attribute evidence in the extensions' wire shape (values cut to the model's 1,000 characters). */
export function attributeEvidence(attrs: PairEvidence['attributes']) {
  const opt = (v: string | undefined) => (v === undefined || v === '' ? undefined : v.slice(0, 1000));
  return attrs.map((a) => compact({ Attribute: a.attribute, Level: a.level, Weight: a.weight, ValueA: opt(a.valueA), ValueB: opt(a.valueB) }));
}

/** Profile content for an explanation: live, or as it was when merged away (its DELETED_BY_MERGE history record). */
async function contentForExplanation(ctx: OpContext, domainName: string, id: string): Promise<ProfileData | undefined> {
  const p = await ctx.store.getProfile(domainName, id);
  if (p) return p.data;
  const h = await ctx.store.listHistory(domainName, id, { actionType: 'DELETED_BY_MERGE' }, { maxResults: 1 });
  const rec = h.items[0];
  if (!rec) return undefined;
  const { ProfileId: _id, ...data } = JSON.parse(rec.content) as ProfileData & { ProfileId?: string };
  return data;
}

export async function getMatchExplanation(input: In<'GetMatchExplanation'>, ctx: OpContext): Promise<Out<'GetMatchExplanation'>> {
  const domainName = input.DomainName;
  await requireDomain(ctx, domainName);
  const jobId = await ctx.store.latestCompletedJobId(domainName);
  const group = jobId ? await ctx.store.getJobMatch(domainName, jobId, input.MatchId) : undefined;
  if (!jobId || !group) throw notFound(`Match ${input.MatchId} is not in the latest identity resolution results of domain ${domainName}.`);
  const model = await ctx.store.getJobModel(domainName, jobId);
  if (model === undefined) throw notFound(`The model of job ${jobId} is not available.`);
  const profiles: EngineProfile[] = [];
  for (const id of group.profileIds) {
    const data = await contentForExplanation(ctx, domainName, id);
    if (data) profiles.push({ id, data });
  }
  const engine = await loadEngine();
  const pairs = engine.explainGroup(model, profiles);
  return {
    MatchId: group.matchId, JobId: jobId, ConfidenceScore: group.confidenceScore, ProfileIds: group.profileIds,
    Pairs: pairs.map((p) => ({
      ProfileIdA: p.a, ProfileIdB: p.b, Probability: p.probability, TotalWeight: p.totalWeight,
      Attributes: attributeEvidence(p.attributes),
    })),
  };
}
