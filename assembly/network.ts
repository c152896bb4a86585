/**
 * The two-layer network and its derivatives, matrix-free.
 *
 *   f(x; W) = scale * sum_j a_j sigma(<w_j, x>),
 *
 * scale = alpha / sqrt(M) (lazy) or alpha / M (mean-field); the kernels only
 * see the number. Inputs X (n x d), first-layer weights W (M x d), second
 * layer a (M), all row-major f64. The slope matrix S (n x M) holds
 * sigma'(<w_j, x_i>); with it the Jacobian Phi (n x Md) is
 * Phi[i, j d + k] = scale a_j S[i, j] X[i, k], and every product with Phi
 * below is computed without forming it.
 *
 * When a is trained too, theta = (W, a) has P = Md + M entries, the weights
 * first (row-major) and then a. The hidden outputs H = sigma(X W^T) (n x M)
 * give the M extra Jacobian columns Phi[i, Md + j] = scale H[i, j]; the
 * `...SecondLayer` kernels handle that block.
 *
 * Rows of X go through the kernels TILE_ROWS at a time: their pre-activations
 * Z = X W^T for all M units (a tile of TILE_ROWS x M values) come from a 4 x 4
 * register tile on f64x2 lanes that runs along the units, reading the weights
 * transposed (W^T, d x M); products Phi^T u accumulate G^T (d x M) the same way from
 * the slopes and a tile of rows of X scaled by u. The scratch for this,
 * (d + TILE_ROWS) M + TILE_ROWS d doubles, is the caller's `work` block
 * (`networkWorkBytes`). Every pre-activation is summed over k = 0 .. d-1 in order,
 * every G^T entry over the rows in order.
 */
import { activate } from "./activations";
import { dot } from "./vector";

/** Rows of X whose n x M intermediates are held at once (a tile of TILE_ROWS x M). */
// @ts-ignore: decorator
@inline export const TILE_ROWS = 16;

// @ts-ignore: decorator
@inline function row(base: usize, i: i32, width: i32): usize {
  return base + ((<usize>i * <usize>width) << 3);
}

/**
 * Bytes of the `work` block of `forward`, `forwardHidden`, `jvp`, `vjp` and `slopeChange`
 * (kernels.ts): W^T or G^T (d x M), a tile of pre-activations (TILE_ROWS x M) and a tile of
 * scaled rows of X (TILE_ROWS x d).
 */
export function networkWorkBytes(d: i32, m: i32): usize {
  return (<usize>(d + TILE_ROWS) * <usize>m + <usize>TILE_ROWS * <usize>d) << 3;
}

/**
 * Aborts unless the caller's work block (`workBytes` long) covers `networkWorkBytes(d, M)`:
 * the kernels would write past a smaller one. A caller that passes no size (0) stops here.
 */
export function checkWork(workBytes: usize, d: i32, m: i32): void {
  assert(workBytes >= networkWorkBytes(d, m), "work block smaller than networkWorkBytes(d, M)");
}

/** Where the tile of scaled rows of X starts in a work block. */
export function scaledRowsOf(work: usize, d: i32, m: i32): usize {
  return work + ((<usize>(d + TILE_ROWS) * <usize>m) << 3);
}

/** out[r, k] = (c u[r]) x[r, k] for `rows` rows of X (d values each, contiguous). */
export function scaleRows(x: usize, rows: i32, d: i32, c: f64, u: usize, out: usize): void {
  for (let r = 0; r < rows; r++) {
    let factor = c * load<f64>(u + (<usize>r << 3));
    let from = row(x, r, d);
    let to = row(out, r, d);
    for (let k = 0; k < d; k++) {
      store<f64>(to + (<usize>k << 3), factor * load<f64>(from + (<usize>k << 3)));
    }
  }
}

/** out (cols x rows) = the transpose of src (rows x cols), both row-major. */
export function transpose(src: usize, rows: i32, cols: i32, out: usize): void {
  for (let i = 0; i < rows; i++) {
    let from = row(src, i, cols);
    let to = out + (<usize>i << 3);
    let stride = <usize>rows << 3;
    for (let k = 0; k < cols; k++) {
      store<f64>(to + <usize>k * stride, load<f64>(from + (<usize>k << 3)));
    }
  }
}

