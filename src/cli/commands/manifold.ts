/** `genlab manifold RUN --out FILE [--scatter FILE]`: the decoded 2-D latent plane, and test encodings. */
import * as tf from '@tensorflow/tfjs-core';
import { parse, str, int } from '../args.js';
import type { OptionSpec } from '../args.js';
import type { Command } from '../command.js';
import { UserError } from '../../util/errors.js';
import { loadVaeRun } from '../../models/vae/run.js';
import { encodeMeans, manifoldGrid } from '../../models/vae/figures.js';
import { checkShape, startBackend, loadImages } from '../../models/vae/cli_common.js';
import { writeImageGrid } from '../../io/image_grid.js';
import { writeScatter } from '../../io/scatter.js';
import { checkOutFile } from '../out_path.js';

const usage = `usage: genlab manifold RUN|pretrained:NAME [--out FILE.png] [--scatter FILE.png] [--size 20] [--data SOURCE] [--n N] [--scale 1] [--backend auto|wasm|cpu|node]

For a run with a 2-D latent:
  --out FILE       decoded means over a size x size grid of z at the Gaussian quantiles
                   z_i = Phi^-1((i + 1/2) / size) (equal prior mass per cell; z2 grows upwards)
  --scatter FILE   encoder means mu(x) of the test images, coloured by label
  --data SOURCE    images for --scatter; default the run's data source (test split); --n caps their number`;

const options: OptionSpec = {
  out: { type: 'string' },
  scatter: { type: 'string' },
  size: { type: 'string' },
  data: { type: 'string' },
  n: { type: 'string' },
  scale: { type: 'string' },
  backend: { type: 'string' },
};

export const command: Command = {
  name: 'manifold',
  summary: 'decoded 2-D latent grid and scatter of test encodings (AE/VAE)',
  usage,
  async run(argv: string[]): Promise<number> {
    const a = parse(argv, options, 'manifold');
    const [dir, ...extra] = a.positionals;
    if (!dir) throw new UserError('manifold: name the run directory');
    if (extra.length) throw new UserError(`manifold: unexpected argument '${extra[0]}'`);
    const out = str(a, 'out');
    const scatter = str(a, 'scatter');
    if (out === undefined && scatter === undefined) throw new UserError('manifold: give --out FILE (latent grid) and/or --scatter FILE (encodings)');
    checkOutFile(out);
    checkOutFile(scatter, '--scatter');
    const size = int(a, 'size', 20, 2)!;
    const scale = int(a, 'scale', 1, 1)!;
    const limit = int(a, 'n', undefined, 1);
    await startBackend(str(a, 'backend'));
    const run = await loadVaeRun(dir, 'manifold');
    try {
      if (run.model.latentDim !== 2) {
        throw new UserError(`manifold: needs a 2-D latent but ${dir} has ${run.model.latentDim}; train with --latent 2`);
      }
      if (run.data.kind !== 'images') throw new UserError(`manifold: ${dir} models 2-D points, not images`);
      if (out !== undefined) {
        const grid = manifoldGrid(run.model, size);
        try {
          await writeImageGrid(out, grid, { cols: size, scale, pad: 1 });
        } finally {
          grid.dispose();
        }
        console.log(`wrote ${out}`);
      }
      if (scatter !== undefined) {
        const spec = str(a, 'data', run.dataSource);
        const ds = await loadImages(spec, 'manifold');
        checkShape(ds, run.data.shape, spec);
        const n = Math.min(ds.n, limit ?? ds.n);
        const per = ds.height * ds.width * ds.channels;
        const x = tf.tensor4d(ds.pixels.subarray(0, n * per), [n, ds.height, ds.width, ds.channels]);
        const mu = encodeMeans(run.model, x);
        x.dispose();
        await writeScatter(scatter, mu, { labels: ds.labels?.subarray(0, n), radius: 2, alpha: 0.6 });
        console.log(`wrote ${scatter}`);
      }
    } finally {
      run.dispose();
    }
    return 0;
  },
};
