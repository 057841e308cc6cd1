/**
 * A latent-variable model whose marginal likelihood and posterior are known in closed form,
 * for checking the ELBO and IWAE code against exact values (float64 references).
 *
 *   p(z) = N(0, I_d),  p(x|z) = N(x; W z + b, I_D)   =>   p(x) = N(x; b, W W^T + I_D)
 *   p(z|x) = N(S W^T (x - b), S),  S = (I_d + W^T W)^-1
 *   q(z|x) = N(mu, diag exp(logvar)) with mu, logvar free variables (one q for one x).
 * For q = N(m, diag v):
 *   ELBO = log N(x; W m + b, I) - 1/2 sum_j v_j |W_:j|^2 - KL(q || N(0, I))
 */
import * as tf from '@tensorflow/tfjs-core';
import { logNormalDiag } from '../../../src/models/vae/elbo.js';
import type { LatentGaussianModel } from '../../../src/models/vae/bounds.js';

const LOG_2PI = Math.log(2 * Math.PI);

export class LinearGaussian implements LatentGaussianModel {
  readonly latentDim: number;
  readonly D: number;
  readonly mu: tf.Variable; // [1, d]
  readonly logvar: tf.Variable; // [1, d]
  private readonly Wt: tf.Tensor2D; // [d, D]
  private readonly bT: tf.Tensor1D; // [D]

  /** W: D rows of d numbers; b: D numbers; q's mean and log-variance: d numbers each. */
  constructor(readonly W: number[][], readonly b: number[], mu: number[], logvar: number[]) {
    this.D = W.length;
    this.latentDim = W[0].length;
    this.Wt = tf.tensor2d(transpose(W));
    this.bT = tf.tensor1d(b);
    this.mu = tf.tidy(() => tf.variable(tf.tensor2d([mu])));
    this.logvar = tf.tidy(() => tf.variable(tf.tensor2d([logvar])));
  }

  encode(x: tf.Tensor): { mu: tf.Tensor2D; logvar: tf.Tensor2D } {
    const n = x.shape[0];
    return tf.tidy(() => ({ mu: tf.tile(this.mu, [n, 1]) as tf.Tensor2D, logvar: tf.tile(this.logvar, [n, 1]) as tf.Tensor2D }));
  }

  /** log N(x; W z + b, I).  x: [B, D], z: [B, d] -> [B]. */
  logLikelihood(x: tf.Tensor, z: tf.Tensor): tf.Tensor1D {
    return tf.tidy(() => logNormalDiag(x, tf.add(tf.matMul(z as tf.Tensor2D, this.Wt), this.bT), 0));
  }

  /** log N(x; b, W W^T + I), by Cholesky in float64. */
  logMarginal(x: number[]): number {
    const D = this.D;
    const C = Array.from({ length: D }, (_, i) =>
      Array.from({ length: D }, (_, j) => dot(this.W[i], this.W[j]) + (i === j ? 1 : 0)));
    const L = cholesky(C);
    const r = x.map((xi, i) => xi - this.b[i]);
    const y = forwardSolve(L, r); // L y = r  =>  r^T C^-1 r = |y|^2
    let logdet = 0;
    for (let i = 0; i < D; i++) logdet += 2 * Math.log(L[i][i]);
    return -0.5 * (D * LOG_2PI + logdet + dot(y, y));
  }

  /** The exact posterior p(z|x) = N(S W^T (x - b), S). */
  posterior(x: number[]): { mean: number[]; cov: number[][] } {
    const d = this.latentDim;
    const P = Array.from({ length: d }, (_, i) =>
      Array.from({ length: d }, (_, j) => this.W.reduce((s, row) => s + row[i] * row[j], 0) + (i === j ? 1 : 0)));
    const S = inverse(P);
    const Wtr = Array.from({ length: d }, (_, j) => this.W.reduce((s, row, i) => s + row[j] * (x[i] - this.b[i]), 0));
    return { mean: S.map((row) => dot(row, Wtr)), cov: S };
  }

  /** The ELBO of q = N(m, diag v) in closed form. */
  elboExact(x: number[], m: number[], v: number[]): number {
    const D = this.D;
    const mean = this.W.map((row, i) => dot(row, m) + this.b[i]);
    const r2 = x.reduce((s, xi, i) => s + (xi - mean[i]) ** 2, 0);
    const logLik = -0.5 * (D * LOG_2PI + r2);
    let trace = 0;
    for (let j = 0; j < this.latentDim; j++) trace += v[j] * this.W.reduce((s, row) => s + row[j] ** 2, 0);
    let kl = 0;
    for (let j = 0; j < m.length; j++) kl += 0.5 * (m[j] ** 2 + v[j] - Math.log(v[j]) - 1);
    return logLik - 0.5 * trace - kl;
  }

  dispose(): void {
    tf.dispose([this.Wt, this.bT, this.mu, this.logvar]);
  }
}

export function dot(a: number[], b: number[]): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i] * b[i];
  return s;
}

function transpose(A: number[][]): number[][] {
  return A[0].map((_, j) => A.map((row) => row[j]));
}

export function cholesky(A: number[][]): number[][] {
  const n = A.length;
  const L = Array.from({ length: n }, () => new Array<number>(n).fill(0));
  for (let i = 0; i < n; i++) {
    for (let j = 0; j <= i; j++) {
      let s = A[i][j];
      for (let k = 0; k < j; k++) s -= L[i][k] * L[j][k];
      L[i][j] = i === j ? Math.sqrt(s) : s / L[j][j];
    }
  }
  return L;
}

function forwardSolve(L: number[][], r: number[]): number[] {
  const y = new Array<number>(r.length).fill(0);
  for (let i = 0; i < r.length; i++) {
    let s = r[i];
    for (let k = 0; k < i; k++) s -= L[i][k] * y[k];
    y[i] = s / L[i][i];
  }
  return y;
}

/** Gauss-Jordan inverse of a small symmetric positive-definite matrix. */
function inverse(A: number[][]): number[][] {
  const n = A.length;
  const M = A.map((row, i) => [...row, ...Array.from({ length: n }, (_, j) => (i === j ? 1 : 0))]);
  for (let c = 0; c < n; c++) {
    const p = M[c][c];
    for (let j = 0; j < 2 * n; j++) M[c][j] /= p;
    for (let r = 0; r < n; r++) {
      if (r === c) continue;
      const f = M[r][c];
      for (let j = 0; j < 2 * n; j++) M[r][j] -= f * M[c][j];
    }
  }
  return M.map((row) => row.slice(n));
}
