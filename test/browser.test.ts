/**
 * The browser-test harness (test/browser.ts): when the browser tests run, and
 * what a missing Chromium says.
 */
import { describe, expect, it } from 'vitest';
import { browserTestsSkipped, launchChromium } from './browser.js';

describe('the browser-test harness', () => {
  it('skips the browser tests only outside CI and only when LAZY_REGIME_SKIP_BROWSER=1', () => {
    expect(browserTestsSkipped({ LAZY_REGIME_SKIP_BROWSER: '1' })).toBe(true);
    expect(browserTestsSkipped({ CI: 'false', LAZY_REGIME_SKIP_BROWSER: '1' })).toBe(true);
    expect(browserTestsSkipped({ CI: 'true', LAZY_REGIME_SKIP_BROWSER: '1' })).toBe(false);
    expect(browserTestsSkipped({ CI: '1', LAZY_REGIME_SKIP_BROWSER: '1' })).toBe(false);
    expect(browserTestsSkipped({})).toBe(false);
    expect(browserTestsSkipped({ LAZY_REGIME_SKIP_BROWSER: '0' })).toBe(false);
  });

  it('fails with the command that installs Chromium when it is missing', async () => {
    await expect(launchChromium('/nonexistent/chromium')).rejects.toThrow(
      "the browser tests need Debian's Chromium at /nonexistent/chromium, which is missing: " +
        "install it with 'apt-get update && apt-get install -y chromium' (as root, or with " +
        'sudo), or set LAZY_REGIME_SKIP_BROWSER=1 to skip the browser tests outside CI',
    );
  });
});
