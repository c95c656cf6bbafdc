/** ListProfileObjects in the store: pages read in batches, with an ObjectFilter that skips more than a batch. */
import { rmSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openSqliteStore } from '../../src/store/index.js';
import type { SqliteStore } from '../../src/store/sqlite/store.js';
import { makeTempDir } from '../helpers/server.js';

const D = 'objects';
let dir: string;
let store: SqliteStore;

beforeAll(async () => {
  dir = makeTempDir();
  store = openSqliteStore(dir);
  await store.createDomain({ domainName: D, defaultExpirationDays: 1, tags: {}, createdAt: 1, lastUpdatedAt: 1 });
});
afterAll(() => {
  store.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('listProfileObjects', () => {
  it('pages through every object, and finds filtered ones far apart (more than a read batch between them)', async () => {
    const p = await store.createProfile(D, { data: { FirstName: 'Obj' }, source: '_api' }, 1000);
    const all: string[] = [];
    for (let i = 0; i < 450; i++) {
      const uniqueKey = `o-${String(i).padStart(3, '0')}`;
      all.push(uniqueKey);
      // Equal creation times in runs of 7: pages must continue by (created_at, unique_key), not by time alone.
      await store.putProfileObject({
        domainName: D, objectTypeName: 'events', uniqueKey, object: JSON.stringify({ i }),
        keys: { kind: [i % 150 === 149 ? 'rare' : 'common'] }, createdAt: 2000 + Math.floor(i / 7), profileId: p.profileId,
      }, { data: {}, source: 'events' }, 2000 + i);
    }
    const pages = async (filter?: { keyName: string; values: string[] }, maxResults?: number) => {
      const seen: string[] = [];
      let nextToken: string | undefined;
      do {
        const page = await store.listProfileObjects(D, 'events', p.profileId, { maxResults, nextToken }, filter);
        seen.push(...page.items.map((o) => o.uniqueKey));
        nextToken = page.nextToken;
      } while (nextToken);
      return seen;
    };
    expect(await pages(undefined, 100)).toEqual(all);
    expect(await pages(undefined, 7)).toEqual(all);
    expect(await pages({ keyName: 'kind', values: ['rare'] }, 1)).toEqual(['o-149', 'o-299', 'o-449']);
    expect(await pages({ keyName: 'kind', values: ['rare'] })).toEqual(['o-149', 'o-299', 'o-449']);
    expect(await pages({ keyName: 'kind', values: ['none'] }, 5)).toEqual([]);
  });
});
