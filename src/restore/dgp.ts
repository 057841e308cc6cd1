/**
 * DGP, Deep Generative Prior (Pan, Zhan, Dai, Lin, Loy & Luo, ECCV 2020 / TPAMI 2021): restore
 * y = A x with a pretrained GAN by fitting the generator's output to y, the latent z AND the
 * generator's weights, one image at a time, starting from the pretrained G.
 *
 *   1. Start: z_0 = argmin over N draws z ~ N(0, s^2 I) of the feature distance below (the
 *      paper's "select_num" candidates; it uses D's last features, as here).
 *   2. Stages k = 1..K: Adam on z (rate lr_z,k) and on the first b_k blocks of G (rate lr_G,k),
 *      b_1 <= b_2 <= ... (the generator unfrozen from its first layers to its last), minimising
 *        L = w_D sum_l || D_l(A+ A G(z)) - D_l(A+ y) ||_1 + w_mse || A G(z) - y ||^2 + w_nll ||z||^2 / 2,
 *      means over elements; D_l the discriminator's feature maps (the outputs of its blocks,
 *      the last `featureLayers` of them). The feature loss compares images, so both sides are
 *      A+ A-projected images of x's shape (the paper compares degraded images, e.g. masked or
 *      down- then up-sampled, the same thing for inpainting and SR).
 *   3. Batch-norm statistics frozen: G runs in evaluation mode (running mean and variance),
 *      so one image never moves them; gamma and beta are trained with their block.
 *   4. Noisy y (sigma_y > 0): an image's fit ends at the first iterate with
 *      mean (A G(z) - y)^2 <= tau sigma_y^2 (Morozov's discrepancy principle; tau = 0.9), since
 *      the clean x is expected near there and a closer fit is a fit to the noise.
 *      On noisy y the feature term is dropped (w_D = 0, loss 'auto'): D's features of the noisy
 *      A+ y describe noise, and matching them puts noise into G(z).
 * Ablations: generator 'fixed' (z only: GAN inversion), loss 'mse' (w_D = 0).
 *
 * Works on a GAN prior's Sequential networks, split into blocks at each weight layer (Dense,
 * Conv2d, ConvTranspose2d): genlab's 28 x 28 DCGAN generator has three, [Dense, BN, ReLU],
 * [ConvT, BN, ReLU], [ConvT, tanh], and its discriminator two feature blocks before the logit.
 * G's weights are restored after every image.
 */
import * as tf from '@tensorflow/tfjs-core';
import { Sequential, Dense, Conv2d, ConvTranspose2d, type Layer } from '../nn/index.js';
import { Module } from '../nn/module.js';
import { Adam } from '../train/optimizers.js';
import type { Rng } from '../util/rng.js';
import type { LinearOperator } from './operators/operator.js';
import { symmetricMeasurement } from './operators/operator.js';

/** What DGP needs of a GAN: genlab's GanModel has all three. */
export interface GanPrior {
  readonly generator: Sequential;
  readonly discriminator: Sequential;
  readonly config: { nz: number };
}

export interface DgpStage {
  iterations: number;
  /** Generator blocks trained in this stage, counted from the first (0: z only). */
  blocks: number;
  lrG: number;
  lrZ: number;
}

export interface DgpConfig {
  /** N, the random latents the start is chosen from. */
  candidates: number;
  /** s, the std of the candidates. */
  sampleStd: number;
  stages: DgpStage[];
  /** 'progressive': the stages' blocks; 'fixed': z alone in every stage (the GAN-inversion ablation). */
  generator: 'progressive' | 'fixed';
  /**
   * 'feature': w_D feature L1 + w_mse MSE (DGP); 'mse': MSE alone (the ablation); 'auto':
   * 'feature' on noise-free y and 'mse' on noisy y, where D's features of the noisy A+ y
   * reward noise in G(z) (measured on mnist denoising: speckled outputs, 1.5-2.6 dB below MSE alone).
   */
  loss: 'feature' | 'mse' | 'auto';
  featureWeight: number;
  mseWeight: number;
  nllWeight: number;
  /** D feature maps in the loss, counted from the last one before the logit. */
  featureLayers: number;
  /** Record the loss every this many iterations in the trace. */
  traceEvery: number;
  /**
   * Noisy y (sigma_y > 0): stop an image's fit once its data term reaches the noise level,
   * mean (A G(z) - y)^2 <= tau sigma_y^2 in [0, 1] units, with tau this value (Morozov's
   * discrepancy principle). The true x itself sits at E mean (A x - y)^2 = sigma_y^2, so fitting
   * much further can only fit the noise; the fine-tuned generator's last block does exactly that
   * (white speckle on denoised digits). tau < 1 because a fitted estimate absorbs part of the
   * noise: E ||y - x_hat||^2 = sigma_y^2 (m - df) for a fit with df degrees of freedom. 0.9 was
   * chosen on 500 mnist test digits (PSNR 21.3 / 21.7 / 20.9 dB at tau 1 / 0.9 / 0.8). 0: never stop early.
   */
  discrepancyTau: number;
}

