/**
 * Test servers: `startTestServer()` runs a real server in-process on an ephemeral port with a fresh temp data dir
 * and returns an official CustomerProfilesClient pointed at it; `spawnServer()` runs the compiled CLI
 * (`node bin/coalesce.js serve`) as a child process, for restart / crash tests.
 */
import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import { existsSync, rmSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CustomerProfilesClient } from '@aws-sdk/client-customer-profiles';
import { makeTempDir } from './temp-dirs.js';
import { startServer, type RunningServer, type StartServerOptions } from '../../src/server.js';

export const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

export const TEST_CREDENTIALS = {
  accessKeyId: 'AKIDCOALESCETEST0001',
  secretAccessKey: 'coalesce-test-secret-key-0001-do-not-use',
};
export const TEST_REGION = 'us-east-1';

export { makeTempDir } from './temp-dirs.js';

export function clientFor(url: string, credentials = TEST_CREDENTIALS, region = TEST_REGION): CustomerProfilesClient {
  return new CustomerProfilesClient({ endpoint: url, region, credentials, maxAttempts: 1 });
}

export interface TestServer {
  url: string;
  client: CustomerProfilesClient;
  credentials: typeof TEST_CREDENTIALS;
  dataDir: string;
  server: RunningServer;
  close(): Promise<void>;
}

export async function startTestServer(opts: Partial<StartServerOptions> = {}): Promise<TestServer> {
  const ownDir = !opts.dataDir;
  const dataDir = opts.dataDir ?? makeTempDir();
  const server = await startServer({
    port: 0,
    host: '127.0.0.1',
    credentials: [TEST_CREDENTIALS],
    logLevel: process.env.LOG_LEVEL ?? 'silent',
    ...opts,
    dataDir,
  });
  const client = clientFor(server.url);
  return {
    url: server.url,
    client,
    credentials: TEST_CREDENTIALS,
    dataDir,
    server,
    async close() {
      client.destroy();
      await server.close();
      if (ownDir) rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** Builds dist/ once if it is missing (child-process tests run the compiled CLI). */
export function ensureBuilt(): void {
  if (existsSync(join(ROOT, 'dist', 'cli', 'main.js'))) return;
  execFileSync('npm', ['run', 'build'], { cwd: ROOT, stdio: 'inherit' });
}

export interface ChildServer {
  url: string;
  port: number;
  child: ChildProcess;
  dataDir: string;
  /** Everything the child wrote so far. */
  output(): string;
  /** SIGTERM and wait for exit (graceful). */
  stop(): Promise<number | null>;
  /** SIGKILL and wait (crash). */
  kill(): Promise<number | null>;
}

export interface SpawnOptions {
  dataDir?: string;
  port?: number;
  args?: string[];
  env?: Record<string, string>;
  timeoutMs?: number;
}

/** Spawns `node bin/coalesce.js serve --port 0 ...` and waits for its "Coalesce listening on <url>" line. */
export async function spawnServer(opts: SpawnOptions = {}): Promise<ChildServer> {
  ensureBuilt();
  const dataDir = opts.dataDir ?? makeTempDir();
  const child = spawn(
    process.execPath,
    [join(ROOT, 'bin', 'coalesce.js'), 'serve', '--port', String(opts.port ?? 0), '--host', '127.0.0.1', '--data-dir', dataDir, ...(opts.args ?? [])],
    {
      cwd: ROOT,
      env: {
        ...process.env,
        COALESCE_ACCESS_KEY_ID: TEST_CREDENTIALS.accessKeyId,
        COALESCE_SECRET_ACCESS_KEY: TEST_CREDENTIALS.secretAccessKey,
        LOG_LEVEL: process.env.LOG_LEVEL ?? 'warn',
        ...opts.env,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let out = '';
  child.stdout!.on('data', (d) => (out += d));
  child.stderr!.on('data', (d) => (out += d));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`server did not start within ${opts.timeoutMs ?? 30_000} ms:\n${out}`)), opts.timeoutMs ?? 30_000);
    const check = () => {
      const m = /Coalesce listening on (http:\/\/\S+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]!);
      }
    };
    child.stdout!.on('data', check);
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`server exited with code ${code} before listening:\n${out}`));
    });
  });
  const waitExit = (signal: NodeJS.Signals) => {
    if (child.exitCode === null && child.signalCode === null) child.kill(signal);
    return exited;
  };
  return {
    url,
    port: Number(new URL(url).port),
    child,
    dataDir,
    output: () => out,
    stop: () => waitExit('SIGTERM'),
    kill: () => waitExit('SIGKILL'),
  };
}
