import { describe, expect, it } from 'vitest';
import { FileError, readCsv } from '../../src/ingest/csv-reader.js';
import { readJsonl } from '../../src/ingest/jsonl-reader.js';
import type { ReadItem } from '../../src/ingest/types.js';

async function collect(gen: AsyncGenerator<ReadItem[]>) {
  const out: ReadItem[] = [];
  for await (const b of gen) out.push(...b);
  return out;
}
/** Feeds the input in small chunks so that lines and quoted records straddle chunk boundaries. */
function chunked(data: string | Buffer, size = 7): Buffer[] {
  const buf = typeof data === 'string' ? Buffer.from(data) : data;
  const out: Buffer[] = [];
  for (let i = 0; i < buf.length; i += size) out.push(buf.subarray(i, i + size));
  return out;
}

describe('readCsv', () => {
  it('column names that are not identifiers become plain members (rows are built from the header once)', async () => {
    const csv = 'a b,"x""y",1,constructor,Address.City,\\\n\n1,2,3,4,5,6\n';
    const [row] = await collect(readCsv(chunked(csv)));
    expect(row).toEqual({ line: 3, values: { 'a b': '1', 'x"y': '2', 1: '3', constructor: '4', 'Address.City': '5', '\\': '6' } });
    // A `__proto__` column keeps the member-by-member build: the prototype of rows and objects is untouched.
    const [odd] = await collect(readCsv(['__proto__,a\nx,y\n']));
    expect((odd as { values: Record<string, string> }).values.a).toBe('y');
    expect(Object.getPrototypeOf((odd as { values: object }).values)).toBe(Object.prototype);
  });

  it('reads a BOM + CRLF file with quoted multi-line fields and skips empty lines', async () => {
    const csv = '\ufeffFirstName,Note\r\nAnn,"a, ""b"""\r\n\r\nBo,"two\r\nlines"\r\nCy,x\r\n';
    for (const size of [3, 1000]) {
      expect(await collect(readCsv(chunked(csv, size)))).toEqual([
        { line: 2, values: { FirstName: 'Ann', Note: 'a, "b"' } },
        { line: 4, values: { FirstName: 'Bo', Note: 'two\nlines' } },
        { line: 6, values: { FirstName: 'Cy', Note: 'x' } },
      ]);
    }
  });

  it('reports malformed records on their line and loads the rest', async () => {
    const csv = [
      'id,name',
      '1,ok',
      '2,x"y', // quote inside an unquoted field
      '3,"never closed',
      '4,fine',
      '5,"closed"junk',
      '6,a,extra',
      '7',
      '8,"multi',
      'line"',
      '9,last',
    ].join('\n');
    const items = await collect(readCsv(chunked(csv)));
    expect(items).toEqual([
      { line: 2, values: { id: '1', name: 'ok' } },
      { line: 3, reason: 'unbalanced quotes: a quote appears inside an unquoted field' },
      { line: 4, reason: 'unbalanced quotes: a closing quote is followed by other characters' },
      { line: 5, values: { id: '4', name: 'fine' } },
      { line: 6, reason: 'unbalanced quotes: a closing quote is followed by other characters' },
      { line: 7, reason: 'expected 2 columns, found 3' },
      { line: 8, reason: 'expected 2 columns, found 1' },
      { line: 9, values: { id: '8', name: 'multi\nline' } },
      { line: 11, values: { id: '9', name: 'last' } },
    ]);
  });

  it('an unclosed quote at the end of the file costs one row', async () => {
    const items = await collect(readCsv(chunked('a,b\n1,"open\n2,x\n3,y')));
    expect(items).toEqual([
      { line: 2, reason: 'unbalanced quotes: a quoted field is not closed at the end of the file' },
      { line: 3, values: { a: '2', b: 'x' } },
      { line: 4, values: { a: '3', b: 'y' } },
    ]);
  });

  it('bounds a runaway quoted record by lines', async () => {
    const lines = ['a,b', '1,"open', ...Array.from({ length: 5 }, (_, i) => `${i},v`)];
    const items = await collect(readCsv(chunked(lines.join('\n')), { maxRecordLines: 3 }));
    expect(items[0]).toEqual({ line: 2, reason: 'unbalanced quotes: a quoted field is not closed within 3 lines' });
    expect(items.slice(1).map((i) => i.line)).toEqual([3, 4, 5, 6, 7]);
  });

  it('rejects invalid UTF-8 and oversize lines per row', async () => {
    const data = Buffer.concat([
      Buffer.from('a,b\n1,café\n', 'utf8'),
      Buffer.from([0x32, 0x2c, 0x41, 0xff, 0x42, 0x0a]), // 2,A<ff>B
      Buffer.from(`3,${'x'.repeat(100)}\n4,end\n`),
    ]);
    const items = await collect(readCsv(chunked(data, 5), { maxRecordBytes: 50 }));
    expect(items).toEqual([
      { line: 2, values: { a: '1', b: 'café' } },
      { line: 3, reason: 'invalid UTF-8 at byte 4 of the line' },
      { line: 4, reason: 'line longer than 50 bytes' },
      { line: 5, values: { a: '4', b: 'end' } },
    ]);
  });

  it('keeps UTF-8 characters split across chunks', async () => {
    const items = await collect(readCsv(chunked('n\nJosé Ñúñez\n', 1)));
    expect(items).toEqual([{ line: 2, values: { n: 'José Ñúñez' } }]);
  });

  it('refuses a file without a usable header', async () => {
    await expect(collect(readCsv(['']))).rejects.toThrow(FileError);
    await expect(collect(readCsv(['a,a\n1,2\n']))).rejects.toThrow('line 1: the header names column "a" twice');
    await expect(collect(readCsv(['a,"b\n']))).rejects.toThrow('line 1: header: unbalanced quotes');
  });
});

describe('readJsonl', () => {
  it('flattens objects and reports bad lines', async () => {
    const text = [
      '{"FirstName":"Ann","Address":{"City":"Oslo"},"Attributes":{"n":3,"vip":true,"gone":null}}',
      '',
      '{"FirstName": "Bo"',
      '[1,2]',
      '{"Emails":["a@b"]}',
      '{"FirstName":"Cy"}',
    ].join('\r\n');
    expect(await collect(readJsonl(chunked(text, 4)))).toEqual([
      { line: 1, values: { FirstName: 'Ann', 'Address.City': 'Oslo', 'Attributes.n': '3', 'Attributes.vip': 'true' } },
      { line: 3, reason: expect.stringMatching(/^invalid JSON: /) },
      { line: 4, reason: 'a JSONL line must hold one JSON object' },
      { line: 5, reason: '"Emails" is an array; only strings, numbers, booleans and objects are accepted' },
      { line: 6, values: { FirstName: 'Cy' } },
    ]);
  });
});
