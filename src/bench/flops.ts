/**
 * Floating-point operations of one training step, counted from the shapes of the matrix
 * products and convolutions the step runs (forward, and the gradients it needs): one step under
 * tf.profile, 2 FLOPs per multiply-add of each BatchMatMul, Conv2D, Conv2DBackpropInput and
 * Conv2DBackpropFilter (and their fused forms). Element-wise work, normalisation and the
 * optimiser are left out, as FLOP counts of networks usually do; they are a few percent here.
 */
import * as tf from '@tensorflow/tfjs-core';

const prod = (s: number[]): number => s.reduce((a, b) => a * b, 1);

/** FLOPs of one kernel call from its input and output shapes; 0 for kernels that are not products. */
export function kernelFlops(name: string, inputShapes: (number[] | null)[], outputShapes: number[][]): number {
  const out = outputShapes[0];
  switch (name) {
    case 'BatchMatMul':
    case '_FusedMatMul': {
      // a holds batchA x M x K (transposed or not); out is [..., M, N].
      const a = inputShapes[0]!;
      const m = out[out.length - 2];
      const k = prod(a) / (prod(a.slice(0, -2)) * m);
      return 2 * prod(out) * k;
    }
    case 'Conv2D':
    case 'FusedConv2D': {
      const f = inputShapes[1]!; // [KH, KW, Ci, Co]
      return 2 * prod(out) * f[0] * f[1] * f[2];
    }
    case 'Conv2DBackpropInput': {
      const [dy, f] = inputShapes as number[][]; // dy [N, OH, OW, Co], filter [KH, KW, Ci, Co]
      return 2 * prod(dy) * f[0] * f[1] * f[2];
    }
    case 'Conv2DBackpropFilter': {
      const dy = inputShapes[1]!; // x, dy; out = [KH, KW, Ci, Co]
      return 2 * prod(dy) * out[0] * out[1] * out[2];
    }
    default:
      return 0;
  }
}

/** FLOPs of one call of `step` (which runs once, profiled). */
export async function countStepFlops(step: () => unknown): Promise<number> {
  const info = await tf.profile(() => {
    step();
  });
  let flops = 0;
  for (const k of info.kernels) flops += kernelFlops(k.name, k.inputShapes as (number[] | null)[], k.outputShapes as number[][]);
  return flops;
}
