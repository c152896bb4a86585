/**
 * The two-layer network f(x; W) = (alpha / sqrt(M)) sum_j a_j sigma(<w_j, x>)
 * and its derivatives, as building blocks over the kernels.
 *
 * Matrices are row-major Float64Arrays: inputs X are n x d, weights W are
 * M x d (row j is w_j), the Jacobian is n x (M d) with column j d + k for
 * the weight w_jk. Every function copies its inputs into the engine's
 * memory and returns fresh arrays; nothing returned aliases wasm memory.
 */
import type { Engine, Scope } from './wasm.js';
import { ACTIVATIONS, SpecError, resolveSpec, type Activation, type ModelSpec } from './spec.js';

/** A network: its weights, signs and scale. */
export interface Network {
  width: number;
  d: number;
  alpha: number;
  activation: Activation;
  /** First-layer weights, M x d row-major. */
  W: Float64Array;
  /** Second-layer signs, M values of +1 or -1. */
  a: Float64Array;
}

/** alpha / sqrt(M), the factor in front of the sum. */
export function outputScale(net: Network): number {
  return net.alpha / Math.sqrt(net.width);
}

export function activationCode(activation: Activation): number {
  return ACTIVATIONS.indexOf(activation);
}

/**
 * The initial network for a model spec and input dimension d. By default the
 * symmetric initialisation: w_1..w_{M/2} i.i.d. N(0, I_d) from the model
 * seed, w_{M/2+j} = w_j, a = +1 on the first half and -1 on the second, so
 * f(x; W0) = 0 exactly. `W0` and `a` in the spec replace either part.
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
      const weights = engine.read(out, M * d);
      weights.copyWithin(half * d, 0, half * d);
      return weights;
    });
  }
  const a = model.a ?? Float64Array.from({ length: M }, (_, j) => (j < half ? 1 : -1));
  return {
    width: M, d, alpha: model.alpha, activation: model.activation, W: W.slice(), a: a.slice(),
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

/** The pointers `withSlopes` hands to its body. */
interface SlopeBuffers {
  x: number;
  w: number;
  a: number;
  slope: number;
  f: number;
  n: number;
  /** Scratch for the network kernels, `workBytes` = `networkWorkBytes(d, M)` bytes. */
  work: number;
  workBytes: number;
}

/** Copies the network and inputs in, computes the slopes S = sigma'(X W^T), and runs `body`. */
function withSlopes<T>(
  engine: Engine, net: Network, X: Float64Array, body: (mem: Scope, p: SlopeBuffers) => T,
): T {
  const n = checkInputs(net, X);
  return engine.scope((mem) => {
    const x = mem.allocFrom(X);
    const w = mem.allocFrom(net.W);
    const a = mem.allocFrom(net.a);
    const slope = mem.alloc(n * net.width);
    const f = mem.alloc(n);
    const workBytes = engine.k.networkWorkBytes(net.d, net.width);
    const work = mem.allocBytes(workBytes);
    engine.k.forward(
      x, n, net.d, w, net.width, a, outputScale(net), activationCode(net.activation), f, slope,
      work, workBytes,
    );
    return body(mem, { x, w, a, slope, f, n, work, workBytes });
  });
}

/** Outputs f(x_i; W) for the n rows of X (n x d). Cost: n M d. */
export function forward(engine: Engine, net: Network, X: Float64Array): Float64Array {
  return withSlopes(engine, net, X, (_mem, p) => engine.read(p.f, p.n));
}

/**
 * Gradient of the empirical risk R(W) = ||y - f_n(W)||^2 / (2n), as an M x d
 * matrix: grad R = -(1/n) Phi^T (y - f_n), computed without forming Phi.
 */
export function riskGradient(
  engine: Engine, net: Network, X: Float64Array, y: Float64Array,
): Float64Array {
  return withSlopes(engine, net, X, (mem, p) => {
    if (y.length !== p.n) {
      throw new SpecError('y', `y has ${y.length} values; expected ${p.n} (one per row of X)`);
    }
    const u = mem.allocFrom(y);
    const g = mem.alloc(net.width * net.d);
    engine.k.addScaled(u, -1, p.f, u, p.n);
    engine.k.vjp(
      p.x, p.n, net.d, p.slope, net.width, p.a, -outputScale(net) / p.n, u, g, p.work,
      p.workBytes,
    );
    return engine.read(g, net.width * net.d);
  });
}

/** Jacobian-vector product Phi V (n values) for a direction V (M x d). Cost: n M d. */
export function jvp(engine: Engine, net: Network, X: Float64Array, V: Float64Array): Float64Array {
  return withSlopes(engine, net, X, (mem, p) => {
    if (V.length !== net.width * net.d) {
      throw new SpecError('V', `V has ${V.length} values; expected M d = ${net.width * net.d}`);
    }
    const v = mem.allocFrom(V);
    const u = mem.alloc(p.n);
    engine.k.jvp(
      p.x, p.n, net.d, p.slope, net.width, p.a, outputScale(net), v, u, p.work, p.workBytes,
    );
    return engine.read(u, p.n);
  });
}

/** Vector-Jacobian product Phi^T u (M x d) for u with one value per row of X. Cost: n M d. */
export function vjp(engine: Engine, net: Network, X: Float64Array, u: Float64Array): Float64Array {
  return withSlopes(engine, net, X, (mem, p) => {
    if (u.length !== p.n) {
      throw new SpecError('u', `u has ${u.length} values; expected ${p.n} (one per row of X)`);
    }
    const uu = mem.allocFrom(u);
    const g = mem.alloc(net.width * net.d);
    engine.k.vjp(
      p.x, p.n, net.d, p.slope, net.width, p.a, outputScale(net), uu, g, p.work, p.workBytes,
    );
    return engine.read(g, net.width * net.d);
  });
}

/**
 * The explicit Jacobian Phi = D f_n(W), n x (M d): Phi[i, j d + k] =
 * (alpha / sqrt(M)) a_j sigma'(<w_j, x_i>) x_ik. Memory n M d doubles: use
 * `jvp`, `vjp` or the kernel functions for anything large.
 */
export function jacobian(engine: Engine, net: Network, X: Float64Array): Float64Array {
  return withSlopes(engine, net, X, (mem, p) => {
    const p2 = net.width * net.d;
    const phi = mem.alloc(p.n * p2);
    engine.k.jacobian(p.x, p.n, net.d, p.slope, net.width, p.a, outputScale(net), phi);
    return engine.read(phi, p.n * p2);
  });
}

/**
 * The empirical neural tangent kernel K = Phi Phi^T (n x n) through the
 * Hadamard identity K = (alpha^2 / M) (S S^T) o (X X^T), S = sigma'(X W^T).
 * Cost: n^2 (M + d) / 2, never forming Phi.
 */
export function ntk(engine: Engine, net: Network, X: Float64Array): Float64Array {
  return withSlopes(engine, net, X, (mem, p) => {
    const K = mem.alloc(p.n * p.n);
    engine.k.ntkGram(p.x, p.n, net.d, p.slope, net.width, outputScale(net), K);
    return engine.read(K, p.n * p.n);
  });
}
