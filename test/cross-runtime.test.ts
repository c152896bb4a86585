/**
 * The same seeded specs give the same bits in Node and in headless Chromium,
 * on the page and in a module worker: every number of every result (the
 * Float64 bits, meta.seconds left out) is hashed and the hashes compared.
 */
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Spec } from '../src/index.js';
import {
  launchChromium, serve, skipBrowserTests, type Browser, type StaticServer,
} from './browser.js';
import { TestRandom } from './reference.js';
import { runAll, type RunReport } from './fixtures/runtime/run.js';

const fixture = join(dirname(fileURLToPath(import.meta.url)), 'fixtures', 'runtime');

/** Rows of a flat row-major array. */
const rows = (flat: Float64Array, cols: number): number[][] => Array.from(
  { length: flat.length / cols }, (_, i) => Array.from(flat.subarray(i * cols, (i + 1) * cols)),
);

const rng = new TestRandom(91);
const givenX = rng.sphere(12, 4);
const givenY = rng.gaussians(12);
const givenXt = rng.sphere(9, 4);
const givenYt = rng.gaussians(9);

const SPECS: Record<string, Spec> = {
  'relu on a noisy single-index target': {
    data: { n: 24, d: 5, seed: 3, target: 'single-index', noise: 0.1 },
    test: { n: 40, seed: 8 },
    model: { width: 64, alpha: 4, activation: 'relu', seed: 4 },
    flow: { steps: 60, record: 7 },
  },
  'tanh on a teacher network, Euler steps': {
    data: { n: 20, d: 4, seed: 7, target: 'teacher' },
    test: { n: 32 },
    model: { width: 48, alpha: 16, activation: 'tanh', seed: 9 },
    flow: { method: 'euler', steps: 80, record: 5 },
  },
  "the user's own X and y, with a labelled test set": {
    data: { X: rows(givenX, 4), y: Array.from(givenY) },
    test: { X: rows(givenXt, 4), y: Array.from(givenYt) },
    model: { width: 32, alpha: 2, activation: 'gelu', seed: 11 },
    flow: { steps: 40, record: 5, dt: 0.05 },
  },
};

describe.skipIf(skipBrowserTests)('results in Node and in headless Chromium', () => {
  let out: string;
  let server: StaticServer;
  let browser: Browser;
  let page: Page;
  let errors: string[];
  let inNode: RunReport[];

  beforeAll(async () => {
    out = mkdtempSync(join(tmpdir(), 'lazy-regime-runtime-'));
    await build({
      entryPoints: [join(fixture, 'entry.ts')], bundle: true, platform: 'browser',
      format: 'esm', outfile: join(out, 'entry.js'), logLevel: 'silent',
    });
    cpSync(join(fixture, 'index.html'), join(out, 'index.html'));
    server = await serve(out);
    inNode = await runAll(Object.values(SPECS));
    browser = await launchChromium();
    ({ page, errors } = await browser.open(server.url));
    await page.waitForFunction(() => document.body.dataset.ready === 'true');
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await server?.close();
    if (out) rmSync(out, { recursive: true, force: true });
  });

  /** Compares digests, and on a mismatch the entries, so the failure names the number. */
  function expectSameBits(actual: RunReport[], where: string): void {
    Object.keys(SPECS).forEach((name, i) => {
      expect(actual[i].kernels, `${name} (${where}): kernels`).toBe(inNode[i].kernels);
      if (actual[i].digest !== inNode[i].digest) {
        expect(actual[i].entries, `${name} (${where})`).toEqual(inNode[i].entries);
      }
      expect(actual[i].digest, `${name} (${where})`).toBe(inNode[i].digest);
      expect(actual[i].count, `${name} (${where}): numbers hashed`).toBeGreaterThan(50);
    });
  }

  it('gives the same bits on the page as in Node, for relu, tanh and given data', async () => {
    const reports = await page.evaluate(
      (specs) => (window as unknown as {
        lazyRegime: { run(s: Spec[]): Promise<RunReport[]> };
      }).lazyRegime.run(specs),
      Object.values(SPECS),
    );
    expectSameBits(reports, 'page');
    expect(errors).toEqual([]);
  });

  it('gives the same bits in a module worker as in Node', async () => {
    const reports = await page.evaluate(
      (specs) => (window as unknown as {
        lazyRegime: { runInWorker(s: Spec[]): Promise<RunReport[]> };
      }).lazyRegime.runInWorker(specs),
      Object.values(SPECS),
    );
    expectSameBits(reports, 'worker');
    expect(errors).toEqual([]);
  });

  it('hashes different results differently', () => {
    const digests = new Set(inNode.map((report) => report.digest));
    expect(digests.size).toBe(inNode.length);
  });
});
