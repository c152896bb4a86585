/**
 * The simulation spec: its types, its defaults, and its validation. Every
 * public entry point validates here, once; the kernels trust what they get.
 */

/** Activation functions the kernels implement (see `assembly/activations.ts`). */
export const ACTIVATIONS = [
  'relu', 'tanh', 'erf', 'softplus', 'gelu', 'quadratic', 'identity',
] as const;
export type Activation = (typeof ACTIVATIONS)[number];

/** Built-in targets for sphere data (see `data.ts` for their formulas). */
export const TARGETS = ['linear', 'single-index', 'teacher', 'noise'] as const;
export type TargetName = (typeof TARGETS)[number];

/**
 * Output scalings: 'lazy' puts alpha / sqrt(M) in front of the sum, 'mean-field' puts
 * alpha / M there (alpha then plays the part of alpha_0 in alpha = alpha_0 / sqrt(M)).
 */
export const SCALINGS = ['lazy', 'mean-field'] as const;
export type Scaling = (typeof SCALINGS)[number];

export interface TargetSpec {
  type: TargetName;
  /** Link g of the single-index target g(sqrt(d) <beta, x>); default 'tanh'. */
  link?: Activation;
  /** Hidden units of the teacher network; default 4. */
  width?: number;
  /** Activation of the teacher network; default the model's activation. */
  activation?: Activation;
}

/** Inputs drawn uniformly on the unit sphere S^{d-1}, labels from a built-in target. */
export interface SphereDataSpec {
  n: number;
  d: number;
  seed?: number;
  target?: TargetName | TargetSpec;
  /** Standard deviation of Gaussian noise added to the training labels; default 0. */
  noise?: number;
}

/** The user's own rows and labels. */
export interface GivenDataSpec {
  X: number[][];
  y: number[];
  /** Where the rows come from, for `result.meta.data` (such as 'mnist digits 0,1'). */
  name?: string;
}

export type DataSpec = SphereDataSpec | GivenDataSpec;

/** A fresh sphere test set labelled by the training target (without label noise). */
export interface SphereTestSpec {
  n?: number;
  seed?: number;
}

/** The user's own test rows, with labels if test risks are wanted. */
export interface GivenTestSpec {
  X: number[][];
  y?: number[];
}

export type TestSpec = SphereTestSpec | GivenTestSpec;

export interface ModelSpec {
  /** Hidden units M; even for the symmetric initialisation. */
  width?: number;
  /**
   * Output scale alpha > 0: f = (alpha / sqrt(M)) sum_j a_j sigma(<w_j, x>) under the lazy
   * scaling, f = (alpha / M) sum_j a_j sigma(<w_j, x>) under the mean-field scaling.
   */
  alpha?: number;
  /** 'lazy' (alpha / sqrt(M), the default) or 'mean-field' (alpha / M). */
  scaling?: Scaling;
  activation?: Activation;
  seed?: number;
  /** Initial first-layer rows (M x d); default symmetric Gaussian rows. */
  W0?: number[][];
  /**
   * Initial second layer (M values); default +1 then -1 by halves. Values must be +1 or -1
   * unless `trainSecondLayer` is set, in which case any finite values are accepted.
   */
  a?: number[];
  /** Train the second layer a along with W (theta = (W, a)); default false. */
  trainSecondLayer?: boolean;
}

export interface FlowSpec {
  method?: 'rk4' | 'euler';
  /** Step size; default 0.25 n / lambda_max(K_0), well inside RK4's stable range. */
  dt?: number;
  steps?: number;
  /** How many evenly spaced checkpoints to keep, time 0 and the last step included. */
  record?: number;
}

export interface Spec {
  data?: DataSpec;
  test?: TestSpec;
  model?: ModelSpec;
  flow?: FlowSpec;
  /** Compute ||K_t - K_0||_F / ||K_0||_F at each checkpoint (costs n^2 (M + d)); default true. */
  kernelChange?: boolean;
  /**
   * Check the lazy-regime theorem on the run and report it as `result.theory`
   * (costs one n x n eigen-decomposition, about 9 n^3 flops); default true.
   */
  theory?: boolean;
}

