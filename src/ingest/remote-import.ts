/**
 * `coalesce import --endpoint URL`: loads a file through a running server with the UploadJobs API, the way an
 * AWS client would. The file is validated and mapped here first (same pipeline as a local import, so the error
 * report has the original line numbers, and JSONL works too); the valid rows are written to a temporary CSV whose
 * columns are profile paths plus the unique key, which is uploaded to the job's pre-signed URL and processed by
 * the server (CreateUploadJob → GetUploadJobPath → PUT → StartUploadJob → GetUploadJob until done).
 */
import { createReadStream, createWriteStream, mkdtempSync, rmSync, statSync, type WriteStream } from 'node:fs';
import { once } from 'node:events';
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { createInterface } from 'node:readline';
import {
  CreateUploadJobCommand, GetUploadJobCommand, GetUploadJobPathCommand, StartUploadJobCommand,
  type CustomerProfilesClient, type GetUploadJobCommandOutput,
} from '@aws-sdk/client-customer-profiles';
import { flattenProfile } from '../model/profile.js';
import { MappingError, type ImportMapping } from './mapping.js';
import { readCounting, type ErrorReport } from './file-import.js';
import { runImport, type ImportFormat, type ImportResult } from './pipeline.js';
import { ProgressReporter } from './progress.js';
import { csvCell } from './upload-service.js';

const KEY_COLUMN = '_uniqueKey';

export interface RemoteImportOptions {
  client: CustomerProfilesClient;
  domainName: string;
  file: string;
  format: ImportFormat;
  mapping: ImportMapping;
  errorReport: ErrorReport;
  batchSize?: number;
  pollMs?: number;
}

async function write(out: WriteStream, text: string) {
  if (!out.write(text)) await once(out, 'drain');
}

