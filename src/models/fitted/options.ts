/**
 * The options of a maximum-likelihood fit (`genlab fit`, saved in fit.json), declared once
 * (src/config/schema.ts): their type, their defaults (which depend on the distribution and on
 * images vs 2-D points), their checks and the flags of `genlab fit`.
 */
import { int, nullable, num, object, oneOf, type Infer, type Same } from '../../config/schema.js';
import { IMAGE_RIDGE, type CovarianceKind } from '../../distributions/gaussian.js';
import { DEFAULT_GMM_CONFIG } from '../../distributions/gmm.js';

export type FitKind = 'gaussian' | 'gmm';

export interface FitDefaultsContext {
  kind: FitKind;
  dataKind: 'images' | 'points';
}

const images = (c: FitDefaultsContext) => c.dataKind === 'images';

export const fitOptionsSchema = object({
  // A full 784 x 784 covariance per component makes each EM step slow; mixtures of images default to diagonal.
  covariance: oneOf(['full', 'diag'], { default: (c: FitDefaultsContext) => (c.kind === 'gmm' && images(c) ? 'diag' : 'full'), flag: 'covariance', doc: 'covariance of each Gaussian' }),
  /** Mixture components (gmm). */
  components: int({ min: 1, default: 8, flag: 'components', arg: 'K', doc: 'mixture components (gmm)' }),
  /** Added to every covariance diagonal: 0.01 for images, 0 (gaussian) / 1e-6 (gmm) for points. */
  ridge: num({
    min: 0,
    default: (c: FitDefaultsContext) => (images(c) ? IMAGE_RIDGE : c.kind === 'gmm' ? DEFAULT_GMM_CONFIG.ridge : 0),
    flag: 'ridge',
    arg: 'R',
    doc: 'added to covariance diagonals',
  }),
  /** EM iterations at most (gmm). */
  maxIter: int({ min: 1, default: DEFAULT_GMM_CONFIG.maxIter, flag: 'iters', doc: 'EM iterations at most (gmm)' }),
  /** Seed of the k-means++ initialisation (gmm) and of the figures' samples. */
  seed: int({ min: 0, default: 0, flag: 'seed', arg: 'S', doc: 'k-means++ seed and figure samples' }),
  /** Use only the first `limit` training samples. */
  limit: nullable(int({ min: 1 }), { default: null, flag: 'limit', doc: 'fit on the first N training samples only' }),
});

export type FitOptions = Infer<typeof fitOptionsSchema>;

const pinned: Same<FitOptions['covariance'], CovarianceKind> = true;
void pinned;

/** Defaults that depend on the data: covariance and ridge. */
export function defaultFitOptions(kind: FitKind, dataKind: 'images' | 'points'): FitOptions {
  return fitOptionsSchema.defaults({ kind, dataKind });
}