/** A spec error: names the field, the value and what was expected. */
export class SpecError extends Error {
  readonly field: string;

  constructor(field: string, message: string) {
    super(message);
    this.name = 'SpecError';
    this.field = field;
  }
}

/**
 * A spec too large for WebAssembly memory (3.5 GiB in all, below 1 GiB for
 * one block), whatever it is run on: a SpecError whose `field` is 'spec'.
 */
export class SizeError extends SpecError {
  constructor(message: string) {
    super('spec', message);
    this.name = 'SizeError';
  }
}

/** The default spec: the lazy regime of a tanh network on a smooth target. */
export const DEFAULT_SPEC = {
  data: { n: 64, d: 8, seed: 1, target: 'teacher', noise: 0 },
  test: { n: 256 },
  model: {
    width: 512, alpha: 1, scaling: 'lazy', activation: 'tanh', seed: 2, trainSecondLayer: false,
  },
  flow: { method: 'rk4', steps: 600, record: 13 },
  kernelChange: true,
  theory: true,
} as const satisfies Spec;

/** Largest seed: seeds are integers that a double holds exactly. */
const MAX_SEED = Number.MAX_SAFE_INTEGER;

/** The whole spec after validation, with every default filled in. */
export interface ResolvedSpec {
  data:
    | { kind: 'sphere'; n: number; d: number; seed: number; target: Required<TargetSpec>;
      noise: number }
    | { kind: 'given'; n: number; d: number; X: Float64Array; y: Float64Array; name: string };
  test:
    | { kind: 'sphere'; n: number; seed: number }
    | { kind: 'given'; n: number; X: Float64Array; y: Float64Array | null };
  model: {
    width: number; alpha: number; scaling: Scaling; activation: Activation; seed: number;
    W0: Float64Array | null; a: Float64Array | null; trainSecondLayer: boolean;
  };
  flow: { method: 'rk4' | 'euler'; dt: number | null; steps: number; record: number };
  kernelChange: boolean;
  theory: boolean;
}

/** A value as an error message shows it. */
export function shown(value: unknown): string {
  if (typeof value === 'string') return `'${value}'`;
  if (Object.is(value, -0)) return '-0';
  if (typeof value === 'number' || typeof value === 'boolean' || value === null) {
    return String(value);
  }
  if (value === undefined) return 'nothing';
  if (Array.isArray(value)) return `an array of length ${value.length}`;
  if (ArrayBuffer.isView(value)) {
    return `a ${value.constructor.name} of length ${(value as Float64Array).length}`;
  }
  return typeof value === 'object' ? 'an object' : `a ${typeof value}`;
}

/** An array or a typed array of numbers (rows may be given either way). */
function isList(value: unknown): value is ArrayLike<unknown> {
  return Array.isArray(value) || (ArrayBuffer.isView(value) && !(value instanceof DataView));
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function object(value: unknown, field: string): Record<string, unknown> {
  if (value === undefined) return {};
  if (!isObject(value)) {
    throw new SpecError(field, `${field} must be an object; got ${shown(value)}`);
  }
  return value;
}

export function rejectUnknown(obj: Record<string, unknown>, field: string, known: string[]): void {
  for (const key of Object.keys(obj)) {
    if (!known.includes(key)) {
      throw new SpecError(
        `${field}.${key}`,
        `${field}.${key} is not a known field; expected one of ${known.join(', ')}`,
      );
    }
  }
}

/** An integer in [min, max], or the fallback when absent. */
export function integer(
  value: unknown, field: string, fallback: number | undefined, min: number, max = MAX_SEED,
): number {
  if (value === undefined && fallback !== undefined) return fallback;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    const tooLarge = typeof value === 'number' && value > max;
    const range = max !== MAX_SEED ? `in [${min}, ${max}]`
      : tooLarge ? `in [${min}, 2^53 - 1]` : `>= ${min}`;
    throw new SpecError(field, `${field} must be an integer ${range}; got ${shown(value)}`);
  }
  return value;
}

