/**
 * The DDPM model family: defaults, validation and flags for DdpmModel (model.ts), a denoising
 * network trained with the simple loss of Ho et al. (2020) and sampled with DDPM or DDIM.
 */
import type { ModelFamily, DataShape } from '../../train/types.js';
import type { ParsedArgs } from '../../cli/args.js';
import { str, int, num, choice } from '../../cli/args.js';
import { UserError } from '../../util/errors.js';
import type { BetaScheduleKind } from './schedules.js';
import type { Prediction } from './diffusion.js';
import { defaultUNetConfig } from './unet.js';
import { DdpmModel, type DdpmConfig } from './model.js';
import { sampleOptions, runSample, likelihood } from './cli.js';

export { DdpmModel, type DdpmConfig, type DenoiserConfig } from './model.js';

function defaultsFor(data: DataShape): DdpmConfig {
  const images = data.kind === 'images';
  return {
    network: images
      ? { kind: 'unet', unet: defaultUNetConfig(data.shape[2]) }
      : { kind: 'mlp', mlp: { dim: data.shape[0], hidden: 128, layers: 3, timeEmbedding: 32 } },
    schedule: images ? { kind: 'linear', steps: 1000, betaStart: 1e-4, betaEnd: 0.02 } : { kind: 'linear', steps: 100, betaStart: 1e-3, betaEnd: 0.2 },
    prediction: 'eps',
    variance: 'beta_tilde',
    clipX0: images,
    sampler: images ? { kind: 'ddim', steps: 50, eta: 0, spacing: 'trailing' } : { kind: 'ddpm', steps: 100, eta: 1, spacing: 'leading' },
  };
}

const KNOWN_KEYS: (keyof DdpmConfig)[] = ['network', 'schedule', 'prediction', 'variance', 'clipX0', 'sampler'];

export const ddpmFamily: ModelFamily<DdpmConfig> = {
  name: 'ddpm',
  summary: 'denoising diffusion (Ho et al. 2020) with DDPM and DDIM samplers',
  defaults(data) {
    const images = data.kind === 'images';
    return {
      model: defaultsFor(data),
      training: images
        ? { steps: 6000, batch: 64, optimizers: { model: { kind: 'adam', lr: 5e-4, beta1: 0.9, beta2: 0.999, eps: 1e-8 } }, schedule: { warmupSteps: 200, decay: 'constant', minRatio: 1 }, clipGradNorm: 1, ema: { decay: 0.995 }, sampleEvery: 500, checkpointEvery: 500 }
        : { steps: 3000, batch: 256, optimizers: { model: { kind: 'adam', lr: 1e-3, beta1: 0.9, beta2: 0.999, eps: 1e-8 } }, schedule: { warmupSteps: 100, decay: 'constant', minRatio: 1 }, clipGradNorm: 1, ema: { decay: 0.99 }, sampleEvery: 500, checkpointEvery: 1000 },
    };
  },
  validate(c) {
    const where = 'ddpm config';
    for (const k of Object.keys(c)) if (!(KNOWN_KEYS as string[]).includes(k)) throw new UserError(`${where}: unknown key '${k}' (known: ${KNOWN_KEYS.join(', ')})`);
    if (!['linear', 'cosine', 'sigmoid'].includes(c.schedule.kind)) throw new UserError(`${where}: schedule.kind must be linear|cosine|sigmoid, got '${c.schedule.kind}'`);
    if (!Number.isInteger(c.schedule.steps) || c.schedule.steps < 2) throw new UserError(`${where}: schedule.steps must be an integer >= 2, got ${c.schedule.steps}`);
    if (!['eps', 'x0', 'v'].includes(c.prediction)) throw new UserError(`${where}: prediction must be eps|x0|v, got '${c.prediction}'`);
    if (!['beta', 'beta_tilde'].includes(c.variance)) throw new UserError(`${where}: variance must be beta|beta_tilde, got '${c.variance}'`);
    if (!['ddpm', 'ddim'].includes(c.sampler.kind)) throw new UserError(`${where}: sampler.kind must be ddpm|ddim, got '${c.sampler.kind}'`);
    if (!(c.sampler.eta >= 0) || !Number.isFinite(c.sampler.eta)) throw new UserError(`${where}: sampler.eta must be a number >= 0, got ${c.sampler.eta}`);
    if (c.sampler.kind === 'ddim' && (!Number.isInteger(c.sampler.steps) || c.sampler.steps < 1 || c.sampler.steps > c.schedule.steps)) {
      throw new UserError(`${where}: sampler.steps must be an integer in 1..${c.schedule.steps}, got ${c.sampler.steps}`);
    }
    if (c.network.kind === 'unet') {
      const u = c.network.unet;
      const widths = u.channelMult.map((m) => m * u.baseChannels);
      if (!(u.baseChannels > 0) || widths.some((w) => !Number.isInteger(w) || w % u.groups !== 0)) {
        throw new UserError(`${where}: every level width (${widths.join(', ')}) must be a positive multiple of groups = ${u.groups}`);
      }
      if (!(u.dropout >= 0 && u.dropout < 1)) throw new UserError(`${where}: network.unet.dropout must be in [0, 1), got ${u.dropout}`);
    } else if (!(c.network.mlp.hidden > 0 && c.network.mlp.layers > 0)) {
      throw new UserError(`${where}: network.mlp.hidden and layers must be positive`);
    }
  },
  create(config, data, rng) {
    return new DdpmModel(config, data, rng);
  },
  cliOptions: {
    schedule: { type: 'string' },
    prediction: { type: 'string' },
    'diffusion-steps': { type: 'string' },
    'base-channels': { type: 'string' },
    'channel-mult': { type: 'string' },
    dropout: { type: 'string' },
    sampler: { type: 'string' },
    'sampling-steps': { type: 'string' },
    eta: { type: 'string' },
  },
  fromArgs(a: ParsedArgs, c: DdpmConfig): DdpmConfig {
    const out: DdpmConfig = JSON.parse(JSON.stringify(c));
    out.schedule.kind = choice<BetaScheduleKind>(a, 'schedule', ['linear', 'cosine', 'sigmoid'], out.schedule.kind);
    out.schedule.steps = int(a, 'diffusion-steps', out.schedule.steps, 2)!;
    out.prediction = choice<Prediction>(a, 'prediction', ['eps', 'x0', 'v'], out.prediction);
    out.sampler.kind = choice(a, 'sampler', ['ddpm', 'ddim'] as const, out.sampler.kind);
    out.sampler.steps = int(a, 'sampling-steps', out.sampler.steps, 1)!;
    out.sampler.eta = num(a, 'eta', out.sampler.eta, 0)!;
    if (out.network.kind === 'unet') {
      out.network.unet.baseChannels = int(a, 'base-channels', out.network.unet.baseChannels, 1)!;
      out.network.unet.dropout = num(a, 'dropout', out.network.unet.dropout, 0)!;
      const mult = str(a, 'channel-mult');
      if (mult !== undefined) {
        const m = mult.split(',').map(Number);
        if (m.some((v) => !Number.isInteger(v) || v < 1)) throw new UserError(`--channel-mult must be comma-separated positive integers, got '${mult}'`);
        out.network.unet.channelMult = m;
      }
    }
    return out;
  },
  dataOptions() {
    return { scaling: 'symmetric', binarize: 'none' };
  },
  sampleCli: {
    options: sampleOptions,
    run: (model, args, opts) => runSample(model, args, opts),
  },
  likelihoodMetrics: (model, dataset, opts) => likelihood(model, dataset, opts),
};
