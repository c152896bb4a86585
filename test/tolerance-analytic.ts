/**
 * Tolerances of the analytic-NTK and width-sweep tests, in one place. Each
 * says what it bounds and what was measured when it was set (x86-64, the
 * release build of the kernels); the margin over the measurement is stated.
 * Comparisons are |got - expected| <= abs + rel |expected| via `expectClose`.
 */
import { expect } from 'vitest';

export interface Tolerance {
  abs: number;
  rel: number;
}

export const TOL = {
  /** Rounding only: a formula evaluated two ways (closed form in the kernels and in the test). */
  rounding: { abs: 1e-15, rel: 1e-14 },
  /** Gauss-Hermite nodes and weights against NumPy's hermegauss (measured 4e-16 relative). */
  hermiteRule: { abs: 1e-300, rel: 1e-13 },
  /** Moments E[Z^(2k)] of the rule, relative (measured 3e-15 up to order 512). */
  hermiteMoments: { abs: 0, rel: 1e-13 },
  /**
   * Closed form against forced quadrature at order 64 for erf, identity and
   * quadratic on t in [-1, 1] (measured 5.1e-12, erf's NT part at |t| = 1).
   */
  closedVsQuadrature: { abs: 5e-11, rel: 0 },
  /**
   * relu's closed form against its tensor Gauss-Hermite quadrature at order
   * 64: the kink makes the rule converge slowly (measured 1.8e-2 for the NT
   * part near t = -0.7, 2.1e-3 for RF).
   */
  reluQuadrature: { abs: 3e-2, rel: 0 },
  /** tanh at orders 64 and 128 on t in [-1, 1] (measured 9.7e-8 at |t| = 1). */
  tanhOrders: { abs: 5e-7, rel: 0 },
  /** gelu and softplus at orders 64 and 128 (measured 7.2e-16). */
  smoothOrders: { abs: 1e-14, rel: 0 },
  /**
   * Default order 64 against SciPy's adaptive reference, rows of norm up to
   * 1.6: tanh is limited by its poles (measured 1.1e-5), softplus and gelu
   * are not (measured 4.2e-13).
   */
  generalNormTanh: { abs: 5e-5, rel: 0 },
  generalNormSmooth: { abs: 5e-12, rel: 0 },
  /**
   * Order 256 against the same reference (measured 4.2e-13, tanh), and
   * against the general-norm closed forms (measured 1.1e-14, quadratic).
   */
  generalNormHighOrder: { abs: 5e-12, rel: 0 },
  /**
   * The empirical NTK of a symmetric network of width M against the limit:
   * ||K_0 - K_inf||_F / ||K_inf||_F <= this / sqrt(M) (measured up to 2.7
   * over eight seeds and four activations on five rows).
   */
  wideNetworkSqrtM: 5,
  /** The fitted log-log slope of a small width sweep (expected -1/2). */
  widthSlope: { min: -0.7, max: -0.3 },
} as const;

/** Asserts |got - expected| <= tol.abs + tol.rel |expected|; the failure shows both sides. */
export function expectClose(got: number, expected: number, tol: Tolerance, what = ''): void {
  expect(Math.abs(got - expected), `${what}: got ${got}, expected ${expected}`)
    .toBeLessThanOrEqual(tol.abs + tol.rel * Math.abs(expected));
}

/** The largest |a[i] - b[i]|. */
export function maxAbsDifference(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let worst = 0;
  for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs(a[i] - b[i]));
  return worst;
}
