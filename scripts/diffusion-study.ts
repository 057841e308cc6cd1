/**
 * The recipe study of issue 13: class-conditional DDPMs on mnist, one per recipe, all with the
 * same network, data, seed and number of steps (so the same training time: the recipes differ
 * only in the target and a per-example weight), checkpointed every --eval-every steps; then FID
 * of every checkpoint (the run's sampler, unguided, classes in turn) against mnist:test on the
 * shipped mnist features, with the real floor (mnist:test vs mnist:train) at the same n.
 * Writes OUT/study.json, OUT/study.md (FID by step and by training minutes) and OUT/fid.svg.
 * Runs and evaluations already done are read, not redone, so an interrupted study resumes.
 *
 *   node --import tsx scripts/diffusion-study.ts --out runs/study --steps 2000 --eval-every 500 \
 *     [--n 500] [--recipes eps-linear,v-cosine,eps-minsnr,v-minsnr] [--threads 1] [--parallel 1] [--train-args="--base-channels 16"]
 */
import { checkpointView, genlab } from './genlab_child.js';
import { existsSync, mkdirSync, readFileSync, readdirSync, symlinkSync, writeFileSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';

const { values } = parseArgs({
  options: {
    out: { type: 'string' }, steps: { type: 'string', default: '2000' }, 'eval-every': { type: 'string', default: '500' },
    n: { type: 'string', default: '500' }, recipes: { type: 'string', default: 'eps-linear,v-cosine,eps-minsnr,v-minsnr' },
    threads: { type: 'string', default: '1' }, parallel: { type: 'string', default: '1' }, 'train-args': { type: 'string', default: '' },
    data: { type: 'string', default: 'mnist' }, 'eval-only': { type: 'boolean' },
  },
});
if (!values.out) throw new Error('--out DIR');
const out = resolve(values.out);
const steps = Number(values.steps);
const every = Number(values['eval-every']);
const n = values.n!;
const data = values.data!;

/** The four rows of the issue: today's recipe, v + cosine (Salimans & Ho), and Min-SNR-5 (Hang et al.) on each. */
const RECIPES: Record<string, string[]> = {
  'eps-linear': ['--prediction', 'eps', '--schedule', 'linear', '--loss-weight', 'none'],
  'v-cosine': ['--prediction', 'v', '--schedule', 'cosine', '--loss-weight', 'none'],
  'eps-minsnr': ['--prediction', 'eps', '--schedule', 'linear', '--loss-weight', 'min-snr'],
  'v-minsnr': ['--prediction', 'v', '--schedule', 'cosine', '--loss-weight', 'min-snr'],
  'x0-cosine': ['--prediction', 'x0', '--schedule', 'cosine', '--loss-weight', 'none'],
};
const recipes = values.recipes!.split(',');
for (const r of recipes) if (!RECIPES[r]) throw new Error(`unknown recipe ${r} (${Object.keys(RECIPES).join(', ')})`);


mkdirSync(out, { recursive: true });
const say = (m: string) => process.stderr.write(`[${new Date().toISOString().slice(11, 19)}] ${m}\n`);

async function train(r: string): Promise<void> {
  const dir = join(out, r);
  if (existsSync(join(dir, 'model', 'model.json'))) return;
  const resume = existsSync(join(dir, 'latest'));
  say(`training ${r}${resume ? ' (resuming)' : ''}`);
  const extra = values['train-args']!.split(' ').filter(Boolean);
  const t = await genlab(
    ['train', 'ddpm', '--data', data, '--condition', 'class', ...RECIPES[r], ...extra, '--steps', String(steps), '--checkpoint-every', String(every),
      '--sample-every', String(every), '--keep', '1000', '--threads', values.threads!, '--seed', '0', '--out', dir, '--quiet', ...(resume ? ['--resume'] : [])],
    join(out, `${r}.train.log`),
  );
  if (t.code !== 0) throw new Error(`training ${r} failed (exit ${t.code}): see ${r}.train.log`);
  say(`trained ${r}`);
}

/** A run directory that holds one checkpoint as its latest: what genlab eval loads. */
function viewOf(r: string, step: number): string {
  return checkpointView(join(out, r), step, join(out, 'views', `${r}-${step}`));
}

async function fidOf(spec: string, key: string, extra: string[] = []): Promise<Record<string, number>> {
  const file = join(out, 'evals', `${key}.json`);
  if (existsSync(file)) return JSON.parse(readFileSync(file, 'utf8'));
  mkdirSync(join(out, 'evals'), { recursive: true });
  const e = await genlab(['eval', spec, '--metric', 'fid,accuracy', '--n', n, '--ref', `${data}:test`, '--threads', values.threads!, '--json', ...extra], join(out, 'evals', `${key}.log`));
  if (e.code !== 0) throw new Error(`eval ${key} failed: see evals/${key}.log`);
  writeFileSync(file, e.stdout);
  return JSON.parse(e.stdout);
}

/** Training seconds at each step, from the run's metrics.jsonl. */
function timeAt(r: string): Map<number, number> {
  const m = new Map<number, number>();
  for (const line of readFileSync(join(out, r, 'metrics.jsonl'), 'utf8').split('\n')) {
    if (!line.trim()) continue;
    const row = JSON.parse(line) as { step: number; time?: number };
    if (row.time !== undefined) m.set(row.step, row.time);
  }
  return m;
}

if (!values['eval-only']) {
  const queue = [...recipes];
  await Promise.all(Array.from({ length: Number(values.parallel) }, async () => {
    while (queue.length) await train(queue.shift()!);
  }));
}

// The floor: real test digits against the train split, same n, same features.
const floorRaw = await fidOf(`${data}:test`, 'floor', ['--ref', `${data}:train`]);
const rows: { recipe: string; step: number; minutes: number; fid: number; accuracy: number }[] = [];
const jobs: { r: string; s: number }[] = [];
for (const r of recipes) {
  for (let s = every; s <= steps; s += every) {
    if (existsSync(join(out, r, 'checkpoints')) && readdirSync(join(out, r, 'checkpoints')).some((c) => Number(c.replace(/\D/g, '')) === s)) jobs.push({ r, s });
  }
}
const evals = new Map<string, Record<string, number>>();
const pending = [...jobs];
await Promise.all(Array.from({ length: Number(values.parallel) }, async () => {
  while (pending.length) {
    const { r, s } = pending.shift()!;
    say(`FID of ${r} at step ${s}`);
    evals.set(`${r}-${s}`, await fidOf(viewOf(r, s), `${r}-${s}`));
  }
}));
for (const { r, s } of jobs) {
  const times = timeAt(r);
  const e = evals.get(`${r}-${s}`)!;
  const near = [...times.keys()].filter((k) => k <= s).sort((a, b) => b - a)[0];
  rows.push({ recipe: r, step: s, minutes: +((times.get(near) ?? NaN) / 60).toFixed(1), fid: +e.fid.toFixed(2), accuracy: +e.accuracy.toFixed(3) });
}
const floor = +floorRaw.fid.toFixed(2);
writeFileSync(join(out, 'study.json'), JSON.stringify({ data, n: Number(n), floor, floorAccuracy: floorRaw.accuracy, rows }, null, 1) + '\n');

const stepsSeen = [...new Set(rows.map((r) => r.step))].sort((a, b) => a - b);
const md = [
  `FID (n = ${n} samples, the run's sampler, unguided, classes in turn; against ${data}:test on the shipped features). Real floor (${data}:test vs ${data}:train, n = ${n}): ${floor}; classifier accuracy on real test ${floorRaw.accuracy.toFixed(3)}.`,
  '',
  `| recipe | ${stepsSeen.map((s) => `step ${s}`).join(' | ')} | minutes at the last step | accuracy at the last step |`,
  `|---|${stepsSeen.map(() => '---:').join('|')}|---:|---:|`,
  ...recipes.map((r) => {
    const mine = rows.filter((x) => x.recipe === r);
    const last = mine[mine.length - 1];
    return `| ${r} | ${stepsSeen.map((s) => mine.find((x) => x.step === s)?.fid ?? '').join(' | ')} | ${last?.minutes ?? ''} | ${last?.accuracy ?? ''} |`;
  }),
];
writeFileSync(join(out, 'study.md'), md.join('\n') + '\n');

// FID against training steps (every recipe costs the same per step: one network, one loss
// evaluation; wall minutes on a shared machine are too noisy to plot), the floor dashed.
const W = 560;
const H = 360;
const maxT = Math.max(...rows.map((r) => r.step), 1);
const maxF = Math.max(...rows.map((r) => r.fid), floor) * 1.05;
const X = (t: number) => 60 + (t / maxT) * (W - 180);
const Y = (f: number) => 20 + (1 - f / maxF) * (H - 60);
const colours = ['#1f77b4', '#d62728', '#2ca02c', '#9467bd', '#ff7f0e'];
const svg = [`<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" font-family="sans-serif" font-size="11"><rect width="${W}" height="${H}" fill="white"/>`];
for (let k = 0; k <= 4; k++) {
  const f = (maxF * k) / 4;
  svg.push(`<line x1="60" x2="${W - 120}" y1="${Y(f)}" y2="${Y(f)}" stroke="#eee"/><text x="55" y="${Y(f) + 4}" text-anchor="end">${f.toFixed(0)}</text>`);
}
svg.push(`<text x="${(W - 60) / 2}" y="${H - 8}" text-anchor="middle">training steps (batch 64; the same cost per step for every recipe)</text><text x="14" y="${H / 2}" transform="rotate(-90 14 ${H / 2})" text-anchor="middle">FID</text>`);
for (const st of stepsSeen) svg.push(`<text x="${X(st)}" y="${H - 24}" text-anchor="middle">${st}</text>`);
svg.push(`<line x1="60" x2="${W - 120}" y1="${Y(floor)}" y2="${Y(floor)}" stroke="#555" stroke-dasharray="4 3"/><text x="${W - 115}" y="${Y(floor) + 4}">real floor</text>`);
recipes.forEach((r, i) => {
  const pts = [{ s: 0, f: maxF }, ...rows.filter((x) => x.recipe === r).map((x) => ({ s: x.step, f: x.fid }))].slice(1).map((x) => `${X(x.s).toFixed(1)},${Y(x.f).toFixed(1)}`);
  svg.push(`<polyline fill="none" stroke="${colours[i % 5]}" stroke-width="2" points="${pts.join(' ')}"/>`);
  svg.push(`<text x="${W - 115}" y="${30 + 16 * i}" fill="${colours[i % 5]}">${r}</text>`);
  for (const x of rows.filter((row) => row.recipe === r)) svg.push(`<circle cx="${X(x.step).toFixed(1)}" cy="${Y(x.fid).toFixed(1)}" r="3" fill="${colours[i % 5]}"/>`);
});
svg.push('</svg>');
writeFileSync(join(out, 'fid.svg'), svg.join(''));
console.log(md.join('\n'));
