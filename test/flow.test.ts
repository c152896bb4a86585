/**
 * GradientFlow (src/flow.ts over assembly/integrators.ts): the integrators against closed
 * forms built in the test from its own explicit Jacobian and a Jacobi eigen-decomposition
 * of its own K0 = Phi0 Phi0^T, and every measured figure against its definition.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import {
  ACTIVATIONS, FlowDivergedError, GradientFlow, RK4_STABILITY, EULER_STABILITY, createEngine,
  type Activation, type Engine, type Method, type Network,
} from '../src/index.js';
import type { Dataset } from '../src/data.js';
import {
  TestRandom, add, discreteFactor, discreteResidualFactor, exactFactor, forwardRef, gram,
  jacobiEigen, jacobianRef, makeNetwork, matTVec, matVec, maxOf, norm, riskOf, spectralApply,
  stabilityMinusOne, subtract, type Eigen,
} from './reference.js';
import {
  DISCRETE_FLOW, EULER_ORDER, LAMBDA_MAX, LAMBDA_MAX_ROUNDING, RK4_ORDER, RK4_SMALL_STEP,
  ROUNDOFF, expectClose, relativeToLargest,
} from './tolerance.js';

let engine: Engine;
beforeAll(async () => {
  engine = await createEngine();
});

interface Problem {
  net: Network;
  train: Dataset;
  test: Dataset;
  /** The test's own Phi0 (n x Md), K0 = Phi0 Phi0^T, its eigen-decomposition and r0. */
  phi0: Float64Array;
  K0: Float64Array;
  eig: Eigen;
  lambdaMax: number;
  r0: Float64Array;
}

/**
 * A small regression problem with a generic (non-symmetric) W0 and random signs, so that
 * f(x; W0) != 0 and r0 != y.
 */
function problem(activation: Activation, n = 8, d = 3, M = 12, seed = 1): Problem {
  const rng = new TestRandom(seed);
  const X = rng.sphere(n, d);
  const y = rng.gaussians(n);
  const net = makeNetwork(activation, rng.gaussians(M * d), rng.signs(M), d, 1.3);
  const Xt = rng.sphere(10, d);
  const yt = rng.gaussians(10);
  const phi0 = jacobianRef(net, X);
  const K0 = gram(phi0, n, M * d);
  const eig = jacobiEigen(K0, n);
  return {
    net,
    train: { n, d, X, y },
    test: { n: 10, d, X: Xt, y: yt },
    phi0, K0, eig,
    lambdaMax: maxOf(eig.values),
    r0: subtract(y, forwardRef(net, X)),
  };
}

/** Runs `body` on a fresh flow of `p`, disposing it afterwards. */
function withFlow<T>(p: Problem, body: (flow: GradientFlow) => T, test = true): T {
  const flow = new GradientFlow(engine, p.net, p.train, test ? p.test : null);
  try {
    return body(flow);
  } finally {
    flow.dispose();
  }
}

/** Phi0^T V diag(g) V^T r0, an M x d displacement. */
function displacement(p: Problem, g: (lambda: number) => number): Float64Array {
  const { n } = p.train;
  return matTVec(p.phi0, n, p.net.width * p.net.d, spectralApply(p.eig, g, p.r0));
}

function linearRiskOf(p: Problem, g: (lambda: number) => number): number {
  const r = spectralApply(p.eig, g, p.r0);
  return norm(r) ** 2 / (2 * p.train.n);
}

