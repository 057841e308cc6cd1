/** The ae/vae families' defaults, and their CLI options (src/cli/families/vae.ts) through the shared argument parser. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parse } from '../../../src/cli/args.js';
import { aeCli, vaeCli } from '../../../src/cli/families/vae.js';
import { aeFamily, vaeFamily } from '../../../src/models/vae/index.js';
import type { VaeConfig } from '../../../src/models/vae/config.js';
import type { DataShape } from '../../../src/train/types.js';
import { UserError } from '../../../src/util/errors.js';
import { Rng } from '../../../src/util/rng.js';

const mnist: DataShape = { kind: 'images', shape: [28, 28, 1], numClasses: 10 };
const moons: DataShape = { kind: 'points', shape: [2], numClasses: 2 };

function vae(args: string[], data = mnist): VaeConfig {
  const c = vaeCli.train.apply(parse(args, vaeCli.train.options, 'train vae'), vaeFamily.defaults(data, 'mnist').model);
  vaeFamily.validate(c);
  return c;
}

function ae(args: string[]): VaeConfig {
  const c = aeCli.train.apply(parse(args, aeCli.train.options, 'train ae'), aeFamily.defaults(mnist, 'mnist').model);
  aeFamily.validate(c);
  return c;
}

test('defaults: Bernoulli 784-512-512-(2x32) with dynamic binarisation on mnist; Gaussian learned-variance MLP on points', () => {
  const d = vaeFamily.defaults(mnist, 'mnist');
  assert.deepEqual([d.model.arch, d.model.hidden, d.model.latent, d.model.decoder, d.model.binarize], ['mlp', [512, 512], 32, 'bernoulli', 'dynamic']);
  assert.equal(d.training.epochs, 30);
  assert.deepEqual(vaeFamily.dataOptions(d.model), { scaling: 'unit', binarize: 'dynamic' });
  const p = vaeFamily.defaults(moons, 'toy:two-moons').model;
  assert.deepEqual([p.decoder, p.decoderVariance, p.latent, p.binarize], ['gaussian', 'learned', 2, 'none']);
  assert.equal(aeFamily.defaults(mnist, 'mnist').model.binarize, 'none');
  assert.equal(vaeFamily.defaults(mnist, 'fashion-mnist:train').training.epochs, 4);
});

test('vae options map onto the config', () => {
  assert.deepEqual(vae(['--arch', 'iwae']).hidden, [200, 200]);
  const iw = vae(['--arch', 'iwae', '--latent', '20']);
  assert.deepEqual([iw.arch, iw.activation, iw.latent], ['mlp', 'tanh', 20]);
  const g = vae(['--decoder', 'gaussian']);
  assert.deepEqual([g.decoder, g.binarize, g.decoderVariance], ['gaussian', 'none', 'fixed']);
  assert.equal(vae(['--decoder', 'gaussian', '--binarize', 'dynamic']).binarize, 'dynamic');
  assert.equal(vae(['--decoder', 'gaussian', '--decoder-variance', 'learned']).decoderVariance, 'learned');
  const b = vae(['--beta', '0.5', '--kl-warmup', '1000', '--hidden', '300,100', '--arch', 'conv', '--channels', '16,32']);
  assert.deepEqual([b.beta, b.klWarmupSteps, b.hidden, b.arch, b.channels], [0.5, 1000, [300, 100], 'conv', [16, 32]]);
  assert.equal(vae(['--decoder-std', '0.1', '--decoder', 'gaussian']).decoderStd, 0.1);
});

test('ae options: --loss bce|mse picks the decoder', () => {
  assert.equal(ae([]).decoder, 'bernoulli');
  const m = ae(['--loss', 'mse']);
  assert.deepEqual([m.decoder, m.binarize, m.kind], ['gaussian', 'none', 'ae']);
  assert.throws(() => ae(['--loss', 'bce', '--decoder', 'gaussian']), /not both/);
  assert.throws(() => parse(['--beta', '1'], aeCli.train.options, 'train ae'), UserError);
});

test('bad options are one-line UserErrors naming the option', () => {
  const cases: [string[], RegExp][] = [
    [['--latent', '0'], /--latent/],
    [['--hidden', '10,x'], /--hidden/],
    [['--arch', 'resnet'], /--arch/],
    [['--decoder-variance', 'learned'], /learned/], // with the Bernoulli decoder
    [['--beta', '-1'], /--beta/],
    [['--decoder-std', '0', '--decoder', 'gaussian'], /--decoder-std/],
    [['--kl-warmup', '1.5'], /--kl-warmup/],
  ];
  for (const [args, re] of cases) {
    assert.throws(() => vae(args), (e: unknown) => e instanceof UserError && re.test(e.message) && !e.message.includes('\n'), args.join(' '));
  }
  assert.throws(() => vaeFamily.validate({ ...vaeFamily.defaults(mnist, 'mnist').model, kind: 'ae' }), /kind/);
  assert.throws(() => vaeFamily.create({ ...vaeFamily.defaults(moons, 'toy:two-moons').model, decoder: 'bernoulli', decoderVariance: 'fixed' }, moons, new Rng(0)), /bernoulli needs image data/);
});
