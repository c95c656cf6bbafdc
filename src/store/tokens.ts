/**
 * Opaque, tamper-proof pagination tokens shared by every paginated operation.
 * A token is base64url(JSON cursor) + '.' + base64url(HMAC-SHA256(secret, scope + '\n' + payload)).
 * The scope binds a token to what it pages over (e.g. `jobs:<domain>`), so a token issued for one domain or
 * operation is rejected for another. The secret is generated once per data dir (stored in the database).
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { badRequest } from '../errors.js';

export interface TokenCodec {
  encode(scope: string, cursor: unknown): string;
  /** Returns the cursor, or throws BadRequestException when the token is malformed, forged or from another scope. */
  decode<T = unknown>(scope: string, token: string): T;
}

export class HmacTokenCodec implements TokenCodec {
  constructor(private readonly secret: Buffer) {}

  private sign(scope: string, payload: string): Buffer {
    return createHmac('sha256', this.secret).update(scope).update('\n').update(payload).digest();
  }

  encode(scope: string, cursor: unknown): string {
    const payload = Buffer.from(JSON.stringify(cursor)).toString('base64url');
    return `${payload}.${this.sign(scope, payload).toString('base64url')}`;
  }

  decode<T = unknown>(scope: string, token: string): T {
    const invalid = () => badRequest('The NextToken is invalid or has expired for this request.');
    const dot = token.indexOf('.');
    if (dot <= 0 || dot !== token.lastIndexOf('.')) throw invalid();
    const payload = token.slice(0, dot);
    const mac = Buffer.from(token.slice(dot + 1), 'base64url');
    const expected = this.sign(scope, payload);
    if (mac.length !== expected.length || !timingSafeEqual(mac, expected)) throw invalid();
    try {
      return JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as T;
    } catch {
      throw invalid();
    }
  }
}
