/**
 * Blocking keys per profile, as readable "rule:key" strings (the same rules as resolve's blocking). A job saves them
 * in compact form instead: the key index of key-index.ts (hashes and positions), which single-profile matching reads.
 */
import { buildColumns } from './columns.js';
import { BLOCKING_RULES } from './blocking.js';
import { isModel } from './explain.js';
import { normalizeOptionsOf } from './resolve.js';
import type { EngineOptions, EngineProfile } from './types.js';

export function blockingKeys(profiles: EngineProfile[], modelOrOptions: unknown = {}): string[][] {
  const normalize = isModel(modelOrOptions) ? modelOrOptions.normalize : normalizeOptionsOf(modelOrOptions as EngineOptions);
  const cols = buildColumns(profiles, normalize);
  const out: string[][] = [];
  const keys: string[] = [];
  for (let i = 0; i < cols.n; i++) {
    const mine = new Set<string>();
    for (const rule of BLOCKING_RULES) {
      keys.length = 0;
      rule.keys(cols, i, keys);
      for (const k of keys) mine.add(`${rule.name}:${k}`);
    }
    out.push([...mine]);
  }
  return out;
}
