/**
 * Gradient flow of the empirical risk R(W) = ||y - f_n(W)||^2 / (2n), for the
 * network and for its linearisation at W0, integrated together:
 *
 *   dW/dt = (1/n) Phi(W)^T (y - f_n(W)),
 *   dV/dt = (1/n) Phi0^T (r0 - Phi0 V),   V = theta_bar - theta_0,  r0 = y - f_n(W0).
 *
 * The linear flow is carried in function space: with q' = r0 - K0 q / n,
 * q(0) = 0 and K0 = Phi0 Phi0^T, the displacement is V = Phi0^T q / n and the
 * linear residual r0 - Phi0 V = r0 - K0 q / n. Every Runge-Kutta or Euler
 * step commutes with the linear map q -> Phi0^T q / n, so this is the same
 * integrator applied to V, at n^2 per stage instead of 2 n M d.
 *
 * A `Flow` record in caller memory holds the sizes and the byte offsets of
 * every buffer; `flowInit` fills it and carves its scratch out of one work
 * block of `flowWorkBytes(...)` bytes, so nothing is allocated here.
 */
import {
  TILE_ROWS, accumulateGradient, forward, jvp, networkWorkBytes, preactivations, scaleRows,
  scaledRowsOf, tileOutputs, transpose, unpackGradient, vjp
} from "./network";
import { ntkGram } from "./kernels";
import {
  addScaled, axpy, dot, distanceSquared, distanceSquared3, subtract, sumSquares
} from "./vector";

@unmanaged class Flow {
  n: i32;
  d: i32;
  m: i32;
  kind: i32;
  scale: f64;
  x: usize;
  y: usize;
  a: usize;
  w0: usize;
  w: usize;
  v: usize;
  k0: usize;
  slope0: usize;
  r0: usize;
  q: usize;
  slope: usize;
  r: usize;
  net: usize;
  gt: usize;
  slopeTile: usize;
  kw: usize;
  kq: usize;
  accW: usize;
  accQ: usize;
  tmpW: usize;
  tmpQ: usize;
  nt: i32;
  xt: usize;
  yt: usize;
  slope0t: usize;
  f0t: usize;
  ft: usize;
  flt: usize;
}

/** Bytes of one Flow record. */
export function flowBytes(): usize {
  return offsetof<Flow>();
}

/** Doubles rounded up to an even count, so every region stays 16-byte aligned. */
// @ts-ignore: decorator
@inline function region(count: usize): usize {
  return ((count + 1) & ~1) << 3;
}

/**
 * Bytes of scratch a flow with these sizes needs (nt test points, 0 for none): the
 * slopes at W0 and at W (n x M each), the network kernels' work block (`networkWorkBytes`:
 * W^T, a tile of pre-activations, a tile of scaled rows of X), G^T (d x M) and a tile of
 * slopes (TILE_ROWS x M) for the fused pass, three M x d and six n-vectors for the
 * integrators, and the test set's slopes at W0 (nt x M) with three nt-vectors.
 */
export function flowWorkBytes(n: i32, d: i32, m: i32, nt: i32): usize {
  let nm = <usize>n * <usize>m;
  let md = <usize>m * <usize>d;
  let ntm = <usize>nt * <usize>m;
  let tile = <usize>TILE_ROWS * <usize>m;
  return 2 * region(nm) + 6 * region(<usize>n) + region(networkWorkBytes(d, m) >> 3)
    + region(md) + region(tile) + 3 * region(md) + region(ntm) + 3 * region(<usize>nt);
}

/**
 * Fills the record: sizes, activation kind, scale = alpha / sqrt(M), the
 * caller's buffers X (n x d), y (n), a (M), W0 (M x d), the state W (M x d,
 * set here to W0), V (M x d, written by `flowMetrics`), K0 (n x n, computed
 * here), an optional test set Xt (nt x d) with labels yt (0 when there are
 * none), and the work block. Computes the slopes at W0 and r0 = y - f_n(W0).
 */
