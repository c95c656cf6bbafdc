import { describe, expect, it } from 'vitest';
import { editSignature, signaturesFar, withinOneEdit } from '../../src/engine/metrics.js';
import { rng as rand } from '../../src/engine/random.js';

describe('edit signatures (quick reject before withinOneEdit)', () => {
  const r = rand(7);
  const alphabet = '0123456789abcdefghijklmnopqrstuvwxyz+=-';
  const word = (len: number) => Array.from({ length: len }, () => alphabet[Math.floor(r() * alphabet.length)]).join('');
  const edits = (s: string): string[] => {
    const i = Math.floor(r() * (s.length + 1));
    const c = alphabet[Math.floor(r() * alphabet.length)]!;
    const out = [s, s.slice(0, i) + c + s.slice(i), s.slice(0, i) + s.slice(i + 1), s.slice(0, i) + c + s.slice(i + 1)];
    if (i + 1 < s.length) out.push(s.slice(0, i) + s[i + 1] + s[i] + s.slice(i + 2));
    return out;
  };

  it('never calls strings within one edit (or equal) far apart, including long runs that saturate a bucket', () => {
    const words = [...Array.from({ length: 2000 }, () => word(1 + Math.floor(r() * 40))), '0'.repeat(40), '8'.repeat(20) + '0'.repeat(20)];
    for (const w of words) {
      for (const e of edits(w)) {
        expect(withinOneEdit(w, e)).toBe(true);
        expect(signaturesFar(editSignature(w), editSignature(e))).toBe(false);
      }
    }
  });

  it('agrees with withinOneEdit whenever it rejects, and rejects most random pairs of phone-like strings', () => {
    let far = 0;
    for (let k = 0; k < 5000; k++) {
      const x = `+1${String(Math.floor(r() * 1e10)).padStart(10, '0')}`;
      const y = `+1${String(Math.floor(r() * 1e10)).padStart(10, '0')}`;
      if (signaturesFar(editSignature(x), editSignature(y))) {
        far++;
        expect(withinOneEdit(x, y)).toBe(false);
      }
    }
    expect(far).toBeGreaterThan(4000);
  });
});
