/**
 * AWS Signature Version 4 verification: the request is re-signed as received with the secret of the claimed access
 * key using @smithy/signature-v4, and the signatures are compared in constant time. Supports the Authorization header
 * and presigned (query-string) requests. The body is always part of the signature (a declared x-amz-content-sha256
 * must match the body; UNSIGNED-PAYLOAD is refused), so a modified body or query fails.
 */
import * as crypto from 'node:crypto';
import { createHash, createHmac, createSecretKey, timingSafeEqual, type KeyObject } from 'node:crypto';
import { SignatureV4, getCanonicalHeaders, getSigningKey } from '@smithy/signature-v4';
import type { HttpRequest } from '@smithy/types';
import { accessDenied } from '../../errors.js';
import { NodeSha256 } from './node-sha256.js';
import type { AuthRequest, Authenticator, Credential, Principal } from './types.js';

/**
 * Header-signed requests are verified on the hot path with smithy's canonicalization (canonical path, query, headers
 * and request) and a signing key cached per access key/day/region/service; only the two final SHA-256/HMAC steps run
 * here, synchronously on node:crypto (the async `sign()` costs several times more per request).
 */
class VerifyingSigner extends SignatureV4 {
  constructor(...args: ConstructorParameters<typeof SignatureV4>) {
    super(...args);
    // smithy's canonical path, memoized by request path (a pure function of the path; clients poll the same paths).
    // getCanonicalPath is private in smithy's typings, so the memo shadows it on the instance.
    const self = this as unknown as { getCanonicalPath(req: { path: string }): string };
    const compute = self.getCanonicalPath.bind(this);
    const paths = new Map<string, string>();
    let last = { path: '', canonical: compute({ path: '' }) };
    this.canonicalPath = (path) => {
      if (path === last.path) return last.canonical;
      let canonical = paths.get(path);
      if (canonical === undefined) {
        canonical = compute({ path });
        if (paths.size >= 1000) paths.clear();
        paths.set(path, canonical);
      }
      last = { path, canonical };
      return canonical;
    };
    self.getCanonicalPath = (req) => this.canonicalPath(req.path);
  }

  /** smithy's canonical path of a request path (memoized). */
  readonly canonicalPath: (path: string) => string;

  canonicalRequest(req: HttpRequest, canonicalHeaders: Record<string, string>, payloadHash: string): string {
    return this.createCanonicalRequest(req, canonicalHeaders, payloadHash);
  }
}

/**
 * The canonical request of a header-signed request without query parameters, built directly: the same text as
 * smithy's `createCanonicalRequest(req, getCanonicalHeaders(req, undefined, signed), payloadHash)` (smithy's canonical
 * path; empty canonical query; the signed headers sorted, each `name:value` with smithy's whitespace rule; the
 * sorted list), without the intermediate objects, sorts and regular expressions per request. Proven equal to
 * smithy's output in test/api/sigv4-canonical.test.ts. Requests with a query string use smithy's functions.
 */
export function canonicalRequestWithoutQuery(
  method: string, canonicalPath: string, list: SignedHeaderList, headers: Record<string, string>, payloadHash: string,
): string {
  let text = `${method}\n${canonicalPath}\n\n`;
  for (const name of list.sorted) text += `${name}:${canonicalHeaderValue(headers[name]!)}\n`;
  return `${text}\n${list.line}\n${payloadHash}`;
}

const NEEDS_TRIM = /[\r\n\t]| {2}|^ | $/;

/** smithy's header value rule (line breaks → space, runs of spaces/tabs → one space, one space trimmed each side). */
export function canonicalHeaderValue(value: string): string {
  return NEEDS_TRIM.test(value) ? value.replace(/[\r\n]/g, ' ').replace(/[ \t]+/g, ' ').replace(/^ | $/g, '') : value;
}

/** One-shot SHA-256 hex (crypto.hash where the Node version has it: no Hash object per call). */
const oneShot = (crypto as { hash?: (alg: string, data: string | Buffer, enc: 'hex') => string }).hash;
const sha256Hex = oneShot
  ? (data: string | Buffer) => oneShot('sha256', data, 'hex')
  : (data: string | Buffer) => createHash('sha256').update(data).digest('hex');

