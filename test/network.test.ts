/**
 * The network and its derivatives (src/network.ts over assembly/network.ts and
 * assembly/kernels.ts) against finite differences, the test's explicit Jacobian and the
 * identities between them.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import {
  ACTIVATIONS, SpecError, createEngine, forward, initNetwork, jacobian, jvp, ntk, riskGradient,
  vjp, type Activation, type Engine, type Network,
} from '../src/index.js';
import {
  TestRandom, dotRef, forwardRef, gram, jacobiEigen, jacobianRef, makeNetwork, matTVec, matVec,
  preactivations, riskOf,
} from './reference.js';
import {
  FD_STEP, FINITE_DIFFERENCE, KINK_MARGIN, PSD_NEGATIVE_SLACK, RISK_FINITE_DIFFERENCE, ROUNDOFF,
  expectClose, relativeToLargest,
} from './tolerance.js';

const n = 6;
const d = 3;
const M = 8;
const ALPHA = 1.7;

let engine: Engine;
beforeAll(async () => {
  engine = await createEngine();
});

/**
 * A generic (non-symmetric) network and inputs of mixed norms for `activation`. For relu
 * the draw is repeated until every pre-activation is at least KINK_MARGIN from 0.
 */
function problem(activation: Activation, seed = 1): { net: Network; X: Float64Array } {
  const rng = new TestRandom(seed);
  for (;;) {
    const W = rng.gaussians(M * d);
    const a = rng.signs(M);
    const X = rng.sphere(n, d).map((v, i) => v * (0.5 + (i % d) * 0.4));
    const net = makeNetwork(activation, W, a, d, ALPHA);
    const Z = preactivations(net, X);
    if (activation !== 'relu' || Z.every((z) => Math.abs(z) > KINK_MARGIN)) return { net, X };
  }
}

function withWeights(net: Network, W: Float64Array): Network {
  return { ...net, W };
}

/** Central differences of g: R^p -> R^q at W, as a q x p matrix (row-major). */
function centralDifferences(
  W: Float64Array, q: number, g: (W: Float64Array) => ArrayLike<number>,
): Float64Array {
  const p = W.length;
  const out = new Float64Array(q * p);
  for (let c = 0; c < p; c++) {
    const h = FD_STEP * Math.max(1, Math.abs(W[c]));
    const plus = W.slice();
    const minus = W.slice();
    plus[c] += h;
    minus[c] -= h;
    const gp = g(plus);
    const gm = g(minus);
    const step = plus[c] - minus[c]; // the step actually taken, after rounding
    for (let r = 0; r < q; r++) out[r * p + c] = (gp[r] - gm[r]) / step;
  }
  return out;
}

describe('forward', () => {
  it.each(ACTIVATIONS)('equals the test\'s own evaluation of the formula for %s', (act) => {
    const { net, X } = problem(act);
    expectClose(forward(engine, net, X), forwardRef(net, X), relativeToLargest(ROUNDOFF, 1),
      'f');
  });
});

describe('jacobian', () => {
  it.each(ACTIVATIONS)('matches central finite differences of forward in every weight for %s',
    (act) => {
      const { net, X } = problem(act);
      const fd = centralDifferences(net.W, n, (W) => forward(engine, withWeights(net, W), X));
      expectClose(jacobian(engine, net, X), fd, FINITE_DIFFERENCE, `Phi (${act})`);
    });

  it.each(ACTIVATIONS)('equals the entrywise formula (alpha/sqrt M) a_j sigma\' x_ik for %s',
    (act) => {
      const { net, X } = problem(act);
      const expected = jacobianRef(net, X);
      expectClose(jacobian(engine, net, X), expected, relativeToLargest(ROUNDOFF, expected),
        `Phi (${act})`);
    });

  it('gives relu units exactly at the kink a zero column, by the convention relu\'(0) = 0', () => {
    const W = Float64Array.from([1, 0, 0, 0, 1, 0]); // w_2 is orthogonal to x_1 below
    const X = Float64Array.from([0.6, 0, 0.8, 0.6, 0.8, 0]);
    const net = makeNetwork('relu', W, Float64Array.from([1, -1]), d, 1);
    const phi = jacobian(engine, net, X);
    expect(Array.from(phi.subarray(3, 6), Math.abs)).toEqual([0, 0, 0]); // a_2 = -1 gives -0
    expectClose(phi, jacobianRef(net, X), ROUNDOFF, 'Phi');
  });
});

