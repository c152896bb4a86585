/**
 * Seeded random numbers whose streams are fixed by this file alone, so the
 * same seed gives the same bits on every engine.
 *
 * Generator: xoshiro256** (Blackman and Vigna, 2018) with its 256-bit state
 * filled by four successive outputs of splitmix64 started at the seed.
 * The state lives in caller memory (four u64, 32 bytes) so that several
 * independent streams can exist at once.
 *
 * Streams:
 * - uniform: u = (next >>> 11) * 2^-53, in [0, 1).
 * - gaussian: Marsaglia's polar method on pairs (u, v) = (2 u1 - 1, 2 u2 - 1),
 *   rejecting s = u^2 + v^2 outside (0, 1); each accepted pair yields
 *   u f and v f with f = sqrt(-2 ln s / s), in that order. A fill of an odd
 *   count discards the spare value of its last pair.
 * - sphere: each row is a gaussian fill of length d divided by its norm.
 */

// @ts-ignore: decorator
@inline const TWO_POW_MINUS_53: f64 = 1.1102230246251565e-16;

function splitmix64(state: u64): u64 {
  let z = state;
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EB;
  return z ^ (z >> 31);
}

/** Fills the 32-byte state at `rng` from an integer seed (given as f64, 0 <= seed < 2^53). */
export function rngSeed(rng: usize, seed: f64): void {
  let s = <u64>seed;
  for (let i: usize = 0; i < 4; i++) {
    s += 0x9E3779B97F4A7C15;
    store<u64>(rng + (i << 3), splitmix64(s));
  }
}

/** Advances the state and returns the next 64 random bits (xoshiro256**). */
// @ts-ignore: decorator
@inline function next(rng: usize): u64 {
  let s0 = load<u64>(rng);
  let s1 = load<u64>(rng, 8);
  let s2 = load<u64>(rng, 16);
  let s3 = load<u64>(rng, 24);
  let result = rotl<u64>(s1 * 5, 7) * 9;
  let t = s1 << 17;
  s2 ^= s0;
  s3 ^= s1;
  s1 ^= s2;
  s0 ^= s3;
  s2 ^= t;
  s3 = rotl<u64>(s3, 45);
  store<u64>(rng, s0);
  store<u64>(rng, s1, 8);
  store<u64>(rng, s2, 16);
  store<u64>(rng, s3, 24);
  return result;
}

// @ts-ignore: decorator
@inline function uniform(rng: usize): f64 {
  return <f64>(next(rng) >> 11) * TWO_POW_MINUS_53;
}

/** Writes `count` uniform numbers in [0, 1) to `out`. */
export function rngUniform(rng: usize, out: usize, count: i32): void {
  for (let i = 0; i < count; i++) {
    store<f64>(out + (<usize>i << 3), uniform(rng));
  }
}

/** Writes `count` standard Gaussian numbers to `out` (polar method, see above). */
export function rngGaussian(rng: usize, out: usize, count: i32): void {
  let i = 0;
  while (i < count) {
    let u = 2 * uniform(rng) - 1;
    let v = 2 * uniform(rng) - 1;
    let s = u * u + v * v;
    if (s >= 1 || s == 0) continue;
    let f = Math.sqrt(-2 * Math.log(s) / s);
    store<f64>(out + (<usize>i << 3), u * f);
    i++;
    if (i < count) {
      store<f64>(out + (<usize>i << 3), v * f);
      i++;
    }
  }
}

/** Writes `rows` points uniform on the unit sphere S^{d-1} as a rows x d row-major matrix. */
export function rngSphere(rng: usize, out: usize, rows: i32, d: i32): void {
  for (let i = 0; i < rows; i++) {
    let row = out + (<usize>i * <usize>d << 3);
    let norm2: f64 = 0;
    while (norm2 == 0) {
      rngGaussian(rng, row, d);
      norm2 = 0;
      for (let k = 0; k < d; k++) {
        let g = load<f64>(row + (<usize>k << 3));
        norm2 += g * g;
      }
    }
    let inv = 1 / Math.sqrt(norm2);
    for (let k = 0; k < d; k++) {
      let p = row + (<usize>k << 3);
      store<f64>(p, load<f64>(p) * inv);
    }
  }
}
