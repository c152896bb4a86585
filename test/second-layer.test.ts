/**
 * The trained second layer: theta = (W, a), P = M d + M, the a-columns of the Jacobian after
 * the weight columns. Every expected value comes from the formulas in plain TypeScript
 * (test/reference-network.ts), from finite differences, or from the closed-form linear flow.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import {
  createEngine, forward, GradientFlow, initNetwork, jacobian, jvp, ntk, riskGradient,
  sphereData, sphereTestData, vjp, type Dataset, type Engine, type Network,
} from '../src/index.js';
import {
  closedFormLinearFlow, difference, norm, referenceForward, referenceJacobian,
  symmetricEigen, times, timesTransposed, transposeTimes, type ReferenceActivation,
  type ReferenceNetwork,
} from './reference-network.js';
import {
  CANCELLATION, expectClose, FD_STEP, FINITE_DIFFERENCE, INTEGRATION,
  POWER_ITERATION, relativeTo, ROUNDING,
} from './tolerance.js';

let engine: Engine;

beforeAll(async () => {
  engine = await createEngine();
});

/** The network as the reference sees it, its scale written out from the lazy formula. */
function reference(net: Network): ReferenceNetwork {
  return {
    width: net.width, d: net.d, scale: net.alpha / Math.sqrt(net.width),
    activation: net.activation as ReferenceActivation, W: net.W, a: net.a,
    trainSecondLayer: net.trainSecondLayer === true,
  };
}

/** A trained-second-layer network moved off its initialisation: W perturbed, a not +-1. */
function movedNetwork(activation: ReferenceActivation, d: number): Network {
  const net = initNetwork(
    engine, { width: 6, alpha: 1.7, activation, seed: 3, trainSecondLayer: true }, d,
  );
  net.W = net.W.map((w, i) => w + 0.3 * Math.sin(1.3 * i + 0.2));
  net.a = Float64Array.from([0.7, -1.3, 0.4, 1.9, -0.2, -0.8]);
  return net;
}

function halfMeanSquare(u: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < u.length; i++) s += u[i] * u[i];
  return s / (2 * u.length);
}

