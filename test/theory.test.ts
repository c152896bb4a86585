/**
 * The theorem check (src/theory.ts) against quantities the test derives itself: the sup of
 * |sigma''| on a dense grid, operator norms of explicit Jacobian differences from a Jacobi
 * solver, and the theorem's bounds evaluated from the test's own K_0.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import {
  ACTIVATIONS, SECOND_DERIVATIVE_BOUND, createEngine, explainTheory, lipschitzLowerBound,
  simulate, theoremContext, type Engine, type Spec,
} from '../src/index.js';
import {
  TestRandom, gram, jacobiEigen, jacobianRef, makeNetwork, maxOf, norm, subtract,
} from './reference.js';
import { EIGEN_AGAINST_JACOBI, LAMBDA_MAX, SUP_ON_GRID, expectClose } from './tolerance.js';

let engine: Engine;
beforeAll(async () => {
  engine = await createEngine();
});

/** ||A||_op of an n x p matrix: the square root of lambda_max(A A^T), by Jacobi. */
function operatorNorm(A: Float64Array, n: number, p: number): number {
  return Math.sqrt(maxOf(jacobiEigen(gram(A, n, p), n).values));
}

describe('SECOND_DERIVATIVE_BOUND', () => {
  it('is the maximum of |sigma\'\'| over a dense grid, for every smooth activation', () => {
    for (const activation of ACTIVATIONS) {
      const bound = SECOND_DERIVATIVE_BOUND[activation];
      if (activation === 'relu') {
        expect(bound).toBeNull();
        continue;
      }
      const kind = ACTIVATIONS.indexOf(activation);
      let largest = 0;
      for (let x = -12; x <= 12; x += 1e-4) {
        largest = Math.max(largest, Math.abs(engine.k.sigmaSecond(kind, x)));
      }
      expect(largest, activation).toBeLessThanOrEqual(bound! * (1 + 1e-12));
      expectClose(largest, bound!, SUP_ON_GRID, activation);
    }
  });
});

describe('Lipschitz bounds', () => {
  const rng = new TestRandom(21);
  const [n, d, M] = [6, 3, 8];
  const X = rng.sphere(n, d);

  it('the lower bound equals ||Phi(W) - Phi(W0)||_op / ||W - W0|| from explicit Jacobians',
    () => {
      const net = makeNetwork('tanh', rng.gaussians(M * d), rng.signs(M), d, 2);
      const W = net.W.map((w) => w + 0.3 * rng.gaussian());
      const expected = operatorNorm(
        subtract(jacobianRef({ ...net, W }, X), jacobianRef(net, X)), n, M * d,
      ) / norm(subtract(W, net.W));
      expectClose(lipschitzLowerBound(engine, net, X, W)!, expected, LAMBDA_MAX, 'lower bound');
      expect(lipschitzLowerBound(engine, net, X, net.W)).toBeNull();
    });

  it('the certified upper bound exceeds every difference quotient of the Jacobian', () => {
    for (const activation of ['tanh', 'erf', 'softplus', 'gelu', 'quadratic'] as const) {
      const net = makeNetwork(activation, rng.gaussians(M * d), rng.signs(M), d, 3);
      const y = rng.gaussians(n);
      const context = theoremContext(
        engine, net, { n, d, X, y }, gram(jacobianRef(net, X), n, M * d),
      );
      const upper = context.atInit.lipschitzUpperBound!;
      for (let trial = 0; trial < 20; trial++) {
        const step = 10 ** (-3 + (trial % 4));
        const W = net.W.map((w) => w + step * rng.gaussian());
        const quotient = operatorNorm(
          subtract(jacobianRef({ ...net, W }, X), jacobianRef(net, X)), n, M * d,
        ) / norm(subtract(W, net.W));
        expect(quotient, `${activation} trial ${trial}`).toBeLessThanOrEqual(upper);
      }
    }
  });
});

