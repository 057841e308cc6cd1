/**
 * A two-layer linear-Gaussian hierarchy whose marginal and posterior are known in closed form
 * (float64), implementing the LatentHierarchy surface the bounds use:
 *
 *   p(z_2) = N(0, 1),   p(z_1 | z_2) = N(a z_2 + c, s1),   p(x | z_1) = N(x; w z_1 + b, s0 I_D)
 *   =>  p(x) = N(x; w c + b, t w w^T + s0 I),   t = a^2 + s1
 *
 * The exact posterior has the ladder's form: p(z_1 | z_2, x) is p(z_1 | z_2) times the Gaussian
 * factor N(z_1; m1, v1) of the likelihood, v1 = s0 / |w|^2, m1 = w.(x - b) / |w|^2, merged by
 * precision; and p(z_2 | x) is a 1-D Gaussian (below). So bottom-up Gaussians (m2, v2) at the top
 * and (m1, v1) at the bottom make q the true posterior, and log w = log p(x) for every sample.
 * The bottom-up Gaussians are free numbers (one x at a time).
 */
import * as tf from '@tensorflow/tfjs-core';
import { logNormalDiag } from '../../../src/models/vae/elbo.js';
import type { DiagGaussian, InferenceKind } from '../../../src/models/hvae/merge.js';
import type { LatentHierarchy } from '../../../src/models/hvae/top_down.js';

const LOG_2PI = Math.log(2 * Math.PI);
const dot = (u: number[], v: number[]) => u.reduce((s, ui, i) => s + ui * v[i], 0);

export class LinearGaussianHierarchy implements LatentHierarchy {
  readonly latentDims = [1, 1];
  /** Bottom-up (mean, variance) per layer, bottom first. */
  up: [number, number][] = [[0, 1], [0, 1]];
  private readonly wT: tf.Tensor2D; // [1, D]
  private readonly bT: tf.Tensor1D; // [D]

  constructor(readonly a: number, readonly c: number, readonly s1: number, readonly w: number[], readonly b: number[], readonly s0: number, readonly inference: InferenceKind = 'ladder') {
    this.wT = tf.tensor2d([w]);
    this.bT = tf.tensor1d(b);
  }

  bottomUp(x: tf.Tensor): DiagGaussian[] {
    const n = x.shape[0];
    return this.up.map(([m, v]) => ({ mu: tf.fill([n, 1], m) as tf.Tensor2D, logvar: tf.fill([n, 1], Math.log(v)) as tf.Tensor2D }));
  }

  prior(_i: number, zAbove: tf.Tensor2D): DiagGaussian {
    return tf.tidy(() => ({ mu: tf.add(tf.mul(zAbove, this.a), this.c) as tf.Tensor2D, logvar: tf.fill(zAbove.shape, Math.log(this.s1)) as tf.Tensor2D }));
  }

  logLikelihood(x: tf.Tensor, z1: tf.Tensor2D, k: number): tf.Tensor1D {
    return tf.tidy(() => {
      const [bn, D] = x.shape;
      const mean = tf.reshape(tf.add(tf.matMul(z1, this.wT), this.bT), [bn, k, D]); // [B, k, D]
      return tf.reshape(logNormalDiag(tf.reshape(x, [bn, 1, D]), mean, Math.log(this.s0), 2), [bn * k]) as tf.Tensor1D;
    });
  }

  /** log p(x) in closed form (Sherman-Morrison for the rank-one covariance). */
  logMarginal(x: number[]): number {
    const D = x.length;
    const t = this.a ** 2 + this.s1;
    const ww = dot(this.w, this.w);
    const r = x.map((xi, i) => xi - this.w[i] * this.c - this.b[i]);
    const wr = dot(this.w, r);
    const quad = (dot(r, r) - (t * wr * wr) / (this.s0 + t * ww)) / this.s0;
    return -0.5 * (D * LOG_2PI + D * Math.log(this.s0) + Math.log(1 + (t * ww) / this.s0) + quad);
  }

  /** p(z_2 | x) = N(mean, variance): x | z_2 ~ N(g z_2 + w c + b, C), g = a w, C = s1 w w^T + s0 I. */
  topPosterior(x: number[]): [number, number] {
    const ww = dot(this.w, this.w);
    const cInv = (y: number[]) => {
      const f = (this.s1 * dot(this.w, y)) / (this.s0 + this.s1 * ww);
      return y.map((yi, i) => (yi - f * this.w[i]) / this.s0);
    };
    const g = this.w.map((wi) => this.a * wi);
    const r = x.map((xi, i) => xi - this.w[i] * this.c - this.b[i]);
    const prec = 1 + dot(g, cInv(g));
    return [dot(g, cInv(r)) / prec, 1 / prec];
  }

  /** The bottom layer's likelihood factor N(z_1; m1, v1). */
  bottomFactor(x: number[]): [number, number] {
    const ww = dot(this.w, this.w);
    return [dot(this.w, x.map((xi, i) => xi - this.b[i])) / ww, this.s0 / ww];
  }

  dispose(): void {
    tf.dispose([this.wT, this.bT]);
  }
}

/** KL(N(m1, v1) || N(m2, v2)) of 1-D Gaussians, float64. */
export function kl1d(m1: number, v1: number, m2: number, v2: number): number {
  return 0.5 * (Math.log(v2 / v1) + (v1 + (m1 - m2) ** 2) / v2 - 1);
}
