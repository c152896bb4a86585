/**
 * The two-layer network f(x; theta) = scale sum_j a_j sigma(<w_j, x>), with
 * scale = alpha / sqrt(M) (lazy scaling) or alpha / M (mean-field scaling),
 * and its derivatives, as building blocks over the kernels.
 *
 * Matrices are row-major Float64Arrays: inputs X are n x d, weights W are
 * M x d (row j is w_j). With the second layer fixed, theta = W has P = M d
 * entries and the Jacobian is n x (M d), column j d + k for the weight w_jk.
 * With `trainSecondLayer`, theta = (W, a) has P = M d + M entries, the
 * weights first (row-major) and then a_1..a_M, and the Jacobian is n x P
 * with column M d + j = scale sigma(<w_j, x_i>) for a_j. Every function
 * copies its inputs into the engine's memory and returns fresh arrays;
 * nothing returned aliases wasm memory.
 */
import type { Engine, Scope } from './wasm.js';
import {
  ACTIVATIONS, SCALINGS, SpecError, resolveSpec, shown, type Activation, type ModelSpec,
  type Scaling,
} from './spec.js';

/** A network: its weights, second layer, scale and what training moves. */
export interface Network {
  width: number;
  d: number;
  alpha: number;
  /** 'lazy' (scale alpha / sqrt(M)) or 'mean-field' (scale alpha / M); absent means 'lazy'. */
  scaling?: Scaling;
  activation: Activation;
  /** First-layer weights, M x d row-major. */
  W: Float64Array;
  /**
   * Second layer, M values: signs +1 or -1 while it is fixed (the fixed-a kernel
   * K = scale^2 (S S^T) o (X X^T) assumes a_j^2 = 1), any values when it is trained.
   */
  a: Float64Array;
  /** Whether a is trained too, so theta = (W, a); absent means false. */
  trainSecondLayer?: boolean;
}

/**
 * The factor in front of the sum: alpha / sqrt(M) under the lazy scaling, alpha / M
 * under the mean-field scaling. Throws SpecError for an unknown `net.scaling`.
 */
export function outputScale(net: Network): number {
  const scaling = net.scaling ?? 'lazy';
  if (scaling === 'lazy') return net.alpha / Math.sqrt(net.width);
  if (scaling === 'mean-field') return net.alpha / net.width;
  throw new SpecError(
    'net.scaling',
    `net.scaling must be one of ${SCALINGS.map((c) => `'${c}'`).join(', ')}; ` +
      `got ${shown(scaling)}`,
  );
}

/** P, the number of trained parameters: M d, plus M when the second layer is trained. */
export function parameterCount(net: Network): number {
  return net.width * net.d + (net.trainSecondLayer ? net.width : 0);
}

export function activationCode(activation: Activation): number {
  return ACTIVATIONS.indexOf(activation);
}

/**
 * The initial network for a model spec and input dimension d. By default the
 * symmetric initialisation: w_1..w_{M/2} i.i.d. N(0, I_d) from the model
 * seed, w_{M/2+j} = w_j, a = +1 on the first half and -1 on the second, so
 * f(x; W0) = 0 exactly. `W0` and `a` in the spec replace either part; an
 * odd width (allowed only with explicit signs `a`) pairs the first M - 1
 * rows the same way and draws the last row after them from the same stream.
 * `scaling` and `trainSecondLayer` are carried over.
 * Throws SpecError for an invalid spec (for example an odd width).
 */
export function initNetwork(engine: Engine, spec: ModelSpec, d: number): Network {
  const model = resolveSpec({ data: { n: 1, d }, model: spec, test: { n: 0 } }).model;
  return networkFromModel(engine, model, d);
}

/** As `initNetwork`, from an already validated model. */
export function networkFromModel(
  engine: Engine, model: ReturnType<typeof resolveSpec>['model'], d: number,
): Network {
  const M = model.width;
  const half = M >> 1;
  let W = model.W0;
  if (W === null) {
    W = engine.scope((mem) => {
      const rng = mem.allocBytes(32);
      const out = mem.alloc(M * d);
      engine.k.rngSeed(rng, model.seed);
      engine.k.rngGaussian(rng, out, half * d);
      // An odd width (allowed with explicit signs) draws its unpaired last row next.
      if (M % 2 === 1) engine.k.rngGaussian(rng, out + 8 * (M - 1) * d, d);
      const weights = engine.read(out, M * d);
      weights.copyWithin(half * d, 0, half * d);
      return weights;
    });
  }
  const a = model.a ?? Float64Array.from({ length: M }, (_, j) => (j < half ? 1 : -1));
  return {
    width: M, d, alpha: model.alpha, scaling: model.scaling, activation: model.activation,
    W: W.slice(), a: a.slice(), trainSecondLayer: model.trainSecondLayer,
  };
}

