/**
 * The restoration table of issue 14: every (task, method) cell through `genlab restore`
 * (the command module, in-process), each into OUT/<task>/<method>/, then OUT/table.md and
 * OUT/table.json from the cells' metrics.json. Cells already done (metrics.json present) are
 * read, not rerun, so an interrupted table resumes.
 *
 *   node --import tsx scripts/restore-table.ts --out runs/restore/table --n 100 \
 *     --ddpm pretrained:ddpm-mnist --gan RUN --vae RUN [--data mnist:test] [--methods pinv,vae,ddnm,ddnm+,dgp] [--tasks box,...]
 *   ... --data mnist-m:test --ddpm RGB_RUN --methods pinv,ddnm --tasks colorize   (colorization: RGB priors)
 *   ... --ablations   (DGP fixed generator / MSE loss, DDNM with the re-derived eps, on box, sr4, cs25;
 *                      DDNM+ without time travel on denoise)
 */
import { existsSync, readFileSync, readdirSync, writeFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { command } from '../src/cli/commands/restore.js';

const { values } = parseArgs({
  options: {
    out: { type: 'string' }, n: { type: 'string', default: '100' }, data: { type: 'string', default: 'mnist:test' },
    ddpm: { type: 'string', default: 'pretrained:ddpm-mnist' }, gan: { type: 'string' }, vae: { type: 'string' },
    methods: { type: 'string', default: 'pinv,vae,ddnm,ddnm+,dgp' }, tasks: { type: 'string' }, ablations: { type: 'boolean' },
    threads: { type: 'string', default: '1' }, batch: { type: 'string', default: '20' },
  },
});
if (!values.out) throw new Error('--out DIR');
const out = values.out;

const TASKS: Record<string, string[]> = {
  box: ['--task', 'inpaint', '--mask', 'box'],
  random80: ['--task', 'inpaint', '--mask', 'random', '--missing', '0.8'],
  sr4: ['--task', 'sr', '--factor', '4'],
  cs25: ['--task', 'cs', '--ratio', '0.25'],
  deblur: ['--task', 'deblur'],
  denoise: ['--task', 'denoise', '--sigma-y', '0.2'],
  colorize: ['--task', 'colorize'], // RGB priors only: named with --tasks, never a default column
};
const tasks = values.tasks ? values.tasks.split(',') : Object.keys(TASKS).filter((t) => t !== 'colorize');
for (const t of tasks) if (!(t in TASKS)) throw new Error(`--tasks: unknown task '${t}'; choose from ${Object.keys(TASKS).join(', ')}`);

type Cell = { task: string; name: string; args: string[] };
const cells: Cell[] = [];
const model = (m: string): string[] => (m === 'pinv' ? [] : m === 'vae' ? [values.vae!] : m === 'dgp' ? [values.gan!] : [values.ddpm!]);
if (!values.ablations) {
  for (const task of tasks) for (const m of values.methods!.split(',')) {
    if (m === 'ddnm+' && task !== 'denoise') continue; // DDNM+ where y is noisy
    cells.push({ task, name: m, args: [...model(m), ...TASKS[task], '--method', m] });
  }
} else {
  for (const task of tasks.filter((t) => ['box', 'sr4', 'cs25'].includes(t))) {
    cells.push({ task, name: 'dgp-fixed', args: [values.gan!, ...TASKS[task], '--method', 'dgp', '--generator', 'fixed'] });
    cells.push({ task, name: 'dgp-mse', args: [values.gan!, ...TASKS[task], '--method', 'dgp', '--loss', 'mse'] });
    cells.push({ task, name: 'dgp', args: [values.gan!, ...TASKS[task], '--method', 'dgp'] });
    cells.push({ task, name: 'ddnm-rederive', args: [values.ddpm!, ...TASKS[task], '--method', 'ddnm', '--ddnm-eps', 'rederive'] });
    cells.push({ task, name: 'ddnm', args: [values.ddpm!, ...TASKS[task], '--method', 'ddnm'] });
  }
  if (tasks.includes('denoise')) {
    cells.push({ task: 'denoise', name: 'ddnm+-no-travel', args: [values.ddpm!, ...TASKS.denoise, '--method', 'ddnm+', '--travel', '1,1'] });
    cells.push({ task: 'denoise', name: 'ddnm+', args: [values.ddpm!, ...TASKS.denoise, '--method', 'ddnm+'] });
  }
}

mkdirSync(out, { recursive: true });
for (const c of cells) {
  const dir = join(out, c.task, c.name);
  if (existsSync(join(dir, 'metrics.json'))) continue;
  const t0 = Date.now();
  console.error(`[${new Date().toISOString().slice(11, 19)}] ${c.task} ${c.name} ...`);
  const code = await command.run([...c.args, '--data', values.data!, '--n', values.n!, '--batch', values.batch!, '--threads', values.threads!, '--out', dir]);
  if (code !== 0) throw new Error(`${c.task} ${c.name}: exit ${code}`);
  console.error(`   ${((Date.now() - t0) / 1000).toFixed(0)} s`);
}

// The tables, from every cell under OUT (this run's and earlier ones'): rows = methods, columns = tasks.
type Row = { task: string; method: string; n: number; psnr: number; ssim: number; fid: number | null; accuracy: number | null; consistency: number; secondsPerImage: number; fidTruth: number | null; accuracyTruth: number | null };
const found: Row[] = [];
for (const t of Object.keys(TASKS)) {
  if (!existsSync(join(out, t))) continue;
  for (const m of readdirSync(join(out, t)).sort()) {
    const f = join(out, t, m, 'metrics.json');
    if (existsSync(f)) found.push(JSON.parse(readFileSync(f, 'utf8')) as Row & { method: string });
    if (existsSync(f)) found[found.length - 1].method = m; // the cell's name (ablations share a method)
  }
}
const ORDER = ['pinv', 'vae', 'dgp', 'dgp-fixed', 'dgp-mse', 'ddnm', 'ddnm-rederive', 'ddnm+', 'ddnm+-no-travel'];
const taskNames = [...new Set(found.map((r) => r.task))];
const methods = [...new Set(found.map((r) => r.method))].sort((a, b) => ORDER.indexOf(a) - ORDER.indexOf(b));
const fmt = (v: number | null, d: number) => (v === null || v === undefined ? '-' : v.toFixed(d));
const cell = (r: Row | undefined) => (r ? `${fmt(r.psnr, 2)} / ${fmt(r.ssim, 3)} / ${fmt(r.fid, 0)} / ${fmt(r.accuracy, 2)}` : '');
const lines = [`PSNR dB / SSIM / FID / accuracy (n = ${found[0]?.n}, ${values.data})`, '', `| method | ${taskNames.join(' | ')} |`, `|---|${taskNames.map(() => '---').join('|')}|`];
for (const m of methods) lines.push(`| ${m === 'pinv' ? 'A+ y' : m} | ${taskNames.map((t) => cell(found.find((r) => r.task === t && r.method === m))).join(' | ')} |`);
const truth = found[0];
lines.push(`| ground truth | ${taskNames.map(() => `- / - / ${fmt(truth?.fidTruth ?? null, 0)} / ${fmt(truth?.accuracyTruth ?? null, 2)}`).join(' | ')} |`);
lines.push('', `seconds per image / mean ||A x_hat - y||_2 ([0, 1] units)`, '', `| method | ${taskNames.join(' | ')} |`, `|---|${taskNames.map(() => '---').join('|')}|`);
for (const m of methods) lines.push(`| ${m === 'pinv' ? 'A+ y' : m} | ${taskNames.map((t) => { const r = found.find((x) => x.task === t && x.method === m); return r ? `${fmt(r.secondsPerImage, 2)} / ${r.consistency.toExponential(1)}` : ''; }).join(' | ')} |`);
writeFileSync(join(out, 'table.md'), lines.join('\n') + '\n');
writeFileSync(join(out, 'table.json'), JSON.stringify(found, null, 1) + '\n');
console.log(lines.join('\n'));
