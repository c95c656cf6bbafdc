/**
 * History: one index instead of two. Records are always read within one profile, and a profile's history is
 * short, so (domain_name, profile_id, seq) also serves lookups by Id; dropping history_by_id removes one index
 * write from every profile write (bulk ingestion writes a CREATED record per profile).
 */
import type { Migration } from './index.js';

export const m002HistoryIndex: Migration = {
  version: 2,
  name: 'history-single-index',
  sql: `DROP INDEX IF EXISTS history_by_id;`,
};
