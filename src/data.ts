/**
 * Training and test data: inputs uniform on the unit sphere S^{d-1} with a
 * built-in target, drawn by the kernels' seeded generator so the same seed
 * gives the same bits everywhere.
 *
 * Targets (z = sqrt(d) <beta, x> has unit variance on the sphere):
 * - linear:        y = sqrt(d) <beta, x>, beta uniform on the sphere;
 * - single-index:  y = g(sqrt(d) <beta, x>) with the link g an activation;
 * - teacher:       y = (1 / sqrt(k)) sum_{j<k} c_j s(sqrt(d) <u_j, x>), u_j uniform
 *                  on the sphere, c_j standard Gaussian, s an activation;
 * - noise:         y standard Gaussian, independent of x (random labels).
 *
 * Stream order for a data seed: the target's parameters (beta, or the u_j
 * then the c_j), then the n inputs, then n label-noise values (only when the
 * noise level is positive; for the noise target, the n labels come first).
 * A test seed draws the test inputs, then (noise target only) their labels.
 */
import type { Engine, Scope } from './wasm.js';
import {
  ACTIVATIONS, SpecError, resolveSpec, type ResolvedSpec, type SphereDataSpec, type TargetSpec,
} from './spec.js';

/** n rows of dimension d (row-major) with their labels. */
export interface Dataset {
  n: number;
  d: number;
  X: Float64Array;
  y: Float64Array;
}

/** A target's drawn parameters: directions (k x d) and output weights (k). */
export interface TargetParams {
  spec: Required<TargetSpec>;
  d: number;
  directions: Float64Array;
  weights: Float64Array;
}

/** A seeded generator state in wasm memory. */
export function seededStream(mem: Scope, seed: number): number {
  const rng = mem.allocBytes(32);
  mem.engine.k.rngSeed(rng, seed);
  return rng;
}

function drawTarget(mem: Scope, rng: number, d: number, spec: Required<TargetSpec>): TargetParams {
  const k = mem.engine.k;
  const units = spec.type === 'teacher' ? spec.width : spec.type === 'noise' ? 0 : 1;
  const directions = mem.alloc(units * d);
  const weights = mem.alloc(units);
  if (units > 0) k.rngSphere(rng, directions, units, d);
  if (spec.type === 'teacher') {
    k.rngGaussian(rng, weights, units);
  } else if (units > 0) {
    mem.engine.write(weights, [1]);
  }
  return {
    spec, d,
    directions: mem.engine.read(directions, units * d),
    weights: mem.engine.read(weights, units),
  };
}

/** Labels of the rows X (n x d, already in wasm memory) under a target; null for noise. */
function label(mem: Scope, params: TargetParams, X: number, n: number): Float64Array | null {
  const { spec, d } = params;
  if (spec.type === 'noise') return null;
  const k = mem.engine.k;
  const units = params.weights.length;
  const U = mem.allocFrom(params.directions);
  const c = mem.allocFrom(params.weights);
  const Z = mem.alloc(n * units);
  const y = mem.alloc(n);

  k.gemm(0, 1, n, units, d, Math.sqrt(d), X, d, U, d, 0, Z, units);
  if (spec.type === 'single-index') {
    k.activationMap(ACTIVATIONS.indexOf(spec.link), 0, Z, Z, n);
  } else if (spec.type === 'teacher') {
    k.activationMap(ACTIVATIONS.indexOf(spec.activation), 0, Z, Z, n * units);
  }
  const outScale = spec.type === 'teacher' ? 1 / Math.sqrt(units) : 1;
  k.gemm(0, 0, n, 1, units, outScale, Z, units, c, 1, 0, y, 1);
  return mem.engine.read(y, n);
}

/**
 * Training data for a sphere spec `{ n, d, seed, target, noise }` (validated;
 * throws SpecError), and the target's parameters for labelling test data.
 */
export function sphereData(
  engine: Engine, spec: SphereDataSpec,
): { train: Dataset; target: TargetParams } {
  const resolved = resolveSpec({ data: spec, test: { n: 0 }, model: { width: 2 } }).data;
  if (resolved.kind !== 'sphere') {
    throw new SpecError('data', 'sphereData takes { n, d, seed, target, noise }, not rows X, y');
  }
  return drawSphereData(engine, resolved);
}

/** As `sphereData`, for an already validated spec. */
export function drawSphereData(
  engine: Engine, spec: Extract<ResolvedSpec['data'], { kind: 'sphere' }>,
): { train: Dataset; target: TargetParams } {
  return engine.scope((mem) => {
    const { n, d } = spec;
    const k = engine.k;
    const rng = seededStream(mem, spec.seed);
    const target = drawTarget(mem, rng, d, spec.target);
    const X = mem.alloc(n * d);
    k.rngSphere(rng, X, n, d);
    let y = label(mem, target, X, n);
    if (y === null) {
      const labels = mem.alloc(n);
      k.rngGaussian(rng, labels, n);
      y = engine.read(labels, n);
    }
    if (spec.noise > 0) {
      const noise = mem.alloc(n);
      const labels = mem.allocFrom(y);
      k.rngGaussian(rng, noise, n);
      k.addScaled(labels, spec.noise, noise, labels, n);
      y = engine.read(labels, n);
    }
    return { train: { n, d, X: engine.read(X, n * d), y }, target };
  });
}

/** n points uniform on the sphere S^{d-1} (n x d), the first draws of the seed's stream. */
export function sphereInputs(engine: Engine, n: number, d: number, seed: number): Float64Array {
  return engine.scope((mem) => {
    const rng = seededStream(mem, seed);
    const X = mem.alloc(n * d);
    if (n > 0) engine.k.rngSphere(rng, X, n, d);
    return engine.read(X, n * d);
  });
}

/** A fresh sphere test set of n points labelled by `target` (no label noise). */
export function sphereTestData(
  engine: Engine, target: TargetParams, n: number, seed: number,
): Dataset {
  return engine.scope((mem) => {
    const d = target.d;
    const rng = seededStream(mem, seed);
    const X = mem.alloc(n * d);
    if (n > 0) engine.k.rngSphere(rng, X, n, d);
    let y = n > 0 ? label(mem, target, X, n) : new Float64Array(0);
    if (y === null) {
      const labels = mem.alloc(n);
      engine.k.rngGaussian(rng, labels, n);
      y = engine.read(labels, n);
    }
    return { n, d, X: engine.read(X, n * d), y };
  });
}

/**
 * The training and test sets a validated spec describes: drawn on the
 * sphere from the data seed and test seed, or as given. A given training
 * set without a given test set gets unlabelled sphere test inputs (only the
 * test gap is then measured).
 */
export function specDatasets(
  engine: Engine, spec: ResolvedSpec,
): { train: Dataset; test: Dataset } {
  const { data, test } = spec;
  if (data.kind === 'sphere') {
    const { train, target } = drawSphereData(engine, data);
    const testSet = test.kind === 'sphere'
      ? sphereTestData(engine, target, test.n, test.seed)
      : { n: test.n, d: data.d, X: test.X, y: test.y ?? new Float64Array(0) };
    return { train, test: testSet };
  }
  const train = { n: data.n, d: data.d, X: data.X, y: data.y };
  if (test.kind === 'given') {
    return { train, test: { n: test.n, d: data.d, X: test.X, y: test.y ?? new Float64Array(0) } };
  }
  // Given training data has no target to label sphere test points: only the gap is measured.
  const X = sphereInputs(engine, test.n, data.d, test.seed);
  return { train, test: { n: test.n, d: data.d, X, y: new Float64Array(0) } };
}
