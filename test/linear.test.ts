/**
 * The closed-form linearised dynamics (src/linear.ts) against the test's own closed form
 * (explicit Jacobian, Jacobi eigen-decomposition) and against the RK4-integrated linear
 * flow; the linear fast path of simulate; the one-parameter toy against its formula.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import {
  GradientFlow, LinearDynamics, createEngine, oneParameterToy, simulate, simulateLinear,
  type Engine,
} from '../src/index.js';
import {
  TestRandom, exactFactor, forwardRef, gram, jacobiEigen, jacobianRef, makeNetwork, matTVec, norm,
  sigmaPrimeRef, sigmaRef, spectralApply, subtract,
} from './reference.js';
import {
  CLOSED_FORM_AGAINST_RK4, EIGEN_AGAINST_JACOBI, TOY_SLOPE, expectClose, relativeToLargest,
} from './tolerance.js';

let engine: Engine;
beforeAll(async () => {
  engine = await createEngine();
});

function problem(seed: number) {
  const rng = new TestRandom(seed);
  const [n, d, M] = [10, 3, 12];
  const net = makeNetwork('tanh', rng.gaussians(M * d), rng.signs(M), d, 1.5);
  const X = rng.sphere(n, d);
  const y = rng.gaussians(n);
  return { net, train: { n, d, X, y }, n, d, M };
}

describe('LinearDynamics', () => {
  it('gives the residual V exp(-Lambda t / n) V^T r0 and the parameters of the test\'s closed form',
    () => {
      const { net, train, n, d, M } = problem(31);
      const phi0 = jacobianRef(net, train.X);
      const eig = jacobiEigen(gram(phi0, n, M * d), n);
      const r0 = subtract(train.y, forwardRef(net, train.X));
      const linear = new LinearDynamics(engine, net, train);
      for (const t of [0, 0.3, 2, 25]) {
        const residual = spectralApply(eig, (lambda) => Math.exp((-lambda * t) / n), r0);
        expectClose(linear.residual(t), residual, relativeToLargest(EIGEN_AGAINST_JACOBI,
          residual), `residual at t=${t}`);
        expectClose(linear.risk(t), norm(residual) ** 2 / (2 * n), EIGEN_AGAINST_JACOBI,
          `risk at t=${t}`);
        const theta = matTVec(phi0, n, M * d, spectralApply(eig, exactFactor(t, n), r0));
        expectClose(linear.displacement(t), theta, relativeToLargest(EIGEN_AGAINST_JACOBI,
          theta), `theta at t=${t}`);
        expectClose(linear.displacementNorm(t), norm(theta), { rel: 1e-10, abs: 1e-15 },
          `||theta|| at t=${t}`);
      }
    });

  it('agrees with the RK4-integrated linear flow to near machine precision at a small step',
    () => {
      const { net, train, n } = problem(32);
      const linear = new LinearDynamics(engine, net, train);
      const flow = new GradientFlow(engine, net, train, null, false);
      try {
        const dt = (0.01 * n) / flow.lambdaMax;
        for (const steps of [50, 400]) {
          flow.advance('rk4', dt, steps);
          const t = flow.steps * dt;
          const expected = linear.displacement(t);
          expectClose(flow.linearDisplacement(), expected,
            relativeToLargest(CLOSED_FORM_AGAINST_RK4, expected), `theta at step ${flow.steps}`);
          expectClose(flow.measure().linearRisk, linear.risk(t), CLOSED_FORM_AGAINST_RK4,
            `linear risk at step ${flow.steps}`);
        }
      } finally {
        flow.dispose();
      }
    });
});

describe('simulateLinear', () => {
  it('reproduces the linear figures of simulate at the same checkpoints', async () => {
    const spec = {
      data: { n: 24, d: 4, seed: 5 }, test: { n: 40 }, model: { width: 64, alpha: 3 },
      flow: { steps: 800, record: 5, dt: 0.001 },
    };
    const [full, fast] = [await simulate(spec), await simulateLinear(spec)];
    expect(fast.t).toEqual(full.t);
    expectClose(fast.linearRisk, full.linearRisk, CLOSED_FORM_AGAINST_RK4, 'linearRisk');
    expectClose(fast.linearTestRisk as number[], full.linearTestRisk as number[],
      CLOSED_FORM_AGAINST_RK4, 'linearTestRisk');
    expect(fast.linearWeightDistance[0]).toBe(0);
  });
});

describe('oneParameterToy', () => {
  it('evaluates (y - alpha f(x; theta0 + u / alpha))^2 and its quadratic limit', () => {
    const toy = oneParameterToy(engine, {
      activation: 'erf', x: 0.8, y: 1.3, theta0: 0.4, alphas: [2, 50], points: 9, uMax: 1.5,
    });
    const f = (theta: number) => sigmaRef('erf', theta * 0.8) - sigmaRef('erf', 0.4 * 0.8);
    const slope = 0.8 * sigmaPrimeRef('erf', 0.4 * 0.8);
    expectClose(toy.u, [-1.5, -1.125, -0.75, -0.375, 0, 0.375, 0.75, 1.125, 1.5],
      { rel: 1e-15, abs: 1e-15 }, 'u');
    expectClose(toy.limit, toy.u.map((u) => (-1.3 + slope * u) ** 2),
      { rel: 1e-14, abs: 1e-14 }, 'limit');
    for (const curve of toy.curves) {
      const expected = toy.u.map((u) => (1.3 - curve.alpha * f(0.4 + u / curve.alpha)) ** 2);
      expectClose(curve.loss, expected, { rel: 1e-12, abs: 1e-12 }, `alpha ${curve.alpha}`);
    }
  });

  it('approaches the quadratic limit at rate 1/alpha', () => {
    const { slope } = oneParameterToy(engine, { alphas: [8, 16, 32, 64, 128, 256] });
    expect(slope).toBeGreaterThan(-1 - TOY_SLOPE);
    expect(slope).toBeLessThan(-1 + TOY_SLOPE);
  });

  it('rejects bad options by name', () => {
    expect(() => oneParameterToy(engine, { alphas: [1, -2] })).toThrow(
      'alphas[1] must be a finite number > 0; got -2',
    );
    expect(() => oneParameterToy(engine, { x: Number.NaN })).toThrow(
      'x must be a finite number; got NaN',
    );
    expect(() => oneParameterToy(engine, { points: 1 })).toThrow(
      'points must be an integer >= 2; got 1',
    );
    expect(() => oneParameterToy(engine, { activation: 'sine' as never })).toThrow(
      "activation must be one of relu, tanh, erf, softplus, gelu, quadratic, identity; got 'sine'",
    );
  });
});
