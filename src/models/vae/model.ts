/**
 * The VAE and the autoencoder as one TrainableModel (src/train/types.ts).
 *
 * VAE (Kingma & Welling 2014): maximise the ELBO
 *   L(x) = E_{q(z|x)}[log p(x|z)] - KL(q(z|x) || p(z))
 * with z = mu + sigma * eps (eps ~ N(0, I)) so the expectation has a low-variance gradient,
 * and the KL in closed form. The loss minimised is -E_q[log p(x|z)] + w KL, with w = beta
 * after the KL warm-up (w = 1 gives the negative ELBO).
 *
 * Autoencoder: the same with w = 0 and sigma = 0 (z = mu): the loss is the reconstruction
 * negative log-likelihood, i.e. summed binary cross-entropy (Bernoulli decoder) or
 * 1/(2 sigma^2) times the summed squared error plus a constant (Gaussian decoder). It has no
 * prior, so to sample it keeps running moments of its codes (buffers) and draws
 * z ~ N(mean, diag var): step (1) of generative modelling, a Gaussian fitted to the codes.
 */
import * as tf from '@tensorflow/tfjs-core';
import { OneNetworkModel } from '../one_network_model.js';
import '../../backend/register_gradients.js';
import { Module, Sequential } from '../../nn/index.js';
import type { Rng } from '../../util/rng.js';
import type { Batch, DataShape, StepContext, StepMetrics, TrainableModel } from '../../train/types.js';
import { LEARNED_LOGVAR_MIN, checkDataFit, validateConfig } from './config.js';
import type { VaeConfig } from './config.js';
import { buildNetworks } from './networks.js';
import { klStdNormal } from '../../math/gaussian_kl.js';
import { bernoulliLogLik, klWeight, logNormalDiag, reparameterize } from './elbo.js';

/** Momentum of the autoencoder's running code statistics. */
const CODE_STATS_MOMENTUM = 0.01;

/** Non-trainable running mean and variance of the autoencoder's codes. */
class CodeStats extends Module {
  readonly mean: tf.Variable;
  readonly variance: tf.Variable;
  constructor(latent: number) {
    super();
    this.mean = this.buffer('mean', tf.zeros([latent]));
    this.variance = this.buffer('var', tf.ones([latent]));
  }
}

class VaeNet extends Module {
  readonly enc: Sequential;
  readonly dec: Sequential;
  readonly codes: CodeStats | null;
  constructor(config: VaeConfig, data: DataShape, rng: Rng) {
    super();
    const encOut = config.kind === 'vae' ? 2 * config.latent : config.latent;
    const decFactor = config.decoder === 'gaussian' && config.decoderVariance === 'learned' ? 2 : 1;
    const { encoder, decoder } = buildNetworks(config, data, rng, encOut, decFactor);
    this.enc = this.child('enc', encoder);
    this.dec = this.child('dec', decoder);
    this.codes = config.kind === 'ae' ? this.child('codes', new CodeStats(config.latent)) : null;
  }
}

/** The parameters of p(x|z) for a batch of z. */
export interface DecoderOutput {
  /** Bernoulli: logits; Gaussian: mean.  [B, ...shape] */
  out: tf.Tensor;
  /** Gaussian decoder log-variance: a tensor [B, ...shape] when learned, a number when fixed; null for Bernoulli. */
  logvar: tf.Tensor | number | null;
}

/** Loss terms of a batch (scalars, means over the batch, in nats per example). */
export interface LossTerms {
  /** -E_q[log p(x|z)] + w KL */
  loss: tf.Scalar;
  /** -E_q[log p(x|z)]: reconstruction negative log-likelihood (one-sample estimate). */
  rec: tf.Scalar;
  /** KL(q(z|x) || p(z)); 0 for the autoencoder. */
  kl: tf.Scalar;
  /** Gaussian decoder only: mean squared error per dimension between x and the decoder mean. */
  mse?: tf.Scalar;
}

/** How the latent of a training batch is drawn: reparameterised with given eps, or z = mu (sigma = 0). */
export type LatentDraw = { eps: tf.Tensor2D } | 'mean';

export class VaeModel extends OneNetworkModel<VaeNet> implements TrainableModel {
  readonly config: VaeConfig;
  readonly data: DataShape;
  readonly latentDim: number;
  /** Number of dimensions of one example (784 for mnist). */
  readonly dim: number;

  constructor(config: VaeConfig, data: DataShape, rng: Rng) {
    validateConfig(config);
    checkDataFit(config, data);
    super(new VaeNet(config, data, rng));
    this.config = config;
    this.data = data;
    this.latentDim = config.latent;
    this.dim = data.shape.reduce((a, b) => a * b, 1);
  }

  get isVae(): boolean {
    return this.config.kind === 'vae';
  }

