/** The DDPM config declaration: the defaults it gives, and validation of every key (nested ones included). */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ddpmFamily } from '../../../src/models/ddpm/family.js';
import type { DdpmConfig } from '../../../src/models/ddpm/config.js';
import type { DataShape } from '../../../src/train/types.js';
import { UserError } from '../../../src/util/errors.js';

const mnist: DataShape = { kind: 'images', shape: [28, 28, 1], numClasses: 10 };
const points: DataShape = { kind: 'points', shape: [2], numClasses: null };

test('defaults: U-Net, v prediction, 1000 cosine steps and DDIM-50 for images; an MLP, eps, 100 linear steps and DDPM for points', () => {
  assert.deepEqual(ddpmFamily.defaults(mnist, 'mnist').model, {
    network: { kind: 'unet', unet: { channels: 1, baseChannels: 16, channelMult: [1, 2, 2], blocksPerLevel: 1, attentionResolutions: [7, 8], dropout: 0.1, groups: 8 } },
    schedule: { kind: 'cosine', steps: 1000, betaStart: 1e-4, betaEnd: 0.02 },
    prediction: 'v',
    variance: 'beta_tilde',
    clipX0: true,
    sampler: { kind: 'ddim', steps: 50, eta: 0, spacing: 'trailing' },
    lossWeight: 'none',
    snrGamma: 5,
    condition: 'none',
    labelDropout: 0.1,
  });
  assert.deepEqual(ddpmFamily.defaults(points, 'toy:two-moons').model, {
    network: { kind: 'mlp', mlp: { dim: 2, hidden: 128, layers: 3, timeEmbedding: 32 } },
    schedule: { kind: 'linear', steps: 100, betaStart: 1e-3, betaEnd: 0.2 },
    prediction: 'eps',
    variance: 'beta_tilde',
    clipX0: false,
    sampler: { kind: 'ddpm', steps: 100, eta: 1, spacing: 'leading' },
    lossWeight: 'none',
    snrGamma: 5,
    condition: 'none',
    labelDropout: 0.1,
  });
  const shipped = JSON.parse(readFileSync(join(import.meta.dirname, '..', '..', '..', 'pretrained', 'ddpm-mnist', 'config.json'), 'utf8'));
  ddpmFamily.validate(shipped.modelConfig);
});

test('validation names every bad key, the nested ones the old check skipped included', () => {
  const good = () => ddpmFamily.defaults(mnist, 'mnist').model as DdpmConfig & { network: { kind: 'unet' } };
  const cases: [(c: ReturnType<typeof good>) => void, string][] = [
    [(c) => ((c.sampler as { spacing: string }).spacing = 'middle'), 'x.json: modelConfig.sampler.spacing must be leading|trailing|linspace, got "middle"'],
    [(c) => (c.network.unet.attentionResolutions = [0]), 'x.json: modelConfig.network.unet.attentionResolutions must be a list of positive integers, got [0]'],
    [(c) => (c.network.unet.blocksPerLevel = 0), 'x.json: modelConfig.network.unet.blocksPerLevel must be a positive integer, got 0'],
    [(c) => (c.network.unet.groups = 5), 'x.json: modelConfig.network.unet.groups must divide every level width (16, 32, 32), got 5'],
    [(c) => (c.network.unet.dropout = 1), 'x.json: modelConfig.network.unet.dropout must be in [0, 1), got 1'],
    [(c) => (c.sampler.steps = 2000), 'x.json: modelConfig.sampler.steps must be at most schedule.steps = 1000 with the ddim sampler, got 2000'],
    [(c) => (c.schedule.steps = 1), 'x.json: modelConfig.schedule.steps must be an integer >= 2, got 1'],
    [(c) => ((c.schedule as { betaEnd: number }).betaEnd = 2), 'x.json: modelConfig.schedule.betaEnd must be in (0, 1), got 2'],
    [(c) => ((c as { prediction: string }).prediction = 'score'), 'x.json: modelConfig.prediction must be eps|x0|v, got "score"'],
    [(c) => ((c as unknown as Record<string, unknown>).sampling = {}), 'x.json: modelConfig.sampling is not a known key (network, schedule, prediction, variance, clipX0, sampler, lossWeight, snrGamma, condition, labelDropout), got {}'],
  ];
  for (const [patch, message] of cases) {
    const c = good();
    patch(c);
    assert.throws(() => ddpmFamily.validate(c, 'x.json'), (e: unknown) => e instanceof UserError && e.message === message, message);
  }
  // The DDPM sampler visits all T steps whatever sampler.steps says (as the defaults for points have it).
  ddpmFamily.validate({ ...good(), sampler: { kind: 'ddpm', steps: 5000, eta: 1, spacing: 'leading' } });
});
