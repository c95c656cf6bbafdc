/** Thread entry of exportCellsThread (export-cells.ts): the cells of the given texts, in order. */
import { parentPort, workerData } from 'node:worker_threads';
import { exportCellsOf } from './export-cells.js';

try {
  parentPort!.postMessage({ cells: exportCellsOf((workerData as { texts: string[] }).texts) });
} catch (err) {
  parentPort!.postMessage({ error: (err as Error).message ?? String(err) });
}
