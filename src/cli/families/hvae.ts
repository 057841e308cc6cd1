/**
 * `genlab train hvae`: the flags of the hvae config declaration (src/models/hvae/config.ts),
 * with the VAE's decoder rule: a new decoder brings its binarisation (gaussian: none) and
 * variance (bernoulli: fixed) unless --binarize / --decoder-variance say otherwise. The figure
 * commands (reconstruct; interpolate at a chosen --layer) are hvae_figures.ts.
 */
import { applyFlags, flagField } from '../../config/schema.js';
import { hvaeConfigSchema, type HvaeConfig } from '../../models/hvae/config.js';
import { str, type ParsedArgs } from '../args.js';
import { givenFlags } from '../config_flags.js';
import { schemaFlags } from './schema_flags.js';
import type { FamilyCli, TrainFlags } from './types.js';
import { hvaeFigures } from './hvae_figures.js';

const CUSTOM = ['decoder', 'binarize'];

function parsed<K extends keyof HvaeConfig>(a: ParsedArgs, flag: string): HvaeConfig[K] | undefined {
  const text = str(a, flag);
  return text === undefined ? undefined : (flagField(hvaeConfigSchema, flag).parseFlag(text, flag) as HvaeConfig[K]);
}

const fields = schemaFlags(hvaeConfigSchema);

const train: TrainFlags<HvaeConfig> = {
  options: fields.options,
  help: fields.help,
  apply(a, config) {
    const c: HvaeConfig = applyFlags(hvaeConfigSchema, givenFlags(a, hvaeConfigSchema, CUSTOM), structuredClone(config));
    const decoder = parsed<'decoder'>(a, 'decoder') ?? c.decoder;
    const out = { ...c, decoder };
    if (decoder === 'gaussian' && config.decoder !== 'gaussian') out.binarize = 'none'; // binarised data under a Gaussian density makes no sense
    if (decoder === 'bernoulli' && config.decoder !== 'bernoulli') out.decoderVariance = 'fixed';
    out.binarize = parsed<'binarize'>(a, 'binarize') ?? out.binarize;
    return out;
  },
};

export const hvaeCli: FamilyCli<HvaeConfig> = { name: 'hvae', train, figures: hvaeFigures };
