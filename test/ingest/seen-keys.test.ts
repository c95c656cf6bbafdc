/** The in-file duplicate check's key memory (a temporary SQLite file, so that import memory stays flat). */
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { SeenKeys } from '../../src/ingest/seen-keys.js';

describe('SeenKeys', () => {
  const parent = mkdtempSync(join(tmpdir(), 'seen-keys-test-'));
  afterAll(() => rmSync(parent, { recursive: true, force: true }));

  it('answers the first line of a repeated key, exactly (case, whitespace, NUL, non-ASCII), across transactions', () => {
    const seen = new SeenKeys(parent);
    expect(readdirSync(parent)).toHaveLength(1);
    const n = 120_000; // more than two of its write transactions
    for (let i = 0; i < n; i++) expect(seen.firstLineOrAdd(`key-${i}`, i + 2)).toBeUndefined();
    expect(seen.firstLineOrAdd('key-0', n + 2)).toBe(2);
    expect(seen.firstLineOrAdd('key-99999', n + 3)).toBe(100_001);
    for (const k of ['Key-0', 'key-0 ', ' key-0', 'key-0\u0000', 'kéy-0', 'key-00']) expect(seen.firstLineOrAdd(k, 7)).toBeUndefined();
    expect(seen.firstLineOrAdd('kéy-0', 8)).toBe(7);
    expect(seen.firstLineOrAdd('key-0\u0000', 9)).toBe(7);
    seen.close();
    expect(readdirSync(parent)).toHaveLength(0);
  });

  it('removes its file even when closed right away', () => {
    const seen = new SeenKeys(parent);
    const dir = join(parent, readdirSync(parent)[0]!);
    expect(existsSync(join(dir, 'seen.db'))).toBe(true);
    seen.close();
    expect(existsSync(dir)).toBe(false);
  });
});
