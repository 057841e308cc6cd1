/**
 * The model class behind each family name a run's config.json names, loaded on first use, for
 * loading runs in the core (browser-safe). The families themselves (registry.ts) cannot go
 * there yet: besides building models they carry Node-side hooks (sample commands that write
 * files, report figures, the GAN playground's pictures) and the command line's flags. Runs of
 * the classifier, whose class lives beside its flags, load with genlab/node.
 */
import type { ModelFamily } from '../train/types.js';
import { UserError } from '../util/errors.js';

/** The part of a family that turns a run's config back into a model. */
export type ModelMaker = Pick<ModelFamily, 'create'>;

const makers: Record<string, () => Promise<ModelMaker>> = {
  ddpm: async () => {
    const { DdpmModel } = await import('./ddpm/model.js');
    return { create: (c, d, rng) => new DdpmModel(c as InstanceType<typeof DdpmModel>['config'], d, rng) };
  },
  vae: async () => vaeMaker(),
  ae: async () => vaeMaker(),
  hvae: async () => {
    const { HvaeModel } = await import('./hvae/model.js');
    return { create: (c, d, rng) => new HvaeModel(c as InstanceType<typeof HvaeModel>['config'], d, rng) };
  },
  gan: async () => {
    const { GanModel } = await import('./gan/model.js');
    return { create: (c, d, rng) => new GanModel(c as InstanceType<typeof GanModel>['config'], d, rng) };
  },
  cyclegan: async () => {
    const { CycleganModel } = await import('./cyclegan/model.js');
    return { create: (c, d, rng) => new CycleganModel(c as InstanceType<typeof CycleganModel>['config'], d, rng) };
  },
};

async function vaeMaker(): Promise<ModelMaker> {
  const { VaeModel } = await import('./vae/model.js');
  return { create: (c, d, rng) => new VaeModel(c as ConstructorParameters<typeof VaeModel>[0], d, rng) };
}

export async function modelMaker(name: string): Promise<ModelMaker> {
  const make = makers[name];
  if (!make) throw new UserError(`model '${name}' cannot be loaded by genlab's core (it loads ${Object.keys(makers).join(', ')}); load it with genlab/node`);
  return make();
}
