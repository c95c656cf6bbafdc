/** The `coalesce generate` and `coalesce evaluate` commands, run as a user would (separate process, from source). */
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';

const run = promisify(execFile);
const dir = mkdtempSync(join(tmpdir(), 'coalesce-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const cli = (...args: string[]) => run(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', ...args], { maxBuffer: 1 << 24 });

describe('coalesce generate / evaluate', () => {
  it('generates a CSV with truth and evaluates it', async () => {
    const file = join(dir, 'g.csv');
    await cli('generate', '--profiles', '400', '--seed', '9', '--out', file);
    const lines = readFileSync(file, 'utf8').trim().split('\n');
    expect(lines).toHaveLength(401);
    expect(lines[0].startsWith('_id,_entityId,_source,_updatedAt,')).toBe(true);
    const { stdout } = await cli('evaluate', '--file', file, '--json');
    const [r] = JSON.parse(stdout);
    expect(r.metrics.records).toBe(400);
    expect(r.metrics.pairwise.f1).toBeGreaterThan(0.8);
    expect(r.blocking.recall).toBeGreaterThan(0.8);
  });

  it('prints the table for a named dataset', async () => {
    const { stdout } = await cli('evaluate', '--dataset', 'febrl1');
    expect(stdout).toMatch(/\| febrl1 +\| +1000 \| +500 \|/);
    expect(stdout).toContain('soc_sec_id→Attributes.soc_sec_id');
  });

  it('rejects bad arguments with exit code 2', async () => {
    await Promise.all([
      expect(cli('generate', '--profiles', 'ten', '--out', join(dir, 'x.csv'))).rejects.toMatchObject({ code: 2 }),
      expect(cli('generate', '--profiles', '10', '--out', join(dir, 'x.txt'))).rejects.toMatchObject({ code: 2 }),
      expect(cli('evaluate', '--dataset', 'nope')).rejects.toMatchObject({ code: 2 }),
    ]);
  });
});