export function flowInit(
  flow: usize, n: i32, d: i32, m: i32, kind: i32, scale: f64,
  x: usize, y: usize, a: usize, w0: usize, w: usize, v: usize, k0: usize,
  nt: i32, xt: usize, yt: usize, work: usize
): void {
  let f = changetype<Flow>(flow);
  let nm = <usize>n * <usize>m;
  let md = <usize>m * <usize>d;
  f.n = n; f.d = d; f.m = m; f.kind = kind; f.scale = scale;
  f.x = x; f.y = y; f.a = a; f.w0 = w0; f.w = w; f.v = v; f.k0 = k0;
  f.nt = nt; f.xt = xt; f.yt = yt;

  let p = work;
  f.slope0 = p; p += region(nm);
  f.slope = p; p += region(nm);
  f.r0 = p; p += region(<usize>n);
  f.q = p; p += region(<usize>n);
  f.r = p; p += region(<usize>n);
  f.kq = p; p += region(<usize>n);
  f.accQ = p; p += region(<usize>n);
  f.tmpQ = p; p += region(<usize>n);
  f.net = p; p += region(networkWorkBytes(d, m) >> 3);
  f.gt = p; p += region(md);
  f.slopeTile = p; p += region(<usize>TILE_ROWS * <usize>m);
  f.kw = p; p += region(md);
  f.accW = p; p += region(md);
  f.tmpW = p; p += region(md);
  f.slope0t = p; p += region(<usize>nt * <usize>m);
  f.f0t = p; p += region(<usize>nt);
  f.ft = p; p += region(<usize>nt);
  f.flt = p;

  memory.copy(w, w0, md << 3);
  memory.fill(v, 0, md << 3);
  memory.fill(f.q, 0, <usize>n << 3);
  let netBytes = networkWorkBytes(d, m);
  forward(x, n, d, w0, m, a, scale, kind, f.r0, f.slope0, f.net, netBytes);
  subtract(y, f.r0, f.r0, n);
  ntkGram(x, n, d, f.slope0, m, scale, k0);
  if (nt > 0) forward(xt, nt, d, w0, m, a, scale, kind, f.f0t, f.slope0t, f.net, netBytes);
}

/** out = r0 - K0 q / n, the linearised model's residual. Returns its squared norm. */
function linearResidual(f: Flow, q: usize, out: usize): f64 {
  let n = f.n;
  let invN = 1 / <f64>n;
  let total: f64 = 0;
  for (let i = 0; i < n; i++) {
    let off = <usize>i << 3;
    let k0i = f.k0 + ((<usize>i * <usize>n) << 3);
    let ri = load<f64>(f.r0 + off) - invN * dot(k0i, q, n);
    store<f64>(out + off, ri);
    total += ri * ri;
  }
  return total;
}

/**
 * One tile of the fused pass: for `rows` rows of X from row i0, the pre-activations
 * (in the work block after W^T), the outputs and slopes (`tileOutputs`), the residuals
 * r_i = y_i - f(x_i; W), and G^T += (c r_i x_i)^T S_i with c = scale / n, the rows of X
 * scaled in the work block's last tile. Returns sum r_i^2 over the tile.
 */
function fieldTile(f: Flow, i0: i32, rows: i32): f64 {
  let d = f.d;
  let m = f.m;
  let z = f.net + ((<usize>d * <usize>m) << 3);
  let x = f.x + ((<usize>i0 * <usize>d) << 3);
  let residual = f.r + (<usize>i0 << 3);
  let scaled = scaledRowsOf(f.net, d, m);
  preactivations(x, rows, d, f.net, m, z);
  tileOutputs(f.kind, z, rows, m, f.a, f.slopeTile, residual);

  let total: f64 = 0;
  for (let r = 0; r < rows; r++) {
    let p = residual + (<usize>r << 3);
    let ri = load<f64>(f.y + (<usize>(i0 + r) << 3)) - f.scale * load<f64>(p);
    store<f64>(p, ri);
    total += ri * ri;
  }
  scaleRows(x, rows, d, f.scale / <f64>f.n, residual, scaled);
  accumulateGradient(scaled, rows, d, f.slopeTile, m, f.gt);
  return total;
}

