/** The codec writes plain-ASCII strings between quotes itself (src/api/codec.ts jsonString): always JSON.stringify's text. */
import { describe, expect, it } from 'vitest';
import { jsonString } from '../../src/api/codec.js';

describe('jsonString', () => {
  it('equals JSON.stringify for plain, escaped, control, non-ASCII and lone-surrogate strings', () => {
    const samples = ['', 'bench', 'COMPLETED', 'a b', 'quote"d', 'back\\slash', 'tab\t', 'nl\n', '\u0000', '\u001f', '\u007f', 'é', '日本',
      '\u2028', '\ud83d\ude00', '\ud800', 'x\udc00y', '</script>', '~!@#$%^&*()_+{}|:<>?`-=[];\',./'];
    for (let c = 0; c < 0x3000; c++) samples.push(`a${String.fromCharCode(c)}b`);
    for (const s of samples) expect(jsonString(s)).toBe(JSON.stringify(s));
  });
});
