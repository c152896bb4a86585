/**
 * One call from a spec to a JSON-serialisable result: data, network, flow
 * and the figures at evenly spaced checkpoints.
 */
import { specDatasets } from './data.js';
import {
  DEFAULT_STEP_FRACTION, EULER_STABILITY, GradientFlow, RK4_STABILITY, type Measurement,
  type Method,
} from './flow.js';
import { LinearDynamics } from './linear.js';
import { networkFromModel, outputScale } from './network.js';
import {
  checkTheorem, lipschitzLowerBound, theoremContext, type TheoryReport,
} from './theory.js';
import {
  SpecError, resolveSpec, type ResolvedSpec, type Scaling, type Spec,
} from './spec.js';
import { createEngine, kernelsSha256, packageVersion } from './wasm.js';

/** Figures per checkpoint (one value each), with the definitions of MATH.md. */
export interface SimulationResult {
  t: number[];
  step: number[];
  risk: number[];
  linearRisk: number[];
  weightDistance: number[];
  relativeWeightDistance: (number | null)[];
  linearGap: number[];
  kernelChange: (number | null)[];
  testRisk: (number | null)[];
  linearTestRisk: (number | null)[];
  testGap: (number | null)[];
  /** The lazy-regime theorem checked on this run; null when spec.theory is false. */
  theory: TheoryReport | null;
  meta: SimulationMeta;
}

export interface SimulationMeta {
  n: number;
  d: number;
  width: number;
  testN: number;
  alpha: number;
  /** 'lazy' (output scale alpha / sqrt(M)) or 'mean-field' (alpha / M). */
  scaling: Scaling;
  /** The output scale in front of the sum, alpha / sqrt(M) or alpha / M. */
  outputScale: number;
  /** Whether the second layer a was trained along with W. */
  trainSecondLayer: boolean;
  activation: string;
  data: string;
  method: 'rk4' | 'euler';
  dt: number;
  steps: number;
  record: number;
  /** lambda_max(K_0), which fixes the default step and the stable limit. */
  lambdaMax: number;
  /** The step above which the chosen method is unstable on the linearised flow (about). */
  stableDt: number;
  /** Wall-clock seconds of the run: the one figure that differs between identical runs. */
  seconds: number;
  version: string;
  kernelsSha256: string;
}

export interface SimulateOptions {
  /** Called after each checkpoint with its index and figures (for progress displays). */
  onCheckpoint?: (index: number, figures: Measurement & { t: number }) => void;
}

/** The figures a run records at each checkpoint, in the order of MATH.md. */
export const FIGURES = [
  'risk', 'linearRisk', 'weightDistance', 'relativeWeightDistance', 'linearGap', 'kernelChange',
  'testRisk', 'linearTestRisk', 'testGap',
] as const;

/** The steps at which checkpoints fall: round(i steps / (record - 1)), i = 0..record-1. */
export function checkpointSteps(steps: number, record: number): number[] {
  return Array.from({ length: record }, (_, i) => Math.round((i * steps) / (record - 1)));
}

/**
 * Trains the network of `spec` by gradient flow next to its linearisation
 * and returns the figures at `spec.flow.record` evenly spaced checkpoints.
 * Rejects with SpecError (naming the field) for an invalid spec, and with
 * FlowDivergedError when the risk becomes non-finite. Runs in a fresh
 * kernel instance whose memory is released when the promise settles.
 */
export async function simulate(
  spec: Spec, options: SimulateOptions = {},
): Promise<SimulationResult> {
  const started = performance.now();
  const resolved = resolveSpec(spec);
  const engine = await createEngine();
  const { train, test } = specDatasets(engine, resolved);
  const net = networkFromModel(engine, resolved.model, train.d);
  const flow = new GradientFlow(
    engine, net, train, test.n > 0 ? test : null, resolved.kernelChange,
  );
  try {
    const { method, steps, record } = resolved.flow;
    if (resolved.flow.dt === null || !Number.isFinite(flow.lambdaMax)) {
      checkSpectrum(flow.lambdaMax, resolved);
    }
    const dt = resolved.flow.dt ?? flow.defaultDt();
    checkStep(dt, flow.stableDt(method), method, resolved.flow.dt !== null);
    const result = emptyResult();
    const context = resolved.theory ? theoremContext(engine, net, train, flow.kernel0()) : null;
    let lipschitzSeen: number | null = null;
    checkpointSteps(steps, record).forEach((step, index) => {
      flow.advance(method, dt, step - flow.steps);
      const figures = { t: step * dt, ...flow.measure() };
      if (context && step > 0 && !net.trainSecondLayer) {
        const seen = lipschitzLowerBound(engine, net, train.X, flow.weights());
        if (seen !== null) lipschitzSeen = Math.max(lipschitzSeen ?? 0, seen);
      }
      result.t.push(figures.t);
      result.step.push(step);
      for (const key of FIGURES) (result[key] as (number | null)[]).push(figures[key]);
      options.onCheckpoint?.(index, figures);
    });
    if (context) result.theory = checkTheorem(context, result, lipschitzSeen);
    result.meta = {
      n: train.n, d: train.d, width: net.width, testN: test.n, alpha: net.alpha,
      scaling: resolved.model.scaling, outputScale: outputScale(net),
      trainSecondLayer: resolved.model.trainSecondLayer,
      activation: net.activation, data: describeData(resolved),
      method, dt, steps, record, lambdaMax: flow.lambdaMax, stableDt: flow.stableDt(method),
      seconds: (performance.now() - started) / 1000,
      version: packageVersion, kernelsSha256,
    };
    return result;
  } finally {
    flow.dispose();
  }
}

