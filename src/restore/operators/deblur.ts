/**
 * Deblurring by a separable Gaussian kernel, A+ through its SVD.
 *
 * The blur along one axis of n pixels is the n x n matrix (zero padding at the borders)
 *   K[i, j] = g(j - i),   g(d) = exp(-d^2 / (2 s^2)) / sum_{|e| <= r} exp(-e^2 / (2 s^2)),  |d| <= r = ceil(3 s),
 * and the 2-D blur of each channel X (H x W) is K_H X K_W^T, i.e. A = K_H (x) K_W. K is
 * symmetric, so its SVD comes from one symmetric eigen-decomposition (float64),
 *   K = Q diag(l) Q^T = U diag(|l|) V^T,   V = Q,  U = Q diag(sign l),
 * and A's singular values are the products s_i s'_j with singular vectors u_i (x) u'_j, v_i (x) v'_j.
 * A Gaussian blur's small singular values would make A+ amplify round-off and noise without
 * bound, so (as the DDNM authors do) those with s_i s'_j < tau are set to 0: the operator is the
 * truncated blur
 *   A x  = U_H [S * T * (V_H^T X V_W)] U_W^T,        S_ij = s_i s'_j,  T_ij = [S_ij >= tau],
 *   A+ y = V_H [(T / S) * (U_H^T Y U_W)] V_W^T,
 * for which A A+ A = A and A+ A A+ = A+ hold exactly (both are products of orthogonal factors
 * and diagonal ones with T^2 = T). y has x's shape: [B, H, W, C].
 */
import * as tf from '@tensorflow/tfjs-core';
import { symEigen } from '../../math/linalg.js';
import type { ImageShape, LinearOperator } from './operator.js';
import { checkImages, mulAlong } from './operator.js';

/** The n x n zero-padded Gaussian blur matrix K (row-major float64). */
export function gaussianBlurMatrix(n: number, sigma: number): Float64Array {
  if (!(sigma > 0)) throw new Error(`deblur: sigma must be > 0, got ${sigma}`);
  const r = Math.ceil(3 * sigma);
  const g: number[] = [];
  for (let d = -r; d <= r; d++) g.push(Math.exp(-(d * d) / (2 * sigma * sigma)));
  const total = g.reduce((a, b) => a + b, 0);
  const k = new Float64Array(n * n);
  for (let i = 0; i < n; i++) for (let j = Math.max(0, i - r); j <= Math.min(n - 1, i + r); j++) k[i * n + j] = g[j - i + r] / total;
  return k;
}

/** SVD of a symmetric n x n matrix: U, V as [n, n] row-major (columns = singular vectors), s >= 0. */
export function symmetricSvd(k: Float64Array, n: number): { u: Float64Array; v: Float64Array; s: Float64Array } {
  const { values, vectors } = symEigen(k, n); // row i of `vectors` = eigenvector of values[i]
  const u = new Float64Array(n * n);
  const v = new Float64Array(n * n);
  const s = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    s[i] = Math.abs(values[i]);
    const sign = values[i] < 0 ? -1 : 1;
    for (let r = 0; r < n; r++) {
      v[r * n + i] = vectors[i * n + r];
      u[r * n + i] = sign * vectors[i * n + r];
    }
  }
  return { u, v, s };
}

function transposed32(a: Float64Array, n: number): Float32Array {
  const out = new Float32Array(n * n);
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) out[j * n + i] = a[i * n + j];
  return out;
}

export class DeblurOperator implements LinearOperator {
  readonly name = 'deblur';
  readonly measurementShape: number[];
  /** Singular values kept (S_ij >= tau) out of H W. */
  readonly kept: number;
  private readonly uh: tf.Tensor2D;
  private readonly uhT: tf.Tensor2D;
  private readonly vh: tf.Tensor2D;
  private readonly vhT: tf.Tensor2D;
  private readonly uw: tf.Tensor2D;
  private readonly uwT: tf.Tensor2D;
  private readonly vw: tf.Tensor2D;
  private readonly vwT: tf.Tensor2D;
  /** S * T and T / S, [1, H, W, 1]. */
  private readonly gain: tf.Tensor4D;
  private readonly inverseGain: tf.Tensor4D;

  constructor(readonly imageShape: ImageShape, readonly sigma: number, readonly tau = 3e-2) {
    const [h, w] = imageShape;
    this.measurementShape = [...imageShape];
    const sh = symmetricSvd(gaussianBlurMatrix(h, sigma), h);
    const sw = symmetricSvd(gaussianBlurMatrix(w, sigma), w);
    const gain = new Float32Array(h * w);
    const inverse = new Float32Array(h * w);
    let kept = 0;
    for (let i = 0; i < h; i++) {
      for (let j = 0; j < w; j++) {
        const s = sh.s[i] * sw.s[j];
        if (s >= tau) {
          gain[i * w + j] = s;
          inverse[i * w + j] = 1 / s;
          kept++;
        }
      }
    }
    this.kept = kept;
    const t = (a: Float64Array, n: number) => tf.tensor2d(Float32Array.from(a), [n, n]);
    const tt = (a: Float64Array, n: number) => tf.tensor2d(transposed32(a, n), [n, n]);
    this.uh = t(sh.u, h);
    this.uhT = tt(sh.u, h);
    this.vh = t(sh.v, h);
    this.vhT = tt(sh.v, h);
    this.uw = t(sw.u, w);
    this.uwT = tt(sw.u, w);
    this.vw = t(sw.v, w);
    this.vwT = tt(sw.v, w);
    this.gain = tf.tensor4d(gain, [1, h, w, 1]);
    this.inverseGain = tf.tensor4d(inverse, [1, h, w, 1]);
  }

  /** A x = U_H [S T * (V_H^T X V_W)] U_W^T per channel.  [B, H, W, C] -> [B, H, W, C]. */
  apply(x: tf.Tensor): tf.Tensor {
    checkImages(this, x);
    return tf.tidy(() => {
      const z = mulAlong(mulAlong(x, this.vhT, 'h'), this.vwT, 'w'); // V_H^T X V_W
      return mulAlong(mulAlong(tf.mul(z, this.gain), this.uh, 'h'), this.uw, 'w'); // U_H (.) U_W^T
    });
  }

  /** A+ y = V_H [(T / S) * (U_H^T Y U_W)] V_W^T per channel.  [B, H, W, C] -> [B, H, W, C]. */
  pinv(y: tf.Tensor): tf.Tensor {
    return tf.tidy(() => {
      const z = mulAlong(mulAlong(y, this.uhT, 'h'), this.uwT, 'w'); // U_H^T Y U_W
      return mulAlong(mulAlong(tf.mul(z, this.inverseGain), this.vh, 'h'), this.vw, 'w'); // V_H (.) V_W^T
    });
  }

  describe(): Record<string, unknown> {
    return { operator: this.name, sigma: this.sigma, tau: this.tau, keptSingularValues: this.kept, of: this.imageShape[0] * this.imageShape[1] };
  }

  dispose(): void {
    tf.dispose([this.uh, this.uhT, this.vh, this.vhT, this.uw, this.uwT, this.vw, this.vwT, this.gain, this.inverseGain]);
  }
}
