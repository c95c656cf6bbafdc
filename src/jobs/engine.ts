/**
 * Loads the engine (src/engine/index.ts) on first use, so that the API process does not load it until a job or an
 * explanation needs it.
 */
import type { ExplainGroup, Resolve } from '../engine/types.js';

export interface Engine { resolve: Resolve; explainGroup: ExplainGroup }

let cached: Promise<Engine> | undefined;

export function loadEngine(): Promise<Engine> {
  cached ??= (async () => {
    const mod = (await import('../engine/index.js')) as Partial<Engine>;
    if (typeof mod.resolve !== 'function' || typeof mod.explainGroup !== 'function') {
      throw new Error('the engine module does not export resolve() and explainGroup()');
    }
    return { resolve: mod.resolve, explainGroup: mod.explainGroup };
  })();
  cached.catch(() => { cached = undefined; });
  return cached;
}
