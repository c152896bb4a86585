/**
 * Width sweeps: how fast the empirical NTK at initialisation approaches its
 * infinite-width limit. For each width M and each model seed, the default
 * symmetric initial network gives K_0 = Phi_0 Phi_0^T (`ntk`), compared with
 * the analytic neural-tangent part K_inf = alpha^2 NT (`analyticNtk`, the
 * limit with the second layer fixed) by
 *
 *   relativeError = ||K_0 - K_inf||_F / ||K_inf||_F,
 *
 * averaged over the seeds; the fitted log-log slope against M should be
 * about -1/2. The symmetric initialisation has only M/2 independent units,
 * so the error is about sqrt(2) times that of an i.i.d. initialisation.
 * alpha scales both kernels by alpha^2 and leaves the ratio unchanged.
 */
import {
  analyticNtk, checkMemory, CLOSED_FORM_ACTIVATIONS, DEFAULT_QUADRATURE_ORDER, MAX_QUADRATURE_ORDER,
} from './analytic.js';
import { sphereInputs } from './data.js';
import { initNetwork, ntk } from './network.js';
import {
  ACTIVATIONS, DEFAULT_SPEC, SpecError, integer, matrix, object, oneOf, positive, rejectUnknown,
  shown, type Activation,
} from './spec.js';
import { logLogSlope } from './sweep.js';
import { createEngine, kernelsSha256, packageVersion } from './wasm.js';

/** The default widths: 64, 128, ..., 16384. */
export const DEFAULT_WIDTHS = [64, 128, 256, 512, 1024, 2048, 4096, 8192, 16384];

/** The default number of model seeds per width. */
export const DEFAULT_WIDTH_SEEDS = 8;

/** Inputs for a width sweep: n points uniform on the sphere S^{d-1}, or the user's rows. */
export type WidthSweepData = { n: number; d: number; seed?: number } | { X: number[][] };

export interface WidthSweepOptions {
  /** Default: 64 points on S^7 from seed 1 (`sphereInputs`). */
  data?: WidthSweepData;
  /** Default 'tanh'. */
  activation?: Activation;
  /** Output scale alpha > 0; default 1 (the relative error does not depend on it). */
  alpha?: number;
  /** Even widths (symmetric initialisation); default 64, 128, ..., 16384. */
  widths?: readonly number[];
  /**
   * Model seeds: a count K means the seeds 2, 3, ..., K + 1 (2 is the default
   * model seed; the default data seed is 1), or give the list. Default 4.
   */
  seeds?: number | readonly number[];
  /** Gauss-Hermite order for activations without a closed form; default 64. */
  order?: number;
  /** Called when each width is done. */
  onWidth?: (row: WidthSweepRow) => void;
}

/** The figures for one width. */
export interface WidthSweepRow {
  width: number;
  /** Mean over the seeds of ||K_0 - K_inf||_F / ||K_inf||_F. */
  relativeError: number;
  /** Sample standard deviation of the relative error over the seeds; null for one seed. */
  spread: number | null;
  /** The relative error for each seed, in the order of `seeds`. */
  errors: number[];
}

export interface WidthSweepResult {
  rows: WidthSweepRow[];
  /** Least-squares slope of log(relativeError) against log(width); about -1/2. */
  slope: number | null;
  meta: {
    n: number;
    d: number;
    data: 'sphere' | 'given';
    activation: Activation;
    alpha: number;
    seeds: number[];
    /** The quadrature order, or null when the activation's closed form was used. */
    order: number | null;
    /** ||K_inf||_F. */
    limitNorm: number;
    seconds: number;
    version: string;
    kernelsSha256: string;
  };
}

function resolveData(value: unknown): { X: Float64Array; n: number; d: number;
  kind: 'sphere' | 'given'; seed: number | null } {
  const obj = object(value ?? DEFAULT_SPEC.data, 'options.data');
  if ('X' in obj) {
    rejectUnknown(obj, 'options.data', ['X']);
    const X = matrix(obj.X, 'options.data.X');
    return { X: X.data, n: X.rows, d: X.cols, kind: 'given', seed: null };
  }
  if (value !== undefined) rejectUnknown(obj, 'options.data', ['n', 'd', 'seed']);
  const n = integer(obj.n, 'options.data.n', undefined, 1, 1 << 16);
  const d = integer(obj.d, 'options.data.d', undefined, 1, 1 << 24);
  const seed = integer(obj.seed, 'options.data.seed', DEFAULT_SPEC.data.seed, 0);
  return { X: new Float64Array(0), n, d, kind: 'sphere', seed };
}

function resolveSeeds(value: unknown): number[] {
  if (value === undefined || typeof value === 'number') {
    const count = integer(value, 'options.seeds', DEFAULT_WIDTH_SEEDS, 1, 1000);
    return Array.from({ length: count }, (_, k) => DEFAULT_SPEC.model.seed + k);
  }
  if (!Array.isArray(value) || value.length === 0) {
    throw new SpecError(
      'options.seeds',
      `options.seeds must be a count >= 1 or a non-empty array of seeds; got ${shown(value)}`,
    );
  }
  return value.map((seed, i) => integer(seed, `options.seeds[${i}]`, undefined, 0));
}

