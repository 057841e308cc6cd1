/**
 * A model family's command line, kept out of the family itself (src/models/* know nothing of
 * flags): what `genlab train NAME` adds to the shared options, and the extras of the commands
 * that work on its runs. Each command asks the registry (index.ts) for the adapter of the run's
 * family and uses what it has; none checks a model's name or class.
 */
import type { HelpRow } from '../../config/schema.js';
import type { DefaultsHints, RunConfig, TrainableModel } from '../../train/types.js';
import type { OptionSpec, ParsedArgs } from '../args.js';

/** `genlab train NAME`: the family's flags over its model config. */
export interface TrainFlags<M> {
  /** Options beyond the shared training and run options. */
  options: OptionSpec;
  /** One --help row per option, with defaults read from `defaults` (the family's for mnist) and `alternative` (for 2-D points). */
  help(defaults: M, alternative?: M): HelpRow[];
  /** What the help's defaults assume besides the data, e.g. "--loss ns", or undefined. */
  helpAssumes?: string;
  /** The settings the flags choose that bring defaults of their own (gan's --loss), for family.defaults. */
  hints?(a: ParsedArgs, fileModelConfig: unknown): DefaultsHints;
  /** The flags applied over a model config (a copy is returned). */
  apply(a: ParsedArgs, config: M): M;
  /** Training settings the family's own flags set (cyclegan's --data-a / --data-b: data and streams), applied like a --config file's. */
  training?(a: ParsedArgs): Record<string, unknown>;
}

/** Extra `genlab sample` options and the sampling they choose (e.g. DDPM's sampler, a trajectory). */
export interface SampleExtras {
  options: OptionSpec;
  /** Checks the options before the backend starts (e.g. that a trajectory can be written). */
  check?(a: ParsedArgs): void;
  /** Writes `opts.out` (and what else the options ask for) from the loaded model. */
  run(model: TrainableModel, a: ParsedArgs, opts: { n: number; seed: number; out: string }): Promise<void>;
}

/** `genlab eval` options that choose how a run's samples are drawn (e.g. DDPM's sampler). */
export interface EvalSampling {
  options: OptionSpec;
  /**
   * Reads and checks the options against the run's saved config, before any work: null when
   * none was given (the run's own sampler), else a label for the results and how to set up the
   * loaded model.
   */
  parse(a: ParsedArgs, config: RunConfig): { label: string; configure(model: TrainableModel): void } | null;
}

/** A figure command (interpolate, reconstruct, manifold) on one family's runs. */
export interface FigureCommand {
  options: OptionSpec;
  run(a: ParsedArgs, dir: string): Promise<number>;
}
export type FigureName = 'interpolate' | 'reconstruct' | 'manifold';

export interface FamilyCli<M = unknown> {
  name: string;
  train: TrainFlags<M>;
  sample?: SampleExtras;
  evalSampling?: EvalSampling;
  figures?: Partial<Record<FigureName, FigureCommand>>;
}
