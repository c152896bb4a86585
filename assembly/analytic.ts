/**
 * The infinite-width (analytic) neural tangent kernel of the two-layer network
 * f(x) = (alpha / sqrt(M)) sum_j a_j sigma(<w_j, x>), w_j ~ N(0, I_d):
 *
 *   K(x, x') = ntScale NT(x, x') + rfScale RF(x, x'),
 *   NT(x, x') = <x, x'> E[sigma'(u) sigma'(v)]   (neural-tangent part),
 *   RF(x, x') = E[sigma(u) sigma(v)]             (random-features part),
 *
 * where (u, v) = (<w, x>, <w, x'>) is centred Gaussian with variances
 * p = |x|^2, q = |x'|^2 and covariance c = <x, x'>. The wrapper passes
 * ntScale = alpha^2 (and rfScale = alpha^2 when the second layer is trained).
 *
 * Closed forms (t = c / sqrt(p q), or t = 0 when an input is zero):
 *   relu      RF = sqrt(p q) (sqrt(1 - t^2) + (pi - acos t) t) / (2 pi),
 *             E[sigma' sigma'] = (pi - acos t) / (2 pi)   (arc-cosine kernels
 *             of degree 1 and 0, Cho and Saul 2009);
 *   erf       RF = (2 / pi) asin(2c / sqrt((1 + 2p)(1 + 2q)))   (Williams 1997),
 *             E[sigma' sigma'] = (4 / pi) / sqrt((1 + 2p)(1 + 2q) - 4c^2)
 *             = (4 / pi) E[exp(-u^2 - v^2)] = (4 / pi) det(I + 2 Sigma)^(-1/2);
 *   quadratic RF = E[u^2 v^2] / 4 = (p q + 2 c^2) / 4 (Isserlis), E[u v] = c;
 *   identity  RF = c, E[1] = 1.
 *
 * Every other activation, or any activation when asked: tensor Gauss-Hermite
 * quadrature (the rule of `assembly/quadrature.ts`) in z1 and z2, independent
 * standard normal, with u = a z1, v = b (t z1 + s z2), a = sqrt(p),
 * b = sqrt(q), s = sqrt(1 - t^2). Pairs of nodes
 * whose joint weight is below PRUNE are skipped; together they carry less
 * than order^2 PRUNE of the probability. A zero input gives u or v
 * identically 0 (t = 0, no division), never 0/0.
 */
import { activate, ERF, IDENTITY, QUADRATIC, RELU } from "./activations";
import { dot } from "./vector";

/** Method codes: a closed form where the activation has one, else quadrature. */
export const METHOD_AUTO = 0;
/** Tensor Gauss-Hermite quadrature for every activation. */
export const METHOD_QUADRATURE = 1;

// @ts-ignore: decorator
@inline const PRUNE: f64 = 1e-20;
// @ts-ignore: decorator
@inline const INV_TWO_PI: f64 = 0.15915494309189535;
// @ts-ignore: decorator
@inline const TWO_OVER_PI: f64 = 0.6366197723675814;
// @ts-ignore: decorator
@inline const FOUR_OVER_PI: f64 = 1.2732395447351628;

// @ts-ignore: decorator
@inline function at(base: usize, i: i32): usize {
  return base + (<usize>i << 3);
}

/** True when `kind` has a closed form above. */
export function hasClosedForm(kind: i32): bool {
  return kind == RELU || kind == ERF || kind == QUADRATIC || kind == IDENTITY;
}

/** Doubles of scratch `analyticGram` needs for n rows and a rule of `order` nodes. */
export function analyticWorkCount(n: i32, order: i32): i32 {
  return n + 6 * order;
}

/**
 * For each node i, the first node l of the band of nodes paired with it:
 * weights[i] weights[l] >= PRUNE exactly for l in [band[i], order - 1 - band[i]]
 * (the weights are symmetric and grow towards the middle); the band is
 * empty when band[i] > order - 1 - band[i].
 */
