/**
 * Dense matrix products in f64 on row-major matrices with leading dimensions
 * (the distance, in elements, between consecutive rows).
 *
 *   C = beta C + alpha op(A) op(B),  op(A) is m x k, op(B) is k x n, C is m x n,
 *
 * where op(A) = A or A^T as `transA` says (likewise B). beta = 0 overwrites C
 * without reading it, so C may hold garbage (even NaN) on entry.
 * C must not alias A or B.
 *
 * Method (the Goto/BLIS layering): op(B) is copied in blocks of KC x NC into
 * micro-panels of NR columns, op(A) in blocks of MC x KC into micro-panels of
 * MR rows, and an MR x NR register tile of C (eight f64x2 accumulators) is
 * accumulated over each KC block by `tile`. The copies live in two fixed
 * static regions of this module (PACK_A, PACK_B: MC KC + KC NC doubles), so
 * nothing is allocated; the module is single-threaded, so one pair of regions
 * serves every call. Every entry of C is summed in the order p = 0, 1, ..., k-1
 * with separate multiplications and additions (no fused multiply-add), so the
 * result does not depend on the engine.
 */

/** Rows of the register tile. */
// @ts-ignore: decorator
@inline export const MR = 4;
/** Columns of the register tile (two f64x2 lanes pairs). */
// @ts-ignore: decorator
@inline export const NR = 4;
/** Depth of one packed block. */
// @ts-ignore: decorator
@inline const KC = 256;
/** Rows of one packed block of op(A). */
// @ts-ignore: decorator
@inline const MC = 64;
/** Columns of one packed block of op(B). */
// @ts-ignore: decorator
@inline const NC = 512;

const PACK_A: usize = memory.data(MC * KC * 8, 16);
const PACK_B: usize = memory.data(KC * NC * 8, 16);
/** An MR x NR tile for the edges of C. */
const EDGE: usize = memory.data(MR * NR * 8, 16);

// @ts-ignore: decorator
@inline function at(base: usize, row: i32, col: i32, ld: i32): usize {
  return base + ((<usize>row * <usize>ld + <usize>col) << 3);
}

/** C = beta C on an m x n block; beta = 0 writes zeros without reading. */
function scaleRows(m: i32, n: i32, beta: f64, c: usize, ldc: i32): void {
  if (beta == 1) return;
  for (let i = 0; i < m; i++) {
    let row = at(c, i, 0, ldc);
    if (beta == 0) {
      memory.fill(row, 0, <usize>n << 3);
      continue;
    }
    for (let j = 0; j < n; j++) {
      let p = row + (<usize>j << 3);
      store<f64>(p, beta * load<f64>(p));
    }
  }
}

/**
 * Copies a block of `live` <= 4 lines of a matrix into one micro-panel of 4 values per step:
 * step p holds element p of each line, zeros past the last line. A line is a row of the
 * source (its elements contiguous), lines are `ld` elements apart. Full panels go two
 * steps at a time through 2 x 2 transposes.
 */
function packLines(src: usize, ld: i32, live: i32, depth: i32, dst: usize): void {
  let stride = <usize>ld << 3;
  if (live == 4) {
    let p = 0;
    for (; p + 1 < depth; p += 2) {
      let off = <usize>p << 3;
      let r0 = v128.load(src + off);
      let r1 = v128.load(src + stride + off);
      let r2 = v128.load(src + 2 * stride + off);
      let r3 = v128.load(src + 3 * stride + off);
      let out = dst + (<usize>p << 5);
      v128.store(out, v128.shuffle<f64>(r0, r1, 0, 2));
      v128.store(out, v128.shuffle<f64>(r2, r3, 0, 2), 16);
      v128.store(out, v128.shuffle<f64>(r0, r1, 1, 3), 32);
      v128.store(out, v128.shuffle<f64>(r2, r3, 1, 3), 48);
    }
    if (p == depth) return;
  }
  for (let p = 0; p < depth; p++) {
    let out = dst + (<usize>p << 5);
    for (let q = 0; q < 4; q++) {
      let v = q < live ? load<f64>(src + <usize>q * stride + (<usize>p << 3)) : 0.0;
      store<f64>(out + (<usize>q << 3), v);
    }
  }
}

/**
 * Copies `live` <= 4 adjacent columns of a matrix into one micro-panel of 4 values per
 * step: step p holds row p's values (rows `ld` elements apart), zeros past the last column.
 */
