/** `genlab interpolate RUN --out FILE`: interpolation strips, drawn by the run's family (src/cli/families/). */
import type { Command } from '../command.js';
import { runFigure } from '../figures.js';

const usage = `usage: genlab interpolate RUN|pretrained:NAME --out FILE.png [--data SOURCE] [--steps 10] [--pairs 8] [--mode linear|spherical] [--seed 0] [--scale 2] [--backend auto|wasm|cpu|node]

For each of --pairs random pairs of test images (a, b), one row: a, the decoded latent path
from mu(a) to mu(b) in --steps points (ends included), then b.
  linear:     z(t) = (1 - t) z_a + t z_b
  spherical:  z(t) = [sin((1 - t) theta) z_a + sin(t theta) z_b] / sin(theta), cos(theta) = z_a.z_b / (|z_a||z_b|)
  --data SOURCE   images to interpolate; default the run's data source (test split)
GAN runs interpolate between random latents: --mode both|linear|spherical (default both), --pairs 4, --threads N.
DDPM runs mix two test images encoded to step --t (default 500; a list such as 100,300,500 gives a row per t)
with shared noise, and denoise the mixtures: --pairs 4, --mode linear|spherical.`;

export const command: Command = {
  name: 'interpolate',
  summary: 'interpolations: between test images (AE/VAE latents, DDPM through x_t) or GAN latents',
  usage,
  run: (argv: string[]) => runFigure('interpolate', argv),
};
