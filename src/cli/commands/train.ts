/** genlab train <model>: every family through the one training loop. */
import { readFile } from 'node:fs/promises';
import type { Command } from '../command.js';
import { parse, str, int, num, flag, choice, type OptionSpec, type ParsedArgs } from '../args.js';
import { UserError } from '../../util/errors.js';
import { getFamily, availableFamilies } from '../../models/registry.js';
import { initBackend, describeBackend } from '../../backend/index.js';
import { DEFAULT_TRAINING, deepMerge, validateTraining, completeOptimizers, isPlainObject, parseAllowChange, type ResumeChange } from '../../train/config.js';
import { train, NanLossError } from '../../train/loop.js';
import { loadSource } from '../../data/index.js';
import { dataShapeOf } from '../../train/data_shape.js';
import { readRunConfig } from '../../train/checkpoint.js';
import type { RunConfig, TrainingConfig } from '../../train/types.js';
import { checkRunOut } from '../out_path.js';
import { makeDirs } from '../../io/atomic.js';

const COMMON: OptionSpec = {
  data: { type: 'string' }, steps: { type: 'string' }, epochs: { type: 'string' }, batch: { type: 'string' },
  lr: { type: 'string' }, seed: { type: 'string' }, backend: { type: 'string' }, threads: { type: 'string' },
  config: { type: 'string' }, out: { type: 'string' }, resume: { type: 'boolean' }, ema: { type: 'string' },
  clip: { type: 'string' }, warmup: { type: 'string' }, 'lr-decay': { type: 'string' }, 'sample-every': { type: 'string' },
  'checkpoint-every': { type: 'string' }, keep: { type: 'string' }, 'log-every': { type: 'string' }, quiet: { type: 'boolean' },
  'allow-change': { type: 'string' }, 'from-step': { type: 'string' },
};

const usage = `usage: genlab train <model> [options]
models: ae, vae, ddpm, gan, classifier (see 'genlab train <model> --help')

  --data SOURCE         mnist (default), fashion-mnist, idx:FILE[,LABELS], folder:DIR, toy:NAME
  --steps N | --epochs N   length of the run (family default otherwise)
  --batch N  --lr LR  --seed S (0)   --warmup N  --lr-decay constant|linear|cosine
  --ema DECAY|off       EMA of the weights used for sampling   --clip N|off  global gradient-norm clip
  --config FILE.json    a RunConfig-shaped file ({"training": {...}, "modelConfig": {...}}); flags override it
  --out RUN             run directory (default runs/<model>-<data>-<time>)   --resume  continue RUN exactly
  --allow-change lr     with --resume: continue with a new --lr (recorded in RUN/sessions.jsonl)
  --from-step N         with --resume: go back to the checkpoint of step N instead of the latest (0: step 0)
  --backend auto|wasm|cpu|node  --threads N   --sample-every N  --checkpoint-every N  --keep K  --log-every N`;

