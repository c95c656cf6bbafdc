/** Thread entry of a job's export (export-run.ts, exportThread): writes the parts and replies once. */
import { parentPort, workerData } from 'node:worker_threads';
import { runExport, type ExportReply, type ExportWorkerData } from './export-run.js';
import { localSink, s3Sink } from './sinks.js';

const d = workerData as ExportWorkerData;
let reply: ExportReply;
try {
  reply = { result: await runExport(d.s3 ? s3Sink(d.s3) : localSink(d.dataDir), d.req) };
} catch (err) {
  reply = { error: (err as Error).message ?? String(err) };
}
parentPort!.postMessage(reply);
