/**
 * Installs the jobs service into the server (src/server-plugins.ts): replaces deps.jobs, starts the scheduler
 * after listen (crash recovery first) and stops it before the store closes. A later jobsPlugin(...) (tests with
 * an injected clock or config) replaces an earlier one of the same server; a JobsService passed to startServer
 * as `options.jobs` is left alone.
 */
import type { ServerDeps, ServerPlugin } from '../server.js';
import { unavailableJobs } from '../server.js';
import { createJobsService, type CoalesceJobsService, type JobsServiceOptions } from './service.js';

const installed = new WeakMap<ServerDeps, CoalesceJobsService>();

export function jobsPlugin(opts: Partial<Pick<JobsServiceOptions, 'clock' | 'config' | 's3'>> = {}): ServerPlugin {
  return (_app, deps) => {
    const first = !installed.has(deps);
    if (first && deps.jobs !== unavailableJobs) return; // the caller brought its own JobsService
    const service = createJobsService({ store: deps.store, dataDir: deps.config.dataDir, log: deps.log, ...opts });
    installed.set(deps, service);
    deps.jobs = service;
    if (!first) return;
    deps.onStart(() => installed.get(deps)!.start());
    deps.onClose(() => installed.get(deps)!.stop());
  };
}

/** The jobs service installed in a server (tests drive its scheduler with tick()). */
export function jobsServiceOf(deps: ServerDeps): CoalesceJobsService | undefined {
  return installed.get(deps);
}
