/**
 * Profiles' content as stored (the JSON text of each ProfileData), for a job's PREPROCESSING: the engine reads the
 * texts on its normalize workers (ProfileTexts in src/engine/types.ts), so the job thread never parses them all.
 */
import type { SqliteContext } from './database.js';

/** One batch of live profiles' JSON texts in profileId order after `afterId`. */
export function scanProfileTexts(c: SqliteContext, domainName: string, afterId: string, limit: number) {
  return c.stmt<[string, string, number], { profileId: string; data: string }>(
    'SELECT profile_id AS profileId, data FROM profiles WHERE domain_name = ? AND profile_id > ? ORDER BY profile_id LIMIT ?',
  ).all(domainName, afterId, limit);
}
