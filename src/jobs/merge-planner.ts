/**
 * MERGING's planning ahead on a second thread (docs/jobs.md, "Planning ahead"): while the job worker applies merges,
 * a planner thread (merge-planner-worker.ts) reads and plans the next groups, so the writer's thread mostly executes
 * prepared writes. Groups are requested in chunks ahead of the writer; results are taken off the channel without
 * yielding (receiveMessageOnPort: the writer's loop does not return to the event loop inside a batch). A group whose
 * plan is not there yet is planned by the writer itself, and the planner skips the groups the writer has passed, so
 * a CPU-starved planner (a busy machine) costs little.
 */
import { MessageChannel, receiveMessageOnPort, type Worker } from 'node:worker_threads';
import type { AutoMerging } from '../api/generated/types.js';
import type { PreparedGroup, StoredMatchGroup } from '../store/jobs-results.js';
import { startWorker } from '../util/worker.js';
import type { PlannerReply, PlannerWorkerData, PlanRequest } from './merge-planner-worker.js';

/** Prepared groups in the writer's order. */
export interface MergePlanSource {
  /** The group's prepared merges; undefined: plan it inline (not ready, skipped, or the planner failed). */
  get(index: number): Promise<PreparedGroup | undefined>;
  /** Groups the writer had to plan itself because their plan was not ready. */
  readonly notReady: number;
  close(): Promise<void>;
}

export type StartMergePlanner = (settings: AutoMerging, groups: StoredMatchGroup[]) => MergePlanSource;

const CHUNK = 128;
/** Chunks requested ahead of the writer (~2,000 groups: a few batches of merges). */
const AHEAD = 16;

export interface MergePlannerOptions {
  dataDir: string;
  domainName: string;
  cacheKiB?: number;
  log?: (m: string, level?: 'info' | 'warn') => void;
  /** Wait for every group's plan instead of planning the late ones inline (tests: deterministic use of the thread). */
  waitForPlans?: boolean;
}

const PLANNER_HEAP_MB = 128;
/**
 * The planner's page cache: it reads each profile once (a cache holds the B-tree's upper pages; leaf hits are rare at
 * a million profiles, 64 MiB being ~5% of the file), so 16 MiB rather than the store's 64 (-48 MiB of RSS when full;
 * no CPU difference measured at 100k with 8 MiB).
 */
const PLANNER_CACHE_KIB = 16 * 1024;

export function mergePlannerThread(opts: MergePlannerOptions): StartMergePlanner {
  return (settings, groups) => {
    const { port1, port2 } = new MessageChannel();
    // The writer's position (group index), read by the planner to skip groups already passed.
    const progress = new Int32Array(new SharedArrayBuffer(4));
    const data: PlannerWorkerData = {
      dataDir: opts.dataDir, domainName: opts.domainName, settings, cacheKiB: opts.cacheKiB ?? PLANNER_CACHE_KIB, port: port2, progress,
      adaptive: !opts.waitForPlans,
    };
    // A small heap: the planner holds a few chunks of plans at a time, but parses profiles fast enough that V8 let
    // its heap grow by hundreds of MB of garbage at 1M profiles. Over the limit it stops and the writer plans inline.
    const worker: Worker = startWorker(import.meta.url, './merge-planner-worker.js', {
      workerData: data, transferList: [port2], resourceLimits: { maxOldGenerationSizeMb: PLANNER_HEAP_MB },
    });
    let failed: string | undefined;
    let notReady = 0;
    const requested = new Set<number>();
    const ready = new Map<number, Array<PreparedGroup | null>>();
    const fail = (why: string) => {
      if (failed === undefined) opts.log?.(`merge planner thread stopped (${why}); the remaining groups are planned inline`);
      failed ??= why;
    };
    const onReply = (m: PlannerReply) => {
      if (m.id === -1) opts.log?.(`merge planner thread CPU ${m.cpuMs ?? '?'} ms, V8 heap ${m.heapMb ?? '?'} MiB at its end`, 'info');
      else if (m.error !== undefined) fail(m.error);
      else ready.set(m.id, m.prepared ?? []);
    };
    const drain = () => {
      for (let r = receiveMessageOnPort(port1); r; r = receiveMessageOnPort(port1)) onReply(r.message as PlannerReply);
    };
    worker.on('error', (e) => fail(e.message));
    let exited = false;
    worker.on('exit', (code) => {
      exited = true;
      if (code !== 0) fail(`exit code ${code}`);
    });
    const request = (chunk: number) => {
      if (requested.has(chunk) || chunk * CHUNK >= groups.length || failed !== undefined) return;
      requested.add(chunk);
      const msg: PlanRequest = { id: chunk, first: chunk * CHUNK, groups: groups.slice(chunk * CHUNK, (chunk + 1) * CHUNK) };
      port1.postMessage(msg);
    };
    return {
      get notReady() { return notReady; },
      async get(index) {
        Atomics.store(progress, 0, index);
        const chunk = Math.floor(index / CHUNK);
        for (let c = chunk; c <= chunk + AHEAD; c++) request(c);
        ready.delete(chunk - 1);
        drain();
        while (opts.waitForPlans && !ready.has(chunk) && failed === undefined && !exited) {
          await new Promise((r) => setTimeout(r, 1));
          drain();
        }
        const prepared = ready.get(chunk)?.[index - chunk * CHUNK] ?? undefined;
        if (!prepared && failed === undefined) notReady++;
        return prepared;
      },
      async close() {
        ready.clear();
        if (exited) return;
        port1.postMessage('close');
        await new Promise<void>((r) => {
          const t = setTimeout(() => { void worker.terminate().finally(() => r()); }, 2000);
          worker.once('exit', () => { clearTimeout(t); r(); });
        });
        drain();
        port1.close();
      },
    };
  };
}