function packColumns(src: usize, ld: i32, live: i32, depth: i32, dst: usize): void {
  let stride = <usize>ld << 3;
  if (live == 4) {
    for (let p = 0; p < depth; p++) {
      let row = src + <usize>p * stride;
      let out = dst + (<usize>p << 5);
      v128.store(out, v128.load(row));
      v128.store(out, v128.load(row, 16), 16);
    }
    return;
  }
  for (let p = 0; p < depth; p++) {
    let row = src + <usize>p * stride;
    let out = dst + (<usize>p << 5);
    for (let q = 0; q < 4; q++) {
      store<f64>(out + (<usize>q << 3), q < live ? load<f64>(row + (<usize>q << 3)) : 0.0);
    }
  }
}

/**
 * Copies op(A)[i0 .. i0 + rows, p0 .. p0 + depth] into micro-panels of MR rows:
 * panel r holds, for p = 0 .. depth - 1, the MR values of rows r MR .. r MR + MR - 1
 * at column p (zeros below the last row).
 */
function packA(
  transA: bool, a: usize, lda: i32, i0: i32, rows: i32, p0: i32, depth: i32, out: usize
): void {
  for (let r = 0; r < rows; r += MR) {
    let panel = out + ((<usize>r * <usize>depth) << 3);
    let live = min(MR, rows - r);
    if (transA) packColumns(at(a, p0, i0 + r, lda), lda, live, depth, panel);
    else packLines(at(a, i0 + r, p0, lda), lda, live, depth, panel);
  }
}

/**
 * Copies op(B)[p0 .. p0 + depth, j0 .. j0 + cols] into micro-panels of NR columns:
 * panel s holds, for p = 0 .. depth - 1, the NR values of row p at columns
 * s NR .. s NR + NR - 1 (zeros right of the last column).
 */
function packB(
  transB: bool, b: usize, ldb: i32, p0: i32, depth: i32, j0: i32, cols: i32, out: usize
): void {
  for (let s = 0; s < cols; s += NR) {
    let panel = out + ((<usize>s * <usize>depth) << 3);
    let live = min(NR, cols - s);
    if (transB) packLines(at(b, j0 + s, p0, ldb), ldb, live, depth, panel);
    else packColumns(at(b, p0, j0 + s, ldb), ldb, live, depth, panel);
  }
}

/** Two lanes of C: beta C + alpha acc, with beta = 0 not reading C. */
// @ts-ignore: decorator
@inline function update(c: usize, acc: v128, alpha: v128, beta: f64): void {
  let v = f64x2.mul(alpha, acc);
  if (beta == 1) {
    v = f64x2.add(v128.load(c), v);
  } else if (beta != 0) {
    v = f64x2.add(f64x2.mul(f64x2.splat(beta), v128.load(c)), v);
  }
  v128.store(c, v);
}

/** One row of the edge tile into C: its first `cols` values, as `update` does. */
function updateEdgeRow(c: usize, row: usize, cols: i32, alpha: f64, beta: f64): void {
  for (let j = 0; j < cols; j++) {
    let p = c + (<usize>j << 3);
    let v = alpha * load<f64>(row + (<usize>j << 3));
    if (beta == 1) v = load<f64>(p) + v;
    else if (beta != 0) v = beta * load<f64>(p) + v;
    store<f64>(p, v);
  }
}

/**
 * The register tile: C[0 .. rows, 0 .. cols] = beta C + alpha sum_p ap[p] bp[p]^T
 * over `depth` packed steps (ap: MR values per step, bp: NR values per step).
 * rows <= MR and cols <= NR; a partial tile goes through EDGE.
 */
function tile(
  depth: i32, ap: usize, bp: usize, c: usize, ldc: i32, rows: i32, cols: i32,
  alpha: f64, beta: f64
): void {
  let c00 = f64x2.splat(0), c01 = f64x2.splat(0);
  let c10 = f64x2.splat(0), c11 = f64x2.splat(0);
  let c20 = f64x2.splat(0), c21 = f64x2.splat(0);
  let c30 = f64x2.splat(0), c31 = f64x2.splat(0);
  for (let p = 0; p < depth; p++) {
    let b0 = v128.load(bp);
    let b1 = v128.load(bp, 16);
    let a0 = v128.load64_splat(ap);
    c00 = f64x2.add(c00, f64x2.mul(a0, b0));
    c01 = f64x2.add(c01, f64x2.mul(a0, b1));
    let a1 = v128.load64_splat(ap, 8);
    c10 = f64x2.add(c10, f64x2.mul(a1, b0));
    c11 = f64x2.add(c11, f64x2.mul(a1, b1));
    let a2 = v128.load64_splat(ap, 16);
    c20 = f64x2.add(c20, f64x2.mul(a2, b0));
    c21 = f64x2.add(c21, f64x2.mul(a2, b1));
    let a3 = v128.load64_splat(ap, 24);
    c30 = f64x2.add(c30, f64x2.mul(a3, b0));
    c31 = f64x2.add(c31, f64x2.mul(a3, b1));
    ap += MR << 3;
    bp += NR << 3;
  }
  let va = f64x2.splat(alpha);
  let ldcBytes = <usize>ldc << 3;
  if (rows == MR && cols == NR) {
    update(c, c00, va, beta); update(c + 16, c01, va, beta); c += ldcBytes;
    update(c, c10, va, beta); update(c + 16, c11, va, beta); c += ldcBytes;
    update(c, c20, va, beta); update(c + 16, c21, va, beta); c += ldcBytes;
    update(c, c30, va, beta); update(c + 16, c31, va, beta);
    return;
  }
  v128.store(EDGE, c00); v128.store(EDGE, c01, 16);
  v128.store(EDGE, c10, 32); v128.store(EDGE, c11, 48);
  v128.store(EDGE, c20, 64); v128.store(EDGE, c21, 80);
  v128.store(EDGE, c30, 96); v128.store(EDGE, c31, 112);
  for (let i = 0; i < rows; i++) {
    updateEdgeRow(c + <usize>i * ldcBytes, EDGE + ((<usize>i * NR) << 3), cols, alpha, beta);
  }
}

