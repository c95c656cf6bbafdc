/**
 * The authenticator chain: each authenticator looks at a request and either does not recognise it (returns
 * undefined), accepts it (returns a Principal) or rejects it (throws an AccessDeniedException AwsError).
 * The first authenticator that recognises a request decides. SigV4 is built in; other areas add their own
 * (e.g. the console's session cookie) through `deps.authenticators` in a server plugin.
 */
import type { IncomingHttpHeaders } from 'node:http';

export interface AuthRequest {
  method: string;
  /** Path as received (percent-encoded), without the query string. */
  rawPath: string;
  /** Decoded query parameters. */
  query: Record<string, string | string[]>;
  headers: IncomingHttpHeaders;
  /** The raw body (empty Buffer when none). */
  body: Buffer;
  /** Peer address, for per-client limits when anonymous. */
  remoteAddress?: string;
}

export interface Principal {
  /** Access key (or session owner) the request acts as; used for rate limiting and logs. */
  accessKeyId: string;
  /** Region from the SigV4 credential scope, when the request was signed. */
  region?: string;
  /** Which authenticator accepted it: 'sigv4', 'anonymous' (--no-auth), 'console-session', … */
  kind: string;
}

export interface Authenticator {
  name: string;
  authenticate(req: AuthRequest): Principal | undefined | Promise<Principal | undefined>;
}

export interface Credential {
  accessKeyId: string;
  secretAccessKey: string;
}
