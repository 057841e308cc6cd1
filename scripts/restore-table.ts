/**
 * The restoration table of issue 14: every (task, method) cell through `genlab restore`
 * (the command module, in-process), each into OUT/<task>/<method>/, then OUT/table.md and
 * OUT/table.json from the cells' metrics.json. Cells already done (metrics.json present) are
 * read, not rerun, so an interrupted table resumes.
 *
 *   node --import tsx scripts/restore-table.ts --out runs/restore/table --n 100 \
 *     --ddpm pretrained:ddpm-mnist --gan RUN --vae RUN [--data mnist:test] [--methods pinv,vae,ddnm,ddnm+,dgp] [--tasks box,...]
 *   ... --ablations   (DGP fixed generator / MSE loss, DDNM with the re-derived eps, on box, sr4, cs25;
 *                      DDNM+ without time travel on denoise)
 */
import { existsSync, readFileSync, writeFileSync, mkdirSync } from 'node:fs';
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
};
const tasks = values.tasks ? values.tasks.split(',') : Object.keys(TASKS);

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

const rows: Record<string, unknown>[] = [];
mkdirSync(out, { recursive: true });
for (const c of cells) {
  const dir = join(out, c.task, c.name);
  const file = join(dir, 'metrics.json');
  if (!existsSync(file)) {
    const t0 = Date.now();
    console.error(`[${new Date().toISOString().slice(11, 19)}] ${c.task} ${c.name} ...`);
    const code = await command.run([...c.args, '--data', values.data!, '--n', values.n!, '--batch', values.batch!, '--threads', values.threads!, '--out', dir]);
    if (code !== 0) throw new Error(`${c.task} ${c.name}: exit ${code}`);
    console.error(`   ${((Date.now() - t0) / 1000).toFixed(0)} s`);
  }
  const m = JSON.parse(readFileSync(file, 'utf8'));
  delete m.perImage;
  rows.push({ cell: c.name, taskKey: c.task, ...m });
}

const f = (v: unknown, d: number) => (typeof v === 'number' ? v.toFixed(d) : '-');
const lines = ['| task | method | PSNR | SSIM | FID | accuracy | ||A x - y|| | s / image |', '|---|---|---|---|---|---|---|---|'];
for (const r of rows) {
  lines.push(`| ${r.task} | ${r.cell} | ${f(r.psnr, 2)} | ${f(r.ssim, 3)} | ${f(r.fid, 1)} | ${f(r.accuracy, 3)} | ${typeof r.consistency === 'number' ? (r.consistency as number).toExponential(1) : '-'} | ${f(r.secondsPerImage, 3)} |`);
}
const truth = rows[0];
lines.push('', `ground truth at this n: FID ${f(truth?.fidTruth, 1)}, accuracy ${f(truth?.accuracyTruth, 3)} (n = ${truth?.n})`);
writeFileSync(join(out, values.ablations ? 'ablations.md' : 'table.md'), lines.join('\n') + '\n');
writeFileSync(join(out, values.ablations ? 'ablations.json' : 'table.json'), JSON.stringify(rows, null, 1) + '\n');
console.log(lines.join('\n'));
