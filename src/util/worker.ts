/**
 * Starts a worker thread from a module next to the caller, whether running compiled (dist/*.js) or from
 * source under tsx/vitest (*.ts, which needs the tsx loader inside the worker).
 */
import { Worker, type WorkerOptions } from 'node:worker_threads';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';

export function startWorker(callerUrl: string, relativeModule: string, options: WorkerOptions = {}): Worker {
  const base = relativeModule.replace(/\.(ts|js)$/, '');
  const js = new URL(`${base}.js`, callerUrl);
  if (existsSync(fileURLToPath(js))) return new Worker(js, options);
  const ts = new URL(`${base}.ts`, callerUrl);
  // `--import tsx` in a worker's execArgv does not load .ts on Node 20, so register tsx's loader from inside the worker.
  // import.meta.resolve is missing under vitest (vite's SSR transform): resolve through require there.
  const tsxApi = typeof import.meta.resolve === 'function'
    ? import.meta.resolve('tsx/esm/api')
    : pathToFileURL(createRequire(import.meta.url).resolve('tsx/esm/api')).href.replace(/\.cjs$/, '.mjs');
  const boot = `import(${JSON.stringify(tsxApi)}).then((m) => { m.register(); return import(${JSON.stringify(ts.href)}); });`;
  return new Worker(boot, { ...options, eval: true });
}
