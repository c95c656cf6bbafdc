/**
 * Profile history records. `writeHistory` is synchronous and joins the caller's transaction, so any area
 * (e.g. the jobs' merge code writing MERGED / DELETED_BY_MERGE) can record history atomically with its change.
 */
import { randomUUID } from 'node:crypto';
import type { HistoryActionType, HistoryRecord, Page, PageRequest } from '../repository.js';
import type { SqliteContext } from './database.js';

export const newId = () => randomUUID().replace(/-/g, '');

export type NewHistoryRecord = Omit<HistoryRecord, 'id'> & { id?: string };

export function writeHistory(c: SqliteContext, r: NewHistoryRecord): string {
  const id = r.id ?? newId();
  c.stmt(`INSERT INTO history (domain_name, profile_id, id, object_type_name, action_type, created_at, last_updated_at,
      performed_by, unique_key, content) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`)
    .run(r.domainName, r.profileId, id, r.objectTypeName, r.actionType, r.createdAt, r.lastUpdatedAt ?? null,
      r.performedBy ?? null, r.profileObjectUniqueKey ?? null, r.content);
  return id;
}

interface HistoryRow {
  seq: number; domain_name: string; profile_id: string; id: string; object_type_name: string; action_type: string;
  created_at: number; last_updated_at: number | null; performed_by: string | null; unique_key: string | null; content: string;
}

function fromRow(r: HistoryRow): HistoryRecord {
  const rec: HistoryRecord = {
    id: r.id, domainName: r.domain_name, profileId: r.profile_id, objectTypeName: r.object_type_name,
    actionType: r.action_type as HistoryActionType, createdAt: r.created_at, content: r.content,
  };
  if (r.last_updated_at !== null) rec.lastUpdatedAt = r.last_updated_at;
  if (r.performed_by !== null) rec.performedBy = r.performed_by;
  if (r.unique_key !== null) rec.profileObjectUniqueKey = r.unique_key;
  return rec;
}

/** Newest first. */
export function listHistory(
  c: SqliteContext, domainName: string, profileId: string,
  filter: { objectTypeName?: string; actionType?: HistoryActionType; performedBy?: string }, page: PageRequest,
): Page<HistoryRecord> {
  const limit = page.maxResults ?? 100;
  const scope = `history:${domainName}:${profileId}`;
  const before = page.nextToken ? c.tokens.decode<{ before: number }>(scope, page.nextToken).before : Number.MAX_SAFE_INTEGER;
  const rows = c.stmt<[Record<string, unknown>], HistoryRow>(`SELECT * FROM history
      WHERE domain_name = @domainName AND profile_id = @profileId AND seq < @before
        AND (@objectTypeName IS NULL OR object_type_name = @objectTypeName)
        AND (@actionType IS NULL OR action_type = @actionType)
        AND (@performedBy IS NULL OR performed_by = @performedBy)
      ORDER BY seq DESC LIMIT @limit`)
    .all({
      domainName, profileId, before, limit: limit + 1, objectTypeName: filter.objectTypeName ?? null,
      actionType: filter.actionType ?? null, performedBy: filter.performedBy ?? null,
    });
  const items = rows.slice(0, limit).map(fromRow);
  const nextToken = rows.length > limit ? c.tokens.encode(scope, { before: rows[limit - 1].seq }) : undefined;
  return { items, nextToken };
}

export function getHistoryRecord(c: SqliteContext, domainName: string, profileId: string, id: string): HistoryRecord | undefined {
  const row = c.stmt<[string, string, string], HistoryRow>(
    'SELECT * FROM history WHERE domain_name = ? AND profile_id = ? AND id = ?',
  ).get(domainName, profileId, id);
  return row ? fromRow(row) : undefined;
}

export function hasHistory(c: SqliteContext, domainName: string, profileId: string): boolean {
  return !!c.stmt('SELECT 1 FROM history WHERE domain_name = ? AND profile_id = ? LIMIT 1').get(domainName, profileId);
}
