/** The in-file duplicate check's key memory (SQLite's anonymous temporary database, so that import memory stays flat). */
import { readdirSync, readlinkSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { SeenKeys } from '../../src/ingest/seen-keys.js';

/** This process's open files that are already unlinked (Linux /proc): where SQLite's anonymous databases live. */
function unlinkedOpenFiles(): string[] {
  const out: string[] = [];
  for (const fd of readdirSync('/proc/self/fd')) {
    try {
      const target = readlinkSync(`/proc/self/fd/${fd}`);
      if (target.endsWith(' (deleted)')) out.push(target);
    } catch { /* closed meanwhile */ }
  }
  return out;
}

describe('SeenKeys', () => {
  it('answers the first line of a repeated key, exactly (case, whitespace, NUL, non-ASCII), across transactions', () => {
    const seen = new SeenKeys();
    const n = 120_000; // more than two of its write transactions
    for (let i = 0; i < n; i++) expect(seen.firstLineOrAdd(`key-${i}`, i + 2)).toBeUndefined();
    expect(seen.firstLineOrAdd('key-0', n + 2)).toBe(2);
    expect(seen.firstLineOrAdd('key-99999', n + 3)).toBe(100_001);
    for (const k of ['Key-0', 'key-0 ', ' key-0', 'key-0\u0000', 'kéy-0', 'key-00']) expect(seen.firstLineOrAdd(k, 7)).toBeUndefined();
    expect(seen.firstLineOrAdd('kéy-0', 8)).toBe(7);
    expect(seen.firstLineOrAdd('key-0\u0000', 9)).toBe(7);
    seen.close();
  });

  it('keeps its keys in a file that is unlinked while open (nothing left behind, even by a killed import) and closed at the end', () => {
    const before = new Set(unlinkedOpenFiles());
    const seen = new SeenKeys();
    // Past the 32 MB page cache, so that the pages really go to the file.
    for (let i = 0; i < 400_000; i++) seen.firstLineOrAdd(`a fairly long key number ${i} with some padding to fill pages`, i);
    const held = unlinkedOpenFiles().filter((f) => !before.has(f));
    expect(held.length).toBeGreaterThan(0);
    expect(seen.firstLineOrAdd('a fairly long key number 123 with some padding to fill pages', 1)).toBe(123);
    seen.close();
    const left = unlinkedOpenFiles().filter((f) => !before.has(f));
    expect(left).toEqual([]);
  });
});
