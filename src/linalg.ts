/**
 * Symmetric eigen-decomposition and the solves it enables, for kernel
 * matrices such as K_0 = Phi_0 Phi_0^T.
 *
 * Matrices are row-major Float64Arrays. Results are fresh arrays; nothing
 * returned aliases wasm memory.
 */
import { SpecError, shown } from './spec.js';
import type { Engine } from './wasm.js';

/** A = sum_i values[i] q_i q_i^T, values ascending, q_i = row i of `vectors`. */
export interface SymmetricEigen {
  n: number;
  /** Eigenvalues in ascending order (n values). */
  values: Float64Array;
  /** n x n, row-major; row i is the unit eigenvector of values[i]. */
  vectors: Float64Array;
}

/**
 * Eigen-decomposition of the symmetric n x n matrix A (Householder
 * tridiagonalisation, then QL iteration with implicit shifts). Backward
 * stable: reconstruction and orthogonality errors are a small multiple of
 * n eps ||A||. Cost: about 9 n^3 flops and 2 n^2 doubles of wasm memory.
 *
 * Throws SpecError when A is not a square array of finite numbers or is
 * not symmetric (entries compared exactly: symmetrise first if needed).
 *
 * @example
 *   const { values } = symmetricEigen(engine, Float64Array.of(2, 1, 1, 2));
 *   // values = [1, 3]
 */
export function symmetricEigen(
  engine: Engine, A: Float64Array, field = 'A',
): SymmetricEigen {
  const n = Math.round(Math.sqrt(A.length));
  if (n === 0 || n * n !== A.length) {
    throw new SpecError(
      field, `${field} must hold n x n values for some n >= 1; got ${A.length} values`,
    );
  }
  for (let i = 0; i < n; i++) {
    for (let j = 0; j <= i; j++) {
      const aij = A[i * n + j];
      if (!Number.isFinite(aij)) {
        throw new SpecError(
          field, `${field}[${i}][${j}] must be a finite number; got ${shown(aij)}`,
        );
      }
      if (aij !== A[j * n + i]) {
        throw new SpecError(
          field,
          `${field} must be symmetric; got ${field}[${i}][${j}] = ${aij} but ` +
            `${field}[${j}][${i}] = ${A[j * n + i]}`,
        );
      }
    }
  }
  return engine.scope((mem) => {
    const vectors = mem.allocFrom(A);
    const values = mem.alloc(n);
    const work = mem.alloc(n);
    if (engine.k.symmetricEigen(vectors, n, values, vectors, work) !== 1) {
      throw new Error(`the QL iteration did not converge for the ${n} x ${n} matrix ${field}`);
    }
    return { n, values: engine.read(values, n), vectors: engine.read(vectors, n * n) };
  });
}

/**
 * Eigenvalues at or below this are treated as zero by the solves below:
 * n eps max |lambda|, the size of the rounding error of the decomposition.
 */
export function zeroThreshold(eig: SymmetricEigen): number {
  const largest = Math.max(Math.abs(eig.values[0]), Math.abs(eig.values[eig.n - 1]));
  return eig.n * Number.EPSILON * largest;
}

/** Coefficients c = Q^T b of b in the eigenbasis (c[i] = <q_i, b>). Cost: n^2. */
export function toEigenbasis(eig: SymmetricEigen, b: ArrayLike<number>): Float64Array {
  const { n, vectors } = eig;
  const c = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let s = 0;
    for (let k = 0; k < n; k++) s += vectors[i * n + k] * b[k];
    c[i] = s;
  }
  return c;
}

/** The vector sum_i c[i] q_i, back from eigenbasis coefficients. Cost: n^2. */
export function fromEigenbasis(eig: SymmetricEigen, c: ArrayLike<number>): Float64Array {
  const { n, vectors } = eig;
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const ci = c[i];
    if (ci === 0) continue;
    for (let k = 0; k < n; k++) out[k] += ci * vectors[i * n + k];
  }
  return out;
}

/**
 * The minimum-norm least-squares solution x = A^+ b of A x = b, with
 * eigenvalues at or below `zeroThreshold` dropped (for a non-singular A,
 * x = A^{-1} b). Cost: 2 n^2 given the decomposition.
 */
export function pseudoSolve(eig: SymmetricEigen, b: ArrayLike<number>): Float64Array {
  const c = toEigenbasis(eig, b);
  const cutoff = zeroThreshold(eig);
  for (let i = 0; i < eig.n; i++) {
    c[i] = Math.abs(eig.values[i]) > cutoff ? c[i] / eig.values[i] : 0;
  }
  return fromEigenbasis(eig, c);
}
