/**
 * simulate() (src/simulate.ts): reproducible, JSON-safe results whose checkpoints follow
 * spec.flow and whose figures at t = 0 and along the linear flow have closed forms.
 */
import { describe, expect, it } from 'vitest';
import {
  SpecError, checkpointSteps, simulate, type SimulationResult, type Spec,
} from '../src/index.js';
import {
  TestRandom, discreteResidualFactor, gram, jacobiEigen, jacobianRef, makeNetwork, maxOf, norm,
  spectralApply,
} from './reference.js';
import {
  DISCRETE_FLOW, LAMBDA_MAX, ROUNDOFF, expectClose, relativeToLargest,
} from './tolerance.js';

const n = 8;
const d = 3;
const M = 10;
const nt = 6;
const rng = new TestRandom(21);
const rows = (flat: Float64Array, cols: number) => Array.from(
  { length: flat.length / cols }, (_, i) => Array.from(flat.subarray(i * cols, (i + 1) * cols)),
);
const X = rng.sphere(n, d);
const y = rng.gaussians(n);
const Xt = rng.sphere(nt, d);
const yt = rng.gaussians(nt);
// A symmetric W0 given explicitly, so the test knows Phi0 and K0 without the package.
const half = rng.gaussians((M / 2) * d);
const W0 = new Float64Array(M * d);
W0.set(half);
W0.set(half, (M / 2) * d);

const given: Spec = {
  data: { X: rows(X, d), y: Array.from(y) },
  test: { X: rows(Xt, d), y: Array.from(yt) },
  model: { W0: rows(W0, d), alpha: 2, activation: 'tanh' },
  flow: { steps: 10, record: 4, dt: 0.05 },
};

/** The result without its one wall-clock figure. */
function withoutTime(result: SimulationResult): unknown {
  const { meta, ...rest } = result;
  const { seconds: _seconds, ...timeless } = meta;
  return { ...rest, meta: timeless };
}

/** Asserts two JSON-like values are identical, numbers compared with Object.is. */
function expectIdentical(a: unknown, b: unknown, path = 'result'): void {
  if (typeof a === 'number' || typeof b === 'number') {
    expect(Object.is(a, b), `${path}: ${String(a)} vs ${String(b)}`).toBe(true);
    return;
  }
  if (a === null || b === null || typeof a !== 'object' || typeof b !== 'object') {
    expect(a, path).toBe(b);
    return;
  }
  const keys = Object.keys(a as object);
  expect(Object.keys(b as object), `${path}: keys`).toEqual(keys);
  for (const key of keys) {
    expectIdentical((a as Record<string, unknown>)[key], (b as Record<string, unknown>)[key],
      `${path}.${key}`);
  }
}

