/** Configuration parsing: environment, credentials files, limits (pure functions of src/config.ts). */
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ConfigError, DEFAULTS, loadConfig, parseRateLimit, readCredentialsFile } from '../../src/config.js';
import { makeTempDir } from '../helpers/server.js';

describe('config', () => {
  const dir = makeTempDir();
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('defaults, options over environment', () => {
    const env = { COALESCE_ACCESS_KEY_ID: 'AKIDENV', COALESCE_SECRET_ACCESS_KEY: 'env-secret-1', PORT: '9000', HOST: '0.0.0.0', COALESCE_DATA_DIR: dir };
    const c = loadConfig({}, env);
    expect(c).toMatchObject({ port: 9000, host: '0.0.0.0', dataDir: dir, auth: true, accountId: DEFAULTS.accountId, bodyLimit: 5 * 1024 * 1024, logLevel: 'info' });
    expect(c.credentials).toEqual([{ accessKeyId: 'AKIDENV', secretAccessKey: 'env-secret-1' }]);
    expect(loadConfig({ port: '0', host: '127.0.0.2', logLevel: 'debug' }, env)).toMatchObject({ port: 0, host: '127.0.0.2', logLevel: 'debug' });
  });

  it('rejects bad settings with a ConfigError', () => {
    const creds = { COALESCE_ACCESS_KEY_ID: 'AKIDENV', COALESCE_SECRET_ACCESS_KEY: 'env-secret-1' };
    expect(() => loadConfig({ port: '70000' }, creds)).toThrow(ConfigError);
    expect(() => loadConfig({}, { ...creds, COALESCE_ACCOUNT_ID: '12' })).toThrow(/12 digits/);
    expect(() => loadConfig({}, { COALESCE_ACCESS_KEY_ID: 'AKIDONLY' })).toThrow(/secret access key missing/);
    expect(() => loadConfig({}, {})).toThrow(/no credentials configured/);
    expect(() => loadConfig({ logLevel: 'loud' }, creds)).toThrow(/log level must be one of/);
    expect(loadConfig({ auth: false }, {}).auth).toBe(false);
  });

  it('rate limit "rate[:burst]", 0 = off', () => {
    expect(parseRateLimit(undefined)).toEqual({ ratePerSecond: 10_000, burst: 20_000 });
    expect(parseRateLimit('50')).toEqual({ ratePerSecond: 50, burst: 100 });
    expect(parseRateLimit('50:7')).toEqual({ ratePerSecond: 50, burst: 7 });
    expect(parseRateLimit('0').ratePerSecond).toBe(0);
    expect(() => parseRateLimit('fast')).toThrow(ConfigError);
  });

  it('credentials files: JSON array, {credentials: [...]}, ini; errors are clear', () => {
    const f = (name: string, text: string) => {
      const p = join(dir, name);
      writeFileSync(p, text);
      return p;
    };
    expect(readCredentialsFile(f('a.json', '[{"accessKeyId":"AKIDA","secretAccessKey":"secret-a-1"}]'))).toHaveLength(1);
    expect(readCredentialsFile(f('b.json', '{"credentials":[{"accessKeyId":"AKIDB","secretAccessKey":"secret-b-1"},{"accessKeyId":"AKIDC","secretAccessKey":"secret-c-1"}]}'))).toHaveLength(2);
    expect(readCredentialsFile(f('c.ini', '# comment\n[default]\naws_access_key_id=AKIDD\naws_secret_access_key = secret-d-1\n'))).toEqual([{ accessKeyId: 'AKIDD', secretAccessKey: 'secret-d-1' }]);
    expect(() => readCredentialsFile(f('d.json', '{"credentials": 5}'))).toThrow(/expected an array/);
    expect(() => readCredentialsFile(f('e.ini', '[x]\nregion=us-east-1\n'))).toThrow(/holds no aws_access_key_id/);
    expect(() => readCredentialsFile(join(dir, 'missing'))).toThrow(/cannot read credentials file/);
    expect(() => loadConfig({}, { COALESCE_CREDENTIALS_FILE: f('dup.json', '[{"accessKeyId":"AKIDX","secretAccessKey":"secret-x-1"},{"accessKeyId":"AKIDX","secretAccessKey":"secret-x-2"}]') })).toThrow(/configured twice/);
  });
});
