/**
 * Worker thread: normalizes chunks of encoded profiles (profile-codec.ts) into columns with chunk-local interned ids,
 * and extracts every blocking rule's keys from them — the per-profile work of normalize and blocking, off the main
 * thread. Each chunk starts from empty tables and caches, so a worker holds nothing between chunks.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { ColumnBuilder, MULTI_COLUMNS, type NormalizeOptions } from './columns.js';
import { chunkText, decodeProfiles } from './profile-codec.js';
import { chunkResult, type ChunkRequest } from './normalize-parallel.js';

const opts = (workerData as { normalize: NormalizeOptions }).normalize;

parentPort!.on('message', (req: ChunkRequest) => {
  const b = new ColumnBuilder(opts);
  decodeProfiles(chunkText(req.encoded), (d) => b.add(d));
  const res = chunkResult(req.seq, b);
  const d = res.data;
  const transfer: ArrayBuffer[] = [];
  for (const col of [d.first, d.middle, d.last, d.dob]) transfer.push(col.buffer as ArrayBuffer);
  for (const [col] of MULTI_COLUMNS) transfer.push(d[col].off.buffer as ArrayBuffer, d[col].values.buffer as ArrayBuffer);
  for (const k of res.keys) transfer.push(k.hash.buffer as ArrayBuffer, k.idx.buffer as ArrayBuffer);
  for (const h of Object.values(res.hashes)) transfer.push(h.buffer as ArrayBuffer);
  parentPort!.postMessage(res, transfer);
});