function put(url: string, file: string): Promise<{ status: number; body: string }> {
  const size = statSync(file).size;
  const req = (url.startsWith('https:') ? httpsRequest : httpRequest)(url, {
    method: 'PUT', headers: { 'content-type': 'text/csv', 'content-length': size },
  });
  return new Promise((resolve, reject) => {
    req.on('response', (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => { body += c; });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
    createReadStream(file).on('error', reject).pipe(req);
  });
}

export async function importThroughServer(o: RemoteImportOptions): Promise<ImportResult & { jobId: string; elapsedMs: number; serverFailed: number }> {
  const uk = o.mapping.uniqueKey;
  if (!uk) throw new MappingError('an import through a server needs a unique key (--unique-key COLUMN or "uniqueKey" in the mapping file): upload jobs require one');
  if (!/^[a-zA-Z0-9_.-]{1,64}$/.test(uk.keyName)) throw new MappingError(`the unique key name "${uk.keyName}" must match [a-zA-Z0-9_.-]{1,64} for an upload job`);
  const t0 = performance.now();
  const dir = mkdtempSync(join(tmpdir(), 'coalesce-import-'));
  try {
    // 1. Validate and map locally; valid rows go to a temporary JSONL (the CSV columns are known only at the end).
    const rowsFile = join(dir, 'rows.jsonl');
    const rowsOut = createWriteStream(rowsFile);
    const columns = new Set<string>();
    let bytes = 0;
    const checking = new ProgressReporter(statSync(o.file).size, process.stderr, Boolean(process.stderr.isTTY), 'checked');
    let local: ImportResult;
    try {
      local = await runImport({
        input: readCounting(o.file, (n) => { bytes += n; }),
        format: o.format, mapping: o.mapping, batchSize: o.batchSize,
        onReject: (e) => o.errorReport.add(e),
        onProgress: (c) => checking.update(c, bytes),
        sink: {
          write: async (rows) => {
            let chunk = '';
            for (const r of rows) {
              const flat = flattenProfile(r.data);
              for (const k of Object.keys(flat)) columns.add(k);
              chunk += JSON.stringify([r.uniqueKey, flat]) + '\n';
            }
            await write(rowsOut, chunk);
            return { created: 0, updated: 0 };
          },
        },
      });
      checking.update(local, bytes, true);
    } finally {
      checking.finish();
      await new Promise<void>((resolve) => rowsOut.end(() => resolve()));
      await o.errorReport.close();
    }

    // 2. The upload file: `_uniqueKey` + one column per profile path used.
    const cols = [...columns].sort();
    const csvFile = join(dir, 'upload.csv');
    const csvOut = createWriteStream(csvFile);
    await write(csvOut, [KEY_COLUMN, ...cols].map(csvCell).join(',') + '\n');
    for await (const line of createInterface({ input: createReadStream(rowsFile), crlfDelay: Infinity })) {
      if (!line) continue;
      const [key, flat] = JSON.parse(line) as [string, Record<string, string>];
      await write(csvOut, [key, ...cols.map((c) => flat[c] ?? '')].map(csvCell).join(',') + '\n');
    }
    await new Promise<void>((resolve) => csvOut.end(() => resolve()));

    // 3. Upload job.
    const Fields: Record<string, { Source: string; Target?: string }> = { [uk.keyName]: { Source: `_source.${KEY_COLUMN}` } };
    cols.forEach((c, i) => { Fields[`f${i + 1}`] = { Source: `_source.${c}`, Target: `_profile.${c}` }; });
    const { JobId } = await o.client.send(new CreateUploadJobCommand({
      DomainName: o.domainName, DisplayName: basename(o.file).slice(0, 255), Fields, UniqueKey: uk.keyName,
    }));
    const jobId = JobId!;
    const { Url } = await o.client.send(new GetUploadJobPathCommand({ DomainName: o.domainName, JobId: jobId }));
    const res = await put(Url!, csvFile);
    if (res.status !== 200) throw new Error(`uploading the file failed: HTTP ${res.status} ${res.body.slice(0, 300)}`);
    await o.client.send(new StartUploadJobCommand({ DomainName: o.domainName, JobId: jobId }));

    // 4. Wait for the server, showing its progress.
    const total = local.read - local.rejected;
    const serverProgress = new ProgressReporter(Math.max(total, 1), process.stderr, Boolean(process.stderr.isTTY), 'loaded by the server');
    let job: GetUploadJobCommandOutput;
    try {
      for (;;) {
        job = await o.client.send(new GetUploadJobCommand({ DomainName: o.domainName, JobId: jobId }));
        const s = job.ResultsSummary ?? {};
        const done = (s.CreatedRecords ?? 0) + (s.UpdatedRecords ?? 0) + (s.FailedRecords ?? 0);
        serverProgress.update({ read: done, created: s.CreatedRecords ?? 0, updated: s.UpdatedRecords ?? 0, rejected: s.FailedRecords ?? 0 }, done);
        if (job.Status !== 'CREATED' && job.Status !== 'IN_PROGRESS') break;
        await new Promise((r) => setTimeout(r, o.pollMs ?? 500));
      }
    } finally {
      serverProgress.finish();
    }
    if (job.Status === 'FAILED' && (job.ResultsSummary?.CreatedRecords ?? 0) + (job.ResultsSummary?.UpdatedRecords ?? 0) === 0 && total > 0) {
      throw new Error(`upload job ${jobId} FAILED (${job.StatusReason ?? 'no reason given'})`);
    }
    const serverFailed = job.ResultsSummary?.FailedRecords ?? 0;
    return {
      read: local.read,
      created: job.ResultsSummary?.CreatedRecords ?? 0,
      updated: job.ResultsSummary?.UpdatedRecords ?? 0,
      rejected: local.rejected + serverFailed,
      stopped: job.Status === 'STOPPED',
      ignoredColumns: local.ignoredColumns,
      jobId,
      serverFailed,
      elapsedMs: performance.now() - t0,
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
