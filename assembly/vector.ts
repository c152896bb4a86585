/** Level-1 operations on contiguous f64 vectors (pointers are byte offsets). */

/** sum_i x[i] y[i], summed in index order. */
export function dot(x: usize, y: usize, count: i32): f64 {
  let s: f64 = 0;
  for (let i = 0; i < count; i++) {
    let off = <usize>i << 3;
    s += load<f64>(x + off) * load<f64>(y + off);
  }
  return s;
}

/** sum_i x[i]^2. */
export function sumSquares(x: usize, count: i32): f64 {
  return dot(x, x, count);
}

/** sum_i (x[i] - y[i])^2. */
export function distanceSquared(x: usize, y: usize, count: i32): f64 {
  let s: f64 = 0;
  for (let i = 0; i < count; i++) {
    let off = <usize>i << 3;
    let t = load<f64>(x + off) - load<f64>(y + off);
    s += t * t;
  }
  return s;
}

/** sum_i (x[i] - y[i] - z[i])^2. */
export function distanceSquared3(x: usize, y: usize, z: usize, count: i32): f64 {
  let s: f64 = 0;
  for (let i = 0; i < count; i++) {
    let off = <usize>i << 3;
    let t = load<f64>(x + off) - load<f64>(y + off) - load<f64>(z + off);
    s += t * t;
  }
  return s;
}

/** y[i] = y[i] + s x[i]. */
export function axpy(s: f64, x: usize, y: usize, count: i32): void {
  for (let i = 0; i < count; i++) {
    let off = <usize>i << 3;
    store<f64>(y + off, load<f64>(y + off) + s * load<f64>(x + off));
  }
}

/** out[i] = x[i] + s y[i]; out may alias x or y. */
export function addScaled(x: usize, s: f64, y: usize, out: usize, count: i32): void {
  for (let i = 0; i < count; i++) {
    let off = <usize>i << 3;
    store<f64>(out + off, load<f64>(x + off) + s * load<f64>(y + off));
  }
}

/** x[i] = s x[i]. */
export function scale(s: f64, x: usize, count: i32): void {
  for (let i = 0; i < count; i++) {
    let off = <usize>i << 3;
    store<f64>(x + off, s * load<f64>(x + off));
  }
}

/** out[i] = x[i] - y[i]; out may alias either. */
export function subtract(x: usize, y: usize, out: usize, count: i32): void {
  for (let i = 0; i < count; i++) {
    let off = <usize>i << 3;
    store<f64>(out + off, load<f64>(x + off) - load<f64>(y + off));
  }
}
