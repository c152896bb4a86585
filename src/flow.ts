/**
 * Gradient flow of a network and of its linearisation at initialisation,
 * integrated side by side in the kernels (RK4 or explicit Euler), with the
 * figures of MATH.md measured at any point.
 *
 *   d theta/dt = (1/n) Phi(theta)^T (y - f_n(theta)),  theta(0) = theta_0,
 *   dV/dt = (1/n) Phi0^T (r0 - Phi0 V),                 V(0) = 0,  theta_bar = theta_0 + V,
 *
 * with theta = W (M d values), or theta = (W, a) (M d + M values, the weights first) when
 * the network's second layer is trained; then Phi, K_0 and every figure include a.
 */
import type { Dataset } from './data.js';
import { activationCode, outputScale, parameterCount, type Network } from './network.js';
import { shown } from './spec.js';
import type { Engine, Pointer } from './wasm.js';

/** RK4 on the linear flow is stable while dt lambda_max(K_0) / n stays below this. */
export const RK4_STABILITY = 2.785;
/** Explicit Euler (gradient descent) on the linear flow is stable below this. */
export const EULER_STABILITY = 2;
/** Default step as a fraction of n / lambda_max(K_0). */
export const DEFAULT_STEP_FRACTION = 0.25;

export type Method = 'rk4' | 'euler';

/** The figures of one moment of training; null where not measured. */
export interface Measurement {
  risk: number;
  linearRisk: number;
  weightDistance: number;
  /** weightDistance / ||theta_0||; null when theta_0 = 0. */
  relativeWeightDistance: number | null;
  linearGap: number;
  kernelChange: number | null;
  testRisk: number | null;
  linearTestRisk: number | null;
  testGap: number | null;
}

/** Thrown when the integrated risk stops being finite. */
export class FlowDivergedError extends Error {
  constructor(
    readonly step: number, readonly dt: number, readonly stableDt: number,
    readonly method: Method,
  ) {
    const factor = method === 'rk4' ? RK4_STABILITY : EULER_STABILITY;
    super(
      `the risk became non-finite at step ${step} (t = ${step * dt}): spec.flow.dt = ${dt} ` +
        `with ${method}, whose stable limit on the linearised flow is about ` +
        `${factor} n / lambda_max(K_0) = ${stableDt}; use a smaller spec.flow.dt or leave ` +
        'it unset for the default',
    );
    this.name = 'FlowDivergedError';
  }
}

const METRIC_COUNT = 9;

/**
 * A running flow. Owns its buffers in `engine` until `dispose()`. The
 * linearised model is f_lin(x; theta) = f(x; theta_0) + <grad f(x; theta_0), theta - theta_0>.
 */
export class GradientFlow {
  /** lambda_max(K_0) by power iteration (a lower estimate, converged to ~1e-10). */
  readonly lambdaMax: number;
  readonly n: number;
  readonly testN: number;
  private readonly engine: Engine;
  private readonly net: Network;
  private readonly owned: Pointer[] = [];
  private readonly flow: Pointer;
  /** theta: W (M x d), followed by a (M) when the second layer is trained. */
  private readonly w: Pointer;
  private readonly v: Pointer;
  private readonly k0: Pointer;
  private readonly kt: Pointer;
  private readonly out: Pointer;
  private stepsTaken = 0;
  private disposed = false;

  /**
   * Sets up the flow from the network `net` (its W and a are theta_0) on `train`, with
   * an optional test set (labels may be empty: then no test risks). With
   * `net.trainSecondLayer` the flow moves a too and K_0 includes its random-features part.
   * `kernelChange` also measures ||K_t - K_0||_F / ||K_0||_F, at n^2 (M + d) / 2
   * (n^2 (2 M + d) / 2 with a trained second layer) per measurement. K_0 itself is always
   * kept: the linear flow runs on it.
   */
  constructor(
    engine: Engine, net: Network, train: Dataset, test: Dataset | null, kernelChange = true,
  ) {
    this.engine = engine;
    this.net = net;
    const { n, d } = train;
    const M = net.width;
    const nt = test?.n ?? 0;
    this.n = n;
    this.testN = nt;
    const k = engine.k;
    const trained = net.trainSecondLayer === true;
    try {
      const scale = outputScale(net);
      const x = this.own(engine.allocFrom(train.X));
      const y = this.own(engine.allocFrom(train.y));
      const a = trained ? 0 : this.own(engine.allocFrom(net.a));
      const w0 = this.own(engine.allocFrom(trained ? concat(net.W, net.a) : net.W));
      this.w = this.own(engine.alloc(parameterCount(net)));
      this.v = this.own(engine.alloc(parameterCount(net)));
      const xt = nt > 0 ? this.own(engine.allocFrom(test!.X)) : 0;
      const yt = nt > 0 && test!.y.length === nt ? this.own(engine.allocFrom(test!.y)) : 0;
      this.flow = this.own(engine.alloc(Math.ceil(k.flowBytes() / 8)));
      const workBytes = k.flowWorkBytes(n, d, M, nt, trained ? 1 : 0);
      const work = this.own(engine.alloc(Math.ceil(workBytes / 8)));
      this.k0 = this.own(engine.alloc(n * n));
      this.kt = kernelChange ? this.own(engine.alloc(n * n)) : 0;
      this.out = this.own(engine.alloc(METRIC_COUNT));
      const kind = activationCode(net.activation);
      if (trained) {
        k.flowInitTrained(
          this.flow, n, d, M, kind, scale, x, y, w0, this.w, this.v, this.k0, nt, xt, yt, work,
        );
      } else {
        k.flowInit(
          this.flow, n, d, M, kind, scale, x, y, a, w0, this.w, this.v, this.k0, nt, xt, yt,
          work,
        );
      }
      const v = this.own(engine.alloc(n));
      const kv = this.own(engine.alloc(n));
      this.lambdaMax = k.lambdaMax(this.k0, n, 1000, 1e-10, v, kv);
    } catch (error) {
      this.dispose();
      throw error;
    }
  }

