/**
 * The studio's GAN playground run (studio/core/gan.ts) is `genlab train gan`'s: the command line,
 * in a child process, and the playground core, here, train toy:eight-gaussians with the same seed
 * on wasm with one thread; the configs agree (but the playground's sample period, which changes
 * no number) and so do the losses at every logged step, exactly (same engine, same kernels).
 * Also: a frame of the playground (src/models/gan/playground_frame.ts) leaves no tensor behind,
 * and its mode coverage is eval/modes.ts's on the frame's points.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import * as tf from '@tensorflow/tfjs-core';
import { initBackend } from '../../src/node/index.js';
import { modeCoverage } from '../../src/eval/modes.js';
import { runPlayground, frameOf, playgroundData, type LossRow } from '../../studio/core/gan.js';
import { ROOT } from '../../scripts/studio/build.js';

const STEPS = 40;

test("the playground's run is genlab train gan's: the same config and losses", { timeout: 180_000 }, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'genlab-playground-'));
  try {
    const out = join(dir, 'run');
    await promisify(execFile)(process.execPath, ['--import', 'tsx', join(ROOT, 'src/cli/main.ts'), 'train', 'gan', '--data', 'toy:eight-gaussians', '--loss', 'lsgan', '--seed', '3', '--steps', String(STEPS), '--log-every', '10', '--threads', '1', '--quiet', '--out', out], { cwd: ROOT });
    const cliConfig = JSON.parse(readFileSync(join(out, 'config.json'), 'utf8'));
    const cliRows = readFileSync(join(out, 'metrics.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as LossRow).filter((r) => 'd_loss' in r);
    await initBackend({ backend: 'wasm', threads: 1 });
    const before = tf.memory().numTensors;
    const r = await runPlayground({ source: 'eight-gaussians', loss: 'lsgan', seed: 3, steps: STEPS });
    assert.equal(tf.memory().numTensors, before, 'trainCore and the last frame free their tensors');
    assert.equal(r.status, 'done');
    assert.equal(r.rows.length, STEPS);
    // The command line's --log-every 10 against the page's defaults: periods aside, the same run.
    const periods = (t: Record<string, unknown>) => ({ ...t, logEvery: 0, sampleEvery: 0 });
    assert.deepEqual({ ...r.config, training: periods(r.config.training as unknown as Record<string, unknown>) }, { ...cliConfig, training: periods(cliConfig.training) });
    assert.deepEqual(cliRows.map((c) => c.step), [10, 20, 30, 40]);
    for (const c of cliRows) {
      const p = r.rows[c.step - 1];
      assert.equal(p.d_loss, c.d_loss, `d_loss at step ${c.step}`);
      assert.equal(p.g_loss, c.g_loss, `g_loss at step ${c.step}`);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("a playground frame frees its tensors and its coverage is eval/modes.ts's", { timeout: 120_000 }, async () => {
  await initBackend({ backend: 'wasm', threads: 1 });
  const data = await playgroundData('eight-gaussians');
  let checked = false;
  await runPlayground({ source: 'eight-gaussians', loss: 'ns', seed: 0, steps: 5 }, {
    afterStep(step, _row, model) {
      if (step !== 5) return false;
      const before = tf.memory().numTensors;
      const { frame, coverage } = frameOf(model, data, step);
      assert.equal(tf.memory().numTensors, before);
      assert.equal(frame.field?.values.length, 64 * 64);
      assert.equal(frame.fakePoints.length, 2 * 1000);
      const m = modeCoverage(frame.fakePoints, 1000, data.modes!, 8, { std: data.modeStd! });
      assert.deepEqual(coverage, { modes: m.modes, of: 8, hq: m.hq });
      checked = true;
      return false;
    },
  });
  assert.ok(checked);
});
