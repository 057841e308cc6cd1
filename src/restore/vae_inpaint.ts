/**
 * Restoration with a VAE as a likelihood model (the lecture's quiz: "can a VAE inpaint?"): find
 * the latent that best explains what was observed, then decode it. MAP over z,
 *   z* = argmin_z  -log p(y | z) + ||z||^2 / 2          (p(z) = N(0, I)),   x_hat = E[x | z*],
 * by Adam from R starts (the encoder's mu(A+ y), then R - 1 draws from the prior; the start
 * whose optimum is lowest wins), batched over images and starts (each row's loss depends on
 * its own z only, so one summed loss gives every row its own gradient).
 *
 * The likelihood of the observation:
 *   inpainting ('decoder', the default there): the decoder's own likelihood of the observed
 *     pixels, log p(y | z) = sum_{j: m_j = 1} log p(x_j = y_j | z): for the Bernoulli decoder
 *     sum_j m_j (y_j l_j - softplus(l_j)) with logits l(z), grey y_j read as probabilities;
 *     for a Gaussian decoder, log N(y_j; mu_j(z), sigma_j^2) over the observed j;
 *   any operator ('gaussian'): y = A E[x | z] + noise of std s,
 *     -log p(y | z) = ||A E[x | z] - y||^2 / (2 s^2) + const,  s = max(sigma_y, sigmaFloor),
 *     where the floor stands in for the decoder's own spread when y is noise-free.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { VaeModel } from '../models/vae/model.js';
import { bernoulliLogLik, logNormalDiag } from '../models/vae/elbo.js';
import { Adam } from '../train/optimizers.js';
import type { Rng } from '../util/rng.js';
import type { LinearOperator } from './operators/operator.js';
import { InpaintOperator } from './operators/inpaint.js';

export interface VaeRestoreConfig {
  iterations: number;
  lr: number;
  /** R, optimisation starts per image (1: the encoder's only). */
  restarts: number;
  /** 'auto': 'decoder' for inpainting, else 'gaussian'. */
  likelihood: 'auto' | 'decoder' | 'gaussian';
  /** Std of y in [0, 1] units (the task's sigma_y). */
  sigmaY: number;
  /** s's floor for the Gaussian likelihood of noise-free y. */
  sigmaFloor: number;
}

export const VAE_RESTORE_DEFAULTS: VaeRestoreConfig = { iterations: 300, lr: 0.05, restarts: 4, likelihood: 'auto', sigmaY: 0, sigmaFloor: 0.1 };

export interface VaeRestoreResult {
  /** E[x | z*] in [0, 1], [B, H, W, C]. */
  x: tf.Tensor;
  /** The objective at z* per image (nats for 'decoder'). */
  objective: number[];
  /** Mean objective over images and starts, per iteration (for tests: it falls). */
  curve: number[];
}

/** -log p(y | z) + ||z||^2 / 2 per row.  z [N, D], y [N, ...measurement] in [0, 1] -> [N]. */
function objective(model: VaeModel, op: LinearOperator, kind: 'decoder' | 'gaussian', z: tf.Tensor, y: tf.Tensor, s: number): tf.Tensor1D {
  return tf.tidy(() => {
    const prior = tf.mul(tf.sum(tf.square(z), 1), 0.5); // [N]
    if (kind === 'decoder') {
      const mask = (op as InpaintOperator).mask; // [1, H, W, 1]
      const d = model.decode(z);
      let ll: tf.Tensor1D;
      if (d.logvar === null) {
        ll = bernoulliLogLik(tf.mul(y, mask), tf.mul(d.out, mask)); // masked logits: softplus(0) = log 2 per missing pixel, a constant
      } else {
        // log N over observed pixels only: weight the per-pixel terms by the mask
        const lv = typeof d.logvar === 'number' ? tf.fill(d.out.shape, d.logvar) : d.logvar;
        ll = logNormalDiag(tf.mul(y, mask), tf.mul(d.out, mask), tf.mul(lv, mask)) as tf.Tensor1D;
      }
      return tf.sub(prior, ll) as tf.Tensor1D;
    }
    const r = tf.sub(op.apply(model.decodeMean(z)), y);
    return tf.add(prior, tf.div(tf.sum(tf.square(tf.reshape(r, [r.shape[0], -1])), 1), 2 * s * s)) as tf.Tensor1D;
  });
}

/** Restores every image of y (a [0, 1] measurement) with the VAE's decoder as the prior. */
export function vaeRestore(model: VaeModel, op: LinearOperator, y: tf.Tensor, cfg: VaeRestoreConfig, rng: Rng): VaeRestoreResult {
  const kind = cfg.likelihood === 'auto' ? (op instanceof InpaintOperator ? 'decoder' : 'gaussian') : cfg.likelihood;
  if (kind === 'decoder' && !(op instanceof InpaintOperator)) throw new Error("vae: the decoder's own likelihood needs an inpainting mask; use likelihood 'gaussian'");
  const b = y.shape[0];
  const r = cfg.restarts;
  const dim = model.latentDim;
  const s = Math.max(cfg.sigmaY, cfg.sigmaFloor);
  // Starts [R B, D], start-major: the encoder's mu(A+ y), then prior draws.
  const z0 = tf.tidy(() => {
    const mu = model.encode(op.pinv(y)).mu; // [B, D]
    const rest = r > 1 ? [tf.tensor2d(rng.normalArray((r - 1) * b * dim), [(r - 1) * b, dim])] : [];
    return tf.concat([mu, ...rest], 0);
  });
  const z = tf.variable(z0, true);
  z0.dispose();
  const yr = tf.tidy(() => tf.tile(y, [r, ...new Array(y.rank - 1).fill(1)])); // [R B, ...]
  const opt = new Adam({ kind: 'adam', lr: cfg.lr, beta1: 0.9, beta2: 0.999 });
  const curve: number[] = [];
  try {
    for (let it = 0; it < cfg.iterations; it++) {
      const { value, grads } = tf.variableGrads(() => tf.mean(objective(model, op, kind, z, yr, s)) as tf.Scalar, [z]);
      opt.apply([z], [grads[z.name]], cfg.lr);
      curve.push(value.dataSync()[0]);
      tf.dispose([value, grads[z.name]]);
    }
    const finalT = tf.tidy(() => objective(model, op, kind, z, yr, s)); // [R B]
    const final = finalT.dataSync();
    finalT.dispose();
    const best: number[] = [];
    const objectiveAt: number[] = [];
    for (let i = 0; i < b; i++) {
      let k = 0;
      for (let j = 1; j < r; j++) if (final[j * b + i] < final[k * b + i]) k = j;
      best.push(k * b + i);
      objectiveAt.push(final[k * b + i]);
    }
    const x = tf.tidy(() => model.decodeMean(tf.gather(z, tf.tensor1d(best, 'int32'))));
    return { x, objective: objectiveAt, curve };
  } finally {
    tf.dispose([z, yr]);
    opt.dispose();
  }
}
