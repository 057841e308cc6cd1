/**
 * The configuration of the autoencoder and VAE families: one typed, JSON-serialisable record.
 * The autoencoder is the VAE with the KL term dropped and sigma = 0 (z = mu), so both share it;
 * `kind` tells them apart.
 */
import { UserError } from '../../util/errors.js';
import type { DataShape, TrainingConfig } from '../../train/types.js';

export interface VaeConfig {
  /** 'vae': q(z|x) = N(mu, diag sigma^2) and a KL term; 'ae': deterministic z = mu, no KL. */
  kind: 'vae' | 'ae';
  /** Encoder/decoder networks: fully connected, or stride-2 convolutions for images. */
  arch: 'mlp' | 'conv';
  /** Dimension of z. */
  latent: number;
  /** MLP: widths of the encoder's hidden layers; the decoder mirrors them. */
  hidden: number[];
  /** MLP hidden activation: relu (default), tanh (the IWAE paper's). */
  activation: 'relu' | 'tanh';
  /** Conv: output channels of each stride-2 4x4 convolution; the decoder mirrors them. */
  channels: number[];
  /** Conv: width of the dense layer between the convolutions and the latent. */
  convDense: number;
  /**
   * p(x|z): 'bernoulli' (logits; its negative log-likelihood is the summed binary cross-entropy)
   * or 'gaussian' (its negative log-likelihood is 1/(2 sigma^2) times the summed squared error plus a constant).
   */
  decoder: 'bernoulli' | 'gaussian';
  /** Gaussian decoder: 'fixed' sigma = decoderStd, or 'learned' per dimension as a function of z. */
  decoderVariance: 'fixed' | 'learned';
  /** Gaussian decoder with fixed variance: its standard deviation (1 = the unit-variance decoder). */
  decoderStd: number;
  /** Weight of the KL term (beta-VAE, Higgins et al. 2017); 1 gives the ELBO. */
  beta: number;
  /** KL warm-up: the KL weight rises linearly from 0 to beta over this many steps (0 = off). */
  klWarmupSteps: number;
  /** How batches are binarised: 'dynamic' resamples x ~ Bernoulli(pixels) each time (Salakhutdinov & Murray 2008). */
  binarize: 'none' | 'dynamic' | 'threshold';
}

/** Lower bound on a learned decoder log-variance: sigma >= 0.01, so a constant pixel cannot make the likelihood infinite. */
export const LEARNED_LOGVAR_MIN = Math.log(1e-4);

/** The IWAE paper's one-stochastic-layer network (Burda et al. 2016, sec. 5): 784-200-200-50, tanh. */
export const IWAE_PRESET = { arch: 'mlp', hidden: [200, 200], activation: 'tanh', latent: 50 } as const;

const KEYS: (keyof VaeConfig)[] = [
  'kind', 'arch', 'latent', 'hidden', 'activation', 'channels', 'convDense', 'decoder', 'decoderVariance',
  'decoderStd', 'beta', 'klWarmupSteps', 'binarize',
];

/** Defaults per data kind; the reasons are in the comments. */
export function defaultConfig(kind: 'vae' | 'ae', data: DataShape): VaeConfig {
  if (data.kind === 'points') {
    // 2-D toy data: a small MLP, a 2-D latent, and a Gaussian decoder whose variance is learned
    // (a unit variance would swamp data of that scale).
    return {
      kind, arch: 'mlp', latent: 2, hidden: [128, 128], activation: 'relu', channels: [32, 64], convDense: 256,
      decoder: 'gaussian', decoderVariance: 'learned', decoderStd: 1, beta: 1, klWarmupSteps: 0, binarize: 'none',
    };
  }
  const grey = data.shape[2] === 1;
  // Images: 784-512-512-(2 x 32) MLP as in the mlp-vae benchmark workload, a Bernoulli decoder, and for greyscale images dynamic
  // binarisation so the Bernoulli likelihood is a true likelihood (test ELBO in nats comparable
  // with the literature). Colour images keep their grey levels (cross-entropy on [0, 1]).
  return {
    kind, arch: 'mlp', latent: 32, hidden: [512, 512], activation: 'relu', channels: [32, 64], convDense: 256,
    decoder: 'bernoulli', decoderVariance: 'fixed', decoderStd: 1, beta: 1, klWarmupSteps: 0,
    binarize: grey ? 'dynamic' : 'none',
  };
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

function bad(key: string, what: string): never {
  throw new UserError(`model config: '${key}' ${what}`);
}

function positiveInt(c: Record<string, unknown>, key: string): void {
  const v = c[key];
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 1) bad(key, `must be a positive whole number, got ${JSON.stringify(v)}`);
}

function intList(c: Record<string, unknown>, key: string): void {
  const v = c[key];
  if (!Array.isArray(v) || v.length === 0 || v.some((n) => typeof n !== 'number' || !Number.isInteger(n) || n < 1)) {
    bad(key, `must be a non-empty list of positive whole numbers, got ${JSON.stringify(v)}`);
  }
}

function oneOf(c: Record<string, unknown>, key: string, choices: readonly string[]): void {
  if (!choices.includes(c[key] as string)) bad(key, `must be one of ${choices.join('|')}, got ${JSON.stringify(c[key])}`);
}

function finiteAtLeast(c: Record<string, unknown>, key: string, min: number, strict = false): void {
  const v = c[key];
  if (typeof v !== 'number' || !Number.isFinite(v) || v < min || (strict && v === min)) {
    bad(key, `must be a finite number ${strict ? 'above' : 'at least'} ${min}, got ${JSON.stringify(v)}`);
  }
}

/** Throws UserError naming the first bad key. */
export function validateConfig(config: VaeConfig): void {
  const c = config as unknown as Record<string, unknown>;
  if (typeof config !== 'object' || config === null) throw new UserError('model config must be an object');
  for (const k of Object.keys(c)) if (!KEYS.includes(k as keyof VaeConfig)) bad(k, 'is not a vae/ae option');
  for (const k of KEYS) if (c[k] === undefined) bad(k, 'is missing');
  oneOf(c, 'kind', ['vae', 'ae']);
  oneOf(c, 'arch', ['mlp', 'conv']);
  positiveInt(c, 'latent');
  intList(c, 'hidden');
  oneOf(c, 'activation', ['relu', 'tanh']);
  intList(c, 'channels');
  positiveInt(c, 'convDense');
  oneOf(c, 'decoder', ['bernoulli', 'gaussian']);
  oneOf(c, 'decoderVariance', ['fixed', 'learned']);
  finiteAtLeast(c, 'decoderStd', 0, true);
  finiteAtLeast(c, 'beta', 0);
  finiteAtLeast(c, 'klWarmupSteps', 0);
  if (!Number.isInteger(config.klWarmupSteps)) bad('klWarmupSteps', 'must be a whole number');
  oneOf(c, 'binarize', ['none', 'dynamic', 'threshold']);
  if (config.decoder === 'bernoulli' && config.decoderVariance === 'learned') {
    bad('decoderVariance', "'learned' needs the gaussian decoder");
  }
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
