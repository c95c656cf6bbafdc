/**
 * The in-file duplicate check's memory of unique keys (key → first line), kept in a private temporary SQLite database
 * instead of a Map, so that an import's memory stays flat however many rows the file has (a Map took ~100 bytes per
 * distinct key: ~200 MB at 2M rows). It is SQLite's anonymous database (empty file name): its file, in SQLite's temp
 * directory (SQLITE_TMPDIR, TMPDIR, else /var/tmp), is unlinked as soon as it is opened, so nothing outlives the
 * import, even a killed one (a named file in a temp dir used to stay behind then).
 */
import Database from 'better-sqlite3';
import '../store/sqlite/native-lifetime.js'; // Node 24: see there
import type { Statement } from 'better-sqlite3';

/** Keys written per transaction (the file is scratch: no journal, no sync; a transaction only batches page writes). */
const KEYS_PER_TRANSACTION = 50_000;

export class SeenKeys {
  private readonly db: Database.Database;
  private readonly insert: Statement<[string, number]>;
  private readonly lookup: Statement<[string], number>;
  private pending = 0;

  constructor() {
    this.db = new Database('');
    try {
      this.db.pragma('journal_mode = OFF');
      this.db.pragma('synchronous = OFF');
      this.db.pragma('locking_mode = EXCLUSIVE');
      this.db.pragma('cache_size = -32768');
      this.db.exec('CREATE TABLE seen (key TEXT PRIMARY KEY, line INTEGER NOT NULL) WITHOUT ROWID');
      this.insert = this.db.prepare('INSERT INTO seen (key, line) VALUES (?, ?) ON CONFLICT (key) DO NOTHING');
      this.lookup = this.db.prepare<[string], number>('SELECT line FROM seen WHERE key = ?').pluck();
      this.db.exec('BEGIN');
    } catch (err) {
      this.db.close();
      throw err;
    }
  }

  /** Records `key` as first seen on `line` unless it was seen before; returns that earlier line, or undefined. */
  firstLineOrAdd(key: string, line: number): number | undefined {
    if (this.insert.run(key, line).changes === 1) {
      if (++this.pending >= KEYS_PER_TRANSACTION) {
        this.db.exec('COMMIT; BEGIN');
        this.pending = 0;
      }
      return undefined;
    }
    return this.lookup.get(key);
  }

  close(): void {
    this.db.close();
  }
}
