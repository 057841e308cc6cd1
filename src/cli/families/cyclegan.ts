/**
 * `genlab train cyclegan`: the flags of the CycleGAN config declaration
 * (src/models/cyclegan/config.ts), plus the two domains: --data-a SOURCE (the run's data) and
 * --data-b SOURCE (its stream 'b', training.streams.b), drawn independently.
 */
import { flag, str, type OptionSpec } from '../args.js';
import { UserError } from '../../util/errors.js';
import { parseSpec } from '../../data/spec.js';
import { cycleganConfigSchema, type CycleganConfig } from '../../models/cyclegan/config.js';
import { schemaFlags } from './schema_flags.js';
import type { FamilyCli } from './types.js';

const fields = schemaFlags<CycleganConfig>(cycleganConfigSchema);

const DOMAIN_OPTIONS: OptionSpec = { 'data-a': { type: 'string' }, 'data-b': { type: 'string' } };

export const cycleganCli: FamilyCli<CycleganConfig> = {
  name: 'cyclegan',
  train: {
    options: { ...fields.options, ...DOMAIN_OPTIONS },
    help: (defaults, alternative) => [
      { usage: '--data-a SOURCE', doc: 'domain A (the run\'s data; --data is the same)', default: 'mnist' },
      { usage: '--data-b SOURCE', doc: 'domain B, drawn independently of A (unpaired), e.g. mnist-m', default: 'none: required' },
      ...fields.help(defaults, alternative),
    ],
    apply: fields.apply,
    training(a) {
      const dataA = str(a, 'data-a');
      const dataB = str(a, 'data-b');
      if (dataA !== undefined && str(a, 'data') !== undefined) throw new UserError('--data-a and --data both name domain A: give one');
      if (dataB === undefined && !flag(a, 'resume') && str(a, 'config') === undefined) throw new UserError('cyclegan needs --data-b SOURCE (domain B, e.g. mnist-m)');
      for (const v of [dataA, dataB]) if (v !== undefined) parseSpec(v); // one line for an unknown source, before any work
      return { ...(dataA !== undefined ? { data: dataA } : {}), ...(dataB !== undefined ? { streams: { b: dataB } } : {}) };
    },
  },
};
