/**
 * Progress of a long run on a terminal: `\r<N> packets` every 100,000 frames, cleared at the end. Silent unless
 * the output it is given is a terminal (statistics go to stdout; this goes to stderr).
 */
export class Progress {
  private shown = false;

  constructor(
    private readonly write: (s: string) => void,
    private readonly enabled: boolean,
    private readonly every = 100_000,
  ) {}

  /** Called once per frame with the count so far. */
  tick(count: number): void {
    if (!this.enabled || count % this.every !== 0) return;
    this.write(`\r${count} packets`);
    this.shown = true;
  }

  /** Erase the counter line (before the statistics are printed). */
  done(): void {
    if (!this.shown) return;
    this.write('\r\x1b[K');
    this.shown = false;
  }
}
