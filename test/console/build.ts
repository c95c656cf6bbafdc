/** Builds the console bundle (dist/console) when it is missing or older than a file of src/console. */
import { execFileSync } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, openSync, readdirSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from '../helpers/server.js';

function newestMtime(dir: string): number {
  let newest = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    newest = Math.max(newest, e.isDirectory() ? newestMtime(p) : statSync(p).mtimeMs);
  }
  return newest;
}

export function ensureConsoleBuilt(): void {
  const index = join(ROOT, 'dist', 'console', 'index.html');
  const fresh = () => existsSync(index) && statSync(index).mtimeMs >= newestMtime(join(ROOT, 'src', 'console'));
  if (fresh()) return;
  // Test files run in parallel: one builds, the others wait for it (the build empties dist/console first).
  mkdirSync(join(ROOT, 'dist'), { recursive: true });
  const lock = join(ROOT, 'dist', '.console-build.lock');
  let fd: number | undefined;
  try {
    fd = openSync(lock, 'wx');
  } catch {
    const until = Date.now() + 180_000;
    while (existsSync(lock) && Date.now() < until) Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 200);
    if (fresh()) return;
    rmSync(lock, { force: true });
    fd = openSync(lock, 'wx');
  }
  try {
    execFileSync(process.execPath, [join(ROOT, 'node_modules', 'vite', 'bin', 'vite.js'), 'build', '--config', 'src/console/vite.config.ts'], {
      cwd: ROOT,
      stdio: 'inherit',
    });
  } finally {
    closeSync(fd);
    rmSync(lock, { force: true });
  }
}
