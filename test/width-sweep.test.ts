import { mkdtempSync, readFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { captureOutput, type Captured } from './capture.js';
import { SpecError, widthSweep, type WidthSweepOptions } from '../src/index.js';
import { main } from '../src/node/cli.js';
import { WIDTH_SLOPE } from './tolerance.js';

const small: WidthSweepOptions = {
  data: { n: 24, d: 5, seed: 3 },
  widths: [64, 256, 1024, 4096],
  seeds: 3,
};

describe('widthSweep', () => {
  it('finds the empirical NTK approaching the analytic one like M^(-1/2)', async () => {
    const seen: number[] = [];
    const result = await widthSweep({ ...small, onWidth: (row) => seen.push(row.width) });
    expect(seen).toEqual([64, 256, 1024, 4096]);
    expect(result.rows.map((row) => row.width)).toEqual(seen);
    expect(result.slope).toBeGreaterThanOrEqual(WIDTH_SLOPE.min);
    expect(result.slope).toBeLessThanOrEqual(WIDTH_SLOPE.max);
    for (const row of result.rows) {
      expect(row.errors).toHaveLength(3);
      const mean = row.errors.reduce((s, e) => s + e, 0) / 3;
      expect(row.relativeError).toBeCloseTo(mean, 15);
      expect(row.spread).toBeGreaterThan(0);
    }
    expect(result.meta).toMatchObject({
      n: 24, d: 5, data: 'sphere', activation: 'tanh', alpha: 1, seeds: [2, 3, 4], order: 64,
    });
    expect(result.meta.limitNorm).toBeGreaterThan(0);
  });

  it('is repeatable, ignores alpha, and reports a closed form as order null', async () => {
    const options = { ...small, widths: [64, 512], activation: 'relu' as const };
    const first = await widthSweep(options);
    const again = await widthSweep({ ...options, alpha: 8 });
    expect(first.meta.order).toBeNull();
    first.rows.forEach((row, i) => {
      row.errors.forEach((error, k) => {
        expect(again.rows[i].errors[k]).toBeCloseTo(error, 12);
      });
    });
    expect(first.rows).toEqual((await widthSweep(options)).rows);
  });

  it("takes the user's own rows and a list of seeds", async () => {
    const X = [[1, 0, 0], [0.6, 0.8, 0], [0, 0, 2], [-0.5, 0.5, 0.5]];
    const result = await widthSweep({
      data: { X }, activation: 'erf', widths: [128, 2048], seeds: [7, 11],
    });
    expect(result.meta).toMatchObject({ n: 4, d: 3, data: 'given', seeds: [7, 11] });
    expect(result.rows[1].relativeError).toBeLessThan(result.rows[0].relativeError);
    expect(result.rows[0].spread).not.toBeNull();
    // tanh at norm 2 needs more than the default order (see analyticNtk's accuracy check).
    const one = await widthSweep({ data: { X }, widths: [128], seeds: 1, order: 256 });
    expect(one.rows[0].spread).toBeNull();
    expect(one.slope).toBeNull();
  });

  it('names the option, the value and what was expected', async () => {
    const cases: [WidthSweepOptions, string, string][] = [
      [{ widths: [64, 63] }, 'options.widths[1]',
        'options.widths[1] must be an even integer >= 2 (symmetric initialisation); got 63'],
      [{ widths: [] }, 'options.widths',
        'options.widths must be a non-empty array of even integers >= 2; got an array of length 0'],
      [{ seeds: 0 }, 'options.seeds', 'options.seeds must be an integer in [1, 1000]; got 0'],
      [{ seeds: [] }, 'options.seeds',
        'options.seeds must be a count >= 1 or a non-empty array of seeds; got an array of ' +
          'length 0'],
      [{ data: { n: 0, d: 3 } }, 'options.data.n',
        'options.data.n must be an integer in [1, 65536]; got 0'],
      [{ data: { n: 4, d: 3, target: 'linear' } as never }, 'options.data.target',
        'options.data.target is not a known field; expected one of n, d, seed'],
      [{ activation: 'sigmoid' as never }, 'options.activation',
        "options.activation must be one of 'relu', 'tanh', 'erf', 'softplus', 'gelu', " +
          "'quadratic', 'identity'; got 'sigmoid'"],
      [{ alpha: 0 }, 'options.alpha', 'options.alpha must be a finite number > 0; got 0'],
      [{ order: 1000 }, 'options.order', 'options.order must be an integer in [1, 512]; got 1000'],
      [{ width: [64] } as never, 'options.width',
        'options.width is not a known field; expected one of data, activation, alpha, widths, ' +
          'seeds, order, onWidth'],
      [{ data: { n: 4096, d: 8 }, widths: [1 << 20] }, 'options.widths[0]',
        'options.widths[0] = 1048576 with n = 4096, d = 8 needs about 32.3 GiB of WebAssembly ' +
          'memory; the limit is 3.5 GiB'],
      [{ data: { n: 64, d: 8 }, widths: [64, 1 << 21] }, 'options.widths[1]',
        'options.widths[1] = 2097152 with n = 64, d = 8 needs one block of 1.0 GiB of ' +
          'WebAssembly memory; a block must stay below 1 GiB'],
      [{ data: { X: [[0, 0], [0, 0]] } }, 'options.data',
        'the limit kernel of these inputs is 0 for tanh, so no relative error can be measured; ' +
          'use inputs that are not all zero'],
    ];
    for (const [options, field, message] of cases) {
      const error = await widthSweep(options).then(() => null, (e: unknown) => e);
      expect(error, message).toBeInstanceOf(SpecError);
      expect((error as SpecError).message).toBe(message);
      expect((error as SpecError).field).toBe(field);
    }
  });
});

describe('lazy-regime width-sweep', () => {
  let dir: string;
  let io: Captured;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'lazy-regime-width-'));
    io?.reset();
    io = captureOutput();
  });

  afterEach(() => {
    vi.restoreAllMocks();
  });

  it('prints the table and the slope and writes JSON and CSV', async () => {
    const prefix = join(dir, 'width');
    const code = await main([
      'width-sweep', '--activation', 'gelu', '--n', '16', '--d', '4', '--alpha', '2',
      '--widths', '64,256,1024', '--seeds', '2', '--order', '32', '-o', prefix,
    ]);
    expect(code).toBe(0);
    expect(io.stdout).toContain(
      'lazy-regime width-sweep: n = 16, d = 4, activation gelu, alpha 2, 2 seeds per width, ' +
        'limit kernel by Gauss-Hermite order 32',
    );
    expect(io.stdout).toMatch(/log-log slope against width: -0\.\d{3} \(about -0\.5 expected\)/);
    const csv = readFileSync(`${prefix}.csv`, 'utf8').trim().split('\n');
    expect(csv[0]).toBe('width,relativeError,spread,seed2,seed3');
    expect(csv.slice(1).map((line) => line.split(',')[0])).toEqual(['64', '256', '1024']);
    const json = JSON.parse(readFileSync(`${prefix}.json`, 'utf8'));
    expect(json.rows).toHaveLength(3);
    expect(json.meta).toMatchObject({ n: 16, d: 4, activation: 'gelu', alpha: 2, order: 32 });
    expect(json.slope).toBeLessThan(0);
    expect(readdirSync(dir).sort()).toEqual(['width.csv', 'width.json']);
  });

  it('rejects a bad width list with exit status 2 and writes nothing', async () => {
    const prefix = join(dir, 'width');
    expect(await main(['width-sweep', '--widths', '64,abc', '-o', prefix])).toBe(2);
    expect(io.stderr).toContain(
      "--widths must be a comma-separated list of numbers > 0; got '64,abc'",
    );
    expect(readdirSync(dir)).toEqual([]);
  });

  it('rejects an odd width and an unknown activation with exit status 2, naming the flag',
    async () => {
      const prefix = join(dir, 'width');
      expect(await main(['width-sweep', '--widths', '64,99', '-o', prefix])).toBe(2);
      expect(io.stderr).toContain(
        'lazy-regime: --widths: options.widths[1] must be an even integer >= 2 (symmetric ' +
          'initialisation); got 99',
      );
      io.stderr = '';
      expect(await main(['width-sweep', '--activation', 'sigmoid', '-o', prefix])).toBe(2);
      expect(io.stderr).toContain("got 'sigmoid'");
      expect(io.stderr).not.toContain('    at ');
      expect(readdirSync(dir)).toEqual([]);
    });

  it('rejects a bad --alpha and a positional argument', async () => {
    expect(await main(['width-sweep', '--alpha', '0'])).toBe(2);
    expect(io.stderr).toContain("--alpha must be a number > 0; got '0'");
    io.stderr = '';
    expect(await main(['width-sweep', 'extra'])).toBe(2);
    expect(io.stderr).toContain("width-sweep takes no positional arguments; got 'extra'");
  });
});
