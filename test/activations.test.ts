/**
 * The activations (assembly/activations.ts) and erf/erfc (assembly/special.ts), reached
 * through the engine's exports engine.k.sigma, sigmaPrime, sigmaSecond, activationMap,
 * erf and erfc, with the kind codes of ACTIVATIONS.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { ACTIVATIONS, createEngine, type Activation, type Engine } from '../src/index.js';
import { ERF_VALUES } from './special-values.js';
import {
  ACTIVATION_MAX_ULPS, ERF_MAX_ULPS, FD_STEP, FINITE_DIFFERENCE, GELU_ODD_PART, expectClose,
  ELEMENTARY_MAX_ULPS, expectUlps,
} from './tolerance.js';

let engine: Engine;
beforeAll(async () => {
  engine = await createEngine();
});

const code = (act: Activation) => ACTIVATIONS.indexOf(act);

/** Points away from relu's kink, both signs, up to |x| = 4. */
const POINTS = [-4, -2.5, -1.3, -0.7, -0.2, -0.01, 0.03, 0.4, 0.9, 1.6, 2.2, 3.7];

function centralDifference(g: (x: number) => number, x: number): number {
  const h = FD_STEP * Math.max(1, Math.abs(x));
  return (g(x + h) - g(x - h)) / ((x + h) - (x - h));
}

describe('activation derivatives', () => {
  it.each(ACTIVATIONS)('sigma\' matches central differences of sigma for %s', (act) => {
    const sigma = (x: number) => engine.k.sigma(code(act), x);
    for (const x of POINTS) {
      expectClose(engine.k.sigmaPrime(code(act), x), centralDifference(sigma, x),
        FINITE_DIFFERENCE, `${act}'(${x})`);
    }
  });

  it.each(ACTIVATIONS)('sigma\'\' matches central differences of sigma\' for %s', (act) => {
    const prime = (x: number) => engine.k.sigmaPrime(code(act), x);
    for (const x of POINTS) {
      expectClose(engine.k.sigmaSecond(code(act), x), centralDifference(prime, x),
        FINITE_DIFFERENCE, `${act}''(${x})`);
    }
  });

  it.each(ACTIVATIONS)('activationMap of order 0, 1, 2 gives sigma, sigma\', sigma\'\' for %s',
    (act) => {
      const fns = [engine.k.sigma, engine.k.sigmaPrime, engine.k.sigmaSecond];
      for (let order = 0; order < 3; order++) {
        const got = engine.scope((mem) => {
          const z = mem.allocFrom(POINTS);
          engine.k.activationMap(code(act), order, z, z, POINTS.length);
          return engine.read(z, POINTS.length);
        });
        const sigmaOrder = POINTS.map((x) => fns[order](code(act), x));
        // The map and the scalar functions are the same arithmetic: equal to the bit.
        expect(Array.from(got)).toEqual(sigmaOrder);
      }
      // and the map's order 1 is the derivative of its order 0, by central differences
      const map0 = (x: number) => engine.scope((mem) => {
        const z = mem.allocFrom([x]);
        engine.k.activationMap(code(act), 0, z, z, 1);
        return engine.read(z, 1)[0];
      });
      const map1 = engine.scope((mem) => {
        const z = mem.allocFrom(POINTS);
        engine.k.activationMap(code(act), 1, z, z, POINTS.length);
        return engine.read(z, POINTS.length);
      });
      expectClose(map1, POINTS.map((x) => centralDifference(map0, x)), FINITE_DIFFERENCE,
        `${act}' by activationMap`);
    });

  it('follows the relu convention sigma\'(0) = 0 and sigma\'\' = 0 everywhere', () => {
    const relu = code('relu');
    expect(engine.k.sigma(relu, 0)).toBe(0);
    expect(engine.k.sigmaPrime(relu, 0)).toBe(0);
    expect(engine.k.sigmaPrime(relu, -0)).toBe(0);
    expect(engine.k.sigmaPrime(relu, 1e-300)).toBe(1);
    for (const x of [-1, 0, 1e-300, 2]) expect(engine.k.sigmaSecond(relu, x)).toBe(0);
  });

  it('has the closed-form values at 0 of each smooth activation\'s derivatives', () => {
    const k = engine.k;
    const twoOverSqrtPi = 2 / Math.sqrt(Math.PI);
    expectUlps(k.sigmaPrime(code('erf'), 0), twoOverSqrtPi, ACTIVATION_MAX_ULPS, "erf'(0)");
    expect(k.sigmaPrime(code('tanh'), 0)).toBe(1);
    expect(k.sigmaPrime(code('softplus'), 0)).toBe(0.5);
    expect(k.sigmaSecond(code('softplus'), 0)).toBe(0.25);
    expect(k.sigmaPrime(code('gelu'), 0)).toBe(0.5);
    expectUlps(k.sigmaSecond(code('gelu'), 0), 2 / Math.sqrt(2 * Math.PI), ACTIVATION_MAX_ULPS,
      "gelu''(0)");
    expect(k.sigmaSecond(code('quadratic'), 0.3)).toBe(1);
    expect(k.sigmaPrime(code('identity'), 0.3)).toBe(1);
    expect(k.sigmaSecond(code('identity'), 0.3)).toBe(0);
  });
});

