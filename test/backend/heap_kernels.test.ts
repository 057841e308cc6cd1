/** genlab's own WebAssembly module: the committed bytes are what the .wat source assembles to. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { assembleHeapKernels } from '../../scripts/build-wasm.mjs';

test('heap_kernels_wasm.ts is current with heap_kernels.wat (run node scripts/build-wasm.mjs)', async () => {
  const committed = readFileSync(new URL('../../src/backend/wasm/heap_kernels_wasm.ts', import.meta.url), 'utf8');
  assert.equal(committed, await assembleHeapKernels());
});
