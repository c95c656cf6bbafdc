/**
 * The per-request log line (src/api/request-logger.ts) is written without pino's generic path when the logger is
 * plain pino; it must be exactly the line pino writes for the same fields, and pino's own path must be used whenever
 * the logger could change the line (mixin, redaction, formatters, serializers) or a value needs escaping.
 */
import { pino, type LoggerOptions } from 'pino';
import { describe, expect, it } from 'vitest';
import { LazyRequestLogger, requestLineIsDirect } from '../../src/api/request-logger.js';

function capture(opts: LoggerOptions = {}) {
  const lines: string[] = [];
  const logger = pino({ timestamp: () => ',"time":42', ...opts }, { write: (s: string) => void lines.push(s) });
  return { logger, lines };
}

/** The line through LazyRequestLogger.request, and the line pino writes for info(fields, 'request'). */
function both(opts: LoggerOptions, requestId: string, operation: string, method: string, status: number, latencyMs: number) {
  const ours = capture(opts);
  new LazyRequestLogger(ours.logger, { requestId }, {}).request(requestId, operation, method, status, latencyMs);
  const theirs = capture(opts);
  theirs.logger.info({ requestId, operation, method, status, latencyMs }, 'request');
  return { ours: ours.lines, theirs: theirs.lines };
}

describe('per-request log line', () => {
  it('is the line pino writes, for plain loggers', () => {
    const cases: Array<[string, string, string, number, number]> = [
      ['2f1c6b1e-8a7e-4c39-9d1e-0b6a8e7f5c21', 'GetIdentityResolutionJob', 'GET', 200, 1.23],
      ['id', 'UnknownOperation', 'DELETE', 404, 0],
      ['id', '/console/*', 'POST', 500, 98765.43],
      ['id', 'health', 'GET', 503, Number.NaN],
    ];
    expect(requestLineIsDirect(capture().logger)).toBe(true);
    for (const c of cases) {
      const { ours, theirs } = both({}, ...c);
      expect(ours).toHaveLength(1);
      expect(ours).toEqual(theirs);
    }
    // With the default timestamp too (only the time differs between two writes).
    const { ours } = both({ timestamp: pino.stdTimeFunctions.epochTime }, 'id', 'Op', 'GET', 200, 1);
    expect(JSON.parse(ours[0]!)).toMatchObject({ level: 30, requestId: 'id', operation: 'Op', method: 'GET', status: 200, latencyMs: 1, msg: 'request' });
  });

  it('goes through pino when a value needs escaping or the logger changes lines', () => {
    for (const op of ['a"b', 'back\\slash', 'naïve', 'x'.repeat(150)]) {
      const { ours, theirs } = both({}, 'id', op, 'GET', 200, 1);
      expect(ours).toEqual(theirs);
    }
    const variants: LoggerOptions[] = [
      { mixin: () => ({ extra: 1 }) },
      { redact: ['operation'] },
      { formatters: { log: (o) => ({ ...o, formatted: true }) } },
      { serializers: { status: (s: number) => `s${s}` } },
      { nestedKey: 'payload' },
      { msgPrefix: '[api] ' },
    ];
    for (const opts of variants) {
      expect(requestLineIsDirect(capture(opts).logger)).toBe(false);
      const { ours, theirs } = both(opts, 'id', 'Op', 'GET', 200, 1.5);
      expect(ours).toHaveLength(1);
      expect(ours).toEqual(theirs);
    }
    // Other bindings and another message key are part of the direct line.
    for (const opts of [{ messageKey: 'message' }, { base: { service: 'coalesce' } }, { crlf: true }] as LoggerOptions[]) {
      expect(requestLineIsDirect(capture(opts).logger)).toBe(true);
      const { ours, theirs } = both(opts, 'id', 'Op', 'GET', 200, 1.5);
      expect(ours).toHaveLength(1);
      expect(ours).toEqual(theirs);
    }
  });

  it('follows bindings changed after the first line (setBindings)', () => {
    const ours = capture();
    const theirs = capture();
    for (const bindings of [undefined, { node: 'a' }, { node: 'b' }]) {
      if (bindings) {
        ours.logger.setBindings(bindings);
        theirs.logger.setBindings(bindings);
      }
      new LazyRequestLogger(ours.logger, { requestId: 'id' }, {}).request('id', 'Op', 'GET', 200, 2);
      theirs.logger.info({ requestId: 'id', operation: 'Op', method: 'GET', status: 200, latencyMs: 2 }, 'request');
    }
    expect(ours.lines).toHaveLength(3);
    expect(ours.lines).toEqual(theirs.lines);
  });

  it('is not written when info is disabled', () => {
    const { ours } = both({ level: 'warn' }, 'id', 'Op', 'GET', 200, 1);
    expect(ours).toEqual([]);
  });
});
