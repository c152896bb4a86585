/**
 * Headless Chromium for the browser tests: Debian's `chromium` driven by
 * playwright-core (no browser download), a fresh profile per launch, and a
 * static server on 127.0.0.1 for the pages. Outside CI the tests can be
 * skipped with LAZY_REGIME_SKIP_BROWSER=1; otherwise a missing Chromium
 * fails them with the command that installs it.
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { serveStatic, type StaticServer } from '../scripts/static-server.mjs';

export const CHROMIUM_PATH = '/usr/bin/chromium';

const CHROMIUM_FLAGS = [
  '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking',
  '--disable-component-update', '--disable-sync',
];

/**
 * Whether the browser tests are skipped in environment `env`: only when CI
 * is unset or false and LAZY_REGIME_SKIP_BROWSER is 1. In CI they always run.
 */
export function browserTestsSkipped(env: Record<string, string | undefined>): boolean {
  const inCi = !!env.CI && !['false', '0'].includes(env.CI);
  return !inCi && env.LAZY_REGIME_SKIP_BROWSER === '1';
}

export const skipBrowserTests = browserTestsSkipped(process.env);

/** Why the browser tests cannot run without Chromium at `path`, and how to fix it. */
export function missingChromium(path: string): string {
  return `the browser tests need Debian's Chromium at ${path}, which is missing: install ` +
    "it with 'apt-get update && apt-get install -y chromium' (as root, or with sudo), " +
    'or set LAZY_REGIME_SKIP_BROWSER=1 to skip the browser tests outside CI';
}

export interface Browser {
  context: BrowserContext;
  /** Opens `url` in a new page and collects its uncaught errors and console errors. */
  open(url: string): Promise<{ page: Page; errors: string[] }>;
  close(): Promise<void>;
}

/** Launches headless Chromium with a new, empty profile that close() deletes. */
export async function launchChromium(executablePath = CHROMIUM_PATH): Promise<Browser> {
  if (!existsSync(executablePath)) throw new Error(missingChromium(executablePath));
  const profile = mkdtempSync(join(tmpdir(), 'lazy-regime-chromium-'));
  let context: BrowserContext;
  try {
    context = await chromium.launchPersistentContext(profile, {
      executablePath,
      headless: true,
      args: CHROMIUM_FLAGS,
      viewport: { width: 1200, height: 900 },
    });
  } catch (error) {
    rmSync(profile, { recursive: true, force: true });
    throw error;
  }
  return {
    context,
    async open(url) {
      const page = await context.newPage();
      const errors: string[] = [];
      page.on('pageerror', (error) => errors.push(`page error: ${error.message}`));
      page.on('console', (message) => {
        if (message.type() === 'error') errors.push(`console error: ${message.text()}`);
      });
      await page.goto(url);
      return { page, errors };
    },
    async close() {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

/** Serves `root` on 127.0.0.1 at a free port. */
export function serve(root: string): Promise<StaticServer> {
  return serveStatic(root);
}
