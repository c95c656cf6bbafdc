/**
 * Fetch wrapper for the Customer Profiles REST paths. Requests carry the session cookie (same origin) and the
 * session's CSRF token header; errors are turned into ApiError with the API's code and Message.
 */
export class ApiError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly status: number,
  ) {
    super(message);
  }
}

export const CSRF_HEADER = 'x-coalesce-csrf';

let csrfToken: string | undefined;
let onAuthLost: (() => void) | undefined;

export function setCsrfToken(token: string | undefined): void {
  csrfToken = token;
}

/** Called when an API call is refused for lack of a valid session (expired or signed out elsewhere). */
export function setAuthLostHandler(fn: () => void): void {
  onAuthLost = fn;
}

export type Query = Record<string, string | number | undefined>;

export async function call<R>(method: string, path: string, opts: { query?: Query; body?: unknown } = {}): Promise<R> {
  const qs = new URLSearchParams();
  for (const [k, v] of Object.entries(opts.query ?? {})) if (v !== undefined && v !== '') qs.set(k, String(v));
  const url = path + (qs.size ? `?${qs}` : '');
  const headers: Record<string, string> = { accept: 'application/json' };
  if (csrfToken) headers[CSRF_HEADER] = csrfToken;
  let body: string | undefined;
  if (opts.body !== undefined) {
    headers['content-type'] = 'application/json';
    body = JSON.stringify(opts.body);
  }
  let res: Response;
  try {
    res = await fetch(url, { method, headers, body, credentials: 'same-origin', cache: 'no-store' });
  } catch {
    throw new ApiError('NetworkError', 'The server could not be reached. Is Coalesce running?', 0);
  }
  const text = await res.text();
  let json: any;
  try {
    json = text ? JSON.parse(text) : {};
  } catch {
    json = undefined;
  }
  if (!res.ok) {
    const typeHeader = res.headers.get('x-amzn-errortype') ?? '';
    const code = typeHeader.split(':')[0] || json?.__type?.split('#').pop() || `HTTP ${res.status}`;
    const message = json?.Message ?? json?.message ?? (text.slice(0, 300) || res.statusText);
    if (res.status === 401 || res.status === 403) onAuthLost?.();
    throw new ApiError(code, message, res.status);
  }
  return (json ?? {}) as R;
}

/** Encodes one path segment (domain names and ids are URL-safe, but never trust that). */
export const seg = (s: string) => encodeURIComponent(s);
