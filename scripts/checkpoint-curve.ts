/**
 * FID (and, with a class-aware feature network, the classifier's accuracy where the model is
 * class-conditional) of a run at each of its checkpoints, for its EMA and/or live weights: what
 * an hour of training buys, and whether the EMA pays. One `genlab eval` per cell against
 * DATA:test, with the real floor (DATA:test vs DATA:train) at the same n. Cells already done
 * (OUT/cells/NAME.json) are read, not rerun. Writes OUT/curve.md and OUT/curve.json.
 *
 *   node --import tsx scripts/checkpoint-curve.ts RUN --out runs/curve-gan [--steps 1000,2000] [--weights ema,live] \
 *     [--n 1000] [--data mnist] [--threads 1] [-- extra genlab eval flags]
 */
import { checkpointSteps, checkpointView, genlab } from './genlab_child.js';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    out: { type: 'string' }, n: { type: 'string', default: '1000' }, data: { type: 'string', default: 'mnist' },
    steps: { type: 'string' }, weights: { type: 'string', default: 'ema,live' }, threads: { type: 'string', default: '1' },
  },
});
const [run, ...extra] = positionals;
if (!run || !values.out) throw new Error('usage: checkpoint-curve.ts RUN --out DIR [--steps S,S] [--weights ema,live] [-- eval flags]');
const out = resolve(values.out);
mkdirSync(join(out, 'cells'), { recursive: true });
const { n, data } = values as { n: string; data: string };
const say = (m: string) => process.stderr.write(`[${new Date().toISOString().slice(11, 19)}] ${m}\n`);

async function cell(name: string, args: string[]): Promise<Record<string, number>> {
  const file = join(out, 'cells', `${name}.json`);
  if (existsSync(file)) return JSON.parse(readFileSync(file, 'utf8'));
  say(name);
  const t0 = performance.now();
  const e = await genlab(['eval', ...args, '--n', n, '--threads', values.threads!, '--json'], join(out, 'cells', `${name}.log`));
  if (e.code !== 0) throw new Error(`${name} failed: see cells/${name}.log`);
  const r = { ...JSON.parse(e.stdout), wall_seconds: +((performance.now() - t0) / 1000).toFixed(1) };
  writeFileSync(file, JSON.stringify(r) + '\n');
  return r;
}

const conditional = (JSON.parse(readFileSync(join(run, 'config.json'), 'utf8')) as { modelConfig: { condition?: string } }).modelConfig.condition === 'class';
const metric = conditional ? 'fid,accuracy' : 'fid';
const floor = await cell('floor', [`${data}:test`, '--ref', `${data}:train`, '--metric', 'fid']);
const steps = values.steps ? values.steps.split(',').map(Number) : checkpointSteps(run);
const weights = values.weights!.split(',');
// Training wall time at each step, from the run's metrics (seconds since the run began, summed over sessions).
const elapsed = new Map<number, number>();
for (const line of readFileSync(join(run, 'metrics.jsonl'), 'utf8').split('\n')) {
  if (!line) continue;
  const m = JSON.parse(line) as { step?: number; time?: number };
  if (m.step !== undefined && m.time !== undefined) elapsed.set(m.step, m.time);
}
const rows: { step: number; minutes?: number; [w: string]: unknown }[] = [];
for (const step of steps) {
  const view = checkpointView(run, step, join(out, 'views', `step-${step}`));
  const row: { step: number; minutes?: number; [w: string]: unknown } = { step, minutes: elapsed.has(step) ? +(elapsed.get(step)! / 60).toFixed(1) : undefined };
  for (const w of weights) row[w] = await cell(`${w}-${step}`, [view, '--ref', `${data}:test`, '--metric', metric, '--weights', w, ...extra]);
  rows.push(row);
}
const md = [
  `Run ${run}; n = ${n} samples against ${data}:test on the shipped features; real floor (${data}:test vs ${data}:train, same n): FID ${floor.fid.toFixed(2)}.`,
  '',
  `| step | training minutes | ${weights.map((w) => `FID (${w})`).join(' | ')}${conditional ? ` | ${weights.map((w) => `accuracy (${w})`).join(' | ')}` : ''} |`,
  `|---:|---:|${weights.map(() => '---:').join('|')}${conditional ? `|${weights.map(() => '---:').join('|')}` : ''}|`,
  ...rows.map((r) => `| ${r.step} | ${r.minutes ?? ''} | ${weights.map((w) => (r[w] as { fid: number }).fid.toFixed(1)).join(' | ')}${conditional ? ` | ${weights.map((w) => (r[w] as { accuracy: number }).accuracy.toFixed(3)).join(' | ')}` : ''} |`),
];
writeFileSync(join(out, 'curve.json'), JSON.stringify({ run, n: Number(n), data, floor, rows }, null, 1) + '\n');
writeFileSync(join(out, 'curve.md'), md.join('\n') + '\n');
console.log(md.join('\n'));
