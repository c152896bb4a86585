/**
 * Every numerical tolerance of the test suite, with why it has its size, and
 * the helpers that apply them. A tolerance allows |actual - expected| <= abs + rel |expected|
 * (per entry for arrays).
 */
import { expect } from 'vitest';

export interface Tolerance {
  /** Allowed error relative to |expected|. */
  rel: number;
  /** Allowed absolute error (a floor for entries near zero). */
  abs: number;
}

/** Machine epsilon of f64. */
export const EPS = 2 ** -52;

/**
 * Two summation orders of the same short sums and products (n, M, d <= 16): each result
 * carries a few eps of its largest terms, so 1e-13 leaves a factor of ~100 for
 * cancellation. Entries are compared against the largest entry (see `relativeToLargest`).
 */
export const ROUNDOFF: Tolerance = { rel: 1e-13, abs: 0 };

/** gemm against the textbook triple loop, k = 9 products per entry of size ~4. */
export const GEMM: Tolerance = { rel: 1e-13, abs: 1e-13 };

/**
 * Relative step of the central differences: h = FD_STEP * max(1, |x|). It balances the
 * truncation error h^2 |g'''| / 6 (~1e-13) against the rounding error eps |g| / h (~2e-10).
 */
export const FD_STEP = 1e-6;

/**
 * Central differences with FD_STEP of functions of size <= ~10 whose third derivative is
 * O(1): the error is ~2e-10 |g| + 1e-13, so 1e-8 is ~10x to 50x above it and still far
 * below any wrong-derivative mistake (which is O(1) relative).
 */
export const FINITE_DIFFERENCE: Tolerance = { rel: 1e-7, abs: 1e-8 };

/**
 * The risk is quadratic in f, so its central difference adds rounding of the n-term sum
 * of squares: same order as FINITE_DIFFERENCE, with 10x more room.
 */
export const RISK_FINITE_DIFFERENCE: Tolerance = { rel: 1e-6, abs: 1e-7 };

/**
 * Positive semi-definiteness: eigenvalues of a Gram matrix computed in floating point may
 * be negative by ~n eps lambda_max; allow 1e-12 lambda_max.
 */
export const PSD_NEGATIVE_SLACK = 1e-12;

/**
 * The test's own erf (a positive series) against CPython's libm values: each is within
 * about 1 ulp of the truth for |x| <= 6, so 4e-15 relative (~20 ulp) checks the helper
 * without chasing its last bits.
 */
export const REFERENCE_ERF: Tolerance = { rel: 4e-15, abs: 1e-300 };

/**
 * erf and erfc against CPython's libm (glibc): both implementations are within 1 ulp of
 * the true value, so they may differ by at most 2 ulp.
 */
export const ERF_MAX_ULPS = 2;

/**
 * gelu(x) - gelu(-x) = x (Phi(x) + Phi(-x)) = x: two products x Phi(+-x), each with the
 * erfc rounding (1-2 ulp of Phi) and one multiplication, and the subtraction: 8 eps |x|.
 */
export const GELU_ODD_PART: Tolerance = { rel: 8 * EPS, abs: 0 };

/** Orthonormality V V^T = I of a Jacobi eigenbasis after ~10 sweeps of rotations, n <= 16. */
export const ORTHONORMAL: Tolerance = { rel: 0, abs: 1e-14 };

/**
 * Activations with a libm counterpart in JavaScript (tanh, log1p/exp): two ports that are
 * each within ~1 ulp, plus one rounding in a composition: 4 ulp.
 */
export const ACTIVATION_MAX_ULPS = 4;

/**
 * Gaussian draws recomputed in the test from the same uniforms: log and sqrt in
 * AssemblyScript (musl port) and in V8 may each be 1 ulp off, and f = sqrt(-2 ln s / s)
 * compounds a few roundings: 8 ulp relative to the draw.
 */
export const GAUSSIAN_MAX_ULPS = 8;

/** Unit norm of sphere rows: a d-term sum of squares, a sqrt and a division: (d + 3) eps. */
export function sphereNorm(d: number): Tolerance {
  return { rel: 0, abs: (d + 3) * EPS };
}

/**
 * Sample moments of N Gaussian draws: each is within this many of its standard errors of
 * the population value. The draws are seeded (nothing is random between runs), and 5
 * standard errors would be exceeded by chance with probability below 1e-6.
 */
export const STANDARD_ERRORS = 5;

/**
 * Closed-form solution of the linear flow against RK4 at a step dt with
 * z = dt lambda_max / n <= 0.02: per mode the error is at most (lambda t / n) z^4 / 120
 * <= 4e-9 relative to ||r0|| for lambda t / n <= 3, so 1e-7 relative to the largest entry.
 */
export const RK4_SMALL_STEP: Tolerance = { rel: 1e-7, abs: 0 };

/**
 * The discrete flow (RK4 or Euler, N steps) against its exact discrete solution
 * V diag(R(z)^N) V^T r0, R the method's stability polynomial: only rounding remains, a few
 * eps per step for up to ~200 steps and the eigenvectors' ~1e-15 error: 1e-11 relative.
 */
export const DISCRETE_FLOW: Tolerance = { rel: 1e-11, abs: 0 };

