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
 * Without it, P = Md, a is the caller's fixed buffer and every step is the
 * fixed-a computation alone.
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
  TILE_ROWS, accumulateGradient, forward, forwardHidden, jvp, jvpSecondLayer, networkWorkBytes,
  preactivations, scaleRows, scaledRowsOf, tileOutputs, transpose, unpackGradient, vjp,
  vjpSecondLayer
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
 * Bytes of scratch a flow with these sizes needs (nt test points, 0 for none): the
 * slopes at W0 and at W (n x M each), six n-vectors, the network kernels' work block
 * (`networkWorkBytes`: W^T, a tile of pre-activations, a tile of scaled rows of X), G^T
 * (d x M) and a tile of slopes (TILE_ROWS x M) for the fused pass, three parameter-sized
 * stage buffers (P = M d values each), and the test set's slopes at W0 (nt x M) with
 * three nt-vectors. `trained` (0 or 1) adds the hidden outputs at W0 and W_t (n x M
 * each) and at W0 on the test set (nt x M), and M values to each stage buffer
 * (P = M d + M).
 */
export function flowWorkBytes(n: i32, d: i32, m: i32, nt: i32, trained: i32): usize {
  let nm = <usize>n * <usize>m;
  let md = <usize>m * <usize>d;
  let ntm = <usize>nt * <usize>m;
  let tile = <usize>TILE_ROWS * <usize>m;
  let p = md + (trained ? <usize>m : 0);
  let bytes: usize = 2 * region(nm) + 6 * region(<usize>n)
    + region(networkWorkBytes(d, m) >> 3) + region(md) + region(tile) + 3 * region(p)
    + region(ntm) + 3 * region(<usize>nt);
  let hidden: usize = trained ? 2 * region(nm) + region(ntm) : 0;
  return bytes + hidden;
}

