/** genlab report RUN: (re)writes RUN/report.html. */
import type { Command } from '../command.js';
import { UserError } from '../../util/errors.js';
import { writeReport } from '../../train/report.js';
import { readRunConfig } from '../../train/checkpoint.js';
import { getFamily } from '../../models/registry.js';

export const command: Command = {
  name: 'report',
  summary: "write a run's HTML report (curves, sample grids, config)",
  usage: 'usage: genlab report RUN',
  async run(argv) {
    const run = argv[0];
    if (!run || run.startsWith('-')) throw new UserError('genlab report: name a run directory');
    const config = await readRunConfig(run);
    const path = await writeReport(run, await getFamily(config.model));
    console.log(path);
    return 0;
  },
};