/**
 * Both vector fields at once, in one pass over the rows of X, TILE_ROWS rows at a time:
 * outW = (1/n) Phi(W)^T (y - f_n(W)) and outQ = r0 - K0 q / n.
 * Returns ||y - f_n(W)||^2 + ||r0 - K0 q / n||^2, which is not finite once
 * either flow has blown up.
 */
function field(f: Flow, w: usize, q: usize, outW: usize, outQ: usize): f64 {
  let n = f.n;
  let total: f64 = 0;
  transpose(w, f.m, f.d, f.net);
  memory.fill(f.gt, 0, (<usize>f.m * <usize>f.d) << 3);
  for (let i0 = 0; i0 < n; i0 += TILE_ROWS) {
    total += fieldTile(f, i0, min(TILE_ROWS, n - i0));
  }
  unpackGradient(f.gt, f.d, f.m, f.a, 1, outW);
  return total + linearResidual(f, q, outQ);
}

/**
 * `steps` classical RK4 steps of size dt on (W, q). Returns how many steps
 * began from a finite state: equal to `steps` unless the flow blew up, in
 * which case the state is left as it was at that step.
 */
export function flowRk4(flow: usize, dt: f64, steps: i32): i32 {
  let f = changetype<Flow>(flow);
  let md = f.m * f.d;
  let n = f.n;
  let half = 0.5 * dt;
  for (let s = 0; s < steps; s++) {
    if (!isFinite(field(f, f.w, f.q, f.kw, f.kq))) return s;
    memory.copy(f.accW, f.kw, <usize>md << 3);
    memory.copy(f.accQ, f.kq, <usize>n << 3);
    addScaled(f.w, half, f.kw, f.tmpW, md);
    addScaled(f.q, half, f.kq, f.tmpQ, n);

    field(f, f.tmpW, f.tmpQ, f.kw, f.kq);
    axpy(2, f.kw, f.accW, md);
    axpy(2, f.kq, f.accQ, n);
    addScaled(f.w, half, f.kw, f.tmpW, md);
    addScaled(f.q, half, f.kq, f.tmpQ, n);

    field(f, f.tmpW, f.tmpQ, f.kw, f.kq);
    axpy(2, f.kw, f.accW, md);
    axpy(2, f.kq, f.accQ, n);
    addScaled(f.w, dt, f.kw, f.tmpW, md);
    addScaled(f.q, dt, f.kq, f.tmpQ, n);

    field(f, f.tmpW, f.tmpQ, f.kw, f.kq);
    axpy(1, f.kw, f.accW, md);
    axpy(1, f.kq, f.accQ, n);
    axpy(dt / 6, f.accW, f.w, md);
    axpy(dt / 6, f.accQ, f.q, n);
  }
  return steps;
}

/** `steps` explicit Euler steps (gradient descent with step dt); returns as flowRk4. */
export function flowEuler(flow: usize, dt: f64, steps: i32): i32 {
  let f = changetype<Flow>(flow);
  let md = f.m * f.d;
  for (let s = 0; s < steps; s++) {
    if (!isFinite(field(f, f.w, f.q, f.kw, f.kq))) return s;
    axpy(dt, f.kw, f.w, md);
    axpy(dt, f.kq, f.q, f.n);
  }
  return steps;
}

/** Writes V = theta_bar - W0 = Phi0^T q / n into the record's V buffer. */
export function flowLinearDisplacement(flow: usize): void {
  let f = changetype<Flow>(flow);
  let netBytes = networkWorkBytes(f.d, f.m);
  vjp(f.x, f.n, f.d, f.slope0, f.m, f.a, f.scale / <f64>f.n, f.q, f.v, f.net, netBytes);
}

