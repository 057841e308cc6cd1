/** genlab sweep: a grid or random study over configs and seeds, run by parallel worker processes. */
import { readFile } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Command } from '../command.js';
import { parse, str, int } from '../args.js';
import { UserError } from '../../util/errors.js';
import { parseSweep, runSweep, stripPlotSvg, resultsCsv } from '../../eval/sweep.js';
import { writeFileAtomic } from '../../io/atomic.js';
import { checkRunOut } from '../out_path.js';
import { getFamily } from '../../models/registry.js';

export const command: Command = {
  name: 'sweep',
  summary: 'train and evaluate a grid or random study over configs and seeds, in parallel',
  usage: 'usage: genlab sweep --config SWEEP.json --out DIR [--parallel N]\n  (the SWEEP.json format is described in src/eval/sweep.ts and the README)',
  async run(argv) {
    const a = parse(argv, { config: { type: 'string' }, out: { type: 'string' }, parallel: { type: 'string' } }, 'sweep');
    const path = str(a, 'config');
    const out = str(a, 'out');
    if (!path || out === undefined) throw new UserError('sweep: --config SWEEP.json and --out DIR are required');
    checkRunOut(out, 'sweep');
    const text = await readFile(path, 'utf8').catch(() => {
      throw new UserError(`--config ${path}: cannot read the file`);
    });
    const config = parseSweep(text, path);
    const parallel = int(a, 'parallel', availableParallelism(), 1)!;
    if (a.positionals.length) throw new UserError(`sweep: unexpected argument '${a.positionals[0]}'`);
    await getFamily(config.model).catch((e: unknown) => {
      throw e instanceof UserError ? new UserError(`${path}: 'model': ${e.message}`) : e;
    });
    const main = fileURLToPath(new URL('../main.js', import.meta.url)).replace(/\.js$/, import.meta.url.endsWith('.ts') ? '.ts' : '.js');
    const rows = await runSweep(config, out, parallel, main, (m) => process.stderr.write(m + '\n'));
    await writeFileAtomic(join(out, 'results.jsonl'), rows.map((r) => JSON.stringify(r)).join('\n') + '\n');
    await writeFileAtomic(join(out, 'results.csv'), resultsCsv(rows));
    await writeFileAtomic(join(out, `${config.metric}.svg`), stripPlotSvg(rows, config.metric));
    const groups = [...new Set(rows.map((r) => String(r.group)))];
    console.log(`group${' '.repeat(30)} ${config.metric} (mean +- sd over seeds)`);
    for (const g of groups) {
      const v = rows.filter((r) => r.group === g).map((r) => Number(r[config.metric])).filter(Number.isFinite);
      const m = v.reduce((s, x) => s + x, 0) / v.length;
      const sd = Math.sqrt(v.reduce((s, x) => s + (x - m) ** 2, 0) / Math.max(1, v.length - 1));
      console.log(`${g.padEnd(35)} ${m.toPrecision(4)} +- ${sd.toPrecision(2)}  (${v.length} seeds)`);
    }
    console.log(`results: ${join(out, 'results.csv')}, plot: ${join(out, `${config.metric}.svg`)}`);
    return 0;
  },
};
