/**
 * Bad input, as a user meets it, through the built command (node dist/cli/main.js): every case
 * must exit with status 2, print exactly one line on stderr starting with "genlab: " (the
 * prefix once), print nothing on stdout, never hang, and leave the files around it unchanged
 * (issue 11, parts 3-6). dist/ is rebuilt first when a source file is newer than its build.
 */
import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import sharp from 'sharp';

const ROOT = join(import.meta.dirname, '..', '..');
const MAIN = join(ROOT, 'dist', 'cli', 'main.js');

function newestMtime(dir: string, ext: string): number {
  let t = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) t = Math.max(t, newestMtime(p, ext));
    else if (e.name.endsWith(ext)) t = Math.max(t, statSync(p).mtimeMs);
  }
  return t;
}

/** True when some src/**.ts is newer than its dist/**.js (or that is missing). */
function distIsStale(dir = join(ROOT, 'src')): boolean {
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) {
      if (distIsStale(p)) return true;
    } else if (e.name.endsWith('.ts') && !e.name.endsWith('.d.ts')) {
      const out = join(ROOT, 'dist', relative(join(ROOT, 'src'), p)).replace(/\.ts$/, '.js');
      if (!existsSync(out) || statSync(out).mtimeMs < statSync(p).mtimeMs) return true;
    }
  }
  return false;
}

before(() => {
  if (!existsSync(MAIN) || distIsStale()) {
    // tsc emits even when it reports type errors; what matters is that dist/ is then current.
    spawnSync(process.execPath, [join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', join(ROOT, 'tsconfig.build.json')], { cwd: ROOT, encoding: 'utf8' });
    assert.ok(newestMtime(join(ROOT, 'dist'), '.js') >= newestMtime(join(ROOT, 'src'), '.ts') - 1000 || !distIsStale(), 'dist/ could not be rebuilt');
  }
});

/** Every file under dir: relative path -> size, mode and content hash (directories too). */
function snapshot(dir: string): Map<string, string> {
  const out = new Map<string, string>();
  const walk = (d: string) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const p = join(d, e.name);
      const rel = relative(dir, p);
      if (e.isDirectory()) {
        out.set(rel + '/', 'dir');
        walk(p);
      } else {
        const s = statSync(p);
        out.set(rel, `${s.size} ${s.mode} ${createHash('sha1').update(readFileSync(p)).digest('hex')}`);
      }
    }
  };
  walk(dir);
  return out;
}

async function fixture(): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), 'genlab-bad-input-'));
  writeFileSync(join(dir, 'afile'), 'a regular file\n');
  // A training run and a fit, as far as the checks look (the files that name them).
  mkdirSync(join(dir, 'trainrun'));
  writeFileSync(join(dir, 'trainrun', 'config.json'), JSON.stringify({ genlab: '0.1.0', model: 'vae', training: { data: 'toy:two-moons' }, modelConfig: {} }));
  writeFileSync(join(dir, 'trainrun', 'metrics.jsonl'), '');
  mkdirSync(join(dir, 'fitdir'));
  writeFileSync(join(dir, 'fitdir', 'fit.json'), '{}\n');
  mkdirSync(join(dir, 'both'));
  writeFileSync(join(dir, 'both', 'config.json'), '{}\n');
  writeFileSync(join(dir, 'both', 'fit.json'), '{}\n');
  mkdirSync(join(dir, 'nonempty'));
  writeFileSync(join(dir, 'nonempty', 'notes.txt'), 'mine\n');
  mkdirSync(join(dir, 'grid.png')); // a directory named like an output file
  writeFileSync(join(dir, 'sweep.json'), JSON.stringify({ model: 'ddpm', args: ['--data', 'toy:two-moons', '--steps', '5'], seeds: [0], eval: ['--metric', 'mmd'], metric: 'mmd' }));
  // A folder of images of two sizes.
  mkdirSync(join(dir, 'mixed'));
  await sharp(Buffer.alloc(8 * 8, 128), { raw: { width: 8, height: 8, channels: 1 } }).png().toFile(join(dir, 'mixed', 'a.png'));
  await sharp(Buffer.alloc(10 * 12, 64), { raw: { width: 10, height: 12, channels: 1 } }).png().toFile(join(dir, 'mixed', 'b.png'));
  return dir;
}