/**
 * The default step n / lambda_max(K_0) needs 0 < lambda_max < infinity: a zero
 * kernel means the flow cannot move (give spec.flow.dt to run it anyway), an
 * infinite one that alpha overflowed.
 */
function checkSpectrum(lambdaMax: number, spec: ResolvedSpec): void {
  if (lambdaMax > 0 && Number.isFinite(lambdaMax)) return;
  const alpha = spec.model.alpha;
  const why = lambdaMax === 0
    ? 'the tangent kernel K_0 is zero: every input is zero, no unit has a non-zero slope ' +
      `sigma'(<w_j, x_i>) at initialisation, or alpha = ${alpha} is so small that K_0 ` +
      'underflows; gradient flow cannot move, and the default step 0.25 n / lambda_max ' +
      'is infinite (give spec.flow.dt to run anyway)'
    : `the tangent kernel K_0 is not finite: alpha = ${alpha} or the inputs are so large ` +
      'that alpha^2 |x|^2 overflows';
  throw new SpecError('spec', `lambda_max(K_0) = ${lambdaMax}: ${why}`);
}

/**
 * Refuses a step at or above the stability limit of the linearised flow,
 * where its figures would grow without bound while the network's risk may
 * stay finite and look plausible.
 */
function checkStep(dt: number, stableDt: number, method: Method, given: boolean): void {
  if (dt < stableDt) return;
  const factor = method === 'rk4' ? RK4_STABILITY : EULER_STABILITY;
  throw new SpecError(
    'spec.flow.dt',
    `spec.flow.dt = ${dt}${given ? '' : ' (the default)'} is at or above the stable limit ` +
      `of ${method} on the linearised flow, ${factor} n / lambda_max(K_0) = ${stableDt}; ` +
      'use a smaller step or leave spec.flow.dt unset for 0.25 n / lambda_max(K_0)',
  );
}

function emptyResult(): SimulationResult {
  return {
    t: [], step: [], risk: [], linearRisk: [], weightDistance: [], relativeWeightDistance: [],
    linearGap: [], kernelChange: [], testRisk: [], linearTestRisk: [], testGap: [], theory: null,
    meta: undefined as unknown as SimulationMeta,
  };
}

function describeData(spec: ResolvedSpec): string {
  const { data } = spec;
  if (data.kind === 'given') return data.name;
  return `sphere, target ${data.target.type}`;
}

/** The linearised model's figures per checkpoint, from the closed form. */
export interface LinearSimulationResult {
  t: number[];
  step: number[];
  linearRisk: number[];
  /** ||theta_bar_t - theta_0||. */
  linearWeightDistance: number[];
  linearTestRisk: (number | null)[];
  meta: Omit<SimulationMeta, 'stableDt'>;
}

/**
 * The fast path when only the linearised model is wanted: the same
 * checkpoints as `simulate(spec)` (same dt, default included), computed
 * from the eigen-decomposition of K_0 instead of by integration, so there
 * is no step-size error and no stability limit. Cost: one n x n
 * decomposition, then n^2 + 2 (n + n_test) M d per checkpoint with a
 * labelled test set (n per checkpoint without). Rejects with SpecError for
 * an invalid spec.
 */
export async function simulateLinear(spec: Spec): Promise<LinearSimulationResult> {
  const started = performance.now();
  const resolved = resolveSpec(spec);
  const engine = await createEngine();
  const { train, test } = specDatasets(engine, resolved);
  const net = networkFromModel(engine, resolved.model, train.d);
  const linear = new LinearDynamics(engine, net, train);
  const { method, steps, record } = resolved.flow;
  const lambdaMax = Math.max(linear.eig.values[train.n - 1], 0);
  const dt = resolved.flow.dt ?? (DEFAULT_STEP_FRACTION * train.n) / lambdaMax;
  const labelled = test.n > 0 && test.y.length === test.n;
  const result: LinearSimulationResult = {
    t: [], step: [], linearRisk: [], linearWeightDistance: [], linearTestRisk: [],
    meta: undefined as unknown as LinearSimulationResult['meta'],
  };
  for (const step of checkpointSteps(steps, record)) {
    const t = step * dt;
    result.t.push(t);
    result.step.push(step);
    result.linearRisk.push(linear.risk(t));
    result.linearWeightDistance.push(linear.displacementNorm(t));
    result.linearTestRisk.push(labelled ? halfMeanSquare(linear.predict(test.X, t), test.y) : null);
  }
  result.meta = {
    n: train.n, d: train.d, width: net.width, testN: test.n, alpha: net.alpha,
    scaling: resolved.model.scaling, outputScale: outputScale(net),
    trainSecondLayer: resolved.model.trainSecondLayer,
    activation: net.activation, data: describeData(resolved), method, dt, steps, record,
    lambdaMax, seconds: (performance.now() - started) / 1000, version: packageVersion,
    kernelsSha256,
  };
  return result;
}

function halfMeanSquare(prediction: Float64Array, y: Float64Array): number {
  let s = 0;
  for (let i = 0; i < y.length; i++) s += (prediction[i] - y[i]) * (prediction[i] - y[i]);
  return s / (2 * y.length);
}
