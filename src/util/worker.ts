/**
 * Starts a worker thread from a module next to the caller, whether running compiled (dist/*.js) or from
 * source under tsx/vitest (*.ts, which needs the tsx loader inside the worker).
 */
import { Worker, type WorkerOptions } from 'node:worker_threads';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export function startWorker(callerUrl: string, relativeModule: string, options: WorkerOptions = {}): Worker {
  const base = relativeModule.replace(/\.(ts|js)$/, '');
  const js = new URL(`${base}.js`, callerUrl);
  if (existsSync(fileURLToPath(js))) return new Worker(js, options);
  const ts = new URL(`${base}.ts`, callerUrl);
  return new Worker(ts, { ...options, execArgv: [...(options.execArgv ?? []), '--import', 'tsx'] });
}
