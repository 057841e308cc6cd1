/**
 * Two-dimensional toy distributions for fast experiments, sampled with a seeded Rng.
 * Each is centred near the origin with a spread of a few units. Mixtures of Gaussians expose
 * their mode centres and std so that metrics can count covered modes and "high-quality"
 * samples (within 3 std of a centre), as in Unrolled GAN, VEEGAN and PacGAN.
 *
 *   two-moons              two interleaved half circles, noise std 0.2 (after scaling)
 *   eight-gaussians        8 modes on a circle of radius 2, std 0.02 (the "ring" of Unrolled GAN / WGAN-GP)
 *   twenty-five-gaussians  5x5 grid of modes at {-4,-2,0,2,4}^2, std 0.05 (the "grid" of VEEGAN / PacGAN)
 *   swiss-roll             2-D Swiss roll, (t cos t, t sin t) / 5 with t in [1.5 pi, 4.5 pi], noise std 0.1
 *   checkerboard           uniform on the 8 dark cells of a 4x4 board covering [-4, 4]^2
 *   circles                two concentric circles of radius 2 and 1, noise std 0.05
 *   spiral                 two arms, r = theta / pi for theta in [0, 3 pi], noise std 0.1
 */
import type { Rng } from '../util/rng.js';

export const toyNames = [
  'two-moons',
  'eight-gaussians',
  'twenty-five-gaussians',
  'swiss-roll',
  'checkerboard',
  'circles',
  'spiral',
] as const;
export type ToyName = (typeof toyNames)[number];

export interface ToySample {
  /** [n, 2] */
  points: Float32Array;
  labels?: Int32Array;
  /** [m, 2] mixture centres */
  modes?: Float32Array;
  modeStd?: number;
}

/** Centres and std of the Gaussian mixtures; undefined for the other distributions. */
export function toyModes(name: ToyName): { modes: Float32Array; std: number } | undefined {
  if (name === 'eight-gaussians') {
    // mu_k = 2 (cos(2 pi k / 8), sin(2 pi k / 8)),  k = 0..7
    const modes = new Float32Array(16);
    for (let k = 0; k < 8; k++) {
      modes[2 * k] = 2 * Math.cos((2 * Math.PI * k) / 8);
      modes[2 * k + 1] = 2 * Math.sin((2 * Math.PI * k) / 8);
    }
    return { modes, std: 0.02 };
  }
  if (name === 'twenty-five-gaussians') {
    // mu_(i,j) = (2i - 4, 2j - 4),  i, j = 0..4; mode index 5i + j
    const modes = new Float32Array(50);
    for (let i = 0; i < 5; i++) {
      for (let j = 0; j < 5; j++) {
        modes[2 * (5 * i + j)] = 2 * i - 4;
        modes[2 * (5 * i + j) + 1] = 2 * j - 4;
      }
    }
    return { modes, std: 0.05 };
  }
  return undefined;
}

export function sampleToy(name: ToyName, n: number, rng: Rng): ToySample {
  const points = new Float32Array(2 * n);
  const labels = new Int32Array(n);
  switch (name) {
    case 'eight-gaussians':
    case 'twenty-five-gaussians': {
      // x = mu_k + std * z,  k ~ U{0..m-1},  z ~ N(0, I)
      const { modes, std } = toyModes(name)!;
      const m = modes.length / 2;
      const z = rng.normalArray(2 * n, 0, std);
      for (let i = 0; i < n; i++) {
        const k = rng.int(m);
        labels[i] = k;
        points[2 * i] = modes[2 * k] + z[2 * i];
        points[2 * i + 1] = modes[2 * k + 1] + z[2 * i + 1];
      }
      return { points, labels, modes: modes.slice(), modeStd: std };
    }
    case 'two-moons': {
      // upper moon (cos t, sin t), lower moon (1 - cos t, 1/2 - sin t), t ~ U(0, pi), noise 0.1;
      // then x' = 2 (x - (1/2, 1/4)) centres the pair on the origin
      const z = rng.normalArray(2 * n, 0, 0.1);
      for (let i = 0; i < n; i++) {
        const moon = rng.int(2);
        const t = Math.PI * rng.uniform();
        const x = moon === 0 ? Math.cos(t) : 1 - Math.cos(t);
        const y = moon === 0 ? Math.sin(t) : 0.5 - Math.sin(t);
        labels[i] = moon;
        points[2 * i] = 2 * (x + z[2 * i] - 0.5);
        points[2 * i + 1] = 2 * (y + z[2 * i + 1] - 0.25);
      }
      return { points, labels };
    }
    case 'swiss-roll': {
      // t = 1.5 pi (1 + 2u),  x = (t cos t + e1) / 5,  y = (t sin t + e2) / 5,  e ~ N(0, 0.5^2)
      const z = rng.normalArray(2 * n, 0, 0.5);
      for (let i = 0; i < n; i++) {
        const t = 1.5 * Math.PI * (1 + 2 * rng.uniform());
        points[2 * i] = (t * Math.cos(t) + z[2 * i]) / 5;
        points[2 * i + 1] = (t * Math.sin(t) + z[2 * i + 1]) / 5;
      }
      return { points };
    }
    case 'checkerboard': {
      // cell (i, j), i, j = 0..3, covers [-4 + 2i, -2 + 2i] x [-4 + 2j, -2 + 2j]; dark when i + j is even.
      // density 1/32 on the 8 dark cells (total area 32), 0 elsewhere; label = dark cell index 0..7
      for (let k = 0; k < n; k++) {
        const cell = rng.int(8);
        const i = Math.floor(cell / 2);
        const j = 2 * (cell % 2) + (i % 2); // the two dark cells of row i
        labels[k] = cell;
        points[2 * k] = -4 + 2 * i + 2 * rng.uniform();
        points[2 * k + 1] = -4 + 2 * j + 2 * rng.uniform();
      }
      return { points, labels };
    }
    case 'circles': {
      // r in {2 (label 0), 1 (label 1)},  x = r (cos t, sin t) + e,  t ~ U(0, 2 pi),  e ~ N(0, 0.05^2)
      const z = rng.normalArray(2 * n, 0, 0.05);
      for (let i = 0; i < n; i++) {
        const c = rng.int(2);
        const r = c === 0 ? 2 : 1;
        const t = 2 * Math.PI * rng.uniform();
        labels[i] = c;
        points[2 * i] = r * Math.cos(t) + z[2 * i];
        points[2 * i + 1] = r * Math.sin(t) + z[2 * i + 1];
      }
      return { points, labels };
    }
    case 'spiral': {
      // theta = 3 pi sqrt(u) (uniform density along the arm's area), r = theta / pi;
      // arm a: x = r (cos(theta + a pi), sin(theta + a pi)) + e,  e ~ N(0, 0.1^2)
      const z = rng.normalArray(2 * n, 0, 0.1);
      for (let i = 0; i < n; i++) {
        const arm = rng.int(2);
        const theta = 3 * Math.PI * Math.sqrt(rng.uniform());
        const r = theta / Math.PI;
        labels[i] = arm;
        points[2 * i] = r * Math.cos(theta + arm * Math.PI) + z[2 * i];
        points[2 * i + 1] = r * Math.sin(theta + arm * Math.PI) + z[2 * i + 1];
      }
      return { points, labels };
    }
  }
}
