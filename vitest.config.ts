import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  resolve: {
    alias: [
      // The examples import the package by name, as a user's code would.
      {
        find: /^lazy-regime$/,
        replacement: fileURLToPath(new URL('./src/index.ts', import.meta.url)),
      },
      // Worker threads run JavaScript, not these TypeScript sources: the Node pool starts
      // them on the worker entry that test/global-setup.ts bundles.
      {
        find: /^\.\/worker-url\.js$/,
        replacement: fileURLToPath(new URL('./test/fixtures/pool/worker-url.ts', import.meta.url)),
      },
    ],
  },
  test: {
    include: ['test/**/*.test.ts'],
    globalSetup: ['test/global-setup.ts'],
    testTimeout: 120_000,
  },
});
