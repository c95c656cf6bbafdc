/** Domains: one row per domain with the API-shaped record as JSON; stats come from the trigger-maintained table. */
import { notFound } from '../../errors.js';
import type { DomainRecord, DomainStats, Page, PageRequest } from '../repository.js';
import type { SqliteContext } from './database.js';

interface DomainRow { record: string }

export function createDomain(c: SqliteContext, d: DomainRecord): DomainRecord {
  c.stmt('INSERT INTO domains (domain_name, record, created_at, last_updated_at) VALUES (?, ?, ?, ?)')
    .run(d.domainName, JSON.stringify(d), d.createdAt, d.lastUpdatedAt);
  return d;
}

export function getDomain(c: SqliteContext, domainName: string): DomainRecord | undefined {
  const row = c.stmt<[string], DomainRow>('SELECT record FROM domains WHERE domain_name = ?').get(domainName);
  return row ? (JSON.parse(row.record) as DomainRecord) : undefined;
}

export function updateDomain(c: SqliteContext, domainName: string, patch: Partial<DomainRecord>): DomainRecord {
  return c.tx(() => {
    const current = getDomain(c, domainName);
    if (!current) throw notFound(`Domain ${domainName} does not exist.`);
    const next: DomainRecord = { ...current, ...patch, domainName };
    for (const k of Object.keys(next) as (keyof DomainRecord)[]) if (next[k] === undefined) delete next[k];
    c.stmt('UPDATE domains SET record = ?, last_updated_at = ? WHERE domain_name = ?')
      .run(JSON.stringify(next), next.lastUpdatedAt, domainName);
    return next;
  });
}

/** Children first (cheaper than cascading through per-profile triggers), then the domain row cascades the rest. */
export function deleteDomain(c: SqliteContext, domainName: string): void {
  c.tx(() => {
    c.stmt('DELETE FROM profile_keys WHERE domain_name = ?').run(domainName);
    c.stmt('DELETE FROM profile_objects WHERE domain_name = ?').run(domainName);
    c.stmt('DELETE FROM profiles WHERE domain_name = ?').run(domainName);
    c.stmt('DELETE FROM domains WHERE domain_name = ?').run(domainName);
  });
}

export function listDomains(c: SqliteContext, page: PageRequest): Page<DomainRecord> {
  const limit = page.maxResults ?? 100;
  const after = page.nextToken ? c.tokens.decode<{ after: string }>('domains', page.nextToken).after : '';
  const rows = c.stmt<[string, number], DomainRow & { domain_name: string }>(
    'SELECT domain_name, record FROM domains WHERE domain_name > ? ORDER BY domain_name LIMIT ?',
  ).all(after, limit + 1);
  const items = rows.slice(0, limit).map((r) => JSON.parse(r.record) as DomainRecord);
  const nextToken = rows.length > limit ? c.tokens.encode('domains', { after: items[items.length - 1].domainName }) : undefined;
  return { items, nextToken };
}

export function getDomainStats(c: SqliteContext, domainName: string): DomainStats {
  const row = c.stmt<[string], { profile_count: number; object_count: number; total_size: number }>(
    'SELECT profile_count, object_count, total_size FROM domain_stats WHERE domain_name = ?',
  ).get(domainName);
  if (!row) throw notFound(`Domain ${domainName} does not exist.`);
  return {
    profileCount: row.profile_count,
    meteringProfileCount: row.profile_count,
    objectCount: row.object_count,
    totalSize: row.total_size,
  };
}
