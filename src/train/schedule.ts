/** Learning rate at a step: linear warm-up from 0, then constant, linear or cosine decay to minRatio x peak. */
import type { LrScheduleConfig } from './types.js';

export function learningRate(step: number, totalSteps: number, peak: number, s: LrScheduleConfig): number {
  // step is 0-based: the first update uses lr(0).
  if (s.warmupSteps > 0 && step < s.warmupSteps) return (peak * (step + 1)) / s.warmupSteps;
  if (s.decay === 'constant') return peak;
  const span = Math.max(1, totalSteps - s.warmupSteps);
  const progress = Math.min(1, Math.max(0, (step - s.warmupSteps) / span));
  const floor = peak * s.minRatio;
  if (s.decay === 'linear') return floor + (peak - floor) * (1 - progress);
  // cosine: floor + (peak - floor) (1 + cos(pi progress)) / 2
  return floor + ((peak - floor) * (1 + Math.cos(Math.PI * progress))) / 2;
}
