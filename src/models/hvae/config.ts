/**
 * The configuration of the hierarchical VAE family (`hvae`): one declaration (src/config/schema.ts)
 * gives the typed record, its defaults per data kind, its validation and its flags. The decoder,
 * binarisation, beta and warm-up fields mean what they mean for the VAE (src/models/vae/config.ts).
 *
 * Layers are numbered from the data up: z_1 is next to x, z_L is the top, drawn from N(0, I).
 */
import { int, intList, num, object, oneOf, type Infer } from '../../config/schema.js';
import { checkVaeLikeDataFit, decoderVarianceProblem, likelihoodFields } from '../vae/likelihood_fields.js';
import type { DataShape } from '../../train/types.js';

/** What the defaults depend on: the data. */
export interface HvaeDefaultsContext {
  data: DataShape;
}

const points = (c: HvaeDefaultsContext) => c.data.kind === 'points';

export const hvaeConfigSchema = object(
  {
    /** x -> d_1 and z_1 -> x: fully connected, or stride-2 convolutions (28x28 and other sides divisible by 2^stages). */
    arch: oneOf(['mlp', 'conv'], { default: 'mlp', flag: 'arch', doc: 'x <-> first layer: fully connected (mlp) or stride-2 convolutions (conv, images)' }),
    /**
     * Size of each stochastic layer, bottom (z_1) first; its length is the number of layers L.
     * Images: the IWAE paper's two-layer model (Burda et al. 2016, sec. 5), z_1 100 and z_2 50.
     */
    latents: intList({ default: (c: HvaeDefaultsContext) => (points(c) ? [2, 2] : [100, 50]), flag: 'latents', doc: 'size of each stochastic layer, bottom first (L = the number of entries)' }),
    /**
     * Width of the deterministic block of each layer, bottom first (one entry per layer): the
     * bottom-up block i maps d_{i-1} to d_i, the top-down block i maps z_{i+1} to p(z_i | z_{i+1})
     * (and block 1 maps z_1 to p(x | z_1)). IWAE's 784-200-200-100-100-100-50: [200, 100].
     */
    hidden: intList({ default: (c: HvaeDefaultsContext) => (points(c) ? [64, 64] : [200, 100]), flag: 'hidden', doc: 'width of each layer\'s deterministic block, bottom first (one per layer)' }),
    /** Dense layers per deterministic block (IWAE: 2). */
    depth: int({ min: 1, default: 2, flag: 'depth', doc: 'dense layers in each deterministic block' }),
    /**
     * Hidden activation: relu, or tanh (the IWAE paper's). relu by default: on genlab's mnist the
     * two-layer tanh ladder sat on the mean-image plateau (KL ~ 0 at both layers, -209 nats) for
     * all of a 1,500-step pilot, where relu reached -131 nats (-120.6 with residual inference).
     */
    activation: oneOf(['relu', 'tanh'], { default: 'relu', flag: 'activation', doc: 'hidden activation of the dense blocks (tanh is the IWAE paper\'s)' }),
    /**
     * How q(z_i | z_{i+1}, x) combines the bottom-up Gaussian with the top-down prior p(z_i | z_{i+1}):
     *   'ladder'   precision-weighted merge (Sonderby et al. 2016, eqs. 18-19);
     *   'residual' q = N(mu_p + dmu, sigma_p^2 dsigma^2), relative to the prior (Vahdat & Kautz 2020, NVAE sec. 3.2).
     * The top layer's q is the bottom-up Gaussian in both.
     */
    inference: oneOf(['ladder', 'residual'], { default: 'ladder', flag: 'inference', doc: 'q(z_i|z_{i+1},x): ladder (precision-weighted merge) or residual (NVAE: relative to the prior)' }),
    /** Conv: output channels of each stride-2 4x4 convolution; the decoder mirrors them. */
    channels: intList({ default: [32, 64], flag: 'channels', doc: 'conv: output channels of each stride-2 4x4 convolution' }),
    /** Conv: width of d_1, the dense layer after the convolutions (it replaces hidden[0]). */
    convDense: int({ min: 1, default: 256 }),
    /** p(x | z_1), its variance, the KL weight and warm-up, binarisation: as the VAE's. */
    ...likelihoodFields,
    /**
     * Free bits per layer (Kingma et al. 2016, eq. 15): the loss takes max(lambda, KL_i) with KL_i
     * the batch mean of layer i's KL, so no layer is pushed below lambda nats (0 = off).
     */
    freeBits: num({ min: 0, default: 0, flag: 'free-bits', doc: 'free bits: nats per layer below which its KL is not penalised (0 = off)' }),
  },
  {
    refine: (c) => {
      if (c.hidden.length !== c.latents.length) return { key: 'hidden', must: `must have one width per stochastic layer (${c.latents.length}, as latents)` };
      return decoderVarianceProblem(c);
    },
  },
);

export type HvaeConfig = Infer<typeof hvaeConfigSchema>;

export function defaultConfig(data: DataShape): HvaeConfig {
  return hvaeConfigSchema.defaults({ data });
}

/** Throws a one-line UserError `${where}: modelConfig.KEY must be ..., got ...` naming the first bad key. */
export function validateConfig(config: HvaeConfig, where = 'config'): void {
  hvaeConfigSchema.validate(config, where, 'modelConfig');
}

/** Checks that a config fits the data it is built for (called by the model's constructor). */
export function checkDataFit(config: HvaeConfig, data: DataShape): void {
  checkVaeLikeDataFit(config, data);
}
