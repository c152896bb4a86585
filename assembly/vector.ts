/**
 * Level-1 operations on contiguous f64 vectors (pointers are byte offsets), two lanes
 * at a time. The sums other than `sumSquares` (which adds in index order) keep four
 * partial sums (two f64x2 accumulators over elements i = 0, 1 mod 4 and 2, 3 mod 4), add
 * them lane by lane and then the elements left over in order: a fixed order, so the result
 * does not depend on the engine.
 */

/** The four partial sums of a reduction, folded in a fixed order. */
// @ts-ignore: decorator
@inline function fold(s0: v128, s1: v128): f64 {
  let both = f64x2.add(s0, s1);
  return f64x2.extract_lane(both, 0) + f64x2.extract_lane(both, 1);
}

/** sum_i x[i] y[i]. */
export function dot(x: usize, y: usize, count: i32): f64 {
  let s0 = f64x2.splat(0);
  let s1 = f64x2.splat(0);
  let i = 0;
  for (; i + 3 < count; i += 4) {
    let off = <usize>i << 3;
    s0 = f64x2.add(s0, f64x2.mul(v128.load(x + off), v128.load(y + off)));
    s1 = f64x2.add(s1, f64x2.mul(v128.load(x + off, 16), v128.load(y + off, 16)));
  }
  let s = fold(s0, s1);
  for (; i < count; i++) {
    let off = <usize>i << 3;
    s += load<f64>(x + off) * load<f64>(y + off);
  }
  return s;
}

/**
 * sum_i x[i]^2, summed in index order, one value at a time: the flow's figures (risk,
 * ||theta_0||, the kernel change's denominator) come from it once per checkpoint, never
 * per step, and the risk then equals the plain in-order sum that bounds built from
 * ||y - f_n|| (the theorem check's) are computed from.
 */
export function sumSquares(x: usize, count: i32): f64 {
  let s: f64 = 0;
  for (let i = 0; i < count; i++) {
    let v = load<f64>(x + (<usize>i << 3));
    s += v * v;
  }
  return s;
}

/** sum_i (x[i] - y[i])^2. */
export function distanceSquared(x: usize, y: usize, count: i32): f64 {
  let s0 = f64x2.splat(0);
  let s1 = f64x2.splat(0);
  let i = 0;
  for (; i + 3 < count; i += 4) {
    let off = <usize>i << 3;
    let t0 = f64x2.sub(v128.load(x + off), v128.load(y + off));
    let t1 = f64x2.sub(v128.load(x + off, 16), v128.load(y + off, 16));
    s0 = f64x2.add(s0, f64x2.mul(t0, t0));
    s1 = f64x2.add(s1, f64x2.mul(t1, t1));
  }
  let s = fold(s0, s1);
  for (; i < count; i++) {
    let off = <usize>i << 3;
    let t = load<f64>(x + off) - load<f64>(y + off);
    s += t * t;
  }
  return s;
}

/** sum_i (x[i] - y[i] - z[i])^2. */
export function distanceSquared3(x: usize, y: usize, z: usize, count: i32): f64 {
  let s0 = f64x2.splat(0);
  let s1 = f64x2.splat(0);
  let i = 0;
  for (; i + 3 < count; i += 4) {
    let off = <usize>i << 3;
    let t0 = f64x2.sub(f64x2.sub(v128.load(x + off), v128.load(y + off)), v128.load(z + off));
    let t1 = f64x2.sub(
      f64x2.sub(v128.load(x + off, 16), v128.load(y + off, 16)), v128.load(z + off, 16)
    );
    s0 = f64x2.add(s0, f64x2.mul(t0, t0));
    s1 = f64x2.add(s1, f64x2.mul(t1, t1));
  }
  let s = fold(s0, s1);
  for (; i < count; i++) {
    let off = <usize>i << 3;
    let t = load<f64>(x + off) - load<f64>(y + off) - load<f64>(z + off);
    s += t * t;
  }
  return s;
}

/** y[i] = y[i] + s x[i]. */
export function axpy(s: f64, x: usize, y: usize, count: i32): void {
  addScaled(y, s, x, y, count);
}

/** out[i] = x[i] + s y[i]; out may alias x or y. */
export function addScaled(x: usize, s: f64, y: usize, out: usize, count: i32): void {
  let vs = f64x2.splat(s);
  let i = 0;
  for (; i + 1 < count; i += 2) {
    let off = <usize>i << 3;
    v128.store(out + off, f64x2.add(v128.load(x + off), f64x2.mul(vs, v128.load(y + off))));
  }
  if (i < count) {
    let off = <usize>i << 3;
    store<f64>(out + off, load<f64>(x + off) + s * load<f64>(y + off));
  }
}

/** x[i] = s x[i]. */
export function scale(s: f64, x: usize, count: i32): void {
  let vs = f64x2.splat(s);
  let i = 0;
  for (; i + 1 < count; i += 2) {
    let off = <usize>i << 3;
    v128.store(x + off, f64x2.mul(vs, v128.load(x + off)));
  }
  if (i < count) store<f64>(x + (<usize>i << 3), s * load<f64>(x + (<usize>i << 3)));
}

/** out[i] = x[i] - y[i]; out may alias either. */
export function subtract(x: usize, y: usize, out: usize, count: i32): void {
  let i = 0;
  for (; i + 1 < count; i += 2) {
    let off = <usize>i << 3;
    v128.store(out + off, f64x2.sub(v128.load(x + off), v128.load(y + off)));
  }
  if (i < count) {
    let off = <usize>i << 3;
    store<f64>(out + off, load<f64>(x + off) - load<f64>(y + off));
  }
}
