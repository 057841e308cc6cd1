/**
 * genlab export RUN --out DIR: a run reduced to what a page needs to open it with the core's
 * loadRun (genlab studio's "Load your own", or any page): DIR/config.json (the run's config with
 * its data shape), DIR/model/ (the sampling weights: EMA where the run keeps one, else the
 * latest checkpoint's, as `genlab sample` picks them) and DIR/export.json (where it came from,
 * the files). The same layout as pretrained/.
 */
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Command } from '../command.js';
import { flag, parse, str } from '../args.js';
import { UserError } from '../../util/errors.js';
import { checkOutDir } from '../out_path.js';
import { initBackend } from '../../backend/index.js';
import { loadRun, resolveRunPath } from '../../train/load_run.js';
import { readRunConfig } from '../../train/checkpoint.js';
import { modelMaker } from '../../models/model_classes.js';
import { saveWeights } from '../../io/weights.js';
import { makeDirs, writeDirAtomic, writeFileAtomic } from '../../io/atomic.js';

const usage = `usage: genlab export RUN|pretrained:NAME --out DIR [--float16]
  writes DIR/config.json, DIR/model/ (the sampling weights) and DIR/export.json: what a page
  needs to open the run (genlab studio: Load your own). DIR must be new, empty or an earlier export.
  --float16   store the weights as half floats: half the bytes, relative error at most 2^-11
              per weight; loaders (genlab's and tfjs's) read them back as float32`;

/** Throws unless DIR may be written: absent, empty, or holding an earlier export (replaced). */
function checkExportDir(out: string): void {
  checkOutDir(out);
  if (!existsSync(out)) return;
  const entries = readdirSync(out);
  if (entries.length > 0 && !entries.includes('export.json')) throw new UserError(`--out ${out}: is not empty and holds no earlier export; choose a new directory`);
}

export const command: Command = {
  name: 'export',
  summary: 'write a run as a folder a web page can open (genlab studio: Load your own)',
  usage,
  async run(argv) {
    const run = argv[0];
    if (!run || run.startsWith('-')) throw new UserError('export: name a run directory (or pretrained:NAME)');
    const a = parse(argv.slice(1), { out: { type: 'string' }, float16: { type: 'boolean' } }, 'export');
    const out = str(a, 'out');
    const float16 = flag(a, 'float16');
    if (out === undefined) throw new UserError('export: --out DIR is required (the folder to write)');
    const dir = resolveRunPath(run);
    if (!statSync(dir).isDirectory()) throw new UserError(`${run}: is a file, not a run directory`);
    const config = await readRunConfig(dir);
    // The page rebuilds the model with the core's makers: refuse a family it cannot open before writing anything.
    await modelMaker(config.model).catch((e: unknown) => {
      throw new UserError(`${run}: a '${config.model}' run cannot be opened in a page (${e instanceof Error ? e.message : String(e)})`);
    });
    checkExportDir(out);
    if (resolve(out) === resolve(dir)) throw new UserError(`--out ${out}: is the run itself; choose another directory`);
    await initBackend({ backend: 'cpu' }); // reading and writing weights only
    const loaded = await loadRun(run);
    try {
      const exported = { ...loaded.config, dataShape: loaded.data };
      const ema = loaded.config.training.ema !== null;
      await writeDirAtomic(out, async (tmp) => {
        await writeFileAtomic(join(tmp, 'config.json'), JSON.stringify(exported, null, 2) + '\n');
        const modelDir = join(tmp, 'model');
        await makeDirs(modelDir);
        await saveWeights(modelDir, 'model', loaded.model.namedVariables(), exported, { ema, exportedFrom: run }, { float16 });
        const files = ['config.json', 'model/model.json', 'model/weights.bin'];
        const info = { genlab: loaded.config.genlab, model: loaded.config.model, exportedFrom: run, ema, float16, files };
        await writeFileAtomic(join(tmp, 'export.json'), JSON.stringify(info, null, 2) + '\n');
      });
    } finally {
      loaded.model.dispose();
    }
    console.log(out);
    return 0;
  },
};
