/** `genlab reconstruct RUN --out FILE`: test images above their autoencoder / VAE reconstructions. */
import * as tf from '@tensorflow/tfjs-core';
import { parse, str, int } from '../args.js';
import type { OptionSpec } from '../args.js';
import type { Command } from '../command.js';
import { UserError } from '../../util/errors.js';
import { Rng } from '../../util/rng.js';
import { loadVaeRun } from '../../models/vae/run.js';
import { reconstructionGrid } from '../../models/vae/figures.js';
import { checkShape, startBackend, loadImages, pickImages } from '../../models/vae/cli_common.js';
import { writeImageGrid } from '../../io/image_grid.js';
import { checkOutFile } from '../out_path.js';

const usage = `usage: genlab reconstruct RUN|pretrained:NAME --out FILE.png [--data SOURCE] [--n 16] [--cols 8] [--seed 0] [--scale 2] [--backend auto|wasm|cpu|node]

Writes n random test images (rows of --cols) each above its reconstruction
x_hat = E[x | z = mu(x)] by the run's autoencoder or VAE.
  --data SOURCE   images to reconstruct; default the run's data source (test split)`;

const options: OptionSpec = {
  data: { type: 'string' },
  n: { type: 'string' },
  cols: { type: 'string' },
  seed: { type: 'string' },
  scale: { type: 'string' },
  out: { type: 'string' },
  backend: { type: 'string' },
};

export const command: Command = {
  name: 'reconstruct',
  summary: 'test images above their AE/VAE reconstructions',
  usage,
  async run(argv: string[]): Promise<number> {
    const a = parse(argv, options, 'reconstruct');
    const [dir, ...extra] = a.positionals;
    if (!dir) throw new UserError('reconstruct: name the run directory');
    if (extra.length) throw new UserError(`reconstruct: unexpected argument '${extra[0]}'`);
    const out = str(a, 'out');
    if (out === undefined) throw new UserError('reconstruct: --out FILE is required');
    checkOutFile(out);
    const n = int(a, 'n', 16, 1)!;
    const cols = int(a, 'cols', Math.min(n, 8), 1)!;
    const seed = int(a, 'seed', 0, 0)!;
    const scale = int(a, 'scale', 2, 1)!;
    await startBackend(str(a, 'backend'));
    const run = await loadVaeRun(dir, 'reconstruct');
    try {
      const spec = str(a, 'data', run.dataSource);
      const ds = await loadImages(spec, 'reconstruct');
      checkShape(ds, run.data.shape, spec);
      const x = pickImages(ds, n, new Rng(seed), run.model.config.binarize);
      const grid = reconstructionGrid(run.model, x, cols);
      try {
        await writeImageGrid(out, grid, { cols, scale });
      } finally {
        tf.dispose([x, grid]);
      }
      console.log(`wrote ${out}`);
    } finally {
      run.dispose();
    }
    return 0;
  },
};
