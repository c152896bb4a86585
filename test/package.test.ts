/**
 * The published package (package.json, prepack): `npm pack` builds dist/, and
 * the tarball installed into a fresh folder works by import in Node, checks
 * in a consumer's TypeScript, and bundles with esbuild and with Vite with no
 * configuration; the bundles run in Node and in headless Chromium (page and
 * module worker), the unbundled files in a page through an import map, and
 * all give the same bits as this process.
 */
import { execFile } from 'node:child_process';
import {
  cpSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { kernelsSha256, simulate, sweep } from '../src/index.js';
import { launchChromium, serve, skipBrowserTests, type Browser } from './browser.js';
import { POOL_ALPHAS, sweepBits } from './fixtures/consumer/pool-probe.js';
import { PROBE_SPEC } from './fixtures/consumer/spec.js';

const run = promisify(execFile);
const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const fixtures = join(root, 'test', 'fixtures', 'consumer');
const tsc = join(root, 'node_modules', 'typescript', 'bin', 'tsc');

let work: string;
let tarball: string;
let consumer: string;
/** When `npm pack` started, less a second for file systems that keep whole seconds. */
let packStarted: number;

/** Runs a command, failing with its output when it fails. */
async function sh(file: string, args: string[], cwd: string): Promise<string> {
  try {
    const { stdout } = await run(file, args, { cwd, maxBuffer: 1 << 26, env: cleanEnv() });
    return stdout;
  } catch (error) {
    const { stdout, stderr } = error as { stdout?: string; stderr?: string };
    throw new Error(`${file} ${args.join(' ')} failed:\n${stdout ?? ''}\n${stderr ?? ''}`);
  }
}

/** The environment without the npm_* variables of the `npm test` that started us. */
function cleanEnv(): NodeJS.ProcessEnv {
  return Object.fromEntries(
    Object.entries(process.env).filter(([key]) => !key.toLowerCase().startsWith('npm_')),
  );
}

function float64Hex(value: number): string {
  const view = new DataView(new ArrayBuffer(8));
  view.setFloat64(0, value);
  return view.getBigUint64(0).toString(16).padStart(16, '0');
}

/**
 * Type-checks `file` in the consumer folder: strict, the package's own
 * declarations checked too (no skipLibCheck), the given libraries (ES2022 and
 * DOM by default: the web pool's types name Worker), no @types packages.
 */
async function typecheck(
  file: string, module: string, moduleResolution: string, lib = ['es2022', 'dom'],
): Promise<void> {
  const config = join(consumer, `tsconfig.${moduleResolution}.${file}.json`);
  writeFileSync(config, JSON.stringify({
    compilerOptions: {
      strict: true, noEmit: true, skipLibCheck: false, target: 'es2022',
      lib, types: [], module, moduleResolution,
    },
    files: [file],
  }));
  await sh('node', [tsc, '-p', config], consumer);
}

/** This process's answer to the probe, in the probe's format. */
async function expectedProbe(): Promise<unknown> {
  const result = await simulate(PROBE_SPEC);
  const { seconds: _seconds, ...meta } = result.meta;
  const text = JSON.stringify(
    { ...result, meta }, (_, v) => (typeof v === 'number' ? float64Hex(v) : v),
  );
  return { kernels: kernelsSha256, result: JSON.parse(text) };
}

/** This process's sequential sweep of the probe spec, in the pool probes' format. */
async function expectedSweep(): Promise<string> {
  return sweepBits(await sweep(PROBE_SPEC, POOL_ALPHAS));
}

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'lazy-regime-package-'));
  packStarted = Date.now() - 1000;
  await sh('npm', ['pack', '--pack-destination', work], root);
  const packed = readdirSync(work).filter((name) => name.endsWith('.tgz'));
  expect(packed).toHaveLength(1);
  tarball = join(work, packed[0]);

  consumer = join(work, 'consumer');
  mkdirSync(consumer);
  cpSync(fixtures, consumer, { recursive: true });
  writeFileSync(
    join(consumer, 'package.json'),
    JSON.stringify({ name: 'consumer', private: true, type: 'module' }),
  );
  await sh('npm', [
    'install', '--prefer-offline', '--no-audit', '--no-fund', '--no-package-lock', tarball,
  ], consumer);
}, 180_000);

afterAll(() => {
  if (work) rmSync(work, { recursive: true, force: true });
});

