/**
 * Checkpoints of MERGING off the writer's thread (docs/jobs.md, "Planning ahead"): copying ~16,000 WAL pages into
 * the database and syncing took ~0.3 s of the writer's time per ~1,000 merges. The writer asks this thread for a
 * PASSIVE checkpoint (which never blocks writers) and goes on merging; once it is done, the writer's own restarting
 * checkpoint only has the pages written meanwhile left to copy, then the WAL starts over.
 */
import { join } from 'node:path';
import type { Worker } from 'node:worker_threads';
import { DB_FILE } from '../store/index.js';
import { startWorker } from '../util/worker.js';

export interface WalCheckpointer {
  /** Starts a background checkpoint unless one is running; returns false while one runs. */
  request(): boolean;
  /** Whether a requested checkpoint finished since the last call (the writer then restarts the WAL itself). */
  takeDone(): boolean;
  /** Resolves once no checkpoint is running (the requested one finished, or the thread is gone). */
  idle(): Promise<void>;
  /** How long the last finished checkpoint took (ms). */
  readonly lastMs: number;
  close(): Promise<void>;
}

// state[0]: 0 idle, 1 running, 2 done; state[1]: how long the last checkpoint took (ms)
export function startWalCheckpointer(dataDir: string): WalCheckpointer {
  const state = new Int32Array(new SharedArrayBuffer(8));
  const worker: Worker = startWorker(import.meta.url, './wal-checkpoint-worker.js', {
    workerData: { file: join(dataDir, DB_FILE), state },
  });
  let exited = false;
  worker.on('exit', () => { exited = true; });
  worker.on('error', () => { exited = true; });
  return {
    request() {
      if (exited || Atomics.load(state, 0) !== 0) return false;
      Atomics.store(state, 0, 1);
      worker.postMessage('checkpoint');
      return true;
    },
    takeDone() {
      return Atomics.compareExchange(state, 0, 2, 0) === 2;
    },
    get lastMs() { return Atomics.load(state, 1); },
    async idle() {
      while (!exited && Atomics.load(state, 0) === 1) await new Promise((r) => setTimeout(r, 10));
    },
    async close() {
      if (exited) return;
      worker.postMessage('close');
      await new Promise<void>((r) => {
        const t = setTimeout(() => { void worker.terminate().finally(() => r()); }, 5000);
        worker.once('exit', () => { clearTimeout(t); r(); });
      });
    },
  };
}
