/**
 * Activation functions sigma with their first and second derivatives.
 *
 * Kinds (the integer codes the wrapper passes):
 *   0 relu       max(x, 0); sigma'(0) = 0 and sigma'' = 0 by convention
 *   1 tanh       tanh x
 *   2 erf        erf x
 *   3 softplus   ln(1 + e^x)
 *   4 gelu       x Phi(x), Phi the standard normal distribution function
 *   5 quadratic  x^2 / 2
 *   6 identity   x
 *
 * tanh and every exponential come from `lanes.ts`, whose vector routines give the same
 * bits as their scalar twins, so the array maps (`activate`, `activationMap`), which
 * work two values at a time, agree to the bit with `sigma`, `sigmaPrime` and
 * `sigmaSecond`. erf and erfc (`special.ts`) are evaluated one lane at a time.
 */
import { erf, erfc } from "./special";
import {
  expLanes, expScalar, log1pUnitLanes, log1pUnitScalar, tanhLanes, tanhScalar
} from "./lanes";

export const RELU = 0;
export const TANH = 1;
export const ERF = 2;
export const SOFTPLUS = 3;
export const GELU = 4;
export const QUADRATIC = 5;
export const IDENTITY = 6;

// @ts-ignore: decorator
@inline const TWO_OVER_SQRT_PI: f64 = 1.1283791670955126;
// @ts-ignore: decorator
@inline const INV_SQRT_TWO_PI: f64 = 0.3989422804014327;
// @ts-ignore: decorator
@inline const INV_SQRT_TWO: f64 = 0.7071067811865476;

/** 1 / (1 + e^-x), as e^-|x| over 1 + e^-|x| with the numerator chosen by the sign of x. */
// @ts-ignore: decorator
@inline function sigmoid(x: f64): f64 {
  let e = expScalar(-Math.abs(x));
  return (x >= 0 ? 1.0 : e) / (1 + e);
}

/** ln(1 + e^x) = max(x, 0) + ln(1 + e^-|x|), which neither overflows nor cancels. */
// @ts-ignore: decorator
@inline function softplus(x: f64): f64 {
  return Math.max(x, 0) + log1pUnitScalar(expScalar(-Math.abs(x)));
}

/** Standard normal distribution function, accurate in both tails. */
// @ts-ignore: decorator
@inline function normalCdf(x: f64): f64 {
  return 0.5 * erfc(-x * INV_SQRT_TWO);
}

// @ts-ignore: decorator
@inline function normalPdf(x: f64): f64 {
  return INV_SQRT_TWO_PI * expScalar(-0.5 * x * x);
}

/** sigma(x) for one value; `kind` as in the table above. */
export function sigma(kind: i32, x: f64): f64 {
  switch (kind) {
    case RELU: return Math.max(x, 0);
    case TANH: return tanhScalar(x);
    case ERF: return erf(x);
    case SOFTPLUS: return softplus(x);
    case GELU: return x * normalCdf(x);
    case QUADRATIC: return 0.5 * x * x;
    default: return x;
  }
}

/** sigma'(x) for one value. */
export function sigmaPrime(kind: i32, x: f64): f64 {
  switch (kind) {
    case RELU: return x > 0 ? 1 : 0;
    case TANH: {
      let t = tanhScalar(x);
      return 1 - t * t;
    }
    case ERF: return TWO_OVER_SQRT_PI * expScalar(-x * x);
    case SOFTPLUS: return sigmoid(x);
    case GELU: return normalCdf(x) + x * normalPdf(x);
    case QUADRATIC: return x;
    default: return 1;
  }
}

/** sigma''(x) for one value. */
export function sigmaSecond(kind: i32, x: f64): f64 {
  switch (kind) {
    case RELU: return 0;
    case TANH: {
      let t = tanhScalar(x);
      return -2 * t * (1 - t * t);
    }
    case ERF: return -2 * x * TWO_OVER_SQRT_PI * expScalar(-x * x);
    case SOFTPLUS: {
      let s = sigmoid(x);
      return s * (1 - s);
    }
    case GELU: return normalPdf(x) * (2 - x * x);
    case QUADRATIC: return 1;
    default: return 0;
  }
}

/** Lane-wise 1 - t^2. */
// @ts-ignore: decorator
@inline function oneMinusSquare(t: v128): v128 {
  return f64x2.sub(f64x2.splat(1), f64x2.mul(t, t));
}

/** Where the lane loops send an output that is not wanted (two pairs, rewritten freely). */
const SINK: usize = memory.data(32, 16);

/**
 * value = tanh z and slope = 1 - tanh^2 z on `pairs` pairs of values (either output may
 * be 0), two pairs per iteration so that their independent work overlaps. An output
 * that is not wanted goes to SINK, so the loop has no branches.
 */
function activateTanh(z: usize, value: usize, slope: usize, pairs: i32): void {
  let valueStep: usize = value ? 32 : 0;
  let slopeStep: usize = slope ? 32 : 0;
  if (!value) value = SINK;
  if (!slope) slope = SINK;
  let i = 0;
  for (; i + 1 < pairs; i += 2) {
    let t0 = tanhLanes(v128.load(z));
    let t1 = tanhLanes(v128.load(z, 16));
    v128.store(slope, oneMinusSquare(t0));
    v128.store(slope, oneMinusSquare(t1), 16);
    v128.store(value, t0);
    v128.store(value, t1, 16);
    z += 32;
    value += valueStep;
    slope += slopeStep;
  }
  if (i < pairs) {
    let t = tanhLanes(v128.load(z));
    v128.store(slope, oneMinusSquare(t));
    v128.store(value, t);
  }
}

