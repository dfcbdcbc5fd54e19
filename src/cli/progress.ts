/**
 * A one-line progress bar on stderr, drawn only when stderr is a terminal (never in pipes, logs
 * or CI), at most ten times a second, and erased when the run ends so it never mixes with the
 * messages that follow.
 */
export interface ProgressStream {
  isTTY?: boolean;
  columns?: number;
  write(text: string): boolean;
}

export class Progress {
  private readonly enabled: boolean;
  private lastDraw = 0;
  private drawn = false;
  private readonly startedAt = Date.now();

  constructor(
    private readonly label: string,
    private readonly total: number,
    private readonly stream: ProgressStream = process.stderr,
  ) {
    this.enabled = stream.isTTY === true && total > 1;
  }

  update(done: number): void {
    if (!this.enabled) return;
    const now = Date.now();
    // Short runs never show a bar; long ones redraw at most every 100 ms.
    if (now - this.startedAt < 300 || (now - this.lastDraw < 100 && done < this.total)) return;
    this.lastDraw = now;
    const width = Math.max(10, Math.min(40, (this.stream.columns ?? 80) - this.label.length - 30));
    const filled = Math.round((done / this.total) * width);
    const bar = '█'.repeat(filled) + '░'.repeat(width - filled);
    this.stream.write(`\r${this.label} ${bar} ${done}/${this.total}\x1b[K`);
    this.drawn = true;
  }

  /** Erases the bar (call before printing anything else on stderr, and at the end). */
  clear(): void {
    if (this.drawn) this.stream.write('\r\x1b[K');
    this.drawn = false;
  }
}
