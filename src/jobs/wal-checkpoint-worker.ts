/** Thread of wal-checkpointer.ts: PASSIVE checkpoints on request, on a connection of its own. */
import { parentPort, workerData } from 'node:worker_threads';
import { openDatabase } from '../store/sqlite/database.js';

const d = workerData as { file: string; state: Int32Array };
const db = openDatabase(d.file, {});
parentPort!.on('message', (m: string) => {
  if (m === 'close') {
    db.close();
    parentPort!.close();
    return;
  }
  const t = performance.now();
  try {
    db.pragma('wal_checkpoint(PASSIVE)');
  } catch { /* busy or I/O error: the writer's own checkpoints still run */ }
  Atomics.store(d.state, 1, Math.round(performance.now() - t));
  Atomics.store(d.state, 0, 2);
});
