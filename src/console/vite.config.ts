// Builds the web console into dist/console (served by the server at /console). JSX goes through esbuild with
// Preact's automatic runtime, so no framework plugin is needed.
import { defineConfig } from 'vite';
import { fileURLToPath } from 'node:url';

const here = fileURLToPath(new URL('.', import.meta.url));

export default defineConfig({
  root: here,
  base: '/console/',
  publicDir: false,
  logLevel: 'warn',
  esbuild: { jsx: 'automatic', jsxImportSource: 'preact' },
  build: {
    outDir: fileURLToPath(new URL('../../dist/console', import.meta.url)),
    emptyOutDir: true,
    target: 'es2022',
    // One small bundle; no source maps in the shipped build.
    sourcemap: false,
    reportCompressedSize: false,
  },
});
