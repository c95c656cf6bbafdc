/**
 * Deferred predefined keys of bulk-created profiles (ingestion area; table from migration 021).
 *
 * Why: the predefined keys (`_email`, `_phone`, `_fullName`, `_account`) of imported profiles have random values, so
 * each batch inserted ~4 rows per profile at random places in the profile_keys B-tree, and every page touched was
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
import type { SqliteContext } from './database.js';

/** Marks profile ids first..last (inclusive) of a domain as lacking their predefined keys (caller's transaction). */
export function recordKeyBacklog(c: SqliteContext, domainName: string, firstId: string, lastId: string): void {
  c.stmt('INSERT OR REPLACE INTO profile_key_backlog (domain_name, first_id, last_id) VALUES (?, ?, ?)').run(domainName, firstId, lastId);
}

export function hasKeyBacklog(c: SqliteContext): boolean {
  return c.stmt('SELECT 1 FROM profile_key_backlog LIMIT 1').get() !== undefined;
}

export interface KeyBacklogResult { keys: number }

/**
 * derivedKeys (src/store/profile-write.ts) as SQL over the profiles of a domain's backlog ranges, so that reading,
 * deriving, sorting and inserting the keys all happen inside SQLite — no row or key crosses into JavaScript (~20%
 * less CPU than deriving and sorting them in JavaScript, measured at a million profiles). Same rules: the three email fields lower-cased (`_email`; JavaScript's toLowerCase
 * through a SQL function for non-ASCII values, since SQLite's lower() only folds ASCII), the four phone fields
 * (`_phone`), AccountNumber (`_account`), the non-empty names joined by spaces and, with a middle name, first and
 * last name alone (`_fullName`); empty values skipped. A unit test compares it with derivedKeys on tricky profiles.
 */
const INDEX_SQL = `
WITH p AS MATERIALIZED (
  SELECT pr.profile_id AS id,
    pr.data ->> '$.EmailAddress' AS e1, pr.data ->> '$.PersonalEmailAddress' AS e2, pr.data ->> '$.BusinessEmailAddress' AS e3,
    pr.data ->> '$.PhoneNumber' AS p1, pr.data ->> '$.MobilePhoneNumber' AS p2, pr.data ->> '$.HomePhoneNumber' AS p3,
    pr.data ->> '$.BusinessPhoneNumber' AS p4, pr.data ->> '$.AccountNumber' AS acc,
    nullif(pr.data ->> '$.FirstName', '') AS fn, nullif(pr.data ->> '$.MiddleName', '') AS mn, nullif(pr.data ->> '$.LastName', '') AS ln
  FROM profile_key_backlog b JOIN profiles pr
    ON pr.domain_name = b.domain_name AND pr.profile_id >= b.first_id AND pr.profile_id <= b.last_id
  WHERE b.domain_name = @d
),
k (key_name, value, id) AS (
  SELECT '_email', e1, id FROM p UNION ALL SELECT '_email', e2, id FROM p UNION ALL SELECT '_email', e3, id FROM p
  UNION ALL SELECT '_phone', p1, id FROM p UNION ALL SELECT '_phone', p2, id FROM p
  UNION ALL SELECT '_phone', p3, id FROM p UNION ALL SELECT '_phone', p4, id FROM p
  UNION ALL SELECT '_account', acc, id FROM p
  UNION ALL SELECT '_fullName', concat_ws(' ', fn, mn, ln), id FROM p
  UNION ALL SELECT '_fullName', concat_ws(' ', fn, ln), id FROM p WHERE mn IS NOT NULL
)
INSERT OR IGNORE INTO profile_keys (domain_name, key_name, value, profile_id, derived)
SELECT @d, key_name, v, id, 1 FROM (
  SELECT key_name, CASE WHEN key_name <> '_email' THEN value WHEN length(value) = octet_length(value) THEN lower(value)
    ELSE coalesce_lower(value) END AS v, id FROM k WHERE value <> ''
) ORDER BY key_name, v, id`;

const withLower = new WeakSet<SqliteContext>();

/**
 * Inserts the predefined keys of every profile in the backlog (all domains), in key order, and empties it, in one
 * transaction. SQLite sorts the keys (~100 bytes per key; the import's write worker keeps such temporary data in
 * files, temp_store = FILE).
 */
export function indexKeyBacklog(c: SqliteContext): KeyBacklogResult {
  if (!withLower.has(c)) {
    c.db.function('coalesce_lower', { deterministic: true }, (v: unknown) => String(v).toLowerCase());
    withLower.add(c);
  }
  return c.tx(() => {
    const domains = c.stmt<[], { domain_name: string }>('SELECT DISTINCT domain_name FROM profile_key_backlog').all();
    let keys = 0;
    for (const { domain_name: domainName } of domains) {
      keys += c.stmt(INDEX_SQL).run({ d: domainName }).changes;
      c.stmt('DELETE FROM profile_key_backlog WHERE domain_name = ?').run(domainName);
    }
    return { keys };
  });
}
