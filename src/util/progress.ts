/**
 * Progress of long work outside the training loop (sampling, features, likelihood bounds, EM,
 * classifiers, sweeps): one updating line on a terminal, plain lines at intervals otherwise
 * (logs, CI, pipes), so a long command is never silent.
 *
 *   const p = new ProgressLine('iwae (k = 500)', 2000, 'examples');
 *   try { ... p.update(done); ... } finally { p.end(); }
 *
 * On a terminal the line is rewritten with \r at most every 100 ms; end() (or message())
 * finishes it with a newline, so whatever is printed next (results, an error) starts on a line
 * of its own. Elsewhere a plain line is written at most every `intervalMs` (default 10 s);
 * work that is over before then writes nothing. At most one line is open at a time: starting a
 * new one, or calling endProgressLine(), ends the open one.
 */

export interface ProgressLineOptions {
  stream?: NodeJS.WriteStream;
  /** Plain-line period when the stream is not a terminal, ms (default 10000). */
  intervalMs?: number;
  /** Force terminal (true) or plain-line (false) behaviour; default: the stream's isTTY, and not under CI. */
  tty?: boolean;
}

let open: ProgressLine | null = null;

/** Ends the open progress line, if any, so that the next output starts on a new line. */
export function endProgressLine(): void {
  open?.end();
}

export function formatSeconds(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds < 0) return '?';
  const s = Math.round(seconds);
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  return h > 0 ? `${h}h${String(m).padStart(2, '0')}m` : `${m}m${String(s % 60).padStart(2, '0')}s`;
}

export class ProgressLine {
  private readonly stream: NodeJS.WriteStream;
  private readonly tty: boolean;
  private readonly intervalMs: number;
  private readonly start = performance.now();
  private lastWrite: number;
  private lastLen = 0;
  private ended = false;

  /** `total` undefined: work of unknown length (the line shows the count and the time only). */
  constructor(private readonly label: string, private readonly total?: number, private readonly unit = '', opts: ProgressLineOptions = {}) {
    this.stream = opts.stream ?? process.stderr;
    this.tty = opts.tty ?? (Boolean(this.stream.isTTY) && !process.env.CI);
    this.intervalMs = opts.intervalMs ?? 10_000;
    this.lastWrite = this.tty ? -Infinity : this.start;
    open?.end();
    open = this;
  }

  /** The text of the line for `done` units (and an optional note such as a current loss). */
  line(done: number, note?: string): string {
    const elapsed = (performance.now() - this.start) / 1000;
    const unit = this.unit ? ` ${this.unit}` : '';
    let s = `${this.label}: ${done}`;
    if (this.total !== undefined && this.total > 0) {
      const pct = Math.floor((100 * done) / this.total);
      s += `/${this.total}${unit} (${pct}%)`;
      const eta = done > 0 && done < this.total ? `, eta ${formatSeconds((elapsed * (this.total - done)) / done)}` : '';
      s += `, ${formatSeconds(elapsed)}${eta}`;
    } else {
      s += `${unit}, ${formatSeconds(elapsed)}`;
    }
    return note ? `${s}, ${note}` : s;
  }

  update(done: number, note?: string): void {
    if (this.ended) return;
    const now = performance.now();
    const finished = this.total !== undefined && done >= this.total;
    if (this.tty) {
      if (now - this.lastWrite < 100 && !finished) return;
      const l = this.line(done, note);
      this.stream.write(`\r${l}${' '.repeat(Math.max(0, this.lastLen - l.length))}`);
      this.lastLen = l.length;
      this.lastWrite = now;
    } else if (now - this.lastWrite >= this.intervalMs) {
      this.stream.write(this.line(done, note) + '\n');
      this.lastWrite = now;
    }
  }

  /** A message on a line of its own (the progress line, if shown, is ended first). */
  message(msg: string): void {
    this.breakLine();
    this.stream.write(msg + '\n');
  }

  /** Ends the line; `summary` (e.g. "sampled 64 in 9.5 s") is written on a line of its own. */
  end(summary?: string): void {
    if (this.ended) return;
    this.breakLine();
    this.ended = true;
    if (open === this) open = null;
    if (summary) this.stream.write(summary + '\n');
  }

  private breakLine(): void {
    if (this.tty && this.lastLen > 0) this.stream.write('\n');
    this.lastLen = 0;
  }
}

/**
 * A sequence of progress lines, one per phase ("sampling", "features (reference)", ...):
 * update() with a new label ends the previous phase's line and starts the next. end() (in a
 * finally block) ends whatever line is open.
 */
export class ProgressPhases {
  private line: ProgressLine | null = null;
  private label = '';

  constructor(private readonly opts: ProgressLineOptions = {}) {}

  update(label: string, done: number, total?: number, unit = ''): void {
    if (!this.line || this.label !== label) {
      this.line?.end();
      this.line = new ProgressLine(label, total, unit, this.opts);
      this.label = label;
    }
    this.line.update(done);
  }

  /** A message on a line of its own. */
  message(msg: string): void {
    if (this.line) this.line.message(msg);
    else (this.opts.stream ?? process.stderr).write(msg + '\n');
  }

  end(): void {
    this.line?.end();
    this.line = null;
  }
}
