/**
 * The field kinds of a config declaration (schema.ts): what each accepts, its validation
 * message and how its flag's text is read. Composite kinds (objects, records, unions) are
 * structure.ts.
 */
import { UserError } from '../util/errors.js';

declare const noContext: unique symbol;
/** The context of a field whose default does not depend on anything. */
export interface NoContext {
  readonly [noContext]: true;
}

export interface FieldOptions<T, C> {
  /** One line: what the setting means (shown by --help). */
  doc?: string;
  /** The command-line flag that sets it, without the dashes. */
  flag?: string;
  /** The flag's value in --help (e.g. SOURCE, LR); derived from the kind otherwise. */
  arg?: string;
  /** The default, or a function of the context the config's declaration names (its data, ...). */
  default?: T | ((ctx: C) => T);
  /** Replaces the derived "must be <what>" of this field's validation message. */
  must?: string;
  /** Report any problem inside the field (a nested key) at the field itself, with `must`. */
  oneMessage?: boolean;
}

/** Where a value sits, for messages: `${where}: ${path} ...`. */
export interface At {
  where: string;
  path: string;
}

export function fail(at: At, what: string, got: unknown): never {
  throw new UserError(`${at.where}: ${at.path} ${what}, got ${JSON.stringify(got)}`);
}

export function child(at: At, key: string): At {
  return { where: at.where, path: at.path ? `${at.path}.${key}` : key };
}

export function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Every field kind: a value check, a flag parser and the words for both. */
export abstract class Field<T, C = NoContext> {
  declare readonly _type: T;
  declare readonly _context: C;
  readonly optional: boolean = false;
  constructor(readonly options: FieldOptions<T, C> = {}) {}
  /** What a valid value is, after "must be": 'a positive integer', 'adam|rmsprop|sgd'. */
  abstract what(): string;
  /** The flag's value in --help: N, X, mlp|conv, N,N,... */
  placeholder(): string {
    return this.options.arg ?? 'VALUE';
  }
  /** Throws the one-line UserError for a bad value (its own kind only; see check). */
  protected abstract checkValue(v: unknown, at: At): void;
  /** Checks v; with `oneMessage`, any problem inside is reported at this field's path. */
  check(v: unknown, at: At): void {
    if (!this.options.oneMessage) return this.checkValue(v, at);
    try {
      this.checkValue(v, at);
    } catch (e) {
      if (e instanceof UserError) fail(at, this.must(), v);
      throw e;
    }
  }
  /** "must be ..." for this field. */
  must(): string {
    return this.options.must ?? `must be ${this.what()}`;
  }
  /** A flag's text as a value, or a UserError naming the flag. */
  parseFlag(text: string, flag: string): T {
    throw new UserError(`--${flag}: '${text}' cannot be given on the command line`);
  }
  /** This field's default for ctx (a fresh copy), or undefined when it declares none. */
  defaultFor(ctx: C): T | undefined {
    const d = this.options.default;
    if (d === undefined) return undefined;
    const v = typeof d === 'function' ? (d as (c: C) => T)(ctx) : d;
    return v === undefined ? v : (JSON.parse(JSON.stringify(v)) as T);
  }
}

/** A field that is checked by a predicate. */
abstract class Leaf<T, C> extends Field<T, C> {
  protected abstract valid(v: unknown): boolean;
  accepts(v: unknown): boolean {
    return this.valid(v);
  }
  protected override checkValue(v: unknown, at: At): void {
    if (!this.valid(v)) fail(at, this.must(), v);
  }
}

function flagError(flag: string, what: string): never {
  throw new UserError(`--${flag} must be ${what}`);
}

export class IntField<C> extends Leaf<number, C> {
  constructor(readonly min: number, readonly max: number | undefined, options: FieldOptions<number, C>) {
    super(options);
  }
  override what(): string {
    if (this.max !== undefined) return `an integer in ${this.min}..${this.max}`;
    return this.min === 1 ? 'a positive integer' : this.min === 0 ? 'a non-negative integer' : `an integer >= ${this.min}`;
  }
  override placeholder(): string {
    return this.options.arg ?? 'N';
  }
  protected override valid(v: unknown): boolean {
    return typeof v === 'number' && Number.isInteger(v) && v >= this.min && (this.max === undefined || v <= this.max);
  }
  override parseFlag(text: string, flag: string): number {
    const n = Number(text);
    if (!Number.isInteger(n)) flagError(flag, `a whole number, got '${text}'`);
    if (n < this.min) flagError(flag, `at least ${this.min}, got ${n}`);
    if (this.max !== undefined && n > this.max) flagError(flag, `at most ${this.max}, got ${n}`);
    return n;
  }
}

