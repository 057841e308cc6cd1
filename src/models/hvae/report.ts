/**
 * The hvae section of RUN/report.html: the loss and each layer's KL against the step (the
 * hierarchy's signature: which layers carry information, and when they start to), samples,
 * reconstructions, interpolations at the bottom and the top layer, a quick test bound and the
 * active units per layer.
 */
import { join, relative } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import type { Dataset } from '../../data/types.js';
import { loadSource } from '../../data/index.js';
import { writeImageGrid } from '../../io/image_grid.js';
import { writeScatter } from '../../io/scatter.js';
import { linePlotSvg } from '../../io/plot.js';
import { readMetrics, metricSeries } from '../../train/metrics.js';
import { UserError } from '../../util/errors.js';
import { Rng } from '../../util/rng.js';
import { reconstructionGrid } from '../vae/figures.js';
import { pickImages } from '../vae/images.js';
import { evaluationBatch } from '../vae/bounds.js';
import type { HvaeModel } from './model.js';
import { evaluateHierarchy } from './bounds.js';
import { activeUnitsPerLayer } from './active_units.js';
import { layerInterpolationStrips } from './figures.js';
import { loadHvaeRun } from './run.js';

function esc(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** The report's curves: metrics.jsonl keys per plot. */
export function hvaeCurves(layers: number): { title: string; keys: string[] }[] {
  const kls = Array.from({ length: layers }, (_, i) => `kl${i + 1}`);
  return [
    { title: 'negative ELBO = reconstruction + sum of the layers\' KL (nats per example)', keys: ['loss', 'rec', 'kl'] },
    { title: 'KL per layer (kl1 = bottom, nats per example)', keys: kls },
    { title: 'KL weight (beta, warm-up)', keys: ['klWeight'] },
  ];
}

/** Test data for the report: the source's test split, else its training images (said so on the page). */
async function reportData(spec: string): Promise<{ test: Dataset; heldOut: boolean }> {
  const named = /:(train|test)$/.test(spec);
  try {
    return { test: await loadSource(spec, named ? {} : { split: 'test' }), heldOut: true };
  } catch (e) {
    if (!(e instanceof UserError)) throw e;
    return { test: await loadSource(spec, named ? {} : { split: 'train' }), heldOut: false };
  }
}

/** Writes the figures into `figDir` and returns their paths with titles and captions. */
async function writeFigures(model: HvaeModel, test: Dataset, figDir: string): Promise<{ path: string; title: string; caption: string }[]> {
  const figures: { path: string; title: string; caption: string }[] = [];
  const sample = model.sample(64, new Rng(0));
  try {
    let path = join(figDir, 'samples.png');
    if (test.kind === 'points') {
      await writeScatter(path, Float32Array.from(sample.dataSync()));
      figures.push({ path, title: 'Samples', caption: 'ancestral samples z_L ~ N(0, I), z_i ~ p(z_i | z_{i+1}), x ~ p(x | z_1)' });
      return figures;
    }
    await writeImageGrid(path, sample, { cols: 8, scale: 2 });
    figures.push({ path, title: 'Samples', caption: 'decoder means at ancestral samples z_L ~ N(0, I), z_i ~ p(z_i | z_{i+1})' });
    const x = pickImages(test, 32, new Rng(1), model.config.binarize);
    try {
      const rec = reconstructionGrid(model, tf.slice(x, 0, 16), 8);
      path = join(figDir, 'reconstructions.png');
      await writeImageGrid(path, rec, { cols: 8, scale: 2 });
      rec.dispose();
      figures.push({ path, title: 'Reconstructions', caption: 'test images (odd rows) above E[x | z_1] on the posterior mean path (even rows)' });
      for (const layer of [...new Set([1, model.layers])]) {
        const strips = tf.tidy(() => layerInterpolationStrips(model, tf.slice(x, 16, 8), tf.slice(x, 24, 8), 10, layer, 'linear'));
        path = join(figDir, `interpolations_layer${layer}.png`);
        await writeImageGrid(path, strips, { cols: 12, scale: 2 });
        strips.dispose();
        const what = layer === 1 && model.layers > 1 ? 'the upper layers fixed at the left image\'s, the bottom layer varies' : layer === model.layers && model.layers > 1 ? 'the lower layers\' noise fixed at the left image\'s, the top layer varies' : 'the latent varies';
        figures.push({ path, title: `Interpolations at layer ${layer}`, caption: `${what} towards the right image's (ends: the images)` });
      }
    } finally {
      x.dispose();
    }
  } finally {
    sample.dispose();
  }
  return figures;
}

/** HTML for RUN/report.html. */
export async function hvaeReportSections(runDir: string): Promise<string[]> {
  const run = await loadHvaeRun(runDir, 'report');
  try {
    const { test, heldOut } = await reportData(run.dataSource);
    const model = run.model;
    const figures = await writeFigures(model, test, join(runDir, 'figures'));
    const html = [`<h2>Hierarchical VAE (${model.layers} stochastic layers, ${esc(model.config.inference)} inference)</h2>`];
    const rows = await readMetrics(join(runDir, 'metrics.jsonl'));
    for (const c of hvaeCurves(model.layers)) {
      const series = metricSeries(rows, c.keys);
      if (series.length) html.push(linePlotSvg(series, { title: c.title, xLabel: 'step', width: 640, height: 300 }));
    }
    // A quick bound for the report (the k = 5000 one is `genlab eval --metric elbo,iwae`).
    const n = Math.min(200, test.n);
    const rng = new Rng(0);
    const x = evaluationBatch(test, n, model.config.binarize, rng);
    let r, active: number[];
    try {
      r = evaluateHierarchy(model, test, { k: 100, rng, batch: x });
      active = activeUnitsPerLayer(model, x, 10, rng);
    } finally {
      x.dispose();
    }
    const terms = r.kl.map((v, i) => `KL<sub>${i + 1}</sub> ${v.toFixed(2)}`).join(', ');
    html.push(`<p>${heldOut ? 'Test' : 'Training-set (the source has no test split)'} bounds on ${n} ${esc(test.source)} examples: ELBO ${r.elbo.toFixed(2)} nats (reconstruction ${r.rec.toFixed(2)}, ${terms}), IWAE<sub>100</sub> ${r.iwae.toFixed(2)} nats (${r.bpd.toFixed(4)} bits/dim). Active units per layer (bottom first, of ${model.latentDims.join(', ')}): ${active.join(', ')}.</p>`);
    for (const f of figures) html.push(`<figure><img src="${esc(relative(runDir, f.path))}" width="360"><figcaption>${esc(f.title)}: ${esc(f.caption)}</figcaption></figure>`);
    return [html.join('\n')];
  } finally {
    run.dispose();
  }
}
