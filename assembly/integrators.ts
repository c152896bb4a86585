/**
 * Gradient flow of the empirical risk R(W) = ||y - f_n(W)||^2 / (2n), for the
 * network and for its linearisation at W0, integrated together:
 *
 *   dW/dt = (1/n) Phi(W)^T (y - f_n(W)),
 *   dV/dt = (1/n) Phi0^T (r0 - Phi0 V),   V = theta_bar - theta_0,  r0 = y - f_n(W0).
 *
 * With a trained second layer the state is theta = (W, a), P = Md + M values
 * in one buffer (W row-major, then a), and the flow also moves a:
 * da/dt = (1/n) scale H^T (y - f_n), H = sigma(X W^T). Phi0 and K0 then
 * include the second-layer block, and V has P values laid out like theta.
 * Without it, P = Md and every step is the fixed-a computation unchanged.
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
import { activate } from "./activations";
import {
  forward, forwardHidden, jvp, jvpSecondLayer, pairedSum, rowDots, vjp, vjpSecondLayer
} from "./network";
import { ntkGram, ntkGramTrained } from "./kernels";
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
  value: usize;
  row: usize;
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
  trained: i32;
  p: i32;
  a0: usize;
  hidden0: usize;
  hidden: usize;
  hidden0t: usize;
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
 * Bytes of scratch a flow with these sizes needs (nt test points, 0 for none).
 * `trained` (0 or 1) adds the hidden outputs at W0 and W_t (n x M each) and
 * at W0 on the test set (nt x M), and M values to each of the three
 * parameter-sized stage buffers.
 */
export function flowWorkBytes(n: i32, d: i32, m: i32, nt: i32, trained: i32): usize {
  let nm = <usize>n * <usize>m;
  let ntm = <usize>nt * <usize>m;
  let p = <usize>m * <usize>d + (trained ? <usize>m : 0);
  let bytes: usize = 2 * region(nm) + 7 * region(<usize>n) + 2 * region(<usize>m) + 3 * region(p)
    + region(ntm) + 3 * region(<usize>nt);
  let hidden: usize = trained ? 2 * region(nm) + region(ntm) : 0;
  return bytes + hidden;
}

/**
 * Fills the record: sizes, activation kind, the output scale, the
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
  let md = <usize>m * <usize>d;
  f.n = n; f.d = d; f.m = m; f.kind = kind; f.scale = scale;
  f.x = x; f.y = y; f.a = a; f.w0 = w0; f.w = w; f.v = v; f.k0 = k0;
  f.nt = nt; f.xt = xt; f.yt = yt;
  f.trained = 0; f.p = <i32>md; f.a0 = a;
  carve(f, work);

  memory.copy(w, w0, md << 3);
  memory.fill(v, 0, md << 3);
  memory.fill(f.q, 0, <usize>n << 3);
  forward(x, n, d, w0, m, a, scale, kind, f.r0, f.slope0, f.row);
  subtract(y, f.r0, f.r0, n);
  ntkGram(x, n, d, f.slope0, m, scale, k0);
  if (nt > 0) forward(xt, nt, d, w0, m, a, scale, kind, f.f0t, f.slope0t, f.row);
}

/**
 * As `flowInit` with the second layer trained too: theta0 holds (W0, a0) and
 * theta the state, P = Md + M values each (W row-major, then a); V has P
 * values. K0 = scale^2 [ (S0 diag(a0^2) S0^T) o (X X^T) + H0 H0^T ]. The work
 * block must have `flowWorkBytes(n, d, m, nt, 1)` bytes.
 */
