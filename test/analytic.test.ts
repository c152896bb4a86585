import { beforeAll, describe, expect, it } from 'vitest';
import {
  analyticH, analyticNtk, createEngine, gaussHermiteRule, initNetwork, ntk, SpecError,
  type Activation, type Engine,
} from '../src/index.js';
import { GENERAL_NORM, HERMITE_20 } from './analytic-values.js';
import {
  CLOSED_FORM_ROUNDING, CLOSED_VS_QUADRATURE, GENERAL_NORM_HIGH_ORDER, GENERAL_NORM_SMOOTH,
  GENERAL_NORM_TANH, HERMITE_MOMENTS, HERMITE_RULE, RELU_QUADRATURE, SMOOTH_ORDERS, TANH_ORDERS,
  WIDE_NETWORK_SQRT_M, expectClose,
} from './tolerance.js';

let engine: Engine;

beforeAll(async () => {
  engine = await createEngine();
});

/** 41 cosines evenly spaced over [-1, 1], both ends included. */
const GRID = Array.from({ length: 41 }, (_, i) => -1 + i / 20);

/** Rows of the inputs as one row-major array. */
function rows(...xs: number[][]): Float64Array {
  return Float64Array.from(xs.flat());
}

/** The largest |a[i] - b[i]|. */
function maxAbsDifference(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let worst = 0;
  for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs(a[i] - b[i]));
  return worst;
}

/** (2k - 1)!! = E[Z^(2k)] for Z standard normal. */
function evenMoment(k: number): number {
  let product = 1;
  for (let j = 2 * k - 1; j > 1; j -= 2) product *= j;
  return product;
}

/** Runs `body` and returns the SpecError it throws. */
function specError(body: () => unknown): SpecError {
  try {
    body();
  } catch (error) {
    expect(error).toBeInstanceOf(SpecError);
    return error as SpecError;
  }
  throw new Error('expected a SpecError');
}

describe('the Gauss-Hermite rule', () => {
  it('has the textbook nodes and weights for orders 1 to 4', () => {
    const cases: [number, number[], number[]][] = [
      [1, [0], [1]],
      [2, [1, -1], [0.5, 0.5]],
      [3, [Math.sqrt(3), 0, -Math.sqrt(3)], [1 / 6, 2 / 3, 1 / 6]],
      [4,
        [Math.sqrt(3 + Math.sqrt(6)), Math.sqrt(3 - Math.sqrt(6)),
          -Math.sqrt(3 - Math.sqrt(6)), -Math.sqrt(3 + Math.sqrt(6))],
        [(3 - Math.sqrt(6)) / 12, (3 + Math.sqrt(6)) / 12,
          (3 + Math.sqrt(6)) / 12, (3 - Math.sqrt(6)) / 12]],
    ];
    for (const [order, nodes, weights] of cases) {
      const rule = gaussHermiteRule(engine, order);
      expectClose(rule.nodes, nodes, CLOSED_FORM_ROUNDING, `nodes of order ${order}`);
      expectClose(rule.weights, weights, CLOSED_FORM_ROUNDING, `weights of order ${order}`);
    }
  });

  it("matches NumPy's hermegauss at order 20", () => {
    const rule = gaussHermiteRule(engine, 20);
    HERMITE_20.forEach(([z, w], i) => {
      expectClose(rule.nodes[i], z, HERMITE_RULE, `node ${i}`);
      expectClose(rule.weights[i], w, HERMITE_RULE, `weight ${i}`);
      expect(rule.nodes[19 - i]).toBe(-rule.nodes[i]);
      expect(rule.weights[19 - i]).toBe(rule.weights[i]);
    });
  });

  it('is symmetric, ordered, sums to 1 and integrates even powers exactly up to order 512',
    () => {
      for (const order of [5, 17, 64, 127, 128, 199, 200, 256, 333, 511, 512]) {
        const { nodes, weights } = gaussHermiteRule(engine, order);
        for (let i = 1; i < order; i++) expect(nodes[i]).toBeLessThan(nodes[i - 1]);
        for (let i = 0; i < order; i++) {
          expect(nodes[order - 1 - i] === -nodes[i]).toBe(true);
          expect(weights[order - 1 - i]).toBe(weights[i]);
          expect(weights[i]).toBeGreaterThanOrEqual(0);
        }
        if (order % 2 === 1) expect(nodes[(order - 1) / 2]).toBe(0);
        for (let k = 0; k <= Math.min(order - 1, 6); k++) {
          const moment = nodes.reduce((s, z, i) => s + weights[i] * z ** (2 * k), 0);
          expectClose(moment, evenMoment(k), HERMITE_MOMENTS, `order ${order}, E[Z^${2 * k}]`);
        }
      }
    });
});

