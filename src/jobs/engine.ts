/**
 * Loads the engine (src/engine/index.ts, the engine area's module) lazily: the jobs compile and fail with a clear
 * job Message while it is missing.
 */
import type { ExplainGroup, Resolve } from '../engine/types.js';

export interface Engine { resolve: Resolve; explainGroup: ExplainGroup }

let cached: Promise<Engine> | undefined;

export function loadEngine(): Promise<Engine> {
  cached ??= (async () => {
    const spec = '../engine/index.js';
    const mod = (await import(spec)) as Partial<Engine>;
    if (typeof mod.resolve !== 'function' || typeof mod.explainGroup !== 'function') {
      throw new Error('the engine module does not export resolve() and explainGroup()');
    }
    return { resolve: mod.resolve, explainGroup: mod.explainGroup };
  })();
  cached.catch(() => { cached = undefined; });
  return cached;
}