describe('simulate', () => {
  it('gives bit-identical results for the same spec, given or sphere data', async () => {
    const sphere: Spec = {
      data: { n, d, seed: 5, target: 'teacher', noise: 0.1 }, test: { n: 12 },
      model: { width: M, seed: 6 }, flow: { steps: 12, record: 5 },
    };
    for (const spec of [given, sphere]) {
      const [first, second] = [await simulate(spec), await simulate(spec)];
      expectIdentical(withoutTime(first), withoutTime(second));
    }
  });

  it('returns a result that survives JSON.parse(JSON.stringify(result)) unchanged', async () => {
    const result = await simulate(given);
    expect(JSON.parse(JSON.stringify(result))).toEqual(result);
  });

  it('starts from zero distances and gaps and the risks (1/2n) ||y||^2 at t = 0', async () => {
    const result = await simulate(given);
    expect(result.t[0]).toBe(0);
    for (const key of [
      'weightDistance', 'relativeWeightDistance', 'linearGap', 'kernelChange', 'testGap',
    ] as const) {
      expect(result[key][0], key).toBe(0);
    }
    // Symmetric W0: f(x; W0) = 0, so r0 = y.
    const risk0 = norm(y) ** 2 / (2 * n);
    expectClose(result.risk[0], risk0, ROUNDOFF, 'risk');
    expectClose(result.linearRisk[0], risk0, ROUNDOFF, 'linearRisk');
    const testRisk0 = norm(yt) ** 2 / (2 * nt);
    expectClose(result.testRisk[0]!, testRisk0, ROUNDOFF, 'testRisk');
    expectClose(result.linearTestRisk[0]!, testRisk0, ROUNDOFF, 'linearTestRisk');
  });

  it('records spec.flow.record checkpoints at steps round(i steps / (record - 1))', async () => {
    const result = await simulate(given);
    const { steps, record, dt } = given.flow as { steps: number; record: number; dt: number };
    const expectedSteps = Array.from({ length: record }, (_, i) =>
      Math.round((i * steps) / (record - 1)));
    expect(expectedSteps).toEqual([0, 3, 7, 10]);
    expect(result.step).toEqual(expectedSteps);
    expect(checkpointSteps(steps, record)).toEqual(expectedSteps);
    expect(result.t).toEqual(expectedSteps.map((s) => s * dt));
    for (const key of ['risk', 'linearRisk', 'weightDistance', 'testGap'] as const) {
      expect(result[key]).toHaveLength(record);
    }
    expect(result.meta).toMatchObject({
      n, d, width: M, testN: nt, alpha: 2, activation: 'tanh', data: 'given', method: 'rk4',
      dt, steps, record,
    });
  });

  it('by default steps 0.25 n / lambda_max(K0), and its linear risk follows RK4 exactly',
    async () => {
      const spec: Spec = { ...given, flow: { steps: 30, record: 4 } };
      const result = await simulate(spec);
      const net = makeNetwork('tanh', W0, Float64Array.from({ length: M }, (_, j) =>
        (j < M / 2 ? 1 : -1)), d, 2);
      const eig = jacobiEigen(gram(jacobianRef(net, X), n, M * d), n);
      expectClose(result.meta.lambdaMax, maxOf(eig.values), LAMBDA_MAX, 'lambdaMax');
      expect(result.meta.dt).toBe((0.25 * n) / result.meta.lambdaMax);
      expect(result.t).toEqual(result.step.map((s) => s * result.meta.dt));
      const risk0 = norm(y) ** 2 / (2 * n);
      result.step.forEach((N, i) => {
        const r = spectralApply(eig, discreteResidualFactor('rk4', result.meta.dt, N, n), y);
        expectClose(result.linearRisk[i], norm(r) ** 2 / (2 * n),
          relativeToLargest(DISCRETE_FLOW, risk0), `linearRisk[${i}]`);
      });
    });

  it('reports each checkpoint to onCheckpoint with the figures it returns', async () => {
    const seen: { index: number; t: number; risk: number }[] = [];
    const result = await simulate(given, {
      onCheckpoint: (index, figures) => seen.push({ index, t: figures.t, risk: figures.risk }),
    });
    expect(seen).toEqual(result.t.map((t, index) => ({ index, t, risk: result.risk[index] })));
  });

  it('with no active relu unit (K0 = 0) refuses the default step, stands still at a given one',
    async () => {
      // Every <w_j, x_i> < 0, so Phi0 = 0 and the gradient is 0: the default step
      // 0.25 n / lambda_max is infinite, and at any given step both flows stand still with
      // every risk at (1/2n) ||y||^2 (f = 0).
      const X2 = [[1, 0.2], [0.5, 0.5], [0.1, 1]];
      const y2 = [1, -1, 0.5];
      const spec: Spec = {
        data: { X: X2, y: y2 }, model: { W0: [[-1, -1], [-1, -1]], activation: 'relu' },
        flow: { steps: 5, record: 3 },
      };
      await expect(simulate(spec)).rejects.toThrow(
        'lambda_max(K_0) = 0: the tangent kernel K_0 is zero',
      );
      const result = await simulate({ ...spec, flow: { ...spec.flow, dt: 0.5 } });
      const risk0 = norm(y2) ** 2 / (2 * 3);
      expect(result.t).toEqual([0, 1.5, 2.5]);
      expectClose(result.risk, [risk0, risk0, risk0], ROUNDOFF, 'risk');
      expectClose(result.linearRisk, [risk0, risk0, risk0], ROUNDOFF, 'linearRisk');
      expect(result.weightDistance).toEqual([0, 0, 0]);
    });

  it('with W0 = 0 (relative weight distance undefined) rejects the spec or stays JSON-exact',
    async () => {
      let result: SimulationResult;
      try {
        result = await simulate({
          data: { X: [[1, 0], [0, 1], [0.6, 0.8]], y: [1, -1, 0.5] },
          model: { W0: [[0, 0], [0, 0]], activation: 'tanh' }, flow: { steps: 4, record: 2 },
        });
      } catch (error) {
        expect(error).toBeInstanceOf(SpecError);
        return;
      }
      expect(JSON.parse(JSON.stringify(result))).toEqual(result);
    });
});
