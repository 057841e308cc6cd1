/**
 * mnist-m (src/data/mnist_m.ts, mnist_m_photos.ts): the blend x_c = |p_c - [d > 0.5]| checked
 * pixel by pixel against a hand-made photo, and the loaded source: shape, range, labels equal
 * mnist's, determinism per seed, digits that stand out from their background, the missing
 * package's error.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { clearDataCache, loadSource, parseSpec, sourceName, type ImageDataset } from '../../src/data/index.js';
import { blendMnistM, type Photo } from '../../src/data/mnist_m.js';
import { UserError } from '../../src/util/errors.js';
import { Rng } from '../../src/util/rng.js';

async function images(spec: string, opts = {}): Promise<ImageDataset> {
  const ds = await loadSource(spec, opts);
  assert.equal(ds.kind, 'images');
  return ds as ImageDataset;
}

test('blendMnistM: photo where there is no ink, its negative where there is (closed form, 28 and 32)', () => {
  // one digit: ink (0.9) in the top-left pixel, 0.4 (below the 0.5 threshold) beside it
  const digit = new Float32Array(784);
  digit[0] = 0.9;
  digit[1] = 0.4;
  const ds: ImageDataset = { kind: 'images', source: 'mnist', split: 'test', n: 1, height: 28, width: 28, channels: 1, pixels: digit, labels: Int32Array.of(7) };
  // a photo exactly 28 (32) square so the crop is the whole photo: value (y*w + x)*3 + c scaled
  for (const size of [28, 32] as const) {
    const px = new Float32Array(size * size * 3).map((_, i) => (i % 97) / 96);
    const photo: Photo = { name: 'p', height: size, width: size, pixels: px };
    const out = blendMnistM(ds, [photo], new Rng(1), size);
    assert.equal(out.height, size);
    assert.equal(out.channels, 3);
    assert.deepEqual([...out.labels!], [7]);
    const pad = (size - 28) / 2;
    const inked = (pad * size + pad) * 3; // the digit's pixel (0, 0)
    for (let i = 0; i < px.length; i++) {
      const want = i >= inked && i < inked + 3 ? 1 - px[i] : px[i];
      assert.ok(Math.abs(out.pixels[i] - want) < 1e-7, `size ${size} value ${i}: ${out.pixels[i]} vs ${want}`);
    }
  }
});

test('mnist-m: the spec, its split suffix, and the options that do not apply', async () => {
  assert.deepEqual(parseSpec('mnist-m:test'), { type: 'mnist-m', arg: '', split: 'test' });
  assert.equal(sourceName(parseSpec('mnist-m:train')), 'mnist-m');
  await assert.rejects(loadSource('mnist-m', { channels: 1 }), (e: unknown) => e instanceof UserError && /channels and n/.test(e.message));
  await assert.rejects(loadSource('mnist', { seed: 1 }), (e: unknown) => e instanceof UserError && /toy: and mnist-m/.test(e.message));
});

test('mnist-m: 8,000 / 2,000 RGB 28x28 images in [0, 1], labels and order of mnist', async () => {
  const [train, test, mnist] = await Promise.all([images('mnist-m'), images('mnist-m:test'), images('mnist:test')]);
  assert.deepEqual([train.n, train.height, train.width, train.channels], [8000, 28, 28, 3]);
  assert.deepEqual([test.n, test.height, test.width, test.channels], [2000, 28, 28, 3]);
  assert.equal(test.pixels.length, 2000 * 28 * 28 * 3);
  assert.deepEqual(test.labels, mnist.labels);
  let lo = Infinity;
  let hi = -Infinity;
  for (const v of train.pixels) (lo = Math.min(lo, v)), (hi = Math.max(hi, v));
  assert.ok(lo >= 0 && hi <= 1, `range [${lo}, ${hi}]`);
  assert.ok(hi - lo > 0.9, `range [${lo}, ${hi}] is too narrow for photographs`);
  // colour: the channels differ (not a grey image copied thrice)
  let chroma = 0;
  for (let i = 0; i < test.pixels.length; i += 3) chroma += Math.abs(test.pixels[i] - test.pixels[i + 2]);
  assert.ok(chroma / (test.n * 784) > 0.03, `mean |R - B| ${chroma / (test.n * 784)}`);

  // The digit stands out: the mean colour inside the ink mask differs from the mean colour
  // outside it, by more than 0.15 summed over the channels, on average over the test set.
  let contrast = 0;
  for (let i = 0; i < test.n; i++) {
    const inMean = [0, 0, 0];
    const outMean = [0, 0, 0];
    let nIn = 0;
    for (let p = 0; p < 784; p++) {
      const ink = mnist.pixels[i * 784 + p] > 0.5;
      if (ink) nIn++;
      for (let c = 0; c < 3; c++) (ink ? inMean : outMean)[c] += test.pixels[(i * 784 + p) * 3 + c];
    }
    for (let c = 0; c < 3; c++) contrast += Math.abs(inMean[c] / nIn - outMean[c] / (784 - nIn));
  }
  assert.ok(contrast / test.n > 0.15, `mean in/out contrast ${contrast / test.n}`);
});

test('mnist-m: the same seed gives the same images, another seed other crops; 32x32 by padding', async () => {
  const a = await images('mnist-m:test', { limit: 50 });
  clearDataCache();
  const b = await images('mnist-m:test', { limit: 50 });
  assert.deepEqual(a.pixels, b.pixels);
  const c = await images('mnist-m:test', { limit: 50, seed: 3 });
  let diff = 0;
  for (let i = 0; i < a.pixels.length; i++) diff += Math.abs(a.pixels[i] - c.pixels[i]);
  assert.ok(diff / a.pixels.length > 0.05, `seeds 0 and 3 differ by only ${diff / a.pixels.length} per value`);
  const big = await images('mnist-m:test', { size: 32, limit: 5 });
  assert.deepEqual([big.height, big.width, big.channels], [32, 32, 3]);
  assert.deepEqual([...big.labels!], [...a.labels!.subarray(0, 5)]);
  await assert.rejects(loadSource('mnist-m', { size: 64 }), (e: unknown) => e instanceof UserError && /28 or 32/.test(e.message));
});

test('mnist-m: without python3-skimage, one line naming the apt package', async () => {
  clearDataCache();
  const saved = process.env.GENLAB_SKIMAGE_DATA_DIR;
  process.env.GENLAB_SKIMAGE_DATA_DIR = '/nonexistent/skimage/data';
  try {
    await assert.rejects(loadSource('mnist-m'), (e: unknown) => {
      assert.ok(e instanceof UserError, String(e));
      assert.ok(!e.message.includes('\n'));
      assert.match(e.message, /apt-get install python3-skimage/);
      assert.match(e.message, /\/nonexistent\/skimage\/data\/astronaut\.png/);
      return true;
    });
  } finally {
    if (saved === undefined) delete process.env.GENLAB_SKIMAGE_DATA_DIR;
    else process.env.GENLAB_SKIMAGE_DATA_DIR = saved;
    clearDataCache();
  }
});
