/**
 * The seeded generator of assembly/random.ts: xoshiro256** with its state filled by
 * splitmix64 from the seed, the uniform, Gaussian (polar) and sphere streams. The test
 * rewrites the generator with BigInt from the published algorithms and checks it against
 * the published test vectors first.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { createEngine, initNetwork, type Engine } from '../src/index.js';
import {
  GAUSSIAN_MAX_ULPS, STANDARD_ERRORS, expectClose, expectUlps, sphereNorm,
} from './tolerance.js';
import { Xoshiro } from './xoshiro.js';

let engine: Engine;
beforeAll(async () => {
  engine = await createEngine();
});

/** Runs `body` on a fresh product stream seeded with `seed`. */
function withStream<T>(seed: number, body: (rng: number) => T): T {
  return engine.scope((mem) => {
    const rng = mem.allocBytes(32);
    engine.k.rngSeed(rng, seed);
    return body(rng);
  });
}

function uniforms(rng: number, count: number): Float64Array {
  return engine.scope((mem) => {
    const out = mem.alloc(count);
    engine.k.rngUniform(rng, out, count);
    return engine.read(out, count);
  });
}

function gaussians(rng: number, count: number): Float64Array {
  return engine.scope((mem) => {
    const out = mem.alloc(count);
    engine.k.rngGaussian(rng, out, count);
    return engine.read(out, count);
  });
}

function sphere(rng: number, rows: number, d: number): Float64Array {
  return engine.scope((mem) => {
    const out = mem.alloc(rows * d);
    engine.k.rngSphere(rng, out, rows, d);
    return engine.read(out, rows * d);
  });
}

const SEEDS = [0, 1, 42, 2 ** 32 + 7, Number.MAX_SAFE_INTEGER];

describe('the test\'s transcription of the generators', () => {
  it('reproduces the published splitmix64 and xoshiro256** test vectors', () => {
    expect(Xoshiro.seeded(0).s).toEqual([
      0xe220a8397b1dcdafn, 0x6e789e6aa1b965f4n, 0x06c45d188009454fn, 0xf88bb8a8724c81ecn,
    ]);
    const x = new Xoshiro([1n, 2n, 3n, 4n]);
    expect([x.next(), x.next(), x.next(), x.next()])
      .toEqual([11520n, 0n, 1509978240n, 1215971899390074240n]);
  });
});

describe('rngSeed and rngUniform', () => {
  it('seed 0 fills the state with the first four published splitmix64 outputs', () => {
    const state = withStream(0, (rng) => new BigUint64Array(engine.k.memory.buffer, rng, 4)
      .slice());
    expect(Array.from(state)).toEqual([
      0xe220a8397b1dcdafn, 0x6e789e6aa1b965f4n, 0x06c45d188009454fn, 0xf88bb8a8724c81ecn,
    ]);
  });

  it('from the state {1, 2, 3, 4} gives the published xoshiro256** outputs, top 53 bits', () => {
    const got = engine.scope((mem) => {
      const rng = mem.allocBytes(32);
      new BigUint64Array(engine.k.memory.buffer, rng, 4).set([1n, 2n, 3n, 4n]);
      return uniforms(rng, 4);
    });
    const published = [11520n, 0n, 1509978240n, 1215971899390074240n];
    expect(Array.from(got)).toEqual(published.map((b) => Number(b >> 11n) * 2 ** -53));
  });

  it.each(SEEDS)('gives the same uniform bits as the BigInt transcription for seed %s', (seed) => {
    const expected = Xoshiro.seeded(seed);
    const got = withStream(seed, (rng) => uniforms(rng, 1000));
    got.forEach((u, i) => expect(u, `u[${i}]`).toBe(expected.uniform()));
  });

  it('continues one stream across calls, as one long call would', () => {
    const whole = withStream(5, (rng) => uniforms(rng, 30));
    const parts = withStream(5, (rng) => [...uniforms(rng, 7), ...uniforms(rng, 23)]);
    expect(parts).toEqual(Array.from(whole));
  });
});