/**
 * Defaults for genlab's 28 x 28 DCGAN (3 generator blocks), after the paper's schedule (stages
 * unfreezing one more block each, rates falling): 3 stages of 100 iterations.
 */
export const DGP_DEFAULTS: DgpConfig = {
  candidates: 500,
  sampleStd: 1,
  stages: [
    { iterations: 100, blocks: 1, lrG: 5e-4, lrZ: 5e-2 },
    { iterations: 100, blocks: 2, lrG: 2e-4, lrZ: 1e-2 },
    { iterations: 100, blocks: 3, lrG: 1e-4, lrZ: 2e-3 },
  ],
  generator: 'progressive',
  loss: 'auto',
  featureWeight: 1,
  mseWeight: 1,
  nllWeight: 0.02,
  featureLayers: 2,
  traceEvery: 10,
  discrepancyTau: 0.9,
};

const isWeightLayer = (l: Layer): boolean => l instanceof Dense || l instanceof Conv2d || l instanceof ConvTranspose2d;

/** The layers of a Sequential split into blocks, each starting at a weight layer (Dense, Conv2d, ConvTranspose2d). */
export function sequentialBlocks(net: Sequential): Layer[][] {
  const blocks: Layer[][] = [];
  for (const l of net.layers) {
    if (isWeightLayer(l) || blocks.length === 0) blocks.push([]);
    blocks[blocks.length - 1].push(l);
  }
  return blocks;
}

/** The trainable variables of a block. */
export function blockParameters(block: Layer[]): tf.Variable[] {
  return block.flatMap((l) => (l instanceof Module ? l.parameters() : []));
}

function runBlock(block: Layer[], x: tf.Tensor): tf.Tensor {
  let h = x;
  for (const l of block) h = typeof l === 'function' ? l(h) : l.apply(h);
  return h;
}

/** D's feature maps: the outputs of its blocks before the last (the logit), the last `count` of them. */
export function discriminatorFeatures(d: Sequential, x: tf.Tensor, count: number): tf.Tensor[] {
  const blocks = sequentialBlocks(d);
  const feats: tf.Tensor[] = [];
  let h = x;
  for (const b of blocks.slice(0, -1)) {
    h = runBlock(b, h);
    feats.push(h);
  }
  return feats.slice(Math.max(0, feats.length - count));
}

/** Per-example sum over feature maps of mean |D_l(a) - D_l(b)|.  a, b: [B, H, W, C] -> [B]. */
function featureDistance(d: Sequential, a: tf.Tensor, b: tf.Tensor, count: number): tf.Tensor1D {
  return tf.tidy(() => {
    const fa = discriminatorFeatures(d, a, count);
    const fb = discriminatorFeatures(d, b, count);
    let total: tf.Tensor = tf.zeros([a.shape[0]]);
    fa.forEach((f, i) => {
      total = tf.add(total, tf.mean(tf.abs(tf.reshape(tf.sub(f, fb[i]), [f.shape[0], -1])), 1));
    });
    return total as tf.Tensor1D;
  });
}

export interface DgpTracePoint {
  image: number;
  stage: number;
  iteration: number;
  /** L, in the model's [-1, 1] units. */
  loss: number;
  /** mean (A G(z) - y)^2 in [0, 1] image units (a quarter of the [-1, 1] value). */
  mse: number;
  /** The feature term (0 with loss 'mse'). */
  feature: number;
  /** Generator blocks being trained. */
  blocks: number;
}

