/**
 * The infinite-width (analytic) neural tangent kernel of the two-layer network
 * f(x) = (alpha / sqrt(M)) sum_j a_j sigma(<w_j, x>), w_j ~ N(0, I_d), as
 * M grows (MATH.md, "Jacobian and kernels"):
 *
 *   K(x, x') = alpha^2 (NT(x, x') + RF(x, x')),
 *   NT(x, x') = <x, x'> E[sigma'(u) sigma'(v)],   RF(x, x') = E[sigma(u) sigma(v)],
 *
 * with (u, v) = (<w, x>, <w, x'>) centred Gaussian, variances |x|^2, |x'|^2
 * and covariance <x, x'>. With the second layer fixed (the package's model)
 * the empirical NTK tends to alpha^2 NT only; RF is added when the second
 * layer is trained as well. For unit-norm inputs both depend only on the
 * cosine t = <x, x'>, and h(t) = NT + RF (or one part) is the dual kernel.
 *
 * relu, erf, quadratic and identity have closed forms; every activation can
 * also be evaluated by tensor Gauss-Hermite quadrature (`method`), which is
 * the only way for tanh, softplus and gelu. Its error, measured against
 * closed forms and an independent adaptive integration:
 *
 * | activation     | unit-norm inputs, order 64 | norms up to 1.6, order 64 | order 256  |
 * | -------------- | -------------------------- | ------------------------- | ---------- |
 * | gelu, softplus | 1e-15                      | 4e-13                     | 1e-15      |
 * | tanh           | 1e-7 (at t = +-1)          | 1e-5                      | 4e-13      |
 * | erf (forced)   | 5e-12                      | 2e-5                      | 1e-15      |
 * | relu (forced)  | 2e-2 (NT), 2e-3 (RF)       |                           | 9e-3, 5e-4 |
 *
 * The rule converges fast for smooth activations, more slowly as the norm
 * grows (tanh has poles at +-i pi / 2 that a larger norm brings closer), and
 * very slowly across a kink, which is why relu uses its closed form unless
 * asked otherwise. Raise `order` for inputs of large norm.
 * The formulas and their sources are in `assembly/analytic.ts`.
 */
import {
  ACTIVATIONS, SpecError, integer, object, oneOf, positive, rejectUnknown, shown,
  type Activation,
} from './spec.js';
import { activationCode } from './network.js';
import type { Engine } from './wasm.js';

/** Which part of the kernel: the neural-tangent part, the random-features part, or both. */
export const ANALYTIC_PARTS = ['nt', 'rf', 'both'] as const;
export type AnalyticPart = (typeof ANALYTIC_PARTS)[number];

/**
 * How to evaluate the expectations: 'auto' takes the closed form where the
 * activation has one and quadrature otherwise; 'closed-form' insists on the
 * closed form (a SpecError for the others); 'quadrature' always integrates.
 */
export const ANALYTIC_METHODS = ['auto', 'closed-form', 'quadrature'] as const;
export type AnalyticMethod = (typeof ANALYTIC_METHODS)[number];

/** Activations with a closed-form kernel. */
export const CLOSED_FORM_ACTIVATIONS: readonly Activation[] = [
  'relu', 'erf', 'quadratic', 'identity',
];

/** Gauss-Hermite nodes per dimension unless `order` says otherwise. */
export const DEFAULT_QUADRATURE_ORDER = 64;
/** The largest order accepted: beyond it the Hermite recurrence can overflow. */
export const MAX_QUADRATURE_ORDER = 512;

/** How to evaluate a kernel: which part, by which method, with how many nodes. */
export interface KernelOptions {
  /** 'nt' (default), 'rf' or 'both'. */
  part?: AnalyticPart;
  /** 'auto' (default), 'closed-form' or 'quadrature'. */
  method?: AnalyticMethod;
  /** Gauss-Hermite nodes per dimension, 1..512; default 64. Unused by closed forms. */
  order?: number;
}

export interface AnalyticNtkOptions extends KernelOptions {
  /** The output scale alpha > 0; default 1. */
  alpha?: number;
  /** Default 'tanh', as in the default spec. */
  activation?: Activation;
}

/** Kernel method codes, as in `assembly/analytic.ts`. */
const METHOD_AUTO = 0;
const METHOD_QUADRATURE = 1;

/** wasm32 addresses 4 GiB; requests above this are refused up front. */
const MEMORY_LIMIT = 3.5 * 2 ** 30;
/**
 * The largest block the kernels' allocator hands out: AssemblyScript's TLSF
 * takes blocks below 2^30 bytes less its header; 64 bytes cover the header
 * and the rounding to 16 bytes.
 */
const BLOCK_LIMIT = 2 ** 30 - 64;

