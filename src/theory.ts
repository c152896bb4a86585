/**
 * The lazy-regime convergence theorem, computed and checked on a concrete
 * network and data set.
 *
 * With Phi_0 the n x p Jacobian at initialisation, K_0 = Phi_0 Phi_0^T,
 * sigma_min and sigma_max the extreme singular values of Phi_0 (sigma_min^2 =
 * lambda_min(K_0) when n <= p), r_0 = y - f_n(theta_0) and L the Lipschitz
 * constant of theta -> Phi(theta) in operator norm, the theorem states:
 *
 *   if  L ||r_0|| < sigma_min^2 / 4                                  (*)
 *   then R(theta_t) <= R(theta_0) exp(-lambda_0 t),  lambda_0 = sigma_min^2 / (2n),
 *   and  ||theta_t - theta_0|| <= 2 ||r_0|| / sigma_min.
 *
 * L itself is not computable; it is bracketed from above by the certified
 * bound L <= (alpha / sqrt(M)) sup|sigma''| max_i ||x_i|| ||X||_op (for
 * activations with a bounded second derivative) and from below by
 * ||Phi(theta_t) - Phi(theta_0)||_op / ||theta_t - theta_0|| along the
 * trajectory. Condition (*) is decided when one of the brackets decides it.
 */
import type { Dataset } from './data.js';
import { pseudoSolve, symmetricEigen, toEigenbasis, type SymmetricEigen } from './linalg.js';
import {
  activationCode, forward, outputScale, parameterCount, type Network,
} from './network.js';
import type { Activation } from './spec.js';
import type { Engine } from './wasm.js';

/**
 * sup over x of |sigma''(x)|, or null where sigma' jumps (relu). Derivations:
 * tanh'' = -2 tanh sech^2 peaks at tanh x = 1/sqrt(3), giving 4 / (3 sqrt 3);
 * erf'' = -(4/sqrt(pi)) x exp(-x^2) peaks at x = 1/sqrt(2), giving
 * 4 / sqrt(2 pi e); softplus'' = s (1 - s) <= 1/4 with s the logistic
 * function; gelu'' = phi(x) (2 - x^2) peaks at x = 0, giving 2 phi(0).
 */
export const SECOND_DERIVATIVE_BOUND: Record<Activation, number | null> = {
  relu: null,
  tanh: 4 / (3 * Math.sqrt(3)),
  erf: 4 / Math.sqrt(2 * Math.PI * Math.E),
  softplus: 0.25,
  gelu: 2 / Math.sqrt(2 * Math.PI),
  quadratic: 1,
  identity: 0,
};

/** What the theorem says before training: everything that depends on theta_0 only. */
export interface TheoremAtInit {
  /** Number of samples n and of trained parameters p = M d. */
  n: number;
  p: number;
  /** Smallest singular value of Phi_0: sqrt(lambda_min(K_0)), 0 when K_0 is singular. */
  sigmaMin: number;
  /** Largest singular value of Phi_0: sqrt(lambda_max(K_0)). */
  sigmaMax: number;
  /** sigma_min^2 / (2n): the guaranteed exponential rate of the risk. */
  lambda0: number;
  /** ||r_0|| = ||y - f_n(theta_0)||. */
  residualNorm: number;
  /** R(theta_0) = ||r_0||^2 / (2n). */
  initialRisk: number;
  /** 2 ||r_0|| / sigma_min, or null when sigma_min = 0. */
  distanceBound: number | null;
  /** Certified upper bound on L, or null where none exists (see lipschitzNote). */
  lipschitzUpperBound: number | null;
  /** True when sigma' jumps (relu): then L is infinite and condition (*) cannot hold. */
  lipschitzInfinite: boolean;
  lipschitzNote: string | null;
  /** ||Phi_0^+ r_0||: how far the linearised minimum-norm interpolator is from theta_0. */
  minNormInterpolatorDistance: number | null;
  /** Right-hand side of (*): sigma_min^2 / 4. */
  conditionThreshold: number;
}

