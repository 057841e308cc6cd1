/** Math shared by the model families, the metrics and the distributions; each file states its equations. */
export { lerp, slerp, interpolatePath, type PathMode } from './slerp.js';
export { gaussianKl, klStdNormal } from './gaussian_kl.js';
export { sumPerExample } from './sum_per_example.js';
export { unitToSymmetric, symmetricToUnit, unitToSymmetricInPlace } from './scaling.js';
export { logSumExp } from './log_sum_exp.js';
export { erfc, normalCdf, normalQuantile } from './normal.js';
export * as linalg from './linalg.js';