/**
 * Throws SpecError(field) when buffers of these sizes (in doubles) would not
 * fit in WebAssembly memory: 3.5 GiB in all, just under 1 GiB for any one.
 * `what` names the request in the message.
 */
export function checkMemory(field: string, what: string, blocks: readonly number[]): void {
  const gib = (bytes: number): string => (bytes / 2 ** 30).toFixed(1);
  const total = 8 * blocks.reduce((sum, count) => sum + count, 0);
  if (total > MEMORY_LIMIT) {
    throw new SpecError(
      field,
      `${what} needs about ${gib(total)} GiB of WebAssembly memory; the limit is 3.5 GiB`,
    );
  }
  const largest = 8 * Math.max(...blocks);
  if (largest > BLOCK_LIMIT) {
    throw new SpecError(
      field,
      `${what} needs one block of ${gib(largest)} GiB of WebAssembly memory; a block must ` +
        'stay below 1 GiB',
    );
  }
}

interface ResolvedKernel {
  kind: number;
  method: number;
  order: number;
  nt: number;
  rf: number;
}

/** Validates the kernel options in `obj` (its other known keys are `extra`). */
function resolveKernel(
  obj: Record<string, unknown>, extra: string[], activation: unknown, activationField: string,
): ResolvedKernel {
  rejectUnknown(obj, 'options', ['part', 'method', 'order', ...extra]);
  const name = oneOf(activation, activationField, ACTIVATIONS, 'tanh');
  const part = oneOf(obj.part, 'options.part', ANALYTIC_PARTS, 'nt');
  const method = oneOf(obj.method, 'options.method', ANALYTIC_METHODS, 'auto');
  const order = integer(
    obj.order, 'options.order', DEFAULT_QUADRATURE_ORDER, 1, MAX_QUADRATURE_ORDER,
  );
  if (method === 'closed-form' && !CLOSED_FORM_ACTIVATIONS.includes(name)) {
    throw new SpecError(
      'options.method',
      `options.method is 'closed-form' but ${name} has none; closed forms exist for ` +
        `${CLOSED_FORM_ACTIVATIONS.join(', ')} (use 'auto' or 'quadrature')`,
    );
  }
  return {
    kind: activationCode(name),
    method: method === 'quadrature' ? METHOD_QUADRATURE : METHOD_AUTO,
    order,
    nt: part === 'rf' ? 0 : 1,
    rf: part === 'nt' ? 0 : 1,
  };
}

/** Runs `body` with the rule of `order` nodes in wasm memory. */
function withRule<T>(
  engine: Engine, order: number, body: (nodes: number, weights: number) => T,
): T {
  return engine.scope((mem) => {
    const nodes = mem.alloc(order);
    const weights = mem.alloc(order);
    if (!engine.k.gaussHermite(order, nodes, weights)) {
      throw new Error(`the Gauss-Hermite rule of order ${order} did not converge`);
    }
    return body(nodes, weights);
  });
}

/**
 * The Gauss-Hermite rule for the standard normal law: sum_i weights[i]
 * g(nodes[i]) = E[g(Z)], Z ~ N(0, 1), exact when g is a polynomial of
 * degree below 2 order. Nodes decrease and are exactly symmetric; the
 * weights sum to 1. Computed in the kernels by the Golub-Welsch method
 * (eigenvalues of the Jacobi matrix by implicit QL), a Newton polish on the
 * Hermite polynomials and Christoffel weights; see `assembly/quadrature.ts`.
 * Cost: about 10 order^2.
 * Throws SpecError unless order is an integer in [1, 512].
 */
export function gaussHermiteRule(
  engine: Engine, order: number,
): { nodes: Float64Array; weights: Float64Array } {
  const q = integer(order, 'order', undefined, 1, MAX_QUADRATURE_ORDER);
  return withRule(engine, q, (nodes, weights) => ({
    nodes: engine.read(nodes, q),
    weights: engine.read(weights, q),
  }));
}

/**
 * The dual kernel h(t) of unit-norm inputs with cosine t:
 *   h(t) = t E[sigma'(G1) sigma'(G2)] + E[sigma(G1) sigma(G2)]   ('both'),
 * the first term alone ('nt', the default) or the second alone ('rf'), for
 * (G1, G2) standard normal with correlation t. The analytic NTK of unit-norm
 * inputs is alpha^2 h(<x, x'>).
 *
 * `t` is one number (returns a number) or an array of them (returns a
 * Float64Array of the same length). Cost per value: O(1) by a closed form,
 * about 1600 evaluations of sigma and sigma' by quadrature at order 64.
 * Throws SpecError for an unknown activation or option, or t outside [-1, 1].
 */
