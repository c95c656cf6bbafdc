/**
 * Identity resolution job results (jobs area): per-job run info (kind, stage timings, the engine's model for
 * explanations), the match groups of each job with their merge state (so that MERGING resumes after a crash),
 * the merge log (undo-ready: full previous content of every profile involved) and which profile was merged into
 * which (GetMatches maps merged-away ids to the live profile). Job rows cascade to their results.
 */
import type { Migration } from './index.js';

export const m010Jobs: Migration = {
  version: 10,
  name: 'jobs-results',
  sql: `
CREATE TABLE job_runs (
  domain_name TEXT NOT NULL,
  job_id TEXT NOT NULL,
  kind TEXT NOT NULL,                  -- FIRST | SCHEDULED | ON_DEMAND
  stage_timings TEXT NOT NULL DEFAULT '{}',
  model TEXT,                          -- engine model JSON (explainGroup)
  export_error TEXT,
  PRIMARY KEY (domain_name, job_id),
  FOREIGN KEY (domain_name, job_id) REFERENCES jobs(domain_name, job_id) ON DELETE CASCADE
) WITHOUT ROWID;

CREATE TABLE job_matches (
  domain_name TEXT NOT NULL,
  job_id TEXT NOT NULL,
  seq INTEGER NOT NULL,
  match_id TEXT NOT NULL,
  profile_ids TEXT NOT NULL,           -- JSON string[]
  confidence_score REAL NOT NULL,
  merge_state INTEGER NOT NULL DEFAULT 0, -- 0 not processed, 1 processed (merged or nothing to merge), 2 failed
  PRIMARY KEY (domain_name, job_id, seq),
  FOREIGN KEY (domain_name, job_id) REFERENCES jobs(domain_name, job_id) ON DELETE CASCADE
) WITHOUT ROWID;
CREATE INDEX job_matches_by_match ON job_matches (domain_name, job_id, match_id);

CREATE TABLE merge_log (
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  domain_name TEXT NOT NULL REFERENCES domains(domain_name) ON DELETE CASCADE,
  merge_id TEXT NOT NULL,
  job_id TEXT,                         -- NULL for MergeProfiles
  main_profile_id TEXT NOT NULL,
  merged_profile_ids TEXT NOT NULL,    -- JSON string[]
  before TEXT NOT NULL,                -- JSON: every involved profile's data, meta, times, keys and object refs
  created_at INTEGER NOT NULL
);
CREATE INDEX merge_log_by_main ON merge_log (domain_name, main_profile_id);
CREATE INDEX merge_log_by_job ON merge_log (domain_name, job_id);

CREATE TABLE merged_into (
  domain_name TEXT NOT NULL REFERENCES domains(domain_name) ON DELETE CASCADE,
  profile_id TEXT NOT NULL,
  main_profile_id TEXT NOT NULL,
  merged_at INTEGER NOT NULL,
  PRIMARY KEY (domain_name, profile_id)
) WITHOUT ROWID;
`,
};