/**
 * Fills the record: sizes, activation kind, the output scale, the
 * caller's buffers X (n x d), y (n), a (M), W0 (M x d), the state W (M x d,
 * set here to W0), V (M x d, written by `flowMetrics`), K0 (n x n, computed
 * here), an optional test set Xt (nt x d) with labels yt (0 when there are
 * none), and the work block of `flowWorkBytes(n, d, m, nt, 0)` bytes. Computes
 * the slopes at W0 and r0 = y - f_n(W0).
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
  let netBytes = networkWorkBytes(d, m);
  forward(x, n, d, w0, m, a, scale, kind, f.r0, f.slope0, f.net, netBytes);
  subtract(y, f.r0, f.r0, n);
  ntkGram(x, n, d, f.slope0, m, scale, k0);
  if (nt > 0) forward(xt, nt, d, w0, m, a, scale, kind, f.f0t, f.slope0t, f.net, netBytes);
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
  let netBytes = networkWorkBytes(d, m);
  forwardHidden(
    x, n, d, theta0, m, f.a0, scale, kind, f.r0, f.slope0, f.hidden0, f.net, netBytes
  );
  subtract(y, f.r0, f.r0, n);
  ntkGramTrained(x, n, d, f.slope0, f.hidden0, m, f.a0, scale, k0);
  if (nt > 0) {
    forwardHidden(
      xt, nt, d, theta0, m, f.a0, scale, kind, f.f0t, f.slope0t, f.hidden0t, f.net, netBytes
    );
  }
}

/** Carves the record's scratch out of the work block, in `flowWorkBytes`'s order. */
function carve(f: Flow, work: usize): void {
  let n = f.n;
  let d = f.d;
  let m = f.m;
  let nm = <usize>n * <usize>m;
  let md = <usize>m * <usize>d;
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
  f.net = p; p += region(networkWorkBytes(d, m) >> 3);
  f.gt = p; p += region(md);
  f.slopeTile = p; p += region(<usize>TILE_ROWS * <usize>m);
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
 * One tile of the fused pass: for `rows` rows of X from row i0 and second layer a, the
 * pre-activations (in the work block after W^T), the outputs and slopes (`tileOutputs`,
 * which leaves sigma(Z) in place of the pre-activations), the residuals
 * r_i = y_i - f(x_i; theta), and G^T += (c r_i x_i)^T S_i with c = scale / n, the rows
 * of X scaled in the work block's last tile. With a trained second layer (`outA` not 0)
 * also outA[j] += (c r_i) sigma(<w_j, x_i>), the rows in order. Returns sum r_i^2 over
 * the tile.
 */
function fieldTile(f: Flow, a: usize, outA: usize, i0: i32, rows: i32): f64 {
  let d = f.d;
  let m = f.m;
  let z = f.net + ((<usize>d * <usize>m) << 3);
  let x = f.x + ((<usize>i0 * <usize>d) << 3);
  let residual = f.r + (<usize>i0 << 3);
  let scaled = scaledRowsOf(f.net, d, m);
  let c = f.scale / <f64>f.n;
  preactivations(x, rows, d, f.net, m, z);
  tileOutputs(f.kind, z, rows, m, a, f.slopeTile, residual);

  let total: f64 = 0;
  for (let r = 0; r < rows; r++) {
    let p = residual + (<usize>r << 3);
    let ri = load<f64>(f.y + (<usize>(i0 + r) << 3)) - f.scale * load<f64>(p);
    store<f64>(p, ri);
    total += ri * ri;
  }
  scaleRows(x, rows, d, c, residual, scaled);
  accumulateGradient(scaled, rows, d, f.slopeTile, m, f.gt);
  if (outA) secondLayerGradient(z, rows, m, c, residual, outA);
  return total;
}

/**
 * outA[j] += sum_r (c u[r]) H[r, j] for a tile of hidden outputs H (rows x M), the rows
 * added in order, two units at a time on f64x2 lanes, then the last unit of an odd M.
 */
function secondLayerGradient(h: usize, rows: i32, m: i32, c: f64, u: usize, outA: usize): void {
  for (let r = 0; r < rows; r++) {
    let cr = c * load<f64>(u + (<usize>r << 3));
    let factor = f64x2.splat(cr);
    let hr = h + ((<usize>r * <usize>m) << 3);
    let j = 0;
    for (; j + 1 < m; j += 2) {
      let o = <usize>j << 3;
      v128.store(outA + o, f64x2.add(v128.load(outA + o), f64x2.mul(factor, v128.load(hr + o))));
    }
    if (j < m) {
      let o = <usize>j << 3;
      store<f64>(outA + o, load<f64>(outA + o) + cr * load<f64>(hr + o));
    }
  }
}

/**
 * Both vector fields at once, in one pass over the rows of X, TILE_ROWS rows at a time:
 * outTheta = (1/n) Phi(theta)^T (y - f_n(theta)) and outQ = r0 - K0 q / n. theta is W
 * (M x d) with the record's fixed a, or with a trained second layer (W, a), the
 * a-part of outTheta then being (scale / n) sum_i r_i sigma(<w_j, x_i>).
 * Returns ||y - f_n(theta)||^2 + ||r0 - K0 q / n||^2, which is not finite once
 * either flow has blown up.
 */
function field(f: Flow, theta: usize, q: usize, outTheta: usize, outQ: usize): f64 {
  let n = f.n;
  let md = <usize>f.m * <usize>f.d;
  let a = f.trained ? theta + (md << 3) : f.a;
  let outA = f.trained ? outTheta + (md << 3) : 0;
  let total: f64 = 0;
  transpose(theta, f.m, f.d, f.net);
  memory.fill(f.gt, 0, md << 3);
  if (outA) memory.fill(outA, 0, <usize>f.m << 3);
  for (let i0 = 0; i0 < n; i0 += TILE_ROWS) {
    total += fieldTile(f, a, outA, i0, min(TILE_ROWS, n - i0));
  }
  unpackGradient(f.gt, f.d, f.m, a, 1, outTheta);
  return total + linearResidual(f, q, outQ);
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
    if (!isFinite(field(f, f.w, f.q, f.kw, f.kq))) return s;
    memory.copy(f.accW, f.kw, <usize>p << 3);
    memory.copy(f.accQ, f.kq, <usize>n << 3);
    addScaled(f.w, half, f.kw, f.tmpW, p);
    addScaled(f.q, half, f.kq, f.tmpQ, n);

    field(f, f.tmpW, f.tmpQ, f.kw, f.kq);
    axpy(2, f.kw, f.accW, p);
    axpy(2, f.kq, f.accQ, n);
    addScaled(f.w, half, f.kw, f.tmpW, p);
    addScaled(f.q, half, f.kq, f.tmpQ, n);

    field(f, f.tmpW, f.tmpQ, f.kw, f.kq);
    axpy(2, f.kw, f.accW, p);
    axpy(2, f.kq, f.accQ, n);
    addScaled(f.w, dt, f.kw, f.tmpW, p);
    addScaled(f.q, dt, f.kq, f.tmpQ, n);

    field(f, f.tmpW, f.tmpQ, f.kw, f.kq);
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
    if (!isFinite(field(f, f.w, f.q, f.kw, f.kq))) return s;
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
  let netBytes = networkWorkBytes(f.d, f.m);
  vjp(f.x, f.n, f.d, f.slope0, f.m, f.a0, c, f.q, f.v, f.net, netBytes);
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

  let netBytes = networkWorkBytes(f.d, f.m);
  if (f.trained) {
    forwardHidden(
      f.x, n, f.d, f.w, f.m, f.a, f.scale, f.kind, f.r, f.slope, f.hidden, f.net, netBytes
    );
  } else {
    forward(f.x, n, f.d, f.w, f.m, f.a, f.scale, f.kind, f.r, f.slope, f.net, netBytes);
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
    forward(f.xt, nt, f.d, f.w, f.m, f.a, f.scale, f.kind, f.ft, 0, f.net, netBytes);
    jvp(f.xt, nt, f.d, f.slope0t, f.m, f.a0, f.scale, f.v, f.flt, f.net, netBytes);
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
