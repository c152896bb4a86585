/** The kernels the TypeScript wrapper calls; each concern lives in its own file. */
export { alloc, free } from "./memory";
export { rngSeed, rngUniform, rngGaussian, rngSphere } from "./random";
export { erf, erfc } from "./special";
export { sigma, sigmaPrime, sigmaSecond, activate, activationMap } from "./activations";
export { gemm } from "./matmul";
export {
  dot, sumSquares, distanceSquared, axpy, addScaled, scale, subtract
} from "./vector";
export { networkWorkBytes, forward, jvp, vjp, jacobian } from "./network";
export { ntkGram, lambdaMax } from "./kernels";
export {
  flowBytes, flowWorkBytes, flowInit, flowRk4, flowEuler, flowLinearDisplacement, flowMetrics,
  METRIC_COUNT
} from "./integrators";