describe('rngGaussian', () => {
  it.each(SEEDS)('follows the polar method on the uniform stream for seed %s', (seed) => {
    const expected = Xoshiro.seeded(seed);
    withStream(seed, (rng) => {
      // Odd counts discard the spare of their last pair: the uniform after it must agree.
      for (const count of [1, 7, 64]) {
        const want = expected.gaussians(count);
        gaussians(rng, count).forEach((g, i) => {
          expectUlps(g, want[i], GAUSSIAN_MAX_ULPS, `gaussian ${count}[${i}]`);
        });
        expect(uniforms(rng, 1)[0]).toBe(expected.uniform());
      }
    });
  });

  it('has sample mean 0, variance 1 and kurtosis 3 within a few standard errors', () => {
    const N = 100_000;
    const g = withStream(2024, (rng) => gaussians(rng, N));
    let m1 = 0;
    for (const x of g) m1 += x;
    m1 /= N;
    let m2 = 0;
    let m4 = 0;
    for (const x of g) {
      m2 += (x - m1) ** 2;
      m4 += (x - m1) ** 4;
    }
    m2 /= N;
    m4 /= N;
    // Standard errors for N(0, 1): mean 1/sqrt N, variance sqrt(2/N), 4th moment sqrt(96/N).
    expect(Math.abs(m1)).toBeLessThan(STANDARD_ERRORS / Math.sqrt(N));
    expect(Math.abs(m2 - 1)).toBeLessThan(STANDARD_ERRORS * Math.sqrt(2 / N));
    expect(Math.abs(m4 - 3)).toBeLessThan(STANDARD_ERRORS * Math.sqrt(96 / N));
  });

  it('draws uniforms in [0, 1) with mean 1/2 and variance 1/12', () => {
    const N = 100_000;
    const u = withStream(77, (rng) => uniforms(rng, N));
    expect(u.filter((x) => !(x >= 0 && x < 1)).length).toBe(0);
    let mean = 0;
    for (const x of u) mean += x;
    mean /= N;
    let variance = 0;
    for (const x of u) variance += (x - mean) ** 2;
    variance /= N;
    expect(Math.abs(mean - 0.5)).toBeLessThan(STANDARD_ERRORS * Math.sqrt(1 / 12 / N));
    // Var of (U - 1/2)^2 is 1/80 - 1/144 = 1/180.
    expect(Math.abs(variance - 1 / 12)).toBeLessThan(STANDARD_ERRORS * Math.sqrt(1 / 180 / N));
  });
});

describe('rngSphere', () => {
  it.each([1, 3, 4, 9])('gives rows of unit norm in dimension %s', (d) => {
    const rows = 200;
    const X = withStream(d, (rng) => sphere(rng, rows, d));
    for (let i = 0; i < rows; i++) {
      const row = X.subarray(i * d, (i + 1) * d);
      let s = 0;
      for (const v of row) s += v * v;
      expectClose(Math.sqrt(s), 1, sphereNorm(d), `|x_${i}|`);
    }
  });

  it('divides each Gaussian fill of length d by its norm', () => {
    const d = 3;
    const expected = Xoshiro.seeded(31).sphere(20, d);
    const X = withStream(31, (rng) => sphere(rng, 20, d));
    X.forEach((x, i) => expectUlps(x, expected[i], GAUSSIAN_MAX_ULPS, `X[${i}]`));
  });
});

describe('the symmetric initialisation', () => {
  it('draws its first half of rows as the Gaussian stream of the model seed', () => {
    const d = 3;
    const net = initNetwork(engine, { width: 8, seed: 123 }, d);
    const want = Xoshiro.seeded(123).gaussians(4 * d);
    for (let c = 0; c < 4 * d; c++) {
      expectUlps(net.W[c], want[c], GAUSSIAN_MAX_ULPS, `W[${c}]`);
    }
  });
});
