/**
 * The shape of src/ as a graph of imports (issue 12, "One core that runs anywhere").
 *
 * Nodes are the files src/**\/*.ts; an edge a -> b is any of, with a literal relative path:
 *   import ... from './b.js'      import type ... from './b.js'      import './b.js'
 *   export ... from './b.js'      export type ... from './b.js'      import('./b.js')
 * ('.js' resolves to the '.ts' beside it; a folder to its index.ts). Type-only imports count:
 * they vanish at run time, but a type cycle is still two files that cannot be read (or moved)
 * one without the other. Package imports ('@tensorflow/...', 'node:...') are not nodes.
 *
 * Checks: (1) no import cycles, except the one listed in KNOWN_CYCLES; (2) (todo) nothing
 * outside src/cli imports src/cli, so model families know nothing of the command line.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const SRC = join(ROOT, 'src');

function listTs(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir).sort()) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) out.push(...listTs(p));
    else if (name.endsWith('.ts') && !name.endsWith('.d.ts')) out.push(p);
  }
  return out;
}

/** Strips comments (line and block) but keeps string literals, so a commented-out import is no edge. */
function stripComments(src: string): string {
  let out = '';
  let i = 0;
  while (i < src.length) {
    const c = src[i];
    const n = src[i + 1];
    if (c === '/' && n === '/') {
      while (i < src.length && src[i] !== '\n') i++;
    } else if (c === '/' && n === '*') {
      i += 2;
      while (i < src.length && !(src[i] === '*' && src[i + 1] === '/')) i++;
      i += 2;
    } else if (c === "'" || c === '"' || c === '`') {
      const start = i++;
      while (i < src.length && src[i] !== c) i += src[i] === '\\' ? 2 : 1;
      i++;
      out += src.slice(start, i);
    } else {
      out += c;
      i++;
    }
  }
  return out;
}

/** The literal module specifiers a file imports or re-exports, static and dynamic. */
function specifiers(source: string): string[] {
  const code = stripComments(source);
  const found: string[] = [];
  const patterns = [
    // import x from '...', import type { x } from '...', import * as x from '...', export { x } from '...', export * from '...'
    /(?:^|[;\n}])\s*(?:import|export)\s+(?:type\s+)?[^'";]*?\sfrom\s*['"]([^'"]+)['"]/g,
    // side-effect import '...'
    /(?:^|[;\n}])\s*import\s*['"]([^'"]+)['"]/g,
    // dynamic import('...') with a literal path
    /\bimport\s*\(\s*['"]([^'"]+)['"]\s*\)/g,
  ];
  for (const re of patterns) for (const m of code.matchAll(re)) found.push(m[1]);
  return found;
}

function resolveSpec(from: string, spec: string): string | null {
  if (!spec.startsWith('.')) return null;
  const base = resolve(dirname(from), spec);
  const candidates = [base.replace(/\.js$/, '.ts'), `${base}.ts`, join(base, 'index.ts')];
  for (const c of candidates) if (existsSync(c) && statSync(c).isFile()) return c;
  throw new Error(`${relative(ROOT, from)}: cannot resolve import '${spec}'`);
}

type Graph = Map<string, Set<string>>;

function importGraph(): Graph {
  const g: Graph = new Map();
  for (const f of listTs(SRC)) {
    const key = relative(ROOT, f);
    const deps = new Set<string>();
    for (const s of specifiers(readFileSync(f, 'utf8'))) {
      const r = resolveSpec(f, s);
      if (r) deps.add(relative(ROOT, r));
    }
    g.set(key, deps);
  }
  return g;
}

/** Strongly connected components (Tarjan); every cycle lies inside one with more than one file, or a self-import. */
function cyclicComponents(g: Graph): string[][] {
  let index = 0;
  const idx = new Map<string, number>();
  const low = new Map<string, number>();
  const onStack = new Set<string>();
  const stack: string[] = [];
  const out: string[][] = [];
  const visit = (v: string): void => {
    idx.set(v, index);
    low.set(v, index);
    index++;
    stack.push(v);
    onStack.add(v);
    for (const w of g.get(v) ?? []) {
      if (!idx.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) {
        low.set(v, Math.min(low.get(v)!, idx.get(w)!));
      }
    }
    if (low.get(v) === idx.get(v)) {
      const comp: string[] = [];
      let w: string;
      do {
        w = stack.pop()!;
        onStack.delete(w);
        comp.push(w);
      } while (w !== v);
      if (comp.length > 1 || g.get(v)?.has(v)) out.push(comp.sort());
    }
  };
  for (const v of [...g.keys()].sort()) if (!idx.has(v)) visit(v);
  return out;
}

/** One shortest cycle through `start` inside `comp`, as a readable chain a -> b -> ... -> a. */
function cycleThrough(g: Graph, comp: string[], start: string): string {
  const inComp = new Set(comp);
  const prev = new Map<string, string>();
  const queue = [start];
  const seen = new Set([start]);
  while (queue.length) {
    const v = queue.shift()!;
    for (const w of g.get(v) ?? []) {
      if (!inComp.has(w)) continue;
      if (w === start) {
        const path = [start];
        for (let u: string | undefined = v; u !== undefined && u !== start; u = prev.get(u)) path.splice(1, 0, u);
        return [...path, start].join(' -> ');
      }
      if (!seen.has(w)) {
        seen.add(w);
        prev.set(w, v);
        queue.push(w);
      }
    }
  }
  return comp.join(', ');
}