/**
 * sum_j a_j v_j with the units paired (j, j + M/2) and each pair added first,
 * so a symmetric initialisation (w_{j+M/2} = w_j, a_{j+M/2} = -a_j) gives
 * exactly zero: every pair term is then exactly 0. The pair terms go two at a
 * time into two f64x2 partial sums (pairs j = 0, 1 mod 4 and 2, 3 mod 4), added
 * lane by lane at the end, then the pair left over when M/2 is odd, then the last
 * unit of an odd M.
 */
export function pairedSum(a: usize, v: usize, m: i32): f64 {
  let half = m >> 1;
  let hiBytes = <usize>half << 3;
  let s0 = f64x2.splat(0);
  let s1 = f64x2.splat(0);
  let j = 0;
  for (; j + 3 < half; j += 4) {
    let lo = <usize>j << 3;
    let hi = lo + hiBytes;
    s0 = f64x2.add(s0, pairTerm(a + lo, v + lo, a + hi, v + hi));
    s1 = f64x2.add(s1, pairTerm(a + lo + 16, v + lo + 16, a + hi + 16, v + hi + 16));
  }
  for (; j + 1 < half; j += 2) {
    let lo = <usize>j << 3;
    s0 = f64x2.add(s0, pairTerm(a + lo, v + lo, a + lo + hiBytes, v + lo + hiBytes));
  }
  let both = f64x2.add(s0, s1);
  let s = f64x2.extract_lane(both, 0) + f64x2.extract_lane(both, 1);
  if (j < half) {
    let lo = <usize>j << 3;
    let hi = lo + hiBytes;
    s += load<f64>(a + lo) * load<f64>(v + lo) + load<f64>(a + hi) * load<f64>(v + hi);
  }
  if (m & 1) {
    let last = <usize>(m - 1) << 3;
    s += load<f64>(a + last) * load<f64>(v + last);
  }
  return s;
}

/** a_lo v_lo + a_hi v_hi on two lanes. */
// @ts-ignore: decorator
@inline function pairTerm(aLo: usize, vLo: usize, aHi: usize, vHi: usize): v128 {
  return f64x2.add(
    f64x2.mul(v128.load(aLo), v128.load(vLo)),
    f64x2.mul(v128.load(aHi), v128.load(vHi))
  );
}

/**
 * sum_j a_j s_j z_j on two f64x2 partial sums (units j = 0, 1 mod 4 and 2, 3 mod 4),
 * added lane by lane, then the units left over in order.
 */
function weightedSum(a: usize, s: usize, z: usize, m: i32): f64 {
  let s0 = f64x2.splat(0);
  let s1 = f64x2.splat(0);
  let j = 0;
  for (; j + 3 < m; j += 4) {
    let o = <usize>j << 3;
    s0 = f64x2.add(s0, f64x2.mul(f64x2.mul(v128.load(a + o), v128.load(s + o)), v128.load(z + o)));
    s1 = f64x2.add(s1, f64x2.mul(
      f64x2.mul(v128.load(a + o, 16), v128.load(s + o, 16)), v128.load(z + o, 16)
    ));
  }
  let both = f64x2.add(s0, s1);
  let total = f64x2.extract_lane(both, 0) + f64x2.extract_lane(both, 1);
  for (; j < m; j++) {
    let o = <usize>j << 3;
    total += load<f64>(a + o) * load<f64>(s + o) * load<f64>(z + o);
  }
  return total;
}

/**
 * Z[r, j] = <w_j, x_r> for four rows of X (d apart, from x4) and units j0 .. m-1 in
 * steps of four, from W^T (wt, d x M). Z rows are M apart. Returns the first unit not done.
 */
