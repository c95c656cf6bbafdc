/**
 * The SigV4 verifier builds the canonical request of header-signed requests without a query string directly
 * (src/api/auth/sigv4.ts, canonicalRequestWithoutQuery); this proves it is the same text smithy's
 * createCanonicalRequest(getCanonicalHeaders(...)) makes, over generated header sets (odd whitespace, duplicates and
 * unsorted names in the SignedHeaders list, empty values), and that a request verified through that path still
 * fails when any signed byte changes.
 */
import { SignatureV4, getCanonicalHeaders } from '@smithy/signature-v4';
import type { HttpRequest } from '@smithy/types';
import { describe, expect, it } from 'vitest';
import { canonicalHeaderValue, canonicalRequestWithoutQuery, parseSignedHeaderList, SigV4Authenticator } from '../../src/api/auth/sigv4.js';
import type { AuthRequest } from '../../src/api/auth/types.js';
import { NodeSha256 } from '../../src/api/auth/node-sha256.js';

class Smithy extends SignatureV4 {
  canonical(req: HttpRequest, headers: Record<string, string>, set: Set<string>, payloadHash: string): string {
    return this.createCanonicalRequest(req, getCanonicalHeaders({ headers } as unknown as HttpRequest, undefined, set), payloadHash);
  }
  path(path: string): string {
    return (this as unknown as { getCanonicalPath(r: { path: string }): string }).getCanonicalPath({ path });
  }
}

const smithy = new Smithy({ credentials: { accessKeyId: 'AK', secretAccessKey: 'SK' }, region: 'us-east-1', service: 'profile', sha256: NodeSha256 });

/** Deterministic pseudo-random numbers (the cases are the same on every run). */
function rng(seed: number): () => number {
  let x = seed >>> 0;
  return () => {
    x = (x * 1664525 + 1013904223) >>> 0;
    return x / 2 ** 32;
  };
}

const NAMES = ['host', 'x-amz-date', 'x-amz-content-sha256', 'content-type', 'user-agent', 'x-amz-user-agent', 'amz-sdk-invocation-id',
  'amz-sdk-request', 'x-amz-security-token', 'authorization', 'connection', 'expect', 'x-forwarded-for', 'proxy-x', 'sec-x', 'a', 'z', '1', '10', '2'];
const PIECES = ['abc', ' ', '  ', '\t', ' \t ', 'x y', '', 'AWS', '=', ';', ',', 'é', '/path?q=1', '\r\n', '\n'];

describe('canonical request without a query string', () => {
  it('equals smithy over 3,000 generated header sets and paths', () => {
    const next = rng(42);
    const pick = <T>(xs: T[]) => xs[Math.floor(next() * xs.length)]!;
    const paths = ['/domains/d/identity-resolution-jobs/0123456789abcdef0123456789abcdef', '/', '/a//b/../c/./d', '/tags/arn%3Aaws%3Aprofile%3Aus-east-1%3A0%3Adomains%2Fd', '/x y/%7E'];
    for (let i = 0; i < 3000; i++) {
      const n = 1 + Math.floor(next() * 6);
      const names: string[] = [];
      for (let j = 0; j < n; j++) names.push(pick(NAMES));
      if (next() < 0.5) names.sort();
      const headers: Record<string, string> = {};
      for (const name of names) {
        let v = '';
        const parts = Math.floor(next() * 4);
        for (let k = 0; k < parts; k++) v += pick(PIECES);
        headers[name] = v;
      }
      const list = parseSignedHeaderList(names.join(';'));
      const method = pick(['GET', 'POST', 'PUT', 'DELETE']);
      const path = pick(paths);
      const payloadHash = pick(['e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855', 'UNSIGNED-PAYLOAD']);
      const expected = smithy.canonical({ method, protocol: 'http:', hostname: '', path, query: {}, headers } as HttpRequest, headers, list.set, payloadHash);
      expect(canonicalRequestWithoutQuery(method, smithy.path(path), list, headers, payloadHash)).toBe(expected);
    }
  });

  it('applies smithy\'s whitespace rule to header values', () => {
    for (const v of ['a  b', ' a', 'a ', '\ta\t', 'a\r\nb', '  ', '', 'plain value']) {
      const expected = v.replace(/[\r\n]/g, ' ').replace(/[ \t]+/g, ' ').replace(/^ | $/g, '');
      expect(canonicalHeaderValue(v)).toBe(expected);
    }
  });
});

describe('verification through the direct canonical request', () => {
  const creds = { accessKeyId: 'AKIDCANONICAL0000001', secretAccessKey: 'canonical-secret' };
  const path = '/domains/d/identity-resolution-jobs/0123456789abcdef0123456789abcdef';

  async function signed(extra: Record<string, string> = {}): Promise<AuthRequest> {
    const signer = new SignatureV4({ credentials: creds, region: 'eu-west-1', service: 'profile', sha256: NodeSha256 });
    const req = await signer.sign({ method: 'GET', protocol: 'http:', hostname: 'h', port: 8080, path, query: {}, headers: { host: 'h:8080', 'x-custom': ' a  b ', ...extra } });
    const headers: Record<string, string> = {};
    for (const [k, v] of Object.entries(req.headers)) headers[k.toLowerCase()] = v;
    return { method: 'GET', rawPath: path, query: Object.create(null) as Record<string, string>, headers, body: Buffer.alloc(0) };
  }

  it('accepts the signed request and refuses any changed signed part', async () => {
    const auth = new SigV4Authenticator({ credentials: [creds] });
    const ok = await signed();
    // A custom header with odd whitespace is signed (smithy signs every header given to sign()).
    expect(String(ok.headers.authorization)).toContain('x-custom');
    expect(await auth.authenticate(ok)).toEqual({ accessKeyId: creds.accessKeyId, region: 'eu-west-1', kind: 'sigv4' });
    const variants: Array<(r: AuthRequest) => AuthRequest> = [
      (r) => ({ ...r, method: 'DELETE' }),
      (r) => ({ ...r, rawPath: r.rawPath.replace('0123', '0124') }),
      (r) => ({ ...r, headers: { ...r.headers, 'x-custom': 'a b c' } }),
      (r) => ({ ...r, headers: { ...r.headers, host: 'other:8080' } }),
      (r) => ({ ...r, query: Object.assign(Object.create(null) as Record<string, string>, { extra: '1' }) }),
      (r) => ({ ...r, headers: { ...r.headers, authorization: String(r.headers.authorization).replace(/Signature=(.)/, (_m, c: string) => `Signature=${c === 'a' ? 'b' : 'a'}`) } }),
    ];
    for (const change of variants) {
      await expect(async () => auth.authenticate(change(await signed()))).rejects.toMatchObject({ code: 'AccessDeniedException' });
    }
    // Whitespace smithy folds is not a change: the canonical value stays the same.
    const folded = await signed();
    expect(await auth.authenticate({ ...folded, headers: { ...folded.headers, 'x-custom': 'a b' } })).toMatchObject({ kind: 'sigv4' });
  });
});
