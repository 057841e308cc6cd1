/**
 * `genlab restore MODEL --task T --method M --out DIR`: zero-shot restoration of degraded test
 * images (or one user image) with a pretrained prior; src/restore/run.ts does the work.
 */
import type { Command } from '../command.js';
import { parse, str, int, num, flag, choice, type OptionSpec } from '../args.js';
import { UserError } from '../../util/errors.js';
import { initBackend } from '../../backend/index.js';
import { checkOutDir } from '../out_path.js';
import { TASKS, TASK_DEFAULTS, type TaskName, type TaskSpec } from '../../restore/tasks.js';
import type { MaskSpec } from '../../restore/operators/inpaint.js';
import { METHODS, METHOD_DEFAULTS, METHOD_MODEL, type MethodSettings, type RestoreMethod } from '../../restore/methods.js';
import type { DgpStage } from '../../restore/dgp.js';
import { runRestore } from '../../restore/run.js';

const usage = `usage: genlab restore MODEL --task inpaint|sr|denoise|cs|deblur|colorize --method ddnm|ddnm+|dgp|vae|pinv --out DIR
                      [--data SOURCE] [--n 100] [--batch 20] [--seed 0] [--json] [task and method options]
       genlab restore MODEL --task inpaint --input IMAGE.png --mask MASK.png --method M --out DIR

Restores degraded images with a pretrained prior and no training: MODEL is a DDPM run for
ddnm/ddnm+ (e.g. pretrained:ddpm-mnist), a GAN run for dgp, a VAE run for vae; pinv (A+ y) needs
none. DIR gets grid-NNN.png per batch (rows: y, A+ y, the restoration, the ground truth),
restored/NNNNN.png and metrics.json (PSNR, SSIM, ||A x - y||, FID against the test split, the
shipped classifier's accuracy, seconds per image); --json prints the summary.

Tasks (y = A x + sigma_y n):
  --task inpaint  --mask box|random|left|right|FILE.png (box)  --box N (${TASK_DEFAULTS.box})  --missing P (${TASK_DEFAULTS.missing}: share of pixels missing)
  --task sr       --factor K (${TASK_DEFAULTS.factor}; average pooling, A+ replicates)
  --task denoise  --sigma-y S (${TASK_DEFAULTS.denoiseSigma})
  --task cs       --ratio R (${TASK_DEFAULTS.ratio}; a random matrix with orthonormal rows)
  --task deblur   --blur S (${TASK_DEFAULTS.blurSigma} px; separable Gaussian)  --tau T (${TASK_DEFAULTS.tau}: singular values below are dropped)
  --task colorize (RGB priors only)
  --sigma-y S     measurement noise std in [0, 1] units (0; denoise ${TASK_DEFAULTS.denoiseSigma})   --op-seed N  random masks and CS matrices (${TASK_DEFAULTS.seed})
Methods:
  ddnm, ddnm+     --steps N (${METHOD_DEFAULTS.ddnm.steps})  --eta E (${METHOD_DEFAULTS.ddnm.eta})  --travel L,R (ddnm+: ${METHOD_DEFAULTS.ddnmPlusTravel.travelLength},${METHOD_DEFAULTS.ddnmPlusTravel.travelRepeat}; ddnm: 1,1 = none)
                  --ddnm-eps keep|rederive (keep: the network's eps after the correction, as DDNM does; rederive: an ablation)
  dgp             --stages ITERSxBLOCKS,... (${METHOD_DEFAULTS.dgp.stages.map((s) => `${s.iterations}x${s.blocks}`).join(',')})  --lr-g A,B,..  --lr-z A,B,..
                  --candidates N (${METHOD_DEFAULTS.dgp.candidates})  --generator progressive|fixed  --loss feature|mse|auto (auto: mse on noisy y, else feature)
                  --discrepancy TAU (${METHOD_DEFAULTS.dgp.discrepancyTau}; noisy y: stop at mean (A x - y)^2 <= TAU sigma_y^2; 0: never)
  vae             --iterations N (${METHOD_DEFAULTS.vae.iterations})  --restarts R (${METHOD_DEFAULTS.vae.restarts})  --lr LR (${METHOD_DEFAULTS.vae.lr})
Other: --features RUN (classifier for FID/accuracy)  --no-features  --backend auto|wasm|cpu|node  --threads N`;

