/**
 * Runs load from a URL as from their directory (issue 12): a run directory and the shipped
 * pretrained:ddpm-mnist served by node:http on 127.0.0.1 load by URL, through Node's loadRun
 * and the core's, into models that sample exactly what the ones loaded from disk sample.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { initBackend } from '../../src/backend/index.js';
import { train } from '../../src/train/loop.js';
import { loadRun, pretrainedDir } from '../../src/train/load_run.js';
import { loadRun as loadRunCore } from '../../src/train/load_run_core.js';
import { DEFAULT_TRAINING, deepMerge } from '../../src/train/config.js';
import { ddpmFamily } from '../../src/models/ddpm/family.js';
import { DdpmModel } from '../../src/models/ddpm/model.js';
import { Rng } from '../../src/util/rng.js';
import { UserError } from '../../src/util/errors.js';
import type { TrainableModel, TrainingConfig } from '../../src/train/types.js';
import { serveStatic } from '../fixtures/static_server.js';

await initBackend({ backend: 'wasm', threads: 1 });

/** A few DDIM steps (cheap, and every weight of the network is used). */
async function samples(model: TrainableModel, n: number): Promise<Float32Array> {
  assert.ok(model instanceof DdpmModel);
  const x = model.sampleWith(n, new Rng(5), { kind: 'ddim', steps: 3, eta: 0, spacing: 'trailing' });
  const out = (await x.data()) as Float32Array;
  x.dispose();
  model.dispose();
  return out;
}

test('a run directory and pretrained:ddpm-mnist load by URL as from disk (model/, checkpoints, live weights)', async () => {
  // A short toy run stopped after its second checkpoint: no model/ yet, so loading goes through `latest`.
  const shape = { kind: 'points' as const, shape: [2], numClasses: 8 };
  const d = ddpmFamily.defaults(shape, 'toy:eight-gaussians');
  const training = deepMerge(deepMerge(DEFAULT_TRAINING, d.training), { data: 'toy:eight-gaussians', steps: 30, sampleEvery: 0, checkpointEvery: 10, logEvery: 0 }) as TrainingConfig;
  const run = join(mkdtempSync(join(tmpdir(), 'genlab-url-')), 'run');
  const config = { genlab: 'test', model: 'ddpm', training, modelConfig: d.model };
  await train(ddpmFamily, config, { out: run, resume: false, backend: 'wasm', quiet: true, stopAfter: 20 });

  const server = await serveStatic({ '/run/': run, '/ddpm-mnist/': join(pretrainedDir(), 'ddpm-mnist') });
  try {
    for (const ema of [true, false]) {
      const fromDisk = await samples((await loadRun(run, { ema })).model, 64);
      const byUrl = await loadRun(`${server.url}run/`, { ema });
      assert.equal(byUrl.dir, `${server.url}run/`);
      assert.equal(byUrl.family, ddpmFamily, "Node's loadRun gives the family");
      assert.deepEqual(await samples(byUrl.model, 64), fromDisk, `ema ${ema}: Node's loadRun by URL`);
      assert.deepEqual(await samples((await loadRunCore(`${server.url}run`, { ema })).model, 64), fromDisk, `ema ${ema}: the core's loadRun`);
    }
    // Both read the checkpoint `latest` names: its EMA, then its live weights; nothing else was fetched.
    const fetched = new Set(server.log.filter((l) => l.startsWith('GET /run/')).map((l) => l.split(' ')[1]));
    assert.deepEqual([...fetched].sort(), ['/run/checkpoints/step-0000020/ema.bin', '/run/checkpoints/step-0000020/ema.json', '/run/checkpoints/step-0000020/model.json', '/run/checkpoints/step-0000020/weights.bin', '/run/config.json', '/run/latest']);

    const fromDisk = await samples((await loadRun('pretrained:ddpm-mnist')).model, 2);
    const before = tf.memory().numTensors;
    assert.deepEqual(await samples((await loadRunCore(`${server.url}ddpm-mnist/`)).model, 2), fromDisk, 'pretrained:ddpm-mnist by URL');
    assert.equal(tf.memory().numTensors, before, 'loading by URL leaves no tensors behind');

    await assert.rejects(loadRunCore(`${server.url}nothing/`), (e: Error) => e instanceof UserError && e.message === `${server.url}nothing/: not a genlab run (no config.json)`);
    await assert.rejects(loadRunCore('pretrained:ddpm-mnist'), (e: Error) => e instanceof UserError && /genlab\/node/.test(e.message));
  } finally {
    await server.close();
  }
});
