/**
 * Node worker threads cannot load the TypeScript sources the tests run, so
 * the pool's worker entry (src/node/worker.ts) is bundled once per test run
 * with esbuild into a temporary folder; vitest.config.ts points the pool at
 * that bundle (test/fixtures/pool/worker-url.ts). The installed package's
 * own dist/node/worker.js is exercised by test/package.test.ts.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { build } from 'esbuild';
import type { TestProject } from 'vitest/node';

declare module 'vitest' {
  export interface ProvidedContext {
    /** file: URL of the bundled Node worker entry. */
    poolWorkerUrl: string;
  }
}

export default async function setup(project: TestProject): Promise<() => void> {
  const dir = mkdtempSync(join(tmpdir(), 'lazy-regime-pool-worker-'));
  const outfile = join(dir, 'worker.mjs');
  await build({
    entryPoints: [fileURLToPath(new URL('../src/node/worker.ts', import.meta.url))],
    outfile,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    logLevel: 'warning',
  });
  project.provide('poolWorkerUrl', pathToFileURL(outfile).href);
  return () => rmSync(dir, { recursive: true, force: true });
}
