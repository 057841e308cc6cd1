/** A family's train flags derived from its config declaration alone: the adapter of a family without custom flags. */
import { applyFlags, helpRows, type ConfigSchema } from '../../config/schema.js';
import { configOptions, givenFlags } from '../config_flags.js';
import type { TrainFlags } from './types.js';

/** Every flag of `schema` (but `omit`): options, help rows and how they apply, all from the declaration. */
export function schemaFlags<M>(schema: ConfigSchema<M>, omit: readonly string[] = []): TrainFlags<M> {
  return {
    options: configOptions(schema, omit),
    help: (defaults, alternative) => helpRows(schema, defaults, alternative, omit),
    apply: (a, config) => applyFlags(schema, givenFlags(a, schema, omit), config),
  };
}

/** No flags at all (a family that declares no schema). */
export const noFlags: TrainFlags<unknown> = { options: {}, help: () => [], apply: (_a, c) => c };
