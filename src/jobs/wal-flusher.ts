/**
 * Background flushing of the database's WAL file during MERGING (docs/jobs.md, "Speed of MERGING").
 *
 * Each merge commits ~20 pages (16 KiB each) to the WAL without syncing it (WAL with synchronous=NORMAL); the
 * next checkpoint must first fsync the WAL, i.e. wait until every byte written since the previous one reached
 * storage (tens of MB), and the merging thread sits in that wait. Calling fdatasync on the WAL file from the libuv
 * thread pool every few merges sends those bytes to storage while merging goes on, so the checkpoint's own sync
 * finds little left to do. Only a flush: SQLite's reads, writes, locks and syncs are untouched.
 */
import { close, fdatasync, openSync } from 'node:fs';

export interface WalFlusher {
  /** Starts a flush unless one is in flight (never blocks, never throws). */
  flush(): void;
  close(): void;
}

export function walFlusher(walFile: string): WalFlusher {
  let fd: number | undefined;
  let busy = false;
  let closed = false;
  return {
    flush() {
      if (busy || closed) return;
      try {
        // The WAL exists while a connection is open; 'r+' only because some systems refuse to sync read-only fds.
        fd ??= openSync(walFile, 'r+');
      } catch {
        return;
      }
      busy = true;
      fdatasync(fd, () => {
        busy = false;
        if (closed && fd !== undefined) close(fd, () => undefined);
      });
    },
    close() {
      closed = true;
      if (!busy && fd !== undefined) close(fd, () => undefined);
    },
  };
}
