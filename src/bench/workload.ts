/** A benchmark workload: one optimiser step of a fixed network on a fixed in-memory batch. */
import type { Rng } from '../util/rng.js';

export interface Workload {
  /** Trainable parameter count; equals the PyTorch reference's. */
  params: number;
  /** One full training step, ending with a read of the loss so the time is real. Returns the loss. */
  step(): number;
  dispose(): void;
}

export interface WorkloadSpec {
  name: string;
  description: string;
  /** Target ratio genlab / PyTorch at its faster thread setting (issue 19; was 2-3 on wasm alone, issue 2). */
  target: number;
  /** Batch-size scale for quick tests on slow backends (1 = the benchmark's). */
  build(rng: Rng, scale?: number): Workload;
}
