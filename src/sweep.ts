/**
 * Alpha sweeps: the same data, network and number of steps at several output
 * scales alpha, each run to the same linearised progress.
 *
 * K_0 scales like alpha^2, so the default step 0.25 n / lambda_max(K_0) scales
 * like 1 / alpha^2 and a fixed number of steps reaches the same "linear
 * time" alpha^2 t for every alpha. A step given in the spec is read as the
 * step at alpha = 1 and scaled by 1 / alpha^2 for the same reason.
 */
import { SpecError, positive, shown, type Spec } from './spec.js';
import type { Measurement } from './flow.js';
import {
  FIGURES, simulate, type SimulateOptions, type SimulationResult,
} from './simulate.js';
import { createEngine, type Engine } from './wasm.js';
import type { Runner } from './pool.js';

/** The default alphas: 1, 2, 4, ..., 64. */
export const DEFAULT_ALPHAS = [1, 2, 4, 8, 16, 32, 64];

/** Figures whose log-log slope against alpha a sweep fits. */
export const SLOPE_FIGURES = ['weightDistance', 'linearGap', 'testGap', 'kernelChange'] as const;
export type SlopeFigure = (typeof SLOPE_FIGURES)[number];

/** The last checkpoint of one run of a sweep. */
export type SweepRow = { alpha: number; t: number } & Measurement;

export interface SweepResult {
  rows: SweepRow[];
  /** Least-squares slope of log(figure) against log(alpha); null with fewer than two points. */
  slopes: Record<SlopeFigure, number | null>;
  runs: SimulationResult[];
}

export interface SweepOptions extends SimulateOptions {
  /** Called when each alpha's run is done, in the order of the alphas. */
  onRun?: (alpha: number, result: SimulationResult) => void;
  /**
   * Runs each alpha's simulation. Without it, `simulate` runs the alphas one
   * after another in this thread. With it (a worker pool's `run`, say), every
   * alpha is handed to the runner at once and the runner decides how many
   * run together; rows, runs and onRun stay in the order of the alphas, and
   * checkpoints of runs in flight together reach onCheckpoint interleaved.
   */
  runner?: Runner;
}

/**
 * Least-squares slope of log y against log x over the pairs where both are
 * positive and finite; null when fewer than two such pairs remain. The
 * logarithms come from the kernels of `engine`, so the slope has the same
 * bits in every runtime.
 */
export function logLogSlope(
  engine: Engine, x: readonly number[], y: readonly (number | null)[],
): number | null {
  const log = engine.k.log;
  const points: [number, number][] = [];
  x.forEach((xi, i) => {
    const yi = y[i];
    if (xi > 0 && yi !== null && yi > 0 && Number.isFinite(yi)) {
      points.push([log(xi), log(yi)]);
    }
  });
  if (points.length < 2) return null;
  const mx = points.reduce((s, p) => s + p[0], 0) / points.length;
  const my = points.reduce((s, p) => s + p[1], 0) / points.length;
  let sxy = 0;
  let sxx = 0;
  for (const [px, py] of points) {
    sxy += (px - mx) * (py - my);
    sxx += (px - mx) * (px - mx);
  }
  return sxx === 0 ? null : sxy / sxx;
}

/**
 * Runs `spec` at every alpha of `alphas` (spec.model.alpha is replaced), one
 * after another, or through `options.runner` (such as a worker pool's `run`)
 * all at once. A given spec.flow.dt is the step at alpha = 1 and is scaled
 * by 1 / alpha^2 (K_0 grows like alpha^2), so that every alpha covers the same
 * linearised progress alpha^2 t in the same number of steps; the default step
 * scales that way by itself. An error names the alpha it happened at; with a
 * runner it is the error of the first alpha in order that failed, as without.
 */
export async function sweep(
  spec: Spec, alphas: readonly number[] = DEFAULT_ALPHAS, options: SweepOptions = {},
): Promise<SweepResult> {
  if (!Array.isArray(alphas) || alphas.length === 0) {
    throw new SpecError(
      'alphas', `alphas must be a non-empty array of numbers > 0; got ${shown(alphas)}`,
    );
  }
  alphas.forEach((alpha, i) => positive(alpha, `alphas[${i}]`, undefined));
  if (options.runner !== undefined && typeof options.runner !== 'function') {
    throw new SpecError(
      'options.runner', `options.runner must be a function; got ${shown(options.runner)}`,
    );
  }
  const dt = spec.flow?.dt;
  const runSpecs = alphas.map((alpha): Spec => ({
    ...spec,
    model: { ...spec.model, alpha },
    flow: { ...spec.flow, dt: dt === undefined ? undefined : dt / (alpha * alpha) },
  }));
  const pending = options.runner === undefined ? null : dispatch(options.runner, runSpecs, options);
  const runs: SimulationResult[] = [];
  for (const [i, alpha] of alphas.entries()) {
    let result: SimulationResult;
    try {
      result = await (pending ? pending[i] : simulate(runSpecs[i], options));
    } catch (error) {
      if (error instanceof Error) {
        const scaled = dt === undefined ? '' : ` (spec.flow.dt = ${dt} scaled by 1 / alpha^2)`;
        error.message = `at alpha = ${alpha}${scaled}: ${error.message}`;
      }
      throw error;
    }
    runs.push(result);
    options.onRun?.(alpha, result);
  }
  const rows = runs.map((run, i): SweepRow => {
    const last = run.t.length - 1;
    const figures = Object.fromEntries(FIGURES.map((key) => [key, run[key][last]]));
    return { alpha: alphas[i], t: run.t[last], ...figures } as SweepRow;
  });
  const engine = await createEngine();
  const slopes = Object.fromEntries(
    SLOPE_FIGURES.map((key) => [key, logLogSlope(engine, alphas, rows.map((row) => row[key]))]),
  ) as Record<SlopeFigure, number | null>;
  return { rows, slopes, runs };
}

/**
 * Hands every spec to `runner` at once. A rejection is marked as handled
 * here and rethrown where the sweep awaits that run, so the runs after the
 * first failure in order can fail too without an unhandled rejection.
 */
function dispatch(
  runner: Runner, specs: Spec[], options: SimulateOptions,
): Promise<SimulationResult>[] {
  const simulateOptions: SimulateOptions = options.onCheckpoint === undefined
    ? {}
    : { onCheckpoint: options.onCheckpoint };
  return specs.map((spec) => {
    const run = new Promise<SimulationResult>((resolve) => resolve(runner(spec, simulateOptions)));
    run.catch(() => undefined);
    return run;
  });
}
