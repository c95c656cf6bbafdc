/**
 * Deferred predefined keys of bulk-created profiles (ingestion area; table from migration 021).
 *
 * Why: the predefined keys (`_email`, `_phone`, `_fullName`, `_account`) of imported profiles have random values, so
 * each batch inserted ~5 rows per profile at random places in the profile_keys B-tree, and every page touched was
 * written to the WAL again at each commit — at a million profiles, ~40 GB of WAL and checkpoint I/O and ~3/4 of
 * the import's write time. Now a batch only records the range of profile ids it created (recordKeyBacklog, in the
 * batch's transaction), and indexKeyBacklog later inserts the keys of many batches in key order, so that each
 * B-tree page is written once per many batches.
 *
 * Correctness: the predefined keys are a pure function of a profile's data (derivedKeys). indexKeyBacklog derives
 * them from the profiles' CURRENT data inside its own transaction, then deletes the ranges: a profile updated,
 * merged or deleted in between gets exactly the keys its data has now (updates made meanwhile by saveProfile only
 * add keys that are part of that set; a deleted profile gets none). INSERT OR IGNORE makes a repeated run harmless.
 * Until then such a profile is found by its id and its unique key (written with the batch) but not by its
 * predefined keys; imports index the backlog before they report completion.
 */
import { derivedKeys, normalizeKeyValue } from '../profile-write.js';
import type { SqliteContext } from './database.js';

/** Marks profile ids first..last (inclusive) of a domain as lacking their predefined keys (caller's transaction). */
export function recordKeyBacklog(c: SqliteContext, domainName: string, firstId: string, lastId: string): void {
  c.stmt('INSERT OR REPLACE INTO profile_key_backlog (domain_name, first_id, last_id) VALUES (?, ?, ?)').run(domainName, firstId, lastId);
}

/**
 * Keys already derived by the writer (the import's reading thread does it), per profile id with the data they were
 * derived from: indexKeyBacklog uses them instead of parsing the profile again when its stored data is still that
 * text (exact check), and forgets them afterwards. Per connection; memory until the next indexKeyBacklog.
 */
const derived = new WeakMap<SqliteContext, Map<string, { dataJson: string; keys: string[] }>>();
export function rememberKeys(c: SqliteContext, profileId: string, dataJson: string, keys: string[]): void {
  let m = derived.get(c);
  if (!m) derived.set(c, (m = new Map()));
  m.set(profileId, { dataJson, keys });
}

export function hasKeyBacklog(c: SqliteContext): boolean {
  return c.stmt('SELECT 1 FROM profile_key_backlog LIMIT 1').get() !== undefined;
}

export interface KeyBacklogResult { profiles: number; keys: number }

/**
 * Inserts the predefined keys of every profile in the backlog (all domains) and empties it, in one transaction.
 * Memory: the keys of the backlog (~0.5 KB per profile), so callers index it every ~100,000 profiles.
 */
export function indexKeyBacklog(c: SqliteContext): KeyBacklogResult {
  return c.tx(() => {
    const ranges = c.stmt<[], { domain_name: string; first_id: string; last_id: string }>(
      'SELECT domain_name, first_id, last_id FROM profile_key_backlog ORDER BY domain_name, first_id').all();
    let profiles = 0;
    let keys = 0;
    const read = c.stmt<[string, string, string], [string, string]>(
      'SELECT profile_id, data FROM profiles WHERE domain_name = ? AND profile_id >= ? AND profile_id <= ? ORDER BY profile_id').raw();
    const known = derived.get(c) ?? new Map<string, { dataJson: string; keys: string[] }>();
    derived.delete(c);
    const add = (byName: Map<string, string[]>, k: string, v: string, id: string) => {
      let list = byName.get(k);
      if (!list) byName.set(k, (list = []));
      list.push(`${v}\u0000${id}`);
    };
    for (let i = 0; i < ranges.length;) {
      const domainName = ranges[i].domain_name;
      // Per key name, `value \u0000 profile id` strings, sorted so that the inserts walk the B-tree in key order
      // (one string per key sorts natively, ~2x faster than a comparator over pairs).
      const byName = new Map<string, string[]>();
      for (; i < ranges.length && ranges[i].domain_name === domainName; i++) {
        for (const [id, data] of read.iterate(domainName, ranges[i].first_id, ranges[i].last_id)) {
          profiles++;
          const mine = known.get(id);
          if (mine && mine.dataJson === data) {
            for (let j = 0; j < mine.keys.length; j += 2) add(byName, mine.keys[j]!, mine.keys[j + 1]!, id);
            continue;
          }
          // Written by another connection, or changed since: derive from the current data.
          for (const [k, v] of derivedKeys(id, JSON.parse(data))) if (k !== '_profileId') add(byName, k, normalizeKeyValue(k, v), id);
        }
      }
      const insert = c.stmt('INSERT OR IGNORE INTO profile_keys (domain_name, key_name, value, profile_id, derived) VALUES (?, ?, ?, ?, 1)');
      for (const name of [...byName.keys()].sort()) {
        const list = byName.get(name)!.sort();
        // One row per statement: faster here than multi-row VALUES (measured).
        for (const entry of list) {
          const cut = entry.lastIndexOf('\u0000');
          insert.run(domainName, name, entry.slice(0, cut), entry.slice(cut + 1));
        }
        keys += list.length;
      }
      c.stmt('DELETE FROM profile_key_backlog WHERE domain_name = ?').run(domainName);
    }
    return { profiles, keys };
  });
}
