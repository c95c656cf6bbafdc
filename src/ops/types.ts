/** What every operation handler receives besides its input. Handlers never see HTTP. */
import type { Logger } from 'pino';
import type { Operations, OperationName } from '../api/generated/types.js';
import type { Repository } from '../store/repository.js';

/** Hooks into the jobs subsystem (scheduler, runner); implemented in src/jobs. */
export interface JobsService {
  /** Called after a domain's Matching block was created, changed or removed, so that the schedule follows. */
  onMatchingChanged(domainName: string): Promise<void>;
  /** Starts a job now (on-demand extension); returns its JobId. */
  startNow(domainName: string): Promise<string>;
}

export interface OpContext {
  store: Repository;
  requestId: string;
  /** Account and region used in ARNs (region from the request's credential scope when signed). */
  accountId: string;
  region: string;
  /** Access key that signed the request (undefined with --no-auth). */
  accessKeyId?: string;
  now(): Date;
  log: Logger;
  jobs: JobsService;
}

export type Handler<Op extends OperationName> = (
  input: Operations[Op]['input'],
  ctx: OpContext,
) => Promise<Operations[Op]['output']> | Operations[Op]['output'];

export type HandlerMap = { [Op in OperationName]?: Handler<Op> };