export interface NumBounds {
  /** v >= min */
  min?: number;
  /** v > gt */
  gt?: number;
  /** v <= max */
  max?: number;
  /** v < lt */
  lt?: number;
}

export class NumField<C> extends Leaf<number, C> {
  constructor(readonly bounds: NumBounds, options: FieldOptions<number, C>) {
    super(options);
  }
  override what(): string {
    const { min, gt, max, lt } = this.bounds;
    const low = min !== undefined ? `[${min}` : gt !== undefined ? `(${gt}` : undefined;
    const high = max !== undefined ? `${max}]` : lt !== undefined ? `${lt})` : undefined;
    if (low && high) return `in ${low}, ${high}`;
    if (gt === 0 && !high) return 'a positive number';
    if (gt !== undefined) return `a number > ${gt}`;
    if (min !== undefined) return `a number >= ${min}`;
    if (lt !== undefined) return `a number < ${lt}`;
    if (max !== undefined) return `a number <= ${max}`;
    return 'a finite number';
  }
  override placeholder(): string {
    return this.options.arg ?? 'X';
  }
  protected override valid(v: unknown): boolean {
    const { min, gt, max, lt } = this.bounds;
    if (typeof v !== 'number' || !Number.isFinite(v)) return false;
    return !((min !== undefined && v < min) || (gt !== undefined && v <= gt) || (max !== undefined && v > max) || (lt !== undefined && v >= lt));
  }
  override parseFlag(text: string, flag: string): number {
    const { min, gt, max, lt } = this.bounds;
    const n = Number(text);
    if (!Number.isFinite(n)) flagError(flag, `a finite number, got '${text}'`);
    if (min !== undefined && n < min) flagError(flag, `at least ${min}, got ${n}`);
    if (gt !== undefined && n <= gt) flagError(flag, `${gt === 0 ? 'positive' : `above ${gt}`}, got ${n}`);
    if (max !== undefined && n > max) flagError(flag, `at most ${max}, got ${n}`);
    if (lt !== undefined && n >= lt) flagError(flag, `below ${lt}, got ${n}`);
    return n;
  }
}

export class OneOfField<T extends string, C> extends Leaf<T, C> {
  constructor(readonly values: readonly T[], options: FieldOptions<T, C>) {
    super(options);
  }
  override what(): string {
    return this.values.join('|');
  }
  override placeholder(): string {
    return this.options.arg ?? this.values.join('|');
  }
  protected override valid(v: unknown): boolean {
    return (this.values as readonly unknown[]).includes(v);
  }
  override parseFlag(text: string, flag: string): T {
    if (!(this.values as readonly string[]).includes(text)) flagError(flag, `one of ${this.values.join('|')}, got '${text}'`);
    return text as T;
  }
}

export class BoolField<C> extends Leaf<boolean, C> {
  override what(): string {
    return 'true or false';
  }
  override placeholder(): string {
    return this.options.arg ?? 'true|false';
  }
  protected override valid(v: unknown): boolean {
    return typeof v === 'boolean';
  }
  override parseFlag(text: string, flag: string): boolean {
    if (text !== 'true' && text !== 'false') flagError(flag, `true or false, got '${text}'`);
    return text === 'true';
  }
}

export class StrField<C> extends Leaf<string, C> {
  override what(): string {
    return 'a non-empty string';
  }
  override placeholder(): string {
    return this.options.arg ?? 'S';
  }
  protected override valid(v: unknown): boolean {
    return typeof v === 'string' && v !== '';
  }
  override parseFlag(text: string, flag: string): string {
    if (text === '') flagError(flag, `${this.what()}, got ''`);
    return text;
  }
}