/** The full check after a run: TheoremAtInit plus what the trajectory showed. */
export interface TheoryReport extends TheoremAtInit {
  /** R(theta_0) exp(-lambda_0 t), one value per checkpoint. */
  riskBound: number[];
  /** max over recorded t of ||Phi(theta_t) - Phi(theta_0)||_op / ||theta_t - theta_0||. */
  lipschitzLowerBound: number | null;
  /** Condition (*): true or false when decided by a bound on L, null when undecided. */
  conditionHolds: boolean | null;
  /**
   * Warm-up condition L ||Phi_0^+ r_0|| / sigma_min <= 1/4, decided the same
   * way; null also when it does not apply (sigma_min = 0).
   */
  interpolationConditionHolds: boolean | null;
  /** Why the conditions came out as they did, in words. */
  conditionNote: string;
  /** -ln(R(theta_T) / R(theta_0)) / T over the run, for comparison with lambda0. */
  observedRate: number | null;
  /** Whether every recorded risk stayed at or below riskBound. */
  riskBoundHolds: boolean;
  /** max over recorded t > 0 of risk / riskBound: how much of the bound the run used. */
  riskBoundUsage: number;
  /**
   * max over recorded t of ||theta_t - theta_0|| / distanceBound; null without
   * a bound or when the bound is 0 (r_0 = 0).
   */
  weightBoundUsage: number | null;
  /** The linearised risk at each checkpoint from the closed form (eigenvectors of K_0). */
  closedFormLinearRisk: number[];
}

/**
 * Everything `checkTheorem` needs that depends on theta_0 only, kept so that
 * the trajectory can be checked checkpoint by checkpoint.
 */
export interface TheoremContext {
  atInit: TheoremAtInit;
  /** The kernels, whose exp and log give the same bits in every runtime. */
  engine: Engine;
  /** K_0's decomposition and r_0 in its eigenbasis. */
  eig: SymmetricEigen;
  residualCoefficients: Float64Array;
}

/**
 * Computes the quantities of the theorem at initialisation for `net` on
 * `train`. `kernel0` is K_0 if already formed (n x n), otherwise it is
 * formed here. Cost: one n x n eigen-decomposition (about 9 n^3 flops) plus
 * n M d.
 */
export function theoremContext(
  engine: Engine, net: Network, train: Dataset, kernel0: Float64Array,
): TheoremContext {
  const { n, d, X, y } = train;
  const eig = symmetricEigen(engine, kernel0, 'K_0');
  const f0 = forward(engine, net, X);
  const r0 = y.map((yi, i) => yi - f0[i]);
  const residualNorm = Math.sqrt(dotProduct(r0, r0));
  const lambdaMin = Math.max(eig.values[0], 0);
  const lambdaMax = Math.max(eig.values[n - 1], 0);
  const singular = lambdaMin <= n * Number.EPSILON * lambdaMax;
  const sigmaMin = singular ? 0 : Math.sqrt(lambdaMin);
  const sup = SECOND_DERIVATIVE_BOUND[net.activation];
  let lipschitzUpperBound: number | null = null;
  let lipschitzNote: string | null = null;
  if (sup === null) {
    lipschitzNote = `sigma' of ${net.activation} jumps at 0, so Phi is not Lipschitz`;
  } else if (net.trainSecondLayer) {
    lipschitzNote = 'no certified bound on L is derived here for a trained second layer';
  } else {
    lipschitzUpperBound = outputScale(net) * sup * maxRowNorm(X, n, d) *
      operatorNorm(engine, X, n, d);
  }
  const minNorm = singular ? null : Math.sqrt(dotProduct(r0, pseudoSolve(eig, r0)));
  return {
    atInit: {
      n, p: parameterCount(net), sigmaMin, sigmaMax: Math.sqrt(lambdaMax),
      lambda0: (sigmaMin * sigmaMin) / (2 * n), residualNorm,
      initialRisk: (residualNorm * residualNorm) / (2 * n),
      distanceBound: singular ? null : (2 * residualNorm) / sigmaMin,
      lipschitzUpperBound, lipschitzInfinite: sup === null, lipschitzNote,
      minNormInterpolatorDistance: minNorm,
      conditionThreshold: (sigmaMin * sigmaMin) / 4,
    },
    engine,
    eig,
    residualCoefficients: toEigenbasis(eig, r0),
  };
}

