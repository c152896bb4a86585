/**
 * Gradient flow of the linearised model in closed form, from the
 * eigen-decomposition K_0 = Q diag(lambda) Q^T:
 *
 *   r_bar(t)             = Q diag(exp(-lambda t / n)) Q^T r_0,
 *   theta_bar(t) - theta_0 = Phi_0^T Q diag(g(t)) Q^T r_0,
 *   g_i(t) = -expm1(-lambda_i t / n) / lambda_i   (t / n when lambda_i = 0),
 *
 * with r_0 = y - f_n(theta_0). Exact up to rounding at every t, with no step
 * size: it cross-checks the integrated linear flow, and answers questions
 * about the linear model alone at the cost of one n x n decomposition.
 */
import type { Dataset } from './data.js';
import { fromEigenbasis, symmetricEigen, toEigenbasis, type SymmetricEigen } from './linalg.js';
import { forward, jvp, ntk, vjp, type Network } from './network.js';
import type { Engine } from './wasm.js';

/** The linearised flow of one network on one training set, at any time t >= 0. */
export class LinearDynamics {
  readonly n: number;
  /** K_0 = Phi_0 Phi_0^T and its decomposition. */
  readonly eig: SymmetricEigen;
  /** r_0 = y - f_n(theta_0). */
  readonly residual0: Float64Array;
  private readonly coefficients: Float64Array;

  /**
   * Forms K_0 for `net` (its W is theta_0) on `train` and decomposes it.
   * Cost: n^2 (M + d) / 2 for K_0, about 9 n^3 for the decomposition.
   */
  constructor(
    private readonly engine: Engine, private readonly net: Network,
    private readonly train: Dataset,
  ) {
    this.n = train.n;
    this.eig = symmetricEigen(engine, ntk(engine, net, train.X), 'K_0');
    const f0 = forward(engine, net, train.X);
    this.residual0 = train.y.map((yi, i) => yi - f0[i]);
    this.coefficients = toEigenbasis(this.eig, this.residual0);
  }

  /** The residual r_bar(t) = y - f_lin(X; theta_bar(t)) (n values). Cost: n^2. */
  residual(t: number): Float64Array {
    const exp = this.engine.k.exp;
    const c = this.coefficients.map((ci, i) => ci * exp((-this.eig.values[i] * t) / this.n));
    return fromEigenbasis(this.eig, c);
  }

  /** The linearised empirical risk (1/(2n)) ||r_bar(t)||^2. Cost: n. */
  risk(t: number): number {
    let s = 0;
    for (let i = 0; i < this.n; i++) {
      const ci = this.coefficients[i] * this.engine.k.exp((-this.eig.values[i] * t) / this.n);
      s += ci * ci;
    }
    return s / (2 * this.n);
  }

  /**
   * ||theta_bar(t) - theta_0|| = sqrt(sum_i lambda_i g_i(t)^2 c_i^2), without
   * forming the parameters (eigenvalues below zero from rounding count as
   * zero). Cost: n.
   */
  displacementNorm(t: number): number {
    let s = 0;
    for (let i = 0; i < this.n; i++) {
      const lambda = Math.max(this.eig.values[i], 0);
      const g = this.gain(i, t) * this.coefficients[i];
      s += lambda * g * g;
    }
    return Math.sqrt(s);
  }

  /** theta_bar(t) - theta_0 (M x d, row-major). Cost: n^2 + n M d. */
  displacement(t: number): Float64Array {
    const u = fromEigenbasis(this.eig, this.coefficients.map((ci, i) => ci * this.gain(i, t)));
    return vjp(this.engine, this.net, this.train.X, u);
  }

  /**
   * f_lin(x; theta_bar(t)) = f(x; theta_0) + <grad f(x; theta_0), theta_bar(t) - theta_0>
   * for the rows of X (any number of rows of d values). Cost: n^2 + 2 n M d.
   */
  predict(X: Float64Array, t: number): Float64Array {
    const f0 = forward(this.engine, this.net, X);
    const moved = jvp(this.engine, this.net, X, this.displacement(t));
    return f0.map((value, i) => value + moved[i]);
  }

  /** g_i(t) = -expm1(-lambda_i t / n) / lambda_i, or t / n when lambda_i = 0. */
  private gain(i: number, t: number): number {
    const lambda = this.eig.values[i];
    return lambda === 0 ? t / this.n : -this.engine.k.expm1((-lambda * t) / this.n) / lambda;
  }
}
