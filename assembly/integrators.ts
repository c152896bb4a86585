/**
 * Gradient flow of the empirical risk R(W) = ||y - f_n(W)||^2 / (2n), for the
 * network and for its linearisation at W0, integrated together:
 *
 *   dW/dt = (1/n) Phi(W)^T (y - f_n(W)),
 *   dV/dt = (1/n) Phi0^T (r0 - Phi0 V),   V = theta_bar - theta_0,  r0 = y - f_n(W0).
 *
 * A `Flow` record in caller memory holds the sizes and the byte offsets of
 * every buffer; `flowInit` fills it and carves its scratch out of one work
 * block of `flowWorkBytes(...)` bytes, so nothing is allocated here.
 * Steppers: classical RK4 (the reference) and explicit Euler (gradient
 * descent with step dt).
 */
import { forward, jvp, vjp } from "./network";
import { ntkGram } from "./kernels";
import { addScaled, axpy, distanceSquared, distanceSquared3, subtract, sumSquares } from "./vector";

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
  slope0: usize;
  r0: usize;
  slope: usize;
  r: usize;
  u: usize;
  row: usize;
  kw: usize;
  kv: usize;
  accW: usize;
  accV: usize;
  tmpW: usize;
  tmpV: usize;
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

/** Bytes of scratch a flow with these sizes needs (nt test points, 0 for none). */
export function flowWorkBytes(n: i32, d: i32, m: i32, nt: i32): usize {
  let nm = <usize>n * <usize>m;
  let md = <usize>m * <usize>d;
  let ntm = <usize>nt * <usize>m;
  return 2 * region(nm) + 3 * region(<usize>n) + region(<usize>m) + 6 * region(md)
    + region(ntm) + 3 * region(<usize>nt);
}

/**
 * Fills the record: sizes, activation kind, scale = alpha / sqrt(M), the
 * caller's buffers X (n x d), y (n), a (M), W0 (M x d), the state W and V
 * (M x d each, set here to W0 and 0), an optional test set Xt (nt x d) with
 * labels yt (0 when there are none), and the work block. Computes the slopes
 * at W0 and r0 = y - f_n(W0).
 */
export function flowInit(
  flow: usize, n: i32, d: i32, m: i32, kind: i32, scale: f64,
  x: usize, y: usize, a: usize, w0: usize, w: usize, v: usize,
  nt: i32, xt: usize, yt: usize, work: usize
): void {
  let f = changetype<Flow>(flow);
  let nm = <usize>n * <usize>m;
  let md = <usize>m * <usize>d;
  f.n = n; f.d = d; f.m = m; f.kind = kind; f.scale = scale;
  f.x = x; f.y = y; f.a = a; f.w0 = w0; f.w = w; f.v = v;
  f.nt = nt; f.xt = xt; f.yt = yt;

  let p = work;
  f.slope0 = p; p += region(nm);
  f.slope = p; p += region(nm);
  f.r0 = p; p += region(<usize>n);
  f.r = p; p += region(<usize>n);
  f.u = p; p += region(<usize>n);
  f.row = p; p += region(<usize>m);
  f.kw = p; p += region(md);
  f.kv = p; p += region(md);
  f.accW = p; p += region(md);
  f.accV = p; p += region(md);
  f.tmpW = p; p += region(md);
  f.tmpV = p; p += region(md);
  f.slope0t = p; p += region(<usize>nt * <usize>m);
  f.f0t = p; p += region(<usize>nt);
  f.ft = p; p += region(<usize>nt);
  f.flt = p;

  memory.copy(w, w0, md << 3);
  memory.fill(v, 0, md << 3);
  forward(x, n, d, w0, m, a, scale, kind, f.r0, f.slope0, f.row);
  subtract(y, f.r0, f.r0, n);
  if (nt > 0) forward(xt, nt, d, w0, m, a, scale, kind, f.f0t, f.slope0t, f.row);
}

/** K_0 = Phi0 Phi0^T (n x n) from the slopes at W0. */
export function flowKernel0(flow: usize, k: usize): void {
  let f = changetype<Flow>(flow);
  ntkGram(f.x, f.n, f.d, f.slope0, f.m, f.scale, k);
}

/**
 * Both vector fields at once: outW = (1/n) Phi(W)^T (y - f_n(W)) and
 * outV = (1/n) Phi0^T (r0 - Phi0 V). Returns ||y - f_n(W)||^2 + ||r0 - Phi0 V||^2,
 * which is not finite once either flow has blown up.
 */
function field(f: Flow, w: usize, v: usize, outW: usize, outV: usize): f64 {
  let n = f.n;
  let invN = 1 / <f64>n;
  forward(f.x, n, f.d, w, f.m, f.a, f.scale, f.kind, f.r, f.slope, f.row);
  subtract(f.y, f.r, f.r, n);
  let total = sumSquares(f.r, n);
  for (let i = 0; i < n; i++) {
    let p = f.r + (<usize>i << 3);
    store<f64>(p, load<f64>(p) * invN);
  }
  vjp(f.x, n, f.d, f.slope, f.m, f.a, f.scale, f.r, outW);

  jvp(f.x, n, f.d, f.slope0, f.m, f.a, f.scale, v, f.u, f.row);
  subtract(f.r0, f.u, f.u, n);
  total += sumSquares(f.u, n);
  for (let i = 0; i < n; i++) {
    let p = f.u + (<usize>i << 3);
    store<f64>(p, load<f64>(p) * invN);
  }
  vjp(f.x, n, f.d, f.slope0, f.m, f.a, f.scale, f.u, outV);
  return total;
}

