/**
 * The interactive page (examples/browser/), built as `npm run example:browser`
 * builds it and driven in headless Chromium like a person would: set the
 * sliders and the activation, press Run, wait for the worker to finish.
 * Every plotted value must equal, bit for bit, what simulate() gives in Node
 * for the same spec; a screenshot of the finished page is written to
 * LAZY_REGIME_SCREENSHOT (default: a temporary file).
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildBrowserExample } from '../examples/browser/build.mjs';
import { simulate, type SimulationResult, type Spec } from '../src/index.js';
import {
  launchChromium, serve, skipBrowserTests, type Browser, type StaticServer,
} from './browser.js';

interface PlottedRun {
  spec: Spec;
  t: number[];
  figures: Record<string, (number | null)[]>;
}

const FIGURES = [
  'risk', 'linearRisk', 'weightDistance', 'linearGap', 'testGap', 'kernelChange',
] as const;

/** Moves a range input to `value` as a drag would: the value changes, then `input` fires. */
async function slide(page: Page, selector: string, value: number): Promise<void> {
  await page.locator(selector).evaluate((input: HTMLInputElement, to: number) => {
    input.value = String(to);
    input.dispatchEvent(new Event('input', { bubbles: true }));
    input.dispatchEvent(new Event('change', { bubbles: true }));
  }, value);
}

describe.skipIf(skipBrowserTests)('the interactive browser page', () => {
  let work: string;
  let server: StaticServer;
  let browser: Browser;
  let page: Page;
  let errors: string[];
  let screenshot: string;

  beforeAll(async () => {
    work = mkdtempSync(join(tmpdir(), 'lazy-regime-example-'));
    screenshot = process.env.LAZY_REGIME_SCREENSHOT ?? join(work, 'screenshot.png');
    await buildBrowserExample(join(work, 'page'));
    server = await serve(join(work, 'page'));
    browser = await launchChromium();
    ({ page, errors } = await browser.open(server.url));
    await page.waitForFunction(() => document.body.dataset.status === 'idle');
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await server?.close();
    if (work) rmSync(work, { recursive: true, force: true });
  });

  it('shows the chosen alpha and width as the sliders move', async () => {
    await slide(page, '#alpha', 4);
    await slide(page, '#width', 7);
    expect(await page.textContent('#alpha-value')).toBe('16');
    expect(await page.textContent('#width-value')).toBe('128');
  });

  it('runs in a worker and plots, bit for bit, what simulate gives in Node', async () => {
    await page.selectOption('#activation', 'relu');
    const worker = page.waitForEvent('worker');
    await page.click('#run');
    expect((await worker).url()).toBe(`${server.url}worker.js`);
    await page.waitForFunction(
      () => ['done', 'error'].includes(document.body.dataset.status ?? ''),
      undefined, { timeout: 30_000 },
    );
    expect(await page.textContent('#status')).toMatch(/^done in \d+\.\d\d s: lambda_max/);
    const shown = await page.evaluate(() => {
      const run = (window as unknown as { lazyRegimeExample: PlottedRun }).lazyRegimeExample;
      return JSON.parse(JSON.stringify(run, (_, v) => {
        if (typeof v !== 'number') return v;
        const view = new DataView(new ArrayBuffer(8));
        view.setFloat64(0, v);
        return `f64:${view.getBigUint64(0).toString(16).padStart(16, '0')}`;
      })) as PlottedRun;
    });
    const spec = JSON.parse(JSON.stringify(shown.spec, (_, v) =>
      typeof v === 'string' && v.startsWith('f64:') ? hexToNumber(v.slice(4)) : v)) as Spec;
    expect(spec.model).toMatchObject({ alpha: 16, width: 128, activation: 'relu' });

    const result = await simulate(spec);
    const bitsOf = (values: (number | null)[]) =>
      values.map((v) => (v === null ? null : `f64:${float64Hex(v)}`));
    expect(shown.t.length).toBe(spec.flow?.record);
    expect(shown.t).toEqual(bitsOf(result.t));
    for (const key of FIGURES) {
      expect(shown.figures[key], key).toEqual(bitsOf(result[key]));
    }
    const bound = (result as SimulationResult & { theory?: { riskBound: number[] } | null })
      .theory?.riskBound;
    if (bound) expect(shown.figures.riskBound, 'riskBound').toEqual(bitsOf(bound));
    else expect(shown.figures.riskBound).toBeUndefined();
    expect(errors).toEqual([]);
  });

  it('draws four charts, and a screenshot of the finished page is a PNG', async () => {
    expect(await page.locator('.uplot canvas').count()).toBe(4);
    await page.screenshot({ path: screenshot, fullPage: true });
    const png = readFileSync(screenshot);
    expect(png.subarray(1, 4).toString('latin1')).toBe('PNG');
    expect(png.length).toBeGreaterThan(10_000);
  });
});

function float64Hex(value: number): string {
  const view = new DataView(new ArrayBuffer(8));
  view.setFloat64(0, value);
  return view.getBigUint64(0).toString(16).padStart(16, '0');
}

function hexToNumber(hex: string): number {
  const view = new DataView(new ArrayBuffer(8));
  view.setBigUint64(0, BigInt(`0x${hex}`));
  return view.getFloat64(0);
}
