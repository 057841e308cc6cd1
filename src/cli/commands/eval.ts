/** genlab eval: sample quality (FID, KID, precision/recall, IS, modes) and likelihood bounds. */
import type { Command } from '../command.js';
import { parse, str, int, num, flag, choice } from '../args.js';
import { DdpmModel } from '../../models/ddpm/family.js';
import { UserError } from '../../util/errors.js';
import { Rng } from '../../util/rng.js';
import { initBackend } from '../../backend/index.js';
import { loadSampleSet, isModelSpec } from '../../eval/image_sets.js';
import { evaluateSets } from '../../eval/evaluate.js';
import { loadRun } from '../../train/load_run.js';
import { loadSource } from '../../data/index.js';

const LIKELIHOOD = ['elbo', 'iwae', 'nll'];

const usage = `usage: genlab eval <RUN|pretrained:NAME|FITDIR|folder:DIR|SOURCE> [--metric fid,kid,precision,recall,is,classes]
                   [--ref SOURCE[:train|:test]] [--n 10000] [--features RUN] [--seed 0] [--json]
                   [--sampler ddpm|ddim --sampling-steps N --eta E]   (DDPM runs)
                   [--weights ema|live]   a run's EMA weights (default, what sampling uses) or its live weights
  2-D points: --metric mmd,modes,hq.   Likelihood models: --metric elbo,iwae [--k 5000] (VAE), nll [--timesteps 100] (DDPM)
  The feature network defaults to the shipped classifier of the reference's domain (mnist, fashion-mnist).`;

export const command: Command = {
  name: 'eval',
  summary: 'evaluate samples (FID, KID, precision/recall, IS, MMD, modes) or likelihood bounds',
  usage,
  async run(argv) {
    const target = argv[0];
    if (!target || target.startsWith('-')) throw new UserError('genlab eval: name what to evaluate (a run, pretrained:NAME, folder:DIR or a data source)');
    const a = parse(argv.slice(1), {
      metric: { type: 'string' }, ref: { type: 'string' }, n: { type: 'string' }, features: { type: 'string' }, seed: { type: 'string' },
      json: { type: 'boolean' }, k: { type: 'string' }, sampler: { type: 'string' }, 'sampling-steps': { type: 'string' }, eta: { type: 'string' }, timesteps: { type: 'string' }, backend: { type: 'string' }, threads: { type: 'string' },
      weights: { type: 'string' },
    }, 'eval');
    const metrics = (str(a, 'metric') ?? 'fid,kid,precision,recall,is').split(',').map((s) => s.trim()).filter(Boolean);
    const n = int(a, 'n', 10000, 1)!;
    const seed = int(a, 'seed', 0, 0)!;
    const json = flag(a, 'json');
    const weights = { ema: choice(a, 'weights', ['ema', 'live'] as const, 'ema') === 'ema' };
    await initBackend({ backend: choice(a, 'backend', ['auto', 'wasm', 'cpu', 'node'] as const, 'auto'), threads: int(a, 'threads', undefined, 1) });
    const log = (m: string) => process.stderr.write(`\r${m}   `);
    const result: Record<string, unknown> = {};

    const like = metrics.filter((m) => LIKELIHOOD.includes(m));
    const quality = metrics.filter((m) => !LIKELIHOOD.includes(m));
    if (like.length) {
      if (!isModelSpec(target)) throw new UserError(`--metric ${like.join(',')}: needs a trained run, not '${target}'`);
      const run = await loadRun(target, weights);
      if (!run.family.likelihoodMetrics) throw new UserError(`--metric ${like.join(',')}: a '${run.config.model}' model has no likelihood bound`);
      const test = await loadSource(run.config.training.data.replace(/:(train|test)$/, ''), { split: 'test' });
      const k = run.config.model === 'ddpm' ? int(a, 'timesteps', 100, 1)! : int(a, 'k', 5000, 1)!;
      const r = (await run.family.likelihoodMetrics(run.model, test, { k, n: str(a, 'n') ? n : undefined, rng: new Rng(seed), metrics: like })) as Record<string, unknown>;
      Object.assign(result, r);
      run.model.dispose();
    }
    if (quality.length) {
      const t0 = performance.now();
      const gen = await loadSampleSet(target, n, seed, (d) => log(`sampling ${d}/${n}`), (run) => {
        // Diffusion runs: evaluate with a chosen sampler (the DDIM paper's steps-vs-FID table).
        if (run.model instanceof DdpmModel && str(a, 'sampler') !== undefined) {
          const kind = choice(a, 'sampler', ['ddpm', 'ddim'] as const, 'ddim');
          const T = run.model.schedule.T;
          run.model.config.sampler = { ...run.model.config.sampler, kind, steps: kind === 'ddpm' ? T : int(a, 'sampling-steps', 50, 1)!, eta: num(a, 'eta', kind === 'ddpm' ? 1 : 0, 0)! };
          result.sampler = `${kind}-${run.model.config.sampler.steps}${kind === 'ddim' ? `-eta${run.model.config.sampler.eta}` : ''}`;
        }
      }, weights);
      if (isModelSpec(target)) result.weights = weights.ema ? 'ema' : 'live';
      if (isModelSpec(target)) result.sampling_seconds = +((performance.now() - t0) / 1000).toFixed(1);
      const refSpec = str(a, 'ref') ?? (gen.source ? `${gen.source.replace(/:(train|test)$/, '')}:test` : undefined);
      if (!refSpec) throw new UserError('--ref is needed: name the reference data (e.g. mnist:test)');
      const ref = await loadSampleSet(refSpec, n, seed + 1);
      Object.assign(result, await evaluateSets(gen, ref, { metrics: quality, features: str(a, 'features'), seed, log }), { ref: refSpec });
    }
    process.stderr.write('\n');
    if (json) {
      console.log(JSON.stringify(result));
    } else {
      for (const [k, v] of Object.entries(result)) console.log(`${k.padEnd(12)} ${typeof v === 'number' ? +v.toPrecision(6) : JSON.stringify(v)}`);
    }
    return 0;
  },
};
