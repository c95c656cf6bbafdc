/**
 * CPU per profile of a normalize worker's work: chunks of generated profiles encoded as the parallel path does, then
 * per chunk normalizeChunk, what a worker runs ("normalize") and chunkResult (blocking keys + value hashes), with a
 * SHA-256 over every column, table value, key and hash — it must not change with a speed-only change.
 * `node --import tsx scripts/normalize-chunk-cpu.ts [profiles=200000] [chunk=50000] [reps=1]`
 */
import { createHash } from 'node:crypto';
import { ColumnBuilder, MULTI_COLUMNS } from '../src/engine/columns.js';
import { ChunkWriter, encodeProfile } from '../src/engine/profile-codec.js';
import { normalizeChunk } from '../src/engine/normalize-encoded.js';
import { chunkResult } from '../src/engine/normalize-parallel.js';
import { normalizeOptionsOf } from '../src/engine/resolve.js';
import { generateProfiles } from '../src/engine/generate/index.js';

const n = Number(process.argv[2] ?? 200000), size = Number(process.argv[3] ?? 50000), reps = Number(process.argv[4] ?? 1);
const { profiles } = generateProfiles(n, 1, { meta: false });
const opts = normalizeOptionsOf({});
const idk = new ColumnBuilder(opts);
const chunks: Uint16Array[] = [];
const w = new ChunkWriter();
for (let s = 0; s < n; s += size) {
  for (let i = s; i < Math.min(n, s + size); i++) encodeProfile(profiles[i]!.data, (k) => idk.isIdKey(k), w);
  chunks.push(w.take());
}
const cpu = (u: NodeJS.CpuUsage) => (u.user + u.system) / 1000;
let tn = 0, tr = 0;
const h = createHash('sha256');
const upd = (a: ArrayBufferView) => h.update(new Uint8Array(a.buffer, a.byteOffset, a.byteLength));
for (let r = 0; r < reps; r++) {
  for (const enc of chunks) {
    let c = process.cpuUsage();
    const b = normalizeChunk(enc, opts);
    tn += cpu(process.cpuUsage(c));
    c = process.cpuUsage();
    const res = chunkResult(0, b);
    tr += cpu(process.cpuUsage(c));
    if (r === 0) {
      const d = res.data;
      for (const col of [d.first, d.middle, d.last, d.dob]) upd(col);
      for (const [col] of MULTI_COLUMNS) { upd(d[col].off); upd(d[col].values); }
      for (const [name, vals] of Object.entries(res.tables)) h.update(name + '\0' + vals.join('\0') + '\n');
      for (const k of res.keys) { upd(k.hash); upd(k.idx); }
      for (const x of Object.values(res.hashes)) upd(x);
    }
  }
}
const per = (t: number) => ((t * 1000) / (n * reps)).toFixed(2);
console.log(`${n} profiles, chunks of ${size}, ${reps} reps: normalize ${per(tn)} us/profile, chunkResult(keys+hashes) ${per(tr)} us/profile; total ${(tn + tr).toFixed(0)} ms; sha ${h.digest('hex').slice(0, 16)}`);
