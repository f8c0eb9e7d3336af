/** Batched stdout: lines are joined and written in large chunks; a closed pipe (`| head`) ends quietly. */
import type { Writable } from 'node:stream';

export class Output {
  private buf: string[] = [];
  private size = 0;
  closed = false;

  constructor(
    private readonly stream: Writable = process.stdout,
    private readonly limit = 1 << 16,
  ) {
    stream.on('error', (err: NodeJS.ErrnoException) => {
      if (err.code === 'EPIPE') this.closed = true;
      else throw err;
    });
  }

  line(s: string): void {
    this.buf.push(s);
    this.size += s.length + 1;
  }

  /** True when enough is buffered that the caller should `await flush()`. */
  get full(): boolean {
    return this.size >= this.limit;
  }

  /** Write what is buffered; resolves when the stream can take more (back-pressure). */
  async flush(): Promise<void> {
    if (this.buf.length === 0 || this.closed) {
      this.buf = [];
      this.size = 0;
      return;
    }
    const chunk = this.buf.join('\n') + '\n';
    this.buf = [];
    this.size = 0;
    if (!this.stream.write(chunk)) {
      await new Promise<void>((resolve) => {
        const done = (): void => {
          this.stream.off('drain', done);
          this.stream.off('close', done);
          this.stream.off('error', done);
          resolve();
        };
        this.stream.on('drain', done);
        this.stream.on('close', done);
        this.stream.on('error', done);
      });
    }
  }
}
