/** genlab sample RUN|pretrained:NAME|FITDIR: draw samples from a trained model or a fitted distribution. */
import * as tf from '@tensorflow/tfjs-core';
import { extname } from 'node:path';
import type { Command } from '../command.js';
import { parse, str, int, choice } from '../args.js';
import { UserError } from '../../util/errors.js';
import { Rng } from '../../util/rng.js';
import { initBackend } from '../../backend/index.js';
import { sampleFitDir } from '../../models/fitted/fit.js';
import { runKindOf } from '../../train/run_kind.js';
import { checkOutFile } from '../out_path.js';
import { loadRun, resolveRunPath } from '../../train/load_run.js';
import { readRunConfig } from '../../train/checkpoint.js';
import { writeSamplesPicture } from '../../train/samples.js';
import { familyCli } from '../families/index.js';


const BASE = { n: { type: 'string' }, seed: { type: 'string' }, out: { type: 'string' }, backend: { type: 'string' }, threads: { type: 'string' } } as const;

const usage = `usage: genlab sample RUN|pretrained:NAME|FITDIR [--n 64] [--seed 0] [--out samples.png] [--backend B]
  Images are written as a PNG grid; 2-D points as a scatter PNG, or CSV/JSON by the --out extension.
  DDPM runs also take --sampler ddpm|ddim|dpm++2m|unipc --sampling-steps N (or --steps N) --eta E
  --spacing leading|trailing|linspace --trajectory FILE [--frames 10]: the sampler, by default the run's own
  (DDIM and the ODE solvers: its steps, else 50, eta 0; DDPM: all T steps, eta 1), and the denoising of the
  first 8 samples as a strip (.png) or an animation (.gif, .webp). Class-conditional DDPM runs
  (--condition class) take --class N|all --guidance W (classifier-free guidance, default 0; all: a row per class).`;

export const command: Command = {
  name: 'sample',
  summary: 'sample a trained run, a pretrained model or a fitted distribution',
  usage,
  async run(argv) {
    const target = argv[0];
    if (!target || target.startsWith('-')) throw new UserError('sample: name a run directory, pretrained:NAME or a fit directory');
    const rest = argv.slice(1);
    if (!target.startsWith('pretrained:') && runKindOf(target) === 'fit') {
      const a = parse(rest, { n: BASE.n, seed: BASE.seed, out: BASE.out }, 'sample');
      const out = str(a, 'out', 'samples.png');
      const n = int(a, 'n', 64, 1)!;
      const seed = int(a, 'seed', 0, 0)!;
      checkOutFile(out);
      await sampleFitDir(target, n, seed, out);
      console.log(out);
      return 0;
    }
    const dir = resolveRunPath(target);
    const extras = (await familyCli((await readRunConfig(dir)).model)).sample;
    const a = parse(rest, { ...BASE, ...(extras?.options ?? {}) }, 'sample');
    const n = int(a, 'n', 64, 1)!;
    const seed = int(a, 'seed', 0, 0)!;
    const out = str(a, 'out', 'samples.png');
    checkOutFile(out);
    const ext = extname(out).toLowerCase();
    if (!['.png', '.csv', '.json', '.webp'].includes(ext)) throw new UserError(`--out ${out}: use a .png, .webp, .csv or .json file`);
    extras?.check?.(a);
    await initBackend({ backend: choice(a, 'backend', ['auto', 'wasm', 'cpu', 'node'] as const, 'auto'), threads: int(a, 'threads', undefined, 1) });
    const run = await loadRun(target);
    if ((ext === '.csv' || ext === '.json') && run.data.kind === 'images') {
      run.model.dispose();
      throw new UserError(`--out ${out}: this model makes images; write them as .png or .webp (.csv and .json hold 2-D points)`);
    }
    try {
      if (extras) {
        await extras.run(run.model, a, { n, seed, out });
      } else {
        const s = run.model.sample(n, new Rng(seed));
        try {
          await writeSamplesPicture(out, s);
        } finally {
          tf.dispose(s);
        }
      }
    } finally {
      run.model.dispose();
    }
    console.log(out);
    return 0;
  },
};
