/**
 * The pieces that join the tiled SIMD kernels to a trained second layer and the theorem
 * check: forwardHidden and slopeChange on the tiles, the trained flow's fused pass across
 * tile edges, and the flow's scratch block against what the spec admits.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import {
  GradientFlow, createEngine, forward, jacobian, jvp, ntk, riskGradient, vjp, type Engine,
  type Network,
} from '../src/index.js';
import { largestBlock } from '../src/spec.js';
import { TestRandom, makeNetwork } from './reference.js';
import {
  referenceForward, referenceJacobian, timesTransposed, transposeTimes, times, difference,
  type ReferenceNetwork,
} from './reference-network.js';
import { ROUNDING, ROUNDOFF, expectClose, relativeToLargest } from './tolerance.js';

// 16 rows of X at a time, 4 rows by 4 units in a register tile, 4, 2 or 1 inputs of the
// gradient at a time: 37 rows, 23 units and 7 inputs cross every edge.
const [rows, units, inputs] = [37, 23, 7];
const TANH = 1;

let engine: Engine;
beforeAll(async () => {
  engine = await createEngine();
});

/** A trained-second-layer tanh network with a second layer that is not +-1. */
function trainedNetwork(rng: TestRandom): Network {
  const net = makeNetwork('tanh', rng.gaussians(units * inputs), rng.gaussians(units), inputs, 1.3);
  return { ...net, trainSecondLayer: true };
}

function reference(net: Network): ReferenceNetwork {
  return {
    width: net.width, d: net.d, scale: net.alpha / Math.sqrt(net.width), activation: 'tanh',
    W: net.W, a: net.a, trainSecondLayer: net.trainSecondLayer === true,
  };
}

/** <w_j, x_i> summed over k in order, as the kernels sum it. */
function inOrder(W: Float64Array, X: Float64Array, i: number, j: number): number {
  let z = 0;
  for (let k = 0; k < inputs; k++) z += X[i * inputs + k] * W[j * inputs + k];
  return z;
}

describe('a trained second layer across the tiles', () => {
  it('gives forward, jvp, vjp, the gradient, the Jacobian and K of the reference', () => {
    const rng = new TestRandom(31);
    const net = trainedNetwork(rng);
    const X = rng.sphere(rows, inputs);
    const P = units * inputs + units;
    const V = rng.gaussians(P);
    const u = rng.gaussians(rows);
    const y = rng.gaussians(rows);
    const ref = reference(net);
    const phi = referenceJacobian(ref, X);
    const f = referenceForward(ref, X);
    const close = (got: ArrayLike<number>, want: Float64Array, what: string) =>
      expectClose(got, want, relativeToLargest(ROUNDOFF, want), what);
    close(forward(engine, net, X), f, 'f');
    close(jvp(engine, net, X, V), times(phi, V, rows, P), 'Phi V');
    close(vjp(engine, net, X, u), transposeTimes(phi, u, rows, P), 'Phi^T u');
    const gradient = transposeTimes(phi, difference(y, f), rows, P).map((g) => -g / rows);
    close(riskGradient(engine, net, X, y), gradient, 'grad R');
    close(jacobian(engine, net, X), phi, 'Phi');
    close(ntk(engine, net, X), timesTransposed(phi, phi, rows, rows, P), 'K');
  });

  it('moves W and a by dt (1/n) Phi0^T r0 in one Euler step of the fused pass', () => {
    const rng = new TestRandom(32);
    const net = trainedNetwork(rng);
    const X = rng.sphere(rows, inputs);
    const y = rng.gaussians(rows);
    const flow = new GradientFlow(engine, net, { n: rows, d: inputs, X, y }, null, false);
    try {
      const dt = 0.2;
      flow.advance('euler', dt, 1);
      const ref = reference(net);
      const phi0 = referenceJacobian(ref, X);
      const r0 = difference(y, referenceForward(ref, X));
      const P = units * inputs + units;
      const step = transposeTimes(phi0, r0, rows, P).map((g) => (dt * g) / rows);
      const theta1 = Float64Array.from([...net.W, ...net.a]).map((v, p) => v + step[p]);
      const md = units * inputs;
      expectClose(flow.weights(), theta1.slice(0, md), ROUNDING, 'W after one step');
      expectClose(flow.secondLayer(), theta1.slice(md), ROUNDING, 'a after one step');
    } finally {
      flow.dispose();
    }
  });
});

