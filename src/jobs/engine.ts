/**
 * Loads the engine (src/engine/index.ts) on first use, so that the API process does not load it until a job or an
 * explanation needs it.
 */
import type * as EngineModule from '../engine/index.js';
import type { ExplainGroup, Resolve } from '../engine/types.js';

export interface Engine {
  resolve: Resolve;
  explainGroup: ExplainGroup;
  /** Single-profile matching (src/engine/key-index.ts). */
  encodeKeyIndexParts: typeof EngineModule.encodeKeyIndexParts;
  decodeKeyIndex: typeof EngineModule.decodeKeyIndex;
  candidatesOf: typeof EngineModule.candidatesOf;
  scoreProfile: typeof EngineModule.scoreProfile;
  groupsByPosition: typeof EngineModule.groupsByPosition;
}

let cached: Promise<Engine> | undefined;

export function loadEngine(): Promise<Engine> {
  cached ??= (async () => {
    const mod = (await import('../engine/index.js')) as Partial<Engine>;
    const names = ['resolve', 'explainGroup', 'encodeKeyIndexParts', 'decodeKeyIndex', 'candidatesOf', 'scoreProfile', 'groupsByPosition'] as const;
    const missing = names.filter((k) => typeof mod[k] !== 'function');
    if (missing.length) throw new Error(`the engine module does not export ${missing.join(', ')}`);
    return mod as Engine;
  })();
  cached.catch(() => { cached = undefined; });
  return cached;
}
