/**
 * Label accuracy of a set under a classifier: (1/n) sum_i [argmax_k p(k | x_i) = y_i].
 * With y_i the class a conditional model was asked for, this is the share of samples that look
 * like their class (Ho & Salimans' guidance trade-off is this against FID).
 */
export function labelAccuracy(probs: Float32Array, labels: ArrayLike<number>, classes: number): number {
  const n = labels.length;
  if (probs.length !== n * classes) throw new Error(`labelAccuracy: ${probs.length} probabilities for ${n} labels x ${classes} classes`);
  let hits = 0;
  for (let i = 0; i < n; i++) {
    let best = 0;
    for (let k = 1; k < classes; k++) if (probs[i * classes + k] > probs[i * classes + best]) best = k;
    if (best === labels[i]) hits++;
  }
  return hits / n;
}
