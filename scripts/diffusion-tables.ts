/**
 * The sampler and guidance tables of issue 13 for one DDPM run, each cell one `genlab eval`
 * (FID and, for class-conditional runs, accuracy of the asked class on the shipped features)
 * against DATA:test, with the real floor (DATA:test vs DATA:train) at the same n:
 *   samplers: NFE {5, 10, 20, 50} x {ddim, dpm++2m, unipc}, plus ddim-100 and ddpm-1000 (the reference row)
 *   guidance: w in {0, 0.5, 1, 2, 4} with the run's sampler
 * Cells already done (OUT/cells/NAME.json) are read, not rerun. Writes OUT/tables.md and OUT/tables.json.
 *
 *   node --import tsx scripts/diffusion-tables.ts RUN --out runs/tables [--n 1000] [--data mnist] [--only samplers|guidance] [--threads 2]
 */
import { genlab } from './genlab_child.js';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    out: { type: 'string' }, n: { type: 'string', default: '1000' }, data: { type: 'string', default: 'mnist' },
    only: { type: 'string' }, threads: { type: 'string', default: '2' }, nfe: { type: 'string', default: '5,10,20,50' },
    guidance: { type: 'string', default: '0,0.5,1,2,4' },
  },
});
const run = positionals[0];
if (!run || !values.out) throw new Error('usage: diffusion-tables.ts RUN --out DIR');
const out = resolve(values.out);
mkdirSync(join(out, 'cells'), { recursive: true });
const n = values.n!;
const data = values.data!;

const say = (m: string) => process.stderr.write(`[${new Date().toISOString().slice(11, 19)}] ${m}\n`);

const conditional = (JSON.parse(readFileSync(join(run.startsWith('pretrained:') ? join(import.meta.dirname, '..', 'pretrained', run.slice(11)) : run, 'config.json'), 'utf8')) as { modelConfig: { condition?: string } }).modelConfig.condition === 'class';
const metrics = conditional ? 'fid,accuracy' : 'fid';

async function cell(name: string, spec: string, args: string[], want = metrics): Promise<Record<string, number>> {
  const file = join(out, 'cells', `${name}.json`);
  if (existsSync(file)) return JSON.parse(readFileSync(file, 'utf8'));
  say(`${name}`);
  const t0 = performance.now();
  const e = await genlab(['eval', spec, '--metric', want, '--n', n, '--threads', values.threads!, '--json', ...args], join(out, 'cells', `${name}.log`));
  if (e.code !== 0) throw new Error(`${name} failed: see cells/${name}.log`);
  const r = { ...JSON.parse(e.stdout), wall_seconds: +((performance.now() - t0) / 1000).toFixed(1) };
  writeFileSync(file, JSON.stringify(r) + '\n');
  return r;
}

const floor = await cell('floor', `${data}:test`, ['--ref', `${data}:train`], 'fid,accuracy');
const md: string[] = [`Run ${run}; n = ${n} samples against ${data}:test on the shipped features. Real floor (${data}:test vs ${data}:train, n = ${n}): FID ${floor.fid.toFixed(2)}, classifier accuracy ${floor.accuracy.toFixed(3)}.`, ''];
const json: Record<string, unknown> = { run, n: Number(n), data, floor };
const f2 = (x: number | undefined) => (x === undefined ? '' : x.toFixed(2));

if (values.only !== 'guidance') {
  const nfes = values.nfe!.split(',').map(Number);
  const rows: Record<string, Record<string, number>> = {};
  for (const kind of ['ddim', 'dpm++2m', 'unipc']) {
    for (const k of nfes) rows[`${kind}-${k}`] = await cell(`${kind}-${k}`, run, ['--ref', `${data}:test`, '--sampler', kind, '--sampling-steps', String(k)]);
  }
  rows['ddim-100'] = await cell('ddim-100', run, ['--ref', `${data}:test`, '--sampler', 'ddim', '--sampling-steps', '100']);
  rows['ddpm-1000'] = await cell('ddpm-1000', run, ['--ref', `${data}:test`, '--sampler', 'ddpm']);
  json.samplers = rows;
  md.push('FID (sampling seconds for the n samples) by sampler and network evaluations (NFE):', '');
  md.push(`| sampler | ${nfes.map((k) => `NFE ${k}`).join(' | ')} |`, `|---|${nfes.map(() => '---:').join('|')}|`);
  for (const kind of ['ddim', 'dpm++2m', 'unipc']) md.push(`| ${kind} | ${nfes.map((k) => `${f2(rows[`${kind}-${k}`].fid)} (${rows[`${kind}-${k}`].sampling_seconds} s)`).join(' | ')} |`);
  md.push('', `DDIM-100: ${f2(rows['ddim-100'].fid)} (${rows['ddim-100'].sampling_seconds} s); DDPM-1000 (ancestral, the reference row): ${f2(rows['ddpm-1000'].fid)} (${rows['ddpm-1000'].sampling_seconds} s).`, '');
}
if (values.only !== 'samplers' && conditional) {
  const ws = values.guidance!.split(',');
  const rows: Record<string, Record<string, number>> = {};
  for (const w of ws) rows[w] = await cell(`guidance-${w}`, run, ['--ref', `${data}:test`, '--guidance', w]);
  json.guidance = rows;
  md.push("Classifier-free guidance (the run's sampler; classes in turn): FID and the share of samples the classifier puts in their asked class:", '');
  md.push('| w | FID | accuracy |', '|---:|---:|---:|');
  for (const w of ws) md.push(`| ${w} | ${f2(rows[w].fid)} | ${rows[w].accuracy.toFixed(3)} |`);
  md.push('');
}
writeFileSync(join(out, 'tables.json'), JSON.stringify(json, null, 1) + '\n');
writeFileSync(join(out, 'tables.md'), md.join('\n') + '\n');
console.log(md.join('\n'));
