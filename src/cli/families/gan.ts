/**
 * `genlab train gan`: the flags of the GAN config declaration (src/models/gan/config.ts), where
 * --loss is more than its field: the loss picks the defaults (its paper's optimiser, critic
 * steps and discriminator norm, through the family's hints), and a --loss that differs from a
 * --config file's or a resumed run's brings its paper's critic settings with it.
 * `genlab interpolate GAN_RUN` draws latent interpolation strips (gan_interpolate.ts).
 */
import { applyFlags, isPlainObject } from '../../config/schema.js';
import { ganConfigSchema, lossDefaults, type GanConfig } from '../../models/gan/config.js';
import { GAN_LOSSES } from '../../models/gan/losses.js';
import { choice, str } from '../args.js';
import { givenFlags } from '../config_flags.js';
import { schemaFlags } from './schema_flags.js';
import type { FamilyCli } from './types.js';
import { ganInterpolate } from './gan_interpolate.js';

const fields = schemaFlags(ganConfigSchema);

export const ganCli: FamilyCli<GanConfig> = {
  name: 'gan',
  train: {
    options: fields.options,
    help: fields.help,
    helpAssumes: "--loss ns (another --loss brings its paper's optimiser, run length and critic settings)",
    hints(a, fileModelConfig) {
      const loss = str(a, 'loss') === undefined ? undefined : choice(a, 'loss', GAN_LOSSES, 'ns');
      if (loss === undefined) return { modelConfig: fileModelConfig };
      return { modelConfig: { ...(isPlainObject(fileModelConfig) ? fileModelConfig : {}), loss } };
    },
    apply(a, config) {
      const c: GanConfig = JSON.parse(JSON.stringify(config));
      const loss = choice(a, 'loss', GAN_LOSSES, c.loss);
      // A --loss that differs from the config's brings its paper's critic settings with it
      // (the flags below still override them).
      if (loss !== c.loss) Object.assign(c, lossDefaults(loss), { loss });
      return applyFlags(ganConfigSchema, givenFlags(a, ganConfigSchema), c);
    },
  },
  figures: { interpolate: ganInterpolate },
};