describe('npm pack', () => {
  it('builds dist/ first and packs the compiled library with its types', async () => {
    expect(statSync(join(root, 'dist', 'index.js')).mtimeMs).toBeGreaterThanOrEqual(packStarted);
    const listing = await sh('tar', ['-tzf', tarball], work);
    const files = listing.trim().split('\n').map((line) => line.replace(/^package\//, ''));
    for (const file of [
      'package.json', 'README.md', 'dist/index.js', 'dist/index.d.ts', 'dist/cost.d.ts',
      'dist/generated/wasm.js', 'dist/cli.js', 'dist/node/pool.js', 'dist/node/worker.js',
      'dist/web/pool.js', 'dist/web/worker.js',
    ]) {
      expect(files, file).toContain(file);
    }
    expect(files.filter((file) => file.startsWith('src/') || file.startsWith('test/')))
      .toEqual([]);
  });

  it('installs in a fresh folder and runs a seeded simulation by import, bit for bit', async () => {
    const output = await sh('node', ['node-entry.js'], consumer);
    expect(JSON.parse(output)).toEqual(await expectedProbe());
  });

  it('sweeps on worker threads of the installed package, bit for bit, and exits', async () => {
    const { stdout } = await run('node', ['pool-node.js'], {
      cwd: consumer, env: cleanEnv(), timeout: 60_000,
    });
    const output = JSON.parse(stdout);
    expect(output.live).toBe(1);
    expect(output.sweep).toBe(await expectedSweep());
  });

  it("type-checks a strict consumer's TypeScript, nodenext and bundler resolution", async () => {
    await typecheck('consumer.ts', 'nodenext', 'nodenext');
    await typecheck('consumer.ts', 'esnext', 'bundler');
  });

  it('needs no DOM library for the main entry', async () => {
    await typecheck('core.ts', 'nodenext', 'nodenext', ['es2022']);
  });

  it("rejects a consumer's type error with the field's type in the message", async () => {
    const failure = await typecheck('wrong.ts', 'nodenext', 'nodenext')
      .then(() => null, (error: Error) => error.message);
    expect(failure).toMatch(
      /wrong\.ts\(4,\d+\): error TS2322: Type 'string' is not assignable to type 'number'/,
    );
  });
});

describe('bundlers, with nothing to configure', () => {
  it('esbuild bundles the installed package for Node, and the bundle runs', async () => {
    const { build } = await import('esbuild');
    const outfile = join(consumer, 'out-node', 'bundle.mjs');
    await build({
      entryPoints: [join(consumer, 'node-entry.js')], bundle: true, platform: 'node',
      format: 'esm', outfile, logLevel: 'silent', absWorkingDir: consumer,
    });
    const output = await sh('node', [outfile], consumer);
    expect(JSON.parse(output)).toEqual(await expectedProbe());
  });

  describe.skipIf(skipBrowserTests)('in headless Chromium', () => {
    let browser: Browser;

    beforeAll(async () => {
      browser = await launchChromium();
    }, 60_000);

    afterAll(async () => {
      await browser?.close();
    });

    /**
     * Serves `dir`, opens `path` and returns what the page reported under
     * each of `keys` (data attributes; `<key>Error` on failure).
     */
    async function runPage(
      dir: string, path = '', keys = ['page', 'worker'],
    ): Promise<Record<string, unknown>> {
      const server = await serve(dir);
      try {
        const { page, errors } = await browser.open(server.url + path);
        try {
          await page.waitForFunction(
            (wanted) => wanted.every((key) =>
              document.body.dataset[key] || document.body.dataset[`${key}Error`]),
            keys, { timeout: 30_000 },
          );
          const data = await page.evaluate(() => ({ ...document.body.dataset }));
          expect(errors).toEqual([]);
          return Object.fromEntries(keys.map((key) => {
            expect(data[`${key}Error`], key).toBeUndefined();
            return [key, JSON.parse(data[key]!)];
          }));
        } finally {
          await page.close();
        }
      } finally {
        await server.close();
      }
    }

    it('loads unbundled in a page through an import map, with the same bits', async () => {
      const { page } = await runPage(consumer, 'importmap.html', ['page']);
      expect(page).toEqual(await expectedProbe());
    });

    it('esbuild bundles it for the browser; page and module worker get the same bits', async () => {
      const { build } = await import('esbuild');
      const outdir = join(consumer, 'out-esbuild');
      await build({
        entryPoints: [join(consumer, 'page-entry.js'), join(consumer, 'worker-entry.js')],
        bundle: true, platform: 'browser', format: 'esm', outdir, logLevel: 'silent',
        absWorkingDir: consumer,
      });
      cpSync(join(consumer, 'index.html'), join(outdir, 'index.html'));
      const expected = await expectedProbe();
      const { page, worker } = await runPage(outdir);
      expect(page).toEqual(expected);
      expect(worker).toEqual(expected);
    });

    it('Vite builds it for the browser; page and module worker give the same bits', async () => {
      const { build } = await import('vite');
      const outDir = join(consumer, 'out-vite');
      await build({
        root: consumer, configFile: false, logLevel: 'silent',
        build: { outDir, emptyOutDir: true },
      });
      const expected = await expectedProbe();
      const { page, worker } = await runPage(outDir);
      expect(page).toEqual(expected);
      expect(worker).toEqual(expected);
    });

    it('Vite bundles the Web Worker pool; a pooled sweep gives the same bits', async () => {
      const { build } = await import('vite');
      const outDir = join(consumer, 'out-vite-pool');
      await build({
        root: consumer, configFile: false, logLevel: 'silent',
        build: {
          outDir, emptyOutDir: true, rollupOptions: { input: join(consumer, 'pool.html') },
        },
      });
      const { pool } = await runPage(outDir, 'pool.html', ['pool']);
      expect(pool).toEqual({ live: 2, closed: 0, sweep: await expectedSweep() });
    });
  });
});
