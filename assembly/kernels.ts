/**
 * Gram matrices of the empirical neural tangent kernel, and what the
 * integrators need to know of their spectrum.
 */
import { gramUpper } from "./matmul";
import { dot } from "./vector";

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
