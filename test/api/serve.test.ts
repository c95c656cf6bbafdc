/** The compiled `coalesce serve` process: credentials configuration and secure-by-default start-up. */
import { existsSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ListDomainsCommand } from '@aws-sdk/client-customer-profiles';
import { clientFor, makeTempDir, spawnServer, type ChildServer } from '../helpers/server.js';

const NO_CREDS = { COALESCE_ACCESS_KEY_ID: '', COALESCE_SECRET_ACCESS_KEY: '', COALESCE_CREDENTIALS_FILE: '' };

describe('coalesce serve', () => {
  const dirs: string[] = [];
  const children: ChildServer[] = [];
  const dir = () => {
    const d = makeTempDir();
    dirs.push(d);
    return d;
  };
  const spawnTracked = async (...a: Parameters<typeof spawnServer>) => {
    const c = await spawnServer(...a);
    children.push(c);
    return c;
  };
  afterAll(async () => {
    for (const c of children) await c.stop();
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  });

  it('refuses to start without credentials, saying what to configure', async () => {
    const err = await spawnServer({ dataDir: dir(), env: NO_CREDS }).then(() => undefined, (e: Error) => e);
    expect(err?.message).toMatch(/exited with code 2/);
    expect(err?.message).toMatch(/no credentials configured: set COALESCE_ACCESS_KEY_ID and COALESCE_SECRET_ACCESS_KEY/);
  });

  it('--no-auth starts with a warning and accepts unsigned requests', async () => {
    const s = await spawnTracked({ dataDir: dir(), env: NO_CREDS, args: ['--no-auth'] });
    expect(s.output()).toMatch(/WARNING: authentication is off \(--no-auth\)/);
    // The log's warning goes through the asynchronous log destination: it may arrive after the listening line.
    await expect.poll(() => s.output(), { timeout: 10_000 }).toMatch(/authentication is OFF \(--no-auth\)/);
    const res = await fetch(`${s.url}/domains`);
    expect(res.status).toBe(200);
  });

  it('reads several credential pairs from a JSON or ini credentials file', async () => {
    const d = dir();
    const json = join(d, 'creds.json');
    writeFileSync(json, JSON.stringify([
      { accessKeyId: 'AKIDFILEONE', secretAccessKey: 'file-secret-one' },
      { accessKeyId: 'AKIDFILETWO', secretAccessKey: 'file-secret-two' },
    ]));
    const s = await spawnTracked({ dataDir: d, env: { ...NO_CREDS, COALESCE_CREDENTIALS_FILE: json } });
    for (const [id, secret] of [['AKIDFILEONE', 'file-secret-one'], ['AKIDFILETWO', 'file-secret-two']] as const) {
      const c = clientFor(s.url, { accessKeyId: id, secretAccessKey: secret });
      expect((await c.send(new ListDomainsCommand({}))).$metadata.httpStatusCode).toBe(200);
      c.destroy();
    }
    await s.stop();

    const ini = join(d, 'credentials');
    writeFileSync(ini, '[a]\naws_access_key_id = AKIDINIONE\naws_secret_access_key = ini-secret-one\n\n[b]\naws_access_key_id=AKIDINITWO\naws_secret_access_key=ini-secret-two\n');
    const s2 = await spawnTracked({ dataDir: d, env: { ...NO_CREDS, COALESCE_CREDENTIALS_FILE: ini } });
    const c2 = clientFor(s2.url, { accessKeyId: 'AKIDINITWO', secretAccessKey: 'ini-secret-two' });
    expect((await c2.send(new ListDomainsCommand({}))).$metadata.httpStatusCode).toBe(200);
    const wrong = clientFor(s2.url, { accessKeyId: 'AKIDFILEONE', secretAccessKey: 'file-secret-one' });
    await expect(wrong.send(new ListDomainsCommand({}))).rejects.toMatchObject({ name: 'AccessDeniedException' });
    c2.destroy();
    wrong.destroy();
  });

  it('--dev-credentials creates a private credentials file once, prints it and reuses it', async () => {
    const d = dir();
    const s = await spawnTracked({ dataDir: d, env: NO_CREDS, args: ['--dev-credentials'] });
    const file = join(d, 'dev-credentials');
    expect(existsSync(file)).toBe(true);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    const text = readFileSync(file, 'utf8');
    const id = /aws_access_key_id = (\S+)/.exec(text)![1]!;
    const secret = /aws_secret_access_key = (\S+)/.exec(text)![1]!;
    await expect.poll(() => s.output(), { timeout: 10_000 }).toContain(`AWS_ACCESS_KEY_ID=${id}`);
    const c = clientFor(s.url, { accessKeyId: id, secretAccessKey: secret });
    expect((await c.send(new ListDomainsCommand({}))).$metadata.httpStatusCode).toBe(200);
    await s.stop();
    const again = await spawnTracked({ dataDir: d, env: NO_CREDS, args: ['--dev-credentials'] });
    expect(readFileSync(file, 'utf8')).toBe(text);
    const c2 = clientFor(again.url, { accessKeyId: id, secretAccessKey: secret });
    expect((await c2.send(new ListDomainsCommand({}))).$metadata.httpStatusCode).toBe(200);
    c.destroy();
    c2.destroy();
  });
});
