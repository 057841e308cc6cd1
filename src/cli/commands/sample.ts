/** genlab sample RUN|pretrained:NAME|FITDIR: draw samples from a trained model or a fitted distribution. */
import * as tf from '@tensorflow/tfjs-core';
import { extname } from 'node:path';
import type { Command } from '../command.js';
import { parse, str, int, choice } from '../args.js';
import { UserError } from '../../util/errors.js';
import { Rng } from '../../util/rng.js';
import { initBackend } from '../../backend/index.js';
import { isFitDir, sampleFitDir } from '../../models/fitted/fit.js';
import { loadRun, resolveRunPath } from '../../train/load_run.js';
import { readRunConfig } from '../../train/checkpoint.js';
import { getFamily } from '../../models/registry.js';
import { writeSamplesPicture } from '../../train/samples.js';
import { writeFileAtomic } from '../../io/atomic.js';

const BASE = { n: { type: 'string' }, seed: { type: 'string' }, out: { type: 'string' }, backend: { type: 'string' }, threads: { type: 'string' } } as const;

const usage = `usage: genlab sample RUN|pretrained:NAME|FITDIR [--n 64] [--seed 0] [--out samples.png] [--backend B]
  Images are written as a PNG grid; 2-D points as a scatter PNG, or CSV/JSON by the --out extension.
  DDPM runs also take --sampler ddpm|ddim --steps N --eta E --trajectory FILE (see the README).`;

export async function writePointsFile(out: string, pts: Float32Array, d: number): Promise<void> {
  const n = pts.length / d;
  if (out.endsWith('.csv')) {
    const lines = [Array.from({ length: d }, (_, j) => `x${j}`).join(',')];
    for (let i = 0; i < n; i++) lines.push(Array.from(pts.subarray(i * d, (i + 1) * d)).join(','));
    await writeFileAtomic(out, lines.join('\n') + '\n');
  } else {
    await writeFileAtomic(out, JSON.stringify({ samples: Array.from({ length: n }, (_, i) => Array.from(pts.subarray(i * d, (i + 1) * d))) }) + '\n');
  }
}

export const command: Command = {
  name: 'sample',
  summary: 'sample a trained run, a pretrained model or a fitted distribution',
  usage,
  async run(argv) {
    const target = argv[0];
    if (!target || target.startsWith('-')) throw new UserError('genlab sample: name a run directory, pretrained:NAME or a fit directory');
    const rest = argv.slice(1);
    if (!target.startsWith('pretrained:') && (await isFitDir(target))) {
      const a = parse(rest, { n: BASE.n, seed: BASE.seed, out: BASE.out }, 'sample');
      const out = str(a, 'out', 'samples.png');
      await sampleFitDir(target, int(a, 'n', 64, 1)!, int(a, 'seed', 0, 0)!, out);
      console.log(out);
      return 0;
    }
    const dir = resolveRunPath(target);
    const family = await getFamily((await readRunConfig(dir)).model);
    const a = parse(rest, { ...BASE, ...(family.sampleCli?.options ?? {}) }, 'sample');
    const n = int(a, 'n', 64, 1)!;
    const seed = int(a, 'seed', 0, 0)!;
    const out = str(a, 'out', 'samples.png');
    const ext = extname(out).toLowerCase();
    if (!['.png', '.csv', '.json', '.webp'].includes(ext)) throw new UserError(`--out ${out}: use a .png, .webp, .csv or .json file`);
    await initBackend({ backend: choice(a, 'backend', ['auto', 'wasm', 'cpu', 'node'] as const, 'auto'), threads: int(a, 'threads', undefined, 1) });
    const run = await loadRun(target);
    try {
      if (family.sampleCli) {
        await family.sampleCli.run(run.model, a, { n, seed, out });
      } else {
        const s = run.model.sample(n, new Rng(seed));
        if (s.rank === 2 && (ext === '.csv' || ext === '.json')) await writePointsFile(out, (await s.data()) as Float32Array, s.shape[1]!);
        else await writeSamplesPicture(out, s);
        tf.dispose(s);
      }
    } finally {
      run.model.dispose();
    }
    console.log(out);
    return 0;
  },
};
