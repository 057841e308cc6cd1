/** `genlab manifold RUN --out FILE [--scatter FILE]`: the decoded 2-D latent plane, and test encodings. */
import type { Command } from '../command.js';
import { runFigure } from '../figures.js';

const usage = `usage: genlab manifold RUN|pretrained:NAME [--out FILE.png] [--scatter FILE.png] [--size 20] [--data SOURCE] [--n N] [--scale 1] [--backend auto|wasm|cpu|node]

For a run with a 2-D latent:
  --out FILE       decoded means over a size x size grid of z at the Gaussian quantiles
                   z_i = Phi^-1((i + 1/2) / size) (equal prior mass per cell; z2 grows upwards)
  --scatter FILE   encoder means mu(x) of the test images, coloured by label
  --data SOURCE    images for --scatter; default the run's data source (test split); --n caps their number`;

export const command: Command = {
  name: 'manifold',
  summary: 'decoded 2-D latent grid and scatter of test encodings (AE/VAE)',
  usage,
  run: (argv: string[]) => runFigure('manifold', argv),
};