/** (f(x lane 0), f(x lane 1)) for a scalar function given as its two results. */
// @ts-ignore: decorator
@inline function lanes(lane0: f64, lane1: f64): v128 {
  return f64x2.replace_lane(f64x2.splat(lane0), 1, lane1);
}

/**
 * sigma and sigma' on one pair of values, equal to the bit to `sigma` and `sigmaPrime`
 * lane by lane; writes them to value and slope. tanh goes through `activateTanh`.
 */
// @ts-ignore: decorator
@inline function activatePair(kind: i32, x: v128, value: usize, slope: usize): void {
  let zero = f64x2.splat(0);
  let one = f64x2.splat(1);
  let v: v128, s: v128;
  if (kind == RELU) {
    v = f64x2.max(x, zero);
    s = v128.and(f64x2.gt(x, zero), one);
  } else if (kind == ERF) {
    v = lanes(erf(f64x2.extract_lane(x, 0)), erf(f64x2.extract_lane(x, 1)));
    s = f64x2.mul(f64x2.splat(TWO_OVER_SQRT_PI), expLanes(f64x2.mul(f64x2.neg(x), x)));
  } else if (kind == SOFTPLUS) {
    let e = expLanes(f64x2.neg(f64x2.abs(x)));
    v = f64x2.add(f64x2.max(x, zero), log1pUnitLanes(e));
    s = f64x2.div(v128.bitselect(one, e, f64x2.ge(x, zero)), f64x2.add(one, e));
  } else if (kind == GELU) {
    let cdf = lanes(normalCdf(f64x2.extract_lane(x, 0)), normalCdf(f64x2.extract_lane(x, 1)));
    let e = expLanes(f64x2.mul(f64x2.mul(f64x2.splat(-0.5), x), x));
    v = f64x2.mul(x, cdf);
    s = f64x2.add(cdf, f64x2.mul(x, f64x2.mul(f64x2.splat(INV_SQRT_TWO_PI), e)));
  } else if (kind == QUADRATIC) {
    v = f64x2.mul(f64x2.mul(f64x2.splat(0.5), x), x);
    s = x;
  } else {
    v = x;
    s = one;
  }
  v128.store(slope, s);
  v128.store(value, v);
}

/** `activatePair` over `pairs` pairs; inlined once per kind, so each loop has one body. */
// @ts-ignore: decorator
@inline function pairLoop(
  kind: i32, z: usize, value: usize, slope: usize, pairs: i32, valueStep: usize, slopeStep: usize
): void {
  for (let i = 0; i < pairs; i++) {
    activatePair(kind, v128.load(z), value, slope);
    z += 16;
    value += valueStep;
    slope += slopeStep;
  }
}

/**
 * value = sigma(z) and slope = sigma'(z) on `pairs` pairs of values for a kind other than
 * tanh (either output may be 0: it then goes to SINK). Exponentials are shared between
 * sigma and sigma' and taken two at a time, as is softplus's log1p; erf and erfc one lane
 * at a time.
 */
function activatePairs(kind: i32, z: usize, value: usize, slope: usize, pairs: i32): void {
  let valueStep: usize = value ? 16 : 0;
  let slopeStep: usize = slope ? 16 : 0;
  if (!value) value = SINK;
  if (!slope) slope = SINK;
  if (kind == RELU) pairLoop(RELU, z, value, slope, pairs, valueStep, slopeStep);
  else if (kind == ERF) pairLoop(ERF, z, value, slope, pairs, valueStep, slopeStep);
  else if (kind == SOFTPLUS) pairLoop(SOFTPLUS, z, value, slope, pairs, valueStep, slopeStep);
  else if (kind == GELU) pairLoop(GELU, z, value, slope, pairs, valueStep, slopeStep);
  else if (kind == QUADRATIC) pairLoop(QUADRATIC, z, value, slope, pairs, valueStep, slopeStep);
  else pairLoop(IDENTITY, z, value, slope, pairs, valueStep, slopeStep);
}

/** value and slope one value at a time, through the scalar functions. */
function activateScalar(kind: i32, z: usize, value: usize, slope: usize, from: i32, to: i32): void {
  for (let i = from; i < to; i++) {
    let off = <usize>i << 3;
    let x = load<f64>(z + off);
    if (slope) store<f64>(slope + off, sigmaPrime(kind, x));
    if (value) store<f64>(value + off, sigma(kind, x));
  }
}

/**
 * value[i] = sigma(z[i]) and slope[i] = sigma'(z[i]) for i < count, two values at a
 * time, equal to the bit to `sigma` and `sigmaPrime`. Either output may be 0 (not
 * wanted); either may alias z.
 */
export function activate(kind: i32, z: usize, value: usize, slope: usize, count: i32): void {
  let pairs = count >> 1;
  if (kind == TANH) activateTanh(z, value, slope, pairs);
  else activatePairs(kind, z, value, slope, pairs);
  activateScalar(kind, z, value, slope, pairs << 1, count);
}

/** out[i] = sigma^(order)(z[i]) for order 0, 1 or 2. out may alias z. */
export function activationMap(kind: i32, order: i32, z: usize, out: usize, count: i32): void {
  if (order < 2) {
    activate(kind, z, order == 0 ? out : 0, order == 1 ? out : 0, count);
    return;
  }
  for (let i = 0; i < count; i++) {
    let off = <usize>i << 3;
    store<f64>(out + off, sigmaSecond(kind, load<f64>(z + off)));
  }
}
