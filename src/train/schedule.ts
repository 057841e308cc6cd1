/**
 * Learning rate at a step: linear warm-up from 0, then (for holdFraction of the remaining steps)
 * the peak, then constant, linear or cosine decay to minRatio x peak at the last step.
 */
import type { LrScheduleConfig } from './types.js';

export function learningRate(step: number, totalSteps: number, peak: number, s: LrScheduleConfig): number {
  // step is 0-based: the first update uses lr(0).
  if (s.warmupSteps > 0 && step < s.warmupSteps) return (peak * (step + 1)) / s.warmupSteps;
  if (s.decay === 'constant') return peak;
  const hold = Math.round((s.holdFraction ?? 0) * Math.max(0, totalSteps - s.warmupSteps));
  const start = s.warmupSteps + hold; // the first step of the decay
  if (step < start) return peak;
  const span = Math.max(1, totalSteps - start);
  const progress = Math.min(1, Math.max(0, (step - start) / span));
  const floor = peak * s.minRatio;
  if (s.decay === 'linear') return floor + (peak - floor) * (1 - progress);
  // cosine: floor + (peak - floor) (1 + cos(pi progress)) / 2
  return floor + ((peak - floor) * (1 + Math.cos(Math.PI * progress))) / 2;
}
