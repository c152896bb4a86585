/**
 * The symmetric eigensolver (assembly/linalg.ts through src/linalg.ts) against the
 * definition A = Q diag(lambda) Q^T, a cyclic Jacobi solver written in the test, and the
 * singular values of an explicit Jacobian; the pseudo-inverse solve against its defining
 * properties.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import {
  createEngine, pseudoSolve, symmetricEigen, theoremContext, SpecError, type Engine,
} from '../src/index.js';
import {
  TestRandom, dotRef, forwardRef, gram, jacobiEigen, jacobianRef, makeNetwork, matVec,
  norm, subtract,
} from './reference.js';
import { EIGEN_BACKWARD, EIGEN_AGAINST_JACOBI, expectClose } from './tolerance.js';

let engine: Engine;
beforeAll(async () => {
  engine = await createEngine();
});

/** A random orthogonal n x n matrix (rows orthonormal), by Gram-Schmidt twice. */
function randomOrthogonal(n: number, rng: TestRandom): Float64Array {
  const Q = rng.gaussians(n * n);
  for (let pass = 0; pass < 2; pass++) {
    for (let i = 0; i < n; i++) {
      const row = Q.subarray(i * n, (i + 1) * n);
      for (let j = 0; j < i; j++) {
        const prev = Q.subarray(j * n, (j + 1) * n);
        const c = dotRef(row, prev);
        row.forEach((v, k) => { row[k] = v - c * prev[k]; });
      }
      const length = norm(row);
      row.forEach((v, k) => { row[k] = v / length; });
    }
  }
  return Q;
}

/** Q^T diag(values) Q for Q with orthonormal rows: a symmetric matrix with that spectrum. */
function withSpectrumFrom(Q: Float64Array, values: number[]): Float64Array {
  const n = values.length;
  const A = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j <= i; j++) {
      let s = 0;
      for (let m = 0; m < n; m++) s += Q[m * n + i] * values[m] * Q[m * n + j];
      A[i * n + j] = s;
      A[j * n + i] = s;
    }
  }
  return A;
}

/** A symmetric matrix with the given spectrum and random orthonormal eigenvectors. */
function withSpectrum(values: number[], rng: TestRandom): Float64Array {
  return withSpectrumFrom(randomOrthogonal(values.length, rng), values);
}

function randomSymmetric(n: number, rng: TestRandom): Float64Array {
  const A = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j <= i; j++) {
      const v = rng.gaussian();
      A[i * n + j] = v;
      A[j * n + i] = v;
    }
  }
  return A;
}

function frobenius(A: ArrayLike<number>): number {
  return norm(A);
}

/** Checks reconstruction, orthonormality and ascending order to a multiple of n eps ||A||. */
function expectDecomposes(A: Float64Array, n: number, label: string) {
  const { values, vectors } = symmetricEigen(engine, A);
  const scale = Math.max(frobenius(A), Number.MIN_VALUE);
  const reconstruction = new Float64Array(n * n);
  for (let m = 0; m < n; m++) {
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < n; j++) {
        reconstruction[i * n + j] += vectors[m * n + i] * values[m] * vectors[m * n + j];
      }
    }
  }
  const allowed = EIGEN_BACKWARD * n * Number.EPSILON;
  expect(frobenius(subtract(reconstruction, A)) / scale, `${label}: reconstruction`)
    .toBeLessThanOrEqual(allowed);
  let orthogonality = 0;
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      const qi = vectors.subarray(i * n, (i + 1) * n);
      const qj = vectors.subarray(j * n, (j + 1) * n);
      orthogonality = Math.max(orthogonality, Math.abs(dotRef(qi, qj) - (i === j ? 1 : 0)));
    }
  }
  expect(orthogonality, `${label}: orthogonality`).toBeLessThanOrEqual(allowed);
  for (let i = 1; i < n; i++) expect(values[i]).toBeGreaterThanOrEqual(values[i - 1]);
  return values;
}

