/**
 * The two-layer network of MATH.md written out in plain TypeScript, straight from the
 * formulas and independent of the kernels: the reference the regime tests compare against.
 *
 *   f(x) = scale sum_j a_j sigma(<w_j, x>),  scale = alpha / sqrt(M) or alpha / M,
 *   theta = W (M d values) or (W, a) (M d + M values, the weights first).
 */

import { jacobiEigen, norm } from './reference.js';

/** The activations these references know, with sigma and sigma'. */
export const REFERENCE_ACTIVATIONS = {
  tanh: { sigma: Math.tanh, slope: (z: number) => 1 - Math.tanh(z) ** 2 },
  relu: { sigma: (z: number) => Math.max(z, 0), slope: (z: number) => (z > 0 ? 1 : 0) },
  softplus: {
    sigma: (z: number) => Math.log(1 + Math.exp(z)),
    slope: (z: number) => 1 / (1 + Math.exp(-z)),
  },
} as const;
export type ReferenceActivation = keyof typeof REFERENCE_ACTIVATIONS;

export interface ReferenceNetwork {
  width: number;
  d: number;
  scale: number;
  activation: ReferenceActivation;
  W: ArrayLike<number>;
  a: ArrayLike<number>;
  trainSecondLayer: boolean;
}

function preActivation(net: ReferenceNetwork, X: ArrayLike<number>, i: number, j: number) {
  let z = 0;
  for (let k = 0; k < net.d; k++) z += net.W[j * net.d + k] * X[i * net.d + k];
  return z;
}

/** f(x_i) for each row of X (n x d), summed in index order. */
export function referenceForward(net: ReferenceNetwork, X: ArrayLike<number>): Float64Array {
  const n = X.length / net.d;
  const { sigma } = REFERENCE_ACTIVATIONS[net.activation];
  return Float64Array.from({ length: n }, (_, i) => {
    let sum = 0;
    for (let j = 0; j < net.width; j++) sum += net.a[j] * sigma(preActivation(net, X, i, j));
    return net.scale * sum;
  });
}

/** The number of parameters P: M d, plus M when the second layer is trained. */
export function referenceParameterCount(net: ReferenceNetwork): number {
  return net.width * net.d + (net.trainSecondLayer ? net.width : 0);
}

/**
 * The explicit Jacobian (n x P, row-major): Phi[i, j d + k] = scale a_j sigma'(z_ij) x_ik
 * and, when a is trained, Phi[i, M d + j] = scale sigma(z_ij).
 */
export function referenceJacobian(net: ReferenceNetwork, X: ArrayLike<number>): Float64Array {
  const n = X.length / net.d;
  const P = referenceParameterCount(net);
  const { sigma, slope } = REFERENCE_ACTIVATIONS[net.activation];
  const phi = new Float64Array(n * P);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < net.width; j++) {
      const z = preActivation(net, X, i, j);
      for (let k = 0; k < net.d; k++) {
        phi[i * P + j * net.d + k] = net.scale * net.a[j] * slope(z) * X[i * net.d + k];
      }
      if (net.trainSecondLayer) phi[i * P + net.width * net.d + j] = net.scale * sigma(z);
    }
  }
  return phi;
}

/** A B^T for A (rows x inner) and B (cols x inner), row-major. */
export function timesTransposed(
  A: ArrayLike<number>, B: ArrayLike<number>, rows: number, cols: number, inner: number,
): Float64Array {
  const out = new Float64Array(rows * cols);
  for (let i = 0; i < rows; i++) {
    for (let l = 0; l < cols; l++) {
      let s = 0;
      for (let p = 0; p < inner; p++) s += A[i * inner + p] * B[l * inner + p];
      out[i * cols + l] = s;
    }
  }
  return out;
}

/** A^T u for A (rows x cols) row-major. */
export function transposeTimes(
  A: ArrayLike<number>, u: ArrayLike<number>, rows: number, cols: number,
): Float64Array {
  const out = new Float64Array(cols);
  for (let i = 0; i < rows; i++) {
    for (let p = 0; p < cols; p++) out[p] += A[i * cols + p] * u[i];
  }
  return out;
}

/** A v for A (rows x cols) row-major. */
export function times(
  A: ArrayLike<number>, v: ArrayLike<number>, rows: number, cols: number,
): Float64Array {
  return Float64Array.from({ length: rows }, (_, i) => {
    let s = 0;
    for (let p = 0; p < cols; p++) s += A[i * cols + p] * v[p];
    return s;
  });
}

export { norm, subtract as difference } from './reference.js';

/**
 * Eigenvalues and orthonormal eigenvectors of a symmetric n x n matrix (the cyclic Jacobi
 * solver of reference.ts): the vectors are the columns of an n x n row-major matrix.
 */
export function symmetricEigen(
  K: ArrayLike<number>, n: number,
): { values: Float64Array; vectors: Float64Array } {
  return jacobiEigen(Float64Array.from(K), n);
}

/**
 * The linearised flow in closed form (MATH.md, training dynamics) with K_0 = Q diag(lambda)
 * Q^T: residual Q diag(exp(-lambda t / n)) Q^T r0 and displacement
 * Phi0^T Q diag(-expm1(-lambda t / n) / lambda) Q^T r0 (t / n where lambda = 0).
 */
export function closedFormLinearFlow(
  phi0: ArrayLike<number>, K0: ArrayLike<number>, r0: ArrayLike<number>, n: number, P: number,
  t: number,
): { residual: Float64Array; displacement: Float64Array } {
  const { values, vectors } = symmetricEigen(K0, n);
  const residual = new Float64Array(n);
  const weights = new Float64Array(n);
  for (let e = 0; e < n; e++) {
    let projection = 0;
    for (let i = 0; i < n; i++) projection += vectors[i * n + e] * r0[i];
    const lambda = values[e];
    const decay = Math.exp((-lambda * t) / n);
    const gain = lambda === 0 ? t / n : -Math.expm1((-lambda * t) / n) / lambda;
    for (let i = 0; i < n; i++) {
      residual[i] += vectors[i * n + e] * decay * projection;
      weights[i] += vectors[i * n + e] * gain * projection;
    }
  }
  return { residual, displacement: transposeTimes(phi0, weights, n, P) };
}
