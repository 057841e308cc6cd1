/** The config declaration helper: defaults, validation messages per kind, flags, help. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  applyFlags, bool, flagField, flagsOf, formatHelp, helpRows, int, intList, nullable, num, object, oneOf, optional, record, str, union,
  type Infer, type Same,
} from '../../src/config/schema.js';
import { UserError } from '../../src/util/errors.js';

interface Ctx {
  images: boolean;
}

const optimizer = object({ kind: oneOf(['adam', 'sgd']), lr: num({ gt: 0, flag: 'lr', doc: 'learning rate' }), beta1: optional(num({ min: 0, lt: 1 })) });

const schema = object(
  {
    name: str({ default: 'mnist', flag: 'data', arg: 'SOURCE', doc: 'the data' }),
    latent: int({ min: 1, default: (c: Ctx) => (c.images ? 32 : 2), flag: 'latent', doc: 'dimension of z' }),
    epochs: nullable(int({ min: 1 }), { default: null, flag: 'epochs', doc: 'passes' }),
    clip: nullable(num({ gt: 0 }), { default: null, off: true, flag: 'clip', doc: 'gradient clip' }),
    ema: nullable(object({ decay: num({ gt: 0, lt: 1 }) }), {
      default: { decay: 0.9 }, off: true, flag: 'ema', arg: 'DECAY|off', doc: 'EMA decay',
      must: 'must be null or {"decay": d} with 0 < d < 1', oneMessage: true,
      fromFlag: (t) => ({ decay: Number(t) }), toFlag: (v) => String(v.decay), flagWhat: 'a decay in (0, 1)',
    }),
    hidden: intList({ default: [8, 8], flag: 'hidden', doc: 'widths' }),
    act: oneOf(['relu', 'tanh'], { default: 'relu', flag: 'act', doc: 'activation' }),
    clipX0: bool({ default: (c: Ctx) => c.images }),
    rate: num({ min: 0, lt: 1, default: 0.1, flag: 'rate', doc: 'dropout' }),
    optimizers: record(optimizer, { nonEmpty: true, must: 'must map groups to optimizers', default: { g: { kind: 'adam', lr: 1e-3 }, d: { kind: 'sgd', lr: 1e-3 } } }),
    net: union('kind', { a: { a: object({ width: int({ min: 1, default: 4, flag: 'width', doc: 'a: width' }) }) }, b: { b: object({ depth: int({ min: 1, default: 2 }) }) } }, {
      tagDefault: (c: Ctx) => (c.images ? 'a' : 'b'),
    }),
  },
  { refine: (c) => (c.act === 'tanh' && c.latent > 16 ? { key: 'latent', must: 'must be at most 16 with tanh' } : null) },
);
type Config = Infer<typeof schema>;

// The inferred type is the declared one: optional keys optional, unions tagged.
const typeChecks: [
  Same<Config['epochs'], number | null>,
  Same<Config['act'], 'relu' | 'tanh'>,
  Same<Config['optimizers'][string]['beta1'], number | undefined>,
  Same<Config['net'], { kind: 'a'; a: { width: number } } | { kind: 'b'; b: { depth: number } }>,
] = [true, true, true, true];
void typeChecks;

const images = (): Config => schema.defaults({ images: true });

function rejects(patch: (c: Record<string, unknown>) => void, message: string): void {
  const c = images() as unknown as Record<string, unknown>;
  patch(c);
  assert.throws(() => schema.validate(c, 'my.json', 'modelConfig'), (e: unknown) => e instanceof UserError && e.message === message, message);
}

test('defaults: declaration order, functions of the context, optional keys left out, unions by their tag', () => {
  assert.deepEqual(images(), {
    name: 'mnist', latent: 32, epochs: null, clip: null, ema: { decay: 0.9 }, hidden: [8, 8], act: 'relu', clipX0: true, rate: 0.1,
    optimizers: { g: { kind: 'adam', lr: 1e-3 }, d: { kind: 'sgd', lr: 1e-3 } }, net: { kind: 'a', a: { width: 4 } },
  });
  const points = schema.defaults({ images: false });
  assert.deepEqual([points.latent, points.clipX0, points.net], [2, false, { kind: 'b', b: { depth: 2 } }]);
  assert.deepEqual(Object.keys(images()), Object.keys(schema.shape), 'keys in declaration order (the order config.json keeps)');
  const a = images();
  a.hidden.push(1);
  assert.deepEqual(images().hidden, [8, 8], 'each call returns fresh copies');
  schema.validate(images(), 'defaults');
  schema.validate(points, 'defaults');
});

test('validation: one line per kind, `${where}: ${key} must be ..., got ${JSON}`', () => {
  rejects((c) => (c.latent = 0), 'my.json: modelConfig.latent must be a positive integer, got 0');
  rejects((c) => (c.latent = 2.5), 'my.json: modelConfig.latent must be a positive integer, got 2.5');
  rejects((c) => (c.epochs = 0), 'my.json: modelConfig.epochs must be a positive integer or null, got 0');
  rejects((c) => (c.clip = -1), 'my.json: modelConfig.clip must be a positive number or null, got -1');
  rejects((c) => (c.ema = { decay: 1.5 }), 'my.json: modelConfig.ema must be null or {"decay": d} with 0 < d < 1, got {"decay":1.5}');
  rejects((c) => (c.ema = { decay: 0.5, x: 1 }), 'my.json: modelConfig.ema must be null or {"decay": d} with 0 < d < 1, got {"decay":0.5,"x":1}');
  rejects((c) => (c.hidden = []), 'my.json: modelConfig.hidden must be a non-empty list of positive integers, got []');
  rejects((c) => (c.hidden = [1, 0]), 'my.json: modelConfig.hidden must be a non-empty list of positive integers, got [1,0]');
  rejects((c) => (c.act = 'gelu'), 'my.json: modelConfig.act must be relu|tanh, got "gelu"');
  rejects((c) => (c.clipX0 = 1), 'my.json: modelConfig.clipX0 must be true or false, got 1');
  rejects((c) => (c.name = ''), 'my.json: modelConfig.name must be a non-empty string, got ""');
  rejects((c) => (c.rate = 1), 'my.json: modelConfig.rate must be in [0, 1), got 1');
  rejects((c) => (c.rate = Number.NaN), 'my.json: modelConfig.rate must be in [0, 1), got null');
  rejects((c) => (c.optimizers = {}), 'my.json: modelConfig.optimizers must map groups to optimizers, got {}');
  rejects((c) => ((c.optimizers as Record<string, Record<string, unknown>>).g.lr = 'fast'), 'my.json: modelConfig.optimizers.g.lr must be a positive number, got "fast"');
  rejects((c) => ((c.optimizers as Record<string, Record<string, unknown>>).d.beta1 = 1), 'my.json: modelConfig.optimizers.d.beta1 must be in [0, 1), got 1');
  rejects((c) => ((c.optimizers as Record<string, Record<string, unknown>>).d.momentum = 1), 'my.json: modelConfig.optimizers.d.momentum is not a known key (kind, lr, beta1), got 1');
  rejects((c) => (c.lerning_rate = 1), 'my.json: modelConfig.lerning_rate is not a known key (name, latent, epochs, clip, ema, hidden, act, clipX0, rate, optimizers, net), got 1');
  rejects((c) => delete c.rate, 'my.json: modelConfig.rate is missing (it must be in [0, 1))');
  rejects((c) => (c.net = 'a'), 'my.json: modelConfig.net must be an object, got "a"');
  rejects((c) => (c.net = { kind: 'c' }), 'my.json: modelConfig.net.kind must be a|b, got "c"');
  rejects((c) => (c.net = { kind: 'b', a: { width: 4 } }), 'my.json: modelConfig.net.a is not a known key (kind, b), got {"width":4}');
  rejects((c) => (c.net = { kind: 'a', a: { width: 0 } }), 'my.json: modelConfig.net.a.width must be a positive integer, got 0');
  rejects((c) => ((c.act = 'tanh'), (c.latent = 20)), 'my.json: modelConfig.latent must be at most 16 with tanh, got 20');
  assert.throws(() => schema.validate([], 'config', 'training'), { message: 'config: training must be an object, got []' });
});

test('flags: each kind parses its text with the flag\'s own message', () => {
  const parse = (flag: string, text: string) => flagField(schema, flag).parseFlag(text, flag);
  assert.equal(parse('latent', '16'), 16);
  assert.throws(() => parse('latent', '1.5'), { message: "--latent must be a whole number, got '1.5'" });
  assert.throws(() => parse('latent', '0'), { message: '--latent must be at least 1, got 0' });
  assert.equal(parse('lr', '0.1'), 0.1);
  assert.throws(() => parse('lr', 'NaN'), { message: "--lr must be a finite number, got 'NaN'" });
  assert.throws(() => parse('lr', '-1'), { message: '--lr must be positive, got -1' });
  assert.throws(() => parse('rate', '1'), { message: '--rate must be below 1, got 1' });
  assert.throws(() => parse('rate', '-0.5'), { message: '--rate must be at least 0, got -0.5' });
  assert.throws(() => parse('act', 'gelu'), { message: "--act must be one of relu|tanh, got 'gelu'" });
  assert.deepEqual(parse('hidden', '16, 32'), [16, 32]);
  assert.throws(() => parse('hidden', '16,x'), { message: "--hidden must be comma-separated positive whole numbers, got '16,x'" });
  assert.equal(parse('clip', 'off'), null);
  assert.equal(parse('clip', '2'), 2);
  assert.throws(() => parse('clip', '0'), { message: "--clip must be a positive number or 'off', got '0'" });
  assert.deepEqual(parse('ema', '0.99'), { decay: 0.99 });
  assert.equal(parse('ema', 'off'), null);
  assert.throws(() => parse('ema', '2'), { message: "--ema must be a decay in (0, 1) or 'off', got '2'" });
  assert.equal(parse('epochs', '3'), 3);
  assert.throws(() => parse('epochs', 'off'), { message: "--epochs must be a whole number, got 'off'" }, 'off only where declared');
  assert.throws(() => flagField(schema, 'nope'), /no field has --nope/);
});

test('applyFlags writes each given flag at its path: every record entry, only the matching union variant', () => {
  assert.deepEqual(flagsOf(schema).map((s) => s.flag), ['data', 'latent', 'epochs', 'clip', 'ema', 'hidden', 'act', 'rate', 'lr', 'width']);
  const base = images();
  const c = applyFlags(schema, { latent: '4', lr: '0.5', width: '9', ema: 'off' }, base);
  assert.deepEqual([c.latent, c.optimizers.g.lr, c.optimizers.d.lr, c.ema], [4, 0.5, 0.5, null]);
  assert.deepEqual(c.net, { kind: 'a', a: { width: 9 } });
  assert.equal(base.latent, 32, 'the input is not changed');
  const points = applyFlags(schema, { width: '9' }, schema.defaults({ images: false }));
  assert.deepEqual(points.net, { kind: 'b', b: { depth: 2 } }, 'a flag of another variant leaves the config alone');
  assert.throws(() => applyFlags(schema, { width: 'x' }, schema.defaults({ images: false })), /--width must be a whole number/, 'but its text is still checked');
  const twice = object({ a: int({ flag: 'x' }), b: int({ flag: 'x' }) });
  assert.throws(() => flagsOf(twice), /two fields claim --x/);
});

test('help rows: every flag with its doc and default, the alternative where it differs', () => {
  const rows = helpRows(schema, images(), schema.defaults({ images: false }));
  const by = Object.fromEntries(rows.map((r) => [r.usage.split(' ')[0], r]));
  assert.deepEqual(by['--latent'], { usage: '--latent N', doc: 'dimension of z', default: '32', alternative: '2' });
  assert.deepEqual([by['--data'].usage, by['--data'].alternative], ['--data SOURCE', undefined]);
  assert.deepEqual([by['--clip'].usage, by['--clip'].default], ['--clip X|off', 'off']);
  assert.deepEqual([by['--ema'].usage, by['--ema'].default], ['--ema DECAY|off', '0.9']);
  assert.deepEqual([by['--epochs'].default, by['--hidden'].default, by['--act'].usage, by['--lr'].default], ['none', '8,8', '--act relu|tanh', '0.001']);
  assert.deepEqual([by['--width'].default, by['--width'].alternative], ['4', 'does not apply']);
  const text = formatHelp(rows, '2-D points');
  assert.match(text, /^ {2}--latent N +dimension of z \(default 32; 2-D points: 2\)$/m);
  assert.match(text, /^ {2}--rate X +dropout \(default 0\.1\)$/m);
  assert.equal(text.split('\n').length, rows.length);
  assert.deepEqual(helpRows(schema, images(), undefined, ['lr']).map((r) => r.usage.split(' ')[0]).includes('--lr'), false);
});
