/**
 * Temporary directories of one test file, removed after its last test (test/helpers/setup.ts registers the hook
 * for every file): a suite run leaves nothing in the system's temp directory.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const made: string[] = [];

export function makeTempDir(prefix = 'coalesce-test-'): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  made.push(dir);
  return dir;
}

export function removeTempDirs(): void {
  for (const dir of made.splice(0)) {
    try {
      rmSync(dir, { recursive: true, force: true });
    } catch {
      // A child process may still hold a file open (Windows) — leave it rather than fail the suite.
    }
  }
}
