/**
 * Runs that used to be stuck, recovered with genlab's own resume: no checkpoint yet, `latest` on
 * a deleted or truncated checkpoint, NaN/Inf stops, a changed learning rate, going back to an
 * older checkpoint, and the temporary files of killed writes.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, existsSync, readFileSync, readdirSync, writeFileSync, mkdirSync, rmSync, truncateSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { initBackend } from '../../src/backend/index.js';
import { train, NanLossError } from '../../src/train/loop.js';
import { DEFAULT_TRAINING, parseAllowChange, sameModel } from '../../src/train/config.js';
import { checkpointProblem, stepName } from '../../src/train/checkpoint.js';
import { keepGoodCheckpoint } from '../../src/train/recover.js';
import { loadWeights } from '../../src/io/weights.js';
import type { OptimizerConfig, RunConfig, TrainingConfig } from '../../src/train/types.js';
import { UserError } from '../../src/util/errors.js';
import { tinyFamily, type TinyConfig } from '../fixtures/tiny_family.js';

await initBackend({ backend: 'cpu' });
const tmp = () => join(mkdtempSync(join(tmpdir(), 'genlab-recover-')), 'run');
const opts = (out: string, more: Partial<Parameters<typeof train>[2]> = {}) => ({ out, resume: false, backend: 'cpu', quiet: true, ...more });

function config(over: Partial<TrainingConfig> = {}, model: Partial<TinyConfig> = {}): RunConfig<TinyConfig> {
  return {
    genlab: 'test',
    model: 'tiny',
    training: { ...DEFAULT_TRAINING, data: 'toy:two-moons', steps: 20, batch: 16, sampleEvery: 0, checkpointEvery: 5, logEvery: 5, ema: { decay: 0.9 }, clipGradNorm: 1, schedule: { warmupSteps: 3, decay: 'cosine', minRatio: 0.1 }, ...over },
    modelConfig: { hidden: 8, nanAtStep: 0, ...model },
  };
}
const sgd = (lr: number): Partial<TrainingConfig> => ({ optimizers: { model: { kind: 'sgd', lr } as OptimizerConfig }, clipGradNorm: null, ema: null, schedule: { warmupSteps: 0, decay: 'constant', minRatio: 0 } });

async function weightsIn(dir: string, name = 'model'): Promise<Float32Array[]> {
  const { tensors } = await loadWeights(dir, name);
  const out = [...tensors.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([, t]) => t.dataSync() as Float32Array);
  tf.dispose([...tensors.values()]);
  return out;
}
const finalWeights = (run: string) => weightsIn(join(run, 'model'));
const losses = (run: string) => readFileSync(join(run, 'metrics.jsonl'), 'utf8').trim().split('\n').map((l) => [JSON.parse(l).step, JSON.parse(l).loss]);
const lines = (path: string) => readFileSync(path, 'utf8').trim().split('\n').map((l) => JSON.parse(l));
const latest = (run: string) => readFileSync(join(run, 'latest'), 'utf8').trim();
/** A pid that belonged to a process that has exited. */
const deadPid = () => spawnSync(process.execPath, ['-e', '']).pid!;

/** Every file under dir with its bytes (to show that nothing changed). */
const snapshot = (dir: string) =>
  JSON.stringify(
    readdirSync(dir, { recursive: true, withFileTypes: true })
      .filter((e) => e.isFile())
      .map((e) => [join(e.parentPath, e.name), readFileSync(join(e.parentPath, e.name)).toString('base64')])
      .sort(),
  );