export function flowInitTrained(
  flow: usize, n: i32, d: i32, m: i32, kind: i32, scale: f64,
  x: usize, y: usize, theta0: usize, theta: usize, v: usize, k0: usize,
  nt: i32, xt: usize, yt: usize, work: usize
): void {
  let f = changetype<Flow>(flow);
  let md = <usize>m * <usize>d;
  let p = md + <usize>m;
  f.n = n; f.d = d; f.m = m; f.kind = kind; f.scale = scale;
  f.x = x; f.y = y; f.w0 = theta0; f.w = theta; f.v = v; f.k0 = k0;
  f.a0 = theta0 + (md << 3); f.a = theta + (md << 3);
  f.nt = nt; f.xt = xt; f.yt = yt;
  f.trained = 1; f.p = <i32>p;
  carve(f, work);

  memory.copy(theta, theta0, p << 3);
  memory.fill(v, 0, p << 3);
  memory.fill(f.q, 0, <usize>n << 3);
  forwardHidden(x, n, d, theta0, m, f.a0, scale, kind, f.r0, f.slope0, f.hidden0);
  subtract(y, f.r0, f.r0, n);
  ntkGramTrained(x, n, d, f.slope0, f.hidden0, m, f.a0, scale, k0);
  if (nt > 0) {
    forwardHidden(xt, nt, d, theta0, m, f.a0, scale, kind, f.f0t, f.slope0t, f.hidden0t);
  }
}

