/** genlab eval: sample quality (FID, KID, precision/recall, IS, modes) and likelihood bounds. */
import type { Command } from '../command.js';
import { parse, str, int, flag, choice, type OptionSpec } from '../args.js';
import { allFamilyClis, familyCli, familyList } from '../families/index.js';
import { readRunConfig } from '../../train/checkpoint.js';
import { resolveRunPath } from '../../train/load_run.js';
import { UserError } from '../../util/errors.js';
import { Rng } from '../../util/rng.js';
import { initBackend } from '../../backend/index.js';
import { loadSampleSet, describeSampleSet } from '../../eval/image_sets.js';
import { evaluateSets, IMAGE_METRICS, POINT_METRICS } from '../../eval/evaluate.js';
import { defaultFeatureNet } from '../../eval/features.js';
import { loadRun } from '../../train/load_run.js';
import { loadSource } from '../../data/index.js';
import { ProgressPhases } from '../../util/progress.js';
import { evalTranslation, isTranslationRun, translationUsage } from './eval_translation.js';

const LIKELIHOOD = ['elbo', 'iwae', 'nll'];
const ALL_METRICS = `${IMAGE_METRICS.join(',')} (images), ${POINT_METRICS.join(',')} (2-D points), elbo,iwae (VAE and hierarchical VAE runs), nll (DDPM runs)`;

const usage = `usage: genlab eval <RUN|pretrained:NAME|FITDIR|folder:DIR|SOURCE> [--metric fid,kid,precision,recall,is,classes]
                   [--ref SOURCE[:train|:test]] [--n 10000] [--features RUN] [--seed 0] [--json]
                   [--sampler ddpm|ddim|dpm++2m|unipc --sampling-steps N --eta E]   (DDPM runs; what they leave out as in genlab sample)
                   [--guidance W]   class-conditional DDPM runs: every class in turn, classifier-free guidance W
                   --metric accuracy: share of samples the classifier puts in their asked class (labelled sets: its accuracy)
                   [--weights ema|live]   a run's EMA weights (default, what sampling uses) or its live weights
  2-D points: --metric mmd,modes,hq.   Likelihood models: --metric elbo,iwae [--k 5000] (VAE, hvae: also per-layer KL and active units), nll [--timesteps 100] (DDPM)
  The feature network defaults to the shipped classifier of the reference's domain (mnist, fashion-mnist).
${translationUsage}`;

