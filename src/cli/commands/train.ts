/**
 * genlab train <model>: every family through the one training loop. The shared training flags
 * come from the training declaration (../training_flags.ts), the family's from its adapter
 * (../families/), and `genlab train <model> --help` lists both with their defaults and docs.
 */
import { readFile } from 'node:fs/promises';
import type { Command } from '../command.js';
import { parse, str, int, flag, choice, type OptionSpec } from '../args.js';
import { UserError } from '../../util/errors.js';
import { getFamily, availableFamilies } from '../../models/registry.js';
import { initBackend, describeBackend } from '../../backend/index.js';
import { DEFAULT_TRAINING, deepMerge, validateTraining, completeOptimizers, isPlainObject, parseAllowChange, type ResumeChange } from '../../train/config.js';
import { train, NanLossError } from '../../train/loop.js';
import { loadSource } from '../../data/index.js';
import { dataShapeOf } from '../../train/data_shape.js';
import { readRunConfig } from '../../train/checkpoint.js';
import type { DataShape, DefaultsHints, ModelFamily, RunConfig, TrainingConfig } from '../../train/types.js';
import { formatHelp, type HelpRow } from '../../config/schema.js';
import { checkRunOut } from '../out_path.js';
import { makeDirs } from '../../io/atomic.js';
import { mergeOptions } from '../config_flags.js';
import { trainingFromArgs, trainingHelp, trainingOptions } from '../training_flags.js';
import { familyCli } from '../families/index.js';

/** Options of the run itself, not of its config. */
const RUN_OPTIONS: OptionSpec = {
  config: { type: 'string' }, out: { type: 'string' }, resume: { type: 'boolean' }, 'allow-change': { type: 'string' },
  'from-step': { type: 'string' }, backend: { type: 'string' }, threads: { type: 'string' }, native: { type: 'string' }, quiet: { type: 'boolean' },
};

const RUN_HELP: HelpRow[] = [
  { usage: '--config FILE.json', doc: 'a RunConfig-shaped file ({"training": {...}, "modelConfig": {...}}); flags override it', default: 'none' },
  { usage: '--out RUN', doc: 'run directory', default: 'runs/<model>-<data>-<time>' },
  { usage: '--resume', doc: 'continue RUN exactly (flags may change its length and periods)', default: 'off' },
  { usage: '--allow-change lr,schedule', doc: 'with --resume: continue with a new --lr and/or schedule (--lr-decay, --lr-hold, --warmup; recorded in RUN/sessions.jsonl)', default: 'none' },
  { usage: '--from-step N', doc: 'with --resume: go back to the checkpoint of step N instead of the latest (0: step 0)', default: 'the latest' },
  { usage: '--backend auto|wasm|cpu|node', doc: 'tensor backend (auto: node > wasm > cpu)', default: 'auto' },
  { usage: '--threads N', doc: 'wasm threads', default: 'GENLAB_THREADS, else every core' },
  { usage: '--native auto|on|off', doc: 'native matrix products and convolutions for wasm (the addon npm install builds; auto: when built)', default: 'GENLAB_NATIVE, else auto' },
  { usage: '--quiet', doc: 'no progress line', default: 'off' },
];

/** The data the help's defaults are for: the default data, and 2-D points where a family treats them differently. */
const HELP_DATA = { source: DEFAULT_TRAINING.data, shape: { kind: 'images', shape: [28, 28, 1], numClasses: 10 } as DataShape };
const HELP_POINTS = { source: 'toy:eight-gaussians', shape: { kind: 'points', shape: [2], numClasses: 8 } as DataShape };

/** A family's training defaults on `data`: the shared ones, the family's over them, the --config file's over those. */
function trainingDefaults(family: ModelFamily, data: string, shape: DataShape, hints: DefaultsHints, fileTraining: Record<string, unknown> = {}): { training: TrainingConfig; model: unknown } {
  const d = family.defaults(shape, data, hints);
  const training = deepMerge(deepMerge({ ...DEFAULT_TRAINING, data }, d.training), fileTraining) as TrainingConfig;
  // A family's optimisers replace the shared 'model' group (a GAN has two others) unless the file names its own.
  if (d.training.optimizers && !fileTraining.optimizers) training.optimizers = d.training.optimizers;
  return { training, model: d.model };
}

