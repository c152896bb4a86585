/**
 * Sphere data and built-in targets (src/data.ts): inputs, target parameters and labels
 * recomputed in the test from its own transcription of the generator, in the stream order
 * data.ts documents (target parameters, inputs, labels of the noise target, label noise).
 */
import { beforeAll, describe, expect, it } from 'vitest';
import {
  createEngine, sphereData, sphereTestData, type Activation, type Engine,
} from '../src/index.js';
import { sigmaRef } from './reference.js';
import {
  GAUSSIAN_MAX_ULPS, ROUNDOFF, expectClose, expectUlps, relativeToLargest,
} from './tolerance.js';
import { Xoshiro } from './xoshiro.js';

let engine: Engine;
beforeAll(async () => {
  engine = await createEngine();
});

const n = 9;
const d = 4;

function expectStream(got: ArrayLike<number>, want: ArrayLike<number>, label: string): void {
  expect(got.length, `${label}: length`).toBe(want.length);
  for (let i = 0; i < want.length; i++) {
    expectUlps(got[i], want[i], GAUSSIAN_MAX_ULPS, `${label}[${i}]`);
  }
}

/** sum_j c_j s(sqrt(d) <u_j, x_i>) / scale for the rows x_i of X. */
function labels(
  X: number[], U: number[], c: number[], s: Activation | null, scale: number,
): number[] {
  const rows = X.length / d;
  return Array.from({ length: rows }, (_, i) => {
    let total = 0;
    for (let j = 0; j < c.length; j++) {
      let z = 0;
      for (let k = 0; k < d; k++) z += U[j * d + k] * X[i * d + k];
      z *= Math.sqrt(d);
      total += c[j] * (s === null ? z : sigmaRef(s, z));
    }
    return total / scale;
  });
}

describe('sphereData', () => {
  it('labels the linear target sqrt(d) <beta, x> with beta the first draw of the seed', () => {
    const stream = Xoshiro.seeded(17);
    const beta = stream.sphere(1, d);
    const X = stream.sphere(n, d);
    const { train, target } = sphereData(engine, { n, d, seed: 17, target: 'linear' });
    expectStream(target.directions, beta, 'beta');
    expectStream(train.X, X, 'X');
    const y = labels(X, beta, [1], null, 1);
    expectClose(train.y, y, relativeToLargest(ROUNDOFF, y), 'y');
  });

  it.each(['tanh', 'quadratic'] as const)('labels the single-index target g(z) with link %s',
    (link) => {
      const stream = Xoshiro.seeded(3);
      const beta = stream.sphere(1, d);
      const X = stream.sphere(n, d);
      const { train } = sphereData(engine, {
        n, d, seed: 3, target: { type: 'single-index', link },
      });
      const y = labels(X, beta, [1], link, 1);
      expectClose(train.y, y, relativeToLargest(ROUNDOFF, y), 'y');
    });

  it('labels the teacher (1/sqrt k) sum_j c_j s(sqrt(d) <u_j, x>), u_j then c_j then X', () => {
    const k = 5; // odd: the Gaussian fill of the c_j discards its spare
    const stream = Xoshiro.seeded(8);
    const U = stream.sphere(k, d);
    const c = stream.gaussians(k);
    const X = stream.sphere(n, d);
    const { train, target } = sphereData(engine, {
      n, d, seed: 8, target: { type: 'teacher', width: k, activation: 'erf' },
    });
    expectStream(target.directions, U, 'u');
    expectStream(target.weights, c, 'c');
    expectStream(train.X, X, 'X');
    const y = labels(X, U, c, 'erf', Math.sqrt(k));
    expectClose(train.y, y, relativeToLargest(ROUNDOFF, y), 'y');
  });

  it('draws the noise target\'s labels after the inputs, then adds scaled label noise', () => {
    const stream = Xoshiro.seeded(12);
    const X = stream.sphere(n, d);
    const y = stream.gaussians(n);
    const noise = stream.gaussians(n);
    const { train } = sphereData(engine, { n, d, seed: 12, target: 'noise', noise: 0.3 });
    expectStream(train.X, X, 'X');
    const expected = y.map((v, i) => v + 0.3 * noise[i]);
    expectClose(train.y, expected, relativeToLargest(ROUNDOFF, expected), 'y');
  });
});

describe('sphereTestData', () => {
  it('draws fresh inputs from the test seed and labels them with the training target', () => {
    const { target } = sphereData(engine, { n, d, seed: 17, target: 'linear' });
    const X = Xoshiro.seeded(18).sphere(7, d);
    const test = sphereTestData(engine, target, 7, 18);
    expectStream(test.X, X, 'X');
    const y = labels(X, Array.from(target.directions), [1], null, 1);
    expectClose(test.y, y, relativeToLargest(ROUNDOFF, y), 'y');
  });
});