function preactivationRows4(x4: usize, d: i32, wt: usize, m: i32, z4: usize): i32 {
  let xStride = <usize>d << 3;
  let wStride = <usize>m << 3;
  let j = 0;
  for (; j + 3 < m; j += 4) {
    let c00 = f64x2.splat(0), c01 = f64x2.splat(0);
    let c10 = f64x2.splat(0), c11 = f64x2.splat(0);
    let c20 = f64x2.splat(0), c21 = f64x2.splat(0);
    let c30 = f64x2.splat(0), c31 = f64x2.splat(0);
    let wp = wt + (<usize>j << 3);
    let xp = x4;
    for (let k = 0; k < d; k++) {
      let w0 = v128.load(wp);
      let w1 = v128.load(wp, 16);
      let x = v128.load64_splat(xp);
      c00 = f64x2.add(c00, f64x2.mul(x, w0));
      c01 = f64x2.add(c01, f64x2.mul(x, w1));
      x = v128.load64_splat(xp + xStride);
      c10 = f64x2.add(c10, f64x2.mul(x, w0));
      c11 = f64x2.add(c11, f64x2.mul(x, w1));
      x = v128.load64_splat(xp + 2 * xStride);
      c20 = f64x2.add(c20, f64x2.mul(x, w0));
      c21 = f64x2.add(c21, f64x2.mul(x, w1));
      x = v128.load64_splat(xp + 3 * xStride);
      c30 = f64x2.add(c30, f64x2.mul(x, w0));
      c31 = f64x2.add(c31, f64x2.mul(x, w1));
      wp += wStride;
      xp += 8;
    }
    let zp = z4 + (<usize>j << 3);
    v128.store(zp, c00); v128.store(zp, c01, 16); zp += wStride;
    v128.store(zp, c10); v128.store(zp, c11, 16); zp += wStride;
    v128.store(zp, c20); v128.store(zp, c21, 16); zp += wStride;
    v128.store(zp, c30); v128.store(zp, c31, 16);
  }
  return j;
}

/** Z[j] = <w_j, x> for one row x and units j0 .. m-1, from W^T (wt, d x M). */
function preactivationRow(x: usize, d: i32, wt: usize, m: i32, j0: i32, z: usize): void {
  let wStride = <usize>m << 3;
  let j = j0;
  for (; j + 3 < m; j += 4) {
    let c0 = f64x2.splat(0), c1 = f64x2.splat(0);
    let wp = wt + (<usize>j << 3);
    for (let k = 0; k < d; k++) {
      let xk = v128.load64_splat(x + (<usize>k << 3));
      c0 = f64x2.add(c0, f64x2.mul(xk, v128.load(wp)));
      c1 = f64x2.add(c1, f64x2.mul(xk, v128.load(wp, 16)));
      wp += wStride;
    }
    v128.store(z + (<usize>j << 3), c0);
    v128.store(z + (<usize>j << 3), c1, 16);
  }
  for (; j < m; j++) {
    let s: f64 = 0;
    let wp = wt + (<usize>j << 3);
    for (let k = 0; k < d; k++) {
      s += load<f64>(x + (<usize>k << 3)) * load<f64>(wp);
      wp += wStride;
    }
    store<f64>(z + (<usize>j << 3), s);
  }
}

/**
 * The pre-activations of a tile: Z[r, j] = <w_j, x_r> for `rows` rows of X (from x)
 * and all M units, from W^T (wt, d x M), into Z (rows x M). Cost: 2 rows M d.
 */
export function preactivations(x: usize, rows: i32, d: i32, wt: usize, m: i32, z: usize): void {
  let r = 0;
  for (; r + 3 < rows; r += 4) {
    let x4 = row(x, r, d);
    let z4 = row(z, r, m);
    let j = preactivationRows4(x4, d, wt, m, z4);
    for (let q = 0; q < 4; q++) {
      preactivationRow(row(x4, q, d), d, wt, m, j, row(z4, q, m));
    }
  }
  for (; r < rows; r++) preactivationRow(row(x, r, d), d, wt, m, 0, row(z, r, m));
}

/**
 * G^T[k0 .. k0 + 3, j] += sum_r X[r, k] U[r, j] for units j in steps of four, over
 * `rows` rows of X (from x) and of U (from u, rows M apart). Returns the first unit
 * not done.
 */