/** A finite number > 0 (or >= 0 when `allowZero`), or the fallback when absent. */
export function positive(
  value: unknown, field: string, fallback: number | undefined, allowZero = false,
): number {
  if (value === undefined && fallback !== undefined) return fallback;
  const ok = typeof value === 'number' && Number.isFinite(value) &&
    (allowZero ? value >= 0 : value > 0);
  if (!ok) {
    const what = allowZero ? 'a finite number >= 0' : 'a finite number > 0';
    throw new SpecError(field, `${field} must be ${what}; got ${shown(value)}`);
  }
  return value as number;
}

export function oneOf<T extends string>(
  value: unknown, field: string, choices: readonly T[], fallback: T,
): T {
  if (value === undefined) return fallback;
  if (typeof value !== 'string' || !choices.includes(value as T)) {
    throw new SpecError(
      field,
      `${field} must be one of ${choices.map((c) => `'${c}'`).join(', ')}; got ${shown(value)}`,
    );
  }
  return value as T;
}

/**
 * Rows of equal length, every entry a finite number, flattened row-major.
 * `cols` fixes the expected row length when known.
 */
export function matrix(
  value: unknown, field: string, cols?: { count: number; why: string },
): { rows: number; cols: number; data: Float64Array } {
  if (!Array.isArray(value) || value.length === 0) {
    throw new SpecError(
      field, `${field} must be a non-empty array of rows; got ${shown(value)}`,
    );
  }
  const first = value[0];
  if (!isList(first) || first.length === 0) {
    throw new SpecError(
      `${field}[0]`, `${field}[0] must be a non-empty array of numbers; got ${shown(first)}`,
    );
  }
  const width = first.length;
  if (cols && width !== cols.count) {
    throw new SpecError(
      `${field}[0]`,
      `${field}[0] has ${width} values; expected ${cols.count} (${cols.why})`,
    );
  }
  const data = new Float64Array(value.length * width);
  for (let i = 0; i < value.length; i++) {
    const row: unknown = i in value ? value[i] : undefined;
    if (!isList(row) || row.length !== width) {
      throw new SpecError(
        `${field}[${i}]`,
        `${field}[${i}] must be an array of ${width} numbers like ${field}[0]; ` +
          `got ${shown(row)}`,
      );
    }
    for (let k = 0; k < width; k++) {
      const entry = row[k];
      if (typeof entry !== 'number' || !Number.isFinite(entry)) {
        throw new SpecError(
          `${field}[${i}][${k}]`,
          `${field}[${i}][${k}] must be a finite number; got ${shown(entry)}`,
        );
      }
      data[i * width + k] = entry;
    }
  }
  return { rows: value.length, cols: width, data };
}

/** A vector of `length` finite numbers (an array or a typed array). */
export function vector(value: unknown, field: string, length: number, why: string): Float64Array {
  if (!isList(value)) {
    throw new SpecError(field, `${field} must be an array of numbers; got ${shown(value)}`);
  }
  if (value.length !== length) {
    throw new SpecError(
      field, `${field} has ${value.length} values; expected ${length} (${why})`,
    );
  }
  const out = new Float64Array(length);
  for (let i = 0; i < length; i++) {
    const entry = value[i];
    if (typeof entry !== 'number' || !Number.isFinite(entry)) {
      throw new SpecError(
        `${field}[${i}]`, `${field}[${i}] must be a finite number; got ${shown(entry)}`,
      );
    }
    out[i] = entry;
  }
  return out;
}

/** Sizes are capped so that no single buffer can exceed what wasm32 memory addresses. */
const MAX_SIZE = 1 << 24;

