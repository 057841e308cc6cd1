/** Per-class VAEs classify by Bayes' rule: 0s versus 1s of mnist, after a short training each. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { initBackend } from '../../src/backend/index.js';
import { loadSource, type ImageDataset } from '../../src/data/index.js';
import { vaeClassify } from '../../src/eval/vae_classifier.js';

function only(ds: ImageDataset, classes: number[], limit: number): ImageDataset {
  const per = ds.height * ds.width * ds.channels;
  const idx = [...ds.labels!.keys()].filter((i) => classes.includes(ds.labels![i])).slice(0, limit);
  const pixels = new Float32Array(idx.length * per);
  idx.forEach((i, j) => pixels.set(ds.pixels.subarray(i * per, (i + 1) * per), j * per));
  return { ...ds, n: idx.length, pixels, labels: Int32Array.from(idx, (i) => classes.indexOf(ds.labels![i])) };
}

test('per-class VAE classifier separates mnist 0s from 1s', async () => {
  await initBackend({ backend: 'wasm', threads: 1 });
  const train = only((await loadSource('mnist', { split: 'train' })) as ImageDataset, [0, 1], 1000);
  const test_ = only((await loadSource('mnist', { split: 'test' })) as ImageDataset, [0, 1], 200);
  const r = vaeClassify(train, test_, { steps: 80, batch: 32, latent: 4, hidden: [64], k: 10, seed: 0 });
  assert.ok(r.accuracy > 0.95, `accuracy ${r.accuracy}`);
});
