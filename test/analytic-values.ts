/**
 * Reference values for testing the analytic NTK, computed independently of
 * the package.
 *
 * HERMITE_20: the largest ten nodes of the 20-node Gauss-Hermite rule for
 * N(0, 1), with their weights normalised to sum 1, from NumPy 2.4.6's
 * numpy.polynomial.hermite_e.hermegauss (eigenvalues of the companion
 * matrix, one Newton step), each printed with repr().
 *
 * GENERAL_NORM: rows x and x' of various norms (one of them zero, one pair
 * identical), with NT = <x, x'> E[sigma'(u) sigma'(v)] and
 * RF = E[sigma(u) sigma(v)], (u, v) centred Gaussian with variances |x|^2,
 * |x'|^2 and covariance <x, x'>. Computed with SciPy 1.17.1's adaptive
 * integrate.dblquad (QUADPACK) over [-14, 14]^2 in the coordinates
 * u = |x| z1, v = |x'| (t z1 + sqrt(1 - t^2) z2) against the standard normal
 * density, epsabs 1e-14 and epsrel 1e-13 (integrate.quad on [-40, 40] when
 * t = 1), with sigma from numpy.tanh, numpy.logaddexp(0, x) (softplus) and
 * x scipy.special.ndtr(x) (gelu). They agree with a 180-node tensor
 * Gauss-Hermite rule of NumPy's to 5e-16, except tanh on the rows of norm
 * about 1.6, where the 180-node rule is itself off by up to 1.1e-10.
 */
export const HERMITE_20: ReadonlyArray<readonly [number, number]> = [
  [7.619048541679758, 1.2578006724379264e-13],
  [6.510590157013654, 2.4820623623151797e-10],
  [5.5787388058932015, 6.127490259982928e-08],
  [4.734581334046055, 4.4021210902308646e-06],
  [3.9439673506573163, 0.00012882627996192942],
  [3.1890148165533896, 0.0018301031310804924],
  [2.458663611172368, 0.013997837447100996],
  [1.7452473208141268, 0.06150637206397696],
  [1.042945348802751, 0.16173933398400003],
  [0.3469641570813559, 0.2607930634495548],
];

/** [activation, x, x', NT, RF]. */
export const GENERAL_NORM: ReadonlyArray<
  readonly ['tanh' | 'softplus' | 'gelu', number[], number[], number, number]
> = [
  ['tanh', [0.6, -0.8, 0], [0.28, 0.96, 0], -0.23615267885686106, -0.22522215352688374],
  ['tanh', [1.5, 0.5, -0.25], [-0.3, 0.7, 1.1], -0.08260705719736126, -0.08213194593136505],
  ['tanh', [0.2, 0.1, 0], [1.3, -0.4, 0.9], 0.09157606350216516, 0.09080135477914361],
  ['tanh', [0, 0, 0], [0.5, -1.0, 0.25], 0, 0],
  ['tanh', [1.1, -0.6, 0.3], [1.1, -0.6, 0.3], 0.6282720663013902, 0.4866510064792172],
  ['softplus', [0.6, -0.8, 0], [0.28, 0.96, 0], -0.1345450402763915, 0.5074373061609362],
  ['softplus', [1.5, 0.5, -0.25], [-0.3, 0.7, 1.1], -0.08926657013119665, 0.7496559178844809],
  ['softplus', [0.2, 0.1, 0], [1.3, -0.4, 0.9], 0.05702865517487836, 0.7277720162510259],
  ['softplus', [0, 0, 0], [0.5, -1.0, 0.25], 0, 0.5805940591226768],
  ['softplus', [1.1, -0.6, 0.3], [1.1, -0.6, 0.3], 0.5163586625180069, 1.2238634255209173],
  ['gelu', [0.6, -0.8, 0], [0.28, 0.96, 0], -0.0826225308535752, -0.03748413802750968],
  ['gelu', [1.5, 0.5, -0.25], [-0.3, 0.7, 1.1], -0.08133473507071787, 0.1439981701382155],
  ['gelu', [0.2, 0.1, 0], [1.3, -0.4, 0.9], 0.06482640249950015, 0.07069634538397483],
  ['gelu', [0, 0, 0], [0.5, -1.0, 0.25], 0, 0],
  ['gelu', [1.1, -0.6, 0.3], [1.1, -0.6, 0.3], 0.8005448639851644, 0.7517009241631386],
];
