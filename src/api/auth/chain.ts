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
    return this.check(req);
  }

  /** Same as authenticate, but synchronous (no promise) when every authenticator consulted answers synchronously. */
  check(req: AuthRequest): Principal | Promise<Principal> {
    if (!this.required) {
      // --no-auth: nothing is verified, but a signed request still tells us its region (for ARNs) and key (for limits).
      const scope = parseCredentialScope(req);
      return { accessKeyId: scope?.accessKeyId ?? `anonymous@${req.remoteAddress ?? 'unknown'}`, region: scope?.region, kind: 'anonymous' };
    }
    return this.from(0, req);
  }

  /** Tries the authenticators from index i on; a promise only once one of them answers with a promise. */
  private from(i: number, req: AuthRequest): Principal | Promise<Principal> {
    for (; i < this.authenticators.length; i++) {
      const result = this.authenticators[i]!.authenticate(req);
      if (result instanceof Promise) {
        const next = i + 1;
        return result.then((principal) => principal ?? this.from(next, req));
      }
      if (result) return result;
    }
    throw accessDenied(
      'Missing Authentication Token: the request must be signed with AWS Signature Version 4 (Authorization header or presigned query string, service "profile")',
    );
  }
}