function trainingFromArgs(a: ParsedArgs, t: TrainingConfig): TrainingConfig {
  const out: TrainingConfig = JSON.parse(JSON.stringify(t));
  out.data = str(a, 'data', out.data);
  const steps = int(a, 'steps', undefined, 1);
  const epochs = int(a, 'epochs', undefined, 1);
  if (steps !== undefined && epochs !== undefined) throw new UserError('give --steps or --epochs, not both');
  if (steps !== undefined) {
    out.steps = steps;
    out.epochs = null;
  }
  if (epochs !== undefined) out.epochs = epochs;
  out.batch = int(a, 'batch', out.batch, 1)!;
  out.seed = int(a, 'seed', out.seed, 0)!;
  const lr = num(a, 'lr', undefined);
  if (lr !== undefined) {
    if (!(lr > 0)) throw new UserError(`--lr must be positive, got ${lr}`);
    for (const o of Object.values(out.optimizers)) o.lr = lr;
  }
  out.schedule.warmupSteps = int(a, 'warmup', out.schedule.warmupSteps, 0)!;
  out.schedule.decay = choice(a, 'lr-decay', ['constant', 'linear', 'cosine'] as const, out.schedule.decay);
  const ema = str(a, 'ema');
  if (ema !== undefined) {
    if (ema === 'off') out.ema = null;
    else {
      const d = Number(ema);
      if (!(d > 0 && d < 1)) throw new UserError(`--ema must be a decay in (0, 1) or 'off', got '${ema}'`);
      out.ema = { decay: d };
    }
  }
  const clip = str(a, 'clip');
  if (clip !== undefined) {
    if (clip === 'off') out.clipGradNorm = null;
    else {
      const c = Number(clip);
      if (!(c > 0) || !Number.isFinite(c)) throw new UserError(`--clip must be a positive number or 'off', got '${clip}'`);
      out.clipGradNorm = c;
    }
  }
  out.sampleEvery = int(a, 'sample-every', out.sampleEvery, 0)!;
  out.checkpointEvery = int(a, 'checkpoint-every', out.checkpointEvery, 0)!;
  out.keepCheckpoints = int(a, 'keep', out.keepCheckpoints, 1)!;
  out.logEvery = int(a, 'log-every', out.logEvery, 0)!;
  return out;
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
  summary: 'train a model (ae, vae, ddpm, gan, classifier) with the shared training loop',
  usage,
  async help(argv) {
    const name = argv[0];
    if (!name || name.startsWith('-')) return usage;
    const family = await getFamily(name);
    const own = Object.keys(family.cliOptions).map((k) => `--${k}`);
    return `${usage}\n\n${name}: ${family.summary}\n  ${name} options: ${own.length ? own.join(' ') : '(none)'}  (documented in src/models/${name === 'ae' ? 'vae' : name}/)`;
  },
  async run(argv) {
    const [name, ...rest] = argv;
    if (!name || name.startsWith('-')) throw new UserError(`train: name a model first (${(await availableFamilies()).join(', ')})`);
    const family = await getFamily(name);
    const a = parse(rest, { ...COMMON, ...family.cliOptions }, `train ${name}`);
    const resume = flag(a, 'resume');
    const backend = choice(a, 'backend', ['auto', 'wasm', 'cpu', 'node'] as const, 'auto');
    const out = str(a, 'out');
    checkRunOut(out, resume ? 'resume' : 'train'); // before any work: one line for a bad --out
    const file = str(a, 'config') ? await readConfigFile(str(a, 'config')!) : {};

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
      const training = trainingFromArgs(a, deepMerge(saved.training, fileTraining));
      training.optimizers = completeOptimizers(training.optimizers);
      validateTraining(training, str(a, 'config') ?? 'config');
      const modelConfig = family.fromArgs(a, deepMerge(saved.modelConfig, file.modelConfig));
      config = { ...saved, training, modelConfig };
      delete config.dataShape;
    } else {
      if (str(a, 'allow-change') !== undefined) throw new UserError('--allow-change only applies with --resume (a new run takes any settings)');
      if (str(a, 'from-step') !== undefined) throw new UserError('--from-step only applies with --resume');
      const fileTraining = isPlainObject(file.training) ? file.training : {};
      const data = str(a, 'data') ?? (typeof fileTraining.data === 'string' ? fileTraining.data : DEFAULT_TRAINING.data);
      const ds = await loadSource(data, { split: 'train' });
      const shape = dataShapeOf(ds);
      const d = family.defaults(shape, data, { args: a, modelConfig: file.modelConfig });
      let training = deepMerge(deepMerge({ ...DEFAULT_TRAINING, data }, d.training), fileTraining) as TrainingConfig;
      if (d.training.optimizers && !(isPlainObject(fileTraining) && fileTraining.optimizers)) training.optimizers = d.training.optimizers;
      training = trainingFromArgs(a, training);
      training.optimizers = completeOptimizers(training.optimizers);
      const where = str(a, 'config') ?? 'config';
      validateTraining(training, where);
      let modelConfig = deepMerge(d.model, file.modelConfig);
      modelConfig = family.fromArgs(a, modelConfig);
      family.validate(modelConfig);
      const { readFile: rf } = await import('node:fs/promises');
      const pkg = JSON.parse(await rf(new URL('../../../package.json', import.meta.url), 'utf8')) as { version: string };
      config = { genlab: pkg.version, model: name, training, modelConfig };
    }
    const runDir = out ?? `runs/${name}-${config.training.data.replace(/[^a-z0-9]+/gi, '-')}-${new Date().toISOString().replace(/[:.]/g, '').slice(0, 15)}`;
    if (out === undefined) checkRunOut(runDir, 'train');
    const threads = int(a, 'threads', undefined, 1);
    const info = await initBackend({ backend, threads });
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
