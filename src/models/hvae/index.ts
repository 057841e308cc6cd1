/**
 * The 'hvae' model family for the shared training loop: a VAE with L stochastic layers and
 * top-down inference (ladder or NVAE-residual), config in config.ts, model in model.ts. The
 * command line (`genlab train hvae --latents 100,50 ...`, interpolation at a layer) is
 * src/cli/families/hvae.ts.
 *
 * `likelihoodMetrics` (for `genlab eval --metric elbo,iwae`) gives the test-set bounds, the
 * ELBO's terms (rec, kl_1 .. kl_L) and the active units per layer; `reportSections` the
 * per-layer KL curves and figures.
 */
import type { DataShape, ModelFamily, TrainableModel } from '../../train/types.js';
import { Rng } from '../../util/rng.js';
import { defaultTraining } from '../vae/config.js';
import { evaluationBatch, evaluationCount } from '../vae/bounds.js';
import { defaultConfig, hvaeConfigSchema, validateConfig, type HvaeConfig } from './config.js';
import { HvaeModel } from './model.js';
import { evaluateHierarchy } from './bounds.js';
import { activeUnitsPerLayer } from './active_units.js';
import { hvaeReportSections } from './report.js';

export { HvaeModel } from './model.js';
export type { HvaeConfig } from './config.js';

/** Top-down draws per example for E_q[z_i | x] below the top (active_units.ts). */
const ACTIVE_UNIT_SAMPLES = 10;

export const hvaeFamily: ModelFamily<HvaeConfig> = {
  name: 'hvae',
  summary: 'hierarchical VAE (ladder VAE, Sonderby et al. 2016; NVAE-style residual q): L stochastic layers, per-layer KL, free bits, IWAE',
  schema: hvaeConfigSchema,
  defaults(data: DataShape, source: string) {
    return { model: defaultConfig(data), training: defaultTraining(data, source) };
  },
  validate(config: HvaeConfig, where = 'config') {
    validateConfig(config, where);
  },
  create(config: HvaeConfig, data: DataShape, rng: Rng): TrainableModel {
    return new HvaeModel(config, data, rng);
  },
  dataOptions(config: HvaeConfig) {
    return { scaling: 'unit', binarize: config.binarize };
  },
  /**
   * `genlab eval RUN --metric elbo,iwae [--k 5000]`: test-set ELBO and IWAE_k (nats per example),
   * the ELBO's terms, bits per dimension from the IWAE bound, and active units per layer.
   */
  async likelihoodMetrics(model, dataset, opts) {
    if (!(model instanceof HvaeModel)) throw new Error('likelihoodMetrics: not an HvaeModel');
    model.setTraining(false);
    // One binarised draw of the test set for the bounds and the active units.
    const x = evaluationBatch(dataset, evaluationCount(dataset, opts.n), model.config.binarize, opts.rng);
    let r, active: number[];
    try {
      r = evaluateHierarchy(model, dataset, { k: opts.k, rng: opts.rng, batch: x, onProgress: opts.onProgress });
      active = activeUnitsPerLayer(model, x, ACTIVE_UNIT_SAMPLES, opts.rng);
    } finally {
      x.dispose();
    }
    const out: Record<string, number> = { elbo: r.elbo, iwae: r.iwae, k: r.k, n: r.n, bpd: r.bpd, rec: r.rec, kl: r.kl.reduce((s, v) => s + v, 0) };
    r.kl.forEach((v, i) => (out[`kl_${i + 1}`] = v));
    active.forEach((a, i) => (out[`active_${i + 1}`] = a));
    return out;
  },
  reportSections: (runDir: string) => hvaeReportSections(runDir),
};
