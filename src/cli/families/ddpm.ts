/**
 * The DDPM family's command line: `genlab train ddpm` flags, every one a field of the config
 * declaration (src/models/ddpm/config.ts); `genlab sample` with a chosen sampler and a
 * trajectory (ddpm_sample.ts); `genlab eval` with a chosen sampler, read and defaulted by the
 * same code as sample's (ddpm_sampler_flags.ts); `genlab interpolate` through q(x_t | x_0)
 * (ddpm_interpolate.ts).
 */
import { ddpmConfigSchema, type DdpmConfig } from '../../models/ddpm/config.js';
import { DdpmModel } from '../../models/ddpm/model.js';
import { UserError } from '../../util/errors.js';
import { schemaFlags } from './schema_flags.js';
import type { EvalSampling, FamilyCli } from './types.js';
import { ddpmSample } from './ddpm_sample.js';
import { ddpmInterpolate } from './ddpm_interpolate.js';
import { resolveSampler, samplerChoice, samplerLabel, SAMPLER_OPTIONS } from './ddpm_sampler_flags.js';

/** `genlab eval RUN --sampler ddim --sampling-steps 20`: the DDIM paper's steps-vs-FID table. */
const evalSampling: EvalSampling = {
  options: SAMPLER_OPTIONS,
  parse(a, config) {
    const choice = samplerChoice(a, false);
    // Without --sampler eval uses the run's own sampler (as its periodic grids did).
    if (choice.kind === undefined) {
      if (choice.steps !== undefined || choice.eta !== undefined || choice.spacing !== undefined) throw new UserError('--sampling-steps, --eta and --spacing go with --sampler ddpm|ddim|dpm++2m|unipc');
      return null;
    }
    const sampler = resolveSampler(config.modelConfig as DdpmConfig, choice);
    return {
      label: samplerLabel(sampler),
      configure(model) {
        if (!(model instanceof DdpmModel)) throw new Error('ddpm eval: not a DDPM model');
        model.config.sampler = sampler;
      },
    };
  },
};

export const ddpmCli: FamilyCli<DdpmConfig> = {
  name: 'ddpm',
  train: schemaFlags(ddpmConfigSchema),
  sample: ddpmSample,
  evalSampling,
  figures: { interpolate: ddpmInterpolate },
};
