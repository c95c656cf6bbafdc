/**
 * MatchProfile (Coalesce extension): one profile matched against the profiles of the latest job that saved a
 * blocking-key index — the job's blocking finds the candidates (src/engine/key-index.ts), the job's model scores them
 * through the engine's comparison code. Nothing is written. Rules in docs/jobs.md, "Matching one profile".
 */
import type { Operations } from '../api/generated/types.js';
import { badRequest, notFound } from '../errors.js';
import { loadEngine, type Engine } from '../jobs/engine.js';
import type { EngineProfile } from '../engine/types.js';
import type { Repository } from '../store/repository.js';
import { compact, requireDomain } from './common.js';
import { attributeEvidence } from './matches.js';
import { createInputToData } from './profile-input.js';
import type { OpContext } from './types.js';

type In = Operations['MatchProfile']['input'];
type Out = Operations['MatchProfile']['output'];

const DEFAULT_MAX_RESULTS = 20;

type LoadedIndex = ReturnType<Engine['decodeKeyIndex']> & { jobId: string; model: unknown };

/**
 * Decoded indexes with their job's parsed model per store and domain (a million profiles: ~200 MB in memory; the
 * model's JSON alone takes ~10 ms to parse), reused while the domain's newest index is the same job's. Bounded:
 * at most CACHED_INDEXES domains and CACHED_PROFILES indexed profiles per store (the newest always kept), least
 * recently used dropped first. Concurrent first calls share one load.
 */
const CACHED_INDEXES = 4;
const CACHED_PROFILES = 2_000_000;
const cache = new WeakMap<Repository, Map<string, LoadedIndex>>();
const loading = new WeakMap<Repository, Map<string, Promise<LoadedIndex | undefined>>>();

async function keyIndexOf(store: Repository, domainName: string, engine: Engine): Promise<LoadedIndex | undefined> {
  const jobId = await store.keyIndexJobId(domainName);
  if (!jobId) return undefined;
  let byDomain = cache.get(store);
  if (!byDomain) cache.set(store, (byDomain = new Map()));
  const hit = byDomain.get(domainName);
  if (hit && hit.jobId === jobId) {
    byDomain.delete(domainName);
    byDomain.set(domainName, hit);
    return hit;
  }
  let pending = loading.get(store);
  if (!pending) loading.set(store, (pending = new Map()));
  const key = `${domainName}\n${jobId}`;
  let p = pending.get(key);
  if (!p) {
    p = loadIndex(store, domainName, engine, byDomain).finally(() => pending!.delete(key));
    pending.set(key, p);
  }
  return p;
}

async function loadIndex(store: Repository, domainName: string, engine: Engine, byDomain: Map<string, LoadedIndex>): Promise<LoadedIndex | undefined> {
  const stored = await store.loadJobKeyIndex(domainName);
  if (!stored) return undefined;
  const model = await store.getJobModel(domainName, stored.jobId);
  if (model === undefined) throw notFound(`The model of job ${stored.jobId} is not available.`);
  const bytes = stored.parts.length === 1 ? stored.parts[0]! : Buffer.concat(stored.parts);
  const loaded = { jobId: stored.jobId, model, ...engine.decodeKeyIndex(bytes) };
  byDomain.delete(domainName);
  byDomain.set(domainName, loaded);
  let profiles = 0;
  for (const e of byDomain.values()) profiles += e.index.n;
  while (byDomain.size > 1 && (byDomain.size > CACHED_INDEXES || profiles > CACHED_PROFILES)) {
    const [oldest, entry] = byDomain.entries().next().value!;
    byDomain.delete(oldest);
    profiles -= entry.index.n;
  }
  return loaded;
}

export async function matchProfile(input: In, ctx: OpContext): Promise<Out> {
  const domainName = input.DomainName;
  await requireDomain(ctx, domainName);
  if ((input.ProfileId === undefined) === (input.Profile === undefined)) {
    throw badRequest('Give exactly one of ProfileId (a stored profile) and Profile (a profile\'s fields)');
  }
  let subject: EngineProfile;
  if (input.ProfileId !== undefined) {
    const stored = await ctx.store.getProfile(domainName, input.ProfileId);
    if (!stored) throw notFound(`Profile ${input.ProfileId} does not exist in domain ${domainName}.`);
    subject = { id: stored.profileId, data: stored.data };
  } else {
    subject = { id: 'input', data: createInputToData({ DomainName: domainName, ...input.Profile! }) };
  }
  const engine = await loadEngine();
  const loaded = await keyIndexOf(ctx.store, domainName, engine);
  if (!loaded) {
    throw notFound(`No identity resolution job of domain ${domainName} has saved a blocking-key index yet: run a job first (StartIdentityResolutionJob).`);
  }
  const model = loaded.model;
  let candidates;
  try {
    candidates = engine.candidatesOf(loaded.index, model as Parameters<Engine['candidatesOf']>[1], subject);
  } catch (e) {
    throw notFound(`The saved index of job ${loaded.jobId} cannot be used (${(e as Error).message}).`);
  }

  // Candidates as live profiles: one merged since the job stands for the profile it was merged into; deleted ones go.
  const live = await ctx.store.resolveLiveProfileIds(domainName, candidates.map((c) => loaded.ids[c.position]!));
  const byLive = new Map<string, { rules: Set<string>; matchId?: string }>();
  for (const c of candidates) {
    const liveId = live.get(loaded.ids[c.position]!);
    if (liveId === undefined || liveId === subject.id) continue;
    let entry = byLive.get(liveId);
    if (!entry) byLive.set(liveId, (entry = { rules: new Set() }));
    for (const r of c.rules) entry.rules.add(r);
    const g = loaded.groupOf[c.position]!;
    if (g >= 0 && entry.matchId === undefined) entry.matchId = loaded.matchIds[g];
  }
  const others: EngineProfile[] = [];
  const liveIds = [...byLive.keys()];
  for (let i = 0; i < liveIds.length; i += 500) {
    for (const p of await ctx.store.getProfiles(domainName, liveIds.slice(i, i + 500))) others.push({ id: p.profileId, data: p.data });
  }
  const evidence = engine.scoreProfile(model, subject, others);
  const min = input.MinProbability ?? (model as { threshold?: number }).threshold ?? 0.5;
  const matches = evidence
    .filter((e) => e.probability >= min)
    .sort((x, y) => y.probability - x.probability || (x.b < y.b ? -1 : 1))
    .slice(0, input.MaxResults ?? DEFAULT_MAX_RESULTS)
    .map((e) => compact({
      ProfileId: e.b,
      MatchId: byLive.get(e.b)!.matchId,
      Probability: e.probability,
      TotalWeight: e.totalWeight,
      BlockingRules: [...byLive.get(e.b)!.rules],
      Attributes: attributeEvidence(e.attributes),
    }));
  return { JobId: loaded.jobId, CandidatesCompared: others.length, Matches: matches };
}
