/** readLines decodes whole chunks at once when it can: the lines must be exactly those of the per-line path. */
import { describe, expect, it } from 'vitest';
import { readLines, type Line } from '../../src/ingest/lines.js';

async function collect(chunks: Buffer[], max: number): Promise<Line[]> {
  const out: Line[] = [];
  for await (const batch of readLines((async function* () { yield* chunks; })(), max)) out.push(...batch);
  return out;
}

const bytes = Buffer.concat([
  Buffer.from('\ufeffid,name\r\n1,Åse\r\n\n2,"a\nb"\n'),
  Buffer.from([0x33, 0x2c, 0xff, 0x0a]), // invalid UTF-8
  Buffer.from(`4,${'x'.repeat(70)}\n5,ok\n6,${'é'.repeat(30)}\r\n7,last`),
]);

describe('readLines', () => {
  it('gives the same lines whether the input comes whole or byte by byte', async () => {
    const whole = await collect([bytes], 64);
    const split = await collect([...bytes].map((b) => Buffer.from([b])), 64);
    expect(whole).toEqual(split);
    expect(whole[0]).toEqual({ no: 1, text: 'id,name' });
    expect(whole[1]).toEqual({ no: 2, text: '1,Åse' });
    expect(whole[2]).toEqual({ no: 3, text: '' });
    expect(whole[5]).toEqual({ no: 6, error: 'invalid UTF-8 at byte 3 of the line' });
    expect(whole[6]).toEqual({ no: 7, error: 'line longer than 64 bytes' });
    expect(whole[8]).toEqual({ no: 9, text: `6,${'é'.repeat(30)}` }); // 96 if counted 3 per character: 62 bytes + CR fit
    expect(whole.at(-1)).toEqual({ no: 10, text: '7,last' });
  });

  it('gives the same lines for chunks cut at every offset', async () => {
    const whole = await collect([bytes], 64);
    for (let cut = 1; cut < bytes.length; cut += 7) {
      expect(await collect([bytes.subarray(0, cut), bytes.subarray(cut)], 64)).toEqual(whole);
    }
  });
});
