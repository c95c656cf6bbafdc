/**
 * Streaming JSON Lines reader: one JSON object per line. Nested objects are flattened to dotted paths
 * ({"Address": {"City": "X"}} → "Address.City"), so a JSONL record reads like a CSV row whose columns are
 * profile paths. Numbers and booleans become strings; null is skipped; arrays are rejected.
 */
import { readLines } from './lines.js';
import { DEFAULT_LIMITS, type ReadItem, type ReadLimits } from './types.js';

export async function* readJsonl(input: AsyncIterable<Buffer | string>, options: Partial<ReadLimits> = {}): AsyncGenerator<ReadItem[]> {
  const limits = { ...DEFAULT_LIMITS, ...options };
  for await (const lines of readLines(input, limits.maxRecordBytes)) {
    const out: ReadItem[] = [];
    for (const l of lines) {
      if ('error' in l) { out.push({ line: l.no, reason: l.error }); continue; }
      if (l.text.trim() === '') continue;
      let value: unknown;
      try {
        value = JSON.parse(l.text);
      } catch (e) {
        out.push({ line: l.no, reason: `invalid JSON: ${(e as Error).message}` });
        continue;
      }
      if (typeof value !== 'object' || value === null || Array.isArray(value)) {
        out.push({ line: l.no, reason: 'a JSONL line must hold one JSON object' });
        continue;
      }
      const values: Record<string, string> = {};
      const problem = flatten(value as Record<string, unknown>, '', values);
      if (problem) out.push({ line: l.no, reason: problem });
      else out.push({ line: l.no, values });
    }
    if (out.length) yield out;
  }
}

function flatten(obj: Record<string, unknown>, prefix: string, out: Record<string, string>): string | undefined {
  for (const [k, v] of Object.entries(obj)) {
    const path = prefix + k;
    if (v === null || v === undefined) continue;
    if (typeof v === 'string') out[path] = v;
    else if (typeof v === 'number' || typeof v === 'boolean') out[path] = String(v);
    else if (Array.isArray(v)) return `"${path}" is an array; only strings, numbers, booleans and objects are accepted`;
    else if (typeof v === 'object') {
      const problem = flatten(v as Record<string, unknown>, `${path}.`, out);
      if (problem) return problem;
    }
  }
  return undefined;
}
