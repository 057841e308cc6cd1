/** genlab plot RUN: training curves from metrics.jsonl as SVG or PNG. */
import { join } from 'node:path';
import type { Command } from '../command.js';
import { parse, str, flag } from '../args.js';
import { UserError } from '../../util/errors.js';
import { readMetrics, metricSeries } from '../../train/metrics.js';
import { writePlot, smooth } from '../../io/plot.js';
import { readRunConfig } from '../../train/checkpoint.js';
import { checkOutFile } from '../out_path.js';

export const command: Command = {
  name: 'plot',
  summary: 'plot training curves of a run (SVG or PNG)',
  usage: 'usage: genlab plot RUN [--metrics loss,kl] [--out FILE.svg|FILE.png] [--log] [--smooth N]',
  async run(argv) {
    const run = argv[0];
    if (!run || run.startsWith('-')) throw new UserError('plot: name a run directory');
    const a = parse(argv.slice(1), { metrics: { type: 'string' }, out: { type: 'string' }, log: { type: 'boolean' }, smooth: { type: 'string' } }, 'plot');
    const out = str(a, 'out', join(run, 'curves.svg'));
    if (!/\.(svg|png)$/.test(out)) throw new UserError(`--out ${out}: use a .svg or .png file`);
    checkOutFile(out);
    const w = Number(str(a, 'smooth', '1'));
    if (!(Number.isInteger(w) && w >= 1)) throw new UserError(`--smooth must be a whole number of at least 1, got '${str(a, 'smooth')}'`);
    const config = await readRunConfig(run);
    const rows = await readMetrics(join(run, 'metrics.jsonl'));
    if (!rows.length) throw new UserError(`${join(run, 'metrics.jsonl')}: no metrics logged yet`);
    const names = str(a, 'metrics')?.split(',').map((s) => s.trim());
    const series = metricSeries(rows, names);
    const known = metricSeries(rows).map((s) => s.name);
    for (const n of names ?? []) if (!known.includes(n)) throw new UserError(`--metrics: '${n}' is not in metrics.jsonl (${known.join(', ')})`);
    await writePlot(out, series.map((s) => ({ ...s, y: smooth(s.y, w) })), { title: `${config.model} on ${config.training.data}`, xLabel: 'step', logY: flag(a, 'log') });
    console.log(out);
    return 0;
  },
};
