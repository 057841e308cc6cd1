/**
 * A trained hvae run directory for the figure commands and the report. It is opened with the
 * loader's core (load_run_core.ts) and the HvaeModel class itself rather than through the family
 * registry, so that the family (whose report opens runs) and the registry (which lists the
 * family) do not import each other. `dir` is a directory: the commands resolve pretrained:NAME.
 */
import { UserError } from '../../util/errors.js';
import type { DataShape } from '../../train/types.js';
import { loadRunFrom } from '../../train/load_run_core.js';
import { readRunConfig } from '../../train/checkpoint.js';
import { dirSource } from '../../io/dir_source.js';
import { loadSource } from '../../data/index.js';
import type { HvaeConfig } from './config.js';
import { HvaeModel } from './model.js';

export interface LoadedHvaeRun {
  dir: string;
  model: HvaeModel;
  data: DataShape;
  /** The data source the run was trained on (TrainingConfig.data). */
  dataSource: string;
  dispose(): void;
}

const hvaeMaker = { create: (c: unknown, d: DataShape, rng: ConstructorParameters<typeof HvaeModel>[2]) => new HvaeModel(c as HvaeConfig, d, rng) };

/** Opens the run directory `dir`; UserError unless it is an hvae run with weights. */
export async function loadHvaeRun(dir: string, command: string): Promise<LoadedHvaeRun> {
  const saved = await readRunConfig(dir);
  if (saved.model !== 'hvae') throw new UserError(`${command}: ${dir} is a '${saved.model}' run; this command needs an hvae run`);
  const run = await loadRunFrom(dirSource(dir), { family: async () => hvaeMaker, data: (s) => loadSource(s, { split: 'train' }) });
  const model = run.model as HvaeModel;
  return { dir: run.dir, model, data: run.data, dataSource: run.config.training.data, dispose: () => model.dispose() };
}
