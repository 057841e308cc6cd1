/**
 * timeWorkload's warm-up rule (run.ts): untimed steps for at least `warmup` steps and for at
 * least `warmupSeconds`, then exactly `steps` timed ones; the reference script takes the same rule.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { timeWorkload } from '../../src/bench/run.js';
import type { WorkloadSpec } from '../../src/bench/workload.js';

/** A workload whose step busy-waits `ms` and counts its calls. */
function fake(ms: number): { spec: WorkloadSpec; calls: () => number } {
  let calls = 0;
  const spec: WorkloadSpec = {
    name: 'fake', description: 'busy-waits', target: 1,
    build: () => ({
      params: 1,
      step: () => {
        calls++;
        const until = performance.now() + ms;
        while (performance.now() < until);
        return 0;
      },
      dispose: () => {},
    }),
  };
  return { spec, calls: () => calls };
}

test('bench warm-up: at least N steps and at least S seconds, then exactly the timed steps', async () => {
  const bySteps = fake(2);
  const a = await timeWorkload(bySteps.spec, { steps: 4, warmup: 3, profile: false });
  assert.equal(bySteps.calls(), 3 + 4, 'no seconds: the warm-up is the step count');
  assert.ok(a.median_ms! >= 2 && a.median_ms! < 50, `median ${a.median_ms}`);
  const bySeconds = fake(5);
  const t0 = performance.now();
  await timeWorkload(bySeconds.spec, { steps: 4, warmup: 2, warmupSeconds: 0.2, profile: false });
  const elapsed = performance.now() - t0;
  const warm = bySeconds.calls() - 4;
  // Steps of at least 5 ms for 0.2 s: at most 40 + the one that crosses the line, and the
  // warm-up really lasted 0.2 s (fewer steps only when the machine stretched them).
  assert.ok(warm >= 2 && warm <= 41, `warm-up steps ${warm}`);
  assert.ok(elapsed >= 200 + 4 * 5, `elapsed ${elapsed} ms`);
  const slow = fake(30);
  await timeWorkload(slow.spec, { steps: 2, warmup: 3, warmupSeconds: 0.01, profile: false });
  assert.equal(slow.calls(), 3 + 2, 'steps longer than the seconds: the step count rules');
});
