/**
 * Raw HTTP requests signed with SigV4 (@smithy/signature-v4, as the SDKs do), with hooks to tamper with the request
 * after signing — for auth, protocol and fuzz tests that need requests the official clients would never send.
 */
import { NodeSha256 } from '../../src/api/auth/node-sha256.js';
import { SignatureV4 } from '@smithy/signature-v4';
import { TEST_CREDENTIALS, TEST_REGION } from '../helpers/server.js';

export interface RawRequestSpec {
  method: string;
  /** Percent-encoded path. */
  path: string;
  query?: Record<string, string | string[]>;
  headers?: Record<string, string>;
  body?: string | Buffer;
}

export interface SignOptions {
  credentials?: { accessKeyId: string; secretAccessKey: string };
  region?: string;
  service?: string;
  signingDate?: Date;
  presign?: boolean;
  /** Send x-amz-content-sha256 (default true, as @smithy/signature-v4 does). */
  applyChecksum?: boolean;
  expiresIn?: number;
  /** Called with the signed request before it is sent (to tamper with it). */
  tamper?: (req: { method: string; path: string; query: Record<string, string | string[]>; headers: Record<string, string>; body?: string | Buffer }) => void;
}

export function encodeQuery(query: Record<string, string | string[]>): string {
  const parts: string[] = [];
  for (const [k, v] of Object.entries(query)) {
    for (const x of Array.isArray(v) ? v : [v]) parts.push(`${encodeURIComponent(k)}=${encodeURIComponent(x)}`);
  }
  return parts.join('&');
}

export async function signRequest(baseUrl: string, spec: RawRequestSpec, opts: SignOptions = {}) {
  const url = new URL(baseUrl);
  const signer = new SignatureV4({
    credentials: opts.credentials ?? TEST_CREDENTIALS,
    region: opts.region ?? TEST_REGION,
    service: opts.service ?? 'profile',
    sha256: NodeSha256,
    applyChecksum: opts.applyChecksum ?? true,
  });
  const headers: Record<string, string> = { host: url.host, ...(spec.headers ?? {}) };
  // An empty content-type in the spec means "send none" (and the body goes out as bytes, so fetch adds none either).
  if (headers['content-type'] === '') delete headers['content-type'];
  else if (spec.body !== undefined && !Object.keys(headers).some((h) => h.toLowerCase() === 'content-type')) {
    headers['content-type'] = 'application/json';
  }
  const request = {
    method: spec.method,
    protocol: url.protocol,
    hostname: url.hostname,
    port: Number(url.port),
    path: spec.path,
    query: spec.query ?? {},
    headers,
    body: spec.body,
  };
  const signed = opts.presign
    ? await signer.presign(request, { signingDate: opts.signingDate, expiresIn: opts.expiresIn ?? 300 })
    : await signer.sign(request, { signingDate: opts.signingDate });
  const out = {
    method: signed.method,
    path: signed.path,
    query: { ...(signed.query ?? {}) } as Record<string, string | string[]>,
    headers: { ...signed.headers } as Record<string, string>,
    body: spec.body,
  };
  opts.tamper?.(out);
  return out;
}

export interface RawResponse {
  status: number;
  headers: Headers;
  text: string;
  json: any;
}

export async function signedFetch(baseUrl: string, spec: RawRequestSpec, opts: SignOptions = {}): Promise<RawResponse> {
  const req = await signRequest(baseUrl, spec, opts);
  const qs = encodeQuery(req.query);
  const headers = { ...req.headers };
  delete headers.host;
  const res = await fetch(`${baseUrl}${req.path}${qs ? `?${qs}` : ''}`, {
    method: req.method,
    headers,
    body: typeof req.body === 'string' ? Buffer.from(req.body) : req.body,
  });
  const text = await res.text();
  let json: any;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: res.status, headers: res.headers, text, json };
}
