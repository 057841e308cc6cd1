/**
 * `genlab fit gaussian|gmm --data <source> --out DIR`: maximum-likelihood fit of a Gaussian
 * (closed form) or a Gaussian mixture (EM) to a data source; `genlab sample DIR` samples it.
 */
import { parse, str, flag } from '../args.js';
import type { OptionSpec } from '../args.js';
import { applyFlags } from '../../config/schema.js';
import { fitOptionsSchema } from '../../models/fitted/options.js';
import { configOptions, givenFlags, mergeOptions } from '../config_flags.js';
import type { Command } from '../command.js';
import { UserError } from '../../util/errors.js';
import { fitSource, isFitDir, writeFitDir } from '../../models/fitted/fit.js';
import type { FitKind, FitOptions } from '../../models/fitted/fit.js';
import { sourceHelp } from '../../data/index.js';
import { checkRunOut } from '../out_path.js';
import { ProgressLine } from '../../util/progress.js';

const usage = `usage: genlab fit gaussian|gmm --data <source> --out DIR [options]

Fits a density to the training split of <source> by maximum likelihood and reports the mean
log-likelihood on the training and test splits (nats per example, bits per dimension).
  gaussian   N(mu, Sigma) in closed form: mu = mean, Sigma = (1/n) sum (x - mu)(x - mu)^T
  gmm        mixture of K Gaussians by EM, initialised by k-means++

options:
  --data SOURCE            ${sourceHelp}
  --out DIR                writes DIR/fit.json, DIR/fit.png (and DIR/means.png for images)
  --covariance full|diag   default full (gmm on images: diag)
  --components K           mixture components (gmm), default 8
  --ridge R                added to covariance diagonals; default 0.01 for images, 0 (gaussian) / 1e-6 (gmm) for points
  --iters N                EM iterations at most (gmm), default 100
  --limit N                fit on the first N training samples only
  --seed S                 k-means++ seed and figure samples, default 0
  --json                   print the fit record's metrics as JSON
  --force                  replace an existing fit in DIR

Then: genlab sample DIR --n 64 --out samples.png (or .csv / .json).`;

const options: OptionSpec = mergeOptions(
  { data: { type: 'string' }, out: { type: 'string' }, json: { type: 'boolean' }, force: { type: 'boolean' } },
  configOptions(fitOptionsSchema),
);

export const command: Command = {
  name: 'fit',
  summary: 'fit a Gaussian or a Gaussian mixture by maximum likelihood (sample it with genlab sample)',
  usage,
  async run(argv: string[]): Promise<number> {
    const a = parse(argv, options, 'fit');
    const [kindArg, ...extra] = a.positionals;
    if (!kindArg) throw new UserError('fit: name the distribution: gaussian or gmm');
    if (extra.length) throw new UserError(`fit: unexpected argument '${extra[0]}'`);
    if (kindArg !== 'gaussian' && kindArg !== 'gmm') throw new UserError(`fit: distribution must be gaussian or gmm, got '${kindArg}'`);
    const kind: FitKind = kindArg;
    const data = str(a, 'data');
    if (!data) throw new UserError('fit: --data is required');
    const out = str(a, 'out');
    if (out === undefined) throw new UserError('fit: --out DIR is required');
    if (kind === 'gaussian' && a.values.components !== undefined) throw new UserError('--components applies to gmm only');
    checkRunOut(out, 'fit');
    if ((await isFitDir(out)) && !flag(a, 'force')) throw new UserError(`--out ${out} already holds a fit (fit.json); choose another directory or pass --force`);
    // The options given, each read by its field of the declaration; fitSource fills in the rest for the data.
    const o = applyFlags<Partial<FitOptions>>(fitOptionsSchema, givenFlags(a, fitOptionsSchema), {});
    const em = kind === 'gmm' ? new ProgressLine('gmm: EM iteration', o.maxIter ?? 100) : null;
    let fitted: Awaited<ReturnType<typeof fitSource>>;
    try {
      fitted = await fitSource(kind, data, o, em ? (it, ll) => em.update(it, `mean log-likelihood ${ll.toFixed(3)}`) : undefined);
    } finally {
      em?.end();
    }
    const { record, train } = fitted;
    const files = await writeFitDir(out, record, train);
    const m = record.metrics;
    if (flag(a, 'json')) {
      console.log(JSON.stringify({ distribution: kind, data, options: record.options, metrics: m }));
    } else {
      const f = (v: number | null) => (v === null ? 'n/a' : v.toFixed(3));
      console.log(`${kind} (${record.options.covariance}${kind === 'gmm' ? `, K=${record.options.components}` : ''}) on ${data}: ` +
        `train ${f(m.trainLogLik)} nats/example, test ${f(m.testLogLik)} nats/example, ${f(m.testBitsPerDim)} bits/dim` +
        (m.iterations !== undefined ? `, ${m.iterations} EM iterations${m.converged ? '' : ' (not converged)'}` : '') +
        ` [${m.seconds.toFixed(1)} s]`);
      for (const p of files) console.log(`wrote ${p}`);
    }
    return 0;
  },
};
