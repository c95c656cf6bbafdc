/**
 * Domains being deleted: DeleteDomain first marks the domain (it disappears from every read at once), then removes
 * its content in short transactions so that the synchronous SQLite calls never hold the event loop for long; a
 * deletion interrupted by a crash is resumed when the store opens.
 */
import type { Migration } from './index.js';

export const m003DomainDeleting: Migration = {
  version: 3,
  name: 'domain-deleting',
  sql: `ALTER TABLE domains ADD COLUMN deleting INTEGER NOT NULL DEFAULT 0;`,
};
