/**
 * The hierarchical VAE as one TrainableModel (src/train/types.ts): L Gaussian layers, a
 * deterministic bottom-up path, top-down inference merged with the top-down generative path
 * (ladder or NVAE-residual, merge.ts), and p(x | z_1) Bernoulli or Gaussian as in the VAE.
 *
 *   loss = -log p(x | z_1) + w sum_i max(lambda, KL_i)      (elbo.ts)
 *
 * The bounds (bounds.ts), active units (active_units.ts) and figures use the LatentHierarchy
 * surface (top_down.ts) that this class implements.
 */
import * as tf from '@tensorflow/tfjs-core';
import { OneNetworkModel } from '../one_network_model.js';
import '../../backend/register_gradients.js';
import { Module, Sequential } from '../../nn/index.js';
import type { Rng } from '../../util/rng.js';
import type { Batch, DataShape, StepContext, StepMetrics, TrainableModel } from '../../train/types.js';
import { LEARNED_LOGVAR_MIN } from '../vae/config.js';
import { bernoulliLogLik, klWeight, logNormalDiag } from '../vae/elbo.js';
import { checkDataFit, validateConfig, type HvaeConfig } from './config.js';
import { buildHierarchy } from './networks.js';
import type { DiagGaussian, InferenceKind } from './merge.js';
import { hierarchicalLoss } from './elbo.js';
import { generateTopDown, inferTopDown, type LatentHierarchy } from './top_down.js';

class HvaeNet extends Module {
  readonly up: Sequential[];
  readonly heads: Sequential[];
  readonly down: Sequential[];
  readonly dec: Sequential;
  constructor(config: HvaeConfig, data: DataShape, rng: Rng) {
    super();
    const decFactor = config.decoder === 'gaussian' && config.decoderVariance === 'learned' ? 2 : 1;
    const nets = buildHierarchy(config, data, rng, decFactor);
    this.up = nets.up.map((m, i) => this.child(`up${i + 1}`, m));
    this.heads = nets.heads.map((m, i) => this.child(`head${i + 1}`, m));
    this.down = nets.down.map((m, i) => this.child(`down${i + 1}`, m));
    this.dec = this.child('dec', nets.decoder);
  }
}

/** Splits [B, 2D] into a Gaussian's (mu, logvar), [B, D] each. */
function gaussianOf(h: tf.Tensor): DiagGaussian {
  const [mu, logvar] = tf.split(h, 2, 1) as [tf.Tensor2D, tf.Tensor2D];
  return { mu, logvar };
}

export class HvaeModel extends OneNetworkModel<HvaeNet> implements TrainableModel, LatentHierarchy {
  readonly config: HvaeConfig;
  readonly data: DataShape;
  readonly latentDims: readonly number[];
  readonly inference: InferenceKind;
  /** Number of dimensions of one example (784 for mnist). */
  readonly dim: number;

  constructor(config: HvaeConfig, data: DataShape, rng: Rng) {
    validateConfig(config);
    checkDataFit(config, data);
    super(new HvaeNet(config, data, rng));
    this.config = config;
    this.data = data;
    this.latentDims = [...config.latents];
    this.inference = config.inference;
    this.dim = data.shape.reduce((a, b) => a * b, 1);
  }

  get layers(): number {
    return this.latentDims.length;
  }

  /** The deterministic path d_1 .. d_L and each layer's bottom-up Gaussian.  x: [B, ...shape] -> L x [B, D_i]. */
  bottomUp(x: tf.Tensor): DiagGaussian[] {
    return tf.tidy(() => {
      const out: DiagGaussian[] = [];
      let d = x;
      for (let i = 0; i < this.layers; i++) {
        d = this.net.up[i].apply(d); // d_i: [B, h_i]
        out.push(gaussianOf(this.net.heads[i].apply(d))); // [B, D_i] each
      }
      return out;
    });
  }

  /** p(z_i | z_{i+1}), i in 1 .. L-1.  zAbove: [B, D_{i+1}] -> [B, D_i]. */
  prior(i: number, zAbove: tf.Tensor2D): DiagGaussian {
    return tf.tidy(() => gaussianOf(this.net.down[i - 1].apply(zAbove)));
  }

  /** Parameters of p(x | z_1): Bernoulli logits or the Gaussian mean [B, ...shape], and the Gaussian's log-variance. */
  decode(z1: tf.Tensor): { out: tf.Tensor; logvar: tf.Tensor | number | null } {
    const c = this.config;
    if (c.decoder === 'bernoulli') return { out: this.net.dec.apply(z1), logvar: null };
    if (c.decoderVariance === 'fixed') return { out: this.net.dec.apply(z1), logvar: 2 * Math.log(c.decoderStd) };
    return tf.tidy(() => {
      const h = this.net.dec.apply(z1); // [B, ...shape x 2]
      const [out, raw] = tf.split(h, 2, h.rank - 1);
      // As the VAE's learned variance: logvar = min + softplus(raw - min) >= LEARNED_LOGVAR_MIN.
      return { out, logvar: tf.add(tf.softplus(tf.sub(raw, LEARNED_LOGVAR_MIN)), LEARNED_LOGVAR_MIN) };
    });
  }