/**
 * ||Phi(W) - Phi(W0)||_op / ||W - W0||_F for the network `net` (whose W is
 * W0) moved to weights W: a lower bound on the Lipschitz constant L of
 * theta -> Phi(theta). Computed without forming Phi: the Gram matrix of the
 * Jacobian change is the Hadamard product of the slope change's Gram with
 * X X^T, and its top eigenvalue comes from power iteration, which never
 * overestimates. Returns null when W = W0. Cost: 2 n M d + n^2 (M + d) / 2.
 */
export function lipschitzLowerBound(
  engine: Engine, net: Network, X: Float64Array, W: Float64Array,
): number | null {
  if (net.trainSecondLayer) {
    throw new RangeError('lipschitzLowerBound covers a fixed second layer only');
  }
  const { width: M, d } = net;
  const n = X.length / d;
  let moved = 0;
  for (let i = 0; i < W.length; i++) moved += (W[i] - net.W[i]) * (W[i] - net.W[i]);
  if (moved === 0) return null;
  const top = engine.scope((mem) => {
    const x = mem.allocFrom(X);
    const w0 = mem.allocFrom(net.W);
    const w = mem.allocFrom(W);
    const delta = mem.alloc(n * M);
    const gram = mem.alloc(n * n);
    const workBytes = engine.k.networkWorkBytes(d, M);
    const work = mem.alloc(Math.max(Math.ceil(workBytes / 8), 2 * n));
    engine.k.slopeChange(
      x, n, d, w0, w, M, activationCode(net.activation), delta, work, workBytes,
    );
    engine.k.ntkGram(x, n, d, delta, M, outputScale(net), gram);
    return engine.k.lambdaMax(gram, n, 1000, 1e-12, work, work + 8 * n);
  });
  return Math.sqrt(top) / Math.sqrt(moved);
}

/**
 * The theorem checked against a recorded trajectory: times t, risks and
 * weight distances at each checkpoint, and the largest lower bound on L
 * seen along it (null if none was measured).
 */
export function checkTheorem(
  context: TheoremContext,
  trajectory: { t: number[]; risk: number[]; weightDistance: number[] },
  lipschitzSeen: number | null,
): TheoryReport {
  const q = context.atInit;
  const { t, risk, weightDistance } = trajectory;
  const { exp, log } = context.engine.k;
  const riskBound = t.map((ti) => q.initialRisk * exp(-q.lambda0 * ti));
  const slack = (bound: number) => bound * (1 + 1e-9) + 1e-300;
  const last = t.length - 1;
  const observedRate = last > 0 && t[last] > 0 && risk[last] > 0 && q.initialRisk > 0
    ? -log(risk[last] / risk[0]) / t[last]
    : null;
  const maxDistance = Math.max(...weightDistance);
  const decision = decideConditions(q, lipschitzSeen);
  return {
    ...q,
    riskBound,
    lipschitzLowerBound: lipschitzSeen,
    ...decision,
    observedRate,
    riskBoundHolds: risk.every((r, i) => r <= slack(riskBound[i])),
    riskBoundUsage: Math.max(
      ...risk.map((r, i) => (i > 0 && riskBound[i] > 0 ? r / riskBound[i] : 0)),
    ),
    weightBoundUsage: q.distanceBound === null || q.distanceBound === 0
      ? null
      : maxDistance / q.distanceBound,
    closedFormLinearRisk: t.map((ti) => closedFormRisk(context, ti)),
  };
}

/** (1/(2n)) sum_i exp(-2 lambda_i t / n) c_i^2 with c = Q^T r_0. */
function closedFormRisk(context: TheoremContext, t: number): number {
  const { eig, residualCoefficients: c } = context;
  const exp = context.engine.k.exp;
  const n = eig.n;
  let s = 0;
  for (let i = 0; i < n; i++) s += exp((-2 * eig.values[i] * t) / n) * c[i] * c[i];
  return s / (2 * n);
}

