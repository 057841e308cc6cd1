/**
 * The DDPM model family: DdpmModel (model.ts), a denoising network trained with the simple loss
 * of Ho et al. (2020) and sampled with DDPM or DDIM, with its config declared in config.ts.
 * The command line (flags, `genlab sample --sampler`, trajectories, interpolation) is
 * src/cli/families/ddpm.ts.
 */
import type { ModelFamily } from '../../train/types.js';
import { DdpmModel } from './model.js';
import { ddpmConfigSchema, defaultConfig, defaultTraining, type DdpmConfig } from './config.js';
import { likelihood } from './likelihood.js';

export { DdpmModel, type DdpmConfig, type DenoiserConfig } from './model.js';

export const ddpmFamily: ModelFamily<DdpmConfig> = {
  name: 'ddpm',
  summary: 'denoising diffusion (Ho et al. 2020) with DDPM and DDIM samplers',
  schema: ddpmConfigSchema,
  defaults(data) {
    return { model: defaultConfig(data), training: defaultTraining(data) };
  },
  validate(c, where = 'config') {
    ddpmConfigSchema.validate(c, where, 'modelConfig');
  },
  create(config, data, rng) {
    return new DdpmModel(config, data, rng);
  },
  dataOptions() {
    return { scaling: 'symmetric', binarize: 'none' };
  },
  likelihoodMetrics: (model, dataset, opts) => likelihood(model, dataset, opts),
};
