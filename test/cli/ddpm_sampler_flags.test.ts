/** DDPM's sampler options of genlab sample and eval: one reading and one set of defaults for both. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parse } from '../../src/cli/args.js';
import { resolveSampler, samplerChoice, samplerLabel, SAMPLER_OPTIONS } from '../../src/cli/families/ddpm_sampler_flags.js';
import { ddpmCli } from '../../src/cli/families/ddpm.js';
import { ddpmFamily } from '../../src/models/ddpm/family.js';
import type { DdpmConfig } from '../../src/models/ddpm/config.js';
import type { RunConfig } from '../../src/train/types.js';

const images = ddpmFamily.defaults({ kind: 'images', shape: [28, 28, 1], numClasses: 10 }, 'mnist').model; // DDIM-50, T = 1000
const points = ddpmFamily.defaults({ kind: 'points', shape: [2], numClasses: null }, 'toy:two-moons').model; // DDPM, T = 100
const sampleArgs = (...argv: string[]) => parse(argv, { ...SAMPLER_OPTIONS, steps: { type: 'string' } }, 'sample');
const resolve = (config: DdpmConfig, ...argv: string[]) => resolveSampler(config, samplerChoice(sampleArgs(...argv), true));

test("what the flags leave out: the run's sampler, DDIM's steps (else 50) with eta 0, DDPM's T with eta 1", () => {
  assert.deepEqual(resolve(images), { kind: 'ddim', steps: 50, eta: 0, spacing: 'trailing' });
  assert.deepEqual(resolve(images, '--sampling-steps', '20'), { kind: 'ddim', steps: 20, eta: 0, spacing: 'trailing' });
  assert.deepEqual(resolve(images, '--steps', '20'), resolve(images, '--sampling-steps', '20'), '--steps is the same option on sample');
  assert.deepEqual(resolve(images, '--sampler', 'ddpm'), { kind: 'ddpm', steps: 1000, eta: 1, spacing: 'trailing' });
  assert.deepEqual(resolve(points), { kind: 'ddpm', steps: 100, eta: 1, spacing: 'leading' });
  assert.deepEqual(resolve(points, '--sampler', 'ddim', '--eta', '0.5'), { kind: 'ddim', steps: 50, eta: 0.5, spacing: 'leading' });
  assert.equal(samplerLabel(resolve(images, '--steps', '10')), 'ddim-10-eta0');
  assert.equal(samplerLabel(resolve(points)), 'ddpm-100');
});

test('bad sampler options: the train flags\' messages, naming the flag as written', () => {
  assert.throws(() => resolve(images, '--sampling-steps', '0'), { message: '--sampling-steps must be at least 1, got 0' });
  assert.throws(() => resolve(images, '--steps', '0'), { message: '--steps must be at least 1, got 0' });
  assert.throws(() => resolve(images, '--steps', '5000'), { message: '--steps must be at most T = 1000, got 5000' });
  assert.throws(() => resolve(images, '--sampler', 'ddpm', '--sampling-steps', '10'), { message: '--sampling-steps: the DDPM sampler visits all T = 1000 steps; use --sampler ddim (or dpm++2m, unipc) for fewer' });
  assert.throws(() => resolve(images, '--sampler', 'euler'), { message: "--sampler must be one of ddpm|ddim|dpm++2m|unipc, got 'euler'" });
  assert.throws(() => resolve(images, '--eta', '-1'), { message: '--eta must be at least 0, got -1' });
  assert.throws(() => resolve(images, '--steps', '5', '--sampling-steps', '5'), /not both/);
});

test('eval reads the same options against the saved run, and needs --sampler to change the sampler', () => {
  const run = { genlab: 'test', model: 'ddpm', training: {}, modelConfig: images } as unknown as RunConfig;
  const evalArgs = (...argv: string[]) => parse(argv, ddpmCli.evalSampling!.options, 'eval');
  assert.equal(ddpmCli.evalSampling!.parse(evalArgs(), run), null);
  assert.throws(() => ddpmCli.evalSampling!.parse(evalArgs('--eta', '0.5'), run), { message: '--sampling-steps, --eta and --spacing go with --sampler ddpm|ddim|dpm++2m|unipc' });
  assert.equal(ddpmCli.evalSampling!.parse(evalArgs('--sampler', 'ddim', '--sampling-steps', '20'), run)!.label, 'ddim-20-eta0');
  assert.throws(() => ddpmCli.evalSampling!.parse(evalArgs('--sampler', 'ddim', '--sampling-steps', '2000'), run), { message: '--sampling-steps must be at most T = 1000, got 2000' });
  assert.throws(() => evalArgs('--steps', '20'), /Unknown option '--steps'/, 'the old name is kept on sample only');
});
