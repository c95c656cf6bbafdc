/**
 * Pre-signed upload URLs, S3 style without AWS credentials: the URL carries a token signed with the data dir's
 * HMAC secret (the store's TokenCodec) whose scope binds it to one domain and one job and whose payload holds the
 * expiry. A PUT to it can write only that job's file, only until it expires. The ClientToken is derived from the
 * same secret (an HMAC too), so the SSE-C headers AWS documents can be checked without storing anything.
 */
import { createHash } from 'node:crypto';
import type { TokenCodec } from '../store/tokens.js';

export const UPLOAD_URL_TTL_MS = 60 * 60 * 1000;
export const UPLOAD_ROUTE_PREFIX = '/uploads';

const urlScope = (domainName: string, jobId: string) => `upload-url:${domainName}:${jobId}`;
const keyScope = (domainName: string, jobId: string) => `upload-key:${domainName}:${jobId}`;

export interface SignedUpload { url: string; clientToken: string; validUntil: number }

export function signUploadUrl(tokens: TokenCodec, baseUrl: string, domainName: string, jobId: string, now: number): SignedUpload {
  const validUntil = now + UPLOAD_URL_TTL_MS;
  const token = tokens.encode(urlScope(domainName, jobId), { exp: validUntil });
  const url = `${baseUrl.replace(/\/$/, '')}${UPLOAD_ROUTE_PREFIX}/${encodeURIComponent(domainName)}/${jobId}?token=${token}`;
  return { url, clientToken: clientTokenFor(tokens, domainName, jobId, validUntil), validUntil };
}

/** The SSE-C key for the URL that expires at validUntil: base64 of 32 HMAC bytes. */
function clientTokenFor(tokens: TokenCodec, domainName: string, jobId: string, validUntil: number): string {
  const signed = tokens.encode(keyScope(domainName, jobId), { exp: validUntil });
  return Buffer.from(signed.slice(signed.indexOf('.') + 1), 'base64url').toString('base64');
}

export type UrlCheck = { ok: true; validUntil: number } | { ok: false; code: 'AccessDenied' | 'SignatureDoesNotMatch'; message: string };

export function verifyUploadUrl(
  tokens: TokenCodec, domainName: string, jobId: string, token: string | undefined, now: number,
  sse?: { key?: string; keyMd5?: string },
): UrlCheck {
  if (!token) return { ok: false, code: 'AccessDenied', message: 'Query-string authentication requires the token parameter' };
  let exp: unknown;
  try {
    exp = tokens.decode<{ exp?: unknown }>(urlScope(domainName, jobId), token)?.exp;
  } catch {
    return { ok: false, code: 'SignatureDoesNotMatch', message: 'The request signature we calculated does not match the signature you provided.' };
  }
  if (typeof exp !== 'number') return { ok: false, code: 'SignatureDoesNotMatch', message: 'The request signature we calculated does not match the signature you provided.' };
  if (now > exp) return { ok: false, code: 'AccessDenied', message: 'Request has expired' };
  if (sse?.key !== undefined) {
    const expected = clientTokenFor(tokens, domainName, jobId, exp);
    const md5 = createHash('md5').update(Buffer.from(sse.key, 'base64')).digest('base64');
    if (sse.key !== expected || (sse.keyMd5 !== undefined && sse.keyMd5 !== md5)) {
      return { ok: false, code: 'AccessDenied', message: 'The customer-provided encryption key does not match the ClientToken of this upload URL.' };
    }
  }
  return { ok: true, validUntil: exp };
}
