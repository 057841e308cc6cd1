/**
 * The figure commands (interpolate, reconstruct, manifold) through the family adapters: the
 * command line is read with the options of every family that has the figure, the run's family
 * is found from its config.json, and its adapter draws the figure. Options that only another
 * family's runs take are refused naming the run's family.
 */
import { readRunConfig } from '../train/checkpoint.js';
import { resolveRunPath } from '../train/load_run.js';
import { UserError } from '../util/errors.js';
import { parse, type OptionSpec } from './args.js';
import { allFamilyClis, familiesPhrase, familyCli } from './families/index.js';
import type { FigureName } from './families/types.js';

export async function runFigure(name: FigureName, argv: string[]): Promise<number> {
  const owners = (await allFamilyClis()).filter((c) => c.figures?.[name]);
  const options: OptionSpec = Object.assign({}, ...owners.map((c) => c.figures![name]!.options));
  const a = parse(argv, options, name);
  const [dir, ...extra] = a.positionals;
  if (!dir) throw new UserError(`${name}: name the run directory`);
  if (extra.length) throw new UserError(`${name}: unexpected argument '${extra[0]}'`);
  const model = (await readRunConfig(resolveRunPath(dir))).model;
  const figure = (await familyCli(model)).figures?.[name];
  if (!figure) throw new UserError(`${name}: ${dir} is a '${model}' run; this command needs ${familiesPhrase(owners)}`);
  for (const k of Object.keys(a.values)) if (!(k in figure.options)) throw new UserError(`${name}: --${k} does not apply to ${model} runs`);
  return figure.run(a, dir);
}
