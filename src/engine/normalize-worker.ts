/**
 * Worker thread: normalizes chunks of encoded profiles (profile-codec.ts) into columns with chunk-local interned ids,
 * and extracts every blocking rule's keys from them — the per-profile work of normalize and blocking, off the main
 * thread. Each chunk starts from empty tables and caches, so a worker holds nothing between chunks.
 */
import { parentPort, workerData } from 'node:worker_threads';
import type { NormalizeOptions } from './columns.js';
import { normalizeChunk } from './normalize-encoded.js';
import { chunkBuffers, chunkResult, type ChunkRequest } from './normalize-parallel.js';

const opts = (workerData as { normalize: NormalizeOptions }).normalize;

parentPort!.on('message', (req: ChunkRequest | { release: true }) => {
  if ('release' in req) return; // a merged chunk's arrays, handed back only to be dropped here
  const res = chunkResult(req.seq, normalizeChunk(req.encoded, opts));
  parentPort!.postMessage(res, chunkBuffers(res));
});
