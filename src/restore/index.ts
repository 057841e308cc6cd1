/**
 * Zero-shot restoration (issue 14), browser-safe: the degradation operators, DDNM / DDNM+ on a
 * DDPM, DGP on a GAN, MAP restoration with a VAE, PSNR / SSIM. The experiment runner that reads
 * data and writes files is run.ts (Node), behind `genlab restore`.
 */
export type { LinearOperator, ImageShape } from './operators/operator.js';
export { measure, symmetricMeasurement, rangePart, nullPart, consistency } from './operators/operator.js';
export { InpaintOperator, makeMask, type MaskSpec } from './operators/inpaint.js';
export { SuperResolutionOperator } from './operators/super_resolution.js';
export { DenoiseOperator } from './operators/denoise.js';
export { CompressedSensingOperator, orthonormalRows } from './operators/compressed_sensing.js';
export { DeblurOperator, gaussianBlurMatrix } from './operators/deblur.js';
export { ColorizeOperator } from './operators/colorize.js';
export { makeOperator, taskLabel, TASKS, TASK_DEFAULTS, type TaskSpec, type TaskName } from './tasks.js';
export { ddnmRestore, ddnmCoefficients, timeTravelSchedule, forwardJump, DdnmSampler, DDNM_DEFAULTS, type DdnmConfig, type DdnmRun } from './ddnm.js';
export { dgpRestore, sequentialBlocks, discriminatorFeatures, DGP_DEFAULTS, type DgpConfig, type DgpStage, type GanPrior, type DgpResult } from './dgp.js';
export { vaeRestore, VAE_RESTORE_DEFAULTS, type VaeRestoreConfig, type VaeRestoreResult } from './vae_inpaint.js';
export { psnr, ssim, batchQuality } from './metrics.js';
export { restoreBatch, METHODS, METHOD_DEFAULTS, type RestoreMethod, type MethodSettings } from './methods.js';