const ALGORITHM = 'AWS4-HMAC-SHA256';
const AUTH_HEADER_RE = /^AWS4-HMAC-SHA256\s+Credential=([^,\s]+)\s*,\s*SignedHeaders=([^,\s]+)\s*,\s*Signature=([0-9a-fA-F]+)\s*$/;
const AMZ_DATE_RE = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/;
const SIG_QUERY = ['X-Amz-Algorithm', 'X-Amz-Credential', 'X-Amz-Date', 'X-Amz-Expires', 'X-Amz-SignedHeaders', 'X-Amz-Signature'];
const MAX_PRESIGN_SECONDS = 7 * 24 * 3600;
const EMPTY_SHA256 = 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855';

export interface SigV4Options {
  credentials: Credential[];
  /** Signing names accepted in the credential scope (default ['profile']). */
  services?: string[];
  /** Allowed clock difference (default 15 minutes). */
  maxSkewMs?: number;
  now?: () => number;
}

interface Scope {
  accessKeyId: string; date: string; region: string; service: string;
  /** `date/region/service/aws4_request` */
  credentialScope: string;
  /** The whole Credential value (`accessKeyId/` + credentialScope): the signing key cache's key. */
  id: string;
}
/** A parsed SignedHeaders list: as sent, as a set, sorted without duplicates (and that joined with ';'). */
export interface SignedHeaderList { names: string[]; set: Set<string>; sorted: string[]; line: string }

export function parseSignedHeaderList(list: string): SignedHeaderList {
  const names = list.split(';');
  const set = new Set(names);
  const sorted = [...set].sort();
  return { names, set, sorted, line: sorted.join(';') };
}

/** Parses the credential scope without verifying anything (used to pick the region for --no-auth requests too). */
export function parseCredentialScope(req: Pick<AuthRequest, 'headers' | 'query'>): Scope | undefined {
  const auth = req.headers.authorization;
  let credential: string | undefined;
  if (typeof auth === 'string') credential = AUTH_HEADER_RE.exec(auth)?.[1];
  else if (typeof req.query['X-Amz-Credential'] === 'string') credential = req.query['X-Amz-Credential'];
  return credential ? scopeOf(credential) : undefined;
}

function scopeOf(credential: string): Scope | undefined {
  const parts = credential.split('/');
  if (parts.length !== 5 || parts[4] !== 'aws4_request') return undefined;
  return { accessKeyId: parts[0]!, date: parts[1]!, region: parts[2]!, service: parts[3]!, credentialScope: parts.slice(1).join('/'), id: parts.join('/') };
}

function checkSignature(key: KeyObject, stringToSign: string, given: string, scope: Scope): Principal {
  // Compared as bytes: the HMAC's raw digest against the given hex decoded (no hex text of our own).
  const expected = createHmac('sha256', key).update(stringToSign).digest();
  if (!sameDigest(expected, given)) {
    throw accessDenied('The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method.');
  }
  return { accessKeyId: scope.accessKeyId, region: scope.region, kind: 'sigv4' };
}

function stringToSignOf(canonical: string, amzDate: string, scope: Scope): string {
  return `${ALGORITHM}\n${amzDate}\n${scope.credentialScope}\n${sha256Hex(canonical)}`;
}

/** A header-signed request whose signature is checked at the end of the current I/O phase (see checkSoon). */
interface PendingCheck {
  key: KeyObject; canonical: string; amzDate: string; scope: Scope; given: string;
  resolve(principal: Principal): void;
  reject(err: unknown): void;
}

let pendingChecks: PendingCheck[] = [];

function runPendingChecks(): void {
  const batch = pendingChecks;
  pendingChecks = [];
  for (const c of batch) {
    try {
      c.resolve(checkSignature(c.key, stringToSignOf(c.canonical, c.amzDate, c.scope), c.given, c.scope));
    } catch (err) {
      c.reject(err);
    }
  }
}

/**
 * The signature check (SHA-256 of the canonical request, HMAC, constant-time compare), run for every request but
 * together with those of the other requests read in the same pass of the event loop (setImmediate: after the I/O
 * callbacks of this pass). OpenSSL's per-call setup is slow when its code and data are out of the CPU caches, as they
 * are after a request's other work (measured in the server: ~34 µs for the two calls, ~5 µs back to back); run back
 * to back, all but the first of a batch find them warm. Each request is still verified on its own, in full.
 */
