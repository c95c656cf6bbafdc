import { describe, expect, it } from 'vitest';
import { checkTimestampFormat, timestampParser } from '../../src/ops/source-timestamp.js';

describe('SourceLastUpdatedTimestampFormat parsing', () => {
  const cases: Array<[string, string, string | undefined]> = [
    ["yyyy-MM-dd'T'HH:mm:ss.SSSZ", '2024-02-29T23:59:58.123+0100', '2024-02-29T22:59:58.123Z'],
    ["yyyy-MM-dd'T'HH:mm:ssXXX", '2024-06-01T10:00:00-05:30', '2024-06-01T15:30:00.000Z'],
    ["yyyy-MM-dd'T'HH:mm:ssX", '2024-06-01T10:00:00Z', '2024-06-01T10:00:00.000Z'],
    ['yyyy-MM-dd HH:mm:ss', '2023-01-02 03:04:05', '2023-01-02T03:04:05.000Z'],
    ['yyyyMMdd', '20230102', '2023-01-02T00:00:00.000Z'],
    ['dd/MM/yyyy HH:mm', '31/12/1999 23:59', '1999-12-31T23:59:00.000Z'],
    ['d.M.yy', '5.7.21', '2021-07-05T00:00:00.000Z'],
    ['epoch_seconds', '1700000000', '2023-11-14T22:13:20.000Z'],
    ['EPOCH_MILLIS', '1700000000123', '2023-11-14T22:13:20.123Z'],
    ['yyyy-MM-dd', '2023-13-01', undefined],
    ['yyyy-MM-dd', '2023-1-01', undefined],
    ['yyyy-MM-dd', 'yesterday', undefined],
    ['epoch_seconds', '12abc', undefined],
  ];
  for (const [format, value, iso] of cases) {
    it(`${format} ← ${value}`, () => {
      const t = timestampParser(format)(value);
      expect(t === undefined ? undefined : new Date(t).toISOString()).toBe(iso);
    });
  }

  it('rejects unsupported pattern letters with a readable reason', () => {
    expect(() => checkTimestampFormat('EEE, d MMM yyyy')).toThrow(/not supported/);
    expect(() => checkTimestampFormat("yyyy-MM-dd'T")).toThrow(/quote/);
    expect(() => checkTimestampFormat("yyyy-MM-dd'T'HH:mm")).not.toThrow();
  });
});