const options: OptionSpec = {
  task: { type: 'string' }, method: { type: 'string' }, out: { type: 'string' }, data: { type: 'string' },
  n: { type: 'string' }, batch: { type: 'string' }, seed: { type: 'string' }, json: { type: 'boolean' },
  input: { type: 'string' }, mask: { type: 'string' }, box: { type: 'string' }, missing: { type: 'string' },
  factor: { type: 'string' }, ratio: { type: 'string' }, blur: { type: 'string' }, tau: { type: 'string' },
  'sigma-y': { type: 'string' }, 'op-seed': { type: 'string' },
  steps: { type: 'string' }, eta: { type: 'string' }, travel: { type: 'string' }, 'ddnm-eps': { type: 'string' },
  stages: { type: 'string' }, 'lr-g': { type: 'string' }, 'lr-z': { type: 'string' }, candidates: { type: 'string' },
  generator: { type: 'string' }, loss: { type: 'string' }, discrepancy: { type: 'string' },
  iterations: { type: 'string' }, restarts: { type: 'string' }, lr: { type: 'string' },
  features: { type: 'string' }, 'no-features': { type: 'boolean' }, backend: { type: 'string' }, threads: { type: 'string' },
};

function numList(v: string | undefined, name: string, count: number): number[] | undefined {
  if (v === undefined) return undefined;
  const parts = v.split(',').map((s) => Number(s.trim()));
  if (parts.length !== count || parts.some((x) => !(x > 0 && Number.isFinite(x)))) throw new UserError(`--${name} must be ${count} comma-separated positive numbers (one per stage), got '${v}'`);
  return parts;
}

function parseTask(a: ReturnType<typeof parse>, hasInputMask: boolean): TaskSpec {
  const task = choice(a, 'task', TASKS, 'inpaint' as TaskName);
  if (a.values.task === undefined) throw new UserError(`restore: --task ${TASKS.join('|')} is required`);
  const sigmaY = num(a, 'sigma-y', task === 'denoise' ? TASK_DEFAULTS.denoiseSigma : 0, 0)!;
  const seed = int(a, 'op-seed', TASK_DEFAULTS.seed, 0)!;
  switch (task) {
    case 'inpaint': {
      const m = str(a, 'mask', 'box');
      let mask: MaskSpec;
      if (hasInputMask || m.toLowerCase().endsWith('.png')) mask = { kind: 'image', pixels: new Float32Array(0) }; // read by run.ts
      else if (m === 'box') mask = { kind: 'box', size: int(a, 'box', TASK_DEFAULTS.box, 1)! };
      else if (m === 'random') {
        const missing = num(a, 'missing', TASK_DEFAULTS.missing, 0)!;
        if (missing >= 1) throw new UserError(`--missing must be below 1 (a share of the pixels), got ${missing}`);
        mask = { kind: 'random', missing, seed };
      } else if (m === 'left' || m === 'right') mask = { kind: 'half', side: m };
      else throw new UserError(`--mask must be box|random|left|right or a .png file, got '${m}'`);
      return { task, mask, sigmaY };
    }
    case 'sr':
      return { task, factor: int(a, 'factor', TASK_DEFAULTS.factor, 1)!, sigmaY };
    case 'denoise':
      return { task, sigmaY };
    case 'cs': {
      const ratio = num(a, 'ratio', TASK_DEFAULTS.ratio, 0)!;
      if (!(ratio > 0 && ratio <= 1)) throw new UserError(`--ratio must be in (0, 1], got ${ratio}`);
      return { task, ratio, seed, sigmaY };
    }
    case 'deblur': {
      const sigma = num(a, 'blur', TASK_DEFAULTS.blurSigma, 0)!;
      if (!(sigma > 0)) throw new UserError(`--blur must be > 0, got ${sigma}`);
      return { task, sigma, tau: num(a, 'tau', TASK_DEFAULTS.tau, 0)!, sigmaY };
    }
    case 'colorize':
      return { task, sigmaY };
  }
}

