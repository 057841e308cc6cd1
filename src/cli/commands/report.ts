/** genlab report RUN: (re)writes RUN/report.html. */
import type { Command } from '../command.js';
import { UserError } from '../../util/errors.js';
import { writeReport } from '../../train/report.js';
import { readRunConfig } from '../../train/checkpoint.js';
import { getFamily } from '../../models/registry.js';
import { checkOutDir } from '../out_path.js';

export const command: Command = {
  name: 'report',
  summary: "write a run's HTML report (curves, sample grids, config)",
  usage: 'usage: genlab report RUN',
  async run(argv) {
    const run = argv[0];
    if (!run || run.startsWith('-')) throw new UserError('report: name a run directory');
    if (argv.length > 1) throw new UserError(`report: unexpected argument '${argv[1]}'`);
    const config = await readRunConfig(run);
    checkOutDir(run, 'RUN');
    const path = await writeReport(run, await getFamily(config.model));
    console.log(path);
    return 0;
  },
};