describe('network functions with a trained second layer', () => {
  const data = () => sphereData(engine, { n: 5, d: 3, seed: 4, target: 'teacher' }).train;

  it('lays the Jacobian out as the M d weight columns, then the M columns of a', () => {
    const { X } = data();
    const net = movedNetwork('tanh', 3);
    const phi = jacobian(engine, net, X);
    expect(phi.length).toBe(5 * (6 * 3 + 6));
    expectClose(phi, referenceJacobian(reference(net), X), ROUNDING, 'Phi');
  });

  it("matches central finite differences of forward in a for the Jacobian's a-columns", () => {
    const { X } = data();
    const net = movedNetwork('tanh', 3);
    const P = 6 * 3 + 6;
    const phi = jacobian(engine, net, X);
    for (let j = 0; j < net.width; j++) {
      const plus = { ...net, a: net.a.map((v, l) => (l === j ? v + FD_STEP : v)) };
      const minus = { ...net, a: net.a.map((v, l) => (l === j ? v - FD_STEP : v)) };
      const fPlus = forward(engine, plus, X);
      const fMinus = forward(engine, minus, X);
      for (let i = 0; i < 5; i++) {
        const slope = (fPlus[i] - fMinus[i]) / (2 * FD_STEP);
        expectClose(phi[i * P + 18 + j], slope, FINITE_DIFFERENCE, `dF_${i}/da_${j}`);
      }
    }
  });

  it('matches central finite differences of forward in W for the weight columns', () => {
    const { X } = data();
    const net = movedNetwork('softplus', 3);
    const P = 6 * 3 + 6;
    const phi = jacobian(engine, net, X);
    for (let p = 0; p < 18; p++) {
      const plus = { ...net, W: net.W.map((v, l) => (l === p ? v + FD_STEP : v)) };
      const minus = { ...net, W: net.W.map((v, l) => (l === p ? v - FD_STEP : v)) };
      const fPlus = forward(engine, plus, X);
      const fMinus = forward(engine, minus, X);
      for (let i = 0; i < 5; i++) {
        const slope = (fPlus[i] - fMinus[i]) / (2 * FD_STEP);
        expectClose(phi[i * P + p], slope, FINITE_DIFFERENCE, `dF_${i}/dtheta_${p}`);
      }
    }
  });

  for (const activation of ['tanh', 'relu'] as const) {
    it(`gives the NTK Phi Phi^T of the explicit Jacobian at initialisation (${activation})`,
      () => {
        const { X } = data();
        const net = initNetwork(
          engine, { width: 8, alpha: 2.5, activation, trainSecondLayer: true }, 3,
        );
        const phi = referenceJacobian(reference(net), X);
        const expected = timesTransposed(phi, phi, 5, 5, 8 * 3 + 8);
        expectClose(ntk(engine, net, X), expected, ROUNDING, 'K');
      });

    it(`gives the NTK Phi Phi^T after the weights moved, a not +-1 (${activation})`, () => {
      const { X } = data();
      const net = movedNetwork(activation, 3);
      const phi = referenceJacobian(reference(net), X);
      const expected = timesTransposed(phi, phi, 5, 5, 6 * 3 + 6);
      expectClose(ntk(engine, net, X), expected, ROUNDING, 'K');
    });
  }

  it('matches central finite differences of the risk for the gradient in a', () => {
    const { X, y } = data();
    const net = movedNetwork('tanh', 3);
    const gradient = riskGradient(engine, net, X, y);
    expect(gradient.length).toBe(6 * 3 + 6);
    const risk = (candidate: Network) =>
      halfMeanSquare(difference(y, forward(engine, candidate, X)));
    for (let j = 0; j < net.width; j++) {
      const plus = { ...net, a: net.a.map((v, l) => (l === j ? v + FD_STEP : v)) };
      const minus = { ...net, a: net.a.map((v, l) => (l === j ? v - FD_STEP : v)) };
      const slope = (risk(plus) - risk(minus)) / (2 * FD_STEP);
      expectClose(gradient[18 + j], slope, FINITE_DIFFERENCE, `dR/da_${j}`);
    }
  });

  it('computes jvp and vjp over all P parameters as products with the explicit Jacobian', () => {
    const { X } = data();
    const net = movedNetwork('tanh', 3);
    const P = 6 * 3 + 6;
    const phi = referenceJacobian(reference(net), X);
    const V = Float64Array.from({ length: P }, (_, p) => Math.cos(0.7 * p + 1));
    const u = Float64Array.from({ length: 5 }, (_, i) => Math.sin(2.1 * i - 0.4));
    expectClose(jvp(engine, net, X, V), times(phi, V, 5, P), ROUNDING, 'Phi V');
    expectClose(vjp(engine, net, X, u), transposeTimes(phi, u, 5, P), ROUNDING, 'Phi^T u');
  });

  it('names the expected parameter count when a direction has the fixed-a length', () => {
    const { X } = data();
    const net = movedNetwork('tanh', 3);
    expect(() => jvp(engine, net, X, new Float64Array(18))).toThrow(
      'V has 18 values; expected P = M d + M = 24',
    );
  });
});