function resolveWidths(value: unknown, n: number, d: number): number[] {
  if (value === undefined) return DEFAULT_WIDTHS;
  if (!Array.isArray(value) || value.length === 0) {
    throw new SpecError(
      'options.widths',
      `options.widths must be a non-empty array of even integers >= 2; got ${shown(value)}`,
    );
  }
  return value.map((width, i) => {
    const field = `options.widths[${i}]`;
    if (typeof width !== 'number' || !Number.isInteger(width) || width < 2 || width % 2 !== 0) {
      throw new SpecError(
        field,
        `${field} must be an even integer >= 2 (symmetric initialisation); got ${shown(width)}`,
      );
    }
    checkMemory(field, `${field} = ${width} with n = ${n}, d = ${d}`, [
      n * width, width * d, width * d, width, width, n * n, n * d, n,
    ]);
    return width;
  });
}

/** ||A - B||_F, summed in index order. */
function frobeniusDistance(A: Float64Array, B: Float64Array): number {
  let sum = 0;
  for (let i = 0; i < B.length; i++) sum += (A[i] - B[i]) * (A[i] - B[i]);
  return Math.sqrt(sum);
}

/**
 * Runs a width sweep (see the module comment): for each width M of `widths`
 * and each model seed, ||K_0 - K_inf||_F / ||K_inf||_F, with K_inf the
 * analytic NT part computed once. Returns the rows (mean, spread and the
 * per-seed errors), the log-log slope of the mean against M and metadata.
 *
 * Cost per width and seed: n M d for the slopes and n^2 (M + d) / 2 for K_0;
 * K_inf once (closed form, or about 1600 sigma evaluations per pair at order
 * 64). The default run (n = 64, d = 8, widths 64..16384, 4 seeds, tanh) takes
 * a few seconds. Throws SpecError naming the option for bad input, or a
 * width whose kernel would not fit in WebAssembly memory (3.5 GiB in all,
 * below 1 GiB for any one buffer, such as the n x M slopes).
 */
export async function widthSweep(options: WidthSweepOptions = {}): Promise<WidthSweepResult> {
  const obj = object(options, 'options');
  rejectUnknown(obj, 'options', [
    'data', 'activation', 'alpha', 'widths', 'seeds', 'order', 'onWidth',
  ]);
  const data = resolveData(obj.data);
  const activation = oneOf(
    obj.activation, 'options.activation', ACTIVATIONS, DEFAULT_SPEC.model.activation,
  );
  const alpha = positive(obj.alpha, 'options.alpha', 1);
  const order = integer(
    obj.order, 'options.order', DEFAULT_QUADRATURE_ORDER, 1, MAX_QUADRATURE_ORDER,
  );
  const seeds = resolveSeeds(obj.seeds);
  const widths = resolveWidths(obj.widths, data.n, data.d);
  if (obj.onWidth !== undefined && typeof obj.onWidth !== 'function') {
    throw new SpecError(
      'options.onWidth', `options.onWidth must be a function; got ${shown(obj.onWidth)}`,
    );
  }

  const started = performance.now();
  const engine = await createEngine();
  const { n, d } = data;
  const X = data.seed === null ? data.X : sphereInputs(engine, n, d, data.seed);
  const limit = analyticNtk(engine, X, d, { alpha, activation, part: 'nt', order });
  const limitNorm = Math.sqrt(limit.reduce((s, value) => s + value * value, 0));
  if (!(limitNorm > 0)) {
    throw new SpecError(
      'options.data',
      `the limit kernel of these inputs is ${limitNorm} for ${activation}, so no relative ` +
        'error can be measured; use inputs that are not all zero',
    );
  }
  const rows: WidthSweepRow[] = [];
  for (const width of widths) {
    const errors = seeds.map((seed) => {
      const net = initNetwork(engine, { width, alpha, activation, seed }, d);
      return frobeniusDistance(ntk(engine, net, X), limit) / limitNorm;
    });
    const mean = errors.reduce((s, e) => s + e, 0) / errors.length;
    const spread = errors.length < 2
      ? null
      : Math.sqrt(errors.reduce((s, e) => s + (e - mean) * (e - mean), 0) / (errors.length - 1));
    const row = { width, relativeError: mean, spread, errors };
    rows.push(row);
    options.onWidth?.(row);
  }
  return {
    rows,
    slope: logLogSlope(engine, widths, rows.map((row) => row.relativeError)),
    meta: {
      n, d, data: data.kind, activation, alpha, seeds,
      order: CLOSED_FORM_ACTIVATIONS.includes(activation) ? null : order,
      limitNorm,
      seconds: (performance.now() - started) / 1000,
      version: packageVersion,
      kernelsSha256,
    },
  };
}