describe('h(t) for unit-norm inputs', () => {
  const closedForms: Record<string, { nt: (t: number) => number; rf: (t: number) => number }> = {
    relu: {
      nt: (t) => t * (Math.PI - Math.acos(t)) / (2 * Math.PI),
      rf: (t) => (Math.sqrt(1 - t * t) + (Math.PI - Math.acos(t)) * t) / (2 * Math.PI),
    },
    erf: {
      nt: (t) => t * (4 / Math.PI) / Math.sqrt(9 - 4 * t * t),
      rf: (t) => (2 / Math.PI) * Math.asin((2 * t) / 3),
    },
    identity: { nt: (t) => t, rf: (t) => t },
    quadratic: { nt: (t) => t * t, rf: (t) => (1 + 2 * t * t) / 4 },
  };

  for (const [activation, forms] of Object.entries(closedForms)) {
    it(`is the closed form of MATH.md for ${activation}, part by part and summed`, () => {
      const act = activation as Activation;
      const nt = analyticH(engine, act, GRID, { part: 'nt' });
      const rf = analyticH(engine, act, GRID, { part: 'rf' });
      const both = analyticH(engine, act, GRID, { part: 'both' });
      GRID.forEach((t, i) => {
        expectClose(nt[i], forms.nt(t), CLOSED_FORM_ROUNDING, `NT at t = ${t}`);
        expectClose(rf[i], forms.rf(t), CLOSED_FORM_ROUNDING, `RF at t = ${t}`);
        expectClose(both[i], forms.nt(t) + forms.rf(t), CLOSED_FORM_ROUNDING, `h at t = ${t}`);
      });
    });
  }

  for (const activation of ['erf', 'identity', 'quadratic'] as const) {
    it(`agrees with the Gauss-Hermite quadrature for ${activation} on [-1, 1]`, () => {
      for (const part of ['nt', 'rf'] as const) {
        const closed = analyticH(engine, activation, GRID, { part, method: 'closed-form' });
        const quadrature = analyticH(engine, activation, GRID, { part, method: 'quadrature' });
        expectClose(quadrature, closed, CLOSED_VS_QUADRATURE, `${part} on the grid of t`);
      }
    });
  }

  it('agrees with the quadrature for relu only loosely: the kink slows the rule down', () => {
    for (const part of ['nt', 'rf'] as const) {
      const closed = analyticH(engine, 'relu', GRID, { part });
      const quadrature = analyticH(engine, 'relu', GRID, { part, method: 'quadrature' });
      expectClose(quadrature, closed, RELU_QUADRATURE, `relu ${part}`);
      expect(maxAbsDifference(quadrature, closed)).toBeGreaterThan(1e-6);
    }
  });

  it('gives the same tanh, gelu and softplus kernels at orders 64 and 128', () => {
    const cases = [['tanh', TANH_ORDERS], ['gelu', SMOOTH_ORDERS],
      ['softplus', SMOOTH_ORDERS]] as const;
    for (const [activation, tol] of cases) {
      for (const part of ['nt', 'rf'] as const) {
        const low = analyticH(engine, activation, GRID, { part, order: 64 });
        const high = analyticH(engine, activation, GRID, { part, order: 128 });
        expectClose(low, high, tol, `${activation} ${part}`);
      }
    }
  });

  it('takes one number and returns one number', () => {
    expect(analyticH(engine, 'relu', 1)).toBeCloseTo(0.5, 15);
    expect(typeof analyticH(engine, 'tanh', 0.3)).toBe('number');
  });
});