/** Slots of the array `flowMetrics` writes. */
export const METRIC_RISK = 0;
export const METRIC_LINEAR_RISK = 1;
export const METRIC_WEIGHT_DISTANCE = 2;
export const METRIC_LINEAR_GAP = 3;
export const METRIC_KERNEL_CHANGE = 4;
export const METRIC_TEST_RISK = 5;
export const METRIC_LINEAR_TEST_RISK = 6;
export const METRIC_TEST_GAP = 7;
export const METRIC_THETA0_NORM = 8;
export const METRIC_COUNT = 9;

/**
 * The figures of the current state, written to `out` (METRIC_COUNT values,
 * NaN where not computed): risk R(W), linearRisk ||r0 - K0 q / n||^2 / (2n),
 * weightDistance ||W - W0||, linearGap ||W - W0 - V||, kernelChange
 * ||K_t - K_0||_F / ||K_0||_F (only when kt, n x n scratch, is not 0), and
 * on the test set: testRisk and linearTestRisk (half mean squared errors,
 * only with labels) and testGap, the root mean square of
 * f(x; W) - f_lin(x; W0 + V); last, ||W0||. Leaves V in the record.
 */
export function flowMetrics(flow: usize, out: usize, kt: usize): void {
  let f = changetype<Flow>(flow);
  let n = f.n;
  let md = f.m * f.d;
  let twoN = 2 * <f64>n;
  for (let i = 0; i < METRIC_COUNT; i++) store<f64>(out + (<usize>i << 3), NaN);

  let netBytes = networkWorkBytes(f.d, f.m);
  forward(f.x, n, f.d, f.w, f.m, f.a, f.scale, f.kind, f.r, f.slope, f.net, netBytes);
  subtract(f.y, f.r, f.r, n);
  store<f64>(out + (METRIC_RISK << 3), sumSquares(f.r, n) / twoN);
  store<f64>(out + (METRIC_LINEAR_RISK << 3), linearResidual(f, f.q, f.r) / twoN);
  flowLinearDisplacement(flow);
  store<f64>(out + (METRIC_WEIGHT_DISTANCE << 3), Math.sqrt(distanceSquared(f.w, f.w0, md)));
  store<f64>(out + (METRIC_LINEAR_GAP << 3), Math.sqrt(distanceSquared3(f.w, f.w0, f.v, md)));
  store<f64>(out + (METRIC_THETA0_NORM << 3), Math.sqrt(sumSquares(f.w0, md)));

  if (kt) {
    ntkGram(f.x, n, f.d, f.slope, f.m, f.scale, kt);
    let nn = n * n;
    let change = Math.sqrt(distanceSquared(kt, f.k0, nn) / sumSquares(f.k0, nn));
    store<f64>(out + (METRIC_KERNEL_CHANGE << 3), change);
  }

  let nt = f.nt;
  if (nt > 0) {
    forward(f.xt, nt, f.d, f.w, f.m, f.a, f.scale, f.kind, f.ft, 0, f.net, netBytes);
    jvp(f.xt, nt, f.d, f.slope0t, f.m, f.a, f.scale, f.v, f.flt, f.net, netBytes);
    axpy(1, f.f0t, f.flt, nt);
    let twoNt = 2 * <f64>nt;
    store<f64>(out + (METRIC_TEST_GAP << 3), Math.sqrt(distanceSquared(f.ft, f.flt, nt) / nt));
    if (f.yt) {
      store<f64>(out + (METRIC_TEST_RISK << 3), distanceSquared(f.yt, f.ft, nt) / twoNt);
      store<f64>(out + (METRIC_LINEAR_TEST_RISK << 3), distanceSquared(f.yt, f.flt, nt) / twoNt);
    }
  }
}
