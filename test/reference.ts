/**
 * Independent plain-TypeScript references for the numerical tests: the activations and
 * their derivatives written from their formulas, the network and its explicit Jacobian,
 * dense matrix helpers, a cyclic Jacobi eigensolver, and a small seeded generator for test
 * inputs. Nothing here calls the package.
 */
import type { Activation, Method, Network } from '../src/index.js';

/** Test-input generator (mulberry32), unrelated to the kernels' xoshiro256** streams. */
export class TestRandom {
  private state: number;
  private spare: number | null = null;

  constructor(seed: number) {
    this.state = seed >>> 0;
  }

  uniform(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  /** Standard normal by Box-Muller. */
  gaussian(): number {
    if (this.spare !== null) {
      const s = this.spare;
      this.spare = null;
      return s;
    }
    const u = 1 - this.uniform();
    const v = this.uniform();
    const r = Math.sqrt(-2 * Math.log(u));
    this.spare = r * Math.sin(2 * Math.PI * v);
    return r * Math.cos(2 * Math.PI * v);
  }

  gaussians(count: number): Float64Array {
    return Float64Array.from({ length: count }, () => this.gaussian());
  }

  /** count rows of dimension d, each Gaussian scaled to unit norm. */
  sphere(count: number, d: number): Float64Array {
    const out = this.gaussians(count * d);
    for (let i = 0; i < count; i++) {
      const row = out.subarray(i * d, (i + 1) * d);
      const norm = Math.hypot(...row);
      row.forEach((v, k) => { row[k] = v / norm; });
    }
    return out;
  }

  signs(count: number): Float64Array {
    return Float64Array.from({ length: count }, () => (this.uniform() < 0.5 ? 1 : -1));
  }
}

/**
 * erf by the everywhere-positive series
 * erf(x) = (2 / sqrt(pi)) e^{-x^2} sum_k 2^k x^{2k+1} / (1 3 5 ... (2k+1)),
 * which has no cancellation; accurate to a few ulp for |x| <= 6.
 */
export function erfSeries(x: number): number {
  if (x === 0) return x;
  const x2 = x * x;
  let term = x;
  let sum = x;
  for (let k = 1; k < 500; k++) {
    term *= (2 * x2) / (2 * k + 1);
    sum += term;
    if (Math.abs(term) < 1e-18 * Math.abs(sum)) break;
  }
  return (2 / Math.sqrt(Math.PI)) * Math.exp(-x2) * sum;
}

const INV_SQRT_TWO_PI = 1 / Math.sqrt(2 * Math.PI);

function normalPdf(x: number): number {
  return INV_SQRT_TWO_PI * Math.exp(-0.5 * x * x);
}

function normalCdf(x: number): number {
  return 0.5 * (1 + erfSeries(x / Math.SQRT2));
}

/** sigma(x) from its definition. */
export function sigmaRef(activation: Activation, x: number): number {
  switch (activation) {
    case 'relu': return Math.max(x, 0);
    case 'tanh': return Math.tanh(x);
    case 'erf': return erfSeries(x);
    case 'softplus': return Math.log1p(Math.exp(x));
    case 'gelu': return x * normalCdf(x);
    case 'quadratic': return 0.5 * x * x;
    case 'identity': return x;
  }
}

/** sigma'(x), differentiated by hand; relu'(0) = 0 by the package's convention. */
export function sigmaPrimeRef(activation: Activation, x: number): number {
  switch (activation) {
    case 'relu': return x > 0 ? 1 : 0;
    case 'tanh': return 1 / Math.cosh(x) ** 2;
    case 'erf': return (2 / Math.sqrt(Math.PI)) * Math.exp(-x * x);
    case 'softplus': return 1 / (1 + Math.exp(-x));
    case 'gelu': return normalCdf(x) + x * normalPdf(x);
    case 'quadratic': return x;
    case 'identity': return 1;
  }
}

/** A network with the given pieces (the test builds its own weights). */
export function makeNetwork(
  activation: Activation, W: Float64Array, a: Float64Array, d: number, alpha: number,
): Network {
  return { width: a.length, d, alpha, activation, W, a };
}

/** Z = X W^T (n x M): pre-activations <w_j, x_i>. */
export function preactivations(net: Network, X: Float64Array): Float64Array {
  const { d, width: M } = net;
  const n = X.length / d;
  const Z = new Float64Array(n * M);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < M; j++) {
      let s = 0;
      for (let k = 0; k < d; k++) s += net.W[j * d + k] * X[i * d + k];
      Z[i * M + j] = s;
    }
  }
  return Z;
}

