/**
 * Server configuration from command-line options and environment variables (options win), and credential loading.
 * See docs/api.md for every setting.
 */
import { existsSync, readFileSync, writeFileSync, mkdirSync, chmodSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { join, resolve } from 'node:path';
import type { Credential } from './api/auth/types.js';

export interface ServerConfig {
  port: number;
  host: string;
  dataDir: string;
  /** false with --no-auth: requests are not authenticated (a warning is logged). */
  auth: boolean;
  credentials: Credential[];
  /** Account id used in ARNs. */
  accountId: string;
  /** Per-access-key token bucket; ratePerSecond 0 disables. */
  rateLimit: { ratePerSecond: number; burst: number };
  /** Largest accepted request body for API operations, in bytes. */
  bodyLimit: number;
  logLevel: string;
  /** Where the credentials came from (for the start-up message). */
  credentialSources: string[];
}

export const DEFAULTS = {
  port: 8080,
  host: '127.0.0.1',
  dataDir: './data',
  accountId: '000000000000',
  ratePerSecond: 10_000,
  burst: 20_000,
  bodyLimit: 5 * 1024 * 1024,
  logLevel: 'info',
};

export const DEV_CREDENTIALS_FILE = 'dev-credentials';

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];

export interface CliOptions {
  port?: string | number;
  host?: string;
  dataDir?: string;
  auth?: boolean;
  devCredentials?: boolean;
  logLevel?: string;
  rateLimit?: string;
  bodyLimit?: string;
}

export class ConfigError extends Error {}

function intSetting(name: string, text: string | number | undefined, fallback: number, min: number, max: number): number {
  if (text === undefined || text === '') return fallback;
  const n = typeof text === 'number' ? text : Number(text);
  if (!Number.isInteger(n) || n < min || n > max) throw new ConfigError(`${name} must be an integer from ${min} to ${max} (got ${JSON.stringify(text)})`);
  return n;
}

/** `COALESCE_RATE_LIMIT`: "<requests per second>" or "<requests per second>:<burst>"; 0 turns limiting off. */
export function parseRateLimit(text: string | undefined): { ratePerSecond: number; burst: number } {
  if (text === undefined || text === '') return { ratePerSecond: DEFAULTS.ratePerSecond, burst: DEFAULTS.burst };
  const [rate, burst] = text.split(':');
  const ratePerSecond = intSetting('COALESCE_RATE_LIMIT rate', rate, DEFAULTS.ratePerSecond, 0, 1e9);
  return { ratePerSecond, burst: intSetting('COALESCE_RATE_LIMIT burst', burst, Math.max(1, ratePerSecond * 2), 1, 1e9) };
}

/**
 * Reads a credentials file: AWS ini format (any number of sections with aws_access_key_id / aws_secret_access_key)
 * or JSON (`[{"accessKeyId": "...", "secretAccessKey": "..."}]`, or the same array under "credentials").
 */
export function readCredentialsFile(path: string): Credential[] {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new ConfigError(`cannot read credentials file ${path}: ${(err as Error).message}`);
  }
  const trimmed = text.trim();
  if (trimmed.startsWith('[') && trimmed.includes('{') || trimmed.startsWith('{')) {
    let json: unknown;
    try {
      json = JSON.parse(trimmed);
    } catch (err) {
      throw new ConfigError(`credentials file ${path} is not valid JSON: ${(err as Error).message}`);
    }
    const list = Array.isArray(json) ? json : (json as { credentials?: unknown }).credentials;
    if (!Array.isArray(list)) throw new ConfigError(`credentials file ${path}: expected an array of {accessKeyId, secretAccessKey}`);
    return list.map((c, i) => checkCredential(c?.accessKeyId ?? c?.AccessKeyId, c?.secretAccessKey ?? c?.SecretAccessKey, `${path}[${i}]`));
  }
  const out: Credential[] = [];
  let section = '';
  let current: Record<string, string> = {};
  const flush = () => {
    if (current.aws_access_key_id || current.aws_secret_access_key) {
      out.push(checkCredential(current.aws_access_key_id, current.aws_secret_access_key, `${path} [${section}]`));
    }
    current = {};
  };
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim();
    if (!line || line.startsWith('#') || line.startsWith(';')) continue;
    const sec = /^\[(.+)\]$/.exec(line);
    if (sec) {
      flush();
      section = sec[1]!.trim();
      continue;
    }
    const eq = line.indexOf('=');
    if (eq > 0) current[line.slice(0, eq).trim().toLowerCase()] = line.slice(eq + 1).trim();
  }
  flush();
  if (out.length === 0) throw new ConfigError(`credentials file ${path} holds no aws_access_key_id / aws_secret_access_key pair`);
  return out;
}