function parseSettings(a: ReturnType<typeof parse>, method: RestoreMethod): MethodSettings {
  const s: MethodSettings = structuredClone(METHOD_DEFAULTS);
  s.ddnm.steps = int(a, 'steps', s.ddnm.steps, 1)!;
  s.ddnm.eta = num(a, 'eta', s.ddnm.eta, 0)!;
  if (s.ddnm.eta > 1) throw new UserError(`--eta must be in [0, 1], got ${s.ddnm.eta}`);
  s.ddnm.eps = choice(a, 'ddnm-eps', ['keep', 'rederive'] as const, s.ddnm.eps);
  const travel = str(a, 'travel');
  if (travel !== undefined) {
    const [l, r] = travel.split(',').map(Number);
    if (!(Number.isInteger(l) && l >= 1 && Number.isInteger(r) && r >= 1)) throw new UserError(`--travel must be L,R (whole numbers >= 1), got '${travel}'`);
    if (method === 'ddnm') Object.assign(s.ddnm, { travelLength: l, travelRepeat: r });
    else s.ddnmPlusTravel = { travelLength: l, travelRepeat: r };
  }
  const stages = str(a, 'stages');
  if (stages !== undefined) {
    const parsed: DgpStage[] = stages.split(',').map((p, i) => {
      const m = /^(\d+)x(\d+)$/.exec(p.trim());
      if (!m) throw new UserError(`--stages must be ITERATIONSxBLOCKS,... (e.g. 100x1,100x2,100x3), got '${stages}'`);
      const old = s.dgp.stages[Math.min(i, s.dgp.stages.length - 1)];
      return { iterations: Number(m[1]), blocks: Number(m[2]), lrG: old.lrG, lrZ: old.lrZ };
    });
    s.dgp.stages = parsed;
  }
  const lrG = numList(str(a, 'lr-g'), 'lr-g', s.dgp.stages.length);
  const lrZ = numList(str(a, 'lr-z'), 'lr-z', s.dgp.stages.length);
  s.dgp.stages.forEach((st, i) => {
    if (lrG) st.lrG = lrG[i];
    if (lrZ) st.lrZ = lrZ[i];
  });
  s.dgp.candidates = int(a, 'candidates', s.dgp.candidates, 1)!;
  s.dgp.generator = choice(a, 'generator', ['progressive', 'fixed'] as const, s.dgp.generator);
  s.dgp.loss = choice(a, 'loss', ['feature', 'mse', 'auto'] as const, s.dgp.loss);
  s.dgp.discrepancyTau = num(a, 'discrepancy', s.dgp.discrepancyTau, 0)!;
  s.vae.iterations = int(a, 'iterations', s.vae.iterations, 1)!;
  s.vae.restarts = int(a, 'restarts', s.vae.restarts, 1)!;
  s.vae.lr = num(a, 'lr', s.vae.lr, 0)!;
  return s;
}

export const command: Command = {
  name: 'restore',
  summary: 'zero-shot restoration (inpainting, SR, denoising, CS, deblurring, colorization) with DDNM, DGP, a VAE or A+ y',
  usage,
  async run(argv) {
    const a = parse(argv, options, 'restore');
    const method = choice(a, 'method', METHODS, 'ddnm');
    if (a.values.method === undefined) throw new UserError(`restore: --method ${METHODS.join('|')} is required`);
    const [model, ...extra] = a.positionals;
    if (extra.length) throw new UserError(`restore: unexpected argument '${extra[0]}'`);
    if (!model && METHOD_MODEL[method] !== null) throw new UserError(`restore: name the ${METHOD_MODEL[method]} model (a run directory or pretrained:NAME) for --method ${method}`);
    const out = str(a, 'out');
    if (out === undefined) throw new UserError('restore: --out DIR is required');
    checkOutDir(out, '--out');
    const input = str(a, 'input');
    const maskFile = str(a, 'mask');
    const fileMask = maskFile !== undefined && maskFile.toLowerCase().endsWith('.png');
    if (fileMask && !input) throw new UserError('restore: a --mask FILE.png goes with --input IMAGE.png (one user image)');
    const task = parseTask(a, Boolean(input && fileMask));
    if (input && task.task === 'inpaint' && !fileMask && task.mask.kind === 'image') throw new UserError('restore: --input with --task inpaint needs --mask MASK.png or a mask kind');
    const settings = parseSettings(a, method);
    const n = int(a, 'n', 100, 1)!;
    await initBackend({ backend: choice(a, 'backend', ['auto', 'wasm', 'cpu', 'node'] as const, 'auto'), threads: int(a, 'threads', undefined, 1) });
    const json = flag(a, 'json');
    let last = '';
    const summary = await runRestore({
      model,
      method,
      task,
      data: str(a, 'data', 'mnist:test'),
      n: input ? 1 : n,
      batch: int(a, 'batch', 20, 1)!,
      seed: int(a, 'seed', 0, 0)!,
      out,
      settings,
      input: input ? { image: input, mask: fileMask ? maskFile : undefined } : undefined,
      features: str(a, 'features'),
      noFeatures: flag(a, 'no-features'),
      onProgress: (what, done, total) => {
        const line = `restore ${method}: ${what} ${done}/${total}`;
        if (!json && process.stderr.isTTY && line !== last) process.stderr.write(`\r${line}   `);
        last = line;
      },
    });
    if (!json && process.stderr.isTTY) process.stderr.write('\n');
    if (json) console.log(JSON.stringify(summary));
    else {
      const f = (v: number | null, d = 3) => (v === null ? '-' : v.toFixed(d));
      console.log(`${summary.task}, ${method}${summary.model ? ` (${summary.model})` : ''}, n = ${summary.n}: PSNR ${f(summary.psnr, 2)} dB (A+ y ${f(summary.psnrPinv, 2)}), SSIM ${f(summary.ssim)}, ||A x - y|| ${summary.consistency.toExponential(2)}, FID ${f(summary.fid, 1)} (truth ${f(summary.fidTruth, 1)}), accuracy ${f(summary.accuracy)} (truth ${f(summary.accuracyTruth)}), ${summary.secondsPerImage.toFixed(3)} s/image`);
      console.log(`wrote ${out}`);
    }
    return 0;
  },
};
