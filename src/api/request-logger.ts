/**
 * The per-request logger Fastify puts on `req.log`, built lazily: a pino child costs several µs and most requests
 * log only the server's one line per request, which `requestLine` writes through the parent with the request id as
 * its first field (the same JSON line the child would write). The real child is made on the first other use
 * (a handler's `ctx.log`, an error, a plugin route).
 */
import type { FastifyBaseLogger } from 'fastify';
import { symbols, type Bindings, type ChildLoggerOptions, type Logger } from 'pino';

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

  /**
   * The server's per-request line `{…,"requestId","operation","method","status","latencyMs","msg":"request"}`: the
   * same text pino writes for `info({requestId, operation, method, status, latencyMs}, 'request')` (see
   * RequestLineFormat), written straight to the logger's stream when the logger is plain pino, else through pino.
   */
  request(requestId: string, operation: string, method: string, status: number, latencyMs: number): void {
    const format = this.real || this.opts.level !== undefined || this.opts.serializers !== undefined ? undefined : formatOf(this.parent);
    if (format && plain(requestId) && plain(operation) && plain(method)) {
      if (this.parent.isLevelEnabled('info')) format.write(requestId, operation, method, status, latencyMs);
    } else {
      this.requestLine({ requestId, operation, method, status, latencyMs }, 'request');
    }
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

/** Printable ASCII without `"` and `\\`: written between quotes as is (pino's and JSON's text for such strings). */
const PLAIN = /^[\x20\x21\x23-\x5b\x5d-\x7e]*$/;
const plain = (s: string) => s.length <= 100 && PLAIN.test(s);

type PinoInternals = Logger & Record<symbol, unknown>;

/**
 * The request line of a pino logger, assembled from pino's own pieces (level prefix, time function, bindings, end of
 * line) and handed to its stream: pino's generic path (`LOG` → `write` → `asJson`, a for-in over the fields with
 * serializer and stringifier lookups per key) cost a few µs per request. Used only when the logger has nothing that
 * would change the line or its delivery (mixin, hooks, message prefix, log formatter, redaction, serializers of these
 * keys, nested key, a multistream), and only after the same fields formatted by pino's own `asJson` gave the
 * identical text.
 */
class RequestLineFormat {
  private readonly prefix: string;
  private readonly time: () => string;
  private readonly end: string;
  private readonly msg: string;
  private readonly stream: { write(s: string): unknown };

  constructor(private readonly logger: PinoInternals, level: number) {
    this.prefix = (logger[symbols.lsCacheSym] as Record<number, string>)[level]!;
    const time = logger[symbols.timeSym] as () => string;
    this.time = () => time.call(logger);
    this.end = logger[symbols.endSym] as string;
    this.msg = `,"${logger[symbols.messageKeySym] as string}":"request"`;
    this.stream = logger[symbols.streamSym] as { write(s: string): unknown };
  }

  line(time: string, requestId: string, operation: string, method: string, status: number, latencyMs: number): string {
    // The bindings are read per line: pino's setBindings() replaces them.
    return `${this.prefix}${time}${this.logger[symbols.chindingsSym] as string},"requestId":"${requestId}","operation":"${operation}","method":"${method}",`
      + `"status":${Number.isFinite(status) ? status : null},"latencyMs":${Number.isFinite(latencyMs) ? latencyMs : null}${this.msg}${this.end}`;
  }

  write(requestId: string, operation: string, method: string, status: number, latencyMs: number): void {
    this.stream.write(this.line(this.time(), requestId, operation, method, status, latencyMs));
  }
}

const formats = new WeakMap<object, RequestLineFormat | null>();

function formatOf(logger: Logger): RequestLineFormat | undefined {
  let f = formats.get(logger);
  if (f === undefined) {
    f = makeFormat(logger as PinoInternals);
    formats.set(logger, f);
  }
  return f ?? undefined;
}

/** Whether request lines of this logger are written directly (tests). */
export function requestLineIsDirect(logger: Logger): boolean {
  return formatOf(logger) !== undefined;
}

const KEYS = ['requestId', 'operation', 'method', 'status', 'latencyMs', 'msg'];

function makeFormat(logger: PinoInternals): RequestLineFormat | null {
  try {
    const level = logger.levels?.values?.info;
    const stream = logger[symbols.streamSym] as Record<string | symbol, unknown> | undefined;
    const hooks = logger[Symbol.for('pino.hooks')] as Record<string, unknown> | undefined;
    const formatters = logger[Symbol.for('pino.formatters')] as Record<string, unknown> | undefined;
    const serializers = (logger[Symbol.for('pino.serializers')] ?? {}) as Record<string, unknown>;
    const stringifiers = (logger[symbols.stringifiersSym] ?? {}) as Record<string | symbol, unknown>;
    const asJson = logger[symbols.asJsonSym] as ((obj: object, msg: string, num: number, time: string) => string) | undefined;
    if (typeof level !== 'number' || typeof asJson !== 'function' || !stream || typeof stream.write !== 'function'
      || stream[Symbol.for('pino.metadata')] === true || logger[symbols.mixinSym] || logger[symbols.nestedKeySym]
      || logger[(symbols as unknown as Record<string, symbol>).msgPrefixSym!] !== undefined || hooks?.streamWrite || hooks?.logMethod || formatters?.log
      || Reflect.ownKeys(stringifiers).length > 0 || KEYS.some((k) => serializers[k] !== undefined)
      || (logger.info as { name?: string }).name !== 'LOG'
      || typeof logger[symbols.timeSym] !== 'function' || typeof logger[symbols.chindingsSym] !== 'string') return null;
    const format = new RequestLineFormat(logger, level);
    // The proof, on this very logger: pino's own text for the same fields.
    const time = ',"time":1700000000000';
    for (const [status, latency] of [[200, 1.25], [404, 0], [500, 12345.67]] as const) {
      const expected = asJson.call(logger, { requestId: 'r-1', operation: 'Op', method: 'GET', status, latencyMs: latency }, 'request', level, time);
      if (format.line(time, 'r-1', 'Op', 'GET', status, latency) !== expected) return null;
    }
    return format;
  } catch {
    return null;
  }
}