/** The test's own K_0 eigenvalues and r_0 for a simulate() run, from an explicit Jacobian. */
function theoremFromScratch(result: Awaited<ReturnType<typeof simulate>>, spec: Spec) {
  const { X, y } = spec.data as { X: number[][]; y: number[] };
  const n = X.length;
  const d = X[0].length;
  const Xf = Float64Array.from(X.flat());
  const M = spec.model!.width!;
  const half = M / 2;
  const W0 = Float64Array.from((spec.model as { W0: number[][] }).W0.flat());
  const a = Float64Array.from({ length: M }, (_, j) => (j < half ? 1 : -1));
  const net = makeNetwork(spec.model!.activation!, W0, a, d, spec.model!.alpha!);
  const K0 = gram(jacobianRef(net, Xf), n, M * d);
  const lambdaMin = Math.min(...jacobiEigen(K0, n).values);
  const r0 = Float64Array.from(y);
  const risk0 = (norm(r0) ** 2) / (2 * n);
  const lambda0 = lambdaMin / (2 * n);
  return {
    riskBound: result.t.map((t) => risk0 * Math.exp(-lambda0 * t)),
    distanceBound: (2 * norm(r0)) / Math.sqrt(lambdaMin),
  };
}

/** A labelled sphere problem given explicitly, with a symmetric W0 built by the test. */
function explicitSpec(alpha: number, activation: 'tanh' | 'relu', steps: number): Spec {
  const rng = new TestRandom(22);
  const [n, d, M] = [16, 4, 64];
  const X = rng.sphere(n, d);
  const rows = Array.from({ length: n }, (_, i) => Array.from(X.subarray(i * d, i * d + d)));
  const y = rows.map((x) => Math.sin(2 * x[0]) + x[1] * x[2]);
  const half = Array.from({ length: M / 2 }, () => Array.from(rng.gaussians(d)));
  return {
    data: { X: rows, y },
    model: { width: M, alpha, activation, W0: [...half, ...half] },
    flow: { steps, record: 9 },
  };
}

describe('simulate(spec).theory', () => {
  it('with tanh and a large alpha: the condition holds and both bounds hold', async () => {
    const spec = explicitSpec(4096, 'tanh', 3000);
    const result = await simulate(spec);
    const theory = result.theory!;
    const expected = theoremFromScratch(result, spec);
    expect(theory.conditionHolds).toBe(true);
    expect(theory.conditionNote).toContain('holds with the certified upper bound on L');
    expectClose(theory.riskBound, expected.riskBound, EIGEN_AGAINST_JACOBI, 'riskBound');
    expectClose(theory.distanceBound!, expected.distanceBound, EIGEN_AGAINST_JACOBI,
      'distanceBound');
    result.risk.forEach((risk, i) => {
      expect(risk, `risk at t=${result.t[i]}`).toBeLessThanOrEqual(expected.riskBound[i]);
    });
    expect(maxOf(result.weightDistance)).toBeLessThanOrEqual(expected.distanceBound);
    expect(theory.lipschitzLowerBound!).toBeLessThanOrEqual(theory.lipschitzUpperBound!);
    expect(theory.riskBoundHolds).toBe(true);
  });

  it('with a small alpha the condition fails, decided by the trajectory\'s lower bound on L',
    async () => {
      const result = await simulate(explicitSpec(1, 'tanh', 200));
      const theory = result.theory!;
      expect(theory.conditionHolds).toBe(false);
      expect(theory.lipschitzLowerBound! * theory.residualNorm)
        .toBeGreaterThanOrEqual(theory.sigmaMin ** 2 / 4);
      expect(theory.conditionNote).toContain(
        'fails already with the lower bound on L seen along the trajectory',
      );
    });

  it('with relu reports no Lipschitz bound and says why the theorem does not apply',
    async () => {
      const result = await simulate(explicitSpec(8, 'relu', 200));
      const theory = result.theory!;
      expect(theory.lipschitzUpperBound).toBeNull();
      expect(theory.conditionHolds).toBe(false);
      expect(theory.conditionNote).toBe(
        "fails: L is infinite (sigma' of relu jumps at 0, so Phi is not Lipschitz); the " +
          'theorem does not apply as stated',
      );
      const text = explainTheory(theory, result).join('\n');
      expect(text).toContain('L is infinite');
    });

  it('is null when spec.theory is false, and a non-boolean is refused by name', async () => {
    const spec = { ...explicitSpec(2, 'tanh', 10), theory: false };
    expect((await simulate(spec)).theory).toBeNull();
    await expect(simulate({ ...spec, theory: 'yes' } as unknown as Spec)).rejects.toThrow(
      "spec.theory must be true or false; got 'yes'",
    );
  });
});
