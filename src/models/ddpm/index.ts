/** Denoising diffusion: schedules, the forward process, DDPM/DDIM samplers, the U-Net, the bound. */
export { betaSchedule, type BetaScheduleConfig, type BetaScheduleKind } from './schedules.js';
export { NoiseSchedule } from './noise_schedule.js';
export { qSample, posteriorMean, predictX0AndEps, predictionTarget, epsMean, type Prediction } from './diffusion.js';
export { DdpmSampler, type VarianceKind } from './ddpm_sampler.js';
export { DdimSampler, ddimTimesteps, type TimestepSpacing } from './ddim_sampler.js';
export type { Sampler, StepResult } from './sampler.js';
export { runSampler, makeSampler, type SamplerConfig } from './sampling.js';
export { UNet, defaultUNetConfig, type UNetConfig } from './unet.js';
export { DdpmModel, ddpmFamily, type DdpmConfig } from './family.js';
export { variationalBound } from './nll.js';
export { interpolateDiffusion, slerp } from './interpolate.js';
