/**
 * Jobs area: the blocking-key index a job saves with its model (src/engine/key-index.ts), so that one new profile can
 * be matched against the profiles the job saw (MatchProfile). Stored in parts (a million profiles make ~120 MB);
 * `job_runs.key_index_parts` is set once every part is written, so a crash in between leaves no half index in use.
 * A rowid table: rows this large do not belong in a WITHOUT ROWID B-tree.
 */
import type { Migration } from './index.js';

export const m012JobKeyIndex: Migration = {
  version: 12,
  name: 'job-key-index',
  sql: `
CREATE TABLE job_key_index (
  domain_name TEXT NOT NULL,
  job_id TEXT NOT NULL,
  part INTEGER NOT NULL,
  data BLOB NOT NULL,
  PRIMARY KEY (domain_name, job_id, part),
  FOREIGN KEY (domain_name, job_id) REFERENCES jobs(domain_name, job_id) ON DELETE CASCADE
);
ALTER TABLE job_runs ADD COLUMN key_index_parts INTEGER;
`,
};
