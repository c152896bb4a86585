/**
 * Inputs that used to slip through or fail obscurely: each gets a message naming the field,
 * the value and what was expected (the text is asserted), before any work is done.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  GradientFlow, SpecError, createEngine, initNetwork, resolveSpec, simulate, sphereData,
  type Spec,
} from '../src/index.js';
import { loadDataFile } from '../src/node/datafile.js';

const dir = mkdtempSync(join(tmpdir(), 'lazy-regime-input-'));

function file(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

describe('spec sizes', () => {
  it('refuses a run needing a single block over 1 GiB even when the total fits', () => {
    const spec = { data: { n: 12000, d: 2 }, model: { width: 2 }, test: { n: 1 }, theory: false };
    expect(() => resolveSpec(spec))
      .toThrow(
        'the run needs a single block of about 1.07 GiB of WebAssembly memory (n = 12000, ' +
          'd = 2, width = 2, test n = 1); one block is limited to 1 GiB',
      );
  });
});

describe('simulate', () => {
  it('names the cause when K_0 is zero instead of reporting an infinite step', async () => {
    const spec: Spec = { data: { X: [[0, 0], [0, 0]], y: [1, -1] }, model: { width: 4 } };
    await expect(simulate(spec)).rejects.toThrow(
      'lambda_max(K_0) = 0: the tangent kernel K_0 is zero: every input is zero',
    );
  });

  it('names alpha when K_0 overflows', async () => {
    await expect(simulate({ data: { n: 4, d: 2 }, model: { width: 4, alpha: 1e200 } }))
      .rejects.toThrow('the tangent kernel K_0 is not finite: alpha = 1e+200');
  });

  it('accepts typed-array rows and refuses holes in an array of rows', async () => {
    const rows = [Float64Array.of(1, 0), Float64Array.of(0, 1)] as unknown as number[][];
    const spec: Spec = {
      data: { X: rows, y: [1, -1] }, model: { width: 4 }, flow: { steps: 2, record: 2 },
    };
    expect((await simulate(spec)).meta.n).toBe(2);
    // eslint-disable-next-line no-sparse-arrays
    const sparse = [[1, 0], , [0, 1]] as number[][];
    expect(() => resolveSpec({ data: { X: sparse, y: [1, 2, 3] } })).toThrow(
      'spec.data.X[1] must be an array of 2 numbers like spec.data.X[0]; got nothing',
    );
  });

  it('shows -0, objects and too-large seeds plainly', () => {
    expect(() => resolveSpec({ model: { width: 2, a: [1, -0] }, data: { n: 1, d: 1 } }))
      .toThrow('got -0');
    expect(() => resolveSpec({ data: { X: [{}], y: [1] } } as unknown as Spec))
      .toThrow('spec.data.X[0] must be a non-empty array of numbers; got an object');
    expect(() => resolveSpec({ data: { n: 2, d: 2, seed: 2 ** 60 } }))
      .toThrow('spec.data.seed must be an integer in [0, 2^53 - 1]; got 1152921504606847000');
  });

  it('refuses target options that the target type does not use', () => {
    expect(() => resolveSpec({ data: { n: 2, d: 2, target: { type: 'linear', link: 'tanh' } } }))
      .toThrow("spec.data.target.link does not apply to the 'linear' target; it takes no options");
    expect(() => resolveSpec({ data: { n: 2, d: 2, target: { link: 'tanh' } } } as Spec))
      .toThrow(
        "spec.data.target.link does not apply to the 'teacher' target (the default type is " +
          "'teacher'); it takes width and activation",
      );
  });
});

describe('GradientFlow', () => {
  it('checks its arguments and refuses use after dispose', async () => {
    const engine = await createEngine();
    const { train } = sphereData(engine, { n: 4, d: 2, seed: 1 });
    const net = initNetwork(engine, { width: 4 }, 2);
    const flow = new GradientFlow(engine, net, train, null);
    expect(() => flow.advance('rk5' as 'rk4', 0.1, 1)).toThrow(
      "method must be 'rk4' or 'euler'; got 'rk5'",
    );
    expect(() => flow.advance('rk4', Number.NaN, 1)).toThrow(
      'dt must be a finite number > 0; got NaN',
    );
    expect(() => flow.advance('rk4', 0.1, -1)).toThrow('steps must be an integer >= 0; got -1');
    expect(flow.steps).toBe(0);
    flow.dispose();
    expect(() => flow.measure()).toThrow('this GradientFlow was disposed; create a new one');
  });
});

describe('data files', () => {
  it('reads a first line holding numbers as data, so a typo is an error, not a header', () => {
    expect(() => loadDataFile(file('typo.csv', '1,O,1\n2,3,-1\n'))).toThrow(/line 1/);
  });

  it('says that fields are separated by commas when a file uses semicolons', () => {
    expect(() => loadDataFile(file('semi.csv', 'a;b;label\n1;2;1\n'))).toThrow(
      'fields are separated by commas, not semicolons or tabs',
    );
  });

  it('refuses fields it would ignore in JSON files', () => {
    const object = file('extra.json', '{"X": [[1]], "y": [1], "extra": 2}');
    expect(() => loadDataFile(object)).toThrow(
      `data file '${object}': unknown field 'extra'; expected only 'X' and 'y'`,
    );
    const rows = file('extra-rows.json', '[{"x": [1], "y": 1, "z": 0}]');
    expect(() => loadDataFile(rows)).toThrow(
      `data file '${rows}', [0]: unknown field 'z'; expected only 'x' and 'y'`,
    );
  });
});

describe('SpecError', () => {
  it('is what spec checks throw', () => {
    expect(() => resolveSpec({ model: { width: 3 } })).toThrow(SpecError);
  });
});
