/**
 * The shared training flags of `genlab train`, every one a field of the training declaration
 * (src/train/training_schema.ts), and the one rule that is not: --steps sets the length in steps
 * and so clears a family's or file's --epochs.
 */
import { applyFlags, helpRows, type HelpRow } from '../config/schema.js';
import { trainingSchema, type TrainingConfig } from '../train/training_schema.js';
import { UserError } from '../util/errors.js';
import type { ParsedArgs } from './args.js';
import { configOptions, givenFlags } from './config_flags.js';

export const trainingOptions = configOptions(trainingSchema);

/** The training flags over `t` (a copy is returned). */
export function trainingFromArgs(a: ParsedArgs, t: TrainingConfig): TrainingConfig {
  const given = givenFlags(a, trainingSchema);
  const out = applyFlags(trainingSchema, given, t);
  if (given.steps !== undefined && given.epochs !== undefined) throw new UserError('give --steps or --epochs, not both');
  if (given.steps !== undefined) out.epochs = null;
  return out;
}

export function trainingHelp(defaults: TrainingConfig, alternative?: TrainingConfig): HelpRow[] {
  return helpRows(trainingSchema, defaults, alternative);
}