export const command: Command = {
  name: 'eval',
  summary: 'evaluate samples (FID, KID, precision/recall, IS, MMD, modes) or likelihood bounds',
  usage,
  async run(argv) {
    const target = argv[0];
    if (!target || target.startsWith('-')) throw new UserError('eval: name what to evaluate (a run, pretrained:NAME, folder:DIR or a data source)');
    // Translation runs (cyclegan) have metrics of their own: eval_translation.ts.
    if (await isTranslationRun(target)) return evalTranslation(target, argv.slice(1));
    // The options of how some family's runs are sampled (e.g. DDPM's --sampler) come from the family adapters.
    const sampling = (await allFamilyClis()).filter((c) => c.evalSampling);
    const samplingOptions: OptionSpec = Object.assign({}, ...sampling.map((c) => c.evalSampling!.options));
    const a = parse(argv.slice(1), {
      metric: { type: 'string' }, ref: { type: 'string' }, n: { type: 'string' }, features: { type: 'string' }, seed: { type: 'string' },
      json: { type: 'boolean' }, k: { type: 'string' }, timesteps: { type: 'string' }, backend: { type: 'string' }, threads: { type: 'string' },
      weights: { type: 'string' }, ...samplingOptions,
    }, 'eval');
    if (a.positionals.length) throw new UserError(`eval: unexpected argument '${a.positionals[0]}'`);

    // --- Every option is checked here, before the backend starts or a sample is drawn.
    const metrics = (str(a, 'metric') ?? 'fid,kid,precision,recall,is').split(',').map((s) => s.trim()).filter(Boolean);
    if (!metrics.length) throw new UserError(`--metric: name at least one metric: ${ALL_METRICS}`);
    for (const m of metrics) {
      if (![...IMAGE_METRICS, ...POINT_METRICS, ...LIKELIHOOD].includes(m)) throw new UserError(`--metric ${m}: unknown metric; choose from ${ALL_METRICS}`);
    }
    const n = int(a, 'n', 10000, 1)!;
    const seed = int(a, 'seed', 0, 0)!;
    const json = flag(a, 'json');
    const weights = { ema: choice(a, 'weights', ['ema', 'live'] as const, 'ema') === 'ema' };
    const backend = choice(a, 'backend', ['auto', 'wasm', 'cpu', 'node'] as const, 'auto');
    const threads = int(a, 'threads', undefined, 1);
    const k = int(a, 'k', 5000, 1)!;
    const timesteps = int(a, 'timesteps', 100, 1)!;

    const gen = await describeSampleSet(target, 'eval');
    // Sampling options: those of the target's family, read against its saved config.
    const own = gen.what === 'run' ? (await familyCli(gen.model!)).evalSampling : undefined;
    for (const option of Object.keys(samplingOptions)) {
      if (a.values[option] !== undefined && !(own && option in own.options)) {
        const owners = familyList(sampling.filter((c) => option in c.evalSampling!.options));
        throw new UserError(`--${option} applies to ${owners} runs; ${target} is ${gen.what === 'run' ? `a '${gen.model}' run` : 'not a run'}`);
      }
    }
    const chosenSampling = own ? own.parse(a, await readRunConfig(resolveRunPath(target))) : null;
    const like = metrics.filter((m) => LIKELIHOOD.includes(m));
    const quality = metrics.filter((m) => !LIKELIHOOD.includes(m));
    if (like.length) {
      if (gen.what !== 'run') throw new UserError(`--metric ${like.join(',')}: needs a trained run, not '${target}'`);
      for (const m of like) {
        const wants = m === 'nll' ? ['ddpm'] : ['vae', 'hvae'];
        if (!wants.includes(gen.model!)) throw new UserError(`--metric ${m}: ${m === 'nll' ? 'the diffusion bound' : 'the ELBO/IWAE bounds'} need a ${wants.join(' or ')} run; ${target} is a '${gen.model}' run`);
      }
    }
    let refSpec: string | undefined;
    if (quality.length) {
      const own = gen.kind === 'points' ? POINT_METRICS : IMAGE_METRICS;
      for (const m of quality) {
        if (!(own as readonly string[]).includes(m)) {
          throw new UserError(`--metric ${m}: ${gen.kind === 'points' ? `does not apply to 2-D points (use ${POINT_METRICS.join(',')})` : `applies to 2-D points, but ${target} holds images (use ${IMAGE_METRICS.join(',')})`}`);
        }
      }
      refSpec = str(a, 'ref') ?? `${gen.source.replace(/:(train|test)$/, '')}:test`;
      if (refSpec.trim() === '') throw new UserError('--ref: empty; name the reference data (e.g. mnist:test)');
      const ref = await describeSampleSet(refSpec, '--ref');
      if (ref.kind !== gen.kind) throw new UserError(`--ref ${refSpec}: holds ${ref.kind === 'points' ? '2-D points' : 'images'} but ${target} ${gen.kind === 'points' ? 'holds 2-D points' : 'holds images'}`);
      if (gen.shape && ref.shape && gen.shape.join('x') !== ref.shape.join('x')) throw new UserError(`--ref ${refSpec}: its samples are ${ref.shape.join('x')} but ${target}'s are ${gen.shape.join('x')}`);
      if ((quality.includes('modes') || quality.includes('hq')) && !ref.hasModes) {
        throw new UserError(`--metric modes/hq: needs a reference with known modes (toy:eight-gaussians, toy:twenty-five-gaussians), not '${refSpec}'`);
      }
      if (gen.kind === 'images') {
        const features = str(a, 'features') ?? defaultFeatureNet(ref.source ?? gen.source);
        const net = await describeSampleSet(features, '--features');
        if (net.what !== 'run' || net.model !== 'classifier') throw new UserError(`--features ${features}: not a classifier run (train one with 'genlab train classifier')`);
        if (gen.shape && net.shape && gen.shape.join('x') !== net.shape.join('x')) throw new UserError(`--features ${features}: takes ${net.shape.join('x')} images but ${target}'s are ${gen.shape.join('x')}`);
      }
    } else if (str(a, 'ref') !== undefined || str(a, 'features') !== undefined) {
      throw new UserError(`--ref and --features go with sample-quality metrics; --metric ${metrics.join(',')} uses the run's own test data`);
    }
    // The test split the likelihood bounds need, also before any work.
    const test = like.length ? await loadSource((gen.source).replace(/:(train|test)$/, ''), { split: 'test' }) : null;

    await initBackend({ backend, threads });
    const progress = new ProgressPhases();
    const result: Record<string, unknown> = {};
    try {
      if (like.length) {
        const run = await loadRun(target, weights);
        try {
          const kk = run.config.model === 'ddpm' ? timesteps : k;
          const label = run.config.model === 'ddpm' ? `nll (${kk} timesteps)` : `${like.join(',')} (k = ${kk})`;
          const r = (await run.family.likelihoodMetrics!(run.model, test!, {
            k: kk, n: str(a, 'n') ? n : undefined, rng: new Rng(seed), metrics: like,
            onProgress: (done, total) => progress.update(label, done, total, 'examples'),
          })) as Record<string, unknown>;
          Object.assign(result, r);
        } finally {
          run.model.dispose();
        }
        progress.end();
      }
      if (quality.length && refSpec) {
        // The reference first: anything wrong with it shows before the long sampling.
        const ref = await loadSampleSet(refSpec, n, seed + 1, (d) => progress.update(`sampling the reference ${refSpec}`, d, n, 'samples'));
        const t0 = performance.now();
        if (chosenSampling) result.sampler = chosenSampling.label;
        const set = await loadSampleSet(target, n, seed, (d) => progress.update(`sampling ${target}`, d, n, 'samples'), (run) => chosenSampling?.configure(run.model), weights);
        if (gen.what === 'run') result.weights = weights.ema ? 'ema' : 'live';
        if (gen.what === 'run') result.sampling_seconds = +((performance.now() - t0) / 1000).toFixed(1);
        Object.assign(result, await evaluateSets(set, ref, { metrics: quality, features: str(a, 'features'), seed, onProgress: (label, d, t, unit) => progress.update(label, d, t, unit) }), { ref: refSpec });
      }
    } finally {
      progress.end();
    }
    if (json) {
      console.log(JSON.stringify(result));
    } else {
      for (const [key, v] of Object.entries(result)) console.log(`${key.padEnd(12)} ${typeof v === 'number' ? +v.toPrecision(6) : JSON.stringify(v)}`);
    }
    return 0;
  },
};