function gradientCols4(
  x: usize, rows: i32, d: i32, k0: i32, u: usize, m: i32, gt: usize
): i32 {
  let stride = <usize>m << 3;
  let xStride = <usize>d << 3;
  let j = 0;
  for (; j + 3 < m; j += 4) {
    let g = gt + ((<usize>k0 * <usize>m + <usize>j) << 3);
    let c00 = v128.load(g), c01 = v128.load(g, 16);
    let c10 = v128.load(g + stride), c11 = v128.load(g + stride, 16);
    let c20 = v128.load(g + 2 * stride), c21 = v128.load(g + 2 * stride, 16);
    let c30 = v128.load(g + 3 * stride), c31 = v128.load(g + 3 * stride, 16);
    let up = u + (<usize>j << 3);
    let xp = x + (<usize>k0 << 3);
    for (let r = 0; r < rows; r++) {
      let u0 = v128.load(up);
      let u1 = v128.load(up, 16);
      let xk = v128.load64_splat(xp);
      c00 = f64x2.add(c00, f64x2.mul(xk, u0));
      c01 = f64x2.add(c01, f64x2.mul(xk, u1));
      xk = v128.load64_splat(xp, 8);
      c10 = f64x2.add(c10, f64x2.mul(xk, u0));
      c11 = f64x2.add(c11, f64x2.mul(xk, u1));
      xk = v128.load64_splat(xp, 16);
      c20 = f64x2.add(c20, f64x2.mul(xk, u0));
      c21 = f64x2.add(c21, f64x2.mul(xk, u1));
      xk = v128.load64_splat(xp, 24);
      c30 = f64x2.add(c30, f64x2.mul(xk, u0));
      c31 = f64x2.add(c31, f64x2.mul(xk, u1));
      up += stride;
      xp += xStride;
    }
    v128.store(g, c00); v128.store(g, c01, 16); g += stride;
    v128.store(g, c10); v128.store(g, c11, 16); g += stride;
    v128.store(g, c20); v128.store(g, c21, 16); g += stride;
    v128.store(g, c30); v128.store(g, c31, 16);
  }
  return j;
}

/**
 * G^T[k0, j] and G^T[k0 + 1, j] += sum_r X[r, k] U[r, j] for units j in steps of eight,
 * as `gradientCols4`. Returns the first unit not done.
 */
function gradientCols2(
  x: usize, rows: i32, d: i32, k0: i32, u: usize, m: i32, gt: usize
): i32 {
  let stride = <usize>m << 3;
  let xStride = <usize>d << 3;
  let j = 0;
  for (; j + 7 < m; j += 8) {
    let g = gt + ((<usize>k0 * <usize>m + <usize>j) << 3);
    let c00 = v128.load(g), c01 = v128.load(g, 16);
    let c02 = v128.load(g, 32), c03 = v128.load(g, 48);
    let c10 = v128.load(g + stride), c11 = v128.load(g + stride, 16);
    let c12 = v128.load(g + stride, 32), c13 = v128.load(g + stride, 48);
    let up = u + (<usize>j << 3);
    let xp = x + (<usize>k0 << 3);
    for (let r = 0; r < rows; r++) {
      let x0 = v128.load64_splat(xp);
      let x1 = v128.load64_splat(xp, 8);
      let v = v128.load(up);
      c00 = f64x2.add(c00, f64x2.mul(x0, v));
      c10 = f64x2.add(c10, f64x2.mul(x1, v));
      v = v128.load(up, 16);
      c01 = f64x2.add(c01, f64x2.mul(x0, v));
      c11 = f64x2.add(c11, f64x2.mul(x1, v));
      v = v128.load(up, 32);
      c02 = f64x2.add(c02, f64x2.mul(x0, v));
      c12 = f64x2.add(c12, f64x2.mul(x1, v));
      v = v128.load(up, 48);
      c03 = f64x2.add(c03, f64x2.mul(x0, v));
      c13 = f64x2.add(c13, f64x2.mul(x1, v));
      up += stride;
      xp += xStride;
    }
    v128.store(g, c00); v128.store(g, c01, 16); v128.store(g, c02, 32); v128.store(g, c03, 48);
    g += stride;
    v128.store(g, c10); v128.store(g, c11, 16); v128.store(g, c12, 32); v128.store(g, c13, 48);
  }
  return j;
}