function resolveTarget(
  value: unknown, field: string, modelActivation: Activation,
): Required<TargetSpec> {
  const spec = typeof value === 'string' || value === undefined ? { type: value } : value;
  const obj = object(spec, field);
  rejectUnknown(obj, field, ['type', 'link', 'width', 'activation']);
  const typeField = typeof value === 'string' ? field : `${field}.type`;
  const type = oneOf(obj.type, typeField, TARGETS, 'teacher');
  const uses: Record<TargetName, string[]> = {
    linear: [], 'single-index': ['link'], teacher: ['width', 'activation'], noise: [],
  };
  for (const key of ['link', 'width', 'activation']) {
    if (obj[key] !== undefined && !uses[type].includes(key)) {
      throw new SpecError(
        `${field}.${key}`,
        `${field}.${key} does not apply to the '${type}' target` +
          (obj.type === undefined ? " (the default type is 'teacher')" : '') +
          `; it takes ${uses[type].length === 0 ? 'no options' : uses[type].join(' and ')}`,
      );
    }
  }
  return {
    type,
    link: oneOf(obj.link, `${field}.link`, ACTIVATIONS, 'tanh'),
    width: integer(obj.width, `${field}.width`, 4, 1, 4096),
    activation: oneOf(obj.activation, `${field}.activation`, ACTIVATIONS, modelActivation),
  };
}

function resolveData(value: unknown, activation: Activation): ResolvedSpec['data'] {
  const obj = object(value ?? DEFAULT_SPEC.data, 'spec.data');
  if ('X' in obj || 'y' in obj) {
    rejectUnknown(obj, 'spec.data', ['X', 'y', 'name']);
    const X = matrix(obj.X, 'spec.data.X');
    const y = vector(obj.y, 'spec.data.y', X.rows, 'one label per row of spec.data.X');
    if (obj.name !== undefined && typeof obj.name !== 'string') {
      throw new SpecError(
        'spec.data.name', `spec.data.name must be a string; got ${shown(obj.name)}`,
      );
    }
    return { kind: 'given', n: X.rows, d: X.cols, X: X.data, y, name: obj.name ?? 'given' };
  }
  rejectUnknown(obj, 'spec.data', ['n', 'd', 'seed', 'target', 'noise']);
  return {
    kind: 'sphere',
    n: integer(obj.n, 'spec.data.n', undefined, 1, MAX_SIZE),
    d: integer(obj.d, 'spec.data.d', undefined, 1, MAX_SIZE),
    seed: integer(obj.seed, 'spec.data.seed', DEFAULT_SPEC.data.seed, 0),
    target: resolveTarget(obj.target, 'spec.data.target', activation),
    noise: positive(obj.noise, 'spec.data.noise', 0, true),
  };
}

function resolveTest(value: unknown, data: ResolvedSpec['data']): ResolvedSpec['test'] {
  const obj = object(value, 'spec.test');
  if ('X' in obj) {
    rejectUnknown(obj, 'spec.test', ['X', 'y']);
    const X = matrix(obj.X, 'spec.test.X', { count: data.d, why: 'the input dimension d' });
    const y = obj.y === undefined
      ? null
      : vector(obj.y, 'spec.test.y', X.rows, 'one label per row of spec.test.X');
    return { kind: 'given', n: X.rows, X: X.data, y };
  }
  rejectUnknown(obj, 'spec.test', ['n', 'seed']);
  const dataSeed = data.kind === 'sphere' ? data.seed : DEFAULT_SPEC.data.seed;
  const defaultN = data.kind === 'sphere' ? DEFAULT_SPEC.test.n : 0;
  return {
    kind: 'sphere',
    n: integer(obj.n, 'spec.test.n', defaultN, 0, MAX_SIZE),
    seed: integer(obj.seed, 'spec.test.seed', Math.min(dataSeed + 1, MAX_SEED), 0),
  };
}

/** true or false, or the fallback when absent. */
function flag(value: unknown, field: string, fallback: boolean): boolean {
  if (value === undefined) return fallback;
  if (typeof value !== 'boolean') {
    throw new SpecError(field, `${field} must be true or false; got ${shown(value)}`);
  }
  return value;
}

