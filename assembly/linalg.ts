/**
 * Dense symmetric eigen-decomposition A = Q diag(lambda) Q^T in f64.
 *
 * The algorithm is the EISPACK pair tred2 (Householder reduction to
 * tridiagonal form, accumulating the orthogonal transformation) and tql2
 * (QL iteration with implicit Wilkinson-style shifts), from Wilkinson and
 * Reinsch, "Handbook for Automatic Computation, Vol. II: Linear Algebra"
 * (1971), as later transcribed in the public-domain JAMA library. It is
 * re-arranged here to keep Q transposed: row i of `vectors` is the i-th
 * eigenvector, so every inner loop walks a contiguous row.
 *
 * Cost: about 9 n^3 flops for values and vectors; memory: the n x n output
 * plus 2 n doubles of scratch.
 */

// @ts-ignore: decorator
@inline function at(base: usize, i: i32, j: i32, n: i32): usize {
  return base + ((<usize>i * <usize>n + <usize>j) << 3);
}

// @ts-ignore: decorator
@inline function get(base: usize, i: i32): f64 {
  return load<f64>(base + (<usize>i << 3));
}

// @ts-ignore: decorator
@inline function put(base: usize, i: i32, value: f64): void {
  store<f64>(base + (<usize>i << 3), value);
}

/**
 * Householder reduction of the symmetric matrix held in `t` (n x n,
 * row-major, overwritten) to tridiagonal form T = Q^T A Q. On return `t`
 * holds Q^T, `diag` the diagonal of T and `off[1..n-1]` its sub-diagonal.
 */
function tridiagonalise(t: usize, n: i32, diag: usize, off: usize): void {
  for (let j = 0; j < n; j++) put(diag, j, load<f64>(at(t, j, n - 1, n)));

  for (let i = n - 1; i > 0; i--) {
    let scale: f64 = 0;
    let h: f64 = 0;
    for (let k = 0; k < i; k++) scale += Math.abs(get(diag, k));
    if (scale == 0) {
      put(off, i, get(diag, i - 1));
      for (let j = 0; j < i; j++) {
        put(diag, j, load<f64>(at(t, j, i - 1, n)));
        store<f64>(at(t, j, i, n), 0);
        store<f64>(at(t, i, j, n), 0);
      }
      put(diag, i, h);
      continue;
    }
    for (let k = 0; k < i; k++) {
      let dk = get(diag, k) / scale;
      put(diag, k, dk);
      h += dk * dk;
    }
    let f = get(diag, i - 1);
    let g = Math.sqrt(h);
    if (f > 0) g = -g;
    put(off, i, scale * g);
    h -= f * g;
    put(diag, i - 1, f - g);
    for (let j = 0; j < i; j++) put(off, j, 0);

    for (let j = 0; j < i; j++) {
      f = get(diag, j);
      store<f64>(at(t, i, j, n), f);
      let rowJ = at(t, j, 0, n);
      g = get(off, j) + load<f64>(rowJ + (<usize>j << 3)) * f;
      for (let k = j + 1; k < i; k++) {
        let tjk = load<f64>(rowJ + (<usize>k << 3));
        g += tjk * get(diag, k);
        put(off, k, get(off, k) + tjk * f);
      }
      put(off, j, g);
    }
    f = 0;
    for (let j = 0; j < i; j++) {
      let ej = get(off, j) / h;
      put(off, j, ej);
      f += ej * get(diag, j);
    }
    let hh = f / (h + h);
    for (let j = 0; j < i; j++) put(off, j, get(off, j) - hh * get(diag, j));
    for (let j = 0; j < i; j++) {
      f = get(diag, j);
      g = get(off, j);
      let rowJ = at(t, j, 0, n);
      for (let k = j; k < i; k++) {
        let p = rowJ + (<usize>k << 3);
        store<f64>(p, load<f64>(p) - (f * get(off, k) + g * get(diag, k)));
      }
      put(diag, j, load<f64>(at(t, j, i - 1, n)));
      store<f64>(at(t, j, i, n), 0);
    }
    put(diag, i, h);
  }

  for (let i = 0; i < n - 1; i++) {
    store<f64>(at(t, i, n - 1, n), load<f64>(at(t, i, i, n)));
    store<f64>(at(t, i, i, n), 1);
    let h = get(diag, i + 1);
    let next = at(t, i + 1, 0, n);
    if (h != 0) {
      for (let k = 0; k <= i; k++) put(diag, k, load<f64>(next + (<usize>k << 3)) / h);
      for (let j = 0; j <= i; j++) {
        let rowJ = at(t, j, 0, n);
        let g: f64 = 0;
        for (let k = 0; k <= i; k++) {
          g += load<f64>(next + (<usize>k << 3)) * load<f64>(rowJ + (<usize>k << 3));
        }
        for (let k = 0; k <= i; k++) {
          let p = rowJ + (<usize>k << 3);
          store<f64>(p, load<f64>(p) - g * get(diag, k));
        }
      }
    }
    for (let k = 0; k <= i; k++) store<f64>(next + (<usize>k << 3), 0);
  }
  for (let j = 0; j < n; j++) {
    put(diag, j, load<f64>(at(t, j, n - 1, n)));
    store<f64>(at(t, j, n - 1, n), 0);
  }
  store<f64>(at(t, n - 1, n - 1, n), 1);
  put(off, 0, 0);
}

