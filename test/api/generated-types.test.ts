import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadModel } from '../../src/api/model.js';
import { ROOT } from '../helpers/server.js';

describe('model and generated types', () => {
  it('src/api/generated/types.ts is up to date with the model and model/coalesce-extensions.json', async () => {
    const run = promisify(execFile);
    const res = await run(process.execPath, ['--import', 'tsx', join(ROOT, 'scripts/gen-types.ts'), '--check'], { cwd: ROOT }).then(
      () => ({ ok: true, err: '' }),
      (e) => ({ ok: false, err: String(e.stderr) }),
    );
    expect(res.err).toBe('');
    expect(res.ok).toBe(true);
  });

  it('the merged model compiles: every AWS operation plus the extensions, each with a route', () => {
    const model = loadModel();
    expect(model.operations.size).toBeGreaterThanOrEqual(106);
    expect(model.operations.get('GetIdentityResolutionJob')).toMatchObject({
      method: 'GET', pathTemplate: ['domains', '{DomainName}', 'identity-resolution-jobs', '{JobId}'],
    });
  });
});
