import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import * as lib from '../src/index.js';
import * as nodeLib from '../src/node/pool.js';

/**
 * The ```js blocks of the README, with `import { a, b } from 'lazy-regime'` and from
 * 'lazy-regime/node' made runnable; blocks for 'lazy-regime/web' need a browser and are left
 * to test/package.test.ts.
 */
function snippets(): string[] {
  const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
  return [...readme.matchAll(/```js\n([\s\S]*?)```/g)]
    .map(([, code]) => code)
    .filter((code) => !code.includes("from 'lazy-regime/web'"))
    .map((code) => code
      .replace(/import \{([\s\S]*?)\} from 'lazy-regime';/g, 'const {$1} = lib;')
      .replace(/import \{([\s\S]*?)\} from 'lazy-regime\/node';/g, 'const {$1} = nodeLib;'));
}

const AsyncFunction = Object.getPrototypeOf(async () => {}).constructor as new (
  ...args: string[]
) => (lib: unknown, nodeLib: unknown) => Promise<void>;

describe('README', () => {
  it('has API examples', () => {
    expect(snippets().length).toBeGreaterThanOrEqual(2);
  });

  snippets().forEach((code, i) => {
    it(`runs API example ${i + 1} as written`, async () => {
      await new AsyncFunction('lib', 'nodeLib', code)(lib, nodeLib);
    });
  });
});
