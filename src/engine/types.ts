/**
 * The engine's public contract (src/engine is pure: no HTTP, no store; its only file read is the vendored nickname
 * table, loaded once relative to the module).
 * The jobs call resolve(); the API/console call explainGroup() with the model saved with the job, so that
 * explanations and (later) real-time matching reuse the same comparison code path.
 */
import type { FieldMeta, ProfileData } from '../model/profile.js';
import type { EmailProviderRule } from './normalize/email.js';
import type { KeyIndex } from './key-index.js';

export interface EngineProfile {
  id: string;
  data: ProfileData;
  /** Per-field provenance (optional for the engine; carried for merging). */
  meta?: Record<string, FieldMeta>;
}

/**
 * Profiles given as the JSON text of each one's ProfileData (what a store keeps), ids alongside: resolve() then never
 * builds profile objects on the caller's thread — from 200,000 profiles the normalize workers read the texts
 * themselves (profile-json.ts), below that the calling thread reads them the same way. Same result as the parsed profiles.
 */
export interface ProfileTexts {
  ids: string[];
  /** data[i]: JSON text of profile ids[i]'s ProfileData. */
  data: string[];
}

/** What resolve() takes: profile objects, or their JSON texts. */
export type EngineInput = EngineProfile[] | ProfileTexts;

export interface EngineOptions {
  /** Seed for every random choice (u sampling): same input + seed → same output (default 42). */
  seed?: number;
  /** Default country for phone parsing (ISO 3166-1 alpha-2), default 'US'. */
  defaultCountry?: string;
  /** Extra worker threads for comparisons (default: cores − 1, max 7; the main thread works too). 0 = inline. */
  workers?: number;
  /** Minimum pair match probability for linking (default 0.5, the Bayes decision). */
  threshold?: number;
  /** Progress callback: stage name and fraction done in [0,1]. */
  onProgress?: (stage: string, fraction: number) => void;
  /** Email provider rules (default: Gmail dots and +tags, Outlook/iCloud/Fastmail +tags, Yahoo -tags). */
  emailRules?: EmailProviderRule[];
  /** Attribute keys used as identifiers (default: keys whose words include id, number, ssn, passport, licence, account). */
  identifierAttributes?: string[];
  /**
   * Largest block compared in full (default 100; broad name/city rules: half). Larger blocks are sub-blocked (sorted
   * neighbourhood, see subBlockWindow).
   */
  maxBlockSize?: number;
  /**
   * Size-aware cap: each blocking rule's full blocks may produce at most this many candidate pairs per profile; the
   * rule's block-size cap drops (never below 10) until they fit (default 2).
   */
  blockPairsPerProfile?: number;
  /**
   * Blocks over the cap are sub-blocked: members sorted by last name, first name and birth month, each paired with
   * the next subBlockWindow − 1 (default 4; 0 = skip oversized blocks).
   */
  subBlockWindow?: number;
  /** No group grows beyond this many profiles (default 100). */
  maxGroupSize?: number;
  /** Random pairs sampled to estimate u (default 50,000). */
  uSamples?: number;
  /**
   * 'em' (default): u starts from random pairs and EM re-estimates it over the candidate pairs (candidate non-matches
   * share blocking keys, unlike random pairs); 'random': u stays at its random-pair estimate.
   */
  uEstimation?: 'em' | 'random';
  /** Also return the candidate pairs (profile indices) so blocking recall can be measured. */
  returnCandidates?: boolean;
  /**
   * Also return the blocking-key index (key-index.ts) that single-profile matching needs: what a job saves with its
   * model (~90 bytes a profile at a million).
   */
  keyIndex?: boolean;
}

export interface CandidateSet {
  /** Indices into the input profiles; left[k] < right[k]; each unordered pair once. */
  left: Uint32Array;
  right: Uint32Array;
}

export interface MatchGroup {
  /** Stable across runs when the group's members are unchanged. */
  matchId: string;
  profileIds: string[];
  /** In [0,1]; definition in docs/engine.md (1.0 ≈ exact duplicates). */
  confidenceScore: number;
}

export interface AttributeEvidence {
  /** Comparison name, e.g. 'name', 'email', 'phone', 'address', 'birthDate'. */
  attribute: string;
  /** Comparison level label, e.g. 'exact', 'jaro-winkler ≥ 0.92', 'null'. */
  level: string;
  /** log2 Bayes factor contributed by this attribute (0 for null levels). */
  weight: number;
  valueA?: string;
  valueB?: string;
}

export interface PairEvidence {
  a: string;
  b: string;
  /** Posterior match probability. */
  probability: number;
  /** Prior log2 odds + sum of attribute weights. */
  totalWeight: number;
  attributes: AttributeEvidence[];
}

export interface LinkedPair { a: string; b: string; probability: number }

export interface ResolveStats {
  profiles: number;
  candidatePairs: number;
  linkedPairs: number;
  groups: number;
  /** Links cut by the anti-chaining and group-size guards. */
  cutLinks?: number;
  timingsMs: Record<string, number>;
}

export interface ResolveResult {
  groups: MatchGroup[];
  pairs: LinkedPair[];
  /** JSON-serializable trained model (m/u per level, prior, thresholds, blocking rules, TF tables). */
  model: unknown;
  stats: ResolveStats;
  /** Present when options.returnCandidates is set. */
  candidates?: CandidateSet;
  /** Present when options.keyIndex is set: profile positions are the input's order. */
  keyIndex?: KeyIndex;
}

export type Resolve = (profiles: EngineInput, options?: EngineOptions) => Promise<ResolveResult>;
/** Per-pair, per-attribute evidence for the profiles of one group, from a saved model. */
export type ExplainGroup = (model: unknown, profiles: EngineProfile[]) => PairEvidence[];
