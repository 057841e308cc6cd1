/**
 * timeWorkload's warm-up rule (run.ts): untimed steps for at least `warmup` steps and for at
 * least `warmupSeconds`, then timed ones for at least `steps` and at least `timedSeconds`; the
 * reference script takes the same rules.
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

test('bench timing: at least N timed steps and at least S seconds of them; the median over all of them', async () => {
  const quick = fake(4);
  const t0 = performance.now();
  const r = await timeWorkload(quick.spec, { steps: 3, warmup: 1, timedSeconds: 0.15, profile: false });
  const elapsed = performance.now() - t0;
  const timed = quick.calls() - 1;
  // Steps of at least 4 ms for 0.15 s: at most 37 + the one that crosses the line, and the timing
  // really went on for 0.15 s (3 steps of 4 ms take 12; more of them unless the machine stretched them).
  assert.ok(timed >= 3 && timed <= 38, `timed steps ${timed}`);
  assert.ok(elapsed >= 150, `elapsed ${elapsed} ms`);
  assert.ok(r.median_ms! >= 4 && r.min_ms! >= 4, `median ${r.median_ms}, min ${r.min_ms}`);
  const slow = fake(30);
  await timeWorkload(slow.spec, { steps: 2, warmup: 1, timedSeconds: 0.01, profile: false });
  assert.equal(slow.calls(), 1 + 2, 'steps longer than the seconds: the step count rules');
});
