/**
 * Gram matrices of the empirical neural tangent kernel, and what the
 * integrators need to know of their spectrum.
 */
import { activate } from "./activations";
import { gramUpper } from "./matmul";
import { TILE_ROWS, checkWork, preactivations, transpose } from "./network";
import { dot, subtract } from "./vector";

// @ts-ignore: decorator
@inline function row(base: usize, i: i32, width: i32): usize {
  return base + ((<usize>i * <usize>width) << 3);
}

/**
 * K = Phi Phi^T (n x n) through the Hadamard identity
 *   K[i, l] = scale^2 <S_i, S_l> <x_i, x_l>,
 * valid because every a_j is +1 or -1. The Gram matrix S S^T comes from the blocked
 * SIMD product (`gramUpper`: its upper triangle only, written into K), then each entry
 * of the upper triangle is multiplied by scale^2 <x_i, x_l> and mirrored, so K is
 * exactly symmetric. No scratch beyond the packing regions of matmul.ts.
 * Cost: n^2 (M + d) / 2.
 */
export function ntkGram(
  x: usize, n: i32, d: i32, slope: usize, m: i32, scale: f64, k: usize
): void {
  gramUpper(n, m, slope, m, k, n);
  let s2 = scale * scale;
  for (let i = 0; i < n; i++) {
    let xi = row(x, i, d);
    for (let l = i; l < n; l++) {
      let p = k + ((<usize>i * <usize>n + <usize>l) << 3);
      let v = s2 * load<f64>(p) * dot(xi, row(x, l, d), d);
      store<f64>(p, v);
      store<f64>(k + ((<usize>l * <usize>n + <usize>i) << 3), v);
    }
  }
}

/**
 * K = Phi Phi^T (n x n) for theta = (W, a), any second layer a:
 *   K[i, l] = scale^2 ( sum_j a_j^2 S[i, j] S[l, j] <x_i, x_l> + <H_i, H_l> ),
 * that is scale^2 [ (S diag(a^2) S^T) o (X X^T) + H H^T ] with the hidden
 * outputs H = sigma(X W^T) (n x M): the weight part with the current a_j^2,
 * plus the random-features part of the second layer. Upper triangle
 * mirrored. Cost: n^2 (2 M + d) / 2.
 */
export function ntkGramTrained(
  x: usize, n: i32, d: i32, slope: usize, hidden: usize, m: i32, a: usize, scale: f64, k: usize
): void {
  let s2 = scale * scale;
  for (let i = 0; i < n; i++) {
    let si = row(slope, i, m);
    let hi = row(hidden, i, m);
    let xi = row(x, i, d);
    for (let l = i; l < n; l++) {
      let v = s2 * (weightedDot(si, row(slope, l, m), a, m) * dot(xi, row(x, l, d), d)
        + dot(hi, row(hidden, l, m), m));
      store<f64>(k + ((<usize>i * <usize>n + <usize>l) << 3), v);
      store<f64>(k + ((<usize>l * <usize>n + <usize>i) << 3), v);
    }
  }
}

/** sum_j a_j^2 u_j v_j. */
function weightedDot(u: usize, v: usize, a: usize, count: i32): f64 {
  let s: f64 = 0;
  for (let j = 0; j < count; j++) {
    let off = <usize>j << 3;
    let aj = load<f64>(a + off);
    s += aj * aj * load<f64>(u + off) * load<f64>(v + off);
  }
  return s;
}

/**
 * Largest eigenvalue of a symmetric positive semi-definite n x n matrix K by
 * power iteration, stopped when the Rayleigh
 * quotient changes by at most `tol` relatively or after `maxIters`.
 * Returns ||K v|| for the last unit iterate v, which never exceeds
 * lambda_max. `v` and `kv` are scratch for n values each. The start vector
 * 1 + frac(i phi), phi the golden ratio, is positive (it overlaps the top
 * eigenvector of a matrix with positive entries) and has no symmetry that
 * could make it orthogonal to the top eigenvector of a structured K.
 */
export function lambdaMax(k: usize, n: i32, maxIters: i32, tol: f64, v: usize, kv: usize): f64 {
  for (let i = 0; i < n; i++) {
    let t = <f64>i * 0.6180339887498949;
    store<f64>(v + (<usize>i << 3), 1 + (t - Math.floor(t)));
  }
  let start = Math.sqrt(dot(v, v, n));
  for (let i = 0; i < n; i++) {
    let p = v + (<usize>i << 3);
    store<f64>(p, load<f64>(p) / start);
  }
  let previous: f64 = -1;
  let norm: f64 = 0;
  for (let it = 0; it < maxIters; it++) {
    for (let i = 0; i < n; i++) store<f64>(kv + (<usize>i << 3), dot(row(k, i, n), v, n));
    let rayleigh = dot(v, kv, n);
    norm = Math.sqrt(dot(kv, kv, n));
    if (norm == 0) return 0;
    for (let i = 0; i < n; i++) {
      store<f64>(v + (<usize>i << 3), load<f64>(kv + (<usize>i << 3)) / norm);
    }
    if (Math.abs(rayleigh - previous) <= tol * Math.abs(rayleigh)) break;
    previous = rayleigh;
  }
  return norm;
}

/**
 * The change of the slope matrix between two weight matrices,
 *   delta[i, j] = sigma'(<w_j, x_i>) - sigma'(<w0_j, x_i>)   (n x M),
 * so that Phi(W) - Phi(W0) = scale a_j delta[i, j] x_ik, and `ntkGram` of
 * delta is (Phi(W) - Phi(W0)) (Phi(W) - Phi(W0))^T. The pre-activations come from the
 * network kernels' tiles (`preactivations`, W^T and then W0^T in the work block): those at
 * W straight into delta, those at W0 a tile of TILE_ROWS rows at a time after W0^T; the
 * slopes equal `sigmaPrime`'s to the bit. `work` is scratch of `workBytes` >=
 * `networkWorkBytes(d, M)` bytes (aborts otherwise). Cost: 4 n M d.
 */
export function slopeChange(
  x: usize, n: i32, d: i32, w0: usize, w: usize, m: i32, kind: i32, delta: usize,
  work: usize, workBytes: usize
): void {
  checkWork(workBytes, d, m);
  let wt = work;
  let z = row(work, d, m);
  transpose(w, m, d, wt);
  preactivations(x, n, d, wt, m, delta);
  activate(kind, delta, 0, delta, n * m);
  transpose(w0, m, d, wt);
  for (let i0 = 0; i0 < n; i0 += TILE_ROWS) {
    let rows = min(TILE_ROWS, n - i0);
    let out = row(delta, i0, m);
    preactivations(row(x, i0, d), rows, d, wt, m, z);
    activate(kind, z, 0, z, rows * m);
    subtract(out, z, out, rows * m);
  }
}
