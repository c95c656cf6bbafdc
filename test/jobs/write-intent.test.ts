/**
 * The API connection's writer count (SqliteContext.writeIntent) that job workers read to let API writers in between
 * batches of merges (docs/jobs.md, "Commits of MERGING"): counted for the whole transaction, once when nested.
 */
import { describe, expect, it } from 'vitest';
import { makeTempDir } from '../helpers/server.js';
import { openSqliteStore } from '../../src/store/index.js';

describe('SqliteContext.writeIntent', () => {
  it('counts a transaction while it waits for or holds the write lock, nested ones once', async () => {
    const store = openSqliteStore(makeTempDir('coalesce-intent-'));
    try {
      const intent = new Int32Array(new SharedArrayBuffer(4));
      store.context.writeIntent = intent;
      const seen: number[] = [];
      store.context.tx(() => {
        seen.push(Atomics.load(intent, 0));
        store.context.tx(() => seen.push(Atomics.load(intent, 0)));
      });
      expect(seen).toEqual([1, 1]);
      expect(Atomics.load(intent, 0)).toBe(0);
      expect(() => store.context.tx(() => { throw new Error('boom'); })).toThrow('boom');
      expect(Atomics.load(intent, 0)).toBe(0);
    } finally {
      await store.close();
    }
  });
});
