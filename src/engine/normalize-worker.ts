/**
 * Worker thread: normalizes chunks of encoded profiles (profile-codec.ts) into columns with chunk-local interned ids,
 * and extracts every blocking rule's keys from them — the per-profile work of normalize and blocking, off the main
 * thread. Each chunk starts from empty tables and caches, so a worker holds nothing between chunks.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { ColumnBuilder, type NormalizeOptions } from './columns.js';
import { normalizeChunk } from './normalize-encoded.js';
import { chunkBuffers, chunkResult, encodeTexts, type ChunkRequest } from './normalize-parallel.js';
import { ChunkWriter } from './profile-codec.js';
import { JsonProfileEncoder } from './profile-json.js';

const opts = (workerData as { normalize: NormalizeOptions }).normalize;
const idKeys = new ColumnBuilder(opts); // only for its identifier-key verdicts
const isIdKey = (k: string) => idKeys.isIdKey(k);
const json = new JsonProfileEncoder(isIdKey);
const writer = new ChunkWriter();

parentPort!.on('message', (req: ChunkRequest | { release: true }) => {
  if ('release' in req) return; // a merged chunk's arrays, handed back only to be dropped here
  let encoded: Uint16Array;
  if ('texts' in req) {
    encodeTexts(req.texts, json, isIdKey, writer);
    encoded = writer.take();
  } else encoded = req.encoded;
  const res = chunkResult(req.seq, normalizeChunk(encoded, opts));
  parentPort!.postMessage(res, chunkBuffers(res));
});