function decideConditions(
  q: TheoremAtInit, lowerL: number | null,
): Pick<TheoryReport, 'conditionHolds' | 'interpolationConditionHolds' | 'conditionNote'> {
  if (q.sigmaMin === 0) {
    return {
      conditionHolds: false, interpolationConditionHolds: null,
      conditionNote: 'fails: K_0 is singular (sigma_min = 0), so the theorem gives no rate and ' +
        'no bound',
    };
  }
  if (q.lipschitzInfinite) {
    return {
      conditionHolds: false, interpolationConditionHolds: false,
      conditionNote: `fails: L is infinite (${q.lipschitzNote}); the theorem does not apply ` +
        'as stated',
    };
  }
  if (q.lipschitzUpperBound === null) {
    const fails = lowerL !== null && lowerL * q.residualNorm >= q.conditionThreshold;
    return {
      conditionHolds: fails ? false : null, interpolationConditionHolds: null,
      conditionNote: fails
        ? 'fails already with the lower bound on L seen along the trajectory'
        : `undecided: ${q.lipschitzNote}`,
    };
  }
  const upper = q.lipschitzUpperBound;
  const mainLeft = (L: number) => L * q.residualNorm;
  const warmLeft = (L: number) => (L * q.minNormInterpolatorDistance!) / q.sigmaMin;
  const decide = (left: (L: number) => number, threshold: number, strict: boolean) => {
    const holds = (value: number) => (strict ? value < threshold : value <= threshold);
    if (holds(left(upper))) return true;
    if (lowerL !== null && !holds(left(lowerL))) return false;
    return null;
  };
  const conditionHolds = decide(mainLeft, q.conditionThreshold, true);
  const interpolationConditionHolds = decide(warmLeft, 0.25, false);
  const threshold = fmt(q.conditionThreshold);
  const product = (L: number) => `${fmt(L)} x ${fmt(q.residualNorm)} = ${fmt(L * q.residualNorm)}`;
  let conditionNote: string;
  if (conditionHolds === true) {
    conditionNote = `holds with the certified upper bound on L: ${product(upper)} < ${threshold}`;
  } else if (conditionHolds === false) {
    conditionNote = 'fails already with the lower bound on L seen along the trajectory: ' +
      `${product(lowerL!)} >= ${threshold}`;
  } else {
    conditionNote = `undecided: the certified upper bound on L gives ${product(upper)} >= ` +
      `${threshold}` + (lowerL === null ? ', and no lower bound was measured'
        : `, the lower bound seen along the trajectory ${product(lowerL)} < ${threshold}`);
  }
  return { conditionHolds, interpolationConditionHolds, conditionNote };
}

function fmt(value: number): string {
  return value.toPrecision(4);
}

function dotProduct(u: ArrayLike<number>, v: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < u.length; i++) s += u[i] * v[i];
  return s;
}

function maxRowNorm(X: Float64Array, n: number, d: number): number {
  let largest = 0;
  for (let i = 0; i < n; i++) {
    let s = 0;
    for (let k = 0; k < d; k++) s += X[i * d + k] * X[i * d + k];
    largest = Math.max(largest, Math.sqrt(s));
  }
  return largest;
}

/** ||X||_op = sqrt(lambda_max(X^T X)), from the d x d Gram matrix. */
function operatorNorm(engine: Engine, X: Float64Array, n: number, d: number): number {
  const gram = new Float64Array(d * d);
  for (let k = 0; k < d; k++) {
    for (let l = 0; l <= k; l++) {
      let s = 0;
      for (let i = 0; i < n; i++) s += X[i * d + k] * X[i * d + l];
      gram[k * d + l] = s;
      gram[l * d + k] = s;
    }
  }
  const { values } = symmetricEigen(engine, gram, 'X^T X');
  return Math.sqrt(Math.max(values[d - 1], 0));
}

/**
 * The check in words, one line per statement, for a reader who knows the
 * theorem: the condition, the predicted rate against the observed one, and
 * each bound against what the run did.
 */
