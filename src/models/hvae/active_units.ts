/**
 * Active units per layer (Burda et al. 2016, sec. 5.2): a latent dimension u is active when
 *   A_u = Cov_x( E_{q(u|x)}[u] ) > 0.01,
 * i.e. when its posterior mean moves with the input. Cov_x is the variance over the data set
 * (divided by n). At the top E_q[z_L | x] = mu_hat_L(x); lower down q(z_i | z_{i+1}, x) depends
 * on the sample above, so E_q[z_i | x] = E_{q(z_{i+1}|x)}[mu_q,i(z_{i+1}, x)] is estimated by
 * the mean of mu_q,i over `samples` top-down draws (law of total expectation).
 */
import * as tf from '@tensorflow/tfjs-core';
import type { Rng } from '../../util/rng.js';
import { inferTopDown, type LatentHierarchy } from './top_down.js';
import { activeUnits } from '../../math/active_units.js';

/** E_q[z_i | x] per layer (bottom first), as [n, D_i] row-major tables, for x: [n, ...]. */
export function posteriorMeans(h: LatentHierarchy, x: tf.Tensor, samples: number, rng: Rng, batch = 250): Float64Array[] {
  const n = x.shape[0];
  const dims = h.latentDims;
  const out = dims.map((d) => new Float64Array(n * d));
  for (let start = 0; start < n; start += batch) {
    const b = Math.min(batch, n - start);
    for (let s = 0; s < samples; s++) {
      const noise = dims.map((d) => tf.tensor2d(rng.normalArray(b * d), [b, d]));
      const mus = tf.tidy(() => {
        const up = h.bottomUp(tf.slice(x, start, b));
        return inferTopDown(h, up, noise).map((st) => st.q.mu); // [b, D_i]
      });
      mus.forEach((t, i) => {
        const v = t.dataSync();
        const o = out[i];
        for (let r = 0; r < v.length; r++) o[start * dims[i] + r] += v[r] / samples;
      });
      tf.dispose([...noise, ...mus]);
    }
  }
  return out;
}

/** Active units of every layer, bottom first, on the examples x: [n, ...]. */
export function activeUnitsPerLayer(h: LatentHierarchy, x: tf.Tensor, samples: number, rng: Rng): number[] {
  const n = x.shape[0];
  return posteriorMeans(h, x, samples, rng).map((m, i) => activeUnits(m, n, h.latentDims[i]).active);
}
