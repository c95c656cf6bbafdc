/**
 * Loads the engine (src/engine/index.ts, built by the engine area) lazily, so that evaluation code compiles and fails
 * with a clear message while the engine is not there yet — never a stub.
 */
import type { EngineOptions, EngineProfile, ExplainGroup, Resolve, ResolveResult } from '../types.js';

/** Candidate pairs as record indexes into the profiles array, each unordered pair once. */
export interface CandidatePairs { left: ArrayLike<number>; right: ArrayLike<number> }

export interface LoadedEngine {
  resolve: Resolve;
  explainGroup?: ExplainGroup;
  /**
   * Optional hook for blocking recall: the distinct candidate pairs the engine's blocking produces for these
   * profiles with these options. Looked up as the export `candidatePairs` of src/engine/index.
   */
  candidatePairs?: (profiles: EngineProfile[], options?: EngineOptions) => CandidatePairs | Promise<CandidatePairs>;
}

export class EngineNotReadyError extends Error {
  constructor(detail: string) {
    super(`The identity-resolution engine is not available (src/engine/index must export resolve()): ${detail}`);
    this.name = 'EngineNotReadyError';
  }
}

/** Candidate pairs come back on the result when resolve() is called with `returnCandidates: true`. */
export function candidatesFromResult(result: ResolveResult): CandidatePairs | undefined {
  const c = result.candidates;
  return c && c.left && c.right && c.left.length === c.right.length ? c : undefined;
}

/** `specifier` is for tests (relative to this file); a non-literal import keeps tsc from requiring the module. */
export async function loadEngine(specifier = '../index.js'): Promise<LoadedEngine> {
  const spec = specifier;
  let mod: Record<string, unknown>;
  try {
    mod = (await import(spec)) as Record<string, unknown>;
  } catch (err) {
    throw new EngineNotReadyError((err as Error).message.split('\n')[0]);
  }
  if (typeof mod.resolve !== 'function') throw new EngineNotReadyError('the module has no resolve() export');
  return {
    resolve: mod.resolve as Resolve,
    explainGroup: typeof mod.explainGroup === 'function' ? (mod.explainGroup as ExplainGroup) : undefined,
    candidatePairs: typeof mod.candidatePairs === 'function' ? (mod.candidatePairs as LoadedEngine['candidatePairs']) : undefined,
  };
}
