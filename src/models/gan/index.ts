/**
 * The 'gan' model family for the shared training loop. Its config is declared in config.ts;
 * the command line (`genlab train gan --loss wgan-gp ...`, `genlab interpolate`) is
 * src/cli/families/gan.ts.
 *
 * Each loss comes with its paper's optimiser and critic-step defaults (config.ts); flags and
 * --config override them. 2-D sources get MLP nets and the playground figures (playground.ts);
 * images get DCGAN nets. Sampling uses the generator's EMA.
 */
import { join, relative } from 'node:path';
import type { DataShape, DefaultsHints, ModelFamily, TrainableModel } from '../../train/types.js';
import { UserError } from '../../util/errors.js';
import type { Rng } from '../../util/rng.js';
import { linePlotSvg } from '../../io/plot.js';
import { readMetrics, metricSeries } from '../../train/metrics.js';
import { isPlainObject } from '../../config/schema.js';
import { GAN_LOSSES, type GanLoss } from './losses.js';
import { defaultConfig, defaultTraining, ganConfigSchema, type GanConfig } from './config.js';
import { GanModel } from './model.js';
import { ganTrainFamily } from './family_core.js';
import { writePlayground, writePlaygroundAnimation } from './playground.js';

export { GanModel } from './model.js';
export type { GanConfig } from './config.js';
export { discriminatorLoss, generatorLoss, GAN_LOSSES, type GanLoss } from './losses.js';
export { gradientPenalty, drawMixingWeights, interpolateSamples } from './gradient_penalty.js';
export { latentInterpolation, type LatentPath } from './latent_interpolation.js';

/** The loss a run is being set up with: the hints' (the command line's, else the --config file's), else non-saturating. */
function lossFromHints(hints?: DefaultsHints): GanLoss {
  const chosen = isPlainObject(hints?.modelConfig) ? hints.modelConfig.loss : undefined;
  const loss = chosen ?? 'ns';
  if (!GAN_LOSSES.includes(loss as GanLoss)) throw new UserError(`config: modelConfig.loss must be ${GAN_LOSSES.join('|')}, got ${JSON.stringify(loss)}`);
  return loss as GanLoss;
}

export const ganFamily: ModelFamily<GanConfig> = {
  name: 'gan',
  summary: 'generative adversarial networks: minimax, non-saturating, LSGAN, WGAN (clipping), WGAN-GP; MLP or DCGAN nets',
  defaults(data: DataShape, _source: string, hints?: DefaultsHints) {
    const loss = lossFromHints(hints);
    return { model: defaultConfig(loss, data), training: defaultTraining(loss, data) };
  },
  schema: ganConfigSchema,
  validate: ganTrainFamily.validate,
  create: (config: GanConfig, data: DataShape, rng: Rng): TrainableModel => ganTrainFamily.create(config, data, rng),
  dataOptions: ganTrainFamily.dataOptions,
  async onSample(model, info) {
    if (!(model instanceof GanModel)) throw new Error('gan onSample: not a GanModel');
    await writePlayground(model, info);
  },
  reportSections: (runDir: string) => reportSections(runDir),
};

/** Curves of the GAN diagnostics and, for 2-D runs, the playground animation. */
async function reportSections(runDir: string): Promise<string[]> {
  const rows = await readMetrics(join(runDir, 'metrics.jsonl'));
  const html = ['<h2>GAN diagnostics</h2>'];
  const curves: [string, string[]][] = [
    ['losses', ['d_loss', 'g_loss', 'gp']],
    ['discriminator outputs: mean D(x), D(G(z)); critic estimate of W1', ['d_real', 'd_fake', 'w_dist']],
    ['gradient norms', ['grad_d', 'grad_g', 'grad_xhat']],
    ['mode coverage (ring/grid toys)', ['modes', 'hq']],
  ];
  for (const [title, keys] of curves) {
    const series = metricSeries(rows, keys);
    if (series.length) html.push(linePlotSvg(series, { title, xLabel: 'step', width: 640, height: 280 }));
  }
  const gif = await writePlaygroundAnimation(runDir);
  if (gif) {
    html.push(`<figure><img src="${relative(runDir, gif)}" width="512"><figcaption>the playground over training: heat map = D's reading, green = real, purple = generated, arrows = the generator's gradient</figcaption></figure>`);
  }
  return [html.join('\n')];
}