/** Carves the record's scratch out of the work block (see `flowWorkBytes`). */
function carve(f: Flow, work: usize): void {
  let n = f.n;
  let m = f.m;
  let nm = <usize>n * <usize>m;
  let ntm = <usize>f.nt * <usize>m;
  let params = <usize>f.p;
  let p = work;
  f.slope0 = p; p += region(nm);
  f.slope = p; p += region(nm);
  f.r0 = p; p += region(<usize>n);
  f.q = p; p += region(<usize>n);
  f.r = p; p += region(<usize>n);
  f.kq = p; p += region(<usize>n);
  f.accQ = p; p += region(<usize>n);
  f.tmpQ = p; p += region(<usize>n);
  f.value = p; p += region(<usize>m);
  f.row = p; p += region(<usize>m);
  f.kw = p; p += region(params);
  f.accW = p; p += region(params);
  f.tmpW = p; p += region(params);
  f.slope0t = p; p += region(ntm);
  f.f0t = p; p += region(<usize>f.nt);
  f.ft = p; p += region(<usize>f.nt);
  f.flt = p; p += region(<usize>f.nt);
  if (f.trained) {
    f.hidden0 = p; p += region(nm);
    f.hidden = p; p += region(nm);
    f.hidden0t = p;
  } else {
    f.hidden0 = 0; f.hidden = 0; f.hidden0t = 0;
  }
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
 * Both vector fields at once, in one pass over the rows of X:
 * outW = (1/n) Phi(W)^T (y - f_n(W)) and outQ = r0 - K0 q / n.
 * Returns ||y - f_n(W)||^2 + ||r0 - K0 q / n||^2, which is not finite once
 * either flow has blown up.
 */
function field(f: Flow, w: usize, q: usize, outW: usize, outQ: usize): f64 {
  let n = f.n;
  let d = f.d;
  let m = f.m;
  let c = f.scale / <f64>n;
  let total: f64 = 0;
  memory.fill(outW, 0, (<usize>m * <usize>d) << 3);
  for (let i = 0; i < n; i++) {
    let xi = f.x + ((<usize>i * <usize>d) << 3);
    rowDots(xi, w, m, d, f.value);
    activate(f.kind, f.value, f.value, f.row, m);
    let ri = load<f64>(f.y + (<usize>i << 3)) - f.scale * pairedSum(f.a, f.value, m);
    total += ri * ri;
    let cr = c * ri;
    for (let j = 0; j < m; j++) {
      let off = <usize>j << 3;
      let cj = cr * load<f64>(f.a + off) * load<f64>(f.row + off);
      if (cj == 0) continue;
      let gj = outW + ((<usize>j * <usize>d) << 3);
      for (let k = 0; k < d; k++) {
        let o = <usize>k << 3;
        store<f64>(gj + o, load<f64>(gj + o) + cj * load<f64>(xi + o));
      }
    }
  }
  return total + linearResidual(f, q, outQ);
}

/**
 * As `field` with a trained second layer: theta = (W, a) and
 * outTheta = (1/n) Phi(theta)^T (y - f_n(theta)), whose a-part is
 * (scale / n) sum_i r_i sigma(<w_j, x_i>).
 */
function fieldTrained(f: Flow, theta: usize, q: usize, outTheta: usize, outQ: usize): f64 {
  let n = f.n;
  let d = f.d;
  let m = f.m;
  let md = <usize>m * <usize>d;
  let a = theta + (md << 3);
  let outA = outTheta + (md << 3);
  let c = f.scale / <f64>n;
  let total: f64 = 0;
  memory.fill(outTheta, 0, <usize>f.p << 3);
  for (let i = 0; i < n; i++) {
    let xi = f.x + ((<usize>i * <usize>d) << 3);
    rowDots(xi, theta, m, d, f.value);
    activate(f.kind, f.value, f.value, f.row, m);
    let ri = load<f64>(f.y + (<usize>i << 3)) - f.scale * pairedSum(a, f.value, m);
    total += ri * ri;
    let cr = c * ri;
    for (let j = 0; j < m; j++) {
      let off = <usize>j << 3;
      store<f64>(outA + off, load<f64>(outA + off) + cr * load<f64>(f.value + off));
      let cj = cr * load<f64>(a + off) * load<f64>(f.row + off);
      if (cj == 0) continue;
      let gj = outTheta + ((<usize>j * <usize>d) << 3);
      for (let k = 0; k < d; k++) {
        let o = <usize>k << 3;
        store<f64>(gj + o, load<f64>(gj + o) + cj * load<f64>(xi + o));
      }
    }
  }
  return total + linearResidual(f, q, outQ);
}

/** The vector field of the record's flow: `fieldTrained` or `field`. */
// @ts-ignore: decorator
@inline function vectorField(f: Flow, theta: usize, q: usize, outTheta: usize, outQ: usize): f64 {
  return f.trained ? fieldTrained(f, theta, q, outTheta, outQ) : field(f, theta, q, outTheta, outQ);
}

/**
 * `steps` classical RK4 steps of size dt on (theta, q), theta = W or (W, a).
 * Returns how many steps began from a finite state: equal to `steps` unless
 * the flow blew up, in which case the state is left as it was at that step.
 */
export function flowRk4(flow: usize, dt: f64, steps: i32): i32 {
  let f = changetype<Flow>(flow);
  let p = f.p;
  let n = f.n;
  let half = 0.5 * dt;
  for (let s = 0; s < steps; s++) {
    if (!isFinite(vectorField(f, f.w, f.q, f.kw, f.kq))) return s;
    memory.copy(f.accW, f.kw, <usize>p << 3);
    memory.copy(f.accQ, f.kq, <usize>n << 3);
    addScaled(f.w, half, f.kw, f.tmpW, p);
    addScaled(f.q, half, f.kq, f.tmpQ, n);

    vectorField(f, f.tmpW, f.tmpQ, f.kw, f.kq);
    axpy(2, f.kw, f.accW, p);
    axpy(2, f.kq, f.accQ, n);
    addScaled(f.w, half, f.kw, f.tmpW, p);
    addScaled(f.q, half, f.kq, f.tmpQ, n);

    vectorField(f, f.tmpW, f.tmpQ, f.kw, f.kq);
    axpy(2, f.kw, f.accW, p);
    axpy(2, f.kq, f.accQ, n);
    addScaled(f.w, dt, f.kw, f.tmpW, p);
    addScaled(f.q, dt, f.kq, f.tmpQ, n);

    vectorField(f, f.tmpW, f.tmpQ, f.kw, f.kq);
    axpy(1, f.kw, f.accW, p);
    axpy(1, f.kq, f.accQ, n);
    axpy(dt / 6, f.accW, f.w, p);
    axpy(dt / 6, f.accQ, f.q, n);
  }
  return steps;
}

/** `steps` explicit Euler steps (gradient descent with step dt); returns as flowRk4. */
export function flowEuler(flow: usize, dt: f64, steps: i32): i32 {
  let f = changetype<Flow>(flow);
  let p = f.p;
  for (let s = 0; s < steps; s++) {
    if (!isFinite(vectorField(f, f.w, f.q, f.kw, f.kq))) return s;
    axpy(dt, f.kw, f.w, p);
    axpy(dt, f.kq, f.q, f.n);
  }
  return steps;
}

/**
 * Writes V = theta_bar - theta_0 = Phi0^T q / n into the record's V buffer
 * (P values: the weight part, then with a trained second layer
 * (scale / n) H0^T q).
 */
export function flowLinearDisplacement(flow: usize): void {
  let f = changetype<Flow>(flow);
  let c = f.scale / <f64>f.n;
  vjp(f.x, f.n, f.d, f.slope0, f.m, f.a0, c, f.q, f.v);
  if (f.trained) {
    vjpSecondLayer(f.n, f.hidden0, f.m, c, f.q, f.v + ((<usize>f.m * <usize>f.d) << 3));
  }
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
 * NaN where not computed): risk R(theta), linearRisk ||r0 - K0 q / n||^2 / (2n),
 * weightDistance ||theta - theta0||, linearGap ||theta - theta0 - V||,
 * kernelChange ||K_t - K_0||_F / ||K_0||_F (only when kt, n x n scratch, is
 * not 0; K_t with the current a), and on the test set: testRisk and
 * linearTestRisk (half mean squared errors, only with labels) and testGap,
 * the root mean square of f(x; theta) - f_lin(x; theta0 + V); last,
 * ||theta0||. theta = W, or (W, a) with a trained second layer. Leaves V in
 * the record.
 */
export function flowMetrics(flow: usize, out: usize, kt: usize): void {
  let f = changetype<Flow>(flow);
  let n = f.n;
  let p = f.p;
  let twoN = 2 * <f64>n;
  for (let i = 0; i < METRIC_COUNT; i++) store<f64>(out + (<usize>i << 3), NaN);

  if (f.trained) {
    forwardHidden(f.x, n, f.d, f.w, f.m, f.a, f.scale, f.kind, f.r, f.slope, f.hidden);
  } else {
    forward(f.x, n, f.d, f.w, f.m, f.a, f.scale, f.kind, f.r, f.slope, f.row);
  }
  subtract(f.y, f.r, f.r, n);
  store<f64>(out + (METRIC_RISK << 3), sumSquares(f.r, n) / twoN);
  store<f64>(out + (METRIC_LINEAR_RISK << 3), linearResidual(f, f.q, f.r) / twoN);
  flowLinearDisplacement(flow);
  store<f64>(out + (METRIC_WEIGHT_DISTANCE << 3), Math.sqrt(distanceSquared(f.w, f.w0, p)));
  store<f64>(out + (METRIC_LINEAR_GAP << 3), Math.sqrt(distanceSquared3(f.w, f.w0, f.v, p)));
  store<f64>(out + (METRIC_THETA0_NORM << 3), Math.sqrt(sumSquares(f.w0, p)));

  if (kt) {
    if (f.trained) {
      ntkGramTrained(f.x, n, f.d, f.slope, f.hidden, f.m, f.a, f.scale, kt);
    } else {
      ntkGram(f.x, n, f.d, f.slope, f.m, f.scale, kt);
    }
    let nn = n * n;
    let change = Math.sqrt(distanceSquared(kt, f.k0, nn) / sumSquares(f.k0, nn));
    store<f64>(out + (METRIC_KERNEL_CHANGE << 3), change);
  }

  let nt = f.nt;
  if (nt > 0) {
    forward(f.xt, nt, f.d, f.w, f.m, f.a, f.scale, f.kind, f.ft, 0, f.row);
    jvp(f.xt, nt, f.d, f.slope0t, f.m, f.a0, f.scale, f.v, f.flt, f.row);
    if (f.trained) {
      let va = f.v + ((<usize>f.m * <usize>f.d) << 3);
      jvpSecondLayer(nt, f.hidden0t, f.m, f.scale, va, f.flt);
    }
    axpy(1, f.f0t, f.flt, nt);
    let twoNt = 2 * <f64>nt;
    store<f64>(out + (METRIC_TEST_GAP << 3), Math.sqrt(distanceSquared(f.ft, f.flt, nt) / nt));
    if (f.yt) {
      store<f64>(out + (METRIC_TEST_RISK << 3), distanceSquared(f.yt, f.ft, nt) / twoNt);
      store<f64>(out + (METRIC_LINEAR_TEST_RISK << 3), distanceSquared(f.yt, f.flt, nt) / twoNt);
    }
  }
}
