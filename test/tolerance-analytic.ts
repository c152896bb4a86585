/**
 * Every tolerance of the analytic-NTK and width-sweep tests, with the value
 * measured when it was set (x86-64, the release build of the kernels) and
 * the margin above it. A tolerance allows |actual - expected| <= abs + rel
 * |expected|. The shape and `expectClose` follow the suite's common
 * tolerance helper so that these can move into it unchanged.
 */
import { expect } from 'vitest';

export interface Tolerance {
  /** Allowed error relative to |expected|. */
  rel: number;
  /** Allowed absolute error (a floor for entries near zero). */
  abs: number;
}

/**
 * A closed form evaluated twice, in the kernels and in the test (acos, asin,
 * sqrt in two libms, a few roundings): 1e-14 relative, 1e-15 absolute.
 */
export const CLOSED_FORM_ROUNDING: Tolerance = { rel: 1e-14, abs: 1e-15 };

/** Gauss-Hermite nodes and weights against NumPy's hermegauss (measured 4e-16 relative). */
export const HERMITE_RULE: Tolerance = { rel: 1e-13, abs: 1e-300 };

/** Moments E[Z^(2k)], k <= 6, of the rule (measured 3e-15 relative up to order 512). */
export const HERMITE_MOMENTS: Tolerance = { rel: 1e-13, abs: 0 };

/**
 * Closed form against forced quadrature at order 64 for erf, identity and
 * quadratic on t in [-1, 1] (measured 5.1e-12, erf's NT part at |t| = 1).
 */
export const CLOSED_VS_QUADRATURE: Tolerance = { rel: 0, abs: 5e-11 };

/**
 * relu's closed form against tensor Gauss-Hermite at order 64: the kink makes
 * the rule converge slowly (measured 1.8e-2 for the NT part near t = -0.7,
 * 2.1e-3 for RF).
 */
export const RELU_QUADRATURE: Tolerance = { rel: 0, abs: 3e-2 };

/** tanh at orders 64 and 128 on t in [-1, 1] (measured 9.7e-8 at |t| = 1). */
export const TANH_ORDERS: Tolerance = { rel: 0, abs: 5e-7 };

/** gelu and softplus at orders 64 and 128 (measured 7.2e-16). */
export const SMOOTH_ORDERS: Tolerance = { rel: 0, abs: 1e-14 };

/**
 * The default order 64 against SciPy's adaptive reference on rows of norm up
 * to 1.6: tanh is limited by its poles (measured 1.1e-5); softplus and gelu
 * are not (measured 4.2e-13).
 */
export const GENERAL_NORM_TANH: Tolerance = { rel: 0, abs: 5e-5 };
export const GENERAL_NORM_SMOOTH: Tolerance = { rel: 0, abs: 5e-12 };

/**
 * Order 256 against the same reference (measured 4.2e-13, tanh), and
 * against the general-norm closed forms (measured 1.1e-14, quadratic).
 */
export const GENERAL_NORM_HIGH_ORDER: Tolerance = { rel: 0, abs: 5e-12 };

/**
 * The empirical NTK of a symmetric network of width M against the limit:
 * ||K_0 - K_inf||_F / ||K_inf||_F <= WIDE_NETWORK_SQRT_M / sqrt(M) (measured
 * up to 2.7 over eight seeds and four activations on five rows; the seeds
 * are fixed, so nothing is random between runs).
 */
export const WIDE_NETWORK_SQRT_M = 5;

/** The fitted log-log slope of a small width sweep against M (expected -1/2). */
export const WIDTH_SLOPE = { min: -0.7, max: -0.3 };

/**
 * Asserts |actual - expected| <= tol.abs + tol.rel |expected| for a number or
 * for every entry of two equally long arrays; the failure names `label` and
 * the first bad index with both values.
 */
export function expectClose(
  actual: number | ArrayLike<number>, expected: number | ArrayLike<number>, tol: Tolerance,
  label: string,
): void {
  const a = typeof actual === 'number' ? [actual] : Array.from(actual);
  const e = typeof expected === 'number' ? [expected] : Array.from(expected);
  expect(a.length, `${label}: length`).toBe(e.length);
  for (let i = 0; i < e.length; i++) {
    const allowed = tol.abs + tol.rel * Math.abs(e[i]);
    const error = Math.abs(a[i] - e[i]);
    if (!(error <= allowed)) {
      const where = typeof expected === 'number' ? label : `${label}[${i}]`;
      expect.fail(
        `${where}: got ${a[i]}, expected ${e[i]} (error ${error.toExponential(2)} > ` +
          `allowed ${allowed.toExponential(2)})`,
      );
    }
  }
}
