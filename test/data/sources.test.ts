import { test } from 'node:test';
import assert from 'node:assert/strict';
import { access, mkdtemp, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import {
  clearDataCache,
  describeDataset,
  FASHION_MNIST_DIR,
  fashionMnistClasses,
  loadSource,
  parseSpec,
  stratifiedTestCounts,
  type ImageDataset,
} from '../../src/data/index.js';
import { UserError } from '../../src/util/errors.js';

async function images(spec: string, opts = {}): Promise<ImageDataset> {
  const ds = await loadSource(spec, opts);
  assert.equal(ds.kind, 'images');
  return ds as ImageDataset;
}

function isUserError(...fragments: string[]) {
  return (e: unknown) => {
    assert.ok(e instanceof UserError, String(e));
    assert.ok(!e.message.includes('\n'));
    for (const f of fragments) assert.ok(e.message.includes(f), `'${e.message}' lacks '${f}'`);
    return true;
  };
}

test('parseSpec: names, split suffixes, errors listing the valid names', () => {
  assert.deepEqual(parseSpec('mnist'), { type: 'mnist', arg: '', split: undefined });
  assert.deepEqual(parseSpec('fashion-mnist:test'), { type: 'fashion-mnist', arg: '', split: 'test' });
  assert.deepEqual(parseSpec('idx:/a/b.gz,/a/c.gz:train'), { type: 'idx', arg: '/a/b.gz,/a/c.gz', split: 'train' });
  assert.deepEqual(parseSpec('folder:C:/x'), { type: 'folder', arg: 'C:/x', split: undefined });
  assert.deepEqual(parseSpec('toy:two-moons:test'), { type: 'toy', arg: 'two-moons', split: 'test' });
  assert.throws(() => parseSpec('cifar10'), isUserError("'cifar10'", 'mnist, fashion-mnist', 'toy:'));
  assert.throws(() => parseSpec('toy:ring'), isUserError("'ring'", 'eight-gaussians', 'spiral'));
  assert.throws(() => parseSpec('idx:'), isUserError('path'));
});

test('loadSource: option errors are UserErrors', async () => {
  await assert.rejects(loadSource('mnist:test', { split: 'train' }), isUserError('mnist:test', 'train'));
  await assert.rejects(loadSource('mnist', { size: 32 }), isUserError('folder'));
  await assert.rejects(loadSource('mnist', { n: 10 }), isUserError('toy'));
  await assert.rejects(loadSource('mnist', { limit: 0 }), isUserError('limit'));
  await assert.rejects(loadSource('toy:spiral', { n: 2.5 }), isUserError('n must be'));
});

test('stratifiedTestCounts: 20% per class by largest remainder, exact total', () => {
  // mnist package counts per digit
  const counts = [1001, 1127, 991, 1032, 980, 863, 1014, 1070, 944, 978];
  const t = stratifiedTestCounts(counts);
  assert.equal(t.reduce((a, b) => a + b, 0), 2000);
  // floors of 0.2 c are 200 225 198 206 196 172 202 214 188 195 (sum 1996); the 4 largest
  // remainders (.8 for 6 and 8, .6 for 5 and 9) get one more
  assert.deepEqual(t, [200, 225, 198, 206, 196, 173, 203, 214, 189, 196]);
});

test('mnist: 8,000 train / 2,000 test, disjoint, together exactly the package files', async () => {
  const tr = await images('mnist');
  const te = await images('mnist:test');
  assert.deepEqual([tr.n, tr.height, tr.width, tr.channels], [8000, 28, 28, 1]);
  assert.equal(te.n, 2000);
  assert.deepEqual(tr.classNames, ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9']);
  // independent reference: the package's own files through require()
  const dir = join(dirname(createRequire(import.meta.url).resolve('mnist/package.json')), 'src', 'digits');
  const require = createRequire(import.meta.url);
  const key = (a: ArrayLike<number>) => Array.from(a, (v) => Math.round(v * 1000)).join(',');
  const expected = new Map<string, number>();
  for (let d = 0; d < 10; d++) {
    const raw = (require(join(dir, `${d}.json`)) as { data: number[] }).data;
    for (let k = 0; k < raw.length / 784; k++) {
      const s = `${d}|${key(raw.slice(k * 784, (k + 1) * 784))}`;
      expected.set(s, (expected.get(s) ?? 0) + 1);
    }
  }
  const seen = new Map<string, Set<string>>();
  for (const ds of [tr, te]) {
    for (let i = 0; i < ds.n; i++) {
      const s = `${ds.labels![i]}|${key(ds.pixels.subarray(i * 784, (i + 1) * 784))}`;
      const c = expected.get(s);
      assert.ok(c, `sample ${i} of ${ds.split} is not in the package with its label`);
      expected.set(s, c - 1);
      if (!seen.has(s)) seen.set(s, new Set());
      seen.get(s)!.add(ds.split);
    }
  }
  assert.ok([...expected.values()].every((c) => c === 0), 'every package image used exactly once');
  // per-class test counts as in the split rule
  const info = describeDataset(te);
  assert.deepEqual(info.classes!.map((c) => c.count), [200, 225, 198, 206, 196, 173, 203, 214, 189, 196]);
  // mean / std over all 10,000 close to the full MNIST's 0.1307 / 0.3081
  const all = describeDataset(tr);
  assert.ok(Math.abs(all.mean[0] - 0.1307) < 0.002 && Math.abs(all.std[0] - 0.3081) < 0.002, `${all.mean} ${all.std}`);
  assert.deepEqual(all.valueRange, [0, 1]);
  // classes interleaved: the first 100 hold every digit about 10 times
  const first = describeDataset(await images('mnist', { limit: 100 }));
  for (const c of first.classes!) assert.ok(c.count >= 8 && c.count <= 12, JSON.stringify(first.classes));
  // cached: the same arrays come back
  assert.equal((await images('mnist')).pixels, tr.pixels);
});

const fashionInstalled = await access(join(FASHION_MNIST_DIR, 't10k-images-idx3-ubyte.gz')).then(
  () => true,
  () => false,
);

test('fashion-mnist: 60,000 / 10,000, 10 balanced named classes, known statistics', { skip: !fashionInstalled && 'dataset-fashion-mnist not installed' }, async () => {
  const te = await images('fashion-mnist:test');
  assert.deepEqual([te.n, te.height, te.width, te.channels], [10000, 28, 28, 1]);
  assert.deepEqual(te.classNames, fashionMnistClasses);
  assert.equal(te.classNames![0], 'T-shirt/top');
  const info = describeDataset(te);
  for (const c of info.classes!) assert.equal(c.count, 1000);
  // first test image is an ankle boot (label 9), as in the published files
  assert.equal(te.labels![0], 9);
  const tr = await images('fashion-mnist', { limit: 5 });
  assert.equal(tr.split, 'train');
  assert.equal(tr.labels![0], 9);
  const full = await images('fashion-mnist');
  assert.equal(full.n, 60000);
  const st = describeDataset(full);
  // the widely used normalisation constants of Fashion-MNIST train: mean 0.2860, std 0.3530
  assert.ok(Math.abs(st.mean[0] - 0.286) < 5e-4 && Math.abs(st.std[0] - 0.353) < 5e-4, `${st.mean} ${st.std}`);
  for (const c of st.classes!) assert.equal(c.count, 6000);
});

test('fashion-mnist missing: one-line UserError saying how to install', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'genlab-nofashion-'));
  const old = process.env.GENLAB_FASHION_MNIST_DIR;
  process.env.GENLAB_FASHION_MNIST_DIR = dir;
  clearDataCache();
  try {
    await assert.rejects(loadSource('fashion-mnist:test'), isUserError('apt-get install dataset-fashion-mnist', dir));
  } finally {
    if (old === undefined) delete process.env.GENLAB_FASHION_MNIST_DIR;
    else process.env.GENLAB_FASHION_MNIST_DIR = old;
    clearDataCache();
    await rm(dir, { recursive: true, force: true });
  }
});

test('describeDataset: statistics of a hand-made dataset', () => {
  const ds: ImageDataset = {
    kind: 'images', source: 'x', split: 'train', n: 2, height: 1, width: 2, channels: 1,
    pixels: Float32Array.from([0, 0.5, 1, 0.5]), labels: Int32Array.from([1, 1]), classNames: ['a', 'b', 'c'],
  };
  const info = describeDataset(ds);
  assert.deepEqual(info.shape, [1, 2, 1]);
  assert.deepEqual(info.valueRange, [0, 1]);
  assert.equal(info.mean[0], 0.5);
  // population std of {0, .5, 1, .5} = sqrt(0.125)
  assert.ok(Math.abs(info.std[0] - Math.sqrt(0.125)) < 1e-12);
  assert.deepEqual(info.classes, [
    { index: 0, name: 'a', count: 0 },
    { index: 1, name: 'b', count: 2 },
    { index: 2, name: 'c', count: 0 },
  ]);
  assert.deepEqual(JSON.parse(JSON.stringify(info)), info);
});
