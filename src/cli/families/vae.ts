/**
 * `genlab train vae|ae`: the flags of the vae/ae config declaration (src/models/vae/config.ts)
 * and the three that are more than one field each:
 *   --arch iwae     the IWAE paper's 784-200-200-50 tanh MLP (flags after it override it);
 *   --decoder       a new decoder brings its binarisation (gaussian: none) and variance (bernoulli: fixed);
 *   --loss bce|mse  (ae) the decoder by its loss: bce = bernoulli, mse = gaussian.
 * The vae has --beta and --kl-warmup; the ae, which has no KL term, does not.
 * The figure commands (reconstruct, interpolate, manifold) are in vae_figures.ts.
 */
import { applyFlags, flagField, type HelpRow } from '../../config/schema.js';
import { IWAE_PRESET, vaeConfigSchema, type VaeConfig } from '../../models/vae/config.js';
import { UserError } from '../../util/errors.js';
import { choice, str, type ParsedArgs } from '../args.js';
import { givenFlags } from '../config_flags.js';
import { schemaFlags } from './schema_flags.js';
import type { FamilyCli, TrainFlags } from './types.js';
import { vaeFigures } from './vae_figures.js';

/** Flags with logic of their own below; the rest apply field by field. */
const CUSTOM = ['arch', 'decoder', 'binarize'];

function parsed<K extends keyof VaeConfig>(a: ParsedArgs, flag: string): VaeConfig[K] | undefined {
  const text = str(a, flag);
  return text === undefined ? undefined : (flagField(vaeConfigSchema, flag).parseFlag(text, flag) as VaeConfig[K]);
}

/** The decoder, and the binarisation and variance that go with a new one unless --binarize / --decoder-variance say otherwise. */
function withDecoder(a: ParsedArgs, c: VaeConfig, decoder: VaeConfig['decoder']): VaeConfig {
  const out = { ...c, decoder };
  if (decoder === 'gaussian' && c.decoder !== 'gaussian') out.binarize = 'none'; // binarised data under a Gaussian density makes no sense
  if (decoder === 'bernoulli' && c.decoder !== 'bernoulli') out.decoderVariance = 'fixed';
  if (str(a, 'decoder-variance') === 'learned' && decoder === 'gaussian') out.decoderVariance = 'learned';
  out.binarize = parsed<'binarize'>(a, 'binarize') ?? out.binarize;
  return out;
}

function trainFlags(kind: 'vae' | 'ae'): TrainFlags<VaeConfig> {
  const omit = kind === 'ae' ? ['beta', 'kl-warmup'] : [];
  const fields = schemaFlags(vaeConfigSchema, omit);
  const lossOf = (c: VaeConfig) => (c.decoder === 'bernoulli' ? 'bce' : 'mse');
  return {
    options: kind === 'ae' ? { ...fields.options, loss: { type: 'string' } } : fields.options,
    help(defaults, alternative) {
      const rows: HelpRow[] = fields.help(defaults, alternative).map((r) =>
        r.usage.startsWith('--arch ') ? { ...r, usage: '--arch mlp|conv|iwae', doc: `${r.doc}; iwae: the IWAE paper's 784-200-200-50 tanh MLP` } : r,
      );
      if (kind === 'ae') {
        const alt = alternative && lossOf(alternative) !== lossOf(defaults) ? lossOf(alternative) : undefined;
        rows.push({ usage: '--loss bce|mse', doc: 'reconstruction loss: bce (the bernoulli decoder) or mse (the gaussian one)', default: lossOf(defaults), alternative: alt });
      }
      return rows;
    },
    apply(a, config) {
      let c: VaeConfig = JSON.parse(JSON.stringify(config));
      const arch = choice(a, 'arch', ['mlp', 'conv', 'iwae'] as const, c.arch);
      c = arch === 'iwae' ? { ...c, ...IWAE_PRESET, hidden: [...IWAE_PRESET.hidden] } : { ...c, arch };
      c = applyFlags(vaeConfigSchema, givenFlags(a, vaeConfigSchema, [...omit, ...CUSTOM]), c);
      if (kind === 'vae') return withDecoder(a, c, parsed<'decoder'>(a, 'decoder') ?? c.decoder);
      if (str(a, 'decoder') !== undefined && str(a, 'loss') !== undefined) throw new UserError('give --loss or --decoder, not both');
      // --loss bce = Bernoulli decoder, --loss mse = Gaussian decoder (1/2 squared error + const).
      const loss = choice(a, 'loss', ['bce', 'mse'] as const, lossOf(c));
      return withDecoder(a, c, parsed<'decoder'>(a, 'decoder') ?? (loss === 'bce' ? 'bernoulli' : 'gaussian'));
    },
  };
}

export const vaeCli: FamilyCli<VaeConfig> = { name: 'vae', train: trainFlags('vae'), figures: vaeFigures };
export const aeCli: FamilyCli<VaeConfig> = { name: 'ae', train: trainFlags('ae'), figures: vaeFigures };
