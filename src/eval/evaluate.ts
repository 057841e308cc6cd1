/**
 * `genlab eval`: sample-quality metrics between a generated (or any) set and a reference set,
 * in a classifier's feature space for images and directly on the plane for 2-D points.
 */
import { Rng } from '../util/rng.js';
import { UserError } from '../util/errors.js';
import { fid } from './fid.js';
import { kid } from './kid.js';
import { precisionRecall } from './precision_recall.js';
import { inceptionScore, classHistogram } from './inception_score.js';
import { mmd } from './mmd.js';
import { modeCoverage } from './modes.js';
import { extract, loadFeatureNet, defaultFeatureNet } from './features.js';
import { labelAccuracy } from './label_accuracy.js';
import type { SampleSet } from './image_sets.js';

export const IMAGE_METRICS = ['fid', 'kid', 'precision', 'recall', 'is', 'classes', 'accuracy'] as const;
export const POINT_METRICS = ['mmd', 'modes', 'hq'] as const;

export interface EvalOptions {
  metrics: string[];
  features?: string;
  seed: number;
  /** Progress of the long phases: (phase label, done, total, unit). */
  onProgress?: (label: string, done: number, total: number, unit: string) => void;
}

export async function evaluateSets(gen: SampleSet, ref: SampleSet, opts: EvalOptions): Promise<Record<string, unknown>> {
  const out: Record<string, unknown> = { n: gen.n, n_ref: ref.n };
  const want = new Set(opts.metrics);
  if (gen.kind !== ref.kind) throw new UserError(`--ref is ${ref.kind} but the evaluated set is ${gen.kind}`);
  if (gen.kind === 'points') {
    for (const m of want) if (!(POINT_METRICS as readonly string[]).includes(m)) throw new UserError(`--metric ${m} does not apply to 2-D points (use ${POINT_METRICS.join(',')})`);
    if (want.has('mmd')) out.mmd = mmd(gen.values, ref.values, gen.n, ref.n, { dim: 2 }).mmd2;
    if (want.has('modes') || want.has('hq')) {
      const ds = ref.dataset;
      if (!ds || ds.kind !== 'points' || !ds.modes || !ds.modeStd) throw new UserError(`--metric modes/hq needs a reference with known modes (toy:eight-gaussians, toy:twenty-five-gaussians)`);
      const cov = modeCoverage(gen.values, gen.n, ds.modes, ds.modes.length / 2, { std: ds.modeStd });
      out.modes = cov.modes;
      out.modes_total = ds.modes.length / 2;
      out.hq = cov.hq;
      out.modes_wide = cov.modesWide; // see modes.ts: clusters present at all, whatever their width
      out.spread_std = cov.spread;
    }
    return out;
  }
  for (const m of want) if (!(IMAGE_METRICS as readonly string[]).includes(m)) throw new UserError(`--metric ${m} is not an image metric (${IMAGE_METRICS.join(',')}; elbo,iwae,nll for likelihood models)`);
  const netSpec = opts.features ?? defaultFeatureNet(ref.source ?? gen.source);
  const net = await loadFeatureNet(netSpec);
  out.features = netSpec;
  const progress = opts.onProgress ?? (() => undefined);
  const a = extract(net, gen, (d) => progress('features (evaluated set)', d, gen.n, 'images'));
  const b = extract(net, ref, (d) => progress('features (reference)', d, ref.n, 'images'));
  net.model.dispose();
  const d = a.dim;
  if (want.has('fid')) out.fid = fid(a.features, b.features, gen.n, ref.n, d);
  if (want.has('kid')) {
    const r = kid(a.features, b.features, gen.n, ref.n, d, { subsets: 50, subsetSize: Math.min(1000, gen.n, ref.n), rng: new Rng(opts.seed), onProgress: (s, t) => progress('kid', s, t, 'subsets') });
    out.kid = r.kid;
    out.kid_std = r.kidStd;
  }
  if (want.has('precision') || want.has('recall')) {
    const pr = precisionRecall(b.features, a.features, ref.n, gen.n, d, { k: 3, onProgress: (r, t) => progress('precision/recall (k-NN)', r, t, 'rows') });
    if (want.has('precision')) out.precision = pr.precision;
    if (want.has('recall')) out.recall = pr.recall;
  }
  if (want.has('is')) {
    const s = inceptionScore(a.probs, gen.n, a.classes, 10);
    out.is = s.mean;
    out.is_std = s.std;
  }
  if (want.has('classes')) out.classes = classHistogram(a.probs, gen.n, a.classes);
  if (want.has('accuracy')) {
    // Share of the set the feature classifier assigns to its own label: for a class-conditional
    // model the class each sample was asked for; for real data the classifier's accuracy (the floor).
    if (!gen.labels) throw new UserError(`--metric accuracy: the evaluated set has no labels (a class-conditional run, or a labelled data source)`);
    out.accuracy = labelAccuracy(a.probs, gen.labels, a.classes);
  }
  return out;
}