/**
 * `steps` classical RK4 steps of size dt on (W, V). Returns how many steps
 * began from a finite state: equal to `steps` unless the flow blew up, in
 * which case the state is left as it was at that step.
 */
export function flowRk4(flow: usize, dt: f64, steps: i32): i32 {
  let f = changetype<Flow>(flow);
  let md = f.m * f.d;
  let half = 0.5 * dt;
  for (let s = 0; s < steps; s++) {
    if (!isFinite(field(f, f.w, f.v, f.kw, f.kv))) return s;
    memory.copy(f.accW, f.kw, <usize>md << 3);
    memory.copy(f.accV, f.kv, <usize>md << 3);
    addScaled(f.w, half, f.kw, f.tmpW, md);
    addScaled(f.v, half, f.kv, f.tmpV, md);

    field(f, f.tmpW, f.tmpV, f.kw, f.kv);
    axpy(2, f.kw, f.accW, md);
    axpy(2, f.kv, f.accV, md);
    addScaled(f.w, half, f.kw, f.tmpW, md);
    addScaled(f.v, half, f.kv, f.tmpV, md);

    field(f, f.tmpW, f.tmpV, f.kw, f.kv);
    axpy(2, f.kw, f.accW, md);
    axpy(2, f.kv, f.accV, md);
    addScaled(f.w, dt, f.kw, f.tmpW, md);
    addScaled(f.v, dt, f.kv, f.tmpV, md);

    field(f, f.tmpW, f.tmpV, f.kw, f.kv);
    axpy(1, f.kw, f.accW, md);
    axpy(1, f.kv, f.accV, md);
    axpy(dt / 6, f.accW, f.w, md);
    axpy(dt / 6, f.accV, f.v, md);
  }
  return steps;
}

/** `steps` explicit Euler steps (gradient descent with step dt); returns as flowRk4. */
export function flowEuler(flow: usize, dt: f64, steps: i32): i32 {
  let f = changetype<Flow>(flow);
  let md = f.m * f.d;
  for (let s = 0; s < steps; s++) {
    if (!isFinite(field(f, f.w, f.v, f.kw, f.kv))) return s;
    axpy(dt, f.kw, f.w, md);
    axpy(dt, f.kv, f.v, md);
  }
  return steps;
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
 * NaN where not computed): risk R(W), linearRisk ||r0 - Phi0 V||^2 / (2n),
 * weightDistance ||W - W0||, linearGap ||W - W0 - V||, kernelChange
 * ||K_t - K_0||_F / ||K_0||_F (only when k0 is not 0; kt is n x n scratch),
 * and on the test set: testRisk and linearTestRisk (half mean squared
 * errors, only with labels) and testGap, the root mean square of
 * f(x; W) - f_lin(x; W0 + V); last, ||W0||.
 */
export function flowMetrics(flow: usize, out: usize, k0: usize, kt: usize): void {
  let f = changetype<Flow>(flow);
  let n = f.n;
  let md = f.m * f.d;
  let twoN = 2 * <f64>n;
  for (let i = 0; i < METRIC_COUNT; i++) store<f64>(out + (<usize>i << 3), NaN);

  forward(f.x, n, f.d, f.w, f.m, f.a, f.scale, f.kind, f.r, f.slope, f.row);
  subtract(f.y, f.r, f.r, n);
  store<f64>(out + (METRIC_RISK << 3), sumSquares(f.r, n) / twoN);
  jvp(f.x, n, f.d, f.slope0, f.m, f.a, f.scale, f.v, f.u, f.row);
  subtract(f.r0, f.u, f.u, n);
  store<f64>(out + (METRIC_LINEAR_RISK << 3), sumSquares(f.u, n) / twoN);
  store<f64>(out + (METRIC_WEIGHT_DISTANCE << 3), Math.sqrt(distanceSquared(f.w, f.w0, md)));
  store<f64>(out + (METRIC_LINEAR_GAP << 3), Math.sqrt(distanceSquared3(f.w, f.w0, f.v, md)));
  store<f64>(out + (METRIC_THETA0_NORM << 3), Math.sqrt(sumSquares(f.w0, md)));

  if (k0) {
    ntkGram(f.x, n, f.d, f.slope, f.m, f.scale, kt);
    let nn = n * n;
    let change = Math.sqrt(distanceSquared(kt, k0, nn) / sumSquares(k0, nn));
    store<f64>(out + (METRIC_KERNEL_CHANGE << 3), change);
  }

  let nt = f.nt;
  if (nt > 0) {
    forward(f.xt, nt, f.d, f.w, f.m, f.a, f.scale, f.kind, f.ft, 0, f.row);
    jvp(f.xt, nt, f.d, f.slope0t, f.m, f.a, f.scale, f.v, f.flt, f.row);
    axpy(1, f.f0t, f.flt, nt);
    let twoNt = 2 * <f64>nt;
    store<f64>(out + (METRIC_TEST_GAP << 3), Math.sqrt(distanceSquared(f.ft, f.flt, nt) / nt));
    if (f.yt) {
      store<f64>(out + (METRIC_TEST_RISK << 3), distanceSquared(f.yt, f.ft, nt) / twoNt);
      store<f64>(out + (METRIC_LINEAR_TEST_RISK << 3), distanceSquared(f.yt, f.flt, nt) / twoNt);
    }
  }
}
