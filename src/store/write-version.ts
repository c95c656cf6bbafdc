/**
 * A process-wide count of committed store writes, shared by every thread of the process (the API's main thread, the
 * job workers, the ingestion workers…), so that a read cache on one connection can tell, with one atomic load, that
 * another connection of the process committed something since it cached a row (see sqlite/job-cache.ts).
 *
 * The counter lives in a SharedArrayBuffer handed to worker threads through worker_threads environment data
 * (structured clone shares a SharedArrayBuffer rather than copying it): the main thread creates it when this module
 * is first loaded, i.e. when the store module is imported, before any worker starts. Writes of other processes are
 * not counted: only this server process writes job rows (docs/store.md).
 */
import { getEnvironmentData, setEnvironmentData } from 'node:worker_threads';
import { wrapMethods } from './method-proxy.js';
import type { SqliteStore } from './sqlite/store.js';

const KEY = 'coalesce.storeWriteVersion';

function sharedCounter(): Int32Array {
  let sab = getEnvironmentData(KEY);
  if (!(sab instanceof SharedArrayBuffer)) {
    sab = new SharedArrayBuffer(4);
    setEnvironmentData(KEY, sab); // inherited by the workers this thread starts from now on
  }
  return new Int32Array(sab as SharedArrayBuffer);
}

const counter = sharedCounter();

/** The current write version (changes after every committed write of any connection of this process). */
export function storeWriteVersion(): number {
  return Atomics.load(counter, 0);
}

/**
 * Wraps a store so that, after each method call, a write this connection committed during the call bumps the shared
 * version. It runs right after the call returns (the SQLite methods do their work synchronously) and again when a
 * returned promise settles (methods that commit in several steps). Inside an open transaction (a merge batch) nothing
 * is bumped until the transaction ends: the version is bumped only once the data is visible to other connections.
 */
export function reportCommittedWrites<T extends SqliteStore>(store: T): T {
  const db = store.db;
  const totalChanges = db.prepare('SELECT total_changes()').pluck();
  let seen = totalChanges.get() as number;
  const check = () => {
    if (!db.open || db.inTransaction) return;
    const n = totalChanges.get() as number;
    if (n !== seen) {
      seen = n;
      Atomics.add(counter, 0, 1);
    }
  };
  const settle = (value: unknown) => {
    check();
    return value;
  };
  return wrapMethods(store, (method, target, args) => {
    let r: unknown;
    try {
      r = method.apply(target, args);
    } finally {
      check();
    }
    return r instanceof Promise ? r.then(settle, (e) => { check(); throw e; }) : r;
  });
}
