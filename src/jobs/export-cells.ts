/**
 * The export's row cells of the grouped profiles (csvProfileCells of each stored JSON text), made right after the
 * engine ran: on a thread of its own in a job worker (export-cells-worker.ts), while the job's thread saves the key
 * index and the groups — the other core is idle then — or on the caller's thread.
 */
import type { ProfileData } from '../model/profile.js';
import { startWorker } from '../util/worker.js';
import { csvProfileCells } from './export-csv.js';

/** Profile id → its row cells, for the given aligned ids and stored JSON texts. */
export type MakeExportCells = (ids: string[], texts: string[]) => Promise<Map<string, string>>;

export function exportCellsOf(texts: string[]): string[] {
  return texts.map((t) => csvProfileCells(JSON.parse(t) as ProfileData));
}

const cellsMap = (ids: string[], cells: string[]) => new Map(ids.map((id, i) => [id, cells[i]!]));

export const exportCellsHere: MakeExportCells = async (ids, texts) => cellsMap(ids, exportCellsOf(texts));

/** On a thread of its own; if that thread fails, on the caller's. */
export const exportCellsThread: MakeExportCells = (ids, texts) => new Promise<string[]>((resolve, reject) => {
  const worker = startWorker(import.meta.url, './export-cells-worker.js', { workerData: { texts } });
  let settled = false;
  worker.once('message', (m: { cells?: string[]; error?: string }) => {
    settled = true;
    if (m.cells) resolve(m.cells);
    else reject(new Error(m.error));
  });
  worker.once('error', (e) => { settled = true; reject(e); });
  worker.once('exit', (code) => { if (!settled) reject(new Error(`exit code ${code}`)); });
}).then((cells) => cellsMap(ids, cells), () => exportCellsHere(ids, texts));
