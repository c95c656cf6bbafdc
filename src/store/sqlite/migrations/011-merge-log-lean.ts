/**
 * Jobs area: fewer B-trees written per auto-merge. Each merge is its own transaction, and every B-tree page it
 * touches is written to the WAL again at each commit (16 KiB a page): the merge log's two indexes cost ~2 of the
 * ~22 pages a merge wrote. merge_log_by_main was never read; merge_log_by_job only counted a job's merges (on
 * resume), which the group's own row now records (`job_matches.merges`, set in the group's merge transaction).
 * The count of merges made before this migration is carried over onto each job's first group.
 */
import type { Migration } from './index.js';

export const m011MergeLogLean: Migration = {
  version: 11,
  name: 'merge-log-lean',
  sql: `
ALTER TABLE job_matches ADD COLUMN merges INTEGER NOT NULL DEFAULT 0;
UPDATE job_matches SET merges = (SELECT count(*) FROM merge_log m
    WHERE m.domain_name = job_matches.domain_name AND m.job_id = job_matches.job_id)
  WHERE seq = (SELECT min(seq) FROM job_matches f WHERE f.domain_name = job_matches.domain_name AND f.job_id = job_matches.job_id);
DROP INDEX IF EXISTS merge_log_by_main;
DROP INDEX IF EXISTS merge_log_by_job;
`,
};