describe('the analytic NTK Gram matrix', () => {
  it('matches an independent adaptive integration for inputs of any norm', () => {
    for (const [activation, x, y, nt, rf] of GENERAL_NORM) {
      const X = rows(x, y);
      const tol = activation === 'tanh' ? GENERAL_NORM_TANH : GENERAL_NORM_SMOOTH;
      const what = `${activation} ${JSON.stringify(x)} ${JSON.stringify(y)}`;
      expectClose(analyticNtk(engine, X, 3, { activation })[1], nt, tol, `NT ${what}`);
      expectClose(analyticNtk(engine, X, 3, { activation, part: 'rf' })[1], rf, tol, `RF ${what}`);
      const high = { activation, order: 256 };
      expectClose(analyticNtk(engine, X, 3, high)[2], nt, GENERAL_NORM_HIGH_ORDER, what);
      expectClose(
        analyticNtk(engine, X, 3, { ...high, part: 'rf' })[2], rf, GENERAL_NORM_HIGH_ORDER,
        what,
      );
    }
  });

  it('uses the general-norm closed forms, which agree with quadrature at order 256', () => {
    const X = rows([1.5, 0.5, -0.25], [-0.3, 0.7, 1.1], [0.2, 0.1, 0], [1.1, -0.6, 0.3]);
    for (const activation of ['erf', 'identity', 'quadratic'] as const) {
      for (const part of ['nt', 'rf'] as const) {
        const closed = analyticNtk(engine, X, 3, { activation, part });
        const quadrature = analyticNtk(engine, X, 3, {
          activation, part, method: 'quadrature', order: 256,
        });
        expectClose(quadrature, closed, GENERAL_NORM_HIGH_ORDER, `${activation} ${part}`);
      }
    }
    const [a, b] = [[1.5, 0.5, -0.25], [-0.3, 0.7, 1.1]];
    const p = a.reduce((s, v) => s + v * v, 0);
    const q = b.reduce((s, v) => s + v * v, 0);
    const c = a.reduce((s, v, k) => s + v * b[k], 0);
    const erfRf = (2 / Math.PI) * Math.asin(2 * c / Math.sqrt((1 + 2 * p) * (1 + 2 * q)));
    const t = c / Math.sqrt(p * q);
    const reluRf = Math.sqrt(p * q) *
      (Math.sqrt(1 - t * t) + (Math.PI - Math.acos(t)) * t) / (2 * Math.PI);
    expectClose(analyticNtk(engine, X, 3, { activation: 'erf', part: 'rf' })[1], erfRf,
      CLOSED_FORM_ROUNDING, 'erf RF');
    expectClose(analyticNtk(engine, X, 3, { activation: 'relu', part: 'rf' })[1], reluRf,
      CLOSED_FORM_ROUNDING, 'relu RF');
  });

  it('gives finite values for a zero input, by every activation and method', () => {
    const X = rows([0, 0, 0], [0.5, -1, 0.25], [0, 0, 0]);
    for (const activation of ['relu', 'tanh', 'erf', 'softplus', 'gelu', 'quadratic',
      'identity'] as const) {
      for (const method of ['auto', 'quadrature'] as const) {
        const nt = analyticNtk(engine, X, 3, { activation, method });
        const both = analyticNtk(engine, X, 3, { activation, method, part: 'both' });
        expect(both.every(Number.isFinite), `${activation} ${method}`).toBe(true);
        for (const i of [0, 1, 2, 3, 5, 6, 7, 8]) expect(nt[i]).toBe(0);
      }
    }
    const softplus = GENERAL_NORM.find(([act, x]) => act === 'softplus' && x[0] === 0)!;
    const rf = analyticNtk(engine, X, 3, { activation: 'softplus', part: 'rf' });
    expectClose(rf[1], softplus[4], GENERAL_NORM_SMOOTH, 'softplus RF with a zero input');
    expectClose(rf[0], Math.log(2) ** 2, CLOSED_FORM_ROUNDING, 'softplus(0)^2');
  });

  it('is exactly symmetric, scales like alpha^2, and its parts add up', () => {
    const X = rows([0.6, -0.8, 0], [1.5, 0.5, -0.25], [0.2, 0.1, 0], [-0.3, 0.7, 1.1]);
    const K = analyticNtk(engine, X, 3, { activation: 'gelu', part: 'both' });
    const nt = analyticNtk(engine, X, 3, { activation: 'gelu' });
    const rf = analyticNtk(engine, X, 3, { activation: 'gelu', part: 'rf' });
    const scaled = analyticNtk(engine, X, 3, { activation: 'gelu', part: 'both', alpha: 3 });
    for (let i = 0; i < 4; i++) {
      for (let l = 0; l < 4; l++) expect(K[i * 4 + l]).toBe(K[l * 4 + i]);
    }
    K.forEach((value, i) => {
      expectClose(value, nt[i] + rf[i], CLOSED_FORM_ROUNDING, `entry ${i}`);
      expectClose(scaled[i], 9 * value, CLOSED_FORM_ROUNDING, `alpha = 3, entry ${i}`);
    });
  });

  it('is within a few M^(-1/2) of the empirical NTK of a network of width 20000', () => {
    const X = rows([0.6, -0.8, 0], [1.5, 0.5, -0.25], [0.2, 0.1, 0], [-0.3, 0.7, 1.1],
      [0, 0, 0]);
    const width = 20000;
    for (const activation of ['tanh', 'relu', 'erf', 'gelu'] as const) {
      const limit = analyticNtk(engine, X, 3, { activation, alpha: 2 });
      for (const seed of [1, 2, 3]) {
        const K = ntk(engine, initNetwork(engine, { width, activation, seed, alpha: 2 }, 3), X);
        const distance = Math.hypot(...K.map((value, i) => value - limit[i]));
        const norm = Math.hypot(...limit);
        expect(distance / norm, `${activation}, seed ${seed}`)
          .toBeLessThanOrEqual(WIDE_NETWORK_SQRT_M / Math.sqrt(width));
      }
    }
  });

  it('has an RF part that the random-features kernel of a wide network approaches', () => {
    const X = rows([0.6, -0.8, 0], [1.5, 0.5, -0.25], [0.2, 0.1, 0]);
    const width = 20000;
    const net = initNetwork(engine, { width, activation: 'tanh', seed: 4 }, 3);
    const features = [0, 1, 2].map((i) => Array.from({ length: width }, (_, j) =>
      Math.tanh(X[3 * i] * net.W[3 * j] + X[3 * i + 1] * net.W[3 * j + 1] +
        X[3 * i + 2] * net.W[3 * j + 2])));
    const empirical = features.flatMap((fi) => features.map((fl) =>
      fi.reduce((s, v, j) => s + v * fl[j], 0) / width));
    const limit = analyticNtk(engine, X, 3, { activation: 'tanh', part: 'rf' });
    const distance = Math.hypot(...empirical.map((value, i) => value - limit[i]));
    expect(distance / Math.hypot(...limit))
      .toBeLessThanOrEqual(WIDE_NETWORK_SQRT_M / Math.sqrt(width));
  });
});

