/**
 * CPU of a job's CSV export alone (docs/jobs.md, "Export"): N generated profiles in memory (as PREPROCESSING keeps
 * them), groups of 2–4 consecutive profiles, exportMatches to the local sink in a temp dir. Prints CPU per exported
 * row and a SHA-256 of the files written (must not change when the writer changes: the output is byte-identical).
 *
 *   node --import tsx scripts/export-stage-cpu.ts [N=200000]      (EXPORT_RUNS=3, EXPORT_PART_BYTES, --cpu-prof)
 */
import { createHash } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateRecords } from '../src/engine/generate/index.js';
import { DEFAULT_JOBS_CONFIG } from '../src/jobs/config.js';
import { exportMatches, type ExportGroup } from '../src/jobs/export-csv.js';
import { localSink } from '../src/jobs/sinks.js';
import type { ProfileData } from '../src/model/profile.js';

const N = Number(process.argv[2] ?? 200_000);
const RUNS = Number(process.env.EXPORT_RUNS ?? 3);
const PART = Number(process.env.EXPORT_PART_BYTES ?? DEFAULT_JOBS_CONFIG.exportPartBytes);

const snapshot = new Map<string, ProfileData>();
const ids: string[] = [];
let i = 0;
for (const r of generateRecords(N, 1)) {
  const id = `b${String(i++).padStart(31, '0')}`;
  const data = r.profile.data as ProfileData;
  // A few awkward values, so quoting and JSON are exercised.
  if (i % 97 === 0) data.AdditionalInformation = `said "hi", then\nleft, ${i}`;
  if (i % 89 === 0) data.Attributes = { ...(data.Attributes ?? {}), note: `a,"b"\r\nc ${i}`, 'ключ': 'ünï' };
  snapshot.set(id, data);
  ids.push(id);
}
const groups: ExportGroup[] = [];
for (let k = 0, g = 0; k < ids.length; g++) {
  const size = 2 + (g % 3);
  groups.push({ matchId: `m${g.toString(16).padStart(12, '0')}`, confidenceScore: ((g * 37) % 1000) / 1000, profileIds: ids.slice(k, k + size) });
  k += size;
}

for (let run = 1; run <= RUNS; run++) {
  const dir = mkdtempSync(join(tmpdir(), 'coalesce-export-cpu-'));
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  const r = await exportMatches({
    sink: localSink(dir), bucket: 'bench-bucket', keyName: 'exports', domainName: 'bench', jobId: 'j'.repeat(32),
    groups, profileOf: (id) => snapshot.get(id), partBytes: PART,
  });
  const wall = performance.now() - t0;
  const cpu = process.cpuUsage(cpu0);
  const cpuMs = (cpu.user + cpu.system) / 1000;
  const folder = join(dir, 's3', 'bench-bucket', r.prefix);
  const h = createHash('sha256');
  let bytes = 0;
  for (const f of readdirSync(folder).sort()) {
    const b = readFileSync(join(folder, f));
    bytes += b.length;
    h.update(f).update(b);
  }
  console.log(`run ${run}: ${r.rows} rows, ${r.keys.length} part(s), ${(bytes / 2 ** 20).toFixed(1)} MiB  wall ${wall.toFixed(0)} ms  ` +
    `CPU ${cpuMs.toFixed(0)} ms → ${(cpuMs * 1000 / r.rows).toFixed(2)} µs CPU / row  sha256 ${h.digest('hex').slice(0, 16)}`);
  rmSync(dir, { recursive: true, force: true });
}