/** Every option of `genlab train NAME`: the run's, the shared training ones, the family's. */
export async function trainOptions(name: string): Promise<OptionSpec> {
  return mergeOptions(RUN_OPTIONS, trainingOptions, (await familyCli(name)).train.options);
}

const usage = `usage: genlab train <model> [options]
models: ae, vae, hvae, ddpm, gan, cyclegan, classifier ('genlab train <model> --help' lists the model's options and its defaults)`;

async function modelHelp(name: string): Promise<string> {
  const family = await getFamily(name);
  const cli = await familyCli(name);
  const hints: DefaultsHints = {};
  const on = trainingDefaults(family, HELP_DATA.source, HELP_DATA.shape, hints);
  const points = trainingDefaults(family, HELP_POINTS.source, HELP_POINTS.shape, hints);
  const train = { ...on.training, optimizers: completeOptimizers(on.training.optimizers) };
  const trainPoints = { ...points.training, data: train.data, optimizers: completeOptimizers(points.training.optimizers) };
  const assumes = cli.train.helpAssumes ? ` with ${cli.train.helpAssumes}` : '';
  return [
    usage,
    '',
    `${name}: ${family.summary}`,
    `Defaults are ${name}'s for --data ${HELP_DATA.source} (the default data)${assumes}; where they differ on 2-D points (toy:NAME), those follow.`,
    '',
    'run options:',
    formatHelp(RUN_HELP),
    '',
    'training options:',
    formatHelp(trainingHelp(train, trainPoints), '2-D points'),
    '',
    `${name} options:`,
    Object.keys(cli.train.options).length ? formatHelp(cli.train.help(on.model, points.model), '2-D points') : '  (none)',
  ].join('\n');
}

function generalHelp(): string {
  return [usage, '', 'run options:', formatHelp(RUN_HELP), '', 'training options (the defaults every model starts from; each changes some):', formatHelp(trainingHelp(DEFAULT_TRAINING))].join('\n');
}

async function readConfigFile(path: string): Promise<Record<string, unknown>> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch {
    throw new UserError(`--config ${path}: cannot read the file`);
  }
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch (e) {
    throw new UserError(`--config ${path}: not valid JSON (${(e as Error).message.split('\n')[0]})`);
  }
  if (!isPlainObject(v)) throw new UserError(`--config ${path}: must be a JSON object`);
  for (const k of Object.keys(v)) if (!['training', 'modelConfig', 'model', 'genlab', 'dataShape'].includes(k)) throw new UserError(`--config ${path}: unknown key '${k}' (training, modelConfig)`);
  return v;
}