describe('symmetricEigen', () => {
  it('reconstructs random symmetric matrices with orthonormal eigenvectors', () => {
    const rng = new TestRandom(11);
    for (const n of [1, 2, 3, 5, 17, 64]) expectDecomposes(randomSymmetric(n, rng), n, `n=${n}`);
  });

  it('finds repeated and zero eigenvalues of matrices built with that spectrum', () => {
    const rng = new TestRandom(12);
    const spectrum = [0, 0, 0, 1.5, 1.5, 1.5, 1.5, -2, 7, 7];
    const A = withSpectrum(spectrum, rng);
    const values = expectDecomposes(A, spectrum.length, 'repeated');
    const sorted = [...spectrum].sort((p, q) => p - q);
    expectClose(values, sorted, { rel: 0, abs: EIGEN_BACKWARD * 10 * Number.EPSILON * 7 },
      'eigenvalues');
  });

  it('decomposes the rank-deficient Gram matrix of a tall thin factor', () => {
    const rng = new TestRandom(13);
    const B = rng.gaussians(12 * 3);
    const A = gram(B, 12, 3);
    const values = expectDecomposes(A, 12, 'rank 3');
    const largest = values[11];
    for (let i = 0; i < 9; i++) {
      expect(Math.abs(values[i])).toBeLessThanOrEqual(EIGEN_BACKWARD * 12 * Number.EPSILON *
        largest);
    }
  });

  it('handles a diagonal matrix, the zero matrix and entries of very different sizes', () => {
    const D = new Float64Array(16);
    [3, -1, 1e-200, 1e200].forEach((v, i) => { D[i * 5] = v; });
    expect(Array.from(symmetricEigen(engine, D).values)).toEqual([-1, 1e-200, 3, 1e200]);
    expect(Array.from(symmetricEigen(engine, new Float64Array(9)).values)).toEqual([0, 0, 0]);
  });

  it('gives the 2 x 2 eigenvalues of the closed form (a + c)/2 -+ sqrt(((a - c)/2)^2 + b^2)',
    () => {
      const [a, b, c] = [2.5, -0.75, 1];
      const mean = (a + c) / 2;
      const radius = Math.hypot((a - c) / 2, b);
      const { values } = symmetricEigen(engine, Float64Array.of(a, b, b, c));
      expectClose(values, [mean - radius, mean + radius], EIGEN_AGAINST_JACOBI, '2x2');
    });

  it('agrees with a cyclic Jacobi solver on a 40 x 40 matrix', () => {
    const A = randomSymmetric(40, new TestRandom(14));
    const ours = symmetricEigen(engine, A).values;
    const jacobi = Array.from(jacobiEigen(A, 40).values).sort((p, q) => p - q);
    expectClose(ours, jacobi, { ...EIGEN_AGAINST_JACOBI, abs: 1e-13 * Math.abs(jacobi[39]) },
      'eigenvalues');
  });

  it('rejects a matrix that is not square, not symmetric or not finite, naming the entry', () => {
    expect(() => symmetricEigen(engine, new Float64Array(5))).toThrow(
      'A must hold n x n values for some n >= 1; got 5 values',
    );
    expect(() => symmetricEigen(engine, Float64Array.of(1, 2, 3, 4))).toThrow(
      'A must be symmetric; got A[1][0] = 3 but A[0][1] = 2',
    );
    expect(() => symmetricEigen(engine, Float64Array.of(1, 0, 0, NaN))).toThrow(
      'A[1][1] must be a finite number; got NaN',
    );
    expect(() => symmetricEigen(engine, new Float64Array(0))).toThrow(SpecError);
  });
});

describe('pseudoSolve', () => {
  it('solves a non-singular system to rounding', () => {
    const rng = new TestRandom(15);
    const A = withSpectrum([0.5, 1, 2, 3, 4, 5], rng);
    const x = rng.gaussians(6);
    const b = matVec(A, 6, 6, x);
    expectClose(pseudoSolve(symmetricEigen(engine, A), b), x, { rel: 1e-13, abs: 1e-13 }, 'x');
  });

  it('returns the minimum-norm least-squares solution for a singular matrix', () => {
    const rng = new TestRandom(16);
    const Q = randomOrthogonal(5, rng);
    const values = [0, 0, 1, 2, 4];
    const A = withSpectrumFrom(Q, values);
    const b = rng.gaussians(5);
    const x = pseudoSolve(symmetricEigen(engine, A), b);
    // x lies in the range (orthogonal to the null rows q_0, q_1) and A x = P_range b.
    for (const m of [0, 1]) {
      expect(Math.abs(dotRef(x, Q.subarray(m * 5, m * 5 + 5)))).toBeLessThan(1e-13);
    }
    const projected = new Float64Array(5);
    for (const m of [2, 3, 4]) {
      const q = Q.subarray(m * 5, m * 5 + 5);
      const c = dotRef(q, b);
      q.forEach((v, k) => { projected[k] += c * v; });
    }
    expectClose(matVec(A, 5, 5, x), projected, { rel: 1e-13, abs: 1e-13 }, 'A x');
  });
});

describe('theoremContext singular values', () => {
  it('match the singular values of an explicit Jacobian, from Phi^T Phi by Jacobi', () => {
    const rng = new TestRandom(17);
    const [n, d, M] = [4, 2, 4];
    const net = makeNetwork('tanh', rng.gaussians(M * d), rng.signs(M), d, 1.7);
    const X = rng.sphere(n, d);
    const y = rng.gaussians(n);
    const phi = jacobianRef(net, X);
    const p = M * d;
    // Phi^T Phi (p x p): its n largest eigenvalues are the squared singular values of Phi.
    const phiT = new Float64Array(p * n);
    for (let i = 0; i < n; i++) for (let c = 0; c < p; c++) phiT[c * n + i] = phi[i * p + c];
    const squares = Array.from(jacobiEigen(gram(phiT, p, n), p).values).sort((a, b) => b - a);
    const K0 = gram(phi, n, p);
    const context = theoremContext(engine, net, { n, d, X, y }, K0);
    expectClose(context.atInit.sigmaMax, Math.sqrt(squares[0]), EIGEN_AGAINST_JACOBI, 'sigmaMax');
    expectClose(context.atInit.sigmaMin, Math.sqrt(squares[n - 1]), EIGEN_AGAINST_JACOBI,
      'sigmaMin');
    const r0 = subtract(y, forwardRef(net, X));
    expectClose(context.atInit.residualNorm, norm(r0), EIGEN_AGAINST_JACOBI, '||r0||');
  });
});