/** Where each image's fit ended: the stage and iteration, and whether the discrepancy stop ended it. */
export interface DgpStop {
  stage: number;
  iteration: number;
  early: boolean;
}

export interface DgpRun {
  prior: GanPrior;
  op: LinearOperator;
  /** The measurement of [0, 1] images, [B, ...op.measurementShape]. */
  y: tf.Tensor;
  config: DgpConfig;
  /** sigma_y of y's noise in [0, 1] units (0: noise-free; no discrepancy stop). */
  sigmaY?: number;
  rng: Rng;
  onProgress?: (image: number, total: number) => void;
  /** After each stage of each image (for tests: the weights as that stage left them). */
  onStageEnd?: (image: number, stage: number) => void;
}

export interface DgpResult {
  /** Restorations in [0, 1], [B, H, W, C]. */
  x: tf.Tensor;
  trace: DgpTracePoint[];
  /** The start's feature distance per image (the best of the N candidates). */
  startDistance: number[];
  /** Per image: where its fit ended. */
  stops: DgpStop[];
}

/** The loss a run uses: 'auto' resolves to 'feature' on noise-free y and 'mse' on noisy y. */
export function effectiveLoss(loss: DgpConfig['loss'], sigmaY: number): 'feature' | 'mse' {
  return loss === 'auto' ? (sigmaY > 0 ? 'mse' : 'feature') : loss;
}

/** Picks the candidate z (of N drawn) whose A+ A G(z) is nearest A+ y in D's features.  target [1, H, W, C] -> z [1, nz]. */
function selectStart(prior: GanPrior, op: LinearOperator, target: tf.Tensor, cfg: DgpConfig, rng: Rng): { z: tf.Tensor2D; distance: number } {
  const nz = prior.config.nz;
  let best = Infinity;
  let bestZ = new Float32Array(nz);
  const chunk = 100;
  for (let i = 0; i < cfg.candidates; i += chunk) {
    const n = Math.min(chunk, cfg.candidates - i);
    const zs = rng.normalArray(n * nz, 0, cfg.sampleStd);
    const dist = tf.tidy(() => {
      const g = prior.generator.apply(tf.tensor2d(zs, [n, nz])); // [n, H, W, C] in [-1, 1]
      return featureDistance(prior.discriminator, op.pinv(op.apply(g)), tf.tile(target, [n, 1, 1, 1]), cfg.featureLayers);
    });
    const d = dist.dataSync();
    dist.dispose();
    for (let k = 0; k < n; k++) {
      if (d[k] < best) {
        best = d[k];
        bestZ = zs.slice(k * nz, (k + 1) * nz);
      }
    }
  }
  return { z: tf.tensor2d(bestZ, [1, nz]), distance: best };
}