  /**
   * q(z|x) = N(mu, diag exp(logvar)).  x: [B, ...shape] -> mu, logvar: [B, D].
   * For the autoencoder logvar is null (a point mass at mu).
   */
  encode(x: tf.Tensor): { mu: tf.Tensor2D; logvar: tf.Tensor2D | null } {
    if (!this.isVae) return { mu: tf.tidy(() => this.net.enc.apply(x) as tf.Tensor2D), logvar: null }; // [B, D]
    return tf.tidy(() => {
      const h = this.net.enc.apply(x) as tf.Tensor2D; // [B, 2D]
      const [mu, logvar] = tf.split(h, 2, 1) as [tf.Tensor2D, tf.Tensor2D]; // [B, D] each
      return { mu, logvar };
    });
  }

  /** Parameters of p(x|z).  z: [B, D]. */
  decode(z: tf.Tensor): DecoderOutput {
    const c = this.config;
    if (c.decoder === 'bernoulli') return { out: tf.tidy(() => this.net.dec.apply(z)), logvar: null };
    if (c.decoderVariance === 'fixed') return { out: tf.tidy(() => this.net.dec.apply(z)), logvar: 2 * Math.log(c.decoderStd) };
    return tf.tidy(() => {
      const h = this.net.dec.apply(z); // [B, ...shape x 2]
      const [out, raw] = tf.split(h, 2, h.rank - 1); // [B, ...shape] each
      // logvar = min + softplus(raw - min): smooth, and never below LEARNED_LOGVAR_MIN.
      const logvar = tf.add(tf.softplus(tf.sub(raw, LEARNED_LOGVAR_MIN)), LEARNED_LOGVAR_MIN);
      return { out, logvar };
    });
  }

  /**
   * log p(x|z) per example.  x: [B, ...shape], z: [B, D] -> [B].
   *   Bernoulli: sum_j x_j l_j - softplus(l_j);  Gaussian: log N(x; mu(z), diag sigma^2).
   */
  logLikelihood(x: tf.Tensor, z: tf.Tensor): tf.Tensor1D {
    return tf.tidy(() => {
      const d = this.decode(z);
      const ll = d.logvar === null ? bernoulliLogLik(x, d.out) : logNormalDiag(x, d.out, d.logvar);
      if (typeof d.logvar !== 'number' && d.logvar !== null) d.logvar.dispose();
      return ll;
    });
  }

  /**
   * log p(x_b | z_bi) for K latents per example, without repeating x in memory: x is
   * broadcast as [B, 1, ...] against the decoder output [B, K, ...].
   * x: [B, ...shape], z: [B K, D] (example-major) -> [B K].
   */
  logLikelihoodRepeated(x: tf.Tensor, z: tf.Tensor, k: number): tf.Tensor1D {
    return tf.tidy(() => {
      const b = x.shape[0];
      const d = this.decode(z);
      const to3 = (t: tf.Tensor): tf.Tensor => tf.reshape(t, [b, k, this.dim]); // [B, K, dim]
      const x3 = tf.reshape(x, [b, 1, this.dim]); // [B, 1, dim]
      const ll = d.logvar === null
        ? bernoulliLogLik(x3, to3(d.out), 2)
        : logNormalDiag(x3, to3(d.out), typeof d.logvar === 'number' ? d.logvar : to3(d.logvar), 2); // [B, K]
      return tf.reshape(ll, [b * k]) as tf.Tensor1D;
    });
  }

  /**
   * The training objective of a batch (means over the batch):
   *   loss = -log p(x|z) + w KL(q(z|x) || p(z)),  z = mu + sigma eps  (or z = mu with draw 'mean').
   * With w = 1 the loss is the negative one-sample ELBO estimate. The autoencoder ignores
   * `draw` and `w`: its loss is -log p(x|mu(x)).
   */
  lossTerms(x: tf.Tensor, draw: LatentDraw, w: number): LossTerms {
    return tf.tidy(() => {
      const { mu, logvar } = this.encode(x);
      const vae = this.isVae && logvar !== null;
      const z = !vae || draw === 'mean' ? mu : reparameterize(mu, logvar, draw.eps); // [B, D]
      const d = this.decode(z);
      const logLik = d.logvar === null ? bernoulliLogLik(x, d.out) : logNormalDiag(x, d.out, d.logvar); // [B]
      const rec = tf.neg(tf.mean(logLik)) as tf.Scalar;
      // Gaussian decoder: also the plain mean squared error per dimension, mean_j (x_j - mu_j(z))^2.
      const mse = d.logvar === null ? undefined : (tf.mean(tf.squaredDifference(x, d.out)) as tf.Scalar);
      if (!vae) return { loss: rec, rec, kl: tf.scalar(0), ...(mse ? { mse } : {}) };
      const kl = tf.mean(klStdNormal(mu, logvar)) as tf.Scalar;
      const loss = w === 0 ? rec : (tf.add(rec, tf.mul(kl, w)) as tf.Scalar);
      return { loss, rec, kl, ...(mse ? { mse } : {}) };
    });
  }

