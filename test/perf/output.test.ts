/**
 * The batched output (src/cli/output.ts) encodes each line straight into a byte buffer instead of joining lines
 * into one string: whatever the lines (any Unicode, lone surrogates, lines longer than the buffer) and wherever the
 * flushes fall, the bytes written equal the UTF-8 encoding of the lines joined with newlines (the general path).
 */
import { Writable } from 'node:stream';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Output } from '../../src/cli/output.js';

class Collect extends Writable {
  chunks: Buffer[] = [];
  override _write(chunk: Buffer, _enc: BufferEncoding, cb: () => void): void {
    this.chunks.push(Buffer.from(chunk));
    cb();
  }
  get bytes(): Buffer {
    return Buffer.concat(this.chunks);
  }
}

const line = fc.oneof(
  fc.string({ unit: 'grapheme', maxLength: 40 }),
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.string({ maxLength: 300 }),
  fc.constantFrom('', '→', '\u2026', '\ud83d\ude00', '\ud800', 'x'.repeat(5000)),
);

describe('Output: bytes equal the joined lines, encoded once', () => {
  it('any lines, any flush points, any buffer size', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(fc.tuple(line, fc.boolean()), { maxLength: 60 }), fc.integer({ min: 1, max: 2048 }), async (items, limit) => {
        const sink = new Collect();
        const out = new Output(sink, limit);
        for (const [s, flushAfter] of items) {
          out.line(s);
          if (flushAfter || out.full) await out.flush();
        }
        await out.flush();
        const expected = items.length ? Buffer.from(items.map(([s]) => s).join('\n') + '\n', 'utf8') : Buffer.alloc(0);
        expect(sink.bytes.equals(expected)).toBe(true);
      }),
      { numRuns: 300 },
    );
  });

  it('full says when the buffered bytes reach the limit', async () => {
    const sink = new Collect();
    const out = new Output(sink, 10);
    out.line('12345');
    expect(out.full).toBe(false);
    out.line('6789');
    expect(out.full).toBe(true);
    await out.flush();
    expect(out.full).toBe(false);
    expect(sink.bytes.toString()).toBe('12345\n6789\n');
  });

  it('a closed pipe drops what is buffered', async () => {
    const sink = new Collect();
    const out = new Output(sink, 64);
    out.closed = true;
    out.line('lost');
    await out.flush();
    expect(sink.chunks.length).toBe(0);
  });
});