/**
 * Power iteration returns ||K v|| for a unit v, which never exceeds lambda_max; the Jacobi
 * value it is compared with may sit below the truth by rounding (~n eps): allow 1e-14.
 */
export const LAMBDA_MAX_ROUNDING = 1e-14;

/** Eigenvalues of a Gram matrix of entries O(1) whose exact value is 0 are below this. */
export const ZERO_EIGENVALUE = 1e-12;

/**
 * relu test points keep every pre-activation this far from the kink: 1000 times the
 * central-difference step, so that no difference straddles it.
 */
export const KINK_MARGIN = 1000 * FD_STEP;

/** Bounds on the observed convergence orders (log2 of error ratios at dt, dt/2, dt/4). */
export const RK4_ORDER = { min: 3.7, max: 4.3 };
export const EULER_ORDER = { min: 0.9, max: 1.1 };

/**
 * Power iteration stops when the Rayleigh quotient changes by <= 1e-10 relatively; the
 * error left is that change times rho^2 / (1 - rho^2), rho = lambda_2 / lambda_1 <= 0.9 on
 * the test problems: < 1e-9. The Jacobi eigenvalue is accurate to ~1e-15.
 */
export const LAMBDA_MAX: Tolerance = { rel: 1e-8, abs: 0 };

/** `tol` with its absolute floor raised to tol.rel times the largest |expected| entry. */
export function relativeToLargest(tol: Tolerance, expected: number | ArrayLike<number>): Tolerance {
  const values = typeof expected === 'number' ? [expected] : Array.from(expected);
  const largest = values.reduce((m, v) => Math.max(m, Math.abs(v)), 0);
  return { rel: tol.rel, abs: Math.max(tol.abs, tol.rel * largest) };
}

/**
 * Asserts |actual - expected| <= tol.abs + tol.rel |expected| for a number or for every
 * entry of two equally long arrays; the failure message names `label` and the first bad
 * index with both values.
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
      const where = e.length === 1 && typeof expected === 'number' ? label : `${label}[${i}]`;
      expect.fail(
        `${where}: got ${a[i]}, expected ${e[i]} (error ${error.toExponential(2)} > ` +
          `allowed ${allowed.toExponential(2)})`,
      );
    }
  }
}

/** The distance between two doubles in units in the last place (their order in the line). */
export function ulpDistance(a: number, b: number): number {
  if (Object.is(a, b)) return 0;
  if (Number.isNaN(a) || Number.isNaN(b)) return Infinity;
  const ordered = (x: number): bigint => {
    const bits = new BigInt64Array(new Float64Array([x]).buffer)[0];
    return bits < 0n ? -(bits & 0x7fffffffffffffffn) : bits;
  };
  const diff = ordered(a) - ordered(b);
  return Number(diff < 0n ? -diff : diff);
}

/** Asserts that `actual` is within `maxUlps` units in the last place of `expected`. */
export function expectUlps(actual: number, expected: number, maxUlps: number, label: string) {
  const distance = ulpDistance(actual, expected);
  expect(
    distance <= maxUlps,
    `${label}: got ${actual}, expected ${expected} (${distance} ulp > ${maxUlps})`,
  ).toBe(true);
}

/**
 * Backward error of a Householder + QL eigen-decomposition: ||Q diag Q^T - A||_F and
 * ||Q^T Q - I|| are bounded by a modest multiple of n eps ||A||; 20 n eps leaves room for the
 * constants without letting a wrong rotation (an O(1) error) through.
 */
export const EIGEN_BACKWARD = 20;

/** Eigenvalues and singular values from two different algorithms (QL against Jacobi). */
export const EIGEN_AGAINST_JACOBI: Tolerance = { rel: 1e-12, abs: 0 };

/**
 * The maximum of |sigma''| found on a grid of spacing 1e-4 against the true supremum: at a
 * smooth maximum the grid misses it by at most |sigma''''| h^2 / 8 ~ 1e-9 relative.
 */
export const SUP_ON_GRID: Tolerance = { rel: 1e-8, abs: 0 };

/**
 * RK4 at dt = 0.01 n / lambda_max against the exact linear flow: the local error per step
 * is about (0.01)^5 / 120 ~ 1e-12 of the fastest mode, and it accumulates to ~1e-11 over
 * hundreds of steps; 1e-9 is far below any wrong-formula error.
 */
export const CLOSED_FORM_AGAINST_RK4: Tolerance = { rel: 1e-9, abs: 1e-15 };

/** The one-parameter toy's fitted rate against 1/alpha on alphas 8..256. */
export const TOY_SLOPE = 0.05;

/**
 * The kernels of the trained second layer and the mean-field scaling against the same
 * formula evaluated in plain TypeScript: both in f64, summed in different orders, so they
 * agree to a few units in the last place of the largest term.
 */
export const ROUNDING: Tolerance = { rel: 1e-12, abs: 1e-13 };

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

// Analytic NTK and width sweep: each value measured when it was set (x86-64, release
// kernels), with the margin above it.

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

/** The kernels' exp, expm1 and log (musl ports) against V8's: both within 1 ulp of the truth. */
export const ELEMENTARY_MAX_ULPS = 2;