export const command: Command = {
  name: 'train',
  summary: 'train a model (ae, vae, hvae, ddpm, gan, cyclegan, classifier) with the shared training loop',
  usage,
  async help(argv) {
    const name = argv[0];
    return !name || name.startsWith('-') ? generalHelp() : modelHelp(name);
  },
  async run(argv) {
    const [name, ...rest] = argv;
    if (!name || name.startsWith('-')) throw new UserError(`train: name a model first (${(await availableFamilies()).join(', ')})`);
    const family = await getFamily(name);
    const cli = await familyCli(name);
    const a = parse(rest, await trainOptions(name), `train ${name}`);
    const resume = flag(a, 'resume');
    const backend = choice(a, 'backend', ['auto', 'wasm', 'cpu', 'node'] as const, 'auto');
    const native = str(a, 'native') === undefined ? undefined : choice(a, 'native', ['auto', 'on', 'off'] as const, 'auto');
    const out = str(a, 'out');
    checkRunOut(out, resume ? 'resume' : 'train'); // before any work: one line for a bad --out
    const file = str(a, 'config') ? await readConfigFile(str(a, 'config')!) : {};
    // The family's training flags (e.g. --data-a / --data-b) count as part of the --config file.
    const own = cli.train.training?.(a);
    if (own) file.training = deepMerge(isPlainObject(file.training) ? file.training : {}, own);

    let config: RunConfig;
    let allowChange: ResumeChange[] = [];
    let fromStep: number | undefined;
    if (resume) {
      if (!out) throw new UserError('--resume needs --out RUN');
      const allow = str(a, 'allow-change');
      if (allow !== undefined) allowChange = parseAllowChange(allow);
      fromStep = int(a, 'from-step', undefined, 0);
      const saved = await readRunConfig(out);
      if (saved.model !== name) throw new UserError(`--resume: ${out} is a '${saved.model}' run, not '${name}'`);
      // Flags and --config apply over the saved run; the loop refuses any change other than the
      // run's length and periods and what --allow-change names (sameModel), so a resume never
      // silently ignores a flag.
      const fileTraining = isPlainObject(file.training) ? file.training : {};
      const where = str(a, 'config') ?? 'config';
      const training = trainingFromArgs(a, deepMerge(saved.training, fileTraining));
      training.optimizers = completeOptimizers(training.optimizers);
      validateTraining(training, where);
      const modelConfig = cli.train.apply(a, deepMerge(saved.modelConfig, file.modelConfig));
      family.validate(modelConfig, where);
      config = { ...saved, training, modelConfig };
      delete config.dataShape;
    } else {
      if (str(a, 'allow-change') !== undefined) throw new UserError('--allow-change only applies with --resume (a new run takes any settings)');
      if (str(a, 'from-step') !== undefined) throw new UserError('--from-step only applies with --resume');
      const fileTraining = isPlainObject(file.training) ? file.training : {};
      const data = str(a, 'data') ?? (typeof fileTraining.data === 'string' ? fileTraining.data : DEFAULT_TRAINING.data);
      const ds = await loadSource(data, { split: 'train' });
      const shape = dataShapeOf(ds);
      const hints = cli.train.hints?.(a, file.modelConfig) ?? { modelConfig: file.modelConfig };
      const d = trainingDefaults(family, data, shape, hints, fileTraining);
      const training = trainingFromArgs(a, d.training);
      training.optimizers = completeOptimizers(training.optimizers);
      const where = str(a, 'config') ?? 'config';
      validateTraining(training, where);
      // The further streams' sources too, before the run directory is made (the loop reuses the cached sets).
      for (const source of Object.values(training.streams ?? {})) await loadSource(source, { split: 'train' });
      const modelConfig = cli.train.apply(a, deepMerge(d.model, file.modelConfig));
      family.validate(modelConfig, where);
      const { readFile: rf } = await import('node:fs/promises');
      const pkg = JSON.parse(await rf(new URL('../../../package.json', import.meta.url), 'utf8')) as { version: string };
      config = { genlab: pkg.version, model: name, training, modelConfig };
    }
    const runDir = out ?? `runs/${name}-${config.training.data.replace(/[^a-z0-9]+/gi, '-')}-${new Date().toISOString().replace(/[:.]/g, '').slice(0, 15)}`;
    if (out === undefined) checkRunOut(runDir, 'train');
    const threads = int(a, 'threads', undefined, 1);
    const info = await initBackend({ backend, threads, native });
    if (!resume) await makeDirs(runDir); // never node's recursive mkdir, which spins on some virtual file systems
    try {
      const r = await train(family, config, { out: runDir, resume, backend: describeBackend(info), quiet: flag(a, 'quiet'), allowChange, fromStep });
      return r.status === 'interrupted' ? 130 : 0;
    } catch (e) {
      if (e instanceof NanLossError) {
        console.error(`genlab: ${e.message}`);
        return 1;
      }
      throw e;
    }
  },
};