function pruneBands(order: i32, weights: usize, band: usize): void {
  for (let i = 0; i < order; i++) {
    let wi = load<f64>(at(weights, i));
    let lo = 0;
    while (lo < order && wi * load<f64>(at(weights, lo)) < PRUNE) lo++;
    store<f64>(at(band, i), <f64>lo);
  }
}

/** sigma(a z_i) into `value` and sigma'(a z_i) into `slope`, for every node z_i. */
function outerTable(
  kind: i32, order: i32, nodes: usize, a: f64, value: usize, slope: usize
): void {
  for (let i = 0; i < order; i++) store<f64>(at(value, i), a * load<f64>(at(nodes, i)));
  activate(kind, value, value, slope, order);
}

/**
 * ntScale c E[sigma'(u) sigma'(v)] + rfScale E[sigma(u) sigma(v)] by the
 * pruned tensor rule, given the outer tables for a (outerValue, outerSlope),
 * the bands, and scratch `v`, `value`, `slope` of `order` doubles each.
 */
function quadraturePair(
  kind: i32, order: i32, nodes: usize, weights: usize, band: usize,
  outerValue: usize, outerSlope: usize, b: f64, t: f64, c: f64, ntScale: f64, rfScale: f64,
  v: usize, value: usize, slope: usize
): f64 {
  let s = Math.sqrt(Math.max(0, (1 - t) * (1 + t)));
  let wantNt = ntScale != 0 && c != 0;
  let wantRf = rfScale != 0;
  let slopeSum: f64 = 0;
  let valueSum: f64 = 0;
  for (let i = 0; i < order; i++) {
    let lo = <i32>load<f64>(at(band, i));
    let count = order - 2 * lo;
    let du = wantNt ? load<f64>(at(outerSlope, i)) : 0;
    let su = wantRf ? load<f64>(at(outerValue, i)) : 0;
    if (count <= 0 || (du == 0 && su == 0)) continue;

    let shift = b * t * load<f64>(at(nodes, i));
    let bs = b * s;
    for (let l = lo; l < lo + count; l++) {
      store<f64>(at(v, l), shift + bs * load<f64>(at(nodes, l)));
    }
    activate(
      kind, at(v, lo), su != 0 ? at(value, lo) : 0, du != 0 ? at(slope, lo) : 0, count
    );

    let wi = load<f64>(at(weights, i));
    if (du != 0) slopeSum += wi * du * dot(at(weights, lo), at(slope, lo), count);
    if (su != 0) valueSum += wi * su * dot(at(weights, lo), at(value, lo), count);
  }
  return ntScale * c * slopeSum + rfScale * valueSum;
}

/** The same quantity by the closed forms above. */
function closedFormPair(
  kind: i32, p: f64, q: f64, c: f64, ab: f64, t: f64, ntScale: f64, rfScale: f64
): f64 {
  let nt: f64 = 0;
  let rf: f64 = 0;
  if (kind == RELU) {
    let angle = Math.acos(-t);
    nt = c * angle * INV_TWO_PI;
    rf = ab * (Math.sqrt(Math.max(0, (1 - t) * (1 + t))) + angle * t) * INV_TWO_PI;
  } else if (kind == ERF) {
    let spread = (1 + 2 * p) * (1 + 2 * q);
    nt = c * FOUR_OVER_PI / Math.sqrt(spread - 4 * c * c);
    rf = TWO_OVER_PI * Math.asin(Math.min(1, Math.max(-1, 2 * c / Math.sqrt(spread))));
  } else if (kind == QUADRATIC) {
    nt = c * c;
    rf = 0.25 * (p * q + 2 * c * c);
  } else {
    nt = c;
    rf = c;
  }
  return (ntScale != 0 ? ntScale * nt : 0) + (rfScale != 0 ? rfScale * rf : 0);
}

/** The cosine t = c / (a b), clamped to [-1, 1]; 0 when a b is 0. */
// @ts-ignore: decorator
@inline function cosine(c: f64, ab: f64): f64 {
  return ab > 0 ? Math.min(1, Math.max(-1, c / ab)) : 0;
}

