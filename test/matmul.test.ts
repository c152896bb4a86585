import { describe, expect, it } from 'vitest';
import { createEngine } from '../src/index.js';
import { GEMM, expectClose, relativeToLargest } from './tolerance.js';

/** A small deterministic pseudo-random matrix, independent of the kernels' generator. */
function matrix(rows: number, cols: number, salt: number): Float64Array {
  return Float64Array.from({ length: rows * cols }, (_, i) => Math.sin(1.7 * i + salt) * 2);
}

/** C = beta C + alpha op(A) op(B) by the textbook triple loop. */
function reference(
  transA: boolean, transB: boolean, m: number, n: number, k: number, alpha: number,
  A: Float64Array, B: Float64Array, beta: number, C: Float64Array,
): Float64Array {
  const out = new Float64Array(m * n);
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < n; j++) {
      let s = 0;
      for (let p = 0; p < k; p++) {
        const a = transA ? A[p * m + i] : A[i * k + p];
        const b = transB ? B[j * k + p] : B[p * n + j];
        s += a * b;
      }
      out[i * n + j] = alpha * s + (beta === 0 ? 0 : beta * C[i * n + j]);
    }
  }
  return out;
}

describe('gemm', () => {
  const cases = [
    [false, false], [false, true], [true, false], [true, true],
  ] as const;

  for (const [transA, transB] of cases) {
    for (const beta of [0, 1, -0.5]) {
      it(`matches the triple loop with transA=${transA}, transB=${transB}, beta=${beta}`,
        async () => {
          const engine = await createEngine();
          const [m, n, k] = [7, 5, 9];
          const A = matrix(m, k, 1);
          const B = matrix(k, n, 2);
          const C = matrix(m, n, 3);
          const expected = reference(transA, transB, m, n, k, 1.25, A, B, beta, C);
          const lda = transA ? m : k;
          const ldb = transB ? k : n;
          const got = engine.scope((mem) => {
            const c = mem.allocFrom(C);
            engine.k.gemm(
              Number(transA), Number(transB), m, n, k, 1.25, mem.allocFrom(A), lda,
              mem.allocFrom(B), ldb, beta, c, n,
            );
            return engine.read(c, m * n);
          });
          expectClose(got, expected, GEMM, 'C');
        });
    }
  }

  it('overwrites C when beta is 0, even if C held NaN', async () => {
    const engine = await createEngine();
    const got = engine.scope((mem) => {
      const c = mem.allocFrom([NaN, NaN, NaN, NaN]);
      engine.k.gemm(0, 0, 2, 2, 1, 1, mem.allocFrom([1, 2]), 1, mem.allocFrom([3, 4]), 2, 0, c, 2);
      return engine.read(c, 4);
    });
    expect(Array.from(got)).toEqual([3, 4, 6, 8]);
  });

  // The blocked product packs 256-deep, 64-row and 512-column blocks into 4 x 4 tiles: these
  // sizes cross every block and tile edge, with leading dimensions wider than the matrices.
  for (const [transA, transB] of cases) {
    it(`matches the triple loop across block edges with transA=${transA}, transB=${transB}`,
      async () => {
        const engine = await createEngine();
        const [m, n, k, pad] = [67, 530, 300, 3];
        const A = matrix(m, k, 4);
        const B = matrix(k, n, 5);
        const C = matrix(m, n, 6);
        const expected = reference(transA, transB, m, n, k, -0.75, A, B, 0.5, C);
        const [rowsA, colsA] = transA ? [k, m] : [m, k];
        const [rowsB, colsB] = transB ? [n, k] : [k, n];
        const padded = (M: Float64Array, rows: number, cols: number) => Float64Array.from(
          { length: rows * (cols + pad) }, (_, i) => {
            const [r, c] = [Math.floor(i / (cols + pad)), i % (cols + pad)];
            return c < cols ? M[r * cols + c] : NaN;
          });
        const got = engine.scope((mem) => {
          const c = mem.allocFrom(padded(C, m, n));
          engine.k.gemm(
            Number(transA), Number(transB), m, n, k, -0.75,
            mem.allocFrom(padded(A, rowsA, colsA)), colsA + pad,
            mem.allocFrom(padded(B, rowsB, colsB)), colsB + pad, 0.5, c, n + pad,
          );
          const out = engine.read(c, m * (n + pad));
          return out.filter((_, i) => i % (n + pad) < n);
        });
        expectClose(got, expected, relativeToLargest(GEMM, expected), 'C');
      });
  }
});
