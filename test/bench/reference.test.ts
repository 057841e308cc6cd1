/**
 * `genlab bench --reference` must work from a clone or an install (issue 11: it looked for the
 * script outside the repository): the PyTorch reference ships in bench/ and names the same
 * workloads as genlab's own benchmark.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { locateReferenceScript } from '../../src/bench/reference.js';
import { UserError } from '../../src/util/errors.js';
import { WORKLOADS } from '../../src/bench/workloads/index.js';

test('the shipped reference script is found and covers every genlab workload', () => {
  const saved = process.env.GENLAB_REFERENCE;
  delete process.env.GENLAB_REFERENCE;
  try {
    const path = locateReferenceScript();
    assert.equal(path, join(import.meta.dirname, '..', '..', 'bench', 'reference_torch.py'));
    const text = readFileSync(path, 'utf8');
    const declared = /WORKLOADS = \{([^}]*)\}/.exec(text)?.[1] ?? '';
    const names = [...declared.matchAll(/'([a-z-]+)':/g)].map((m) => m[1]).sort();
    assert.deepEqual(names, WORKLOADS.map((s) => s.name).sort());
  } finally {
    if (saved !== undefined) process.env.GENLAB_REFERENCE = saved;
  }
  assert.throws(() => locateReferenceScript('/nonexistent/ref.py'), (e: unknown) => e instanceof UserError && /--reference-script: no file at \/nonexistent\/ref.py/.test(e.message));
});
