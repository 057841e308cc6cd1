/**
 * The VAE / autoencoder section of a run report: figures written into a directory, and the
 * metrics whose curves the report should draw (from metrics.jsonl).
 */
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import type { Dataset } from '../../data/types.js';
import { writeImageGrid } from '../../io/image_grid.js';
import { writeScatter } from '../../io/scatter.js';
import { Rng } from '../../util/rng.js';
import type { VaeModel } from './model.js';
import { encodeMeans, interpolationStrips, manifoldGrid, reconstructionGrid } from './figures.js';
import { pickImages } from './images.js';

export interface ReportFigure {
  /** Path of the written file. */
  path: string;
  title: string;
  caption: string;
}

export interface ReportSection {
  title: string;
  figures: ReportFigure[];
  /** Step metrics (metrics.jsonl keys) to plot against the step: the ELBO's terms. */
  curves: { title: string; keys: string[] }[];
}

/**
 * Writes reconstructions, samples, interpolations (and for a 2-D latent the latent manifold
 * and a scatter of test encodings) into `dir`, using test data `test`. Points runs get a
 * scatter of samples instead of image grids.
 */
export async function vaeReportSection(model: VaeModel, test: Dataset, dir: string, seed = 0): Promise<ReportSection> {
  const vae = model.config.kind === 'vae';
  const figures: ReportFigure[] = [];
  const curves = vae
    ? [
        { title: 'negative ELBO = reconstruction + KL (nats per example)', keys: ['loss', 'rec', 'kl'] },
        { title: 'KL weight (beta, warm-up)', keys: ['klWeight'] },
      ]
    : [{ title: 'reconstruction loss (nats per example)', keys: ['loss'] }];
  const title = vae ? 'Variational autoencoder' : 'Autoencoder';
  const sample = model.sample(64, new Rng(seed));
  try {
    if (test.kind === 'points') {
      const path = join(dir, 'samples.png');
      await writeScatter(path, Float32Array.from(sample.dataSync()));
      figures.push({ path, title: 'Samples', caption: vae ? 'x ~ p(x|z), z ~ N(0, I)' : 'decoded z ~ N(code mean, code variance)' });
      return { title, figures, curves };
    }
    let path = join(dir, 'samples.png');
    await writeImageGrid(path, sample, { cols: 8, scale: 2 });
    figures.push({ path, title: 'Samples', caption: vae ? 'decoder means at z ~ N(0, I)' : 'decoder at z ~ N(code mean, diag code variance), a Gaussian fitted to the codes' });

    const x = pickImages(test, 32, new Rng(seed + 1), model.config.binarize);
    const rec = reconstructionGrid(model, tf.slice(x, 0, 16), 8);
    const strips = tf.tidy(() => interpolationStrips(model, tf.slice(x, 16, 8), tf.slice(x, 24, 8), 10, 'linear'));
    try {
      path = join(dir, 'reconstructions.png');
      await writeImageGrid(path, rec, { cols: 8, scale: 2 });
      figures.push({ path, title: 'Reconstructions', caption: 'test images (odd rows) above E[x | z = mu(x)] (even rows)' });
      path = join(dir, 'interpolations.png');
      await writeImageGrid(path, strips, { cols: 12, scale: 2 });
      figures.push({ path, title: 'Interpolations', caption: 'linear paths between the encodings of two test images (ends: the images)' });
    } finally {
      tf.dispose([x, rec, strips]);
    }
    if (model.latentDim === 2) {
      const grid = manifoldGrid(model, 20);
      path = join(dir, 'manifold.png');
      try {
        await writeImageGrid(path, grid, { cols: 20, pad: 1 });
      } finally {
        grid.dispose();
      }
      figures.push({ path, title: 'Latent manifold', caption: 'decoded z on a 20 x 20 grid at Gaussian quantiles' });
      const n = Math.min(test.n, 5000);
      const per = test.height * test.width * test.channels;
      const xt = tf.tensor4d(test.pixels.subarray(0, n * per), [n, test.height, test.width, test.channels]);
      const mu = encodeMeans(model, xt);
      xt.dispose();
      path = join(dir, 'latent_scatter.png');
      await writeScatter(path, mu, { labels: test.labels?.subarray(0, n), radius: 2, alpha: 0.6 });
      figures.push({ path, title: 'Test encodings', caption: 'mu(x) of test images, coloured by label' });
    }
  } finally {
    sample.dispose();
  }
  return { title, figures, curves };
}
