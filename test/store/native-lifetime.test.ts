/**
 * The Node 24 guard (src/store/sqlite/native-lifetime.ts): every native better-sqlite3 object made on this thread is
 * kept, however it was made, so that no garbage collection destroys one (which aborts Node 24). That the whole
 * suite runs on Node 24 is checked by .ci/run's Node 22 / 24 legs.
 */
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { keptNativeCount } from '../../src/store/sqlite/native-lifetime.js';
import { openDatabase } from '../../src/store/sqlite/database.js';

describe('native object lifetime (Node 24 guard)', () => {
  it('keeps the statements of prepare(), pragma(), transaction() and the iterators of iterate()', () => {
    const db = new Database(':memory:');
    let before = keptNativeCount();
    db.exec('CREATE TABLE t (a)');
    expect(keptNativeCount()).toBe(before + 1); // the database itself, on its first use
    before = keptNativeCount();
    db.prepare('INSERT INTO t VALUES (?)').run(1);
    expect(keptNativeCount()).toBe(before + 1);
    before = keptNativeCount();
    db.pragma('user_version = 3'); // pragma() prepares on the native handle, not through Database.prototype.prepare
    expect(keptNativeCount()).toBe(before + 1);
    before = keptNativeCount();
    db.transaction(() => db.exec('INSERT INTO t VALUES (2)')).immediate();
    expect(keptNativeCount()).toBeGreaterThan(before); // BEGIN / COMMIT / … statements of the transaction helper
    const stmt = db.prepare('SELECT a FROM t ORDER BY a');
    before = keptNativeCount();
    expect([...stmt.iterate()].map((r) => (r as { a: number }).a)).toEqual([1, 2]);
    expect(keptNativeCount()).toBe(before + 1);
    db.close();
  });

  it('keeps what a store connection prepares, with one wrapper (not one per evaluation of the module)', () => {
    const db = openDatabase(':memory:');
    const before = keptNativeCount();
    db.prepare('SELECT 1').get();
    expect(keptNativeCount()).toBe(before + 1); // one wrapper, not one per evaluation of the module
    db.close();
  });
});
