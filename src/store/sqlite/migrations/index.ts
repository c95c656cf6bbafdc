/**
 * Versioned schema migrations. Each entry is applied once, in version order, in its own transaction, and recorded
 * in `schema_migrations`. Number ranges per area (add your entries as separate files + one line here):
 *   001–009 store / API core · 010–019 jobs · 020–029 ingestion · 030–039 console.
 * Never edit a migration that has shipped: add a new one.
 */
import type { Db } from '../database.js';
import { m001Core } from './001-core.js';
import { m002HistoryIndex } from './002-history-index.js';
import { m003DomainDeleting } from './003-domain-deleting.js';
import { m010Jobs } from './010-jobs.js';
import { m011MergeLogLean } from './011-merge-log-lean.js';
import { m012JobKeyIndex } from './012-job-key-index.js';
import { m020Uploads } from './020-uploads.js';
import { m021ProfileKeyBacklog } from './021-profile-key-backlog.js';

export interface Migration {
  version: number;
  name: string;
  sql: string;
}

export const migrations: Migration[] = [
  m001Core,
  m002HistoryIndex,
  m003DomainDeleting,
  m010Jobs,
  m011MergeLogLean,
  m012JobKeyIndex,
  m020Uploads,
  m021ProfileKeyBacklog,
];

/** Applies pending migrations; safe when several connections/processes open the same file at once. */
export function runMigrations(db: Db, list: Migration[] = migrations): number[] {
  const sorted = [...list].sort((a, b) => a.version - b.version);
  for (let i = 1; i < sorted.length; i++) {
    if (sorted[i].version === sorted[i - 1].version) throw new Error(`Duplicate migration version ${sorted[i].version}`);
  }
  db.exec(`CREATE TABLE IF NOT EXISTS schema_migrations (
    version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at INTEGER NOT NULL)`);
  const applied: number[] = [];
  const isApplied = db.prepare('SELECT 1 FROM schema_migrations WHERE version = ?');
  const record = db.prepare('INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)');
  for (const m of sorted) {
    // IMMEDIATE takes the write lock first, so two processes cannot both apply the same migration.
    db.transaction(() => {
      if (isApplied.get(m.version)) return;
      db.exec(m.sql);
      record.run(m.version, m.name, Date.now());
      applied.push(m.version);
    }).immediate();
  }
  return applied;
}

export function appliedVersions(db: Db): number[] {
  return (db.prepare('SELECT version FROM schema_migrations ORDER BY version').all() as { version: number }[])
    .map((r) => r.version);
}