describe('kernels on the tiles', () => {
  it('forwardHidden gives forward\'s outputs and slopes to the bit, and H = sigma(Z)', () => {
    const rng = new TestRandom(33);
    const net = makeNetwork('tanh', rng.gaussians(units * inputs), rng.signs(units), inputs, 2);
    const X = rng.sphere(rows, inputs);
    const k = engine.k;
    engine.scope((mem) => {
      const x = mem.allocFrom(X);
      const w = mem.allocFrom(net.W);
      const a = mem.allocFrom(net.a);
      const f1 = mem.alloc(rows);
      const f2 = mem.alloc(rows);
      const s1 = mem.alloc(rows * units);
      const s2 = mem.alloc(rows * units);
      const hidden = mem.alloc(rows * units);
      const workBytes = k.networkWorkBytes(inputs, units);
      const work = mem.allocBytes(workBytes);
      k.forward(x, rows, inputs, w, units, a, 0.4, TANH, f1, s1, work, workBytes);
      k.forwardHidden(x, rows, inputs, w, units, a, 0.4, TANH, f2, s2, hidden, work, workBytes);
      expect(engine.read(f2, rows)).toEqual(engine.read(f1, rows));
      expect(engine.read(s2, rows * units)).toEqual(engine.read(s1, rows * units));
      const H = engine.read(hidden, rows * units);
      for (let i = 0; i < rows; i++) {
        for (let j = 0; j < units; j++) {
          expect(H[i * units + j]).toBe(k.sigma(TANH, inOrder(net.W, X, i, j)));
        }
      }
    });
  });

  it('slopeChange equals sigmaPrime at W minus sigmaPrime at W0, to the bit', () => {
    const rng = new TestRandom(34);
    const W0 = rng.gaussians(units * inputs);
    const W = W0.map((v) => v + 0.2 * rng.gaussian());
    const X = rng.sphere(rows, inputs);
    const k = engine.k;
    const delta = engine.scope((mem) => {
      const x = mem.allocFrom(X);
      const w0 = mem.allocFrom(W0);
      const w = mem.allocFrom(W);
      const out = mem.alloc(rows * units);
      const workBytes = k.networkWorkBytes(inputs, units);
      const work = mem.allocBytes(workBytes);
      k.slopeChange(x, rows, inputs, w0, w, units, TANH, out, work, workBytes);
      return engine.read(out, rows * units);
    });
    for (let i = 0; i < rows; i++) {
      for (let j = 0; j < units; j++) {
        const expected = k.sigmaPrime(TANH, inOrder(W, X, i, j)) -
          k.sigmaPrime(TANH, inOrder(W0, X, i, j));
        expect(delta[i * units + j]).toBe(expected);
      }
    }
  });
});

describe('largestBlock', () => {
  it('counts the flow\'s scratch block exactly as flowWorkBytes carves it', () => {
    const sizes: [number, number, number, number][] = [
      [64, 8, 512, 256], [37, 7, 23, 0], [5, 784, 3, 11], [1, 1, 1, 1], [300, 20, 2000, 13],
    ];
    for (const [n, d, m, nt] of sizes) {
      for (const trained of [false, true]) {
        const scratch = engine.k.flowWorkBytes(n, d, m, nt, trained ? 1 : 0);
        const block = largestBlock(n, d, m, nt, trained);
        const others = 8 * Math.max(n * n, n * d, nt * d);
        expect(block, `n=${n} d=${d} M=${m} nt=${nt} ${trained}`).toBe(Math.max(scratch, others));
      }
    }
  });
});