/** G^T[k, j] += sum_r X[r, k] U[r, j] for one k and units j0 .. m-1, as `gradientCols4`. */
function gradientCol(
  x: usize, rows: i32, d: i32, k: i32, u: usize, m: i32, j0: i32, gt: usize
): void {
  let stride = <usize>m << 3;
  let xStride = <usize>d << 3;
  let g = gt + ((<usize>k * <usize>m) << 3);
  let j = j0;
  for (; j + 7 < m; j += 8) {
    let gj = g + (<usize>j << 3);
    let c0 = v128.load(gj), c1 = v128.load(gj, 16);
    let c2 = v128.load(gj, 32), c3 = v128.load(gj, 48);
    let up = u + (<usize>j << 3);
    let xp = x + (<usize>k << 3);
    for (let r = 0; r < rows; r++) {
      let xk = v128.load64_splat(xp);
      c0 = f64x2.add(c0, f64x2.mul(xk, v128.load(up)));
      c1 = f64x2.add(c1, f64x2.mul(xk, v128.load(up, 16)));
      c2 = f64x2.add(c2, f64x2.mul(xk, v128.load(up, 32)));
      c3 = f64x2.add(c3, f64x2.mul(xk, v128.load(up, 48)));
      up += stride;
      xp += xStride;
    }
    v128.store(gj, c0); v128.store(gj, c1, 16); v128.store(gj, c2, 32); v128.store(gj, c3, 48);
  }
  for (; j < m; j++) {
    let gj = g + (<usize>j << 3);
    let s = load<f64>(gj);
    for (let r = 0; r < rows; r++) {
      s += load<f64>(row(x, r, d) + (<usize>k << 3)) * load<f64>(row(u, r, m) + (<usize>j << 3));
    }
    store<f64>(gj, s);
  }
}

/**
 * G^T (d x M) += X_tile^T U for a tile of `rows` rows of X (from x) and of U (rows x M,
 * from u): G^T[k, j] += sum_r X[r, k] U[r, j], the rows added in order. Four columns of
 * X at a time, then two, then one. Cost: 2 rows M d.
 */
export function accumulateGradient(
  x: usize, rows: i32, d: i32, u: usize, m: i32, gt: usize
): void {
  let k = 0;
  for (; k + 3 < d; k += 4) {
    let j = gradientCols4(x, rows, d, k, u, m, gt);
    for (let q = 0; q < 4; q++) gradientCol(x, rows, d, k + q, u, m, j, gt);
  }
  if (k + 1 < d) {
    let j = gradientCols2(x, rows, d, k, u, m, gt);
    gradientCol(x, rows, d, k, u, m, j, gt);
    gradientCol(x, rows, d, k + 1, u, m, j, gt);
    k += 2;
  }
  if (k < d) gradientCol(x, rows, d, k, u, m, 0, gt);
}

/** G[j, k] = c a_j G^T[k, j]: the gradient back in the weights' layout (M x d). */
export function unpackGradient(gt: usize, d: i32, m: i32, a: usize, c: f64, g: usize): void {
  for (let j = 0; j < m; j++) {
    let cj = c * load<f64>(a + (<usize>j << 3));
    let gj = row(g, j, d);
    let from = gt + (<usize>j << 3);
    let stride = <usize>m << 3;
    for (let k = 0; k < d; k++) {
      store<f64>(gj + (<usize>k << 3), cj * load<f64>(from + <usize>k * stride));
    }
  }
}

/**
 * The outputs of a tile of pre-activations Z (rows x M, rows M apart), before the scale:
 * out[r] = sum_j a_j sigma(Z[r, j]) summed in pairs (`pairedSum`), and slope rows
 * S[r, j] = sigma'(Z[r, j]) when `slope` is not 0. Z is overwritten with sigma(Z).
 */
export function tileOutputs(
  kind: i32, z: usize, rows: i32, m: i32, a: usize, slope: usize, out: usize
): void {
  activate(kind, z, z, slope, rows * m);
  for (let r = 0; r < rows; r++) {
    store<f64>(out + (<usize>r << 3), pairedSum(a, row(z, r, m), m));
  }
}

