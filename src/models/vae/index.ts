/**
 * The 'ae' and 'vae' model families for the shared training loop (src/train/types.ts). Their
 * config is declared in config.ts; the command line (`genlab train vae --latent 16 ...`, the
 * --arch iwae preset, ae's --loss) is src/cli/families/vae.ts.
 *
 * Optional hooks: `likelihoodMetrics` (test-set ELBO and IWAE_k for `genlab eval`; VAE only)
 * and `reportSections` (reconstructions, samples, interpolations, latent manifold, the ELBO
 * terms' curves and a quick test bound, for RUN/report.html).
 */
import { join, relative } from 'node:path';
import type { DataShape, Dataset, ModelFamily, TrainableModel } from '../../train/types.js';
import { loadSource } from '../../data/index.js';
import { linePlotSvg } from '../../io/plot.js';
import { readMetrics, metricSeries } from '../../train/metrics.js';
import { UserError } from '../../util/errors.js';
import { Rng } from '../../util/rng.js';
import { defaultConfig, defaultTraining, validateConfig, vaeConfigSchema } from './config.js';
import type { VaeConfig } from './config.js';
import { VaeModel } from './model.js';
import { evaluateLikelihood, evaluationBatch, evaluationCount } from './bounds.js';
import { posteriorStats } from './posterior_stats.js';
import { loadVaeRun } from './run.js';
import { vaeReportSection } from './report.js';

export { VaeModel } from './model.js';
export type { VaeConfig } from './config.js';
export { evaluateLikelihood, importanceBounds } from './bounds.js';
export type { LikelihoodResult } from './bounds.js';

function makeFamily(kind: 'vae' | 'ae'): ModelFamily<VaeConfig> {
  const vae = kind === 'vae';
  return {
    name: kind,
    summary: vae
      ? 'variational autoencoder (Kingma & Welling 2014): Bernoulli or Gaussian decoder, beta, KL warm-up, IWAE bound'
      : 'deterministic autoencoder (BCE or MSE); samples from a Gaussian fitted to its codes',
    schema: vaeConfigSchema,
    defaults(data: DataShape, source: string) {
      const model = defaultConfig(kind, data);
      // The AE is not a likelihood model: train on grey levels (sharper reconstructions) rather than binarised digits.
      if (!vae) model.binarize = 'none';
      return { model, training: defaultTraining(data, source) };
    },
    validate(config: VaeConfig, where = 'config') {
      validateConfig(config, where);
      if (config.kind !== kind) throw new UserError(`${where}: modelConfig.kind must be '${kind}' in a ${kind} run, got ${JSON.stringify(config.kind)}`);
    },
    create(config: VaeConfig, data: DataShape, rng: Rng): TrainableModel {
      return new VaeModel(config, data, rng);
    },
    dataOptions(config: VaeConfig) {
      return { scaling: 'unit', binarize: config.binarize };
    },
    /**
     * For `genlab eval RUN --metric elbo,iwae [--k 5000]`: test-set ELBO and IWAE_k in nats per
     * example, bits per dimension from the IWAE bound, k and n; the ELBO's terms (rec = -elbo -
     * kl_1, kl_1 in closed form) and the active units, keyed as the hierarchical VAE's layer 1.
     * UserError for the autoencoder.
     */
    async likelihoodMetrics(model, dataset, opts) {
      if (!(model instanceof VaeModel)) throw new Error('likelihoodMetrics: not a VaeModel');
      if (model.config.kind !== 'vae') throw new UserError('elbo/iwae need a VAE run: an autoencoder has no likelihood');
      model.setTraining(false);
      // One binarised draw of the test set for the bounds and the ELBO's terms, so rec = -elbo - kl_1 holds per draw.
      const x = evaluationBatch(dataset, evaluationCount(dataset, opts.n), model.config.binarize, opts.rng);
      let r, stats;
      try {
        r = evaluateLikelihood(model, dataset, { k: opts.k, rng: opts.rng, batch: x, onProgress: opts.onProgress });
        stats = posteriorStats(model, x);
      } finally {
        x.dispose();
      }
      return { ...r, rec: -r.elbo - stats.kl, kl: stats.kl, kl_1: stats.kl, active_1: stats.active };
    },
    reportSections: (runDir: string) => reportSections(runDir),
  };
}

function esc(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** HTML for RUN/report.html: figures in RUN/figures/, the ELBO terms on one plot, a quick test bound. */
async function reportSections(runDir: string): Promise<string[]> {
  const run = await loadVaeRun(runDir, 'report');
  try {
    const spec = run.dataSource;
    let test: Dataset;
    let heldOut = true;
    try {
      test = await loadSource(spec, /:(train|test)$/.test(spec) ? {} : { split: 'test' });
    } catch (e) {
      // A source without a test split (a flat folder:, one idx file): the figures use training images.
      if (!(e instanceof UserError)) throw e;
      test = await loadSource(spec, /:(train|test)$/.test(spec) ? {} : { split: 'train' });
      heldOut = false;
    }
    const sec = await vaeReportSection(run.model, test, join(runDir, 'figures'));
    const html = [`<h2>${esc(sec.title)}</h2>`];
    const rows = await readMetrics(join(runDir, 'metrics.jsonl'));
    for (const c of sec.curves) {
      const series = metricSeries(rows, c.keys);
      if (series.length) html.push(linePlotSvg(series, { title: c.title, xLabel: 'step', width: 640, height: 300 }));
    }
    if (run.model.config.kind === 'vae') {
      // A quick bound for the report (the full k = 5000 one is `genlab eval --metric elbo,iwae`).
      const n = Math.min(200, test.n); // 200 x 100 decoder passes: seconds even for the conv decoder
      const r = evaluateLikelihood(run.model, test, { k: 100, n, rng: new Rng(0) });
      html.push(`<p>${heldOut ? 'Test' : 'Training-set (the source has no test split)'} bounds on ${n} ${esc(test.source)} examples: ELBO ${r.elbo.toFixed(2)} nats, IWAE<sub>100</sub> ${r.iwae.toFixed(2)} nats (${r.bpd.toFixed(4)} bits/dim).</p>`);
    }
    for (const f of sec.figures) {
      html.push(`<figure><img src="${esc(relative(runDir, f.path))}" width="360"><figcaption>${esc(f.title)}: ${esc(f.caption)}</figcaption></figure>`);
    }
    return [html.join('\n')];
  } finally {
    run.dispose();
  }
}

export const vaeFamily = makeFamily('vae');
export const aeFamily = makeFamily('ae');
