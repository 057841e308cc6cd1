/**
 * The configuration of the autoencoder and VAE families: one declaration (src/config/schema.ts)
 * gives the typed, JSON-serialisable record, its defaults per data kind, its validation and the
 * fields' flags. The autoencoder is the VAE with the KL term dropped and sigma = 0 (z = mu), so
 * both share it; `kind` tells them apart.
 */
import { int, intList, object, oneOf, type Infer } from '../../config/schema.js';
import { checkVaeLikeDataFit, decoderVarianceProblem, likelihoodFields } from './likelihood_fields.js';
import type { DataShape, TrainingConfig } from '../../train/types.js';

/** What the defaults depend on: the family (vae or ae) and the data. */
export interface VaeDefaultsContext {
  kind: 'vae' | 'ae';
  data: DataShape;
}

const points = (c: VaeDefaultsContext) => c.data.kind === 'points';

export const vaeConfigSchema = object(
  {
    /** 'vae': q(z|x) = N(mu, diag sigma^2) and a KL term; 'ae': deterministic z = mu, no KL. */
    kind: oneOf(['vae', 'ae'], { default: (c: VaeDefaultsContext) => c.kind }),
    /** Encoder/decoder networks: fully connected, or stride-2 convolutions for images. */
    arch: oneOf(['mlp', 'conv'], { default: 'mlp', flag: 'arch', doc: 'encoder/decoder: fully connected (mlp) or stride-2 convolutions (conv, images)' }),
    // 2-D toy data: a small MLP and a 2-D latent. Images: 784-512-512-(2 x 32) as in the mlp-vae benchmark workload.
    latent: int({ min: 1, default: (c: VaeDefaultsContext) => (points(c) ? 2 : 32), flag: 'latent', doc: 'dimension of the latent z' }),
    /** MLP: widths of the encoder's hidden layers; the decoder mirrors them. */
    hidden: intList({ default: (c: VaeDefaultsContext) => (points(c) ? [128, 128] : [512, 512]), flag: 'hidden', doc: "MLP: widths of the encoder's hidden layers (the decoder mirrors them)" }),
    /** MLP hidden activation: relu (default), tanh (the IWAE paper's). */
    activation: oneOf(['relu', 'tanh'], { default: 'relu', flag: 'activation', doc: 'MLP hidden activation (tanh is the IWAE paper\'s)' }),
    /** Conv: output channels of each stride-2 4x4 convolution; the decoder mirrors them. */
    channels: intList({ default: [32, 64], flag: 'channels', doc: 'conv: output channels of each stride-2 4x4 convolution (the decoder mirrors them)' }),
    /** Conv: width of the dense layer between the convolutions and the latent. */
    convDense: int({ min: 1, default: 256 }),
    ...likelihoodFields,
  },
  {
    refine: (c) => decoderVarianceProblem(c),
  },
);

export type VaeConfig = Infer<typeof vaeConfigSchema>;

/** Lower bound on a learned decoder log-variance: sigma >= 0.01, so a constant pixel cannot make the likelihood infinite. */
export const LEARNED_LOGVAR_MIN = Math.log(1e-4);

/** The IWAE paper's one-stochastic-layer network (Burda et al. 2016, sec. 5): 784-200-200-50, tanh. */
export const IWAE_PRESET = { arch: 'mlp', hidden: [200, 200], activation: 'tanh', latent: 50 } as const;

/** Defaults per data kind (the reasons are in the declaration). */
export function defaultConfig(kind: 'vae' | 'ae', data: DataShape): VaeConfig {
  return vaeConfigSchema.defaults({ kind, data });
}

/** Training defaults: Adam at 1e-3 (Kingma & Ba; the AEVB and IWAE papers use Adam), batch 128. */
export function defaultTraining(data: DataShape, source: string): Partial<TrainingConfig> {
  const base = source.replace(/:(train|test)$/, '');
  if (data.kind === 'points') {
    return { steps: 4000, epochs: null, batch: 256, optimizers: { model: { kind: 'adam', lr: 1e-3 } } };
  }
  // mnist (8,000 training images) for 30 epochs is ~1,900 steps: a couple of minutes on wasm;
  // fashion-mnist's 60,000 images give as many steps in 4 epochs.
  const epochs = base === 'mnist' ? 30 : base === 'fashion-mnist' ? 4 : 10;
  return { epochs, batch: 128, optimizers: { model: { kind: 'adam', lr: 1e-3 } } };
}

/** Throws a one-line UserError `${where}: modelConfig.KEY must be ..., got ...` naming the first bad key. */
export function validateConfig(config: VaeConfig, where = 'config'): void {
  vaeConfigSchema.validate(config, where, 'modelConfig');
}

/** Checks that a config fits the data it is built for (called by create). */
export function checkDataFit(config: VaeConfig, data: DataShape): void {
  checkVaeLikeDataFit(config, data);
}
