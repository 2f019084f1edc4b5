// A progress bar for transfers in the command-line tools. On a TTY it redraws one line in place (at most
// every `redrawMs`); elsewhere (a pipe, a log file, a test) it prints a plain line at every quarter, so the
// output stays readable and short. Speeds are measured from the first update to the last.
export interface ProgressBarOptions {
  /** Shown before the bar ("upload", "download"…). */
  label: string;
  /** Bytes expected (0 when unknown: no bar, only the count). */
  total: number;
  /** Default process.stdout. */
  stream?: NodeJS.WriteStream;
  /** Force the TTY or the line rendering (default: stream.isTTY). */
  tty?: boolean;
  /** Bar width in characters (default 28). */
  width?: number;
  /** Minimum time between two TTY redraws (default 80 ms). */
  redrawMs?: number;
  /** Indentation of every line (default two spaces). */
  indent?: string;
}

export class ProgressBar {
  private readonly stream: NodeJS.WriteStream;
  private readonly tty: boolean;
  private readonly width: number;
  private readonly redrawMs: number;
  private readonly indent: string;
  private readonly started = performance.now();
  private total: number;
  private done = 0;
  private lastDraw = 0;
  private quarter = 0;
  private finished = false;

  constructor(private readonly options: ProgressBarOptions) {
    this.stream = options.stream ?? process.stdout;
    this.tty = options.tty ?? this.stream.isTTY === true;
    this.width = options.width ?? 28;
    this.redrawMs = options.redrawMs ?? 80;
    this.indent = options.indent ?? '  ';
    this.total = options.total;
  }

  /** Seconds since the bar was created. */
  get seconds(): number {
    return (performance.now() - this.started) / 1000;
  }

  /** Bytes per second so far. */
  get rate(): number {
    const s = this.seconds;
    return s > 0 ? this.done / s : 0;
  }

  /** An onProgress callback: (done, total). */
  readonly update = (done: number, total?: number): void => {
    if (this.finished) return;
    this.done = done;
    if (total !== undefined && total > 0) this.total = total;
    if (this.tty) {
      const now = performance.now();
      if (now - this.lastDraw < this.redrawMs && done < this.total) return;
      this.lastDraw = now;
      this.stream.write(`\r${this.line()}\x1b[K`);
      return;
    }
    if (this.total <= 0) return;
    const quarter = Math.floor((4 * done) / this.total);
    if (quarter > this.quarter && quarter < 4) {
      this.quarter = quarter;
      this.stream.write(`${this.line()}\n`);
    }
  };

  /** Draws the final state and ends the line; returns the summary ("64.0 MB in 1.20 s, 53.3 MB/s"). */
  finish(ok = true): string {
    if (this.finished) return this.summary();
    this.finished = true;
    const line = `${this.line(ok ? '✔' : '✘')}`;
    this.stream.write(this.tty ? `\r${line}\x1b[K\n` : `${line}\n`);
    return this.summary();
  }

  private summary(): string {
    return `${formatBytes(this.done)} in ${this.seconds.toFixed(2)} s, ${formatBytes(this.rate)}/s`;
  }

  private line(mark = ' '): string {
    const label = `${this.indent}${mark} ${this.options.label}`;
    const speed = `${formatBytes(this.rate).padStart(9)}/s`;
    if (this.total <= 0) return `${label} ${formatBytes(this.done)} ${speed}`;
    const fraction = Math.min(1, this.done / this.total);
    const full = Math.round(fraction * this.width);
    const bar = '█'.repeat(full) + '░'.repeat(this.width - full);
    const percent = `${(fraction * 100).toFixed(0).padStart(3)}%`;
    return `${label} ${bar} ${percent} ${formatBytes(this.done).padStart(9)} / ${formatBytes(this.total)} ${speed}`;
  }
}

/** Bytes in binary units with one decimal ("64.0 MB" means 64 MiB, as file managers show it). */
export function formatBytes(bytes: number): string {
  const units = ['B', 'KB', 'MB', 'GB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return unit === 0 ? `${value.toFixed(0)} B` : `${value.toFixed(1)} ${units[unit]}`;
}
