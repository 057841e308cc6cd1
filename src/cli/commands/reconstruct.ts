/** `genlab reconstruct RUN --out FILE`: test images above their autoencoder / VAE reconstructions. */
import type { Command } from '../command.js';
import { runFigure } from '../figures.js';

const usage = `usage: genlab reconstruct RUN|pretrained:NAME --out FILE.png [--data SOURCE] [--n 16] [--cols 8] [--seed 0] [--scale 2] [--backend auto|wasm|cpu|node]

Writes n random test images (rows of --cols) each above its reconstruction
x_hat = E[x | z = mu(x)] by the run's autoencoder or VAE.
  --data SOURCE   images to reconstruct; default the run's data source (test split)`;

export const command: Command = {
  name: 'reconstruct',
  summary: 'test images above their AE/VAE reconstructions',
  usage,
  run: (argv: string[]) => runFigure('reconstruct', argv),
};