function checkSoon(key: KeyObject, canonical: string, amzDate: string, scope: Scope, given: string): Promise<Principal> {
  return new Promise<Principal>((resolve, reject) => {
    if (pendingChecks.length === 0) setImmediate(runPendingChecks);
    pendingChecks.push({ key, canonical, amzDate, scope, given, resolve, reject });
  });
}

/** Last parsed credential scope (a client signs with the same scope all day). */
let lastScope: { text: string; scope: Scope | undefined } = { text: '', scope: undefined };

function cachedScopeOf(credential: string): Scope | undefined {
  if (credential !== lastScope.text) lastScope = { text: credential, scope: scopeOf(credential) };
  return lastScope.scope;
}

/** Last parsed x-amz-date (clients sign many requests within the same second). */
let lastAmzDate: { text: string; ms: number | undefined } = { text: '', ms: undefined };

function parseAmzDate(s: string | undefined): number | undefined {
  if (s === undefined) return undefined;
  if (s === lastAmzDate.text) return lastAmzDate.ms;
  const m = AMZ_DATE_RE.exec(s);
  let ms: number | undefined;
  if (m) {
    ms = Date.UTC(+m[1]!, +m[2]! - 1, +m[3]!, +m[4]!, +m[5]!, +m[6]!);
    if (Number.isNaN(ms)) ms = undefined;
  }
  lastAmzDate = { text: s, ms };
  return ms;
}

function isEmpty(query: Record<string, unknown>): boolean {
  for (const _ in query) return false;
  return true;
}

const HEX = /^[0-9a-fA-F]*$/;

/** Constant-time comparison of two hex signatures (case-insensitive), on their decoded bytes. */
function sameHex(expected: string, given: string): boolean {
  if (expected.length !== given.length || expected.length % 2 !== 0) return false;
  return sameDigest(Buffer.from(expected, 'hex'), given);
}

/** The given signature's bytes of a SHA-256 HMAC, decoded into one reused buffer (verification is synchronous). */
const givenDigest = Buffer.alloc(32);

/** Constant-time comparison of a digest with a hex signature (case-insensitive). */
function sameDigest(expected: Buffer, given: string): boolean {
  if (given.length !== expected.length * 2 || !HEX.test(given)) return false;
  if (expected.length === givenDigest.length && givenDigest.write(given, 'hex') === givenDigest.length) return timingSafeEqual(expected, givenDigest);
  return timingSafeEqual(expected, Buffer.from(given, 'hex'));
}

export class SigV4Authenticator implements Authenticator {
  readonly name = 'sigv4';
  private readonly signers = new Map<string, VerifyingSigner>();
  private readonly secrets = new Map<string, Credential>();
  /** Signing keys by accessKeyId/date/region/service (bounded: cleared when it grows past 1,000 entries). */
  private readonly signingKeys = new Map<string, KeyObject>();
  private readonly services: Set<string>;
  private readonly maxSkewMs: number;
  private readonly now: () => number;

  constructor(opts: SigV4Options) {
    for (const c of opts.credentials) {
      this.secrets.set(c.accessKeyId, c);
      this.signers.set(c.accessKeyId, new VerifyingSigner({
        credentials: { accessKeyId: c.accessKeyId, secretAccessKey: c.secretAccessKey },
        region: 'us-east-1', // replaced per request by the credential scope's region
        service: 'profile',
        sha256: NodeSha256,
        applyChecksum: false,
      }));
    }
    this.services = new Set(opts.services ?? ['profile']);
    this.maxSkewMs = opts.maxSkewMs ?? 15 * 60_000;
    this.now = opts.now ?? Date.now;
  }

  /**
   * Header-signed requests: a promise settled at the end of the event loop's current I/O phase (checkSoon), with the
   * signature checked then; errors found before that (malformed header, unknown key, skew…) are thrown.
   */
  authenticate(req: AuthRequest): Principal | undefined | Promise<Principal | undefined> {
    const auth = req.headers.authorization;
    if (typeof auth === 'string' && auth.startsWith('AWS4-')) return this.verifyHeader(req, auth);
    if (req.query['X-Amz-Signature'] !== undefined || req.query['X-Amz-Algorithm'] !== undefined) return this.verifyQuery(req);
    if (typeof auth === 'string') throw accessDenied(`Unsupported Authorization header: only ${ALGORITHM} (AWS Signature Version 4) is accepted`);
    return undefined;
  }