/** The edges inside one component, 'a -> b', sorted. */
function edgesWithin(g: Graph, comp: string[]): string[] {
  const inComp = new Set(comp);
  const edges: string[] = [];
  for (const a of comp) for (const b of g.get(a) ?? []) if (inComp.has(b)) edges.push(`${a} -> ${b}`);
  return edges.sort();
}

/**
 * Cycles known and not yet broken, pinned to their exact edges so that any new edge among the
 * same files, or any new file drawn into the cycle, still fails.
 *
 * Issue 12: the registry loads the families on demand, and the vae family's report section
 * opens its run through vae/run.ts -> train/load_run.ts, which asks the registry for the run's
 * family. Breaking it means handing reportSections the loaded model (a change of the
 * ModelFamily contract in train/types.ts and of its caller train/report.ts) or load_run not
 * reaching the registry; both are part of the loop/adapter work on src/train, not done yet.
 * (The gan family's half of this cycle is broken: gan/index.ts now re-exports
 * latent_interpolation.ts, not the command in gan/interpolate.ts that opens runs.)
 */
const KNOWN_CYCLES: { issue: number; edges: string[] }[] = [
  {
    issue: 12,
    edges: [
      'src/models/registry.ts -> src/models/vae/index.ts',
      'src/models/vae/index.ts -> src/models/vae/run.ts',
      'src/models/vae/run.ts -> src/train/load_run.ts',
      'src/train/load_run.ts -> src/models/registry.ts',
    ],
  },
];

test('the import graph parser sees static, type-only, re-export, side-effect and dynamic imports, and not comments', () => {
  const src = [
    "import * as tf from '@tensorflow/tfjs-core';",
    "import type { A } from './a.js';",
    "import { b,\n  c } from './b.js';",
    "export { d } from './d.js';",
    "export * from './e.js';",
    "import './f.js';",
    "const g = await import('./g.js');",
    "// import { h } from './h.js';",
    "/* import { i } from './i.js'; */",
    "const s = 'import j from \"./j.js\"';",
  ].join('\n');
  assert.deepEqual(specifiers(src).sort(), ['./a.js', './b.js', './d.js', './e.js', './f.js', './g.js', '@tensorflow/tfjs-core']);
});

test('the cycle finder: a planted cycle is found and listed, a DAG has none, a self-import counts', () => {
  const g: Graph = new Map([
    ['a', new Set(['b'])],
    ['b', new Set(['c'])],
    ['c', new Set(['a', 'd'])],
    ['d', new Set<string>()],
    ['e', new Set(['e'])],
  ]);
  const comps = cyclicComponents(g);
  assert.deepEqual(comps, [['a', 'b', 'c'], ['e']]);
  assert.equal(cycleThrough(g, comps[0], 'a'), 'a -> b -> c -> a');
  assert.deepEqual(edgesWithin(g, comps[0]), ['a -> b', 'b -> c', 'c -> a']);
  assert.deepEqual(cyclicComponents(new Map([['a', new Set(['b'])], ['b', new Set<string>()]])), []);
});

test('src/ has no import cycles (but the known one of issue 12, pinned to its edges)', () => {
  const g = importGraph();
  assert.ok(g.size > 50, `read only ${g.size} files under src/`);
  const known = new Set(KNOWN_CYCLES.map((k) => k.edges.join('\n')));
  const problems: string[] = [];
  for (const comp of cyclicComponents(g)) {
    const edges = edgesWithin(g, comp);
    if (known.has(edges.join('\n'))) continue;
    problems.push(`cycle among ${comp.length} files, e.g. ${cycleThrough(g, comp, comp[0])}\n    edges inside: ${edges.join('; ')}`);
  }
  assert.equal(problems.length, 0, `import cycles in src/:\n  ${problems.join('\n  ')}`);
});

// Issue 12: model families should know nothing of the command line. The offenders when this
// check was written (the assertion message lists the current ones).
const CLI_OFFENDERS_TODO = [
  'issue 12: files outside src/cli import src/cli:',
  'models/classifier/index.ts, models/ddpm/cli.ts, models/ddpm/family.ts, models/ddpm/interpolate_cli.ts,',
  'models/gan/index.ts, models/gan/interpolate.ts, models/vae/index.ts (cli/args.ts);',
  'models/ddpm/interpolate_cli.ts, models/gan/interpolate.ts (cli/out_path.ts); train/types.ts (cli/args.ts)',
].join(' ');

test('nothing outside src/cli imports src/cli', { todo: CLI_OFFENDERS_TODO }, () => {
  const g = importGraph();
  const offenders: string[] = [];
  for (const [a, deps] of g) {
    if (a.startsWith('src/cli/')) continue;
    for (const b of deps) if (b.startsWith('src/cli/')) offenders.push(`${a} -> ${b}`);
  }
  assert.deepEqual(offenders.sort(), [], `imports of src/cli from outside it:\n  ${offenders.sort().join('\n  ')}`);
});
