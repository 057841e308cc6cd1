/**
 * The CLI adapters of the model families, by family name, loaded on first use like the families
 * themselves (src/models/registry.ts). A family without an adapter of its own (a plug-in, a test
 * fixture) gets its flags from its config declaration, or none.
 *
 * A new family: its model code under src/models/<name>/ (with a config.ts declaring its config),
 * a line in src/models/registry.ts, and, when it needs flags that are not one field each or extras
 * for sample / eval / interpolate, src/cli/families/<name>.ts and a line here.
 */
import { availableFamilies, getFamily } from '../../models/registry.js';
import type { FamilyCli } from './types.js';
import { noFlags, schemaFlags } from './schema_flags.js';

const adapters: Record<string, () => Promise<FamilyCli>> = {
  vae: async () => (await import('./vae.js')).vaeCli,
  ae: async () => (await import('./vae.js')).aeCli,
  hvae: async () => (await import('./hvae.js')).hvaeCli,
  gan: async () => (await import('./gan.js')).ganCli,
  ddpm: async () => (await import('./ddpm.js')).ddpmCli,
  classifier: async () => (await import('./classifier.js')).classifierCli,
  cyclegan: async () => (await import('./cyclegan.js')).cycleganCli,
};

/** The adapter of family `name`; UserError (from the family registry) for an unknown family. */
export async function familyCli(name: string): Promise<FamilyCli> {
  const family = await getFamily(name);
  const own = adapters[name];
  if (own) return own();
  return { name, train: family.schema ? schemaFlags(family.schema) : noFlags };
}

/** The adapters of every family in this build (for the options that some family's runs take). */
export async function allFamilyClis(): Promise<FamilyCli[]> {
  return Promise.all((await availableFamilies()).map((n) => familyCli(n)));
}

/** "ae, gan or vae": the families' names, sorted. */
export function familyList(clis: readonly FamilyCli[]): string {
  const names = clis.map((c) => c.name).sort();
  return names.length > 1 ? `${names.slice(0, -1).join(', ')} or ${names[names.length - 1]}` : (names[0] ?? 'no');
}

/** "an ae or vae run": the families a command works on, as a phrase. */
export function familiesPhrase(clis: readonly FamilyCli[]): string {
  const list = familyList(clis);
  return `${/^[aeiou]/.test(list) ? 'an' : 'a'} ${list} run`;
}