function checkInputs(net: Network, X: Float64Array, field = 'X'): number {
  if (X.length === 0 || X.length % net.d !== 0) {
    throw new SpecError(
      field,
      `${field} must hold whole rows of d = ${net.d} values; got ${X.length} values`,
    );
  }
  return X.length / net.d;
}

/** The size a parameter-shaped argument must have, for error messages. */
function parameterShape(net: Network): string {
  const md = net.width * net.d;
  return net.trainSecondLayer ? `P = M d + M = ${md + net.width}` : `M d = ${md}`;
}

/** The pointers `withSlopes` hands to its body. */
interface Slopes {
  x: number; w: number; a: number; slope: number; f: number; n: number;
  /** sigma(X W^T) (n x M) when the second layer is trained, else 0. */
  hidden: number;
  /** Scratch for the network kernels, `workBytes` = `networkWorkBytes(d, M)` bytes. */
  work: number;
  workBytes: number;
}

/**
 * Copies the network and inputs in, computes the slopes S = sigma'(X W^T) (and, for a
 * trained second layer, the hidden outputs sigma(X W^T)), and runs `body`.
 */
function withSlopes<T>(
  engine: Engine, net: Network, X: Float64Array, body: (mem: Scope, p: Slopes) => T,
): T {
  const n = checkInputs(net, X);
  const scale = outputScale(net);
  return engine.scope((mem) => {
    const x = mem.allocFrom(X);
    const w = mem.allocFrom(net.W);
    const a = mem.allocFrom(net.a);
    const slope = mem.alloc(n * net.width);
    const f = mem.alloc(n);
    const kind = activationCode(net.activation);
    const workBytes = engine.k.networkWorkBytes(net.d, net.width);
    const work = mem.allocBytes(workBytes);
    let hidden = 0;
    if (net.trainSecondLayer) {
      hidden = mem.alloc(n * net.width);
      engine.k.forwardHidden(
        x, n, net.d, w, net.width, a, scale, kind, f, slope, hidden, work, workBytes,
      );
    } else {
      engine.k.forward(x, n, net.d, w, net.width, a, scale, kind, f, slope, work, workBytes);
    }
    return body(mem, { x, w, a, slope, f, n, hidden, work, workBytes });
  });
}

/**
 * Outputs f(x_i; theta) = scale sum_j a_j sigma(<w_j, x_i>) for the n rows of X (n x d).
 * Cost: n M d. Throws SpecError when X does not hold whole rows of d values.
 */
export function forward(engine: Engine, net: Network, X: Float64Array): Float64Array {
  return withSlopes(engine, net, X, (_mem, p) => engine.read(p.f, p.n));
}

/**
 * Gradient of the empirical risk R(theta) = ||y - f_n(theta)||^2 / (2n):
 * grad R = -(1/n) Phi^T (y - f_n), computed without forming Phi. Returns P values: the
 * M x d weight block, then (trained second layer only) the M values
 * -(scale / n) sum_i r_i sigma(<w_j, x_i>). Throws SpecError when y has not one value per row.
 */
export function riskGradient(
  engine: Engine, net: Network, X: Float64Array, y: Float64Array,
): Float64Array {
  return withSlopes(engine, net, X, (mem, p) => {
    if (y.length !== p.n) {
      throw new SpecError('y', `y has ${y.length} values; expected ${p.n} (one per row of X)`);
    }
    const u = mem.allocFrom(y);
    const g = mem.alloc(parameterCount(net));
    const c = -outputScale(net) / p.n;
    engine.k.addScaled(u, -1, p.f, u, p.n);
    engine.k.vjp(p.x, p.n, net.d, p.slope, net.width, p.a, c, u, g, p.work, p.workBytes);
    if (net.trainSecondLayer) {
      engine.k.vjpSecondLayer(p.n, p.hidden, net.width, c, u, g + 8 * net.width * net.d);
    }
    return engine.read(g, parameterCount(net));
  });
}