/**
 * Diagonalises the tridiagonal matrix (`diag`, `off[1..n-1]`) by QL
 * iterations with implicit shifts, applying every rotation to the rows of
 * `t` (which enters as Q^T of the reduction). Returns false when an
 * eigenvalue has not converged in `maxSweeps` iterations.
 */
function diagonaliseTridiagonal(t: usize, n: i32, diag: usize, off: usize): bool {
  const maxSweeps = 60;
  const eps: f64 = 2.220446049250313e-16;
  for (let i = 1; i < n; i++) put(off, i - 1, get(off, i));
  put(off, n - 1, 0);

  let shift: f64 = 0;
  let norm: f64 = 0;
  for (let l = 0; l < n; l++) {
    norm = Math.max(norm, Math.abs(get(diag, l)) + Math.abs(get(off, l)));
    let m = l;
    while (m < n && Math.abs(get(off, m)) > eps * norm) m++;
    if (m == n) m = n - 1;

    let sweeps = 0;
    while (m > l) {
      if (++sweeps > maxSweeps) return false;
      let g = get(diag, l);
      let p = (get(diag, l + 1) - g) / (2 * get(off, l));
      let r = Math.hypot(p, 1);
      if (p < 0) r = -r;
      put(diag, l, get(off, l) / (p + r));
      put(diag, l + 1, get(off, l) * (p + r));
      let dl1 = get(diag, l + 1);
      let h = g - get(diag, l);
      for (let i = l + 2; i < n; i++) put(diag, i, get(diag, i) - h);
      shift += h;

      p = get(diag, m);
      let c: f64 = 1;
      let c2: f64 = 1;
      let c3: f64 = 1;
      let el1 = get(off, l + 1);
      let s: f64 = 0;
      let s2: f64 = 0;
      for (let i = m - 1; i >= l; i--) {
        c3 = c2;
        c2 = c;
        s2 = s;
        let ei = get(off, i);
        g = c * ei;
        h = c * p;
        r = Math.hypot(p, ei);
        put(off, i + 1, s * r);
        s = ei / r;
        c = p / r;
        let di = get(diag, i);
        p = c * di - s * g;
        put(diag, i + 1, h + s * (c * g + s * di));
        rotateRows(at(t, i, 0, n), at(t, i + 1, 0, n), n, c, s);
      }
      p = -s * s2 * c3 * el1 * get(off, l) / dl1;
      put(off, l, s * p);
      put(diag, l, c * p);
      if (Math.abs(get(off, l)) <= eps * norm) break;
    }
    put(diag, l, get(diag, l) + shift);
    put(off, l, 0);
  }
  return true;
}

/** (u, v) <- (c u - s v, s u + c v), elementwise over two rows of length n. */
// @ts-ignore: decorator
@inline function rotateRows(u: usize, v: usize, n: i32, c: f64, s: f64): void {
  for (let k = 0; k < n; k++) {
    let pu = u + (<usize>k << 3);
    let pv = v + (<usize>k << 3);
    let uk = load<f64>(pu);
    let vk = load<f64>(pv);
    store<f64>(pv, s * uk + c * vk);
    store<f64>(pu, c * uk - s * vk);
  }
}

/** Sorts eigenvalues ascending, moving each eigenvector row along. */
function sortAscending(values: usize, vectors: usize, n: i32): void {
  for (let i = 0; i < n - 1; i++) {
    let k = i;
    let smallest = get(values, i);
    for (let j = i + 1; j < n; j++) {
      let v = get(values, j);
      if (v < smallest) {
        k = j;
        smallest = v;
      }
    }
    if (k == i) continue;
    put(values, k, get(values, i));
    put(values, i, smallest);
    let rowI = at(vectors, i, 0, n);
    let rowK = at(vectors, k, 0, n);
    for (let j = 0; j < n; j++) {
      let pi = rowI + (<usize>j << 3);
      let pk = rowK + (<usize>j << 3);
      let tmp = load<f64>(pi);
      store<f64>(pi, load<f64>(pk));
      store<f64>(pk, tmp);
    }
  }
}

/**
 * Eigen-decomposition of the symmetric n x n matrix `a` (row-major; only
 * read): a = sum_i values[i] q_i q_i^T with values ascending and q_i, the
 * i-th row of `vectors` (n x n, written), orthonormal. `work` is scratch
 * for n doubles. `a` and `vectors` may be the same buffer. Returns 1 on
 * success, 0 if the QL iteration failed to converge (not seen in practice
 * for finite input; the outputs are then unspecified).
 */
export function symmetricEigen(
  a: usize, n: i32, values: usize, vectors: usize, work: usize
): i32 {
  if (a != vectors) memory.copy(vectors, a, (<usize>n * <usize>n) << 3);
  if (n == 1) {
    put(values, 0, load<f64>(vectors));
    store<f64>(vectors, 1);
    return 1;
  }
  tridiagonalise(vectors, n, values, work);
  if (!diagonaliseTridiagonal(vectors, n, values, work)) return 0;
  sortAscending(values, vectors, n);
  return 1;
}
