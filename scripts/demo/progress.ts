// A small progress bar for the terminal (no dependency): one line redrawn in place on a TTY, a line
// every 10% or every 5 seconds otherwise (CI logs, pipes), so a slow phase never looks stuck.
export class ProgressBar {
  private lastPct = -1;
  private lastLine = 0;
  private readonly started = Date.now();
  private readonly tty: boolean;

  constructor(
    private readonly label: string,
    private total: number,
    private readonly stream: NodeJS.WriteStream = process.stderr,
    private readonly enabled = true,
  ) {
    this.tty = Boolean(stream.isTTY);
  }

  setTotal(total: number): void {
    this.total = total;
  }

  update(done: number, note = ""): void {
    if (!this.enabled) return;
    const total = Math.max(1, this.total);
    const ratio = Math.min(1, done / total);
    const pct = Math.floor(ratio * 100);
    if (this.tty) {
      const width = Math.max(10, Math.min(30, (this.stream.columns ?? 80) - 60));
      const filled = Math.round(ratio * width);
      const elapsed = (Date.now() - this.started) / 1000;
      const rate = elapsed > 0 ? done / elapsed : 0;
      const line = `${this.label.padEnd(12)} ${"█".repeat(filled)}${"░".repeat(width - filled)} ${String(pct).padStart(3)}% ${done}/${this.total} ${rate.toFixed(0)}/s ${note}`;
      this.stream.write(`\r${line.slice(0, (this.stream.columns ?? 120) - 1)}\x1b[K`);
    } else if (
      pct >= this.lastPct + 10 ||
      (pct === 100 && this.lastPct !== 100) ||
      (Date.now() - this.lastLine >= 5000 && pct < 100)
    ) {
      if (pct >= this.lastPct + 10 || pct === 100) this.lastPct = pct - (pct % 10);
      this.lastLine = Date.now();
      this.stream.write(`${this.label}: ${pct}% (${done}/${this.total}) ${note}\n`);
    }
  }

  done(note = ""): void {
    if (!this.enabled) return;
    this.update(this.total, note);
    if (this.tty) this.stream.write("\n");
  }
}

/** A status line redrawn in place (the live replay). */
export function statusLine(text: string, stream: NodeJS.WriteStream = process.stderr): void {
  if (stream.isTTY) stream.write(`\r${text.slice(0, (stream.columns ?? 120) - 1)}\x1b[K`);
}