  /**
   * log p(x_b | z_1) for k latents per example.  x: [B, ...shape], z1: [B k, D_1] -> [B k].
   *   Bernoulli: sum_j x_j l_j - softplus(l_j);  Gaussian: log N(x; mu(z_1), diag sigma^2)  (vae/elbo.ts)
   */
  logLikelihood(x: tf.Tensor, z1: tf.Tensor2D, k: number): tf.Tensor1D {
    return tf.tidy(() => {
      const d = this.decode(z1);
      if (k === 1) return d.logvar === null ? bernoulliLogLik(x, d.out) : logNormalDiag(x, d.out, d.logvar);
      const b = x.shape[0];
      const to3 = (t: tf.Tensor): tf.Tensor => tf.reshape(t, [b, k, this.dim]); // [B, k, dim]
      const x3 = tf.reshape(x, [b, 1, this.dim]); // [B, 1, dim]
      const ll = d.logvar === null ? bernoulliLogLik(x3, to3(d.out), 2) : logNormalDiag(x3, to3(d.out), typeof d.logvar === 'number' ? d.logvar : to3(d.logvar), 2); // [B, k]
      return tf.reshape(ll, [b * k]) as tf.Tensor1D;
    });
  }

  /** Standard-normal noise for `b` rows of every layer, bottom first: L x [b, D_i]. */
  noise(b: number, rng: Rng): tf.Tensor2D[] {
    return this.latentDims.map((d) => tf.tensor2d(rng.normalArray(b * d), [b, d]));
  }

  trainStep(batch: Batch, ctx: StepContext): StepMetrics {
    const b = batch.x.shape[0];
    const c = this.config;
    const w = klWeight(ctx.step, c.beta, c.klWarmupSteps);
    const eps = this.noise(b, ctx.rng);
    let kept: tf.Tensor[] = [];
    const res = ctx.optimize('model', () => {
      const t = hierarchicalLoss(this, batch.x, eps, w, c.freeBits);
      // Copies: the loop disposes the returned loss, which is the very tensor `rec` when w = 0.
      kept = [tf.keep(tf.clone(t.rec)), ...t.kls.map((k) => tf.keep(tf.clone(k)))];
      return t.loss;
    });
    const values = kept.map((t) => t.dataSync()[0]);
    tf.dispose([...kept, ...eps]);
    const [rec, ...kls] = values;
    const kl = kls.reduce((s, v) => s + v, 0);
    const metrics: StepMetrics = { loss: res.loss, rec, kl, elbo: -(rec + kl), klWeight: w };
    kls.forEach((v, i) => (metrics[`kl${i + 1}`] = v));
    return metrics;
  }

  /** What to show for z_1: Bernoulli probabilities, or the Gaussian mean (clipped to [0, 1] for images).  [B, D_1] -> [B, ...shape]. */
  decodeMean(z1: tf.Tensor): tf.Tensor {
    return tf.tidy(() => {
      const d = this.decode(z1);
      if (this.config.decoder === 'bernoulli') return tf.sigmoid(d.out);
      return this.data.kind === 'images' ? tf.clipByValue(d.out, 0, 1) : d.out;
    });
  }

  /** The posterior path z_i = mu_q,i from the top down (no noise).  x: [B, ...shape] -> L x [B, D_i], bottom first. */
  encodeMeans(x: tf.Tensor): tf.Tensor2D[] {
    return tf.tidy(() => inferTopDown(this, this.bottomUp(x), 'mean').map((s) => s.z));
  }

  /** x_hat = E[x | z_1] on the posterior mean path.  x: [B, ...shape] -> [B, ...shape]. */
  reconstruct(x: tf.Tensor): tf.Tensor {
    return tf.tidy(() => this.decodeMean(this.encodeMeans(x)[0]));
  }

  /** Ancestral samples: z_L ~ N(0, I), z_i ~ p(z_i | z_{i+1}); images show the decoder's mean at z_1, points draw x too. */
  sample(n: number, rng: Rng): tf.Tensor {
    const eps = this.noise(n, rng);
    const xNoise = this.data.kind === 'points' && this.config.decoder === 'gaussian' ? tf.tensor(rng.normalArray(n * this.dim), [n, ...this.data.shape]) : null;
    const x = tf.tidy(() => {
      const z1 = generateTopDown(this, eps)[0];
      if (!xNoise) return this.decodeMean(z1);
      const d = this.decode(z1);
      const lv = d.logvar as tf.Tensor | number;
      return tf.add(d.out, tf.mul(xNoise, typeof lv === 'number' ? Math.exp(lv / 2) : tf.exp(tf.mul(lv, 0.5)))); // [n, ...shape]
    });
    tf.dispose([...eps, ...(xNoise ? [xNoise] : [])]);
    return x;
  }
}
