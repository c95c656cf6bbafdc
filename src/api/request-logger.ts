/**
 * The per-request logger Fastify puts on `req.log`, built lazily: a pino child costs several µs and most requests
 * log only the server's one line per request, which `requestLine` writes through the parent with the request id as
 * its first field (the same JSON line the child would write). The real child is made on the first other use
 * (a handler's `ctx.log`, an error, a plugin route).
 */
import type { FastifyBaseLogger } from 'fastify';
import type { Bindings, ChildLoggerOptions, Logger } from 'pino';

type LogArgs = Parameters<Logger['info']>;

export class LazyRequestLogger implements FastifyBaseLogger {
  private real?: Logger;

  constructor(
    private readonly parent: Logger,
    private readonly bindingsOf: Bindings,
    private readonly opts: ChildLoggerOptions,
  ) {}

  /** The real pino child (made on first use). */
  get logger(): Logger {
    return (this.real ??= this.parent.child(this.bindingsOf, this.opts));
  }

  get level(): string {
    return this.real ? this.real.level : (this.opts.level ?? this.parent.level);
  }

  set level(level: string) {
    this.logger.level = level;
  }

  /** The request line: `fields` must start with the request id binding (checked by the caller's key order). */
  requestLine(fields: Record<string, unknown>, msg: string): void {
    if (this.real || this.opts.level !== undefined || this.opts.serializers !== undefined) this.logger.info(fields, msg);
    else this.parent.info(fields, msg);
  }

  fatal(...args: LogArgs): void { this.logger.fatal(...args); }
  error(...args: LogArgs): void { this.logger.error(...args); }
  warn(...args: LogArgs): void { this.logger.warn(...args); }
  info(...args: LogArgs): void { this.logger.info(...args); }
  debug(...args: LogArgs): void { this.logger.debug(...args); }
  trace(...args: LogArgs): void { this.logger.trace(...args); }
  silent(...args: LogArgs): void { this.logger.silent(...args); }
  child(bindings: Bindings, options?: ChildLoggerOptions): Logger { return this.logger.child(bindings, options); }
  isLevelEnabled(level: string): boolean { return this.logger.isLevelEnabled(level); }
}

/** Fastify `childLoggerFactory` making LazyRequestLogger instances. */
export function lazyChildLoggerFactory(logger: FastifyBaseLogger, bindings: Bindings, opts: ChildLoggerOptions): FastifyBaseLogger {
  return new LazyRequestLogger(logger as Logger, bindings, opts);
}

/** The pino Logger of a request (materializes the lazy child). */
export function pinoLoggerOf(log: FastifyBaseLogger): Logger {
  return log instanceof LazyRequestLogger ? log.logger : (log as Logger);
}
