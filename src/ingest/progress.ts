/**
 * Import progress on stderr: on a terminal a single redrawn line with a bar, rate and ETA (from bytes read of the
 * file's size); otherwise a plain line every few seconds, so logs stay readable.
 */
import type { ImportCounts } from './pipeline.js';

const fmt = (n: number) => Math.round(n).toLocaleString('en-US');

export function formatDuration(s: number): string {
  if (!Number.isFinite(s)) return '--:--';
  const t = Math.max(0, Math.round(s));
  const h = Math.floor(t / 3600), m = Math.floor((t % 3600) / 60), sec = t % 60;
  return `${h ? `${h}:${String(m).padStart(2, '0')}` : m}:${String(sec).padStart(2, '0')}`;
}

export class ProgressReporter {
  private readonly start = performance.now();
  private last = 0;
  private drawn = false;

  constructor(
    private readonly totalBytes: number | undefined,
    private readonly out: NodeJS.WriteStream = process.stderr,
    private readonly tty = Boolean(process.stderr.isTTY),
    private readonly label = 'imported',
  ) {}

  update(c: ImportCounts, bytesRead: number, force = false): void {
    const now = performance.now();
    if (!force && now - this.last < (this.tty ? 150 : 5000)) return;
    this.last = now;
    const elapsed = (now - this.start) / 1000;
    const rate = c.read / Math.max(elapsed, 1e-3);
    const frac = this.totalBytes ? Math.min(1, bytesRead / this.totalBytes) : undefined;
    const eta = frac && frac > 0 ? (elapsed / frac) * (1 - frac) : Number.NaN;
    const stats = `${fmt(c.read)} rows ${this.label} · ${fmt(rate)} rows/s · ${c.rejected ? `${fmt(c.rejected)} rejected · ` : ''}`;
    if (this.tty) {
      const width = 24;
      const bar = frac === undefined ? '' : `[${'#'.repeat(Math.round(frac * width)).padEnd(width, '-')}] ${(frac * 100).toFixed(0).padStart(3)}% `;
      this.out.write(`\r${bar}${stats}ETA ${formatDuration(eta)}\x1b[K`);
      this.drawn = true;
    } else {
      this.out.write(`progress: ${stats}${frac !== undefined ? `${(frac * 100).toFixed(0)}% of the file · ETA ${formatDuration(eta)}` : `elapsed ${formatDuration(elapsed)}`}\n`);
    }
  }

  /** Ends the redrawn line (TTY) before other output. */
  finish(): void {
    if (this.tty && this.drawn) this.out.write('\n');
    this.drawn = false;
  }
}