describe('activation values', () => {
  it('tanh and softplus agree with JavaScript\'s libm within a few ulp', () => {
    for (const x of [...POINTS, -30, -12, 12, 30]) {
      expectUlps(engine.k.sigma(code('tanh'), x), Math.tanh(x), ACTIVATION_MAX_ULPS, `tanh(${x})`);
      const softplus = x > 0 ? x + Math.log1p(Math.exp(-x)) : Math.log1p(Math.exp(x));
      expectUlps(engine.k.sigma(code('softplus'), x), softplus, ACTIVATION_MAX_ULPS,
        `softplus(${x})`);
    }
  });

  it('relu, quadratic and identity are exact', () => {
    for (const x of POINTS) {
      expect(engine.k.sigma(code('relu'), x)).toBe(Math.max(x, 0));
      expect(engine.k.sigma(code('quadratic'), x)).toBe(0.5 * x * x);
      expect(engine.k.sigma(code('identity'), x)).toBe(x);
    }
  });

  it('erf activation is erf and gelu satisfies gelu(x) - gelu(-x) = x', () => {
    for (const [x, erf] of ERF_VALUES) {
      if (Number.isFinite(x)) expectUlps(engine.k.sigma(code('erf'), x), erf, ERF_MAX_ULPS, `${x}`);
    }
    for (const x of POINTS) {
      const gelu = (t: number) => engine.k.sigma(code('gelu'), t);
      expectClose(gelu(x) - gelu(-x), x, GELU_ODD_PART, `gelu odd part at ${x}`);
    }
  });
});

describe('erf and erfc', () => {
  it('match CPython\'s math.erf and math.erfc on the table within a few ulp', () => {
    for (const [x, erf, erfc] of ERF_VALUES) {
      expectUlps(engine.k.erf(x), erf, ERF_MAX_ULPS, `erf(${x})`);
      expectUlps(engine.k.erfc(x), erfc, ERF_MAX_ULPS, `erfc(${x})`);
    }
  });

  it('keep the sign of zero and propagate NaN', () => {
    expect(Object.is(engine.k.erf(-0), -0)).toBe(true);
    expect(Object.is(engine.k.erf(0), 0)).toBe(true);
    expect(engine.k.erf(NaN)).toBeNaN();
    expect(engine.k.erfc(NaN)).toBeNaN();
  });

  it('are odd and complementary: erf(-x) = -erf(x), erfc(-x) = 2 - erfc(x)', () => {
    for (const [x] of ERF_VALUES) {
      expect(engine.k.erf(-x)).toBe(-engine.k.erf(x));
      // For x < 0.84375 erfc is 1 - erf with its own rounding; for x < 0 the right side
      // 2 - erfc(x) would cancel. Check where erfc(x) is small and 2 - erfc(x) is exact-ish.
      if (!(x >= 0.84375)) continue;
      expectUlps(engine.k.erfc(-x), 2 - engine.k.erfc(x), ERF_MAX_ULPS, `erfc(-${x})`);
    }
  });
});

describe('exp, expm1 and log of the kernels', () => {
  it('agree with the engine\'s Math functions to within an ulp or two', async () => {
    const engine = await createEngine();
    for (const x of [-700, -20.5, -1, -1e-9, 0, 1e-12, 0.5, 1, 3.7, 88, 709]) {
      expectUlps(engine.k.exp(x), Math.exp(x), ELEMENTARY_MAX_ULPS, `exp(${x})`);
      expectUlps(engine.k.expm1(x), Math.expm1(x), ELEMENTARY_MAX_ULPS, `expm1(${x})`);
    }
    for (const x of [1e-300, 1e-9, 0.25, 1, Math.E, 10, 1e300]) {
      expectUlps(engine.k.log(x), Math.log(x), ELEMENTARY_MAX_ULPS, `log(${x})`);
    }
    expect(engine.k.log(0)).toBe(-Infinity);
    expect(engine.k.exp(-Infinity)).toBe(0);
  });
});
