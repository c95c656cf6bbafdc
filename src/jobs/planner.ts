/**
 * The auto-merge planner (pure): which profiles of each match group merge, into which main profile, with which
 * resolved content. Rules in docs/jobs.md ("Auto-merging").
 */
import type { AutoMerging } from '../api/generated/types.js';
import { ADDRESS_FIELDS, ADDRESS_MEMBERS, getPath } from '../model/profile.js';
import { resolveConflicts, type MergeView } from './fields.js';
import { normalizeForMatch } from './normalize.js';

export interface PlannerProfile extends MergeView { profileId: string }

export interface PlannerGroup { matchId: string; profileIds: string[]; confidenceScore: number }

export interface PlannedMerge {
  matchId: string;
  /** The profile that stays (its id survives): the earliest created of the consolidated profiles. */
  mainProfileId: string;
  /** Profiles merged into the main one (deleted by the merge), in consolidation order. */
  mergedProfileIds: string[];
  /** The main profile's content after the merge. */
  result: MergeView;
}

const ADDRESS_SET = new Set<string>(ADDRESS_FIELDS);

/** A criterion attribute's comparable value, or undefined when missing (which fails the criterion). */
export function criterionValue(view: MergeView, attr: string): string | undefined {
  if (ADDRESS_SET.has(attr)) {
    // A whole address: equal when every member is equal; present when at least one member is.
    const parts = ADDRESS_MEMBERS.map((m) => {
      const v = getPath(view.data, `${attr}.${m}`);
      return v === undefined ? '' : normalizeForMatch(`${attr}.${m}`, v);
    });
    return parts.some((p) => p !== '') ? parts.join('\u0001') : undefined;
  }
  const v = getPath(view.data, attr);
  if (v === undefined) return undefined;
  const n = normalizeForMatch(attr, v);
  return n === '' ? undefined : n;
}

function criterionKey(view: MergeView, criterion: string[]): string | undefined {
  const parts: string[] = [];
  for (const a of criterion) {
    const v = criterionValue(view, a);
    if (v === undefined) return undefined;
    parts.push(v);
  }
  return parts.join('\u0000');
}

interface Cluster { main: PlannerProfile; ids: string[]; view: MergeView }

const byAge = (a: PlannerProfile, b: PlannerProfile) =>
  a.createdAt - b.createdAt || (a.profileId < b.profileId ? -1 : a.profileId > b.profileId ? 1 : 0);

/** Consolidates one group's profiles; returns the clusters of two or more. */
export function planGroup(group: PlannerGroup, profiles: PlannerProfile[], settings: AutoMerging): PlannedMerge[] {
  const criteria = settings.Consolidation?.MatchingAttributesList ?? [];
  let clusters: Cluster[] = [...profiles].sort(byAge).map((p) => ({ main: p, ids: [p.profileId], view: p }));
  for (const criterion of criteria) {
    if (criterion.length === 0) continue;
    // Repeat until stable: a merged profile's values can make it equal to another one (transitivity).
    for (let changed = true; changed;) {
      changed = false;
      const byKey = new Map<string, Cluster>();
      const alive: Cluster[] = [];
      for (const c of clusters) {
        const key = criterionKey(c.view, criterion);
        const into = key === undefined ? undefined : byKey.get(key);
        if (!into) {
          if (key !== undefined) byKey.set(key, c);
          alive.push(c);
          continue;
        }
        // `into` comes first in age order, so its main profile stays the main one.
        into.view = resolveConflicts(into.view, c.view, settings.ConflictResolution);
        into.ids.push(...c.ids);
        changed = true;
        byKey.delete(key!);
        const nk = criterionKey(into.view, criterion);
        if (nk !== undefined && !byKey.has(nk)) byKey.set(nk, into);
      }
      clusters = alive;
    }
  }
  return clusters.filter((c) => c.ids.length > 1).map((c) => ({
    matchId: group.matchId,
    mainProfileId: c.main.profileId,
    mergedProfileIds: c.ids.filter((id) => id !== c.main.profileId),
    result: c.view,
  }));
}

/** Groups eligible for auto-merging: ConfidenceScore ≥ MinAllowedConfidenceScoreForMerging (absent = 0). */
export function eligible(group: PlannerGroup, settings: AutoMerging): boolean {
  return group.confidenceScore >= (settings.MinAllowedConfidenceScoreForMerging ?? 0);
}

/** Plans every eligible group; profiles no longer present (deleted or merged meanwhile) are left out. */
export function planAutoMerges(
  groups: Iterable<PlannerGroup>,
  getProfile: (id: string) => PlannerProfile | undefined,
  settings: AutoMerging,
): PlannedMerge[] {
  const out: PlannedMerge[] = [];
  for (const g of groups) {
    if (!eligible(g, settings)) continue;
    const ps = g.profileIds.map(getProfile).filter((p): p is PlannerProfile => p !== undefined);
    if (ps.length < 2) continue;
    out.push(...planGroup(g, ps, settings));
  }
  return out;
}

/** GetAutoMergingPreview's counts for a set of groups. */
export function previewCounts(groups: PlannerGroup[], getProfile: (id: string) => PlannerProfile | undefined, settings: AutoMerging) {
  const merges = planAutoMerges(groups, getProfile, settings);
  return {
    NumberOfMatchesInSample: groups.length,
    NumberOfProfilesInSample: groups.reduce((n, g) => n + g.profileIds.length, 0),
    NumberOfProfilesWillBeMerged: merges.reduce((n, m) => n + 1 + m.mergedProfileIds.length, 0),
  };
}
