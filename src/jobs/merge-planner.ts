/**
 * MERGING's planning ahead on a second thread (docs/jobs.md, "Planning ahead"): while the job worker applies merges,
 * a planner thread (merge-planner-worker.ts) reads and plans the next groups, so the writer's thread only executes
 * prepared writes. Groups are requested in chunks, a few chunks ahead of the writer.
 */
import type { Worker } from 'node:worker_threads';
import type { AutoMerging } from '../api/generated/types.js';
import type { PreparedGroup, StoredMatchGroup } from '../store/jobs-results.js';
import { startWorker } from '../util/worker.js';
import type { PlannerWorkerData, PlanRequest } from './merge-planner-worker.js';

/** Prepared groups in the writer's order; undefined: plan it inline (no planner, or the planner failed). */
export interface MergePlanSource {
  get(index: number): Promise<PreparedGroup | undefined>;
  close(): Promise<void>;
}

export type StartMergePlanner = (settings: AutoMerging, groups: StoredMatchGroup[]) => MergePlanSource;

const CHUNK = 128;
const AHEAD = 6;

export function mergePlannerThread(opts: { dataDir: string; domainName: string; cacheKiB?: number; log?: (m: string) => void }): StartMergePlanner {
  return (settings, groups) => {
    const data: PlannerWorkerData = { dataDir: opts.dataDir, domainName: opts.domainName, settings, cacheKiB: opts.cacheKiB ?? 65536 };
    const worker: Worker = startWorker(import.meta.url, './merge-planner-worker.js', { workerData: data });
    let failed: string | undefined;
    const chunks = new Map<number, { promise: Promise<PreparedGroup[] | undefined>; resolve: (p: PreparedGroup[] | undefined) => void }>();
    const fail = (why: string) => {
      if (failed === undefined) opts.log?.(`merge planner thread stopped (${why}); the remaining groups are planned inline`);
      failed ??= why;
      for (const c of chunks.values()) c.resolve(undefined);
    };
    worker.on('message', (m: { id: number; prepared?: PreparedGroup[]; error?: string; cpuMs?: number }) => {
      if (m.id === -1) opts.log?.(`merge planner thread CPU ${m.cpuMs ?? '?'} ms`);
      else if (m.error !== undefined) fail(m.error);
      else chunks.get(m.id)?.resolve(m.prepared);
    });
    worker.on('error', (e) => fail(e.message));
    let exited = false;
    worker.on('exit', (code) => {
      exited = true;
      if (code !== 0) fail(`exit code ${code}`);
    });
    const request = (chunk: number) => {
      if (chunks.has(chunk) || chunk * CHUNK >= groups.length) return;
      let resolve!: (p: PreparedGroup[] | undefined) => void;
      const promise = new Promise<PreparedGroup[] | undefined>((r) => { resolve = r; });
      chunks.set(chunk, { promise, resolve });
      if (failed !== undefined) return resolve(undefined);
      const msg: PlanRequest = { id: chunk, groups: groups.slice(chunk * CHUNK, (chunk + 1) * CHUNK) };
      worker.postMessage(msg);
    };
    return {
      async get(index) {
        const chunk = Math.floor(index / CHUNK);
        for (let c = chunk; c <= chunk + AHEAD; c++) request(c);
        chunks.delete(chunk - 1);
        const prepared = await chunks.get(chunk)!.promise;
        return prepared?.[index - chunk * CHUNK];
      },
      async close() {
        for (const c of chunks.values()) c.resolve(undefined);
        chunks.clear();
        if (exited) return;
        worker.postMessage('close');
        await new Promise<void>((r) => {
          const t = setTimeout(() => { void worker.terminate().finally(() => r()); }, 2000);
          worker.once('exit', () => { clearTimeout(t); r(); });
        });
      },
    };
  };
}
