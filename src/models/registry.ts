/** Model families by name, loaded on first use so one family's code never slows another's start. */
import type { ModelFamily } from '../train/types.js';
import { UserError } from '../util/errors.js';

const loaders: Record<string, () => Promise<ModelFamily>> = {
  ae: async () => (await import('./vae/index.js')).aeFamily,
  vae: async () => (await import('./vae/index.js')).vaeFamily,
  hvae: async () => (await import('./hvae/index.js')).hvaeFamily,
  ddpm: async () => (await import('./ddpm/family.js')).ddpmFamily,
  gan: async () => (await import('./gan/index.js')).ganFamily,
  classifier: async () => (await import('./classifier/index.js')).classifierFamily,
  cyclegan: async () => (await import('./cyclegan/index.js')).cycleganFamily,
};

const extra = new Map<string, ModelFamily>();

/** Adds a family (tests, plug-ins). */
export function registerFamily(f: ModelFamily): void {
  extra.set(f.name, f);
}

export async function availableFamilies(): Promise<string[]> {
  const names: string[] = [...extra.keys()];
  for (const [n, load] of Object.entries(loaders)) {
    try {
      await load();
      names.push(n);
    } catch {
      // not part of this build
    }
  }
  return names;
}

export async function getFamily(name: string): Promise<ModelFamily> {
  const e = extra.get(name);
  if (e) return e;
  const load = loaders[name];
  if (load) {
    try {
      return await load();
    } catch (err) {
      if (!/Cannot find module|ERR_MODULE_NOT_FOUND/.test(String((err as Error).message) + String((err as { code?: string }).code))) throw err;
    }
  }
  throw new UserError(`unknown model '${name}'; available: ${(await availableFamilies()).join(', ')}`);
}
