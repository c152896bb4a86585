/** The kernels the TypeScript wrapper calls; each concern lives in its own file. */
export { alloc, free } from "./memory";
export { rngSeed, rngUniform, rngGaussian, rngSphere } from "./random";
export { erf, erfc } from "./special";
export { exp, expm1, log } from "./elementary";
export { sigma, sigmaPrime, sigmaSecond, activate, activationMap } from "./activations";
export { gemm } from "./matmul";
export {
  dot, sumSquares, distanceSquared, axpy, addScaled, scale, subtract
} from "./vector";
export {
  networkWorkBytes, forward, forwardHidden, jvp, jvpSecondLayer, vjp, vjpSecondLayer,
  jacobian, jacobianTrained
} from "./network";
export { ntkGram, ntkGramTrained, lambdaMax, slopeChange } from "./kernels";
export { symmetricEigen } from "./linalg";
export {
  flowBytes, flowWorkBytes, flowInit, flowInitTrained, flowRk4, flowEuler,
  flowLinearDisplacement, flowMetrics, METRIC_COUNT
} from "./integrators";
export { gaussHermite } from "./quadrature";
export { analyticWorkCount, analyticPairs, analyticGram } from "./analytic";
