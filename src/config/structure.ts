/**
 * Objects, records and tagged unions of fields (fields.ts), the TypeScript types a declaration
 * infers, and its defaults.
 */
import { UserError } from '../util/errors.js';
import { Field, OneOfField, child, fail, isPlainObject, type AnyField, type At, type FieldOptions, type NoContext } from './fields.js';

export type Shape = Record<string, AnyField>;

/** The TypeScript type a field declares. */
export type Infer<F> = F extends { readonly _type: infer T } ? T : never;
type ContextOf<F> = F extends { readonly _context: infer C } ? C : never;
type OptionalKeys<S> = { [K in keyof S]: S[K] extends { readonly optional: true } ? K : never }[keyof S];
type Simplify<T> = { [K in keyof T]: T[K] } & {};
export type InferShape<S extends Shape> = Simplify<
  { -readonly [K in Exclude<keyof S, OptionalKeys<S>>]: Infer<S[K]> } & { -readonly [K in OptionalKeys<S>]?: Exclude<Infer<S[K]>, undefined> }
>;
type UnionToIntersection<U> = (U extends unknown ? (x: U) => void : never) extends (x: infer I) => void ? I : never;
type Contexts<S> = Exclude<{ [K in keyof S]: ContextOf<S[K]> }[keyof S], NoContext>;
/** What the defaults of a shape's fields need: the intersection of their contexts. */
export type ShapeContext<S extends Shape> = [Contexts<S>] extends [never] ? NoContext : UnionToIntersection<Contexts<S>>;
/** Arguments of defaults(): none when nothing depends on a context. */
export type ContextArgs<C> = [C] extends [NoContext] ? [] : [ctx: C];

export interface ObjectOptions<T> {
  doc?: string;
  /** Checks across fields, after each field's own: the key (relative to the object) and what it must be, or null. */
  refine?: (v: T) => { key: string; must: string } | null;
}

export function getPath(v: unknown, keys: string[]): unknown {
  return keys.reduce<unknown>((x, k) => (isPlainObject(x) ? x[k] : undefined), v);
}

export class ObjectField<T, C> extends Field<T, C> {
  readonly objectOptions: ObjectOptions<T>;
  constructor(readonly shape: Shape, options: ObjectOptions<T> = {}) {
    super({ doc: options.doc });
    this.objectOptions = options;
  }
  override what(): string {
    return 'an object';
  }
  protected override checkValue(v: unknown, at: At): void {
    if (!isPlainObject(v)) fail(at, 'must be an object', v);
    const keys = Object.keys(this.shape);
    for (const k of Object.keys(v)) if (!keys.includes(k)) fail(child(at, k), `is not a known key (${keys.join(', ')})`, v[k]);
    for (const [k, f] of Object.entries(this.shape)) {
      if (v[k] === undefined && !f.optional) throw new UserError(`${at.where}: ${child(at, k).path} is missing (it must be ${f.what()})`);
      f.check(v[k], child(at, k));
    }
    const bad = this.objectOptions.refine?.(v as T);
    if (bad) fail(child(at, bad.key), bad.must, getPath(v, bad.key.split('.')));
  }
  /** Throws a one-line UserError `${where}: ${root}.${key} must be ..., got ...` unless v is valid. */
  validate(v: unknown, where: string, root = ''): void {
    this.check(v, { where, path: root });
  }
  /** The default config for ctx: every field's default, in declaration order (the order config.json keeps). */
  defaults(...args: ContextArgs<C>): T {
    return this.defaultFor(args[0] as C) as T;
  }
  override defaultFor(ctx: C): T {
    const own = super.defaultFor(ctx);
    if (own !== undefined) return own;
    const out: Record<string, unknown> = {};
    for (const [k, f] of Object.entries(this.shape)) {
      const d = (f as Field<unknown, C>).defaultFor(ctx);
      if (d !== undefined) out[k] = d;
      else if (!f.optional) throw new Error(`config schema: '${k}' declares no default`);
    }
    return out as T;
  }
}

export class RecordField<T, C> extends Field<Record<string, T>, C> {
  constructor(readonly inner: Field<T, C>, options: FieldOptions<Record<string, T>, C> & { nonEmpty?: boolean }) {
    super(options);
    this.nonEmpty = options.nonEmpty ?? false;
  }
  readonly nonEmpty: boolean;
  override what(): string {
    return `an object of ${this.inner.what()}`;
  }
  protected override checkValue(v: unknown, at: At): void {
    if (!isPlainObject(v) || (this.nonEmpty && Object.keys(v).length === 0)) fail(at, this.must(), v);
    for (const [k, x] of Object.entries(v)) this.inner.check(x, child(at, k));
  }
}

export type VariantsType<Tag extends string, V extends Record<string, Shape>> = {
  [K in keyof V & string]: Simplify<{ -readonly [P in Tag]: K } & InferShape<V[K]>>;
}[keyof V & string];
export type VariantsContext<V extends Record<string, Shape>> = ShapeContext<{ [K in keyof V]: ObjectField<unknown, ShapeContext<V[K]>> }>;

/** A tagged union of objects, e.g. {kind: 'unet', unet: {...}} | {kind: 'mlp', mlp: {...}}. */
export class UnionField<T, C> extends Field<T, C> {
  readonly variants: Record<string, ObjectField<unknown, C>>;
  constructor(readonly tag: string, shapes: Record<string, Shape>, readonly tagDefault: ((ctx: C) => string) | undefined, options: FieldOptions<T, C> = {}) {
    super(options);
    this.variants = Object.fromEntries(Object.entries(shapes).map(([k, s]) => [k, new ObjectField<unknown, C>({ [tag]: new OneOfField([k], { default: k }), ...s })]));
  }
  override what(): string {
    return `an object with ${this.tag} ${Object.keys(this.variants).join('|')}`;
  }
  protected override checkValue(v: unknown, at: At): void {
    if (!isPlainObject(v)) fail(at, 'must be an object', v);
    const variant = this.variants[v[this.tag] as string];
    if (!variant || typeof v[this.tag] !== 'string') fail(child(at, this.tag), `must be ${Object.keys(this.variants).join('|')}`, v[this.tag]);
    variant.check(v, at);
  }
  override defaultFor(ctx: C): T {
    const own = super.defaultFor(ctx);
    if (own !== undefined) return own;
    if (!this.tagDefault) throw new Error(`config schema: the union on '${this.tag}' declares no default`);
    const tag = this.tagDefault(ctx);
    return { ...(this.variants[tag].defaultFor(ctx) as object), [this.tag]: tag } as T;
  }
}

/** A config declaration as the rest of genlab sees it, whatever its defaults depend on. */
export interface ConfigSchema<T> {
  readonly shape: Shape;
  validate(v: unknown, where: string, root?: string): void;
}
