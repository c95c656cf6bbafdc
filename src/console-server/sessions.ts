/**
 * Console sessions, kept in memory: a random id (the HttpOnly cookie) maps to the access key that signed in and a
 * server-stored CSRF token that the page sends back in a header. Sessions end on sign-out, after `idleMs` without a
 * request, or `maxAgeMs` after sign-in; a server restart ends them all (users sign in again).
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

export interface Session {
  accessKeyId: string;
  csrfToken: string;
  createdAt: number;
  lastSeenAt: number;
  /** Epoch ms when the session ends if it stays idle (or reaches its maximum age). */
  expiresAt: number;
}

export interface SessionOptions {
  idleMs: number;
  maxAgeMs: number;
  /** Upper bound of live sessions; the oldest are dropped beyond it (bounded memory). */
  maxSessions?: number;
  now?: () => number;
}

const hashId = (id: string) => createHash('sha256').update(id).digest('base64url');

export function sameSecret(a: string, b: string): boolean {
  // Compare digests so that lengths do not leak and timingSafeEqual gets equal-length inputs.
  const x = createHash('sha256').update(a).digest();
  const y = createHash('sha256').update(b).digest();
  return timingSafeEqual(x, y);
}

export class SessionStore {
  /** Keyed by a hash of the cookie value, so the table never holds usable session ids. */
  private readonly sessions = new Map<string, Session>();
  private readonly now: () => number;

  constructor(readonly options: SessionOptions) {
    this.now = options.now ?? Date.now;
  }

  create(accessKeyId: string): { id: string; session: Session } {
    this.sweep();
    const id = randomBytes(32).toString('base64url');
    const t = this.now();
    const session: Session = {
      accessKeyId,
      csrfToken: randomBytes(32).toString('base64url'),
      createdAt: t,
      lastSeenAt: t,
      expiresAt: this.expiry(t, t),
    };
    this.sessions.set(hashId(id), session);
    const max = this.options.maxSessions ?? 10_000;
    while (this.sessions.size > max) this.sessions.delete(this.sessions.keys().next().value!);
    return { id, session };
  }

  /** The live session for a cookie value (refreshing its idle timer when `touch`), or undefined. */
  get(id: string | undefined, touch = true): Session | undefined {
    if (!id) return undefined;
    const key = hashId(id);
    const s = this.sessions.get(key);
    if (!s) return undefined;
    const t = this.now();
    if (t >= s.expiresAt) {
      this.sessions.delete(key);
      return undefined;
    }
    if (touch) {
      s.lastSeenAt = t;
      s.expiresAt = this.expiry(s.createdAt, t);
    }
    return s;
  }

  delete(id: string | undefined): void {
    if (id) this.sessions.delete(hashId(id));
  }

  get size(): number {
    return this.sessions.size;
  }

  private expiry(createdAt: number, lastSeenAt: number): number {
    return Math.min(lastSeenAt + this.options.idleMs, createdAt + this.options.maxAgeMs);
  }

  private sweep(): void {
    const t = this.now();
    for (const [k, s] of this.sessions) if (t >= s.expiresAt) this.sessions.delete(k);
  }
}