  private signerFor(scope: Scope): VerifyingSigner {
    const signer = this.signers.get(scope.accessKeyId);
    if (!signer) throw accessDenied(`The access key ID '${scope.accessKeyId}' is not known to this server (the security token included in the request is invalid)`);
    if (!this.services.has(scope.service)) {
      throw accessDenied(`Credential should be scoped to a valid service: '${[...this.services].join("' or '")}', not '${scope.service}'`);
    }
    return signer;
  }

  /** The scope's date must be the signing day (x-amz-date is yyyyMMddTHHmmssZ, already validated). */
  private checkScopeDate(scope: Scope, amzDate: string): void {
    const day = amzDate.slice(0, 8);
    if (scope.date !== day) throw accessDenied(`Credential scope date ${scope.date} does not match the request date ${day}`);
  }

  /** Parsed SignedHeaders lists (a client sends the same list on every request; bounded). */
  private readonly headerLists = new Map<string, SignedHeaderList>();

  private headerList(list: string): SignedHeaderList {
    let parsed = this.headerLists.get(list);
    if (!parsed) {
      parsed = parseSignedHeaderList(list);
      if (this.headerLists.size >= 100) this.headerLists.clear();
      this.headerLists.set(list, parsed);
    }
    return parsed;
  }

  private signedHeaders(req: AuthRequest, parsed: SignedHeaderList): Record<string, string> {
    const { names, set } = parsed;
    if (!set.has('host')) throw accessDenied("The 'host' header must be signed");
    const headers: Record<string, string> = {};
    for (const name of names) {
      const v = req.headers[name];
      if (v === undefined) throw accessDenied(`Signed header '${name}' is missing from the request`);
      headers[name] = Array.isArray(v) ? v.join(',') : v;
    }
    return headers;
  }

  /** A declared payload hash must be the body's hash: otherwise the signature would not cover the body. */
  private checkDeclaredPayloadHash(req: AuthRequest, headers: Record<string, string>): void {
    const declared = headers['x-amz-content-sha256'] ?? (req.headers['x-amz-content-sha256'] as string | undefined);
    if (declared === undefined) return;
    const actual = req.body.length ? sha256Hex(req.body) : EMPTY_SHA256;
    // Not a secret: a plain comparison is fine here (the signature itself is compared in constant time).
    if (declared.toLowerCase() !== actual) {
      throw accessDenied('The x-amz-content-sha256 header does not match the SHA-256 of the request body (unsigned or modified payloads are refused)');
    }
  }

  private verifyHeader(req: AuthRequest, auth: string): Principal | Promise<Principal> {
    const m = AUTH_HEADER_RE.exec(auth);
    if (!m) throw accessDenied('Malformed Authorization header: expected "AWS4-HMAC-SHA256 Credential=..., SignedHeaders=..., Signature=..."');
    const scope = cachedScopeOf(m[1]!);
    if (!scope) throw accessDenied('Malformed credential scope in the Authorization header: expected <AccessKeyId>/<yyyymmdd>/<region>/<service>/aws4_request');
    const signer = this.signerFor(scope);
    const amzDate = req.headers['x-amz-date'];
    const signedAt = parseAmzDate(typeof amzDate === 'string' ? amzDate : undefined);
    if (signedAt === undefined) throw accessDenied('Missing or malformed X-Amz-Date header (expected yyyyMMddTHHmmssZ)');
    const skew = Math.abs(this.now() - signedAt);
    if (skew > this.maxSkewMs) {
      throw accessDenied(`Signature expired: the request time ${amzDate} differs from the server time ${new Date(this.now()).toISOString()} by more than ${this.maxSkewMs / 60_000} minutes`);
    }
    this.checkScopeDate(scope, amzDate as string);
    const list = this.headerList(m[2]!);
    const headers = this.signedHeaders(req, list);
    if (!('x-amz-date' in headers)) throw accessDenied("The 'x-amz-date' header must be signed");
    this.checkDeclaredPayloadHash(req, headers);
    headers['x-amz-date'] = amzDate as string;
    const payloadHash = headers['x-amz-content-sha256']
      ?? (req.body.length ? sha256Hex(req.body) : EMPTY_SHA256);
    // Every header the client signed is canonicalized (even those smithy would not sign by itself, e.g. user-agent).
    const canonical = isEmpty(req.query) && !list.set.has('__proto__')
      ? canonicalRequestWithoutQuery(req.method, signer.canonicalPath(req.rawPath), list, headers, payloadHash)
      : signer.canonicalRequest(
        { method: req.method, protocol: 'http:', hostname: '', path: req.rawPath, query: req.query, headers } as HttpRequest,
        getCanonicalHeaders({ headers } as unknown as HttpRequest, undefined, list.set),
        payloadHash,
      );
    // The credential scope string is the cache key (accessKeyId is part of the Credential value).
    const key = this.signingKeys.get(scope.id);
    if (key) return checkSoon(key, canonical, amzDate as string, scope, m[3]!);
    const stringToSign = stringToSignOf(canonical, amzDate as string, scope);
    return this.signingKey(scope).then((k) => checkSignature(k, stringToSign, m[3]!, scope));
  }