/**
 * out[i] = ntScale NT + rfScale RF for the Gaussian pair with variances
 * p[i], q[i] and covariance c[i] (c[i]^2 <= p[i] q[i]), for i < count. The
 * rule (nodes, weights of `order`) is read only by the quadrature path.
 * `work` holds analyticWorkCount(0, order) doubles.
 */
export function analyticPairs(
  kind: i32, method: i32, order: i32, nodes: usize, weights: usize,
  p: usize, q: usize, c: usize, count: i32, ntScale: f64, rfScale: f64, out: usize, work: usize
): void {
  let quadrature = method == METHOD_QUADRATURE || !hasClosedForm(kind);
  let band = work;
  let outerValue = at(work, order);
  let outerSlope = at(work, 2 * order);
  let v = at(work, 3 * order);
  let value = at(work, 4 * order);
  let slope = at(work, 5 * order);
  if (quadrature) pruneBands(order, weights, band);
  for (let i = 0; i < count; i++) {
    let pi = load<f64>(at(p, i));
    let qi = load<f64>(at(q, i));
    let ci = load<f64>(at(c, i));
    let a = Math.sqrt(pi);
    let b = Math.sqrt(qi);
    let t = cosine(ci, a * b);
    let k: f64;
    if (quadrature) {
      outerTable(kind, order, nodes, a, outerValue, outerSlope);
      k = quadraturePair(
        kind, order, nodes, weights, band, outerValue, outerSlope, b, t, ci, ntScale, rfScale,
        v, value, slope
      );
    } else {
      k = closedFormPair(kind, pi, qi, ci, a * b, t, ntScale, rfScale);
    }
    store<f64>(at(out, i), k);
  }
}

/**
 * The analytic Gram matrix K[i, l] = ntScale NT(x_i, x_l) + rfScale RF(x_i, x_l)
 * of the n rows of x (n x d, row-major) into k (n x n, row-major). Computes
 * the upper triangle and mirrors it, so K is exactly symmetric.
 * `work` holds analyticWorkCount(n, order) doubles.
 * Cost: n^2 d / 2 for the inner products, plus n^2 / 2 closed-form
 * evaluations, or about n^2 / 2 times (order^2 less the pruned pairs)
 * evaluations of sigma and sigma' by quadrature (for order 64, about 1600).
 */
export function analyticGram(
  x: usize, n: i32, d: i32, kind: i32, method: i32, order: i32, nodes: usize, weights: usize,
  ntScale: f64, rfScale: f64, k: usize, work: usize
): void {
  let quadrature = method == METHOD_QUADRATURE || !hasClosedForm(kind);
  let norms = work;
  let band = at(work, n);
  let outerValue = at(band, order);
  let outerSlope = at(band, 2 * order);
  let v = at(band, 3 * order);
  let value = at(band, 4 * order);
  let slope = at(band, 5 * order);
  for (let i = 0; i < n; i++) {
    let xi = at(x, i * d);
    store<f64>(at(norms, i), dot(xi, xi, d));
  }
  if (quadrature) pruneBands(order, weights, band);

  for (let i = 0; i < n; i++) {
    let xi = at(x, i * d);
    let pi = load<f64>(at(norms, i));
    let a = Math.sqrt(pi);
    if (quadrature) outerTable(kind, order, nodes, a, outerValue, outerSlope);
    for (let l = i; l < n; l++) {
      let ql = load<f64>(at(norms, l));
      let b = Math.sqrt(ql);
      let c = dot(xi, at(x, l * d), d);
      let t = cosine(c, a * b);
      let entry = quadrature
        ? quadraturePair(
          kind, order, nodes, weights, band, outerValue, outerSlope, b, t, c, ntScale, rfScale,
          v, value, slope
        )
        : closedFormPair(kind, pi, ql, c, a * b, t, ntScale, rfScale);
      store<f64>(k + ((<usize>i * <usize>n + <usize>l) << 3), entry);
      store<f64>(k + ((<usize>l * <usize>n + <usize>i) << 3), entry);
    }
  }
}
