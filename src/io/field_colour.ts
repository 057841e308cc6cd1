/**
 * The playground's diverging colour map, shared by the PNG field plot (field_plot.ts, Node) and
 * the studio's canvas (studio/draw.ts, browser): light orange for low values (D says "fake"),
 * white in the middle, light blue for high values (D says "real"), grey for NaN.
 */
export type Rgb = [number, number, number];

const LOW: Rgb = [245, 166, 90];
const MID: Rgb = [255, 255, 255];
const HIGH: Rgb = [90, 170, 215];
const NAN_GREY: Rgb = [200, 200, 200];

/** Diverging colour map on t in [0, 1] (clamped): orange -> white -> blue; grey for NaN. */
export function fieldColour(t: number): Rgb {
  if (Number.isNaN(t)) return [...NAN_GREY];
  const u = Math.min(1, Math.max(0, t));
  const [a, b, s] = u < 0.5 ? [LOW, MID, u * 2] : [MID, HIGH, (u - 0.5) * 2];
  return [0, 1, 2].map((k) => Math.round(a[k] + (b[k] - a[k]) * s)) as Rgb;
}