  private async signingKey(scope: Scope): Promise<KeyObject> {
    const { id } = scope;
    const hit = this.signingKeys.get(id);
    if (hit) return hit;
    // A KeyObject: createHmac prepares it faster than a Buffer key on every request.
    const key = createSecretKey(Buffer.from(await getSigningKey(NodeSha256, this.secrets.get(scope.accessKeyId)!, scope.date, scope.region, scope.service)));
    if (this.signingKeys.size >= 1000) this.signingKeys.clear();
    this.signingKeys.set(id, key);
    return key;
  }

  private async verifyQuery(req: AuthRequest): Promise<Principal> {
    const q = req.query;
    const one = (k: string) => (typeof q[k] === 'string' ? (q[k] as string) : undefined);
    if (one('X-Amz-Algorithm') !== ALGORITHM) throw accessDenied(`X-Amz-Algorithm must be ${ALGORITHM}`);
    const signature = one('X-Amz-Signature');
    const signedList = one('X-Amz-SignedHeaders');
    if (!signature || !signedList) throw accessDenied('Presigned request is missing X-Amz-Signature or X-Amz-SignedHeaders');
    const scope = parseCredentialScope(req);
    if (!scope) throw accessDenied('Malformed X-Amz-Credential: expected <AccessKeyId>/<yyyymmdd>/<region>/<service>/aws4_request');
    const signer = this.signerFor(scope);
    const signedAt = parseAmzDate(one('X-Amz-Date'));
    if (signedAt === undefined) throw accessDenied('Missing or malformed X-Amz-Date query parameter (expected yyyyMMddTHHmmssZ)');
    const expiresText = one('X-Amz-Expires') ?? '';
    const expires = /^\d{1,7}$/.test(expiresText) ? Number(expiresText) : NaN;
    if (!(expires >= 1 && expires <= MAX_PRESIGN_SECONDS)) throw accessDenied(`X-Amz-Expires must be an integer from 1 to ${MAX_PRESIGN_SECONDS}`);
    const now = this.now();
    if (signedAt - now > this.maxSkewMs) throw accessDenied('Presigned request is dated in the future (more than the allowed clock skew)');
    if (now > signedAt + expires * 1000) throw accessDenied(`Presigned request expired at ${new Date(signedAt + expires * 1000).toISOString()}`);
    this.checkScopeDate(scope, one('X-Amz-Date')!);
    const headers = this.signedHeaders(req, this.headerList(signedList));
    this.checkDeclaredPayloadHash(req, headers);
    const query: Record<string, string | string[]> = {};
    for (const [k, v] of Object.entries(q)) if (!SIG_QUERY.includes(k)) query[k] = v;
    const presigned = await signer.presign(
      { method: req.method, protocol: 'http:', hostname: '', path: req.rawPath, query, headers, body: req.body.length ? req.body : undefined },
      {
        signingDate: new Date(signedAt), expiresIn: expires, signingRegion: scope.region, signingService: scope.service,
        signableHeaders: new Set(Object.keys(headers)),
        // Keep signed x-amz-* headers where the client had them (in headers, not hoisted into the query).
        unhoistableHeaders: new Set(Object.keys(headers)),
      },
    );
    const expected = String(presigned.query?.['X-Amz-Signature'] ?? '');
    if (!sameHex(expected, signature)) {
      throw accessDenied('The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method.');
    }
    return { accessKeyId: scope.accessKeyId, region: scope.region, kind: 'sigv4' };
  }
}
