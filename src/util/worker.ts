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
  // `--import tsx` in a worker's execArgv does not load .ts on Node 20, so register tsx's loader from inside the worker.
  const tsxApi = import.meta.resolve('tsx/esm/api');
  const boot = `import(${JSON.stringify(tsxApi)}).then((m) => { m.register(); return import(${JSON.stringify(ts.href)}); });`;
  return new Worker(boot, { ...options, eval: true });
}