  private own(ptr: Pointer): Pointer {
    this.owned.push(ptr);
    return ptr;
  }

  /** The step above which `method` is unstable on the linearised flow (about). */
  stableDt(method: Method): number {
    const factor = method === 'rk4' ? RK4_STABILITY : EULER_STABILITY;
    return (factor * this.n) / this.lambdaMax;
  }

  /** The default step: DEFAULT_STEP_FRACTION n / lambda_max(K_0). */
  defaultDt(): number {
    return (DEFAULT_STEP_FRACTION * this.n) / this.lambdaMax;
  }

  /** Steps taken so far. */
  get steps(): number {
    return this.stepsTaken;
  }

  /**
   * Advances `steps` steps of size dt. Throws RangeError for a method other
   * than 'rk4' or 'euler', a dt that is not a finite number > 0 or steps that
   * is not an integer >= 0, and FlowDivergedError if the risk blows up.
   */
  advance(method: Method, dt: number, steps: number): void {
    this.checkLive();
    if (method !== 'rk4' && method !== 'euler') {
      throw new RangeError(`method must be 'rk4' or 'euler'; got ${shown(method)}`);
    }
    if (typeof dt !== 'number' || !(dt > 0) || !Number.isFinite(dt)) {
      throw new RangeError(`dt must be a finite number > 0; got ${shown(dt)}`);
    }
    if (!Number.isInteger(steps) || steps < 0) {
      throw new RangeError(`steps must be an integer >= 0; got ${shown(steps)}`);
    }
    const k = this.engine.k;
    const done = method === 'rk4'
      ? k.flowRk4(this.flow, dt, steps)
      : k.flowEuler(this.flow, dt, steps);
    this.stepsTaken += done;
    if (done < steps) {
      throw new FlowDivergedError(this.stepsTaken, dt, this.stableDt(method), method);
    }
  }

  /** The figures of MATH.md at the current state. */
  measure(): Measurement {
    this.checkLive();
    this.engine.k.flowMetrics(this.flow, this.out, this.kt);
    const m = this.engine.read(this.out, METRIC_COUNT);
    const orNull = (value: number) => (Number.isNaN(value) ? null : value);
    return {
      risk: m[0],
      linearRisk: m[1],
      weightDistance: m[2],
      relativeWeightDistance: m[8] > 0 ? m[2] / m[8] : null,
      linearGap: m[3],
      kernelChange: orNull(m[4]),
      testRisk: orNull(m[5]),
      linearTestRisk: orNull(m[6]),
      testGap: orNull(m[7]),
    };
  }

  /** A copy of the current weights W (M x d). */
  weights(): Float64Array {
    this.checkLive();
    return this.engine.read(this.w, this.net.width * this.net.d);
  }

  /** A copy of the current second layer a (M values); constant unless it is trained. */
  secondLayer(): Float64Array {
    if (!this.net.trainSecondLayer) return this.net.a.slice();
    return this.engine.read(this.w + 8 * this.net.width * this.net.d, this.net.width);
  }

  /**
   * A copy of theta_bar - theta_0, the linearised flow's displacement: M x d values, then
   * M values for a when the second layer is trained.
   */
  linearDisplacement(): Float64Array {
    this.checkLive();
    this.engine.k.flowLinearDisplacement(this.flow);
    return this.engine.read(this.v, parameterCount(this.net));
  }

  /** A copy of K_0 (n x n). */
  kernel0(): Float64Array {
    this.checkLive();
    return this.engine.read(this.k0, this.n * this.n);
  }

  /** Frees every buffer; any later call but `dispose` throws. */
  dispose(): void {
    this.disposed = true;
    while (this.owned.length > 0) this.engine.free(this.owned.pop()!);
  }

  private checkLive(): void {
    if (this.disposed) throw new Error('this GradientFlow was disposed; create a new one');
  }
}

function concat(first: Float64Array, second: Float64Array): Float64Array {
  const out = new Float64Array(first.length + second.length);
  out.set(first);
  out.set(second, first.length);
  return out;
}
