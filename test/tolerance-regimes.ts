/**
 * Tolerances of the tests of the mean-field scaling and of the trained second layer, in one
 * place. A check passes when |actual - expected| <= abs + rel |expected|.
 */
import { expect } from 'vitest';

export interface Tolerance {
  rel: number;
  abs: number;
}

/**
 * The kernels against the same formula evaluated in plain TypeScript: both in f64, summed
 * in different orders, so they agree to a few units in the last place of the largest term.
 */
export const ROUNDING: Tolerance = { rel: 1e-12, abs: 1e-13 };

/** Finite-difference step for central differences of smooth functions of order one. */
export const FD_STEP = 1e-5;

/**
 * Central differences with step FD_STEP: truncation h^2 |f'''| / 6 of about 1e-11 plus
 * cancellation eps |f| / h of about 1e-11, with room for third derivatives of order ten.
 */
export const FINITE_DIFFERENCE: Tolerance = { rel: 1e-7, abs: 1e-8 };

/**
 * RK4 with a step of 1/40 of n / lambda_max(K_0) against the closed-form linear flow: each
 * step errs by about (dt lambda_max / n)^5 / 120 = 1e-10 of the fastest mode, which has
 * decayed long before the end; the errors left are near 1e-12 of the displacement.
 */
export const INTEGRATION: Tolerance = { rel: 1e-9, abs: 1e-12 };

/**
 * Power iteration's lambda_max against a Jacobi eigensolver: the iteration stops when the
 * Rayleigh quotient changes by 1e-10 relatively and returns ||K v||, a slight underestimate.
 */
export const POWER_ITERATION: Tolerance = { rel: 1e-7, abs: 0 };

/**
 * A ratio whose numerator is a difference of nearby matrices, ||K_t - K_0||_F / ||K_0||_F:
 * rounding of order 1e-15 ||K|| is amplified by ||K|| / ||K_t - K_0|| (about 50 here).
 */
export const CANCELLATION: Tolerance = { rel: 1e-10, abs: 0 };

/** `tolerance` with its absolute part set to its relative part times `scale`. */
export function relativeTo(tolerance: Tolerance, scale: number): Tolerance {
  return { rel: tolerance.rel, abs: tolerance.rel * scale };
}

/** Expects |actual - expected| <= abs + rel |expected|, naming `what` on failure. */
export function expectClose(
  actual: number, expected: number, tolerance: Tolerance, what = 'value',
): void {
  const bound = tolerance.abs + tolerance.rel * Math.abs(expected);
  const error = Math.abs(actual - expected);
  expect(error, `${what}: got ${actual}, expected ${expected} (bound ${bound})`)
    .toBeLessThanOrEqual(bound);
}

/** expectClose for every entry of two arrays of the same length. */
export function expectAllClose(
  actual: ArrayLike<number>, expected: ArrayLike<number>, tolerance: Tolerance, what = 'array',
): void {
  expect(actual.length, `${what}: length`).toBe(expected.length);
  for (let i = 0; i < expected.length; i++) {
    expectClose(actual[i], expected[i], tolerance, `${what}[${i}]`);
  }
}
