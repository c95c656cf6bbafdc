/**
 * Predefined-key backlog (ingestion area). A bulk import writes its new profiles, their unique keys and history in
 * each batch's transaction, but not their predefined keys (`_email`, `_phone`, `_fullName`, `_account`): those
 * land at random places in the large profile_keys B-tree, and rewriting every page they touch in each batch was
 * most of the cost of a large import. Instead each batch records the range of profile ids it created here, and the
 * keys of many batches are later derived from the profiles' current data and inserted in key order in one
 * transaction that also deletes the ranges (src/store/sqlite/key-backlog.ts). A crash between the two leaves the
 * ranges, which the next write worker or server start indexes.
 */
import type { Migration } from './index.js';

export const m021ProfileKeyBacklog: Migration = {
  version: 21,
  name: 'profile-key-backlog',
  sql: `
CREATE TABLE profile_key_backlog (
  domain_name TEXT NOT NULL REFERENCES domains(domain_name) ON DELETE CASCADE,
  first_id TEXT NOT NULL,             -- profile ids first_id..last_id (inclusive) may lack their predefined keys
  last_id TEXT NOT NULL,
  PRIMARY KEY (domain_name, first_id)
) WITHOUT ROWID;
`,
};
