/**
 * A small denoiser for 2-D points: the input concatenated with a sinusoidal embedding of t,
 * through SiLU MLP layers. x: [B, 2] -> [B, 2].
 */
import * as tf from '@tensorflow/tfjs-core';
import { Module, Dense, silu, timestepEmbedding } from '../../nn/index.js';
import type { Rng } from '../../util/rng.js';

export interface MlpDenoiserConfig {
  dim: number;
  hidden: number;
  layers: number;
  /** Width of the sinusoidal time embedding. */
  timeEmbedding: number;
}

export class MlpDenoiser extends Module {
  private readonly hiddenLayers: Dense[] = [];
  private readonly out: Dense;
  constructor(rng: Rng, readonly cfg: MlpDenoiserConfig) {
    super();
    let width = cfg.dim + cfg.timeEmbedding;
    for (let i = 0; i < cfg.layers; i++) {
      this.hiddenLayers.push(this.child(`hidden${i}`, new Dense(rng, width, cfg.hidden)));
      width = cfg.hidden;
    }
    this.out = this.child('out', new Dense(rng, width, cfg.dim));
  }
  apply(x: tf.Tensor, t: number[]): tf.Tensor {
    return tf.tidy(() => {
      let h: tf.Tensor = tf.concat([x, timestepEmbedding(t, this.cfg.timeEmbedding)], 1); // [B, dim + E]
      for (const l of this.hiddenLayers) h = silu(l.apply(h));
      return this.out.apply(h); // [B, dim]
    });
  }
}