  /** Standard-normal noise for a batch of `b` latents, from the Rng (Box-Muller). */
  noise(b: number, rng: Rng): tf.Tensor2D {
    return tf.tensor2d(rng.normalArray(b * this.latentDim), [b, this.latentDim]);
  }

  trainStep(batch: Batch, ctx: StepContext): StepMetrics {
    const b = batch.x.shape[0];
    const w = this.isVae ? klWeight(ctx.step, this.config.beta, this.config.klWarmupSteps) : 0;
    const eps = this.isVae ? this.noise(b, ctx.rng) : null;
    let kept: tf.Tensor[] = [];
    const res = ctx.optimize('model', () => {
      const t = this.lossTerms(batch.x, eps ? { eps } : 'mean', w);
      // Copies: the loop disposes the returned loss, which may be the very tensor `rec` (AE, or w = 0).
      kept = [tf.keep(tf.clone(t.rec)), tf.keep(tf.clone(t.kl)), tf.keep(t.mse ? tf.clone(t.mse) : tf.scalar(Number.NaN))];
      if (!this.isVae) {
        // Batch moments of the codes, for the running statistics the autoencoder samples from.
        const { mu } = this.encode(batch.x);
        const m = tf.moments(mu, 0);
        kept.push(tf.keep(m.mean), tf.keep(m.variance));
      }
      return t.loss;
    });
    const [rec, kl, mse] = [kept[0].dataSync()[0], kept[1].dataSync()[0], kept[2].dataSync()[0]];
    const codes = this.net.codes;
    if (codes && kept.length === 5) {
      const a = CODE_STATS_MOMENTUM;
      tf.tidy(() => {
        codes.mean.assign(tf.add(tf.mul(codes.mean, 1 - a), tf.mul(kept[3], a)));
        codes.variance.assign(tf.add(tf.mul(codes.variance, 1 - a), tf.mul(kept[4], a)));
      });
    }
    tf.dispose(kept);
    eps?.dispose();
    const metrics: StepMetrics = { loss: res.loss, rec };
    if (this.isVae) Object.assign(metrics, { kl, elbo: -(rec + kl), klWeight: w });
    if (!Number.isNaN(mse)) metrics.mse = mse;
    return metrics;
  }

  /** Latents from the prior N(0, I) (VAE) or from the Gaussian fitted to the codes (AE).  -> [n, D] */
  samplePrior(n: number, rng: Rng): tf.Tensor2D {
    return tf.tidy(() => {
      const eps = this.noise(n, rng);
      const codes = this.net.codes;
      if (!codes) return eps;
      return tf.add(codes.mean, tf.mul(tf.sqrt(codes.variance), eps)) as tf.Tensor2D;
    });
  }

  /**
   * What to show for a latent: images get the decoder's mean (Bernoulli probabilities, or the
   * Gaussian mean clipped to [0, 1]); points are the mean.  z: [B, D] -> [B, ...shape].
   */
  decodeMean(z: tf.Tensor): tf.Tensor {
    return tf.tidy(() => {
      const d = this.decode(z);
      if (typeof d.logvar !== 'number' && d.logvar !== null) d.logvar.dispose();
      if (this.config.decoder === 'bernoulli') return tf.sigmoid(d.out);
      return this.data.kind === 'images' ? tf.clipByValue(d.out, 0, 1) : d.out;
    });
  }

  /** Mean reconstruction x_hat = E[x | z = mu(x)].  x: [B, ...shape] -> [B, ...shape]. */
  reconstruct(x: tf.Tensor): tf.Tensor {
    return tf.tidy(() => this.decodeMean(this.encode(x).mu));
  }

  /**
   * Samples for grids and `genlab sample`. Images: the decoder's mean at z from the prior
   * (the usual way to show a VAE's samples; the Bernoulli draws are speckled). Points: the
   * full generative model x = mu(z) + sigma(z) eps', as the decoder's noise is part of the density.
   */
  sample(n: number, rng: Rng): tf.Tensor {
    const z = this.samplePrior(n, rng);
    if (this.data.kind === 'images' || this.config.decoder === 'bernoulli') {
      const x = this.decodeMean(z);
      z.dispose();
      return x;
    }
    const noise = tf.tensor(rng.normalArray(n * this.dim), [n, ...this.data.shape]);
    const x = tf.tidy(() => {
      const d = this.decode(z);
      const lv = d.logvar as tf.Tensor | number;
      const std = typeof lv === 'number' ? Math.exp(lv / 2) : tf.exp(tf.mul(lv, 0.5));
      return tf.add(d.out, tf.mul(noise, std)); // [n, ...shape]
    });
    tf.dispose([z, noise]);
    return x;
  }
}