/**
 * Jacobian-vector product Phi V (n values) for a direction V of P values laid out like theta
 * (M x d weights, then M second-layer values when it is trained). Cost: n M d.
 * Throws SpecError when V has the wrong length.
 */
export function jvp(engine: Engine, net: Network, X: Float64Array, V: Float64Array): Float64Array {
  return withSlopes(engine, net, X, (mem, p) => {
    if (V.length !== parameterCount(net)) {
      throw new SpecError('V', `V has ${V.length} values; expected ${parameterShape(net)}`);
    }
    const v = mem.allocFrom(V);
    const u = mem.alloc(p.n);
    const scale = outputScale(net);
    engine.k.jvp(
      p.x, p.n, net.d, p.slope, net.width, p.a, scale, v, u, p.work, p.workBytes,
    );
    if (net.trainSecondLayer) {
      engine.k.jvpSecondLayer(p.n, p.hidden, net.width, scale, v + 8 * net.width * net.d, u);
    }
    return engine.read(u, p.n);
  });
}

/**
 * Vector-Jacobian product Phi^T u (P values laid out like theta) for u with one value per
 * row of X. Cost: n M d. Throws SpecError when u has the wrong length.
 */
export function vjp(engine: Engine, net: Network, X: Float64Array, u: Float64Array): Float64Array {
  return withSlopes(engine, net, X, (mem, p) => {
    if (u.length !== p.n) {
      throw new SpecError('u', `u has ${u.length} values; expected ${p.n} (one per row of X)`);
    }
    const uu = mem.allocFrom(u);
    const g = mem.alloc(parameterCount(net));
    const scale = outputScale(net);
    engine.k.vjp(
      p.x, p.n, net.d, p.slope, net.width, p.a, scale, uu, g, p.work, p.workBytes,
    );
    if (net.trainSecondLayer) {
      engine.k.vjpSecondLayer(p.n, p.hidden, net.width, scale, uu, g + 8 * net.width * net.d);
    }
    return engine.read(g, parameterCount(net));
  });
}

/**
 * The explicit Jacobian Phi = D f_n(theta), n x P row-major:
 * Phi[i, j d + k] = scale a_j sigma'(<w_j, x_i>) x_ik for the weights and, with a trained
 * second layer, Phi[i, M d + j] = scale sigma(<w_j, x_i>) for a_j. Memory n P doubles:
 * use `jvp`, `vjp` or the kernel functions for anything large.
 */
export function jacobian(engine: Engine, net: Network, X: Float64Array): Float64Array {
  return withSlopes(engine, net, X, (mem, p) => {
    const count = parameterCount(net);
    const phi = mem.alloc(p.n * count);
    const scale = outputScale(net);
    if (net.trainSecondLayer) {
      engine.k.jacobianTrained(
        p.x, p.n, net.d, p.slope, p.hidden, net.width, p.a, scale, phi,
      );
    } else {
      engine.k.jacobian(p.x, p.n, net.d, p.slope, net.width, p.a, scale, phi);
    }
    return engine.read(phi, p.n * count);
  });
}

/**
 * The empirical neural tangent kernel K = Phi Phi^T (n x n), never forming Phi.
 * Second layer fixed (a_j^2 = 1): K = scale^2 (S S^T) o (X X^T), S = sigma'(X W^T),
 * cost n^2 (M + d) / 2. Trained: K = scale^2 [ (S diag(a^2) S^T) o (X X^T) + H H^T ]
 * with H = sigma(X W^T), the current a, cost n^2 (2 M + d) / 2.
 */
export function ntk(engine: Engine, net: Network, X: Float64Array): Float64Array {
  return withSlopes(engine, net, X, (mem, p) => {
    const K = mem.alloc(p.n * p.n);
    const scale = outputScale(net);
    if (net.trainSecondLayer) {
      engine.k.ntkGramTrained(p.x, p.n, net.d, p.slope, p.hidden, net.width, p.a, scale, K);
    } else {
      engine.k.ntkGram(p.x, p.n, net.d, p.slope, net.width, scale, K);
    }
    return engine.read(K, p.n * p.n);
  });
}