describe('the linearised flow', () => {
  it('measures linearRisk = ||V exp(-Lambda t/n) V^T r0||^2 / 2n of the test\'s own K0', () => {
    const p = problem('tanh');
    const { n } = p.train;
    const dt = (0.02 * n) / p.lambdaMax;
    withFlow(p, (flow) => {
      for (const N of [0, 50, 150]) {
        flow.advance('rk4', dt, N - flow.steps);
        const t = N * dt;
        const expected = linearRiskOf(p, (l) => Math.exp((-l * t) / n));
        expectClose(flow.measure().linearRisk, expected, RK4_SMALL_STEP, `linearRisk(t=${t})`);
      }
    });
  });

  it('has displacement Phi0^T V diag(-expm1(-lambda t/n) / lambda) V^T r0', () => {
    const p = problem('tanh');
    const { n } = p.train;
    const dt = (0.02 * n) / p.lambdaMax;
    withFlow(p, (flow) => {
      flow.advance('rk4', dt, 150);
      const expected = displacement(p, exactFactor(150 * dt, n));
      expectClose(flow.linearDisplacement(), expected, relativeToLargest(RK4_SMALL_STEP, expected),
        'theta_bar - theta_0');
    });
  });

  for (const method of ['rk4', 'euler'] as const) {
    it(`after N ${method} steps at the default step equals the exact discrete solution ` +
      'V diag(R(z)^N) V^T r0', () => {
      const p = problem('tanh', 8, 3, 12, 2);
      const { n } = p.train;
      withFlow(p, (flow) => {
        const dt = method === 'rk4' ? flow.defaultDt() : (0.5 * n) / p.lambdaMax;
        const risk0 = linearRiskOf(p, () => 1);
        for (const N of [1, 7, 60]) {
          flow.advance(method, dt, N - flow.steps);
          const risk = linearRiskOf(p, discreteResidualFactor(method, dt, N, n));
          expectClose(flow.measure().linearRisk, risk, relativeToLargest(DISCRETE_FLOW, risk0),
            `linearRisk (N=${N})`);
          const V = displacement(p, discreteFactor(method, dt, N, n));
          expectClose(flow.linearDisplacement(), V, relativeToLargest(DISCRETE_FLOW, V),
            `displacement (N=${N})`);
        }
      });
    });
  }

  it('keeps K0 = Phi0 Phi0^T of the initial weights', () => {
    const p = problem('softplus');
    withFlow(p, (flow) => {
      flow.advance('rk4', flow.defaultDt(), 5);
      expectClose(flow.kernel0(), p.K0, relativeToLargest(ROUNDOFF, p.K0), 'K0');
    });
  });
});

describe('the integrators on a linear model', () => {
  // With the identity activation f = Phi W exactly, so the network's own flow is linear:
  // W(t) = W0 + Phi^T V diag(-expm1(-lambda t/n) / lambda) V^T r0.
  const p = problem('identity', 8, 3, 6, 3);
  const { n } = p.train;
  const T = (2 * n) / p.lambdaMax;
  const exact = add(p.net.W, displacement(p, exactFactor(T, n)));

  function errorAt(method: Method, steps: number): number {
    return withFlow(p, (flow) => {
      flow.advance(method, T / steps, steps);
      return norm(subtract(flow.weights(), exact));
    }, false);
  }

  it('RK4 converges at fourth order: halving dt divides the error by about 16', () => {
    // z = dt lambda_max / n = 0.2, 0.1, 0.05
    const errors = [10, 20, 40].map((steps) => errorAt('rk4', steps));
    for (let i = 0; i + 1 < errors.length; i++) {
      const order = Math.log2(errors[i] / errors[i + 1]);
      expect(order, `order from ${i}`).toBeGreaterThan(RK4_ORDER.min);
      expect(order, `order from ${i}`).toBeLessThan(RK4_ORDER.max);
    }
  });

  it('explicit Euler converges at first order: halving dt halves the error', () => {
    // z = 0.02, 0.01, 0.005
    const errors = [100, 200, 400].map((steps) => errorAt('euler', steps));
    for (let i = 0; i + 1 < errors.length; i++) {
      const order = Math.log2(errors[i] / errors[i + 1]);
      expect(order, `order from ${i}`).toBeGreaterThan(EULER_ORDER.min);
      expect(order, `order from ${i}`).toBeLessThan(EULER_ORDER.max);
    }
  });

  for (const method of ['rk4', 'euler'] as const) {
    it(`${method} weights equal the exact discrete solution, and the linear gap is rounding`,
      () => {
        withFlow(p, (flow) => {
          const dt = (0.7 * n) / p.lambdaMax;
          flow.advance(method, dt, 25);
          const V = displacement(p, discreteFactor(method, dt, 25, n));
          const W = add(p.net.W, V);
          expectClose(flow.weights(), W, relativeToLargest(DISCRETE_FLOW, W), 'W');
          const m = flow.measure();
          // The network is its own linearisation: both flows agree to rounding.
          expectClose(m.linearGap, 0, relativeToLargest(DISCRETE_FLOW, norm(V)), 'linearGap');
          expectClose(m.risk, m.linearRisk, relativeToLargest(DISCRETE_FLOW, m.risk), 'risk');
        }, false);
      });
  }

  it('the stability limits are where the test\'s stability polynomials reach |R| = 1', () => {
    const R = (method: Method, z: number) => 1 + stabilityMinusOne(method, z);
    expect(Math.abs(R('rk4', 2.78))).toBeLessThan(1);
    expect(Math.abs(R('rk4', 2.79))).toBeGreaterThan(1);
    expect(Math.abs(R('rk4', RK4_STABILITY))).toBeLessThan(1);
    expect(Math.abs(R('euler', EULER_STABILITY - 1e-9))).toBeLessThan(1);
    expect(Math.abs(R('euler', EULER_STABILITY + 1e-9))).toBeGreaterThan(1);
  });

  for (const method of ['rk4', 'euler'] as const) {
    it(`${method} decays just inside its stable step and throws FlowDivergedError just past it`,
      () => {
        withFlow(p, (flow) => {
          const limit = method === 'rk4' ? RK4_STABILITY : EULER_STABILITY;
          expectClose(flow.stableDt(method), (limit * n) / p.lambdaMax, LAMBDA_MAX, 'stableDt');
          flow.advance(method, 0.97 * flow.stableDt(method), 4000);
          expect(flow.measure().risk).toBeLessThan(riskOf(p.train.y, forwardRef(p.net, p.train.X)));
        }, false);
        withFlow(p, (flow) => {
          const dt = 1.05 * flow.stableDt(method);
          let error: unknown;
          try {
            flow.advance(method, dt, 10_000);
          } catch (e) {
            error = e;
          }
          expect(error).toBeInstanceOf(FlowDivergedError);
          expect((error as FlowDivergedError).dt).toBe(dt);
          expect((error as FlowDivergedError).step).toBeLessThan(10_000);
        }, false);
      });
  }
});

