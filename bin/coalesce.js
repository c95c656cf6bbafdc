#!/usr/bin/env node
// Entry point of the `coalesce` command: runs the compiled CLI (npm run build makes dist/).
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const main = new URL('../dist/cli/main.js', import.meta.url);
if (!existsSync(fileURLToPath(main))) {
  console.error('coalesce: dist/ is missing; run `npm run build` first');
  process.exit(1);
}
await import(main.href);
