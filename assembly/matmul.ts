/**
 * Dense matrix products in f64 on row-major matrices with leading dimensions
 * (the distance, in elements, between consecutive rows).
 *
 *   C = beta C + alpha op(A) op(B),  op(A) is m x k, op(B) is k x n, C is m x n,
 *
 * where op(A) = A or A^T as `transA` says (likewise B). beta = 0 overwrites C
 * without reading it, so C may hold garbage (even NaN) on entry.
 * C must not alias A or B.
 */

// @ts-ignore: decorator
@inline function at(base: usize, row: i32, col: i32, ld: i32): usize {
  return base + ((<usize>row * <usize>ld + <usize>col) << 3);
}

function scaleRows(m: i32, n: i32, beta: f64, c: usize, ldc: i32): void {
  for (let i = 0; i < m; i++) {
    let row = at(c, i, 0, ldc);
    if (beta == 0) {
      memory.fill(row, 0, <usize>n << 3);
      continue;
    }
    if (beta == 1) continue;
    for (let j = 0; j < n; j++) {
      let p = row + (<usize>j << 3);
      store<f64>(p, beta * load<f64>(p));
    }
  }
}

/** y += s x on n contiguous values. */
// @ts-ignore: decorator
@inline function axpy(n: i32, s: f64, x: usize, y: usize): void {
  for (let j = 0; j < n; j++) {
    let off = <usize>j << 3;
    store<f64>(y + off, load<f64>(y + off) + s * load<f64>(x + off));
  }
}

// @ts-ignore: decorator
@inline function dot(n: i32, x: usize, y: usize): f64 {
  let s: f64 = 0;
  for (let j = 0; j < n; j++) {
    let off = <usize>j << 3;
    s += load<f64>(x + off) * load<f64>(y + off);
  }
  return s;
}

/** The general product above; see the file header for the contract. */
export function gemm(
  transA: bool, transB: bool, m: i32, n: i32, k: i32,
  alpha: f64, a: usize, lda: i32, b: usize, ldb: i32,
  beta: f64, c: usize, ldc: i32
): void {
  if (!transB || transA) scaleRows(m, n, beta, c, ldc);


  if (!transA && !transB) {
    for (let i = 0; i < m; i++) {
      let crow = at(c, i, 0, ldc);
      for (let p = 0; p < k; p++) {
        axpy(n, alpha * load<f64>(at(a, i, p, lda)), at(b, p, 0, ldb), crow);
      }
    }
  } else if (!transA && transB) {
    for (let i = 0; i < m; i++) {
      let arow = at(a, i, 0, lda);
      for (let j = 0; j < n; j++) {
        let p = at(c, i, j, ldc);
        let s = alpha * dot(k, arow, at(b, j, 0, ldb));
        store<f64>(p, beta == 0 ? s : beta * load<f64>(p) + s);
      }
    }
  } else if (transA && !transB) {
    for (let p = 0; p < k; p++) {
      let brow = at(b, p, 0, ldb);
      for (let i = 0; i < m; i++) {
        axpy(n, alpha * load<f64>(at(a, p, i, lda)), brow, at(c, i, 0, ldc));
      }
    }
  } else {
    for (let i = 0; i < m; i++) {
      for (let j = 0; j < n; j++) {
        let s: f64 = 0;
        for (let p = 0; p < k; p++) {
          s += load<f64>(at(a, p, i, lda)) * load<f64>(at(b, j, p, ldb));
        }
        let q = at(c, i, j, ldc);
        store<f64>(q, load<f64>(q) + alpha * s);
      }
    }
  }
}