export function analyticH(
  engine: Engine, activation: Activation, t: number, options?: KernelOptions,
): number;
export function analyticH(
  engine: Engine, activation: Activation, t: ArrayLike<number>, options?: KernelOptions,
): Float64Array;
export function analyticH(
  engine: Engine, activation: Activation, t: number | ArrayLike<number>,
  options: KernelOptions = {},
): number | Float64Array {
  const kernel = resolveKernel(object(options, 'options'), [], activation, 'activation');
  const scalar = typeof t === 'number';
  const values: ArrayLike<number> = scalar ? [t] : t;
  if (!scalar && (typeof values !== 'object' || values === null ||
    typeof values.length !== 'number')) {
    throw new SpecError('t', `t must be a number or an array of numbers; got ${shown(t)}`);
  }
  for (let i = 0; i < values.length; i++) {
    const value = values[i];
    if (typeof value !== 'number' || !(value >= -1 && value <= 1)) {
      const field = scalar ? 't' : `t[${i}]`;
      throw new SpecError(field, `${field} must be a number in [-1, 1]; got ${shown(value)}`);
    }
  }
  const count = values.length;
  const out = withRule(engine, kernel.order, (nodes, weights) => engine.scope((mem) => {
    const ones = mem.allocFrom(new Float64Array(count).fill(1));
    const c = mem.allocFrom(values);
    const h = mem.alloc(count);
    const work = mem.alloc(engine.k.analyticWorkCount(0, kernel.order));
    engine.k.analyticPairs(
      kernel.kind, kernel.method, kernel.order, nodes, weights, ones, ones, c, count,
      kernel.nt, kernel.rf, h, work,
    );
    return engine.read(h, count);
  }));
  return scalar ? out[0] : out;
}

/** Checks that X (n x d, row-major) holds whole rows of finite numbers; returns n. */
function checkRows(X: unknown, d: number): number {
  if (!(X instanceof Float64Array) && !Array.isArray(X)) {
    throw new SpecError(
      'X', `X must be a Float64Array or an array of numbers (n x d, row-major); got ${shown(X)}`,
    );
  }
  const values = X as ArrayLike<unknown>;
  if (values.length === 0 || values.length % d !== 0) {
    throw new SpecError(
      'X', `X must hold whole rows of d = ${d} values; got ${values.length} values`,
    );
  }
  for (let i = 0; i < values.length; i++) {
    const value = values[i];
    if (typeof value !== 'number' || !Number.isFinite(value)) {
      const field = `X[${Math.floor(i / d)}][${i % d}]`;
      throw new SpecError(field, `${field} must be a finite number; got ${shown(value)}`);
    }
  }
  return values.length / d;
}

/**
 * The analytic (infinite-width) NTK Gram matrix of the n rows of X:
 *   K[i, l] = alpha^2 (NT(x_i, x_l) + RF(x_i, x_l))
 * with the parts as in the module comment, any input norms allowed; 'nt'
 * (the default, the limit with the second layer fixed) keeps only NT, 'rf'
 * only RF. A zero row gives finite values (its NT row is 0).
 *
 * X is n x d, row-major (a Float64Array or an array of numbers); returns a
 * fresh n x n row-major Float64Array, exactly symmetric.
 * Cost: n^2 d / 2 for the inner products plus n^2 / 2 kernel values: O(1)
 * each by a closed form, about 1600 evaluations of sigma and sigma' each by
 * quadrature at order 64 (tanh: n = 1000 in tens of seconds). Memory:
 * n^2 + n d doubles.
 * Throws SpecError naming the field for a bad d, X, alpha, activation or
 * option, or when the Gram matrix would not fit in WebAssembly memory
 * (3.5 GiB in all, below 1 GiB for K: n <= 11585).
 */
export function analyticNtk(
  engine: Engine, X: Float64Array | readonly number[], d: number,
  options: AnalyticNtkOptions = {},
): Float64Array {
  const dim = integer(d, 'd', undefined, 1, 1 << 24);
  const obj = object(options, 'options');
  const kernel = resolveKernel(
    obj, ['alpha', 'activation'], obj.activation, 'options.activation',
  );
  const alpha = positive(obj.alpha, 'options.alpha', 1);
  const n = checkRows(X, dim);
  checkMemory('X', `the ${n} x ${n} Gram matrix`, [
    n * n, n * dim, n + 6 * kernel.order, kernel.order, kernel.order,
  ]);
  const scale = alpha * alpha;
  return withRule(engine, kernel.order, (nodes, weights) => engine.scope((mem) => {
    const x = mem.allocFrom(X);
    const K = mem.alloc(n * n);
    const work = mem.alloc(engine.k.analyticWorkCount(n, kernel.order));
    engine.k.analyticGram(
      x, n, dim, kernel.kind, kernel.method, kernel.order, nodes, weights,
      scale * kernel.nt, scale * kernel.rf, K, work,
    );
    return engine.read(K, n * n);
  }));
}
