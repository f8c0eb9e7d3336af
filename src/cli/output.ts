/**
 * Batched stdout: each line is UTF-8 encoded straight into a byte buffer, written in large chunks; a closed pipe
 * (`| head`) ends quietly. Encoding line by line into one Buffer costs a fraction of joining the lines into one
 * string and encoding that (the join flattens every line into a new string, two-byte as soon as one line is not
 * Latin-1, and is then encoded again).
 */
import type { Writable } from 'node:stream';

export class Output {
  private buf: Buffer;
  private pos = 0;
  /** Filled buffers set aside (the current one ran out of room) and not written yet: sent in order by flush(). */
  private pending: Buffer[] = [];
  closed = false;

  constructor(
    private readonly stream: Writable = process.stdout,
    private readonly limit = 1 << 16,
  ) {
    this.buf = Buffer.allocUnsafe(limit + 4096);
    stream.on('error', (err: NodeJS.ErrnoException) => {
      if (err.code === 'EPIPE') this.closed = true;
      else throw err;
    });
  }

  line(s: string): void {
    // A UTF-16 code unit takes at most 3 bytes in UTF-8, plus the newline.
    const worst = s.length * 3 + 1;
    if (this.pos + worst > this.buf.length) {
      if (this.pos > 0) this.push();
      if (worst > this.buf.length) this.buf = Buffer.allocUnsafe(worst);
    }
    this.pos += this.buf.write(s, this.pos, 'utf8');
    this.buf[this.pos++] = 10;
  }

  /** True when enough is buffered that the caller should `await flush()`. */
  get full(): boolean {
    return this.pos >= this.limit;
  }

  /** Set the filled part aside and start a fresh buffer (the stream may keep the old one until written). */
  private push(): void {
    this.pending.push(this.buf.subarray(0, this.pos));
    this.buf = Buffer.allocUnsafe(Math.max(this.limit + 4096, this.buf.length));
    this.pos = 0;
  }

  /** Write what is buffered; resolves when the stream can take more (back-pressure). */
  async flush(): Promise<void> {
    if (this.pos > 0) this.push();
    const chunks = this.pending;
    this.pending = [];
    if (chunks.length === 0 || this.closed) return;
    const chunk = chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks);
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
