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
 */
import { erf, erfc } from "./special";

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

// @ts-ignore: decorator
@inline function sigmoid(x: f64): f64 {
  if (x >= 0) return 1 / (1 + Math.exp(-x));
  let e = Math.exp(x);
  return e / (1 + e);
}

// @ts-ignore: decorator
@inline function softplus(x: f64): f64 {
  return x > 0 ? x + Math.log1p(Math.exp(-x)) : Math.log1p(Math.exp(x));
}

/** Standard normal distribution function, accurate in both tails. */
// @ts-ignore: decorator
@inline function normalCdf(x: f64): f64 {
  return 0.5 * erfc(-x * INV_SQRT_TWO);
}

// @ts-ignore: decorator
@inline function normalPdf(x: f64): f64 {
  return INV_SQRT_TWO_PI * Math.exp(-0.5 * x * x);
}

/** sigma(x) for one value; `kind` as in the table above. */
export function sigma(kind: i32, x: f64): f64 {
  switch (kind) {
    case RELU: return Math.max(x, 0);
    case TANH: return Math.tanh(x);
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
      let t = Math.tanh(x);
      return 1 - t * t;
    }
    case ERF: return TWO_OVER_SQRT_PI * Math.exp(-x * x);
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
      let t = Math.tanh(x);
      return -2 * t * (1 - t * t);
    }
    case ERF: return -2 * x * TWO_OVER_SQRT_PI * Math.exp(-x * x);
    case SOFTPLUS: {
      let s = sigmoid(x);
      return s * (1 - s);
    }
    case GELU: return normalPdf(x) * (2 - x * x);
    case QUADRATIC: return 1;
    default: return 0;
  }
}

/**
 * value[i] = sigma(z[i]) and slope[i] = sigma'(z[i]) for i < count.
 * Either output may be 0 (not wanted). value may alias z.
 */
export function activate(kind: i32, z: usize, value: usize, slope: usize, count: i32): void {
  if (kind == TANH) {
    for (let i = 0; i < count; i++) {
      let off = <usize>i << 3;
      let t = Math.tanh(load<f64>(z + off));
      if (slope) store<f64>(slope + off, 1 - t * t);
      if (value) store<f64>(value + off, t);
    }
    return;
  }
  if (kind == RELU) {
    for (let i = 0; i < count; i++) {
      let off = <usize>i << 3;
      let x = load<f64>(z + off);
      if (slope) store<f64>(slope + off, x > 0 ? 1.0 : 0.0);
      if (value) store<f64>(value + off, Math.max(x, 0));
    }
    return;
  }
  for (let i = 0; i < count; i++) {
    let off = <usize>i << 3;
    let x = load<f64>(z + off);
    if (slope) store<f64>(slope + off, sigmaPrime(kind, x));
    if (value) store<f64>(value + off, sigma(kind, x));
  }
}

/** out[i] = sigma^(order)(z[i]) for order 0, 1 or 2. out may alias z. */
export function activationMap(kind: i32, order: i32, z: usize, out: usize, count: i32): void {
  for (let i = 0; i < count; i++) {
    let off = <usize>i << 3;
    let x = load<f64>(z + off);
    let v = order == 0 ? sigma(kind, x) : order == 1 ? sigmaPrime(kind, x) : sigmaSecond(kind, x);
    store<f64>(out + off, v);
  }
}
