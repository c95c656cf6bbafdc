/** Console session endpoints served by src/console-server (sign-in sets an HttpOnly cookie; the CSRF token is returned). */
import { ApiError, CSRF_HEADER, setCsrfToken } from './api/client.js';

export interface SessionInfo {
  /** False when the server runs with --no-auth. */
  authRequired: boolean;
  signedIn: boolean;
  accessKeyId?: string;
  csrfToken?: string;
  /** Epoch ms. */
  expiresAt?: number;
}

async function post(path: string, body: unknown, csrf?: string): Promise<Response> {
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (csrf) headers[CSRF_HEADER] = csrf;
  return fetch(path, { method: 'POST', headers, body: JSON.stringify(body), credentials: 'same-origin' });
}

async function readError(res: Response): Promise<ApiError> {
  const json = await res.json().catch(() => ({}));
  return new ApiError(json.code ?? `HTTP ${res.status}`, json.Message ?? res.statusText, res.status);
}

export async function getSession(): Promise<SessionInfo> {
  const res = await fetch('/console/api/session', { credentials: 'same-origin', cache: 'no-store' });
  if (!res.ok) throw await readError(res);
  const s = (await res.json()) as SessionInfo;
  setCsrfToken(s.csrfToken);
  return s;
}

export async function signIn(accessKeyId: string, secretAccessKey: string): Promise<SessionInfo> {
  const res = await post('/console/api/sign-in', { accessKeyId, secretAccessKey });
  if (!res.ok) throw await readError(res);
  const s = (await res.json()) as SessionInfo;
  setCsrfToken(s.csrfToken);
  return s;
}

export async function signOut(csrf: string | undefined): Promise<void> {
  await post('/console/api/sign-out', {}, csrf);
  setCsrfToken(undefined);
}
