/**
 * The sampler options of `genlab sample` and `genlab eval` on DDPM runs: the flags of the
 * sampler fields of the DDPM config (src/models/ddpm/config.ts), --sampler, --sampling-steps and
 * --eta, read with the same checks and messages as `genlab train ddpm`, and one rule for what
 * they leave out. `genlab sample` also takes --steps, the older name of --sampling-steps.
 */
import { flagField } from '../../config/schema.js';
import { samplerConfigSchema, type DdpmConfig } from '../../models/ddpm/config.js';
import type { SamplerConfig } from '../../models/ddpm/sampling.js';
import { UserError } from '../../util/errors.js';
import { str, type OptionSpec, type ParsedArgs } from '../args.js';

export const SAMPLER_OPTIONS: OptionSpec = { sampler: { type: 'string' }, 'sampling-steps': { type: 'string' }, eta: { type: 'string' }, spacing: { type: 'string' } };
/** `genlab sample --steps N`, as the README writes it: the same as --sampling-steps N. */
export const STEPS_ALIAS = 'steps';

/** The sampler flags given; `stepsFlag` is the name the step count was given by, for messages. */
export interface SamplerChoice {
  kind?: SamplerConfig['kind'];
  steps?: number;
  eta?: number;
  spacing?: SamplerConfig['spacing'];
  stepsFlag: string;
}

function parsed(a: ParsedArgs, flag: string, as = flag): unknown {
  const text = str(a, as);
  return text === undefined ? undefined : flagField(samplerConfigSchema, flag).parseFlag(text, as);
}

/** Reads --sampler, --sampling-steps (or, with `alias`, --steps) and --eta. */
export function samplerChoice(a: ParsedArgs, alias: boolean): SamplerChoice {
  const viaAlias = alias && str(a, STEPS_ALIAS) !== undefined;
  if (viaAlias && str(a, 'sampling-steps') !== undefined) throw new UserError(`give --sampling-steps or --${STEPS_ALIAS} (the same option), not both`);
  const stepsFlag = viaAlias ? STEPS_ALIAS : 'sampling-steps';
  return {
    kind: parsed(a, 'sampler') as SamplerChoice['kind'],
    steps: parsed(a, 'sampling-steps', stepsFlag) as number | undefined,
    eta: parsed(a, 'eta') as number | undefined,
    spacing: parsed(a, 'spacing') as SamplerChoice['spacing'],
    stepsFlag,
  };
}

/**
 * The sampler a choice gives for a run of config `config`: the run's sampler kind unless
 * --sampler names one; DDIM's step count given, else the run's (when it samples with DDIM), else
 * 50 (the DDIM paper's middle setting); DDPM visits all T steps; eta given, else 0 for DDIM
 * (deterministic) and 1 for DDPM; the run's timestep spacing.
 */
export function resolveSampler(config: DdpmConfig, choice: SamplerChoice): SamplerConfig {
  const base = config.sampler;
  const T = config.schedule.steps;
  const kind = choice.kind ?? base.kind;
  const steps = choice.steps ?? (kind !== 'ddpm' ? (base.kind !== 'ddpm' ? base.steps : 50) : T);
  if (kind !== 'ddpm' && steps > T) throw new UserError(`--${choice.stepsFlag} must be at most T = ${T}, got ${steps}`);
  if (kind === 'ddpm' && choice.steps !== undefined && steps !== T) {
    throw new UserError(`--${choice.stepsFlag}: the DDPM sampler visits all T = ${T} steps; use --sampler ddim (or dpm++2m, unipc) for fewer`);
  }
  if (choice.eta !== undefined && (kind === 'dpm++2m' || kind === 'unipc')) throw new UserError(`--eta: the ${kind} sampler is deterministic (it solves the probability-flow ODE); --eta goes with ddim`);
  const eta = choice.eta ?? (kind === 'ddim' ? 0 : kind === 'ddpm' ? 1 : 0);
  return { kind, steps: kind === 'ddpm' ? T : steps, eta, spacing: choice.spacing ?? base.spacing };
}

/** 'ddim-50-eta0', 'ddpm-1000', 'unipc-20': the sampler as eval's results name it. */
export function samplerLabel(s: SamplerConfig): string {
  return `${s.kind}-${s.steps}${s.kind === 'ddim' ? `-eta${s.eta}` : ''}`;
}