function resolveModel(obj: Record<string, unknown>, d: number): ResolvedSpec['model'] {
  rejectUnknown(obj, 'spec.model', [
    'width', 'alpha', 'activation', 'seed', 'W0', 'a', 'scaling', 'trainSecondLayer',
  ]);
  const activation = oneOf(obj.activation, 'spec.model.activation', ACTIVATIONS, 'tanh');
  const alpha = positive(obj.alpha, 'spec.model.alpha', DEFAULT_SPEC.model.alpha);
  const scaling = oneOf(obj.scaling, 'spec.model.scaling', SCALINGS, DEFAULT_SPEC.model.scaling);
  const trainSecondLayer = flag(
    obj.trainSecondLayer, 'spec.model.trainSecondLayer', DEFAULT_SPEC.model.trainSecondLayer,
  );
  const seed = integer(obj.seed, 'spec.model.seed', DEFAULT_SPEC.model.seed, 0);
  let W0: Float64Array | null = null;
  let width: number;
  if (obj.W0 !== undefined) {
    const given = matrix(obj.W0, 'spec.model.W0', {
      count: d, why: 'the input dimension d of the data',
    });
    if (obj.width !== undefined && obj.width !== given.rows) {
      throw new SpecError(
        'spec.model.width',
        `spec.model.width is ${shown(obj.width)} but spec.model.W0 has ${given.rows} rows`,
      );
    }
    W0 = given.data;
    width = given.rows;
  } else {
    width = integer(obj.width, 'spec.model.width', DEFAULT_SPEC.model.width, 1, MAX_SIZE);
  }
  let a: Float64Array | null = null;
  if (obj.a !== undefined && trainSecondLayer) {
    a = vector(obj.a, 'spec.model.a', width, 'one value per hidden unit');
  } else if (obj.a !== undefined) {
    a = vector(obj.a, 'spec.model.a', width, 'one sign per hidden unit');
    a.forEach((sign, j) => {
      if (sign !== 1 && sign !== -1) {
        throw new SpecError(
          `spec.model.a[${j}]`, `spec.model.a[${j}] must be +1 or -1; got ${shown(sign)}`,
        );
      }
    });
  } else if (width % 2 !== 0) {
    throw new SpecError(
      'spec.model.width',
      `spec.model.width must be even for the symmetric initialisation; got ${width} ` +
        '(or give the signs spec.model.a explicitly)',
    );
  }
  return { width, alpha, scaling, activation, seed, W0, a, trainSecondLayer };
}

function resolveFlow(value: unknown): ResolvedSpec['flow'] {
  const obj = object(value, 'spec.flow');
  rejectUnknown(obj, 'spec.flow', ['method', 'dt', 'steps', 'record']);
  const steps = integer(obj.steps, 'spec.flow.steps', DEFAULT_SPEC.flow.steps, 1, 1e9);
  const record = integer(
    obj.record, 'spec.flow.record', Math.min(DEFAULT_SPEC.flow.record, steps + 1), 2, steps + 1,
  );
  return {
    method: oneOf(obj.method, 'spec.flow.method', ['rk4', 'euler'] as const, 'rk4'),
    dt: obj.dt === undefined ? null : positive(obj.dt, 'spec.flow.dt', undefined),
    steps,
    record,
  };
}

/** Rows of X the kernels hold intermediates for at once (TILE_ROWS in assembly/network.ts). */
const TILE_ROWS = 16;

/**
 * Doubles of the kernels' static regions: gemm's packed operands (64 x 256 and 256 x 512) and
 * its 4 x 4 edge tile (assembly/matmul.ts).
 */
const STATIC_DOUBLES = 64 * 256 + 256 * 512 + 16;

/**
 * Bytes of wasm memory a run of these sizes needs, roughly; wasm32 addresses 4 GiB. The fused
 * pass adds W^T and G^T (M x d each), a tile of TILE_ROWS rows of pre-activations, slopes and
 * scaled inputs (TILE_ROWS (2 M + d) doubles), and the kernels' static packing regions.
 * Training the second layer adds the hidden outputs sigma(X W^T) at W0 and at W_t (n x M
 * each), those of the test set at W0 (nt x M), and the M second-layer entries of each
 * parameter buffer; the theorem check adds an n x M slope change and three n x n matrices.
 */
