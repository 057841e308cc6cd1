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
import { num } from '../args.js';
import { schemaFlags } from './schema_flags.js';
import type { EvalSampling, FamilyCli } from './types.js';
import { ddpmSample } from './ddpm_sample.js';
import { ddpmInterpolate } from './ddpm_interpolate.js';
import { resolveSampler, samplerChoice, samplerLabel, SAMPLER_OPTIONS } from './ddpm_sampler_flags.js';

/**
 * `genlab eval RUN --sampler ddim --sampling-steps 20`: the DDIM paper's steps-vs-FID table;
 * `--guidance W` on a class-conditional run: samples of every class (in turn) with
 * classifier-free guidance weight W, for the guidance-vs-FID/accuracy table.
 */
const evalSampling: EvalSampling = {
  options: { ...SAMPLER_OPTIONS, guidance: { type: 'string' } },
  parse(a, config) {
    const choice = samplerChoice(a, false);
    const model = config.modelConfig as DdpmConfig;
    const guidance = num(a, 'guidance', undefined, 0);
    if (guidance !== undefined && model.condition !== 'class') throw new UserError('--guidance: this run is not class-conditional (train it with --condition class)');
    // Without --sampler eval uses the run's own sampler (as its periodic grids did).
    if (choice.kind === undefined && (choice.steps !== undefined || choice.eta !== undefined || choice.spacing !== undefined)) {
      throw new UserError('--sampling-steps, --eta and --spacing go with --sampler ddpm|ddim|dpm++2m|unipc');
    }
    if (choice.kind === undefined && guidance === undefined) return null;
    const sampler = choice.kind === undefined ? model.sampler : resolveSampler(model, choice);
    return {
      label: samplerLabel(sampler) + (guidance !== undefined ? `, guidance ${guidance}` : ''),
      configure(m) {
        if (!(m instanceof DdpmModel)) throw new Error('ddpm eval: not a DDPM model');
        m.config.sampler = sampler;
        if (guidance !== undefined) m.sampleGuidance = guidance;
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
