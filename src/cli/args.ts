/**
 * Small helpers over node:util.parseArgs so every command reports bad options the same way:
 * one line naming the option and what is wrong, thrown as a UserError (exit status 2).
 */
import { parseArgs } from 'node:util';
import { UserError } from '../util/errors.js';

export type OptionSpec = Record<string, { type: 'string' | 'boolean'; short?: string; multiple?: boolean }>;

export interface ParsedArgs {
  values: Record<string, string | boolean | string[] | undefined>;
  positionals: string[];
}

/** A negative number: -1, -0.5, -.5, -1e-3, -Infinity. */
const NEGATIVE_NUMBER = /^-(\d|\.\d|Infinity$)/;

/**
 * node:util.parseArgs refuses `--lr -1` as "ambiguous" (the value starts with '-'). A negative
 * number after an option that takes a value can only be that value (genlab has no options
 * named by digits), so it is joined to its option (`--lr=-1`) and the option's own check then
 * says what is wrong with it. Any other value starting with '-' after such an option gets a
 * message saying how to write it.
 */
function joinOptionValues(argv: string[], options: OptionSpec, command: string): string[] {
  const byShort = new Map(Object.entries(options).filter(([, o]) => o.short).map(([k, o]) => [o.short!, k]));
  const out: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const t = argv[i];
    if (t === '--') {
      out.push(...argv.slice(i));
      break;
    }
    const long = /^--([^=]+)$/.exec(t)?.[1];
    const name = long ?? (/^-([A-Za-z])$/.test(t) ? byShort.get(t.slice(1)) : undefined);
    const next = argv[i + 1];
    if (name !== undefined && options[name]?.type === 'string' && next !== undefined && next.startsWith('-') && next !== '-') {
      if (NEGATIVE_NUMBER.test(next)) {
        out.push(`--${name}=${next}`);
        i++;
        continue;
      }
      if (next.startsWith('--')) throw new UserError(`${command}: ${t} needs a value, but the option ${next} follows it; write ${t} VALUE`);
      throw new UserError(`${command}: ${t}: a value starting with '-' must be written ${t.startsWith('--') ? t : `--${name}`}=${next}`);
    }
    out.push(t);
  }
  return out;
}

export function parse(argv: string[], options: OptionSpec, command: string): ParsedArgs {
  const args = joinOptionValues(argv, options, command);
  try {
    const { values, positionals } = parseArgs({ args, options, allowPositionals: true, strict: true });
    return { values: values as ParsedArgs['values'], positionals };
  } catch (e) {
    const msg = (e as Error).message.split('\n')[0];
    const missing = /^Option '(-[^ ',]+)(?:, (--[^ ',]+))? <value>' argument missing/.exec(msg);
    if (missing) throw new UserError(`${command}: ${missing[2] ?? missing[1]} needs a value`);
    throw new UserError(`${command}: ${msg}`);
  }
}

export function str(a: ParsedArgs, name: string): string | undefined;
export function str(a: ParsedArgs, name: string, fallback: string): string;
export function str(a: ParsedArgs, name: string, fallback?: string): string | undefined {
  const v = a.values[name];
  if (v === undefined) return fallback;
  if (typeof v !== 'string') throw new UserError(`--${name} takes a value`);
  return v;
}

export function flag(a: ParsedArgs, name: string): boolean {
  return a.values[name] === true;
}

/** An integer option; refuses fractions, NaN and values below `min`. */
export function int(a: ParsedArgs, name: string, fallback: number | undefined, min = 0): number | undefined {
  const v = str(a, name);
  if (v === undefined) return fallback;
  const n = Number(v);
  if (!Number.isInteger(n)) throw new UserError(`--${name} must be a whole number, got '${v}'`);
  if (n < min) throw new UserError(`--${name} must be at least ${min}, got ${n}`);
  return n;
}

/** A finite number option; refuses NaN, Infinity and values below `min`. */
export function num(a: ParsedArgs, name: string, fallback: number | undefined, min = -Infinity): number | undefined {
  const v = str(a, name);
  if (v === undefined) return fallback;
  const n = Number(v);
  if (!Number.isFinite(n)) throw new UserError(`--${name} must be a finite number, got '${v}'`);
  if (n < min) throw new UserError(`--${name} must be at least ${min}, got ${n}`);
  return n;
}

/** One of a fixed set of strings. */
export function choice<T extends string>(a: ParsedArgs, name: string, choices: readonly T[], fallback: T): T {
  const v = str(a, name);
  if (v === undefined) return fallback;
  if (!(choices as readonly string[]).includes(v)) {
    throw new UserError(`--${name} must be one of ${choices.join('|')}, got '${v}'`);
  }
  return v as T;
}

/** --NAME as comma-separated positive whole numbers (e.g. --hidden 128,128), or undefined when absent. */
export function intList(a: ParsedArgs, name: string): number[] | undefined {
  const v = str(a, name);
  if (v === undefined) return undefined;
  const parts = v.split(',').map((s) => Number(s.trim()));
  if (parts.length === 0 || parts.some((n) => !Number.isInteger(n) || n < 1)) {
    throw new UserError(`--${name} must be comma-separated positive whole numbers, got '${v}'`);
  }
  return parts;
}
