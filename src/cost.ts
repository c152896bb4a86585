/**
 * What a run will cost, from its spec alone and before any work starts:
 * floating-point operations and bytes of WebAssembly memory. For admission
 * control (a server refusing runs over a budget) and for choosing sizes.
 */
import { memoryEstimate, resolveSpec, type Spec } from './spec.js';

/** Iterations the power method for lambda_max(K_0) may take at most (see `flow.ts`). */
const POWER_ITERATIONS = 1000;

/** Flops of one eigen-decomposition of an n x n symmetric matrix, about 9 n^3. */
const EIGEN_FLOPS_PER_N3 = 9;

/** The cost of one run, split by phase; flops count a multiply and an add as two. */
export interface WorkEstimate {
  /** Flops of the whole run: setup + steps * stepFlops + record * checkpointFlops + theory. */
  flops: number;
  /** Bytes of WebAssembly memory the run holds at its peak (`memoryEstimate`), roughly. */
  bytes: number;
  /** K_0, lambda_max(K_0) by at most 1000 power iterations, the first forward passes. */
  setupFlops: number;
  /** One step of the chosen integrator: 4 stages for RK4, 1 for Euler. */
  stepFlops: number;
  /** One checkpoint's measurements: risks, distances, kernel change, test figures. */
  checkpointFlops: number;
  /** The theorem check's eigen-decomposition of K_0 (0 when the spec does not ask for it). */
  theoryFlops: number;
  /** The sizes the figures were computed from: n, d, width M, test points, steps, record. */
  sizes: { n: number; d: number; width: number; testN: number; steps: number; record: number };
}

/**
 * Estimates the work of `simulate(spec)` without running it. With n
 * training points in d dimensions, width M, n_t test points, S steps and
 * C checkpoints, one integrator stage costs
 *
 *   stage = 4 n M d + 2 n^2
 *
 * (the forward pass X W^T and the gradient Phi(W)^T r at 2 n M d each, and
 * the linearised flow on K_0 at 2 n^2); a step is 4 stages for RK4 and 1 for
 * Euler. Setup forms K_0 (n^2 (M + d)), runs at most 1000 power iterations
 * (2 n^2 each) and the forward passes at W_0 (2 (n + n_t) M d). Each
 * checkpoint costs 4 n M d + 2 n^2, plus n^2 (M + d) for the kernel change
 * and 4 n_t M d with a test set. The theorem check (`spec.theory`, on by
 * default) adds an n x n eigen-decomposition, about 9 n^3, and per
 * checkpoint a Lipschitz estimate (2 n M d + n^2 (M + d) / 2 and up to 1000
 * power iterations). A trained second layer doubles the kernel's M term.
 * The memory figure is `memoryEstimate` from `spec.ts`.
 *
 * The figures are upper estimates of the arithmetic, not of time: the
 * kernels run a few hundred million to a few billion flops per second,
 * depending on the machine and the sizes. Cost of the estimate itself: the
 * validation of the spec, linear in its size. Throws SpecError (naming the
 * field) for an invalid spec, exactly as `simulate` would.
 *
 * @example
 * workEstimate({ data: { n: 64, d: 8 }, model: { width: 512 }, flow: { steps: 600 } }).flops;
 * // about 2.6e9
 */
export function workEstimate(input: Spec): WorkEstimate {
  const spec = resolveSpec(input);
  const { n, d } = spec.data;
  const M = spec.model.width;
  const testN = spec.test.n;
  const { steps, record, method } = spec.flow;
  const nMd = n * M * d;
  const n2 = n * n;
  const trained = spec.model.trainSecondLayer;
  const kernel = n2 * ((trained ? 2 * M : M) + d);

  const stageFlops = 4 * nMd + 2 * n2;
  const stepFlops = (method === 'rk4' ? 4 : 1) * stageFlops;
  const setupFlops = kernel + 2 * POWER_ITERATIONS * n2 + 2 * (n + testN) * M * d;
  const lipschitz = spec.theory && !trained ? 2 * nMd + kernel / 2 + 2 * POWER_ITERATIONS * n2 : 0;
  const checkpointFlops = 4 * nMd + 2 * n2 + (spec.kernelChange ? kernel : 0) +
    4 * testN * M * d + lipschitz;
  const theoryFlops = spec.theory ? EIGEN_FLOPS_PER_N3 * n2 * n : 0;

  return {
    flops: setupFlops + steps * stepFlops + record * checkpointFlops + theoryFlops,
    bytes: memoryEstimate(n, d, M, testN, trained, spec.theory),
    setupFlops,
    stepFlops,
    checkpointFlops,
    theoryFlops,
    sizes: { n, d, width: M, testN, steps, record },
  };
}
