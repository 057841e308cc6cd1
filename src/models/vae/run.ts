/**
 * A trained ae/vae run for the figure commands (reconstruct, interpolate, manifold), opened
 * with the training loop's loader (src/train/load_run.ts).
 */
import { UserError } from '../../util/errors.js';
import type { DataShape, RunConfig } from '../../train/types.js';
import { loadRun, resolveRunPath } from '../../train/load_run.js';
import { readRunConfig } from '../../train/checkpoint.js';
import type { VaeConfig } from './config.js';
import { VaeModel } from './model.js';

export interface LoadedVaeRun {
  dir: string;
  config: RunConfig<VaeConfig>;
  model: VaeModel;
  data: DataShape;
  /** The data source the run was trained on (TrainingConfig.data). */
  dataSource: string;
  dispose(): void;
}

/** Opens RUN (or pretrained:NAME); UserError unless it is an ae or vae run with weights. */
export async function loadVaeRun(spec: string, command: string): Promise<LoadedVaeRun> {
  const dir = resolveRunPath(spec);
  const saved = await readRunConfig(dir);
  if (saved.model !== 'vae' && saved.model !== 'ae') {
    throw new UserError(`${command}: ${spec} is a '${saved.model}' run; this command needs an ae or vae run`);
  }
  const run = await loadRun(spec);
  if (!(run.model instanceof VaeModel)) {
    run.model.dispose();
    throw new Error(`loadVaeRun: ${spec} did not build a VaeModel`);
  }
  const model = run.model;
  return {
    dir: run.dir,
    config: run.config as RunConfig<VaeConfig>,
    model,
    data: run.data,
    dataSource: run.config.training.data,
    dispose: () => model.dispose(),
  };
}