export class IntListField<C> extends Leaf<number[], C> {
  constructor(readonly length: number | undefined, readonly allowEmpty: boolean, options: FieldOptions<number[], C>) {
    super(options);
  }
  override what(): string {
    if (this.length !== undefined) return `a list of ${this.length} positive integers`;
    return this.allowEmpty ? 'a list of positive integers' : 'a non-empty list of positive integers';
  }
  override placeholder(): string {
    return this.options.arg ?? 'N,N,...';
  }
  protected override valid(v: unknown): boolean {
    if (!Array.isArray(v) || (v.length === 0 && !this.allowEmpty) || (this.length !== undefined && v.length !== this.length)) return false;
    return v.every((n) => typeof n === 'number' && Number.isInteger(n) && n >= 1);
  }
  override parseFlag(text: string, flag: string): number[] {
    const parts = text.trim() === '' && this.allowEmpty ? [] : text.split(',').map((s) => Number(s.trim()));
    const count = this.length === undefined ? '' : `${this.length} `;
    if (!this.valid(parts)) flagError(flag, `${count}comma-separated positive whole numbers, got '${text}'`);
    return parts;
  }
}

export interface NullableOptions<T, C> extends FieldOptions<T | null, C> {
  /** The flag takes 'off' for null (e.g. --ema off). */
  off?: boolean;
  /** The flag's text as the inner value, when that is not the inner kind's own (e.g. --ema 0.99 -> {decay: 0.99}). */
  fromFlag?: (text: string) => T;
  /** The flag value as text in --help, the inverse of fromFlag. */
  toFlag?: (value: T) => string;
  /** What the flag takes, for its message: "--ema must be <flagWhat> or 'off'". */
  flagWhat?: string;
}

export class NullableField<T, C> extends Field<T | null, C> {
  declare readonly options: NullableOptions<T, C>;
  constructor(readonly inner: Field<T, C>, options: NullableOptions<T, C>) {
    super(options);
  }
  override what(): string {
    return `${this.inner.what()} or null`;
  }
  override placeholder(): string {
    return this.options.arg ?? `${this.inner.placeholder()}${this.options.off ? '|off' : ''}`;
  }
  protected override checkValue(v: unknown, at: At): void {
    if (v === null) return;
    // A bad scalar is reported as "must be <what> or null"; a nested key keeps its own message.
    if (this.inner instanceof Leaf && !this.inner.accepts(v)) fail(at, this.must(), v);
    this.inner.check(v, at);
  }
  override parseFlag(text: string, flag: string): T | null {
    if (this.options.off && text === 'off') return null;
    const { fromFlag } = this.options;
    if (!this.options.off) return fromFlag ? this.checkedFlag(fromFlag(text), text, flag) : this.inner.parseFlag(text, flag);
    try {
      return fromFlag ? this.checkedFlag(fromFlag(text), text, flag) : this.inner.parseFlag(text, flag);
    } catch (e) {
      if (e instanceof UserError) flagError(flag, `${this.options.flagWhat ?? this.inner.what()} or 'off', got '${text}'`);
      throw e;
    }
  }
  private checkedFlag(v: T, text: string, flag: string): T {
    try {
      this.inner.check(v, { where: `--${flag}`, path: 'value' });
    } catch (e) {
      if (e instanceof UserError) flagError(flag, `${this.options.flagWhat ?? this.inner.what()}, got '${text}'`);
      throw e;
    }
    return v;
  }
}

export class OptionalField<T, C> extends Field<T | undefined, C> {
  override readonly optional = true as const;
  constructor(readonly inner: Field<T, C>) {
    super({ ...(inner.options as FieldOptions<T | undefined, C>) });
  }
  override what(): string {
    return this.inner.what();
  }
  override placeholder(): string {
    return this.inner.placeholder();
  }
  protected override checkValue(v: unknown, at: At): void {
    if (v !== undefined) this.inner.check(v, at);
  }
  override parseFlag(text: string, flag: string): T {
    return this.inner.parseFlag(text, flag);
  }
}

export interface AnyField {
  readonly optional: boolean;
  readonly options: { readonly doc?: string; readonly flag?: string; readonly arg?: string };
  what(): string;
  placeholder(): string;
  check(v: unknown, at: At): void;
  parseFlag(text: string, flag: string): unknown;
  defaultFor(ctx: never): unknown;
}
