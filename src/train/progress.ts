/** Progress: one updating line on a terminal, plain periodic lines otherwise (logs, CI). */
export class Progress {
  private readonly tty: boolean;
  private readonly start = performance.now();
  private lastLen = 0;
  constructor(private readonly total: number, private readonly firstStep: number, private readonly stream: NodeJS.WriteStream = process.stderr) {
    this.tty = Boolean(stream.isTTY) && !process.env.CI;
  }

  static format(seconds: number): string {
    if (!Number.isFinite(seconds)) return '?';
    const s = Math.round(seconds);
    const h = Math.floor(s / 3600);
    const m = Math.floor((s % 3600) / 60);
    return h > 0 ? `${h}h${String(m).padStart(2, '0')}m` : `${m}m${String(s % 60).padStart(2, '0')}s`;
  }

  line(step: number, metrics: Record<string, number>): string {
    const done = step - this.firstStep;
    const elapsed = (performance.now() - this.start) / 1000;
    const rate = done / Math.max(elapsed, 1e-9);
    const eta = (this.total - step) / rate;
    const m = Object.entries(metrics)
      .slice(0, 4)
      .map(([k, v]) => `${k} ${Math.abs(v) >= 1000 || (Math.abs(v) < 1e-3 && v !== 0) ? v.toExponential(3) : v.toFixed(4)}`)
      .join('  ');
    const pct = ((100 * step) / this.total).toFixed(0).padStart(3);
    return `step ${step}/${this.total} ${pct}%  ${m}  ${rate.toFixed(2)} steps/s  eta ${Progress.format(eta)}`;
  }

  update(step: number, metrics: Record<string, number>, logNow: boolean): void {
    if (this.tty) {
      const l = this.line(step, metrics);
      this.stream.write(`\r${l}${' '.repeat(Math.max(0, this.lastLen - l.length))}`);
      this.lastLen = l.length;
    } else if (logNow) {
      this.stream.write(this.line(step, metrics) + '\n');
    }
  }

  message(msg: string): void {
    if (this.tty && this.lastLen > 0) {
      this.stream.write('\n');
      this.lastLen = 0;
    }
    this.stream.write(msg + '\n');
  }

  finish(): void {
    if (this.tty && this.lastLen > 0) this.stream.write('\n');
    this.lastLen = 0;
  }
}
