/**
 * The package's algorithms written again as plain TypeScript loops over
 * Float64Arrays, with the same loop order and operation count as the
 * kernels in assembly/: the contender that shows what WebAssembly buys over
 * the JavaScript engine alone. Row-major throughout; sigma = tanh.
 */

/** C = A B with A m x k, B k x n, C m x n (overwritten), in i-p-j order like the kernel. */
export function gemm(
  m: number, n: number, k: number, A: Float64Array, B: Float64Array, C: Float64Array,
): void {
  C.fill(0, 0, m * n);
  for (let i = 0; i < m; i++) {
    const crow = i * n;
    for (let p = 0; p < k; p++) {
      const aip = A[i * k + p];
      const brow = p * n;
      for (let j = 0; j < n; j++) C[crow + j] += aip * B[brow + j];
    }
  }
}

/**
 * K = scale^2 (S S^T) o (X X^T) with S = tanh'(X W^T) (n x M): the empirical
 * NTK through the Hadamard identity, upper triangle mirrored. `slope` is
 * scratch for n M values. Cost: n M d + n^2 (M + d) / 2.
 */
export function ntkGram(
  X: Float64Array, n: number, d: number, W: Float64Array, M: number, scale: number,
  K: Float64Array, slope: Float64Array,
): void {
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < M; j++) {
      let z = 0;
      for (let k = 0; k < d; k++) z += W[j * d + k] * X[i * d + k];
      const t = Math.tanh(z);
      slope[i * M + j] = 1 - t * t;
    }
  }
  const s2 = scale * scale;
  for (let i = 0; i < n; i++) {
    for (let l = i; l < n; l++) {
      let ss = 0;
      for (let j = 0; j < M; j++) ss += slope[i * M + j] * slope[l * M + j];
      let xx = 0;
      for (let k = 0; k < d; k++) xx += X[i * d + k] * X[l * d + k];
      const v = s2 * ss * xx;
      K[i * n + l] = v;
      K[l * n + i] = v;
    }
  }
}

/**
 * The network's gradient flow and its linearisation in function space,
 * integrated together by classical RK4 exactly as assembly/integrators.ts
 * does it: per stage, one fused pass over the rows of X (forward with tanh,
 * residual, gradient accumulation) and r0 - K0 q / n at n^2.
 */
export class PlainFlow {
  readonly w: Float64Array;
  readonly q: Float64Array;
  private readonly r0: Float64Array;
  private readonly value: Float64Array;
  private readonly row: Float64Array;
  private readonly kw: Float64Array;
  private readonly kq: Float64Array;
  private readonly accW: Float64Array;
  private readonly accQ: Float64Array;
  private readonly tmpW: Float64Array;
  private readonly tmpQ: Float64Array;

  constructor(
    private readonly X: Float64Array, private readonly y: Float64Array, W0: Float64Array,
    private readonly a: Float64Array, private readonly K0: Float64Array,
    private readonly n: number, private readonly d: number, private readonly M: number,
    private readonly scale: number,
  ) {
    const md = M * d;
    this.w = W0.slice();
    this.q = new Float64Array(n);
    this.value = new Float64Array(M);
    this.row = new Float64Array(M);
    this.kw = new Float64Array(md);
    this.kq = new Float64Array(n);
    this.accW = new Float64Array(md);
    this.accQ = new Float64Array(n);
    this.tmpW = new Float64Array(md);
    this.tmpQ = new Float64Array(n);
    this.r0 = new Float64Array(n);
    for (let i = 0; i < n; i++) this.r0[i] = y[i] - scale * this.output(i, W0);
  }

  /** f(x_i; W) with units paired (j, j + M/2) like the kernels; leaves tanh in `value`. */
  private output(i: number, W: Float64Array): number {
    const { X, a, M, d, value, row } = this;
    const xi = i * d;
    for (let j = 0; j < M; j++) {
      let z = 0;
      const wj = j * d;
      for (let k = 0; k < d; k++) z += W[wj + k] * X[xi + k];
      const t = Math.tanh(z);
      value[j] = t;
      row[j] = 1 - t * t;
    }
    const half = M >> 1;
    let s = 0;
    for (let j = 0; j < half; j++) s += a[j] * value[j] + a[j + half] * value[j + half];
    if (M & 1) s += a[M - 1] * value[M - 1];
    return s;
  }

  /** outQ = r0 - K0 q / n; returns its squared norm. */
  private linearResidual(q: Float64Array, outQ: Float64Array): number {
    const { n, K0, r0 } = this;
    let total = 0;
    for (let i = 0; i < n; i++) {
      let s = 0;
      for (let l = 0; l < n; l++) s += K0[i * n + l] * q[l];
      const ri = r0[i] - s / n;
      outQ[i] = ri;
      total += ri * ri;
    }
    return total;
  }

  /** Both vector fields; returns the sum of both squared residual norms. */
  private field(W: Float64Array, q: Float64Array, outW: Float64Array, outQ: Float64Array): number {
    const { X, y, a, row, n, d, M, scale } = this;
    const c = scale / n;
    let total = 0;
    outW.fill(0);
    for (let i = 0; i < n; i++) {
      const ri = y[i] - scale * this.output(i, W);
      total += ri * ri;
      const cr = c * ri;
      const xi = i * d;
      for (let j = 0; j < M; j++) {
        const cj = cr * a[j] * row[j];
        if (cj === 0) continue;
        const gj = j * d;
        for (let k = 0; k < d; k++) outW[gj + k] += cj * X[xi + k];
      }
    }
    return total + this.linearResidual(q, outQ);
  }

  /** One classical RK4 step of size dt; returns the sum of squared residuals at its start. */
  step(dt: number): number {
    const { w, q, kw, kq, accW, accQ, tmpW, tmpQ } = this;
    const half = 0.5 * dt;
    const start = this.field(w, q, kw, kq);
    accW.set(kw);
    accQ.set(kq);
    const stages: [number, number][] = [[half, 2], [half, 2], [dt, 1]];
    for (const [offset, weight] of stages) {
      for (let i = 0; i < w.length; i++) tmpW[i] = w[i] + offset * kw[i];
      for (let i = 0; i < q.length; i++) tmpQ[i] = q[i] + offset * kq[i];
      this.field(tmpW, tmpQ, kw, kq);
      for (let i = 0; i < w.length; i++) accW[i] += weight * kw[i];
      for (let i = 0; i < q.length; i++) accQ[i] += weight * kq[i];
    }
    for (let i = 0; i < w.length; i++) w[i] += (dt / 6) * accW[i];
    for (let i = 0; i < q.length; i++) q[i] += (dt / 6) * accQ[i];
    return start;
  }

  /** ||r0 - K0 q / n||^2 / (2n), the linearised model's risk. */
  linearRisk(): number {
    return this.linearResidual(this.q, this.tmpQ) / (2 * this.n);
  }
}