/**
 * C[0 .. rows, 0 .. cols] from the packed blocks, one register tile at a time. With
 * `upper`, tiles whose every entry lies below the diagonal of the whole product (row
 * i0 + i > column j0 + j) are skipped.
 */
function macroKernel(
  rows: i32, cols: i32, depth: i32, ap: usize, bp: usize, c: usize, ldc: i32,
  alpha: f64, beta: f64, upper: bool, i0: i32, j0: i32
): void {
  for (let j = 0; j < cols; j += NR) {
    let bPanel = bp + ((<usize>j * <usize>depth) << 3);
    let w = min(NR, cols - j);
    let lastRow = upper ? min(rows, j0 + j + w - i0) : rows;
    for (let i = 0; i < lastRow; i += MR) {
      let aPanel = ap + ((<usize>i * <usize>depth) << 3);
      tile(depth, aPanel, bPanel, at(c, i, j, ldc), ldc, min(MR, rows - i), w, alpha, beta);
    }
  }
}

/**
 * The blocked product behind `gemm` and `gramUpper`: C = beta C + alpha op(A) op(B), all
 * of C or (with `upper`, m = n) only the register tiles that reach the diagonal or
 * above it, so that every entry C[i, l] with l >= i is written.
 */
function blocked(
  transA: bool, transB: bool, m: i32, n: i32, k: i32,
  alpha: f64, a: usize, lda: i32, b: usize, ldb: i32,
  beta: f64, c: usize, ldc: i32, upper: bool
): void {
  for (let j0 = 0; j0 < n; j0 += NC) {
    let cols = min(NC, n - j0);
    let lastRow = upper ? min(m, j0 + cols) : m;
    for (let p0 = 0; p0 < k; p0 += KC) {
      let depth = min(KC, k - p0);
      let betaHere = p0 == 0 ? beta : 1.0;
      packB(transB, b, ldb, p0, depth, j0, cols, PACK_B);
      for (let i0 = 0; i0 < lastRow; i0 += MC) {
        let rows = min(MC, m - i0);
        packA(transA, a, lda, i0, rows, p0, depth, PACK_A);
        macroKernel(
          rows, cols, depth, PACK_A, PACK_B, at(c, i0, j0, ldc), ldc, alpha, betaHere,
          upper, i0, j0
        );
      }
    }
  }
}

/** The general product above; see the file header for the contract and the method. */
export function gemm(
  transA: bool, transB: bool, m: i32, n: i32, k: i32,
  alpha: f64, a: usize, lda: i32, b: usize, ldb: i32,
  beta: f64, c: usize, ldc: i32
): void {
  if (m <= 0 || n <= 0) return;
  if (k <= 0) {
    scaleRows(m, n, beta, c, ldc);
    return;
  }
  blocked(transA, transB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc, false);
}

/**
 * The upper triangle of the Gram matrix of the rows of A (n x k, row-major, rows lda
 * apart): C[i, l] = <a_i, a_l> for l >= i, written to C (n x n, rows ldc apart) by the
 * blocked product with op(B) = A^T. Entries below the diagonal inside the diagonal's
 * register tiles are written too, the rest below it is left alone. Cost: about n^2 k
 * (half of A A^T).
 */
export function gramUpper(n: i32, k: i32, a: usize, lda: i32, c: usize, ldc: i32): void {
  if (n <= 0) return;
  if (k <= 0) {
    scaleRows(n, n, 0, c, ldc);
    return;
  }
  blocked(false, true, n, n, k, 1.0, a, lda, a, lda, 0.0, c, ldc, true);
}