describe('riskGradient', () => {
  it.each(ACTIVATIONS)('equals -(1/n) Phi^T (y - f) with the test\'s explicit Phi for %s',
    (act) => {
      const { net, X } = problem(act);
      const y = new TestRandom(5).gaussians(n);
      const phi = jacobianRef(net, X);
      const r = y.map((v, i) => v - forwardRef(net, X)[i]);
      const expected = matTVec(phi, n, M * d, r).map((g) => -g / n);
      expectClose(riskGradient(engine, net, X, y), expected,
        relativeToLargest(ROUNDOFF, expected), `grad R (${act})`);
    });

  it.each(ACTIVATIONS)('matches central differences of R(W) = ||y - f||^2 / 2n for %s',
    (act) => {
      const { net, X } = problem(act);
      const y = new TestRandom(5).gaussians(n);
      const fd = centralDifferences(net.W, 1, (W) => [
        riskOf(y, forward(engine, withWeights(net, W), X)),
      ]);
      expectClose(riskGradient(engine, net, X, y), fd, RISK_FINITE_DIFFERENCE, `grad R (${act})`);
    });
});

describe('jvp and vjp', () => {
  it.each(ACTIVATIONS)('jvp equals Phi v and vjp equals Phi^T u for %s', (act) => {
    const { net, X } = problem(act);
    const rng = new TestRandom(7);
    const v = rng.gaussians(M * d);
    const u = rng.gaussians(n);
    const phi = jacobianRef(net, X);
    const phiV = matVec(phi, n, M * d, v);
    const phiTu = matTVec(phi, n, M * d, u);
    expectClose(jvp(engine, net, X, v), phiV, relativeToLargest(ROUNDOFF, phiV), 'Phi v');
    expectClose(vjp(engine, net, X, u), phiTu, relativeToLargest(ROUNDOFF, phiTu), 'Phi^T u');
  });

  it.each(ACTIVATIONS)('satisfy the adjoint identity <Phi v, u> = <v, Phi^T u> for %s', (act) => {
    const { net, X } = problem(act);
    const rng = new TestRandom(8);
    const v = rng.gaussians(M * d);
    const u = rng.gaussians(n);
    const left = dotRef(jvp(engine, net, X, v), u);
    const right = dotRef(v, vjp(engine, net, X, u));
    // Both sides are sums of n M d products of size ~|u| |v| |Phi|: compare at that size.
    const size = Math.sqrt(dotRef(u, u) * dotRef(v, v)) * ALPHA;
    expectClose(left, right, relativeToLargest(ROUNDOFF, size), '<Phi v, u>');
  });
});

describe('ntk', () => {
  it.each(ACTIVATIONS)('equals Phi Phi^T formed from the test\'s explicit Jacobian for %s',
    (act) => {
      const { net, X } = problem(act);
      const expected = gram(jacobianRef(net, X), n, M * d);
      expectClose(ntk(engine, net, X), expected, relativeToLargest(ROUNDOFF, expected),
        `K (${act})`);
    });

  it.each(ACTIVATIONS)('is exactly symmetric and positive semi-definite for %s', (act) => {
    const { net, X } = problem(act);
    const K = ntk(engine, net, X);
    for (let i = 0; i < n; i++) {
      for (let l = 0; l < i; l++) expect(K[i * n + l]).toBe(K[l * n + i]);
    }
    const { values } = jacobiEigen(K, n);
    const largest = Math.max(...values);
    expect(largest).toBeGreaterThan(0);
    for (const lambda of values) {
      expect(lambda).toBeGreaterThanOrEqual(-PSD_NEGATIVE_SLACK * largest);
    }
  });
});