type Case = [args: string[], expected: RegExp];

const cases: Case[] = [
  // 3. --out errors: one line and exit 2 for each, no stack trace, no hang
  [['train', 'vae', '--data', 'toy:two-moons', '--steps', '5', '--out', 'afile'], /^genlab: --out afile: is an existing file, not a directory$/],
  [['train', 'vae', '--data', 'toy:two-moons', '--steps', '5', '--out', 'afile/sub'], /^genlab: --out afile\/sub: afile is a file, so nothing can be created under it$/],
  [['train', 'vae', '--data', 'toy:two-moons', '--steps', '5', '--out', ''], /^genlab: --out: empty path; name a directory$/],
  [['train', 'vae', '--data', 'toy:two-moons', '--steps', '5', '--out', '/proc/genlab-run'], /^genlab: --out \/proc\/genlab-run: \/proc is on proc, a virtual file system/],
  [['train', 'vae', '--data', 'toy:two-moons', '--out', 'nonempty'], /^genlab: --out nonempty already exists and is not empty; pass --resume/],
  [['fit', 'gaussian', '--data', 'toy:two-moons', '--out', 'afile'], /^genlab: --out afile: is an existing file, not a directory$/],
  [['fit', 'gaussian', '--data', 'toy:two-moons', '--out', 'afile/sub'], /afile is a file/],
  [['fit', 'gaussian', '--data', 'toy:two-moons', '--out', ''], /^genlab: --out: empty path/],
  [['fit', 'gaussian', '--data', 'toy:two-moons', '--out', '/proc/genlab-fit'], /virtual file system/],
  [['sample', 'pretrained:ddpm-mnist', '--n', '1', '--out', 'afile/x.png'], /^genlab: --out afile\/x.png: afile is a file/],
  [['sample', 'pretrained:ddpm-mnist', '--n', '1', '--out', 'grid.png'], /^genlab: --out grid.png: is a directory; name a file inside it$/],
  [['sample', 'pretrained:ddpm-mnist', '--n', '1', '--out', '/proc/genlab.png'], /virtual file system/],
  [['sample', 'pretrained:ddpm-mnist', '--n', '1', '--trajectory', 'afile/t.png'], /^genlab: --trajectory afile\/t.png: afile is a file/],
  [['data', 'grid', 'toy:two-moons', '--out', 'afile/x.png'], /^genlab: --out afile\/x.png: afile is a file/],
  [['interpolate', 'pretrained:ddpm-mnist', '--out', 'afile/x.png'], /^genlab: --out afile\/x.png: afile is a file/],
  [['reconstruct', 'trainrun', '--out', 'afile/x.png'], /^genlab: --out afile\/x.png: afile is a file/],
  [['manifold', 'trainrun', '--scatter', 'afile/x.png'], /^genlab: --scatter afile\/x.png: afile is a file/],
  [['plot', 'trainrun', '--out', 'afile/x.svg'], /^genlab: --out afile\/x.svg: afile is a file/],
  [['sweep', '--config', 'sweep.json', '--out', 'afile'], /^genlab: --out afile: is an existing file/],
  // 4. a command that writes a run refuses a directory holding another run
  [['fit', 'gaussian', '--data', 'toy:two-moons', '--out', 'trainrun'], /^genlab: --out trainrun: already holds a training run \(config.json\)/],
  [['train', 'vae', '--data', 'toy:two-moons', '--steps', '5', '--out', 'fitdir'], /^genlab: --out fitdir: already holds a fitted distribution \(fit.json/],
  [['train', 'vae', '--resume', '--out', 'fitdir'], /already holds a fitted distribution/],
  [['sweep', '--config', 'sweep.json', '--out', 'trainrun'], /^genlab: --out trainrun: holds a training run \(config.json\), not a sweep/],
  [['sample', 'both', '--out', 's.png'], /^genlab: both: holds both a training run \(config.json\) and a fit \(fit.json\)/],
  [['eval', 'both', '--metric', 'fid'], /holds both a training run/],
  // 5. eval checks every option before any work (each of these used to sample first)
  [['eval', 'pretrained:ddpm-mnist', '--metric', 'bogus'], /^genlab: --metric bogus: unknown metric; choose from fid,kid/],
  [['eval', 'pretrained:ddpm-mnist', '--ref', 'nowhere'], /^genlab: --ref nowhere: not a run directory, pretrained:NAME, a fit directory or a data source/],
  [['eval', 'pretrained:ddpm-mnist', '--ref', 'folder:nowhere'], /^genlab: --ref folder:nowhere: no such directory nowhere$/],
  [['eval', 'pretrained:ddpm-mnist', '--ref', 'toy:two-moons'], /^genlab: --ref toy:two-moons: holds 2-D points but pretrained:ddpm-mnist holds images$/],
  [['eval', 'pretrained:ddpm-mnist', '--metric', 'modes'], /--metric modes: applies to 2-D points, but pretrained:ddpm-mnist holds images/],
  [['eval', 'pretrained:ddpm-mnist', '--metric', 'elbo,iwae'], /^genlab: --metric elbo: the ELBO\/IWAE bounds need a vae or hvae run; pretrained:ddpm-mnist is a 'ddpm' run$/],
  [['eval', 'pretrained:ddpm-mnist', '--features', 'pretrained:ddpm-mnist'], /^genlab: --features pretrained:ddpm-mnist: not a classifier run/],
  [['eval', 'pretrained:ddpm-mnist', '--sampling-steps', '0', '--sampler', 'ddim'], /^genlab: --sampling-steps must be at least 1, got 0$/],
  [['eval', 'pretrained:ddpm-mnist', '--eta', '0.5'], /^genlab: --sampling-steps, --eta and --spacing go with --sampler ddpm\|ddim\|dpm\+\+2m\|unipc$/],
  [['eval', 'pretrained:ddpm-mnist', '--n', '0'], /^genlab: --n must be at least 1, got 0$/],
  [['eval', 'toy:two-moons', '--metric', 'fid'], /^genlab: --metric fid: does not apply to 2-D points \(use mmd,modes,hq\)$/],
  [['eval', 'toy:two-moons', '--metric', 'modes'], /^genlab: --metric modes\/hq: needs a reference with known modes/],
  [['eval', 'nowhere'], /^genlab: eval: nowhere: not a run directory, pretrained:NAME, a fit directory or a data source/],
  [['eval', 'nonempty'], /^genlab: eval: nonempty: a directory, but neither a training run .* for a folder of images write folder:nonempty$/],
  // 6. negative numbers written with a space get the option's own check, not "ambiguous"
  [['train', 'vae', '--data', 'toy:two-moons', '--lr', '-1'], /^genlab: --lr must be positive, got -1$/],
  [['train', 'vae', '--data', 'toy:two-moons', '--steps', '-5'], /^genlab: --steps must be at least 1, got -5$/],
  [['sample', 'pretrained:ddpm-mnist', '--n', '-3'], /^genlab: --n must be at least 1, got -3$/],
  [['eval', 'pretrained:ddpm-mnist', '--n', '-3'], /^genlab: --n must be at least 1, got -3$/],
  [['eval', 'pretrained:ddpm-mnist', '--k', '-1e3', '--metric', 'fid'], /^genlab: --k must be a whole number, got '-1e3'$|^genlab: --k must be at least 1, got -1000$/],
  [['train', 'vae', '--data', 'toy:two-moons', '--out', '-x'], /^genlab: train vae: --out: a value starting with '-' must be written --out=-x$/],
  [['train', 'vae', '--data', '--steps', '5'], /^genlab: train vae: --data needs a value, but the option --steps follows it; write --data VALUE$/],
  [['train', 'vae', '--steps'], /^genlab: train vae: --steps needs a value$/],
  // 6. the prefix once
  [['eval'], /^genlab: eval: name what to evaluate/],
  [['sample'], /^genlab: sample: name a run directory/],
  [['train'], /^genlab: train: name a model first/],
  [['data'], /^genlab: data: missing sub-command/],
  [['data', 'frob', 'mnist'], /^genlab: data: unknown sub-command 'frob'/],
  [['plot'], /^genlab: plot: name a run directory$/],
  [['report'], /^genlab: report: name a run directory$/],
  // 6. the mixed-size folder error advises what exists
  [['train', 'ae', '--data', 'folder:mixed', '--steps', '5'], /is 10x12 but .*a\.png is 8x8; the images of a folder: source must all have one size, so resize the files/],
  // other bad input
  [['train', 'nosuchmodel'], /^genlab: unknown model 'nosuchmodel'; available: /],
  [['frobnicate'], /^genlab: unknown command 'frobnicate'/],
  [['train', 'vae', '--data', 'toy:nope'], /unknown toy distribution 'nope'/],
  [['train', 'vae', '--data', 'toy:two-moons', '--frobnicate'], /^genlab: train vae: Unknown option '--frobnicate'/],
  [['sample', 'nowhere'], /^genlab: nowhere: no such run directory$/],
  [['fit', 'gaussian', '--data', 'toy:two-moons', '--out', 'newfit', '--components', '3'], /^genlab: --components applies to gmm only$/],
  [['plot', 'trainrun', '--smooth', 'x'], /^genlab: --smooth must be a whole number/],
];

test('bad input: one line, exit status 2, files unchanged, for every case', { timeout: 600_000 }, async () => {
  const dir = await fixture();
  const readOnly = process.env.GENLAB_TEST_RO_DIR;
  const all: Case[] = [...cases];
  if (readOnly) {
    // A read-only mount must be reported as such, not as ENOENT.
    all.push([['train', 'vae', '--data', 'toy:two-moons', '--out', join(readOnly, 'run')], /read-only file system \(EROFS\)/]);
    all.push([['sample', 'pretrained:ddpm-mnist', '--out', join(readOnly, 's.png')], /read-only file system \(EROFS\)/]);
  }
  if (process.getuid?.() !== 0) {
    // Without write permission (root ignores permission bits, so only as another user).
    mkdirSync(join(dir, 'locked'));
    chmodSync(join(dir, 'locked'), 0o555);
    all.push([['fit', 'gaussian', '--data', 'toy:two-moons', '--out', 'locked/fit'], /^genlab: --out locked\/fit: no permission to write in locked \(EACCES\)$/]);
  }
  const before = snapshot(dir);
  try {
    for (const [args, expected] of all) {
      const what = `genlab ${args.map((x) => (x === '' ? "''" : x)).join(' ')}`;
      const t0 = performance.now();
      const r = spawnSync(process.execPath, [MAIN, ...args], { cwd: dir, encoding: 'utf8', timeout: 60_000, env: { ...process.env, CI: '1' } });
      assert.equal(r.signal, null, `${what}: killed after ${((performance.now() - t0) / 1000).toFixed(0)} s (hung?)`);
      assert.equal(r.status, 2, `${what}: exit status ${r.status}\n${r.stderr}`);
      const lines = r.stderr.split('\n').filter((l) => l.trim() !== '');
      assert.equal(lines.length, 1, `${what}: expected one line on stderr, got:\n${r.stderr}`);
      assert.ok(lines[0].startsWith('genlab: ') && !lines[0].startsWith('genlab: genlab'), `${what}: ${lines[0]}`);
      assert.ok(!r.stderr.includes('\r'), `${what}: a progress line was left on stderr: ${JSON.stringify(r.stderr)}`);
      assert.match(lines[0], expected, what);
      assert.equal(r.stdout, '', `${what}: printed on stdout: ${r.stdout}`);
      assert.deepEqual(snapshot(dir), before, `${what}: changed the files in ${dir}`);
    }
  } finally {
    if (existsSync(join(dir, 'locked'))) chmodSync(join(dir, 'locked'), 0o755);
    rmSync(dir, { recursive: true, force: true });
  }
});