/**
 * Forward pass: f[i] = f(x_i; W) for the n rows of X.
 * Also writes S = sigma'(X W^T) (n x M) when `slope` is not 0.
 * `work` is scratch of `workBytes` >= `networkWorkBytes(d, M)` bytes (aborts otherwise).
 * Cost: n M (2 d + one activation).
 */
export function forward(
  x: usize, n: i32, d: i32, w: usize, m: i32, a: usize, scale: f64, kind: i32,
  f: usize, slope: usize, work: usize, workBytes: usize
): void {
  checkWork(workBytes, d, m);
  forwardTiles(x, n, d, w, m, a, scale, kind, f, slope, work, 0);
}

/**
 * As `forward`, and also keeps the hidden outputs H = sigma(X W^T) (n x M): each tile's
 * pre-activations go straight into its rows of H and are overwritten there with sigma.
 * Writes S when `slope` is not 0. `work` is scratch of `workBytes` >=
 * `networkWorkBytes(d, M)` bytes (aborts otherwise), of which only W^T is used. The
 * outputs f equal `forward`'s bit for bit. Cost: n M (2 d + one activation).
 */
export function forwardHidden(
  x: usize, n: i32, d: i32, w: usize, m: i32, a: usize, scale: f64, kind: i32,
  f: usize, slope: usize, hidden: usize, work: usize, workBytes: usize
): void {
  checkWork(workBytes, d, m);
  forwardTiles(x, n, d, w, m, a, scale, kind, f, slope, work, hidden);
}

/**
 * The tiles of `forward` and `forwardHidden`: W^T at the start of the work block, each
 * tile's pre-activations after it, or in the tile's rows of H when `hidden` is not 0.
 */
function forwardTiles(
  x: usize, n: i32, d: i32, w: usize, m: i32, a: usize, scale: f64, kind: i32,
  f: usize, slope: usize, work: usize, hidden: usize
): void {
  let wt = work;
  transpose(w, m, d, wt);
  for (let i0 = 0; i0 < n; i0 += TILE_ROWS) {
    let rows = min(TILE_ROWS, n - i0);
    let out = f + (<usize>i0 << 3);
    let z = hidden ? row(hidden, i0, m) : row(work, d, m);
    preactivations(row(x, i0, d), rows, d, wt, m, z);
    tileOutputs(kind, z, rows, m, a, slope ? row(slope, i0, m) : 0, out);
    for (let r = 0; r < rows; r++) {
      let p = out + (<usize>r << 3);
      store<f64>(p, scale * load<f64>(p));
    }
  }
}

/**
 * Jacobian-vector product u = Phi V for a direction V (M x d):
 * u[i] = scale sum_j a_j S[i, j] <v_j, x_i>. `work` is scratch of `workBytes` >=
 * `networkWorkBytes(d, M)` bytes (aborts otherwise). Cost: 2 n M d.
 */
export function jvp(
  x: usize, n: i32, d: i32, slope: usize, m: i32, a: usize, scale: f64, v: usize, u: usize,
  work: usize, workBytes: usize
): void {
  checkWork(workBytes, d, m);
  let vt = work;
  let z = row(work, d, m);
  transpose(v, m, d, vt);
  for (let i0 = 0; i0 < n; i0 += TILE_ROWS) {
    let rows = min(TILE_ROWS, n - i0);
    preactivations(row(x, i0, d), rows, d, vt, m, z);
    for (let r = 0; r < rows; r++) {
      let i = i0 + r;
      store<f64>(u + (<usize>i << 3), scale * weightedSum(a, row(slope, i, m), row(z, r, m), m));
    }
  }
}

/**
 * Adds the second-layer block of a Jacobian-vector product:
 * u[i] += scale sum_j H[i, j] b_j for a direction b (M values). Cost: n M.
 */
export function jvpSecondLayer(
  n: i32, hidden: usize, m: i32, scale: f64, b: usize, u: usize
): void {
  for (let i = 0; i < n; i++) {
    let ui = u + (<usize>i << 3);
    store<f64>(ui, load<f64>(ui) + scale * dot(row(hidden, i, m), b, m));
  }
}