describe('symmetric initialisation', () => {
  const rng = new TestRandom(3);
  const X = rng.gaussians(12 * 4).map((v) => 3 * v); // off the sphere, both signs

  it.each(ACTIVATIONS)('gives forward output exactly 0 for %s at default and small widths',
    (act) => {
      for (const width of [undefined, 2, 6, 10, 16]) {
        const net = initNetwork(engine, { activation: act, width }, 4);
        forward(engine, net, X).forEach((f) => expect(f).toBe(0));
      }
    });

  it('pairs unit M/2 + j with unit j: equal rows, opposite signs', () => {
    const net = initNetwork(engine, { width: 10, seed: 9 }, 4);
    for (let j = 0; j < 5; j++) {
      expect(Array.from(net.W.subarray((j + 5) * 4, (j + 6) * 4)))
        .toEqual(Array.from(net.W.subarray(j * 4, (j + 1) * 4)));
      expect(net.a[j]).toBe(1);
      expect(net.a[j + 5]).toBe(-1);
    }
  });

  it('with explicit signs and an odd width draws the same weights on a fresh or used engine',
    async () => {
      // The same seed must give the same bits on every engine (assembly/random.ts), whatever
      // the engine computed before. Here the used engine's free memory holds 7.5s.
      const spec = { width: 5, a: [1, -1, 1, -1, 1], seed: 4 };
      const fresh = initNetwork(await createEngine(), spec, 3);
      const used = await createEngine();
      used.scope((mem) => mem.allocFrom(new Float64Array(4096).fill(7.5)));
      const again = initNetwork(used, spec, 3);
      expect(Array.from(again.W)).toEqual(Array.from(fresh.W));
    });

  it('rejects an odd width with a SpecError naming the field and value', () => {
    let error: unknown;
    try {
      initNetwork(engine, { width: 7 }, 3);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(SpecError);
    expect((error as SpecError).field).toBe('spec.model.width');
    expect((error as SpecError).message).toBe(
      'spec.model.width must be even for the symmetric initialisation; got 7 ' +
        '(or give the signs spec.model.a explicitly)',
    );
  });
});

describe('the tiled kernels', () => {
  // The kernels take 16 rows of X at a time, 4 rows by 4 units in a register tile and 4, 2 or
  // 1 inputs of the gradient at a time: 37 rows, 23 units and 7 inputs cross every edge.
  const [rows, units, inputs] = [37, 23, 7];

  it.each(ACTIVATIONS)('match the test\'s formulas for forward, jvp and vjp for %s', (act) => {
    const rng = new TestRandom(11);
    const net = makeNetwork(act, rng.gaussians(units * inputs), rng.signs(units), inputs, ALPHA);
    const X = rng.sphere(rows, inputs);
    const v = rng.gaussians(units * inputs);
    const u = rng.gaussians(rows);
    const phi = jacobianRef(net, X);
    const f = forwardRef(net, X);
    const phiV = matVec(phi, rows, units * inputs, v);
    const phiTu = matTVec(phi, rows, units * inputs, u);
    expectClose(forward(engine, net, X), f, relativeToLargest(ROUNDOFF, f), 'f');
    expectClose(jvp(engine, net, X, v), phiV, relativeToLargest(ROUNDOFF, phiV), 'Phi v');
    expectClose(vjp(engine, net, X, u), phiTu, relativeToLargest(ROUNDOFF, phiTu), 'Phi^T u');
  });

  it('give K = Phi Phi^T, exactly symmetric, across the blocks of the Gram product', () => {
    // S S^T is formed in 64-row, 256-deep blocks of 4 x 4 tiles, upper triangle only.
    const [n, M, d] = [70, 260, 3];
    const rng = new TestRandom(12);
    const net = makeNetwork('tanh', rng.gaussians(M * d), rng.signs(M), d, ALPHA);
    const X = rng.sphere(n, d);
    const expected = gram(jacobianRef(net, X), n, M * d);
    const K = ntk(engine, net, X);
    expectClose(K, expected, relativeToLargest(ROUNDOFF, expected), 'K');
    for (let i = 0; i < n; i++) {
      for (let l = 0; l < i; l++) expect(K[i * n + l]).toBe(K[l * n + i]);
    }
  });
});
