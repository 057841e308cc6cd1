/**
 * `genlab eval CYCLEGAN_RUN --metric preservation,cycle,fid [--n N] [--features-a RUN]
 * [--features-b RUN] [--json]`: the translation metrics of src/eval/translation.ts on the test
 * sets of the run's two domains. Each domain's classifier (and FID feature network) defaults to
 * the shipped one of its source: pretrained:classifier-mnist, pretrained:classifier-mnist-m...
 * Everything is checked before the backend starts.
 */
import { parse, str, int, flag, choice } from '../args.js';
import { UserError } from '../../util/errors.js';
import { initBackend } from '../../backend/index.js';
import { readRunConfig } from '../../train/checkpoint.js';
import { loadRun, resolveRunPath } from '../../train/load_run.js';
import { loadSource, type ImageDataset } from '../../data/index.js';
import { describeSampleSet } from '../../eval/image_sets.js';
import { defaultFeatureNet, loadFeatureNet } from '../../eval/features.js';
import { evaluateTranslation, TRANSLATION_METRICS, type TranslationMetric } from '../../eval/translation.js';
import { CycleganModel, domainSources, testSpec } from '../../models/cyclegan/index.js';

const OPTIONS = {
  metric: { type: 'string' }, n: { type: 'string' }, 'features-a': { type: 'string' }, 'features-b': { type: 'string' },
  json: { type: 'boolean' }, backend: { type: 'string' }, threads: { type: 'string' },
} as const;

export const translationUsage = `  CycleGAN runs: --metric preservation,cycle,fid (default all three) [--n 2000] [--features-a RUN] [--features-b RUN]:
                   label preservation under the target domain's classifier, cycle L1 and FID per domain on the test sets`;

/** Whether `target` is a run of a translation family (checked from its config.json alone). */
export async function isTranslationRun(target: string): Promise<boolean> {
  const info = await describeSampleSet(target, 'eval');
  return info.what === 'run' && info.model === 'cyclegan';
}

export async function evalTranslation(target: string, argv: string[]): Promise<number> {
  const a = parse(argv, OPTIONS, 'eval');
  if (a.positionals.length) throw new UserError(`eval: unexpected argument '${a.positionals[0]}'`);
  const metrics = (str(a, 'metric') ?? TRANSLATION_METRICS.join(',')).split(',').map((s) => s.trim()).filter(Boolean) as TranslationMetric[];
  if (!metrics.length) throw new UserError(`--metric: name at least one of ${TRANSLATION_METRICS.join(', ')}`);
  for (const m of metrics) if (!TRANSLATION_METRICS.includes(m)) throw new UserError(`--metric ${m}: not a metric of cyclegan runs; choose from ${TRANSLATION_METRICS.join(', ')}`);
  const n = int(a, 'n', 2000, 1)!;
  const backend = choice(a, 'backend', ['auto', 'wasm', 'cpu', 'node'] as const, 'auto');
  const threads = int(a, 'threads', undefined, 1);
  const config = await readRunConfig(resolveRunPath(target));
  const sources = domainSources(config);
  const needsNets = metrics.includes('preservation') || metrics.includes('fid');
  const nets: { a?: string; b?: string } = {};
  if (needsNets) {
    for (const d of ['a', 'b'] as const) {
      const option = `features-${d}`;
      const spec = str(a, option) ?? defaultFeatureNet(sources[d]);
      const info = await describeSampleSet(spec, `--${option}`);
      if (info.what !== 'run' || info.model !== 'classifier') throw new UserError(`--${option} ${spec}: not a classifier run (train one with 'genlab train classifier --data ${sources[d]}')`);
      const want = d === 'a' ? config.dataShape?.shape : config.dataShape?.streams?.b?.shape;
      if (want && info.shape && info.shape.join('x') !== want.join('x')) throw new UserError(`--${option} ${spec}: takes ${info.shape.join('x')} images, domain ${d.toUpperCase()} has ${want.join('x')}`);
      nets[d] = spec;
    }
  } else {
    for (const option of ['features-a', 'features-b']) if (str(a, option) !== undefined) throw new UserError(`--${option}: goes with --metric preservation or fid`);
  }
  const [testA, testB] = (await Promise.all([loadSource(testSpec(sources.a)), loadSource(testSpec(sources.b))])) as ImageDataset[];
  if (metrics.includes('preservation') && (!testA.labels || !testB.labels)) throw new UserError(`--metric preservation: needs labelled test sets; ${!testA.labels ? sources.a : sources.b} has no labels`);

  await initBackend({ backend, threads });
  const run = await loadRun(target);
  const netA = nets.a ? await loadFeatureNet(nets.a) : undefined;
  const netB = nets.b ? await loadFeatureNet(nets.b) : undefined;
  let result: Record<string, number>;
  try {
    if (!(run.model instanceof CycleganModel)) throw new Error('eval: the run did not load as a CycleganModel');
    result = evaluateTranslation({ model: run.model, a: testA, b: testB, netA, netB, n, metrics });
  } finally {
    run.model.dispose();
    netA?.model.dispose();
    netB?.model.dispose();
  }
  if (flag(a, 'json')) console.log(JSON.stringify(result));
  else for (const [key, v] of Object.entries(result)) console.log(`${key.padEnd(17)} ${+v.toPrecision(6)}`);
  return 0;
}
