/**
 * Gauss-Hermite quadrature for the standard normal law, in f64.
 *
 * The nodes are the eigenvalues of the Jacobi matrix of the probabilists'
 * Hermite polynomials (zero diagonal, off-diagonal sqrt(1), ..., sqrt(q - 1)),
 * as in Golub and Welsch, "Calculation of Gauss quadrature rules", Math. Comp.
 * 23 (1969). The eigenvalues come from the implicit QL iteration with
 * Wilkinson-type shifts of Bowdler, Martin, Reinsch and Wilkinson,
 * Numer. Math. 11 (1968) (EISPACK's tql1, eigenvalues only), are made
 * exactly symmetric and then polished by Newton's iteration on the
 * orthonormal Hermite polynomials
 *   p_0 = 1, p_1 = z, sqrt(k + 1) p_{k+1} = z p_k - sqrt(k) p_{k-1}.
 * Since p_q' = sqrt(q) p_{q-1}, the Christoffel numbers are
 * w_i = 1 / (q p_{q-1}(z_i)^2), which keeps full relative accuracy even for
 * the tiny outer weights (the eigenvector route would not).
 */

// @ts-ignore: decorator
@inline const EPSILON: f64 = 2.220446049250313e-16;
// @ts-ignore: decorator
@inline const QL_MAX_ITERS: i32 = 60;
// @ts-ignore: decorator
@inline const NEWTON_MAX_ITERS: i32 = 4;

// @ts-ignore: decorator
@inline function at(base: usize, i: i32): usize {
  return base + (<usize>i << 3);
}

/** p_q(z) of the last `hermiteBelow` call. */
let hermiteTop: f64 = 0;

/** Returns p_{q-1}(z) and leaves p_q(z) in `hermiteTop` (orthonormal, as above). */
function hermiteBelow(order: i32, z: f64): f64 {
  let below: f64 = 0;
  let current: f64 = 1;
  for (let k = 0; k < order; k++) {
    let next = (z * current - Math.sqrt(<f64>k) * below) / Math.sqrt(<f64>(k + 1));
    below = current;
    current = next;
  }
  hermiteTop = current;
  return below;
}

/**
 * Eigenvalues of the symmetric tridiagonal matrix with diagonal d[0..n-1] and
 * off-diagonal e[0..n-2] (e[n-1] is scratch), overwriting d; e is destroyed.
 * Returns false if an eigenvalue did not converge in QL_MAX_ITERS sweeps.
 */
function tridiagonalEigenvalues(n: i32, d: usize, e: usize): bool {
  store<f64>(at(e, n - 1), 0);
  for (let l = 0; l < n; l++) {
    let iters = 0;
    while (true) {
      let m = l;
      while (m < n - 1) {
        let dd = Math.abs(load<f64>(at(d, m))) + Math.abs(load<f64>(at(d, m + 1)));
        if (Math.abs(load<f64>(at(e, m))) <= EPSILON * dd) break;
        m++;
      }
      if (m == l) break;
      if (++iters > QL_MAX_ITERS) return false;

      let dl = load<f64>(at(d, l));
      let el = load<f64>(at(e, l));
      let g = (load<f64>(at(d, l + 1)) - dl) / (2 * el);
      let r = Math.hypot(g, 1);
      g = load<f64>(at(d, m)) - dl + el / (g + (g >= 0 ? r : -r));
      let s: f64 = 1;
      let c: f64 = 1;
      let p: f64 = 0;
      let underflow = false;
      for (let i = m - 1; i >= l; i--) {
        let ei = load<f64>(at(e, i));
        let f = s * ei;
        let b = c * ei;
        r = Math.hypot(f, g);
        store<f64>(at(e, i + 1), r);
        if (r == 0) {
          store<f64>(at(d, i + 1), load<f64>(at(d, i + 1)) - p);
          store<f64>(at(e, m), 0);
          underflow = true;
          break;
        }
        s = f / r;
        c = g / r;
        g = load<f64>(at(d, i + 1)) - p;
        r = (load<f64>(at(d, i)) - g) * s + 2 * c * b;
        p = s * r;
        store<f64>(at(d, i + 1), g + p);
        g = c * r - b;
      }
      if (underflow) continue;
      store<f64>(at(d, l), load<f64>(at(d, l)) - p);
      store<f64>(at(e, l), g);
      store<f64>(at(e, m), 0);
    }
  }
  return true;
}

/**
 * The Gauss-Hermite rule of `order` nodes (1 <= order <= 512) for Z ~ N(0, 1):
 * sum_i weights[i] g(nodes[i]) = E[g(Z)], exact for polynomials of degree
 * below 2 order. Nodes are written in decreasing order and are exactly
 * symmetric (the middle node of an odd order is exactly 0); the weights are
 * renormalised to sum to 1. For orders up to 512 no intermediate overflows;
 * the outermost weights of large orders underflow to 0, their value to
 * double precision. Returns false (and leaves the rule undefined) only if
 * the QL iteration fails to converge. Cost: about 10 order^2.
 */
export function gaussHermite(order: i32, nodes: usize, weights: usize): bool {
  for (let i = 0; i < order; i++) {
    store<f64>(at(nodes, i), 0);
    store<f64>(at(weights, i), Math.sqrt(<f64>(i + 1)));
  }
  if (!tridiagonalEigenvalues(order, nodes, weights)) return false;
  sortDecreasing(order, nodes);

  let half = (order + 1) >> 1;
  let odd = (order & 1) == 1;
  let q = <f64>order;
  for (let i = 0; i < half; i++) {
    let root = odd && i == half - 1
      ? 0
      : 0.5 * (load<f64>(at(nodes, i)) - load<f64>(at(nodes, order - 1 - i)));
    for (let it = 0; it < NEWTON_MAX_ITERS && root != 0; it++) {
      let below = hermiteBelow(order, root);
      let step = hermiteTop / (Math.sqrt(q) * below);
      root -= step;
      if (Math.abs(step) <= EPSILON * Math.abs(root)) break;
    }
    let below = hermiteBelow(order, root);
    let w = 1 / (q * below * below);
    store<f64>(at(nodes, order - 1 - i), -root);
    store<f64>(at(nodes, i), root); // after the mirror: the middle node stays +0
    store<f64>(at(weights, order - 1 - i), w);
    store<f64>(at(weights, i), w);
  }

  let total: f64 = 0; // smallest weights first
  for (let i = 0; i < half; i++) {
    let w = load<f64>(at(weights, i));
    total += odd && i == half - 1 ? w : 2 * w;
  }
  for (let i = 0; i < order; i++) {
    store<f64>(at(weights, i), load<f64>(at(weights, i)) / total);
  }
  return true;
}

/** Insertion sort of x[0..n-1] into decreasing order (n is small; cost n^2). */
function sortDecreasing(n: i32, x: usize): void {
  for (let i = 1; i < n; i++) {
    let v = load<f64>(at(x, i));
    let j = i - 1;
    while (j >= 0 && load<f64>(at(x, j)) < v) {
      store<f64>(at(x, j + 1), load<f64>(at(x, j)));
      j--;
    }
    store<f64>(at(x, j + 1), v);
  }
}