function checkCredential(id: unknown, secret: unknown, where: string): Credential {
  if (typeof id !== 'string' || !/^[A-Za-z0-9_+=,.@-]{3,128}$/.test(id)) throw new ConfigError(`${where}: invalid access key id`);
  if (typeof secret !== 'string' || secret.length < 8) throw new ConfigError(`${where}: secret access key missing or shorter than 8 characters`);
  return { accessKeyId: id, secretAccessKey: secret };
}

/**
 * The development credential pair kept in `<dataDir>/dev-credentials` (AWS ini, profile "coalesce", mode 0600);
 * created on first use. Used by `coalesce serve --dev-credentials` (what `npm start` runs).
 */
export function loadOrCreateDevCredentials(dataDir: string): { credential: Credential; path: string; created: boolean } {
  const path = join(dataDir, DEV_CREDENTIALS_FILE);
  if (existsSync(path)) return { credential: readCredentialsFile(path)[0]!, path, created: false };
  mkdirSync(dataDir, { recursive: true });
  const credential = {
    accessKeyId: `AKCOALESCE${randomBytes(5).toString('hex').toUpperCase()}`,
    secretAccessKey: randomBytes(30).toString('base64url'),
  };
  writeFileSync(path, `[coalesce]\naws_access_key_id = ${credential.accessKeyId}\naws_secret_access_key = ${credential.secretAccessKey}\n`, { mode: 0o600, flag: 'wx' });
  chmodSync(path, 0o600);
  return { credential, path, created: true };
}

export function loadConfig(opts: CliOptions, env: NodeJS.ProcessEnv = process.env): ServerConfig {
  const dataDir = resolve(opts.dataDir ?? env.COALESCE_DATA_DIR ?? DEFAULTS.dataDir);
  const credentials: Credential[] = [];
  const credentialSources: string[] = [];
  if (env.COALESCE_ACCESS_KEY_ID || env.COALESCE_SECRET_ACCESS_KEY) {
    credentials.push(checkCredential(env.COALESCE_ACCESS_KEY_ID, env.COALESCE_SECRET_ACCESS_KEY, 'COALESCE_ACCESS_KEY_ID / COALESCE_SECRET_ACCESS_KEY'));
    credentialSources.push('environment');
  }
  if (env.COALESCE_CREDENTIALS_FILE) {
    credentials.push(...readCredentialsFile(env.COALESCE_CREDENTIALS_FILE));
    credentialSources.push(env.COALESCE_CREDENTIALS_FILE);
  }
  const auth = opts.auth !== false;
  if (auth && credentials.length === 0 && opts.devCredentials) {
    const dev = loadOrCreateDevCredentials(dataDir);
    credentials.push(dev.credential);
    credentialSources.push(`${dev.path}${dev.created ? ' (created)' : ''}`);
  }
  if (auth && credentials.length === 0) {
    throw new ConfigError(
      'no credentials configured: set COALESCE_ACCESS_KEY_ID and COALESCE_SECRET_ACCESS_KEY (or COALESCE_CREDENTIALS_FILE), ' +
        'or use --dev-credentials for a generated local pair, or --no-auth to accept unsigned requests (not for shared machines)',
    );
  }
  const seen = new Map<string, string>();
  for (const c of credentials) {
    const prev = seen.get(c.accessKeyId);
    if (prev !== undefined && prev !== c.secretAccessKey) throw new ConfigError(`access key ${c.accessKeyId} is configured twice with different secrets`);
    seen.set(c.accessKeyId, c.secretAccessKey);
  }
  const logLevel = opts.logLevel ?? env.LOG_LEVEL ?? DEFAULTS.logLevel;
  if (!LOG_LEVELS.includes(logLevel)) throw new ConfigError(`log level must be one of ${LOG_LEVELS.join(', ')} (got ${JSON.stringify(logLevel)})`);
  const accountId = env.COALESCE_ACCOUNT_ID ?? DEFAULTS.accountId;
  if (!/^\d{12}$/.test(accountId)) throw new ConfigError('COALESCE_ACCOUNT_ID must be 12 digits');
  return {
    port: intSetting('port', opts.port ?? env.PORT, DEFAULTS.port, 0, 65535),
    host: opts.host ?? env.HOST ?? DEFAULTS.host,
    dataDir,
    auth,
    credentials: [...new Map(credentials.map((c) => [c.accessKeyId, c])).values()],
    accountId,
    rateLimit: parseRateLimit(opts.rateLimit ?? env.COALESCE_RATE_LIMIT),
    bodyLimit: intSetting('body limit', opts.bodyLimit ?? env.COALESCE_BODY_LIMIT, DEFAULTS.bodyLimit, 1024, 1024 * 1024 * 1024),
    logLevel,
    credentialSources,
  };
}