/** f(x_i; W) = (alpha / sqrt M) sum_j a_j sigma(<w_j, x_i>), in the test's arithmetic. */
export function forwardRef(net: Network, X: Float64Array): Float64Array {
  const M = net.width;
  const n = X.length / net.d;
  const Z = preactivations(net, X);
  const scale = net.alpha / Math.sqrt(M);
  return Float64Array.from({ length: n }, (_, i) => {
    let s = 0;
    for (let j = 0; j < M; j++) s += net.a[j] * sigmaRef(net.activation, Z[i * M + j]);
    return scale * s;
  });
}

/** Phi[i, j d + k] = (alpha / sqrt M) a_j sigma'(<w_j, x_i>) x_ik, formed entry by entry. */
export function jacobianRef(net: Network, X: Float64Array): Float64Array {
  const { d, width: M } = net;
  const n = X.length / d;
  const p = M * d;
  const Z = preactivations(net, X);
  const scale = net.alpha / Math.sqrt(M);
  const phi = new Float64Array(n * p);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < M; j++) {
      const c = scale * net.a[j] * sigmaPrimeRef(net.activation, Z[i * M + j]);
      for (let k = 0; k < d; k++) phi[i * p + j * d + k] = c * X[i * d + k];
    }
  }
  return phi;
}

/** A (r x c) times v (c). */
export function matVec(A: Float64Array, rows: number, cols: number, v: ArrayLike<number>) {
  return Float64Array.from({ length: rows }, (_, i) => {
    let s = 0;
    for (let k = 0; k < cols; k++) s += A[i * cols + k] * v[k];
    return s;
  });
}

/** A^T (c x r) times u (r), for A r x c. */
export function matTVec(A: Float64Array, rows: number, cols: number, u: ArrayLike<number>) {
  const out = new Float64Array(cols);
  for (let i = 0; i < rows; i++) {
    for (let k = 0; k < cols; k++) out[k] += A[i * cols + k] * u[i];
  }
  return out;
}

/** A A^T (r x r) for A r x c. */
export function gram(A: Float64Array, rows: number, cols: number): Float64Array {
  const K = new Float64Array(rows * rows);
  for (let i = 0; i < rows; i++) {
    for (let l = 0; l < rows; l++) {
      let s = 0;
      for (let k = 0; k < cols; k++) s += A[i * cols + k] * A[l * cols + k];
      K[i * rows + l] = s;
    }
  }
  return K;
}

export function dotRef(x: ArrayLike<number>, y: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < x.length; i++) s += x[i] * y[i];
  return s;
}

export function norm(x: ArrayLike<number>): number {
  return Math.sqrt(dotRef(x, x));
}

export function subtract(x: ArrayLike<number>, y: ArrayLike<number>): Float64Array {
  return Float64Array.from({ length: x.length }, (_, i) => x[i] - y[i]);
}

export function add(x: ArrayLike<number>, y: ArrayLike<number>): Float64Array {
  return Float64Array.from({ length: x.length }, (_, i) => x[i] + y[i]);
}

/** The empirical risk (1 / 2n) ||y - f||^2. */
export function riskOf(y: ArrayLike<number>, f: ArrayLike<number>): number {
  const r = subtract(y, f);
  return dotRef(r, r) / (2 * y.length);
}

/** Eigen-decomposition of a symmetric matrix: A = V diag(values) V^T, V's columns. */
export interface Eigen {
  values: Float64Array;
  /** n x n row-major; column m is the eigenvector of values[m]. */
  vectors: Float64Array;
}

/**
 * Cyclic Jacobi rotations (Golub and Van Loan, Algorithm 8.5.3) on a copy of the symmetric
 * n x n matrix A, until the off-diagonal mass is below 1e-30 of the total.
 */