describe('lambdaMax', () => {
  it.each(ACTIVATIONS)('matches the largest Jacobi eigenvalue of K0 from below for %s', (act) => {
    const p = problem(act, 10, 4, 16, 4);
    withFlow(p, (flow) => {
      expectClose(flow.lambdaMax, p.lambdaMax, LAMBDA_MAX, 'lambdaMax');
      expect(flow.lambdaMax).toBeLessThanOrEqual(p.lambdaMax * (1 + LAMBDA_MAX_ROUNDING));
      expect(flow.defaultDt()).toBe((0.25 * p.train.n) / flow.lambdaMax);
    });
  });
});

describe('measure', () => {
  it.each(ACTIVATIONS)('returns every figure as defined in MATH.md, recomputed in the test (%s)',
    (act) => {
      const p = problem(act, 8, 3, 12, 5);
      const { n, X, y } = p.train;
      const { X: Xt, y: yt } = p.test;
      const nt = p.test.n;
      withFlow(p, (flow) => {
        flow.advance('rk4', flow.defaultDt(), 40);
        const m = flow.measure();
        const W = flow.weights();
        const V = flow.linearDisplacement();
        const W0 = p.net.W;
        const net = { ...p.net, W };
        const f = forwardRef(net, X);
        expectClose(m.risk, riskOf(y, f), ROUNDOFF, 'risk');
        const dist = norm(subtract(W, W0));
        expectClose(m.weightDistance, dist, ROUNDOFF, 'weightDistance');
        expectClose(m.relativeWeightDistance, dist / norm(W0), ROUNDOFF, 'relativeWeightDistance');
        expectClose(m.linearGap, norm(subtract(subtract(W, W0), V)),
          relativeToLargest(ROUNDOFF, norm(W)), 'linearGap');

        const Kt = gram(jacobianRef(net, X), n, W.length);
        const change = norm(subtract(Kt, p.K0)) / norm(p.K0);
        expectClose(m.kernelChange!, change, relativeToLargest(ROUNDOFF, 1), 'kernelChange');

        const ft = forwardRef(net, Xt);
        const flin = add(forwardRef(p.net, Xt), matVec(jacobianRef(p.net, Xt), nt, W.length, V));
        expectClose(m.testRisk!, riskOf(yt, ft), ROUNDOFF, 'testRisk');
        expectClose(m.linearTestRisk!, riskOf(yt, flin), ROUNDOFF, 'linearTestRisk');
        const gap = norm(subtract(ft, flin)) / Math.sqrt(nt);
        expectClose(m.testGap!, gap, relativeToLargest(ROUNDOFF, maxOf(ft.map(Math.abs))),
          'testGap');
      });
    });

  it('gives null test figures without a test set', () => {
    const p = problem('tanh');
    withFlow(p, (flow) => {
      const m = flow.measure();
      expect([m.testRisk, m.linearTestRisk, m.testGap]).toEqual([null, null, null]);
      expect(m.kernelChange).toBe(0);
    }, false);
  });
});
