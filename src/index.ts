/**
 * lazy-regime: simulate and check the lazy (neural-tangent) regime of
 * two-layer networks trained by gradient flow, on WebAssembly kernels.
 * This module only re-exports; each concept lives in its own file.
 */
export { simulate, simulateLinear, checkpointSteps } from './simulate.js';
export type {
  SimulationResult, SimulationMeta, SimulateOptions, LinearSimulationResult,
} from './simulate.js';
export {
  theoremContext, checkTheorem, lipschitzLowerBound, explainTheory, SECOND_DERIVATIVE_BOUND,
} from './theory.js';
export type { TheoremAtInit, TheoremContext, TheoryReport } from './theory.js';
export { LinearDynamics } from './linear.js';
export {
  symmetricEigen, pseudoSolve, toEigenbasis, fromEigenbasis, zeroThreshold,
} from './linalg.js';
export type { SymmetricEigen } from './linalg.js';
export { oneParameterToy } from './toy.js';
export type { ToyOptions, ToyResult } from './toy.js';
export { sweep, logLogSlope, DEFAULT_ALPHAS, SLOPE_FIGURES } from './sweep.js';
export type { SweepResult, SweepRow, SweepOptions, SlopeFigure } from './sweep.js';
export {
  WorkerPool, pooledSweep, serveRun, serializeError, deserializeError,
} from './pool.js';
export type {
  Runner, RunRequest, RunReply, SerializedError, PoolWorker, PoolWorkerEvents, SpawnWorker,
  PooledSweepOptions,
} from './pool.js';
export {
  resolveSpec, memoryEstimate, SpecError, SizeError, DEFAULT_SPEC, ACTIVATIONS, TARGETS, SCALINGS,
} from './spec.js';
export type {
  Spec, DataSpec, SphereDataSpec, GivenDataSpec, TestSpec, SphereTestSpec, GivenTestSpec,
  ModelSpec, FlowSpec, TargetSpec, TargetName, Activation, Scaling, ResolvedSpec,
} from './spec.js';
export { workEstimate } from './cost.js';
export type { WorkEstimate } from './cost.js';
export { sphereData, sphereTestData, sphereInputs, specDatasets } from './data.js';
export type { Dataset, TargetParams } from './data.js';
export {
  initNetwork, forward, riskGradient, jvp, vjp, jacobian, ntk, outputScale, parameterCount,
} from './network.js';
export type { Network } from './network.js';
export {
  GradientFlow, FlowDivergedError, RK4_STABILITY, EULER_STABILITY, DEFAULT_STEP_FRACTION,
} from './flow.js';
export type { Measurement, Method } from './flow.js';
export {
  analyticNtk, analyticH, gaussHermiteRule, ANALYTIC_PARTS, ANALYTIC_METHODS,
  CLOSED_FORM_ACTIVATIONS, DEFAULT_QUADRATURE_ORDER, MAX_QUADRATURE_ORDER,
} from './analytic.js';
export type {
  AnalyticPart, AnalyticMethod, KernelOptions, AnalyticNtkOptions,
} from './analytic.js';
export { widthSweep, DEFAULT_WIDTHS, DEFAULT_WIDTH_SEEDS } from './width-sweep.js';
export type {
  WidthSweepOptions, WidthSweepResult, WidthSweepRow, WidthSweepData,
} from './width-sweep.js';
export { createEngine, Engine, kernelsSha256, packageVersion } from './wasm.js';
