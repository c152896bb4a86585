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
 */
import { activate } from "./activations";
import { dot } from "./vector";

// @ts-ignore: decorator
@inline function row(base: usize, i: i32, width: i32): usize {
  return base + ((<usize>i * <usize>width) << 3);
}

/**
 * sum_j a_j v_j with the units paired (j, j + M/2) and each pair added first,
 * so a symmetric initialisation (w_{j+M/2} = w_j, a_{j+M/2} = -a_j) gives
 * exactly zero. An odd M adds its last unit at the end.
 */
export function pairedSum(a: usize, v: usize, m: i32): f64 {
  let half = m >> 1;
  let s: f64 = 0;
  for (let j = 0; j < half; j++) {
    let lo = <usize>j << 3;
    let hi = <usize>(j + half) << 3;
    s += load<f64>(a + lo) * load<f64>(v + lo) + load<f64>(a + hi) * load<f64>(v + hi);
  }
  if (m & 1) {
    let last = <usize>(m - 1) << 3;
    s += load<f64>(a + last) * load<f64>(v + last);
  }
  return s;
}

/**
 * out[j] = <w_j, x> for the M rows of W. Four rows at a time, so that four
 * independent sums are in flight instead of one chain of dependent adds.
 */
export function rowDots(x: usize, w: usize, m: i32, d: i32, out: usize): void {
  let stride = <usize>d << 3;
  let j = 0;
  for (; j + 3 < m; j += 4) {
    let w0 = row(w, j, d);
    let w1 = w0 + stride;
    let w2 = w1 + stride;
    let w3 = w2 + stride;
    let s0: f64 = 0, s1: f64 = 0, s2: f64 = 0, s3: f64 = 0;
    for (let k = 0; k < d; k++) {
      let off = <usize>k << 3;
      let xk = load<f64>(x + off);
      s0 += load<f64>(w0 + off) * xk;
      s1 += load<f64>(w1 + off) * xk;
      s2 += load<f64>(w2 + off) * xk;
      s3 += load<f64>(w3 + off) * xk;
    }
    let o = out + (<usize>j << 3);
    store<f64>(o, s0);
    store<f64>(o, s1, 8);
    store<f64>(o, s2, 16);
    store<f64>(o, s3, 24);
  }
  for (; j < m; j++) store<f64>(out + (<usize>j << 3), dot(row(w, j, d), x, d));
}

/**
 * Forward pass: f[i] = f(x_i; W) for the n rows of X.
 * Also writes S = sigma'(X W^T) (n x M) when `slope` is not 0.
 * `work` is scratch for M values. Cost: n M (d + one activation).
 */
export function forward(
  x: usize, n: i32, d: i32, w: usize, m: i32, a: usize, scale: f64, kind: i32,
  f: usize, slope: usize, work: usize
): void {
  for (let i = 0; i < n; i++) {
    let xi = row(x, i, d);
    rowDots(xi, w, m, d, work);
    activate(kind, work, work, slope ? row(slope, i, m) : 0, m);
    store<f64>(f + (<usize>i << 3), scale * pairedSum(a, work, m));
  }
}

/**
 * As `forward`, and also keeps the hidden outputs H = sigma(X W^T) (n x M),
 * which serve as the scratch row by row, so no `work` is needed. Writes S
 * when `slope` is not 0. The outputs f equal `forward`'s bit for bit.
 * Cost: n M (d + one activation).
 */
export function forwardHidden(
  x: usize, n: i32, d: i32, w: usize, m: i32, a: usize, scale: f64, kind: i32,
  f: usize, slope: usize, hidden: usize
): void {
  for (let i = 0; i < n; i++) {
    let hi = row(hidden, i, m);
    rowDots(row(x, i, d), w, m, d, hi);
    activate(kind, hi, hi, slope ? row(slope, i, m) : 0, m);
    store<f64>(f + (<usize>i << 3), scale * pairedSum(a, hi, m));
  }
}

/**
 * Jacobian-vector product u = Phi V for a direction V (M x d):
 * u[i] = scale sum_j a_j S[i, j] <v_j, x_i>. `work` is scratch for M values.
 * Cost: n M d.
 */
export function jvp(
  x: usize, n: i32, d: i32, slope: usize, m: i32, a: usize, scale: f64, v: usize, u: usize,
  work: usize
): void {
  for (let i = 0; i < n; i++) {
    let si = row(slope, i, m);
    rowDots(row(x, i, d), v, m, d, work);
    let s: f64 = 0;
    for (let j = 0; j < m; j++) {
      let off = <usize>j << 3;
      s += load<f64>(a + off) * load<f64>(si + off) * load<f64>(work + off);
    }
    store<f64>(u + (<usize>i << 3), scale * s);
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
 * g_j = scale a_j sum_i u[i] S[i, j] x_i. Cost: n M d.
 */
export function vjp(
  x: usize, n: i32, d: i32, slope: usize, m: i32, a: usize, scale: f64, u: usize, g: usize
): void {
  memory.fill(g, 0, (<usize>m * <usize>d) << 3);
  for (let i = 0; i < n; i++) {
    let xi = row(x, i, d);
    let si = row(slope, i, m);
    let ui = load<f64>(u + (<usize>i << 3));
    for (let j = 0; j < m; j++) {
      let c = ui * load<f64>(si + (<usize>j << 3));
      if (c == 0) continue;
      let gj = row(g, j, d);
      for (let k = 0; k < d; k++) {
        let off = <usize>k << 3;
        store<f64>(gj + off, load<f64>(gj + off) + c * load<f64>(xi + off));
      }
    }
  }
  for (let j = 0; j < m; j++) {
    let c = scale * load<f64>(a + (<usize>j << 3));
    let gj = row(g, j, d);
    for (let k = 0; k < d; k++) {
      let off = <usize>k << 3;
      store<f64>(gj + off, c * load<f64>(gj + off));
    }
  }
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