export function memoryEstimate(
  n: number, d: number, m: number, nt: number, trainSecondLayer = false, theory = false,
): number {
  const flow = 2 * n * m + n * d + 8 * m * d + nt * m + nt * d + 2 * n * n + 8 * n + 4 * nt;
  const fused = 2 * m * d + TILE_ROWS * (2 * m + d) + STATIC_DOUBLES;
  const secondLayer = trainSecondLayer ? 2 * n * m + nt * m + 8 * m : 0;
  return 8 * (flow + fused + secondLayer + (theory ? n * m + 3 * n * n : 0));
}

const MEMORY_LIMIT = 3.5 * 2 ** 30;

/** The kernels' allocator hands out blocks of at most 1 GiB (less its bookkeeping). */
const BLOCK_LIMIT = 2 ** 30 - 2 ** 16;

/** Doubles rounded up to an even count, as the kernels carve their scratch regions. */
function region(count: number): number {
  return count + (count % 2);
}

/**
 * The largest single block a run allocates, in bytes: the flow's scratch block, an n x n
 * kernel, or an input matrix. The scratch block is counted region by region exactly as
 * `flowWorkBytes` in assembly/integrators.ts carves it: the slopes at W0 and W (n x M each),
 * six n-vectors, the network kernels' work block ((d + TILE_ROWS) M + TILE_ROWS d), G^T
 * (M x d), a tile of slopes (TILE_ROWS x M), three parameter buffers (P = M d, or M d + M
 * with a trained second layer), the test set's slopes (n_test x M) and three n_test-vectors,
 * and with a trained second layer the hidden outputs (2 n M + n_test M).
 */
export function largestBlock(
  n: number, d: number, m: number, nt: number, trainSecondLayer = false,
): number {
  const p = m * d + (trainSecondLayer ? m : 0);
  const network = (d + TILE_ROWS) * m + TILE_ROWS * d;
  const hidden = trainSecondLayer ? 2 * region(n * m) + region(nt * m) : 0;
  const scratch = 2 * region(n * m) + 6 * region(n) + region(network) + region(m * d) +
    region(TILE_ROWS * m) + 3 * region(p) + region(nt * m) + 3 * region(nt) + hidden;
  return 8 * Math.max(scratch, n * n, n * d, nt * d);
}

/** Validates a spec and fills in every default; throws SpecError on the first problem. */
export function resolveSpec(spec: unknown): ResolvedSpec {
  const top = object(spec, 'spec');
  rejectUnknown(top, 'spec', ['data', 'test', 'model', 'flow', 'kernelChange', 'theory']);
  const modelObj = object(top.model, 'spec.model');
  const activation = oneOf(modelObj.activation, 'spec.model.activation', ACTIVATIONS, 'tanh');
  const data = resolveData(top.data, activation);
  const test = resolveTest(top.test, data);
  const model = resolveModel(modelObj, data.d);
  const flow = resolveFlow(top.flow);
  const kernelChange = flag(top.kernelChange, 'spec.kernelChange', DEFAULT_SPEC.kernelChange);
  const theory = flag(top.theory, 'spec.theory', DEFAULT_SPEC.theory);
  const bytes = memoryEstimate(
    data.n, data.d, model.width, test.n, model.trainSecondLayer, theory,
  );
  if (bytes > MEMORY_LIMIT) {
    throw new SizeError(
      `the run needs about ${(bytes / 2 ** 30).toFixed(1)} GiB of WebAssembly memory ` +
        `(n = ${data.n}, d = ${data.d}, width = ${model.width}, test n = ${test.n}); ` +
        'the limit is 3.5 GiB',
    );
  }
  const block = largestBlock(data.n, data.d, model.width, test.n, model.trainSecondLayer);
  if (block > BLOCK_LIMIT) {
    throw new SizeError(
      `the run needs a single block of about ${(block / 2 ** 30).toFixed(2)} GiB of ` +
        `WebAssembly memory (n = ${data.n}, d = ${data.d}, width = ${model.width}, ` +
        `test n = ${test.n}); one block is limited to 1 GiB: reduce n, the width or the ` +
        'test set',
    );
  }
  return { data, test, model, flow, kernelChange, theory };
}
