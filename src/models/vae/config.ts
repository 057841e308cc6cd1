/**
 * The configuration of the autoencoder and VAE families: one declaration (src/config/schema.ts)
 * gives the typed, JSON-serialisable record, its defaults per data kind, its validation and the
 * fields' flags. The autoencoder is the VAE with the KL term dropped and sigma = 0 (z = mu), so
 * both share it; `kind` tells them apart.
 */
import { UserError } from '../../util/errors.js';
import { int, intList, num, object, oneOf, type Infer } from '../../config/schema.js';
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
    /**
     * p(x|z): 'bernoulli' (logits; its negative log-likelihood is the summed binary cross-entropy)
     * or 'gaussian' (its negative log-likelihood is 1/(2 sigma^2) times the summed squared error plus
     * a constant). Images get the Bernoulli decoder; 2-D points a Gaussian one whose variance is
     * learned (a unit variance would swamp data of that scale).
     */
    decoder: oneOf(['bernoulli', 'gaussian'], {
      default: (c: VaeDefaultsContext) => (points(c) ? 'gaussian' : 'bernoulli'),
      flag: 'decoder',
      doc: 'p(x|z): bernoulli (binary cross-entropy) or gaussian (squared error); gaussian turns binarisation off',
    }),
    /** Gaussian decoder: 'fixed' sigma = decoderStd, or 'learned' per dimension as a function of z. */
    decoderVariance: oneOf(['fixed', 'learned'], {
      default: (c: VaeDefaultsContext) => (points(c) ? 'learned' : 'fixed'),
      flag: 'decoder-variance',
      doc: 'gaussian decoder: fixed sigma (--decoder-std) or learned per dimension',
    }),
    /** Gaussian decoder with fixed variance: its standard deviation (1 = the unit-variance decoder). */
    decoderStd: num({ gt: 0, default: 1, flag: 'decoder-std', doc: 'gaussian decoder with fixed variance: its standard deviation' }),
    /** Weight of the KL term (beta-VAE, Higgins et al. 2017); 1 gives the ELBO. */
    beta: num({ min: 0, default: 1, flag: 'beta', doc: 'weight of the KL term (beta-VAE); 1 gives the ELBO' }),
    /** KL warm-up: the KL weight rises linearly from 0 to beta over this many steps (0 = off). */
    klWarmupSteps: int({ min: 0, default: 0, flag: 'kl-warmup', doc: 'steps over which the KL weight rises from 0 to beta (0 = off)' }),
    /**
     * How batches are binarised: 'dynamic' resamples x ~ Bernoulli(pixels) each time (Salakhutdinov
     * & Murray 2008). Greyscale images are binarised dynamically so that the Bernoulli likelihood
     * is a true likelihood (test ELBO in nats comparable with the literature); colour images keep
     * their grey levels (cross-entropy on [0, 1]).
     */
    binarize: oneOf(['none', 'dynamic', 'threshold'], {
      default: (c: VaeDefaultsContext) => (!points(c) && c.data.shape[2] === 1 ? 'dynamic' : 'none'),
      flag: 'binarize',
      doc: 'binarisation of the batches: dynamic resamples x ~ Bernoulli(pixels) each time',
    }),
  },
  {
    refine: (c) => (c.decoder === 'bernoulli' && c.decoderVariance === 'learned' ? { key: 'decoderVariance', must: "must be 'fixed' with the bernoulli decoder ('learned' needs the gaussian decoder)" } : null),
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
  if (data.kind === 'points') {
    if (config.arch === 'conv') throw new UserError('--arch conv needs image data; use --arch mlp for points');
    if (config.decoder === 'bernoulli') throw new UserError('--decoder bernoulli needs image data in [0, 1]; use --decoder gaussian for points');
    if (config.binarize !== 'none') throw new UserError('binarisation applies to images only');
    return;
  }
  if (config.arch === 'conv') {
    const f = 2 ** config.channels.length;
    const [h, w] = data.shape;
    if (h % f !== 0 || w % f !== 0) {
      throw new UserError(`--arch conv with ${config.channels.length} stride-2 stages needs image sides divisible by ${f}, got ${h}x${w}`);
    }
  }
}