/**
 * Vector-Jacobian product G = Phi^T u as an M x d matrix:
 * g_j = scale a_j sum_i S[i, j] (u[i] x_i), the rows of X scaled by u a tile at a time.
 * `work` is scratch of `workBytes` >= `networkWorkBytes(d, M)` bytes (aborts otherwise).
 * Cost: 2 n M d.
 */
export function vjp(
  x: usize, n: i32, d: i32, slope: usize, m: i32, a: usize, scale: f64, u: usize, g: usize,
  work: usize, workBytes: usize
): void {
  checkWork(workBytes, d, m);
  let gt = work;
  let scaled = scaledRowsOf(work, d, m);
  memory.fill(gt, 0, (<usize>m * <usize>d) << 3);
  for (let i0 = 0; i0 < n; i0 += TILE_ROWS) {
    let rows = min(TILE_ROWS, n - i0);
    scaleRows(row(x, i0, d), rows, d, 1, u + (<usize>i0 << 3), scaled);
    accumulateGradient(scaled, rows, d, row(slope, i0, m), m, gt);
  }
  unpackGradient(gt, d, m, a, scale, g);
}

/**
 * Second-layer block of a vector-Jacobian product: g_a = scale H^T u (M
 * values), g_a[j] = scale sum_i u[i] H[i, j]. Cost: n M.
 */
export function vjpSecondLayer(
  n: i32, hidden: usize, m: i32, scale: f64, u: usize, ga: usize
): void {
  memory.fill(ga, 0, <usize>m << 3);
  for (let i = 0; i < n; i++) {
    let hi = row(hidden, i, m);
    let ui = load<f64>(u + (<usize>i << 3));
    for (let j = 0; j < m; j++) {
      let off = <usize>j << 3;
      store<f64>(ga + off, load<f64>(ga + off) + ui * load<f64>(hi + off));
    }
  }
  for (let j = 0; j < m; j++) {
    let off = <usize>j << 3;
    store<f64>(ga + off, scale * load<f64>(ga + off));
  }
}

/** The explicit Jacobian Phi (n x Md, column j d + k for weight w_jk). Cost: n M d memory. */
export function jacobian(
  x: usize, n: i32, d: i32, slope: usize, m: i32, a: usize, scale: f64, phi: usize
): void {
  weightColumns(x, n, d, slope, m, a, scale, phi, <usize>m * <usize>d);
}

/**
 * The explicit Jacobian of theta = (W, a): n x P with P = Md + M, the weight
 * columns j d + k first, then column Md + j = scale H[:, j] for a_j.
 * Cost: n (M d + M) memory.
 */
export function jacobianTrained(
  x: usize, n: i32, d: i32, slope: usize, hidden: usize, m: i32, a: usize, scale: f64, phi: usize
): void {
  let md = <usize>m * <usize>d;
  let p = md + <usize>m;
  weightColumns(x, n, d, slope, m, a, scale, phi, p);
  for (let i = 0; i < n; i++) {
    let hi = row(hidden, i, m);
    let out = phi + ((<usize>i * p + md) << 3);
    for (let j = 0; j < m; j++) {
      let off = <usize>j << 3;
      store<f64>(out + off, scale * load<f64>(hi + off));
    }
  }
}

/** The weight columns of a Jacobian whose rows are `stride` values apart. */
function weightColumns(
  x: usize, n: i32, d: i32, slope: usize, m: i32, a: usize, scale: f64, phi: usize, stride: usize
): void {
  for (let i = 0; i < n; i++) {
    let xi = row(x, i, d);
    let si = row(slope, i, m);
    let out = phi + ((<usize>i * stride) << 3);
    for (let j = 0; j < m; j++) {
      let c = scale * load<f64>(a + (<usize>j << 3)) * load<f64>(si + (<usize>j << 3));
      let oj = out + ((<usize>j * <usize>d) << 3);
      for (let k = 0; k < d; k++) {
        let off = <usize>k << 3;
        store<f64>(oj + off, c * load<f64>(xi + off));
      }
    }
  }
}
