/** Console settings from environment variables (documented in docs/console.md). */
export interface ConsoleOptions {
  /** Session ends after this long without a request (COALESCE_CONSOLE_SESSION_IDLE_MINUTES, default 30). */
  idleMs: number;
  /** Session ends this long after sign-in whatever the activity (COALESCE_CONSOLE_SESSION_MAX_HOURS, default 12). */
  maxAgeMs: number;
  /** Secure cookie flag: 'auto' = when the request came over https (directly or per X-Forwarded-Proto). */
  secureCookie: 'auto' | 'always' | 'never';
  /** Directory of the built console (default: dist/console next to the compiled server). */
  staticDir?: string;
  /** Failed sign-ins allowed per client address per window before 429 (default 10 per 5 minutes). */
  maxFailedSignIns: number;
  failedSignInWindowMs: number;
  now?: () => number;
}

function num(env: NodeJS.ProcessEnv, name: string, fallback: number, min: number, max: number): number {
  const text = env[name];
  if (text === undefined || text === '') return fallback;
  const n = Number(text);
  if (!Number.isFinite(n) || n < min || n > max) throw new Error(`${name} must be a number from ${min} to ${max} (got ${JSON.stringify(text)})`);
  return n;
}

export function consoleOptionsFromEnv(env: NodeJS.ProcessEnv = process.env): ConsoleOptions {
  const secure = env.COALESCE_CONSOLE_SECURE_COOKIE ?? 'auto';
  if (secure !== 'auto' && secure !== 'always' && secure !== 'never') {
    throw new Error(`COALESCE_CONSOLE_SECURE_COOKIE must be auto, always or never (got ${JSON.stringify(secure)})`);
  }
  return {
    idleMs: num(env, 'COALESCE_CONSOLE_SESSION_IDLE_MINUTES', 30, 1, 7 * 24 * 60) * 60_000,
    maxAgeMs: num(env, 'COALESCE_CONSOLE_SESSION_MAX_HOURS', 12, 0.05, 30 * 24) * 3_600_000,
    secureCookie: secure,
    staticDir: env.COALESCE_CONSOLE_DIR || undefined,
    maxFailedSignIns: 10,
    failedSignInWindowMs: 5 * 60_000,
  };
}
