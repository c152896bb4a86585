/**
 * The inputs of the network benchmarks, drawn by the package itself, and
 * the package's flow driven through raw kernel pointers: buffers are
 * allocated once, and a timed call is one `flowRk4` with nothing copied.
 */
import {
  ACTIVATIONS, GradientFlow, initNetwork, outputScale, sphereData, type Engine,
} from 'lazy-regime';

/** sigma = tanh in every network benchmark. */
export const TANH = ACTIVATIONS.indexOf('tanh');

/** One (n, d, M) problem: sphere data with a teacher target and a symmetric tanh network. */
export interface Problem {
  n: number;
  d: number;
  M: number;
  X: Float64Array;
  y: Float64Array;
  W0: Float64Array;
  a: Float64Array;
  /** alpha / sqrt(M). */
  scale: number;
  /** The package's default step 0.25 n / lambda_max(K_0). */
  dt: number;
  K0: Float64Array;
  /** The package's W and linearised risk after one RK4 step: the reference output. */
  stepW: Float64Array;
  stepLinearRisk: number;
}

export function drawProblem(engine: Engine, n: number, d: number, M: number): Problem {
  const { train } = sphereData(engine, { n, d, seed: 1, target: 'teacher' });
  const net = initNetwork(engine, { width: M, alpha: 1, activation: 'tanh', seed: 2 }, d);
  const flow = new GradientFlow(engine, net, train, null, false);
  try {
    const dt = flow.defaultDt();
    const K0 = flow.kernel0();
    flow.advance('rk4', dt, 1);
    return {
      n, d, M, X: train.X, y: train.y, W0: net.W, a: net.a, scale: outputScale(net), dt, K0,
      stepW: flow.weights(), stepLinearRisk: flow.measure().linearRisk,
    };
  } finally {
    flow.dispose();
  }
}

/** The network's buffers for the raw forward kernel, allocated once in `engine`. */
export interface ForwardBuffers {
  x: number;
  w: number;
  a: number;
  slope: number;
  f: number;
  work: number;
  workBytes: number;
}

/** Copies X, W0 and a into `engine` and allocates the slopes, outputs and work block. */
export function forwardBuffers(engine: Engine, p: Problem): ForwardBuffers {
  const workBytes = engine.k.networkWorkBytes(p.d, p.M);
  return {
    x: engine.allocFrom(p.X),
    w: engine.allocFrom(p.W0),
    a: engine.allocFrom(p.a),
    slope: engine.alloc(p.n * p.M),
    f: engine.alloc(p.n),
    work: engine.alloc(Math.ceil(workBytes / 8)),
    workBytes,
  };
}

/** A flow record and its buffers in `engine`, set up once through the raw kernels. */
export class RawFlow {
  readonly record: number;
  readonly w: number;
  private readonly owned: number[] = [];

  constructor(private readonly engine: Engine, p: Problem) {
    const k = engine.k;
    const own = (ptr: number) => {
      this.owned.push(ptr);
      return ptr;
    };
    const x = own(engine.allocFrom(p.X));
    const y = own(engine.allocFrom(p.y));
    const a = own(engine.allocFrom(p.a));
    const w0 = own(engine.allocFrom(p.W0));
    this.w = own(engine.alloc(p.M * p.d));
    const v = own(engine.alloc(p.M * p.d));
    const k0 = own(engine.alloc(p.n * p.n));
    this.record = own(engine.alloc(Math.ceil(k.flowBytes() / 8)));
    const work = own(engine.alloc(Math.ceil(k.flowWorkBytes(p.n, p.d, p.M, 0, 0) / 8)));
    k.flowInit(
      this.record, p.n, p.d, p.M, TANH, p.scale, x, y, a, w0, this.w, v, k0, 0, 0, 0, work,
    );
  }

  /** One RK4 step; returns the steps done plus W[0, 0], to be consumed. */
  step(dt: number): number {
    const done = this.engine.k.flowRk4(this.record, dt, 1);
    return done + new Float64Array(this.engine.k.memory.buffer, this.w, 1)[0];
  }

  dispose(): void {
    while (this.owned.length > 0) this.engine.free(this.owned.pop()!);
  }
}