export function explainTheory(
  report: TheoryReport,
  run: { weightDistance: number[]; linearRisk: number[] },
): string[] {
  const q = report;
  const verdict = (holds: boolean | null) =>
    holds === null ? 'undecided' : holds ? 'holds' : 'fails';
  const seen = q.lipschitzLowerBound === null ? '-' : fmt(q.lipschitzLowerBound);
  const lipschitz = q.lipschitzInfinite
    ? `L is infinite (${q.lipschitzNote}); the largest ratio seen along the trajectory is ${seen}`
    : q.lipschitzUpperBound === null
    ? `${q.lipschitzNote}${q.lipschitzLowerBound === null ? '' : `; L >= ${seen}`}`
    : q.lipschitzLowerBound === null
    ? `L <= ${fmt(q.lipschitzUpperBound)} (certified; the weights did not move, so no lower ` +
      'bound was seen)'
    : `${fmt(q.lipschitzLowerBound)} <= L <= ${fmt(q.lipschitzUpperBound)} (lower: seen ` +
      'along the trajectory; upper: certified)';
  const moved = Math.max(...run.weightDistance);
  const agreement = Math.max(...run.linearRisk.map((r, i) =>
    Math.abs(r - q.closedFormLinearRisk[i]) / Math.max(q.closedFormLinearRisk[i], 1e-300)));
  const lines = [
    `singular values of Phi_0: sigma_min = ${fmt(q.sigmaMin)}, sigma_max = ${fmt(q.sigmaMax)} ` +
      `(n = ${q.n} samples, p = ${q.p} parameters)`,
    `initial residual ||r_0|| = ${fmt(q.residualNorm)}, risk R(theta_0) = ${fmt(q.initialRisk)}`,
    `Lipschitz constant of theta -> Phi(theta): ${lipschitz}`,
    `condition (*) L ||r_0|| < sigma_min^2 / 4: ${q.conditionNote}`,
    `warm-up condition L ||Phi_0^+ r_0|| / sigma_min <= 1/4: ` +
      (q.sigmaMin === 0 ? 'does not apply (K_0 is singular)'
        : verdict(q.interpolationConditionHolds)),
    `rate: the theorem's lambda_0 = sigma_min^2 / (2n) = ${fmt(q.lambda0)}; ` +
      `the run achieved ${q.observedRate === null ? '-' : fmt(q.observedRate)} on average`,
    q.lambda0 === 0
      ? 'risk bound R(theta_0) exp(-lambda_0 t): vacuous, lambda_0 = 0 (the risk never rises ' +
        'under gradient flow anyway)'
      : q.initialRisk === 0
      ? 'risk bound R(theta_0) exp(-lambda_0 t): 0, the network fits the data at t = 0'
      : `risk bound R(theta_0) exp(-lambda_0 t): ${q.riskBoundHolds ? 'held' : 'broken'} at ` +
        `every checkpoint (largest risk / bound after t = 0: ${fmt(q.riskBoundUsage)})`,
    q.distanceBound === null
      ? `weights moved at most ${fmt(moved)}; no distance bound (sigma_min = 0)`
      : q.weightBoundUsage === null
      ? `weights moved at most ${fmt(moved)} against the bound 2 ||r_0|| / sigma_min = 0`
      : `weights moved at most ${fmt(moved)} against the bound 2 ||r_0|| / sigma_min = ` +
        `${fmt(q.distanceBound)} (${(100 * q.weightBoundUsage).toFixed(1)}% of it)`,
    `minimum-norm interpolator of the linearised model: ` +
      `${q.minNormInterpolatorDistance === null ? 'none (K_0 singular)'
        : `${fmt(q.minNormInterpolatorDistance)} from theta_0`}`,
    `integrated linearised risk against its closed form: largest relative difference ` +
      `${agreement.toExponential(1)}`,
  ];
  const boundsHeld = q.lambda0 > 0 && q.riskBoundHolds && (q.weightBoundUsage ?? 1) < 1;
  if (q.conditionHolds === false && boundsHeld) {
    lines.push(
      'the theorem does not cover this run, yet both of its bounds held: the condition is ' +
        'sufficient, not necessary',
    );
  } else if (q.conditionHolds === null && boundsHeld) {
    lines.push(
      'whether the theorem covers this run is undecided, and both of its bounds held',
    );
  }
  return lines;
}
