/**
 * exp, expm1 and log for the TypeScript side. JavaScript's Math functions
 * are not specified to the last bit and differ between engines; these are
 * AssemblyScript's own (ports of musl's), compiled into the kernels, so every
 * runtime gets the same bits from them.
 */

/** e^x. */
export function exp(x: f64): f64 {
  return Math.exp(x);
}

/** e^x - 1, accurate for small |x|. */
export function expm1(x: f64): f64 {
  return Math.expm1(x);
}

/** The natural logarithm. */
export function log(x: f64): f64 {
  return Math.log(x);
}
