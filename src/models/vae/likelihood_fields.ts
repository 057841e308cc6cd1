/**
 * The fields that say what likelihood a VAE-like model maximises, shared by the VAE family
 * (src/models/vae/config.ts) and the hierarchical VAE (src/models/hvae/config.ts): the decoder
 * p(x|z), its variance, the KL weight and its warm-up, and how batches are binarised. The
 * defaults depend only on the data, so both families' configs take the same values.
 */
import { UserError } from '../../util/errors.js';
import { int, num, oneOf } from '../../config/schema.js';
import type { DataShape } from '../../train/types.js';

/** What these fields' defaults depend on. */
export interface LikelihoodContext {
  data: DataShape;
}

const points = (c: LikelihoodContext) => c.data.kind === 'points';

export const likelihoodFields = {
  /**
   * p(x|z): 'bernoulli' (logits; its negative log-likelihood is the summed binary cross-entropy)
   * or 'gaussian' (its negative log-likelihood is 1/(2 sigma^2) times the summed squared error plus
   * a constant). Images get the Bernoulli decoder; 2-D points a Gaussian one whose variance is
   * learned (a unit variance would swamp data of that scale).
   */
  decoder: oneOf(['bernoulli', 'gaussian'], {
    default: (c: LikelihoodContext) => (points(c) ? 'gaussian' : 'bernoulli'),
    flag: 'decoder',
    doc: 'p(x|z): bernoulli (binary cross-entropy) or gaussian (squared error); gaussian turns binarisation off',
  }),
  /** Gaussian decoder: 'fixed' sigma = decoderStd, or 'learned' per dimension as a function of z. */
  decoderVariance: oneOf(['fixed', 'learned'], {
    default: (c: LikelihoodContext) => (points(c) ? 'learned' : 'fixed'),
    flag: 'decoder-variance',
    doc: 'gaussian decoder: fixed sigma (--decoder-std) or learned per dimension',
  }),
  /** Gaussian decoder with fixed variance: its standard deviation (1 = the unit-variance decoder). */
  decoderStd: num({ gt: 0, default: 1, flag: 'decoder-std', doc: 'gaussian decoder with fixed variance: its standard deviation' }),
  /** Weight of the KL term(s) (beta-VAE, Higgins et al. 2017); 1 gives the ELBO. */
  beta: num({ min: 0, default: 1, flag: 'beta', doc: 'weight of the KL term (beta-VAE); 1 gives the ELBO' }),
  /** KL warm-up (Sonderby et al. 2016 use it for the ladder VAE): the KL weight rises linearly from 0 to beta over this many steps (0 = off). */
  klWarmupSteps: int({ min: 0, default: 0, flag: 'kl-warmup', doc: 'steps over which the KL weight rises from 0 to beta (0 = off)' }),
  /**
   * How batches are binarised: 'dynamic' resamples x ~ Bernoulli(pixels) each time (Salakhutdinov
   * & Murray 2008). Greyscale images are binarised dynamically so that the Bernoulli likelihood
   * is a true likelihood (test ELBO in nats comparable with the literature); colour images keep
   * their grey levels (cross-entropy on [0, 1]).
   */
  binarize: oneOf(['none', 'dynamic', 'threshold'], {
    default: (c: LikelihoodContext) => (!points(c) && c.data.shape[2] === 1 ? 'dynamic' : 'none'),
    flag: 'binarize',
    doc: 'binarisation of the batches: dynamic resamples x ~ Bernoulli(pixels) each time',
  }),
};

/** The check both families make: a learned variance belongs to the Gaussian decoder. */
export function decoderVarianceProblem(c: { decoder: string; decoderVariance: string }): { key: 'decoderVariance'; must: string } | null {
  return c.decoder === 'bernoulli' && c.decoderVariance === 'learned' ? { key: 'decoderVariance', must: "must be 'fixed' with the bernoulli decoder ('learned' needs the gaussian decoder)" } : null;
}

/** What a VAE-like config must satisfy to fit its data (the same for the VAE and the hierarchical VAE). */
export function checkVaeLikeDataFit(config: { arch: 'mlp' | 'conv'; decoder: string; binarize: string; channels: number[] }, data: DataShape): void {
  if (data.kind === 'points') {
    if (config.arch === 'conv') throw new UserError('--arch conv needs image data; use --arch mlp for points');
    if (config.decoder === 'bernoulli') throw new UserError('--decoder bernoulli needs image data in [0, 1]; use --decoder gaussian for points');
    if (config.binarize !== 'none') throw new UserError('binarisation applies to images only');
    return;
  }
  if (config.arch === 'conv') {
    const f = 2 ** config.channels.length;
    const [h, w] = data.shape;
    if (h % f !== 0 || w % f !== 0) throw new UserError(`--arch conv with ${config.channels.length} stride-2 stages needs image sides divisible by ${f}, got ${h}x${w}`);
  }
}
