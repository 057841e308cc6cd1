/**
 * The `ddpm` namespace of genlab's core (browser-safe): index.ts without the family, whose
 * sample command and likelihood metric reach the file system (family.ts -> cli.ts).
 */
export { betaSchedule, type BetaScheduleConfig, type BetaScheduleKind } from './schedules.js';
export { NoiseSchedule } from './noise_schedule.js';
export { qSample, posteriorMean, predictX0AndEps, predictionTarget, epsMean, type Prediction } from './diffusion.js';
export { predictX0Eps, epsFromX0, type X0Eps, type PredictOptions, type Predictor } from './predict.js';
export { DdpmSampler, type VarianceKind } from './ddpm_sampler.js';
export { DdimSampler, ddimTimesteps, type TimestepSpacing } from './ddim_sampler.js';
export type { Sampler } from './sampler.js';
export { runSampler, makeSampler, type SamplerConfig, type SamplingOptions, type CorrectX0 } from './sampling.js';
export { UNet, defaultUNetConfig, type UNetConfig } from './unet.js';
export { DdpmModel, type DdpmConfig, type DenoiserConfig } from './model.js';
export { variationalBound } from './nll.js';
export { interpolateDiffusion, type Mix } from './interpolate.js';
export { slerp } from '../../math/slerp.js';