describe('gradient flow with a trained second layer', () => {
  const n = 6;
  const d = 3;
  const M = 8;
  let train: Dataset;
  let test: Dataset;

  beforeAll(() => {
    const drawn = sphereData(engine, { n, d, seed: 11, target: 'teacher' });
    train = drawn.train;
    test = sphereTestData(engine, drawn.target, 10, 12);
  });

  function network(alpha: number): Network {
    return initNetwork(engine, { width: M, alpha, activation: 'tanh', trainSecondLayer: true }, d);
  }

  it('starts at t = 0 with the figures of an untouched network and the full K_0', () => {
    const net = network(2);
    const flow = new GradientFlow(engine, net, train, test, true);
    try {
      const figures = flow.measure();
      expectClose(figures.risk, halfMeanSquare(train.y), ROUNDING, 'risk');
      expectClose(figures.linearRisk, halfMeanSquare(train.y), ROUNDING, 'linearRisk');
      expect(figures.weightDistance).toBe(0);
      expect(figures.relativeWeightDistance).toBe(0);
      expect(figures.linearGap).toBe(0);
      expect(figures.kernelChange).toBe(0);
      expect(figures.testGap).toBe(0);
      expectClose(figures.testRisk!, halfMeanSquare(test.y), ROUNDING, 'testRisk');
      expectClose(figures.linearTestRisk!, halfMeanSquare(test.y), ROUNDING, 'linearTestRisk');
      const displacement = flow.linearDisplacement();
      expect(displacement.length).toBe(M * d + M);
      expect(norm(displacement)).toBe(0);
      expect(Array.from(flow.secondLayer())).toEqual([1, 1, 1, 1, -1, -1, -1, -1]);

      const phi0 = referenceJacobian(reference(net), train.X);
      const K0 = timesTransposed(phi0, phi0, n, n, M * d + M);
      expectClose(flow.kernel0(), K0, ROUNDING, 'K_0');
      const top = Math.max(...symmetricEigen(K0, n).values);
      expectClose(flow.lambdaMax, top, POWER_ITERATION, 'lambda_max(K_0)');
    } finally {
      flow.dispose();
    }
  });

  it('moves W and a by dt (1/n) Phi0^T r0 in one Euler step', () => {
    const net = network(2);
    const flow = new GradientFlow(engine, net, train, null, true);
    try {
      const dt = 0.3;
      flow.advance('euler', dt, 1);
      const phi0 = referenceJacobian(reference(net), train.X);
      const r0 = difference(train.y, referenceForward(reference(net), train.X));
      const step = transposeTimes(phi0, r0, n, M * d + M).map((g) => (dt * g) / n);
      const theta0 = Float64Array.from([...net.W, ...net.a]);
      const theta1 = theta0.map((value, p) => value + step[p]);
      expectClose(flow.weights(), theta1.slice(0, M * d), ROUNDING, 'W after one step');
      expectClose(flow.secondLayer(), theta1.slice(M * d), ROUNDING, 'a after one step');
      const figures = flow.measure();
      expectClose(figures.weightDistance, norm(step), ROUNDING, 'weightDistance');
      expectClose(
        figures.relativeWeightDistance, norm(step) / norm(theta0), ROUNDING,
        'relativeWeightDistance',
      );
    } finally {
      flow.dispose();
    }
  });

  it('measures every figure on theta = (W, a), with K_t at the current a', () => {
    const net = network(0.5);
    const flow = new GradientFlow(engine, net, train, test, true);
    try {
      const dt = flow.defaultDt() / 10;
      const steps = 400;
      flow.advance('rk4', dt, steps);
      const figures = flow.measure();
      const a = flow.secondLayer();
      const moved: Network = { ...net, W: flow.weights(), a };
      expect(Math.max(...Array.from(a, (v) => Math.abs(Math.abs(v) - 1)))).toBeGreaterThan(0.05);

      const P = M * d + M;
      const ref0 = reference(net);
      const refT = reference(moved);
      const phi0 = referenceJacobian(ref0, train.X);
      const K0 = timesTransposed(phi0, phi0, n, n, P);
      const r0 = difference(train.y, referenceForward(ref0, train.X));
      const linear = closedFormLinearFlow(phi0, K0, r0, n, P, steps * dt);
      const theta0 = Float64Array.from([...net.W, ...net.a]);
      const theta = Float64Array.from([...moved.W, ...a]);
      const displacement = difference(theta, theta0);

      expectClose(
        figures.risk, halfMeanSquare(difference(train.y, referenceForward(refT, train.X))),
        ROUNDING, 'risk',
      );
      expectClose(figures.linearRisk, halfMeanSquare(linear.residual), INTEGRATION, 'linearRisk');
      const displacementScale = relativeTo(INTEGRATION, norm(linear.displacement));
      expectClose(
        flow.linearDisplacement(), linear.displacement, displacementScale, 'theta_bar - theta_0',
      );
      expectClose(figures.weightDistance, norm(displacement), ROUNDING, 'weightDistance');
      expectClose(
        figures.relativeWeightDistance, norm(displacement) / norm(theta0), ROUNDING,
        'relativeWeightDistance',
      );
      expectClose(
        figures.linearGap, norm(difference(displacement, linear.displacement)),
        displacementScale, 'linearGap',
      );

      const phiT = referenceJacobian(refT, train.X);
      const Kt = timesTransposed(phiT, phiT, n, n, P);
      const change = norm(difference(Kt, K0)) / norm(K0);
      expectClose(figures.kernelChange!, change, CANCELLATION, 'kernelChange');
      const unitSigns = { ...refT, a: new Float64Array(M).fill(1) };
      const phiUnit = referenceJacobian(unitSigns, train.X);
      const KtUnit = timesTransposed(phiUnit, phiUnit, n, n, P);
      const changeUnit = norm(difference(KtUnit, K0)) / norm(K0);
      expect(Math.abs(changeUnit - change)).toBeGreaterThan(1e-3);

      const ft = referenceForward(refT, test.X);
      const phi0t = referenceJacobian(ref0, test.X);
      const f0t = referenceForward(ref0, test.X);
      const flt = times(phi0t, linear.displacement, test.n, P).map((v, i) => v + f0t[i]);
      const rms = norm(difference(ft, flt)) / Math.sqrt(test.n);
      expectClose(figures.testGap!, rms, displacementScale, 'testGap');
      expectClose(
        figures.testRisk!, halfMeanSquare(difference(test.y, ft)), ROUNDING, 'testRisk',
      );
      expectClose(
        figures.linearTestRisk!, halfMeanSquare(difference(test.y, flt)), INTEGRATION,
        'linearTestRisk',
      );
    } finally {
      flow.dispose();
    }
  });
});
