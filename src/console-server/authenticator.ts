/**
 * The console's authenticator in the API's chain: a request carrying the console session cookie is accepted as
 * the access key that signed in, but only with the session's CSRF token in the `x-coalesce-csrf` header (a
 * cross-site page can make the browser send the cookie, but cannot read or set that header). Requests without the
 * cookie are left to the other authenticators (SigV4).
 */
import { parse as parseCookie } from 'cookie';
import { accessDenied } from '../errors.js';
import type { AuthRequest, Authenticator, Principal } from '../api/auth/types.js';
import { sameSecret, type SessionStore } from './sessions.js';

export const SESSION_COOKIE = 'coalesce_console_session';
export const CSRF_HEADER = 'x-coalesce-csrf';

export function sessionIdOf(headers: AuthRequest['headers']): string | undefined {
  const raw = headers.cookie;
  if (!raw) return undefined;
  return parseCookie(raw)[SESSION_COOKIE] || undefined;
}

export class ConsoleSessionAuthenticator implements Authenticator {
  readonly name = 'console-session';
  constructor(private readonly sessions: SessionStore) {}

  authenticate(req: AuthRequest): Principal | undefined {
    // A signed request is the SigV4 authenticator's business, whatever cookies the client also sends.
    if (req.headers.authorization || req.query['X-Amz-Signature'] !== undefined) return undefined;
    const id = sessionIdOf(req.headers);
    if (!id) return undefined;
    const csrf = req.headers[CSRF_HEADER];
    const session = this.sessions.get(id, false);
    if (!session) {
      // The console (which sends the header) learns that it must sign in again; anything else falls through.
      if (csrf !== undefined) throw accessDenied('Your console session has expired or was signed out; sign in again');
      return undefined;
    }
    if (typeof csrf !== 'string' || !sameSecret(csrf, session.csrfToken)) {
      throw accessDenied(`Console requests must carry the session's CSRF token in the ${CSRF_HEADER} header`);
    }
    this.sessions.get(id, true);
    return { accessKeyId: session.accessKeyId, kind: 'console-session' };
  }
}