export function jacobiEigen(A: Float64Array, n: number): Eigen {
  const a = Float64Array.from(A);
  const v = new Float64Array(n * n);
  for (let i = 0; i < n; i++) v[i * n + i] = 1;
  const total = dotRef(a, a);
  for (let sweep = 0; sweep < 100; sweep++) {
    let off = 0;
    for (let p = 0; p < n; p++) for (let q = p + 1; q < n; q++) off += 2 * a[p * n + q] ** 2;
    if (off <= 1e-30 * total) break;
    for (let p = 0; p < n - 1; p++) {
      for (let q = p + 1; q < n; q++) {
        const apq = a[p * n + q];
        if (apq === 0) continue;
        const theta = (a[q * n + q] - a[p * n + p]) / (2 * apq);
        const t = Math.sign(theta || 1) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
        const c = 1 / Math.sqrt(t * t + 1);
        const s = t * c;
        for (let k = 0; k < n; k++) {
          const akp = a[k * n + p];
          const akq = a[k * n + q];
          a[k * n + p] = c * akp - s * akq;
          a[k * n + q] = s * akp + c * akq;
        }
        for (let k = 0; k < n; k++) {
          const apk = a[p * n + k];
          const aqk = a[q * n + k];
          a[p * n + k] = c * apk - s * aqk;
          a[q * n + k] = s * apk + c * aqk;
        }
        for (let k = 0; k < n; k++) {
          const vkp = v[k * n + p];
          const vkq = v[k * n + q];
          v[k * n + p] = c * vkp - s * vkq;
          v[k * n + q] = s * vkp + c * vkq;
        }
      }
    }
  }
  return { values: Float64Array.from({ length: n }, (_, i) => a[i * n + i]), vectors: v };
}

/** V diag(g(lambda)) V^T u for a spectral function g. */
export function spectralApply(
  eig: Eigen, g: (lambda: number) => number, u: ArrayLike<number>,
): Float64Array {
  const n = eig.values.length;
  const V = eig.vectors;
  const coef = new Float64Array(n);
  for (let m = 0; m < n; m++) {
    let s = 0;
    for (let i = 0; i < n; i++) s += V[i * n + m] * u[i];
    coef[m] = g(eig.values[m]) * s;
  }
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    for (let m = 0; m < n; m++) out[i] += V[i * n + m] * coef[m];
  }
  return out;
}

export function maxOf(values: ArrayLike<number>): number {
  return Array.from(values).reduce((m, v) => Math.max(m, v), -Infinity);
}

/** The exact flow's factor -expm1(-lambda t / n) / lambda (t / n at lambda = 0). */
export function exactFactor(t: number, n: number) {
  return (lambda: number) => (lambda === 0 ? t / n : -Math.expm1((-lambda * t) / n) / lambda);
}

/**
 * The method's stability polynomial R(z) minus 1, z = lambda dt / n: one step multiplies
 * each eigencomponent of the residual by R(z).
 */
export function stabilityMinusOne(method: Method, z: number): number {
  return method === 'rk4' ? z * (-1 + z * (1 / 2 + z * (-1 / 6 + z / 24))) : -z;
}

/**
 * R(z)^N per mode: the discrete residual factor after N steps. Needs R(z) > 0: true for
 * RK4 at every z (an even Taylor polynomial of e^-z) and for Euler at z < 1.
 */
export function discreteResidualFactor(method: Method, dt: number, N: number, n: number) {
  return (lambda: number) => {
    const z = (lambda * dt) / n;
    return Math.exp(N * Math.log1p(stabilityMinusOne(method, z)));
  };
}

/**
 * (1 - R(z)^N) / lambda per mode (N dt / n at lambda = 0): the discrete counterpart of
 * exactFactor, since the displacement is Phi0^T K0^+ (r0 - r_N) on the range of K0.
 * Same domain as discreteResidualFactor.
 */
export function discreteFactor(method: Method, dt: number, N: number, n: number) {
  return (lambda: number) => {
    if (lambda === 0) return (N * dt) / n;
    const z = (lambda * dt) / n;
    return -Math.expm1(N * Math.log1p(stabilityMinusOne(method, z))) / lambda;
  };
}
