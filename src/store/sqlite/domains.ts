/**
 * Domains: one row per domain with the API-shaped record as JSON; stats come from the trigger-maintained table.
 * A domain with `deleting = 1` is being removed (see deleteDomain) and is invisible to every read.
 */
import { badRequest, notFound } from '../../errors.js';
import type { DomainRecord, DomainStats, Page, PageRequest } from '../repository.js';
import type { SqliteContext } from './database.js';

interface DomainRow { record: string }

export function createDomain(c: SqliteContext, d: DomainRecord): DomainRecord {
  return c.tx(() => {
    const existing = c.stmt<[string], { deleting: number }>('SELECT deleting FROM domains WHERE domain_name = ?').get(d.domainName);
    if (existing?.deleting) throw badRequest(`Domain ${d.domainName} is still being deleted; try again shortly.`);
    if (existing) throw badRequest(`Domain ${d.domainName} already exists.`);
    c.stmt('INSERT INTO domains (domain_name, record, created_at, last_updated_at) VALUES (?, ?, ?, ?)')
      .run(d.domainName, JSON.stringify(d), d.createdAt, d.lastUpdatedAt);
    return d;
  });
}

export function getDomain(c: SqliteContext, domainName: string): DomainRecord | undefined {
  const row = c.stmt<[string], DomainRow>('SELECT record FROM domains WHERE domain_name = ? AND deleting = 0').get(domainName);
  return row ? (JSON.parse(row.record) as DomainRecord) : undefined;
}

export function updateDomain(c: SqliteContext, domainName: string, patch: Partial<DomainRecord>): DomainRecord {
  return c.tx(() => {
    const current = getDomain(c, domainName);
    if (!current) throw notFound(`Domain ${domainName} does not exist.`);
    const next: DomainRecord = { ...current, ...patch, domainName };
    for (const k of Object.keys(next) as (keyof DomainRecord)[]) if (next[k] === undefined) delete next[k];
    c.stmt('UPDATE domains SET record = ?, last_updated_at = ? WHERE domain_name = ? AND deleting = 0')
      .run(JSON.stringify(next), next.lastUpdatedAt, domainName);
    return next;
  });
}

/** Marks a domain as being deleted (one short transaction); it disappears from every read at once. */
export function markDomainDeleting(c: SqliteContext, domainName: string): void {
  const res = c.stmt('UPDATE domains SET deleting = 1 WHERE domain_name = ? AND deleting = 0').run(domainName);
  if (res.changes === 0) throw notFound(`Domain ${domainName} does not exist.`);
}

/**
 * Removes up to `limit` profiles (their keys and objects go by trigger) or history records of a domain being
 * deleted, in one transaction; when nothing is left, deletes the domain row, which cascades to the remaining
 * (small, or other areas') tables. Returns true when the domain is gone.
 */
export function purgeDomainChunk(c: SqliteContext, domainName: string, limit = 2000): boolean {
  return c.tx(() => {
    const p = c.stmt(`DELETE FROM profiles WHERE domain_name = ? AND profile_id IN
        (SELECT profile_id FROM profiles WHERE domain_name = ? ORDER BY profile_id LIMIT ?)`).run(domainName, domainName, limit);
    if (p.changes > 0) return false;
    const h = c.stmt('DELETE FROM history WHERE seq IN (SELECT seq FROM history WHERE domain_name = ? LIMIT ?)')
      .run(domainName, limit * 2);
    if (h.changes > 0) return false;
    c.stmt('DELETE FROM profile_keys WHERE domain_name = ?').run(domainName);
    c.stmt('DELETE FROM profile_objects WHERE domain_name = ?').run(domainName);
    c.stmt('DELETE FROM domains WHERE domain_name = ? AND deleting = 1').run(domainName);
    return true;
  });
}

/** Names of domains whose deletion has not finished (resumed when the store opens). */
export function domainsBeingDeleted(c: SqliteContext): string[] {
  return c.stmt<[], { domain_name: string }>('SELECT domain_name FROM domains WHERE deleting = 1').all().map((r) => r.domain_name);
}

export function listDomains(c: SqliteContext, page: PageRequest): Page<DomainRecord> {
  const limit = page.maxResults ?? 100;
  const after = page.nextToken ? c.tokens.decode<{ after: string }>('domains', page.nextToken).after : '';
  const rows = c.stmt<[string, number], DomainRow & { domain_name: string }>(
    'SELECT domain_name, record FROM domains WHERE domain_name > ? AND deleting = 0 ORDER BY domain_name LIMIT ?',
  ).all(after, limit + 1);
  const items = rows.slice(0, limit).map((r) => JSON.parse(r.record) as DomainRecord);
  const nextToken = rows.length > limit ? c.tokens.encode('domains', { after: items[items.length - 1].domainName }) : undefined;
  return { items, nextToken };
}

export function getDomainStats(c: SqliteContext, domainName: string): DomainStats {
  const row = c.stmt<[string], { profile_count: number; object_count: number; total_size: number }>(
    `SELECT s.profile_count, s.object_count, s.total_size FROM domain_stats s JOIN domains d ON d.domain_name = s.domain_name
     WHERE s.domain_name = ? AND d.deleting = 0`,
  ).get(domainName);
  if (!row) throw notFound(`Domain ${domainName} does not exist.`);
  return {
    profileCount: row.profile_count,
    meteringProfileCount: row.profile_count,
    objectCount: row.object_count,
    totalSize: row.total_size,
  };
}
