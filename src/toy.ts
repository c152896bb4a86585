/**
 * The one-parameter picture of the lazy regime: one data point (x, y), one
 * parameter theta, the model f(x; theta) = sigma(theta x) - sigma(theta_0 x)
 * (centred so that f(x; theta_0) = 0) and the loss
 *
 *   L_alpha(theta) = (y - alpha f(x; theta))^2.
 *
 * In the rescaled coordinate u = alpha (theta - theta_0) the loss is
 * L_alpha(theta_0 + u / alpha) = (v_0 + f'(theta_0) u + O(u^2 / alpha))^2 with
 * v_0 = -y, so as alpha grows it tends to the quadratic (v_0 + f'(theta_0) u)^2
 * at rate 1/alpha: on a neighbourhood of size 1/alpha the problem is convex.
 */
import { logLogSlope } from './sweep.js';
import { ACTIVATIONS, SpecError, positive, shown, type Activation } from './spec.js';
import type { Engine } from './wasm.js';

export interface ToyOptions {
  activation?: Activation;
  /** The data point; defaults x = 1, y = 1. */
  x?: number;
  y?: number;
  /** The initial parameter; default 0.5 (where tanh has sigma'' != 0). */
  theta0?: number;
  /** Output scales; default 1, 2, 4, ..., 64. */
  alphas?: number[];
  /**
   * The u grid: `points` values evenly spaced on [-uMax, uMax]; defaults 2
   * and 81 (the default range holds the limit's minimiser u = y / f'(theta_0)).
   */
  uMax?: number;
  points?: number;
}

export interface ToyResult {
  activation: Activation;
  x: number;
  y: number;
  theta0: number;
  /** The grid of u = alpha (theta - theta_0). */
  u: number[];
  /** The limit (v_0 + f'(theta_0) u)^2 on the grid. */
  limit: number[];
  /** L_alpha(theta_0 + u / alpha) on the grid, one curve per alpha. */
  curves: { alpha: number; loss: number[]; maxDeviation: number }[];
  /**
   * Log-log slope of maxDeviation against alpha, fitted on the larger half
   * of the alphas where the 1/alpha term dominates (about -1 when
   * sigma''(theta_0 x) != 0); null with fewer than two alphas there.
   */
  slope: number | null;
}

/**
 * Evaluates the one-parameter toy on a grid, with sigma evaluated by the
 * kernels (so the numbers agree bit for bit across runtimes). Throws
 * SpecError for an unknown activation, non-finite numbers, alphas that
 * are not positive or fewer than 2 grid points.
 */
export function oneParameterToy(engine: Engine, options: ToyOptions = {}): ToyResult {
  const activation = options.activation ?? 'tanh';
  if (!ACTIVATIONS.includes(activation)) {
    throw new SpecError(
      'activation',
      `activation must be one of ${ACTIVATIONS.join(', ')}; got ${shown(activation)}`,
    );
  }
  const x = finite(options.x, 'x', 1);
  const y = finite(options.y, 'y', 1);
  const theta0 = finite(options.theta0, 'theta0', 0.5);
  const uMax = positive(options.uMax, 'uMax', 2);
  const points = options.points ?? 81;
  if (!Number.isInteger(points) || points < 2) {
    throw new SpecError('points', `points must be an integer >= 2; got ${shown(points)}`);
  }
  const alphas = options.alphas ?? [1, 2, 4, 8, 16, 32, 64];
  if (!Array.isArray(alphas) || alphas.length === 0) {
    throw new SpecError('alphas', `alphas must be a non-empty array; got ${shown(alphas)}`);
  }
  alphas.forEach((alpha, i) => positive(alpha, `alphas[${i}]`, undefined));

  const kind = ACTIVATIONS.indexOf(activation);
  const sigma = (theta: number) => engine.k.sigma(kind, theta * x);
  const base = sigma(theta0);
  const slope0 = x * engine.k.sigmaPrime(kind, theta0 * x);
  const u = Array.from({ length: points }, (_, i) => -uMax + (2 * uMax * i) / (points - 1));
  const square = (value: number) => value * value;
  const limit = u.map((ui) => square(-y + slope0 * ui));
  const curves = alphas.map((alpha) => {
    const loss = u.map((ui) => square(y - alpha * (sigma(theta0 + ui / alpha) - base)));
    const maxDeviation = Math.max(...loss.map((value, i) => Math.abs(value - limit[i])));
    return { alpha, loss, maxDeviation };
  });
  const median = [...alphas].sort((p, q) => p - q)[Math.floor(alphas.length / 2)];
  const large = curves.filter((curve) => curve.alpha >= median);
  return {
    activation, x, y, theta0, u, limit, curves,
    slope: logLogSlope(engine, large.map((c) => c.alpha), large.map((c) => c.maxDeviation)),
  };
}

function finite(value: unknown, field: string, fallback: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isFinite(value)) {
    throw new SpecError(field, `${field} must be a finite number; got ${shown(value)}`);
  }
  return value;
}
