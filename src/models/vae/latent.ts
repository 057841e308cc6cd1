/**
 * A grid over the VAE's latent plane at Gaussian quantiles, for the manifold figure. Pure
 * float64; the commands turn it into tensors. (Interpolation paths are in src/math/slerp.ts,
 * the normal CDF and quantile in src/math/normal.ts.)
 */
import { normalQuantile } from '../../math/normal.js';

/**
 * A size x size grid over the 2-D latent plane at the Gaussian quantiles
 *   z_i = Phi^-1((i + 1/2) / size),
 * so each cell holds equal prior mass (Kingma & Welling 2014, fig. 4). Row-major, top row =
 * largest z2 (y up, as in a plot): returns [size^2 * 2] values.
 */
export function quantileGrid(size: number): Float32Array {
  const q = Array.from({ length: size }, (_, i) => normalQuantile((i + 0.5) / size));
  const out = new Float32Array(size * size * 2);
  for (let r = 0; r < size; r++) {
    for (let c = 0; c < size; c++) {
      out[2 * (r * size + c)] = q[c];
      out[2 * (r * size + c) + 1] = q[size - 1 - r];
    }
  }
  return out;
}
