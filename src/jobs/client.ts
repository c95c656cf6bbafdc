/**
 * A minimal SigV4-signed client for the Coalesce extension operations (not in the published AWS SDKs), used by the
 * CLI and the tests: StartIdentityResolutionJob, GetMatchExplanation and MatchProfile.
 */
import { Sha256 } from '@aws-crypto/sha256-js';
import { HttpRequest } from '@smithy/protocol-http';
import { SignatureV4 } from '@smithy/signature-v4';

export interface ExtensionClientOptions {
  endpoint: string;
  region: string;
  credentials: { accessKeyId: string; secretAccessKey: string; sessionToken?: string };
}

export class ExtensionError extends Error {
  constructor(readonly status: number, readonly code: string, message: string) {
    super(message);
    this.name = code;
  }
}

export async function signedRequest<T>(o: ExtensionClientOptions, method: string, path: string, body?: unknown): Promise<T> {
  const url = new URL(path, o.endpoint);
  const text = body === undefined ? '' : JSON.stringify(body);
  const req = new HttpRequest({
    protocol: url.protocol, hostname: url.hostname, port: url.port ? Number(url.port) : undefined, method,
    path: url.pathname, headers: { host: url.host, ...(text ? { 'content-type': 'application/json' } : {}) }, body: text || undefined,
  });
  const signer = new SignatureV4({ service: 'profile', region: o.region, credentials: o.credentials, sha256: Sha256 });
  const signed = await signer.sign(req);
  const res = await fetch(url, { method, headers: signed.headers as Record<string, string>, body: text || undefined });
  const json = (await res.json().catch(() => ({}))) as Record<string, unknown>;
  if (!res.ok) {
    const code = res.headers.get('x-amzn-errortype')?.split(':')[0] ?? `HTTP${res.status}`;
    throw new ExtensionError(res.status, code, String(json.Message ?? json.message ?? res.statusText));
  }
  return json as T;
}

export const startIdentityResolutionJob = (o: ExtensionClientOptions, domainName: string) =>
  signedRequest<{ JobId: string }>(o, 'POST', `/domains/${encodeURIComponent(domainName)}/identity-resolution-jobs`, {});

export const getMatchExplanation = (o: ExtensionClientOptions, domainName: string, matchId: string) =>
  signedRequest<{
    MatchId: string; JobId: string; ConfidenceScore: number; ProfileIds: string[];
    Pairs: Array<{ ProfileIdA: string; ProfileIdB: string; Probability: number; TotalWeight: number; Attributes: Array<{ Attribute: string; Level: string; Weight: number; ValueA?: string; ValueB?: string }> }>;
  }>(o, 'GET', `/domains/${encodeURIComponent(domainName)}/matches/${encodeURIComponent(matchId)}/explanation`);

export interface ProfileMatchOutput {
  ProfileId: string; MatchId?: string; Probability: number; TotalWeight: number; BlockingRules: string[];
  Attributes: Array<{ Attribute: string; Level: string; Weight: number; ValueA?: string; ValueB?: string }>;
}

/** MatchProfile: `request` holds ProfileId or Profile (a profile's fields), and optionally MinProbability, MaxResults. */
export const matchProfile = (o: ExtensionClientOptions, domainName: string, request: Record<string, unknown>) =>
  signedRequest<{ JobId: string; CandidatesCompared: number; Matches: ProfileMatchOutput[] }>(
    o, 'POST', `/domains/${encodeURIComponent(domainName)}/profiles/match`, request);
