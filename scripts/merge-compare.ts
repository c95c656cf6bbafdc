/**
 * Compares what MERGING wrote in two databases (docs/jobs.md, "Planning ahead"): one SHA-256 per table over the
 * columns a merge decides — profiles (data, meta), key rows, objects, history (seq, profile, type, action, performed
 * by, content), merge log (seq, main, merged ids, the `before` snapshot), merged_into, group flags and merge counts,
 * domain stats, JobStats — leaving out merge times and random ids. E.g. two runs of
 * `MERGE_KEEP=1 node --import tsx scripts/merge-stage-cpu.ts N` (one per code version), then
 *
 *   node --import tsx scripts/merge-compare.ts /tmp/coalesce-merge-run-A/coalesce.db /tmp/coalesce-merge-run-B/coalesce.db
 */
import Database from 'better-sqlite3';
import { createHash } from 'node:crypto';

const QUERIES: Record<string, string> = {
  profiles: 'SELECT profile_id, data, meta, created_at FROM profiles ORDER BY profile_id',
  keys: 'SELECT key_name, value, profile_id, derived FROM profile_keys ORDER BY 1, 2, 3, 4',
  objects: 'SELECT object_type_name, unique_key, profile_id FROM profile_objects ORDER BY 1, 2',
  history: 'SELECT seq, profile_id, object_type_name, action_type, performed_by, content FROM history ORDER BY seq',
  mergeLog: 'SELECT seq, job_id, main_profile_id, merged_profile_ids, before FROM merge_log ORDER BY seq',
  mergedInto: 'SELECT profile_id, main_profile_id FROM merged_into ORDER BY 1',
  groups: 'SELECT seq, merge_state, merges FROM job_matches ORDER BY seq',
  domainStats: 'SELECT domain_name, profile_count, object_count, total_size FROM domain_stats ORDER BY 1',
  jobStats: 'SELECT job_id, job_stats FROM jobs ORDER BY 1',
};

const files = process.argv.slice(2);
if (files.length < 2) throw new Error('usage: merge-compare.ts A.db B.db [C.db …]');
let same = true;
for (const [table, sql] of Object.entries(QUERIES)) {
  const sums = files.map((f) => {
    const db = new Database(f, { readonly: true });
    try {
      const h = createHash('sha256');
      let n = 0;
      for (const row of db.prepare(sql).iterate()) { h.update(JSON.stringify(row)); n++; }
      return `${n} rows ${h.digest('hex').slice(0, 16)}`;
    } finally {
      db.close();
    }
  });
  const ok = sums.every((x) => x === sums[0]);
  same &&= ok;
  console.log(`${table.padEnd(12)} ${sums.join('   ')}  ${ok ? 'same' : 'DIFFERENT'}`);
}
process.exitCode = same ? 0 : 1;