describe('bad input', () => {
  const X = rows([1, 0, 0], [0, 1, 0]);

  it('names the option, the value and what was expected', () => {
    const cases: [() => unknown, string, string][] = [
      [() => analyticNtk(engine, X, 3, { part: 'all' as never }), 'options.part',
        "options.part must be one of 'nt', 'rf', 'both'; got 'all'"],
      [() => analyticNtk(engine, X, 3, { order: 0 }), 'options.order',
        'options.order must be an integer in [1, 512]; got 0'],
      [() => analyticNtk(engine, X, 3, { order: 64.5 }), 'options.order',
        'options.order must be an integer in [1, 512]; got 64.5'],
      [() => analyticNtk(engine, X, 3, { alpha: -1 }), 'options.alpha',
        'options.alpha must be a finite number > 0; got -1'],
      [() => analyticNtk(engine, X, 3, { activation: 'sigmoid' as never }),
        'options.activation',
        "options.activation must be one of 'relu', 'tanh', 'erf', 'softplus', 'gelu', " +
          "'quadratic', 'identity'; got 'sigmoid'"],
      [() => analyticNtk(engine, X, 3, { activation: 'tanh', method: 'closed-form' }),
        'options.method',
        "options.method is 'closed-form' but tanh has none; closed forms exist for relu, erf, " +
          "quadratic, identity (use 'auto' or 'quadrature')"],
      [() => analyticNtk(engine, X, 3, { orders: 3 } as never), 'options.orders',
        'options.orders is not a known field; expected one of part, method, order, alpha, ' +
          'activation'],
      [() => analyticNtk(engine, X, 4), 'X',
        'X must hold whole rows of d = 4 values; got 6 values'],
      [() => analyticNtk(engine, rows([1, 0, 0], [0, NaN, 0]), 3), 'X[1][1]',
        'X[1][1] must be a finite number; got NaN'],
      [() => analyticNtk(engine, 'rows' as never, 3), 'X',
        "X must be a Float64Array or an array of numbers (n x d, row-major); got 'rows'"],
      [() => analyticNtk(engine, X, 0), 'd', 'd must be an integer in [1, 16777216]; got 0'],
      [() => analyticH(engine, 'relu', 1.5), 't', 't must be a number in [-1, 1]; got 1.5'],
      [() => analyticH(engine, 'relu', [0, 0.5, NaN]), 't[2]',
        't[2] must be a number in [-1, 1]; got NaN'],
      [() => analyticH(engine, 'swish' as never, 0), 'activation',
        "activation must be one of 'relu', 'tanh', 'erf', 'softplus', 'gelu', 'quadratic', " +
          "'identity'; got 'swish'"],
      [() => gaussHermiteRule(engine, 513), 'order',
        'order must be an integer in [1, 512]; got 513'],
    ];
    for (const [body, field, message] of cases) {
      const error = specError(body);
      expect(error.message).toBe(message);
      expect(error.field).toBe(field);
    }
  });

  it('refuses a Gram matrix that would not fit in WebAssembly memory', () => {
    expect(specError(() => analyticNtk(engine, new Float64Array(30000), 1)).message).toBe(
      'the 30000 x 30000 Gram matrix needs about 6.7 GiB of WebAssembly memory; ' +
        'the limit is 3.5 GiB',
    );
    expect(specError(() => analyticNtk(engine, new Float64Array(12000), 1)).message).toBe(
      'the 12000 x 12000 Gram matrix needs one block of 1.1 GiB of WebAssembly memory; ' +
        'a block must stay below 1 GiB',
    );
  });
});