/** Restores each image of y in turn (see the header); G's weights are put back after each. */
export function dgpRestore(run: DgpRun): DgpResult {
  const { prior, op, config: cfg, rng } = run;
  if (cfg.stages.length === 0) throw new Error('dgp: no stages');
  const gBlocks = sequentialBlocks(prior.generator).map(blockParameters);
  for (const s of cfg.stages) {
    if (!(Number.isInteger(s.blocks) && s.blocks >= 0 && s.blocks <= gBlocks.length)) throw new Error(`dgp: a stage trains ${s.blocks} blocks, the generator has ${gBlocks.length}`);
  }
  const wasTraining = [prior.generator.training, prior.discriminator.training];
  prior.generator.train(false); // frozen batch-norm statistics
  prior.discriminator.train(false);
  const gParams = gBlocks.flat();
  const saved = gParams.map((v) => tf.clone(v));
  const ySym = symmetricMeasurement(op, run.y);
  const b = run.y.shape[0];
  const outs: tf.Tensor[] = [];
  const trace: DgpTracePoint[] = [];
  const startDistance: number[] = [];
  const wD = effectiveLoss(cfg.loss, run.sigmaY ?? 0) === 'feature' ? cfg.featureWeight : 0;
  const stops: DgpStop[] = [];
  // The discrepancy bound, in the [0, 1] units of the trace's mse.
  const watchNoise = (run.sigmaY ?? 0) > 0 && cfg.discrepancyTau > 0;
  const noiseLevel = watchNoise ? cfg.discrepancyTau * run.sigmaY! ** 2 : 0;
  try {
    for (let i = 0; i < b; i++) {
      const yi = tf.slice(ySym, [i], [1]); // [1, ...measurement]
      const target = op.pinv(yi); // A+ y  [1, H, W, C]
      const start = selectStart(prior, op, target, cfg, rng);
      startDistance.push(start.distance);
      const z = tf.variable(start.z, true);
      start.z.dispose();
      const zOpt = new Adam({ kind: 'adam', lr: 0, beta1: 0.9, beta2: 0.999 });
      const gOpt = new Adam({ kind: 'adam', lr: 0, beta1: 0.9, beta2: 0.999 });
      let stop: DgpStop = { stage: cfg.stages.length - 1, iteration: cfg.stages[cfg.stages.length - 1].iterations - 1, early: false };
      try {
        for (let si = 0; si < cfg.stages.length && !stop.early; si++) {
          const stage = cfg.stages[si];
          const blocks = cfg.generator === 'fixed' ? 0 : stage.blocks;
          const trainG = gBlocks.slice(0, blocks).flat(); // first blocks first: stable Adam slot indices across stages
          for (let it = 0; it < stage.iterations; it++) {
            const parts: { mse?: tf.Scalar; feature?: tf.Scalar } = {};
            const { value, grads } = tf.variableGrads(() => {
              const g = prior.generator.apply(z); // [1, H, W, C]
              const ag = op.apply(g);
              const mse = tf.mean(tf.square(tf.sub(ag, yi))) as tf.Scalar;
              const feature = wD > 0 ? (tf.mean(featureDistance(prior.discriminator, op.pinv(ag), target, cfg.featureLayers)) as tf.Scalar) : tf.scalar(0);
              const nll = tf.mul(tf.mean(tf.square(z)), 0.5);
              parts.mse = tf.keep(tf.clone(mse));
              parts.feature = tf.keep(tf.clone(feature));
              return tf.addN([tf.mul(feature, wD), tf.mul(mse, cfg.mseWeight), tf.mul(nll, cfg.nllWeight)]) as tf.Scalar;
            }, [z, ...trainG]);
            const traced = it % cfg.traceEvery === 0 || it === stage.iterations - 1;
            // The data term of the G(z) these gradients were taken at (at the noise level, that G(z) is
            // the answer), read back only where the noise check or the trace uses it.
            const mse01 = watchNoise || traced ? parts.mse!.dataSync()[0] / 4 : NaN;
            const reached = watchNoise && mse01 <= noiseLevel;
            if (!reached) {
              zOpt.apply([z], [grads[z.name]], stage.lrZ);
              if (trainG.length) gOpt.apply(trainG, trainG.map((v) => grads[v.name]), stage.lrG);
            }
            if (reached || traced) {
              trace.push({ image: i, stage: si, iteration: it, loss: value.dataSync()[0], mse: mse01, feature: parts.feature!.dataSync()[0], blocks });
            }
            tf.dispose([value, ...Object.values(grads), parts.mse!, parts.feature!]);
            if (reached) {
              stop = { stage: si, iteration: it, early: true };
              break;
            }
          }
          run.onStageEnd?.(i, si);
        }
        stops.push(stop);
        outs.push(tf.tidy(() => tf.mul(tf.add(prior.generator.apply(z), 1), 0.5))); // [1, H, W, C] in [0, 1]
      } finally {
        tf.dispose([z, yi, target]);
        zOpt.dispose();
        gOpt.dispose();
        gParams.forEach((v, k) => v.assign(saved[k]));
      }
      run.onProgress?.(i + 1, b);
    }
    const x = tf.concat(outs, 0);
    return { x, trace, startDistance, stops };
  } finally {
    tf.dispose([...outs, ...saved, ySym]);
    prior.generator.train(wasTraining[0]);
    prior.discriminator.train(wasTraining[1]);
  }
}
