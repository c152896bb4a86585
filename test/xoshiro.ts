/**
 * The kernels' generator rewritten in the test with BigInt from the published algorithms:
 * xoshiro256** (Blackman and Vigna, 2018) with its state filled by splitmix64, and the
 * uniform, polar-Gaussian and sphere streams as documented in assembly/random.ts.
 * random.test.ts checks this transcription against the published test vectors.
 */

const MASK = (1n << 64n) - 1n;
const GOLDEN = 0x9e3779b97f4a7c15n;

/** splitmix64's output function for an already advanced state. */
function splitmixMix(state: bigint): bigint {
  let z = state;
  z = ((z ^ (z >> 30n)) * 0xbf58476d1ce4e5b9n) & MASK;
  z = ((z ^ (z >> 27n)) * 0x94d049bb133111ebn) & MASK;
  return z ^ (z >> 31n);
}

const rotl = (x: bigint, k: bigint) => ((x << k) | (x >> (64n - k))) & MASK;

/** xoshiro256** (Blackman and Vigna, 2018), transcribed from the reference C code. */
export class Xoshiro {
  readonly s: bigint[];

  constructor(state: bigint[]) {
    this.s = state.slice();
  }

  /** The state filled by four outputs of splitmix64 started at `seed`. */
  static seeded(seed: number): Xoshiro {
    let x = BigInt(seed);
    const state: bigint[] = [];
    for (let i = 0; i < 4; i++) {
      x = (x + GOLDEN) & MASK;
      state.push(splitmixMix(x));
    }
    return new Xoshiro(state);
  }

  next(): bigint {
    const s = this.s;
    const result = (rotl((s[1] * 5n) & MASK, 7n) * 9n) & MASK;
    const t = (s[1] << 17n) & MASK;
    s[2] ^= s[0];
    s[3] ^= s[1];
    s[1] ^= s[2];
    s[0] ^= s[3];
    s[2] ^= t;
    s[3] = rotl(s[3], 45n);
    return result;
  }

  /** (next >>> 11) 2^-53: the conversion of a 53-bit integer is exact. */
  uniform(): number {
    return Number(this.next() >> 11n) * 2 ** -53;
  }

  /** Marsaglia's polar method as documented in assembly/random.ts. */
  gaussians(count: number): number[] {
    const out: number[] = [];
    while (out.length < count) {
      const u = 2 * this.uniform() - 1;
      const v = 2 * this.uniform() - 1;
      const s = u * u + v * v;
      if (s >= 1 || s === 0) continue;
      const f = Math.sqrt((-2 * Math.log(s)) / s);
      out.push(u * f);
      if (out.length < count) out.push(v * f);
    }
    return out;
  }

  /** rows points on the sphere: a Gaussian fill of length d divided by its norm, per row. */
  sphere(rows: number, d: number): number[] {
    const out: number[] = [];
    for (let i = 0; i < rows; i++) {
      const g = this.gaussians(d);
      const norm = Math.sqrt(g.reduce((s, v) => s + v * v, 0));
      out.push(...g.map((v) => v / norm));
    }
    return out;
  }
}
