/** Runs the authenticators in order; the first that recognises the request decides (see ./types.ts). */
import { accessDenied } from '../../errors.js';
import { parseCredentialScope } from './sigv4.js';
import type { AuthRequest, Authenticator, Principal } from './types.js';

export class AuthChain {
  /**
   * @param authenticators mutable: server plugins push theirs before the server starts listening
   * @param required false with --no-auth: unrecognised requests pass as 'anonymous' (signatures are not checked)
   */
  constructor(readonly authenticators: Authenticator[], private readonly required: boolean) {}

  async authenticate(req: AuthRequest): Promise<Principal> {
    if (!this.required) {
      // --no-auth: nothing is verified, but a signed request still tells us its region (for ARNs) and key (for limits).
      const scope = parseCredentialScope(req);
      return { accessKeyId: scope?.accessKeyId ?? `anonymous@${req.remoteAddress ?? 'unknown'}`, region: scope?.region, kind: 'anonymous' };
    }
    for (const a of this.authenticators) {
      const result = a.authenticate(req);
      // No extra microtask when an authenticator answers synchronously (SigV4 with a cached signing key).
      const principal = result instanceof Promise ? await result : result;
      if (principal) return principal;
    }
    throw accessDenied(
      'Missing Authentication Token: the request must be signed with AWS Signature Version 4 (Authorization header or presigned query string, service "profile")',
    );
  }
}