test('a run killed before its first checkpoint resumes from step 0 with its saved config and ends as a straight run', async () => {
  const straight = tmp();
  await train(tinyFamily, config({ logEvery: 1 }), opts(straight));
  const run = tmp();
  await train(tinyFamily, config({ logEvery: 1 }), opts(run, { stopAfter: 3 }));
  // What a SIGKILL at step 3 leaves: config.json, metrics rows, no checkpoint, half-written temporaries.
  rmSync(join(run, 'checkpoints'), { recursive: true });
  rmSync(join(run, 'latest'));
  writeFileSync(join(run, 'metrics.jsonl'), readFileSync(join(run, 'metrics.jsonl'), 'utf8') + '{"step":4,"loss":0.5}\n{"step":5,"lo');
  const pid = deadPid();
  mkdirSync(join(run, 'checkpoints', `.step-0000005.tmp-${pid}-3`), { recursive: true });
  writeFileSync(join(run, 'checkpoints', `.step-0000005.tmp-${pid}-3`, 'weights.bin'), 'half');
  writeFileSync(join(run, `.latest.tmp-${pid}-4`), 'step-00');
  writeFileSync(join(run, `.config.json.tmp-${process.pid}-9`), '{');
  const r = await train(tinyFamily, config({ logEvery: 1 }), opts(run, { resume: true }));
  assert.equal(r.step, 20);
  assert.ok(r.notes.some((n) => n.includes(`${run} has no checkpoint yet; starting from step 0 with its saved config.json`)), r.notes.join('\n'));
  assert.ok(r.notes.some((n) => /^removed 3 temporary files left by an interrupted run/.test(n)), r.notes.join('\n'));
  assert.ok(r.notes.some((n) => /^moved 5 rows of metrics.jsonl after step 0 to metrics.abandoned.jsonl/.test(n)), r.notes.join('\n'));
  assert.deepEqual(await finalWeights(run), await finalWeights(straight));
  assert.deepEqual(losses(run), losses(straight));
  assert.match(readFileSync(join(run, 'metrics.abandoned.jsonl'), 'utf8'), /^\{"step":1,.*\n\{"step":2,.*\n\{"step":3,.*\n\{"step":4,"loss":0.5\}\n\{"step":5,"lo\n$/);
  assert.deepEqual(readdirSync(join(run, 'checkpoints')).sort(), ['step-0000010', 'step-0000015', 'step-0000020']);
  assert.ok(!readdirSync(run).some((n) => n.includes('.tmp-')));
  const sessions = lines(join(run, 'sessions.jsonl'));
  assert.deepEqual(sessions.map((s) => [s.fromStep, s.toStep, s.status]), [[0, 3, 'interrupted'], [0, 20, 'done']]);
  assert.equal(sessions[1].notes.length, 3);
});

test('latest naming a deleted checkpoint or a truncated one: resume falls back to the newest complete one and ends bit-identical', async () => {
  const straight = tmp();
  await train(tinyFamily, config(), opts(straight));
  const want = await finalWeights(straight);
  const tensorsBefore = tf.memory().numTensors;
  for (const damage of ['deleted', 'truncated', 'all truncated'] as const) {
    const run = tmp();
    await train(tinyFamily, config(), opts(run, { stopAfter: 15 }));
    assert.equal(latest(run), 'step-0000015');
    const ck = (s: number) => join(run, 'checkpoints', stepName(s));
    if (damage === 'deleted') rmSync(ck(15), { recursive: true });
    else for (const s of damage === 'truncated' ? [15] : [5, 10, 15]) truncateSync(join(ck(s), 'weights.bin'), 100);
    const r = await train(tinyFamily, config(), opts(run, { resume: true }));
    const note = r.notes.join('\n');
    if (damage === 'deleted') assert.match(note, /--resume: latest names step-0000015, which does not exist; resuming from step-0000010, the newest complete checkpoint/);
    if (damage === 'truncated') {
      assert.match(note, /--resume: latest names step-0000015, which is incomplete \(weights\.bin: 100 bytes, manifest expects \d+\); resuming from step-0000010, the newest complete checkpoint/);
      // The damaged checkpoint is set aside, not deleted.
      assert.equal(statSync(join(run, 'checkpoints', 'abandoned-step-0000015', 'weights.bin')).size, 100);
    }
    if (damage === 'all truncated') assert.match(note, /no usable checkpoint in .*latest names step-0000015, which is incomplete.*step-0000010 is incomplete.*step-0000005 is incomplete.*; starting from step 0 with its saved config.json/);
    assert.equal(r.step, 20);
    assert.deepEqual(await finalWeights(run), want, damage);
    assert.deepEqual(losses(run), losses(straight), damage);
    assert.equal(latest(run), 'step-0000020');
  }
  assert.equal(tf.memory().numTensors, tensorsBefore, 'checking damaged checkpoints leaves no tensors behind');
});

test('a directory that holds only what a killed write left is still empty for a fresh start; a live process\'s temporaries are left alone', async () => {
  const run = tmp();
  mkdirSync(run);
  writeFileSync(join(run, `.config.json.tmp-${deadPid()}-0`), '{"gen');
  const r = await train(tinyFamily, config({ steps: 5 }), opts(run));
  assert.equal(r.status, 'done');
  assert.match(r.notes.join('\n'), /^removed 1 temporary file left by an interrupted run \(\.config\.json\.tmp-\d+-0\)$/);
  const live = tmp();
  mkdirSync(live);
  const liveTemp = `.config.json.tmp-${process.ppid}-0`; // the test runner, alive
  writeFileSync(join(live, liveTemp), '{');
  await assert.rejects(train(tinyFamily, config({ steps: 5 }), opts(live)), (e: Error) => e instanceof UserError && /already exists and is not empty/.test(e.message));
  assert.ok(existsSync(join(live, liveTemp)));
});

test('SGD with a huge learning rate: latest never names non-finite weights and the message says truthfully which checkpoint is kept', async () => {
  // lr 10: losses 3.4, 8e4, 5e19, then infinite at step 4 on the (finite) weights of step 3.
  const run = tmp();
  let message = '';
  await assert.rejects(train(tinyFamily, config({ ...sgd(10), checkpointEvery: 1, logEvery: 1 }), opts(run)), (e: Error) => e instanceof NanLossError && Boolean((message = e.message)));
  assert.match(message, /^step 4: (loss|model gradient norm) is (Infinity|NaN); stopped; step-0000003 holds the weights that gave it, so it is set aside as checkpoints\/abandoned-step-0000003; step-0000002 \(step 2, loss 8.15e\+4, finite weights\) is kept as latest/);
  // The kept checkpoint is finite but its weights already diverge (so do step 1's): the message says to start again.
  assert.match(message, /, but the loss logged at step 3 \(4.7\d+e\+19\), computed on weights that descend from it, shows them diverging, and a diverging loss follows every older checkpoint too; to start again from step 0 with a lower learning rate: genlab train tiny --out \S+ --resume --from-step 0 --lr 1 --allow-change lr$/);
  assert.equal(latest(run), 'step-0000002');
  assert.deepEqual(readdirSync(join(run, 'checkpoints')).sort(), ['abandoned-step-0000003', 'step-0000001', 'step-0000002']);
  for (const n of ['step-0000001', 'step-0000002']) assert.equal(await checkpointProblem(join(run, 'checkpoints', n)), null, n);
  // Following the suggested commands recovers the run: lr 1 from step 0 diverges again (and says
  // so the same way), lr 0.1 from step 0 finishes.
  const tried: string[] = [];
  for (;;) {
    const m = /--resume (?:--from-step (\d+) )?--lr (\S+) --allow-change lr$/.exec(message)!;
    tried.push(`${m[1]}@${m[2]}`);
    assert.ok(tried.length <= 3, tried.join(' '));
    const next = train(tinyFamily, config({ ...sgd(Number(m[2])), checkpointEvery: 1, logEvery: 1 }), opts(run, { resume: true, fromStep: m[1] === undefined ? undefined : Number(m[1]), allowChange: ['lr'] }));
    const r = await next.catch((e: Error) => e);
    if (!(r instanceof Error)) {
      assert.equal(r.status, 'done');
      break;
    }
    assert.ok(r instanceof NanLossError, r.message);
    message = r.message;
    assert.equal(latest(run), /(step-\d+) \(step \d+, loss/.exec(message)![1]);
    assert.equal(await checkpointProblem(join(run, 'checkpoints', latest(run))), null);
  }
  assert.deepEqual(tried, ['0@1', '0@0.1']);
  assert.deepEqual(lines(join(run, 'sessions.jsonl')).map((x) => [x.status, x.fromStep, x.changes?.[0].to]), [['nan', 0, undefined], ['nan', 0, 1], ['done', 0, 0.1]]);

  // lr 3e38: the first update overflows with a finite loss and gradient; that checkpoint is never written.
  const run2 = tmp();
  await assert.rejects(train(tinyFamily, config({ ...sgd(3e38), checkpointEvery: 1 }), opts(run2)), (e: Error) => {
    assert.ok(e instanceof NanLossError);
    assert.match(e.message, /^step 1: the weights are not finite after the update \(\S+ is -?Infinity\); stopped before any checkpoint with a finite loss and finite weights was written; to start again from step 0 with a lower learning rate: genlab train tiny --out \S+ --resume --lr 3e\+37 --allow-change lr$/);
    return true;
  });
  assert.ok(!existsSync(join(run2, 'latest')));
  assert.ok(!existsSync(join(run2, 'checkpoints')));

  // The same overflow after good checkpoints: latest stays on the last of them.
  const run3 = tmp();
  await train(tinyFamily, config(sgd(0.05)), opts(run3, { stopAfter: 5 }));
  await assert.rejects(train(tinyFamily, config({ ...sgd(3e38), checkpointEvery: 1 }), opts(run3, { resume: true, allowChange: ['lr'] })), (e: Error) => {
    assert.ok(e instanceof NanLossError);
    assert.match(e.message, /^step 7: loss is Infinity; stopped; step-0000006 holds the weights that gave it, so it is set aside as checkpoints\/abandoned-step-0000006; step-0000005 \(step 5, loss [\d.]+, finite weights\) is kept as latest; to continue from it with a lower learning rate: genlab train tiny --out \S+ --resume --lr 3e\+37 --allow-change lr$/);
    return true;
  });
  assert.equal(latest(run3), 'step-0000005');
  assert.deepEqual(readdirSync(join(run3, 'checkpoints')).sort(), ['abandoned-step-0000006', 'step-0000005']);
  // What was set aside is finite (so the old rule kept it as good) but exploded.
  const exploded = await weightsIn(join(run3, 'checkpoints', 'abandoned-step-0000006'));
  assert.ok(exploded.every((w) => w.every(Number.isFinite)) && Math.max(...exploded.map((w) => Math.max(...w.map(Math.abs)))) > 1e30);
});

test('a NaN stop re-points a latest that names non-finite weights (written by an older genlab) at the last finite checkpoint', async () => {
  const run = tmp();
  await train(tinyFamily, config({ steps: 10 }), opts(run));
  const bin = join(run, 'checkpoints', 'step-0000010', 'weights.bin');
  writeFileSync(bin, new Uint8Array(new Float32Array(statSync(bin).size / 4).fill(Infinity).buffer));
  assert.match((await checkpointProblem(join(run, 'checkpoints', 'step-0000010')))!, /holds non-finite weights \(\S+\[0\] is Infinity\)/);
  const { kept } = await keepGoodCheckpoint(run);
  assert.equal(kept?.name, 'step-0000005');
  assert.equal(latest(run), 'step-0000005');
  // And a resume never starts from them either.
  const run2 = tmp();
  await train(tinyFamily, config({ steps: 10 }), opts(run2));
  writeFileSync(join(run2, 'checkpoints', 'step-0000010', 'weights.bin'), readFileSync(bin));
  const r = await train(tinyFamily, config({ steps: 12 }), opts(run2, { resume: true }));
  assert.match(r.notes.join('\n'), /latest names step-0000010, which holds non-finite weights .*; resuming from step-0000005/);
  assert.equal(r.step, 12);
});

test('a NaN before any checkpoint, then the suggested resume with a lower lr: step 0 at the new lr, as a straight run at that lr, recorded', async () => {
  const run = tmp();
  let message = '';
  await assert.rejects(train(tinyFamily, config(sgd(1e6)), opts(run)), (e: Error) => e instanceof NanLossError && Boolean((message = e.message)));
  assert.match(message, /^step 2: .*; stopped before any checkpoint with a finite loss and finite weights was written; to start again from step 0 with a lower learning rate: genlab train tiny --out \S+ --resume --lr 100000 --allow-change lr$/);
  // Without --allow-change the lower rate is refused, naming the key and the way; nothing changes.
  const before = snapshot(run);
  await assert.rejects(train(tinyFamily, config(sgd(0.05)), opts(run, { resume: true })), (e: Error) => e instanceof UserError && /^--resume: training.optimizers.model.lr is 1000000 in the run but 0.05 now; .*--allow-change lr,schedule \(.*config.json\)$/.test(e.message));
  assert.equal(snapshot(run), before);
  const r = await train(tinyFamily, config(sgd(0.05)), opts(run, { resume: true, allowChange: ['lr'] }));
  assert.equal(r.step, 20);
  assert.ok(r.notes.includes('changing training.optimizers.model.lr from 1000000 to 0.05 at step 0 (--allow-change lr; recorded in sessions.jsonl)'), r.notes.join('\n'));
  const straight = tmp();
  await train(tinyFamily, config(sgd(0.05)), opts(straight));
  assert.deepEqual(await finalWeights(run), await finalWeights(straight));
  const last = lines(join(run, 'sessions.jsonl')).at(-1);
  assert.deepEqual(last.changes, [{ key: 'training.optimizers.model.lr', from: 1e6, to: 0.05, step: 0 }]);
  assert.equal(JSON.parse(readFileSync(join(run, 'config.json'), 'utf8')).training.optimizers.model.lr, 0.05);
});

test('--allow-change lr changes the rate mid-run (recorded); it allows nothing else; --from-step goes back to an older checkpoint', async () => {
  const run = tmp();
  await train(tinyFamily, config({ schedule: { warmupSteps: 0, decay: 'constant', minRatio: 0 }, logEvery: 1 }), opts(run, { stopAfter: 12 }));
  const lower = { model: { kind: 'adam' as const, lr: 5e-4, beta1: 0.9, beta2: 0.999, eps: 1e-8 } };
  const before = snapshot(run);
  await assert.rejects(train(tinyFamily, config({ optimizers: lower, seed: 4, schedule: { warmupSteps: 0, decay: 'constant', minRatio: 0 } }), opts(run, { resume: true, allowChange: ['lr'] })), (e: Error) => e instanceof UserError && /training.seed is 0 in the run but 4 now/.test(e.message));
  await assert.rejects(train(tinyFamily, config({ optimizers: lower, schedule: { warmupSteps: 0, decay: 'constant', minRatio: 0 } }), opts(run, { resume: true, fromStep: 7, allowChange: ['lr'] })), (e: Error) => e instanceof UserError && /^--from-step 7: \S+step-0000007 does not exist \(checkpoints: 12, 10, 5; 0 starts again\)$/.test(e.message));
  assert.equal(snapshot(run), before);
  assert.throws(() => parseAllowChange('seed'), (e: Error) => e instanceof UserError && /^--allow-change: 'seed' cannot change on resume; only lr, schedule can/.test(e.message));
  assert.equal(sameModel(config(), config({ optimizers: lower }), ['lr']), null);

  const r = await train(tinyFamily, config({ optimizers: lower, logEvery: 1, schedule: { warmupSteps: 0, decay: 'constant', minRatio: 0 } }), opts(run, { resume: true, fromStep: 10, allowChange: ['lr'] }));
  assert.equal(r.step, 20);
  const note = r.notes.join('\n');
  assert.match(note, /--from-step 10: resuming from step-0000010 instead of step-0000012/);
  assert.match(note, /set aside checkpoint after step 10 as checkpoints\/abandoned-\*: step-0000012/);
  assert.match(note, /moved 2 rows of metrics.jsonl after step 10/);
  const rows = lines(join(run, 'metrics.jsonl'));
  assert.deepEqual(rows.map((x) => x.step), Array.from({ length: 20 }, (_, i) => i + 1), 'each step once');
  assert.deepEqual([rows[9].lr, rows[10].lr], [1e-3, 5e-4]);
  assert.deepEqual(lines(join(run, 'sessions.jsonl')).at(-1).changes, [{ key: 'training.optimizers.model.lr', from: 1e-3, to: 5e-4, step: 10 }]);
  assert.ok(existsSync(join(run, 'checkpoints', 'abandoned-step-0000012', 'state.json')));
});

test('--allow-change schedule ends a constant-rate run with a decay: continuous with --lr-hold, recorded, refused without it', async () => {
  const run = tmp();
  const constant = { warmupSteps: 0, decay: 'constant' as const, minRatio: 0 };
  await train(tinyFamily, config({ steps: 10, schedule: constant, logEvery: 1 }), opts(run));
  // 10 steps done at the peak; 20 in all, the first half held: lr(10 + j) = peak (1 - j / 10).
  const decay = { warmupSteps: 0, decay: 'linear' as const, minRatio: 0, holdFraction: 0.5 };
  await assert.rejects(train(tinyFamily, config({ steps: 20, schedule: decay, logEvery: 1 }), opts(run, { resume: true })), (e: Error) => e instanceof UserError && /training.schedule.decay is "constant" in the run but "linear" now/.test(e.message));
  const r = await train(tinyFamily, config({ steps: 20, schedule: decay, logEvery: 1 }), opts(run, { resume: true, allowChange: ['schedule'] }));
  assert.equal(r.step, 20);
  const rows = lines(join(run, 'metrics.jsonl'));
  const peak = rows[0].lr;
  assert.deepEqual(rows.slice(0, 11).map((x) => x.lr), new Array(11).fill(peak), 'steps 1..11 (lr(0)..lr(10)) at the peak');
  for (let j = 1; j < 10; j++) assert.ok(Math.abs(rows[10 + j].lr - peak * (1 - j / 10)) < 1e-12, `step ${11 + j}`);
  assert.deepEqual(lines(join(run, 'sessions.jsonl')).at(-1).changes, [
    { key: 'training.schedule.decay', from: 'constant', to: 'linear', step: 10 },
    { key: 'training.schedule.holdFraction', from: null, to: 0.5, step: 10 },
  ]);
});
