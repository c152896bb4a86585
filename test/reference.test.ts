/**
 * The test-side references are themselves checked against what is known independently
 * of them, so that a wrong reference cannot make a wrong product look right.
 */
import { describe, expect, it } from 'vitest';
import { ERF_VALUES } from './special-values.js';
import {
  TestRandom, erfSeries, gram, jacobiEigen, matVec, spectralApply,
} from './reference.js';
import {
  ORTHONORMAL, REFERENCE_ERF, ROUNDOFF, ZERO_EIGENVALUE, expectClose, relativeToLargest,
} from './tolerance.js';

describe('the test references', () => {
  it('the series erf agrees with CPython libm values for |x| <= 6', () => {
    for (const [x, erf] of ERF_VALUES) {
      if (Math.abs(x) > 6 || Math.abs(x) < 1e-300) continue;
      expectClose(erfSeries(x), erf, REFERENCE_ERF, `erfSeries(${x})`);
    }
  });

  it('the Jacobi eigensolver reconstructs a symmetric matrix with orthonormal vectors', () => {
    const rng = new TestRandom(11);
    const n = 9;
    const B = rng.gaussians(n * 5);
    const A = gram(B, n, 5); // rank 5 of 9: zero eigenvalues too
    const eig = jacobiEigen(A, n);
    const V = eig.vectors;
    for (let m = 0; m < n; m++) {
      const e = Float64Array.from({ length: n }, (_, i) => (i === m ? 1 : 0));
      // A V e_m = lambda_m V e_m, and the columns of V are orthonormal.
      const column = spectralApply(eig, () => 1, e);
      expectClose(column, e, ORTHONORMAL, `V V^T e_${m}`);
      const vm = Float64Array.from({ length: n }, (_, i) => V[i * n + m]);
      const Avm = matVec(A, n, n, vm);
      const lv = vm.map((x) => eig.values[m] * x);
      expectClose(Avm, lv, relativeToLargest(ROUNDOFF, A), `A v_${m}`);
    }
    const zeros = Array.from(eig.values).filter((l) => Math.abs(l) < ZERO_EIGENVALUE).length;
    expect(zeros).toBe(4);
  });
});
