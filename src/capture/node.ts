/**
 * Node.js entry points: read captures from a file path, a Readable stream or stdin in chunks
 * (memory bounded by the largest record, whatever the file size), and write files atomically.
 * All Node-specific code of src/capture lives here.
 */
import { closeSync, openSync, readSync } from 'node:fs';
import { open as fsOpen, rename, unlink, writeFile } from 'node:fs/promises';
import { dirname, basename, join } from 'node:path';
import type { Readable } from 'node:stream';
import type { Problem } from '../core/problem.js';
import { CaptureParser, DONE, EVENT, NEED_MORE, RECORD } from './parser.js';
import type { CaptureInfo, ReadOptions } from './reader.js';
import type { CaptureCopier as CaptureCopierT } from './writer.js';
import type {
  CaptureEvent,
  CaptureFormat,
  CaptureRecord,
  InterfaceDescription,
  PcapFileHeader,
  SectionHeader,
} from './types.js';

export interface OpenOptions extends ReadOptions {
  /** Read size for files (default 1 MiB). */
  chunkSize?: number;
  /**
   * Read files with synchronous reads between records (default true: fastest, like a C reader;
   * each read blocks the event loop for one chunk). false: promise-based reads.
   */
  syncReads?: boolean;
}

type Input = string | Readable | AsyncIterable<Uint8Array>;

/**
 * A capture being read from a file path ('-' = stdin), a Readable, or any async iterable of
 * chunks. Iterate once: `for await (const rec of cap)` (packets) or `cap.events()`.
 *
 * Each record's `data` is a view into the reader's buffers, valid until the next record is read:
 * copy it (`rec.data.slice()`) to keep it. File reads reuse a small pool of buffers.
 */
export class CaptureStream implements AsyncIterable<CaptureRecord>, CaptureInfo {
  readonly parser: CaptureParser;
  readonly blocks: CaptureEvent[] = [];
  private readonly input: Input;
  private readonly chunkSize: number;
  private readonly syncReads: boolean;
  private readonly pool: Uint8Array[] = [];
  private started = false;

  constructor(input: Input, options: OpenOptions = {}) {
    this.input = input;
    this.chunkSize = options.chunkSize ?? 1 << 20;
    this.syncReads = options.syncReads ?? true;
    const pool = this.pool;
    const size = this.chunkSize;
    this.parser = new CaptureParser({
      ...options,
      onRelease: (chunk) => {
        // Only whole read buffers of the standard size go back to the pool (file input).
        if (typeof input === 'string' && input !== '-' && chunk.byteLength === size && chunk.byteOffset === 0 && pool.length < 4) {
          pool.push(chunk);
        }
      },
    });
  }

  get format(): CaptureFormat | undefined {
    return this.parser.format;
  }
  get pcapHeader(): PcapFileHeader | undefined {
    return this.parser.pcapHeader;
  }
  get sections(): readonly SectionHeader[] {
    return this.parser.sections;
  }
  get interfaces(): readonly InterfaceDescription[] {
    return this.parser.interfaces;
  }
  get problems(): readonly Problem[] {
    return this.parser.problems;
  }

  /** The chunks of the input. */
  private async *chunks(): AsyncGenerator<Uint8Array> {
    if (this.started) throw new Error('a CaptureStream can be iterated once');
    this.started = true;
    const input = this.input;
    if (typeof input === 'string' && input !== '-' && this.syncReads) {
      const fd = openSync(input, 'r');
      try {
        for (;;) {
          const buf = this.pool.pop() ?? new Uint8Array(this.chunkSize);
          let n = 0;
          while (n < buf.length) {
            const got = readSync(fd, buf, n, buf.length - n, null);
            if (got === 0) break;
            n += got;
          }
          if (n === 0) return;
          yield n === buf.length ? buf : buf.subarray(0, n);
          if (n < buf.length) return;
        }
      } finally {
        closeSync(fd);
      }
    } else if (typeof input === 'string' && input !== '-') {
      const fh = await fsOpen(input, 'r');
      try {
        for (;;) {
          const buf = this.pool.pop() ?? new Uint8Array(this.chunkSize);
          // fill the whole buffer where possible (fewer chunks = fewer stitched records)
          let n = 0;
          while (n < buf.length) {
            const { bytesRead } = await fh.read(buf, n, buf.length - n, null);
            if (bytesRead === 0) break;
            n += bytesRead;
          }
          if (n === 0) return;
          yield n === buf.length ? buf : buf.subarray(0, n);
          if (n < buf.length) return;
        }
      } finally {
        await fh.close();
      }
    } else {
      const src: AsyncIterable<Uint8Array | string> = input === '-' ? process.stdin : (input as AsyncIterable<Uint8Array>);
      for await (const c of src) {
        if (typeof c === 'string') throw new TypeError('capture stream yielded a string: open it without an encoding');
        yield c;
      }
    }
  }

  /** Every event in file order; packets come as { kind: 'packet', record }. */
  async *events(): AsyncGenerator<CaptureEvent> {
    const p = this.parser;
    const it = this.chunks();
    for (;;) {
      const s = p.next();
      if (s === RECORD) yield { kind: 'packet', record: p.record! };
      else if (s === EVENT) {
        this.blocks.push(p.event!);
        yield p.event!;
      } else if (s === NEED_MORE) {
        const r = await it.next();
        if (r.done) p.end();
        else p.push(r.value);
      } else if (s === DONE) {
        await it.return(undefined);
        return;
      }
    }
  }

  /**
   * Call `cb` for each packet record (synchronously between reads: the fastest way through a
   * file). Resolves when the capture ends; `problems` then says whether it ended cleanly.
   */
  async forEach(cb: (record: CaptureRecord) => void): Promise<void> {
    const p = this.parser;
    const it = this.chunks();
    for (;;) {
      const s = p.next();
      if (s === RECORD) cb(p.record!);
      else if (s === EVENT) this.blocks.push(p.event!);
      else if (s === NEED_MORE) {
        const r = await it.next();
        if (r.done) p.end();
        else p.push(r.value);
      } else {
        await it.return(undefined);
        return;
      }
    }
  }

  /**
   * Packet records in batches: every record parsed from the data read so far, then one read.
   * `for await (const batch of cap.batches()) for (const rec of batch) ...` costs one promise
   * per chunk instead of one per record. A batch's views stay valid until the next batch is
   * requested.
   */
  async *batches(): AsyncGenerator<CaptureRecord[]> {
    const p = this.parser;
    const it = this.chunks();
    let batch: CaptureRecord[] = [];
    for (;;) {
      const s = p.next();
      if (s === RECORD) batch.push(p.record!);
      else if (s === EVENT) this.blocks.push(p.event!);
      else if (s === NEED_MORE) {
        if (batch.length > 0) {
          yield batch;
          batch = [];
        }
        const r = await it.next();
        if (r.done) p.end();
        else p.push(r.value);
      } else {
        if (batch.length > 0) yield batch;
        await it.return(undefined);
        return;
      }
    }
  }

  /** Packet records. Hand-written (not an async generator): a record already parsed costs one resolved promise. */
  [Symbol.asyncIterator](): AsyncIterator<CaptureRecord> {
    const p = this.parser;
    const blocks = this.blocks;
    let it: AsyncGenerator<Uint8Array> | undefined;
    let finished = false;
    const done: IteratorReturnResult<undefined> = { done: true, value: undefined };
    const slow = async (): Promise<IteratorResult<CaptureRecord>> => {
      it ??= this.chunks();
      for (;;) {
        const s = p.next();
        if (s === RECORD) return { done: false, value: p.record! };
        if (s === EVENT) blocks.push(p.event!);
        else if (s === NEED_MORE) {
          const r = await it.next();
          if (r.done) p.end();
          else p.push(r.value);
        } else {
          finished = true;
          await it.return(undefined);
          return done;
        }
      }
    };
    return {
      next: (): Promise<IteratorResult<CaptureRecord>> => {
        if (finished) return Promise.resolve(done);
        if (it !== undefined) {
          // fast path: the next record is already in the buffers
          for (;;) {
            const s = p.next();
            if (s === RECORD) return Promise.resolve({ done: false, value: p.record! });
            if (s === EVENT) blocks.push(p.event!);
            else if (s === DONE) {
              finished = true;
              return it.return(undefined).then(() => done);
            } else break; // NEED_MORE
          }
        }
        return slow();
      },
      return: async (): Promise<IteratorResult<CaptureRecord>> => {
        finished = true;
        if (it) await it.return(undefined);
        return done;
      },
    };
  }
}

/** Open a capture: a file path, '-' for stdin, a Readable, or an async iterable of chunks. */
export function openCapture(input: Input, options?: OpenOptions): CaptureStream {
  return new CaptureStream(input, options);
}

/**
 * Write a file atomically: write a temporary file next to it, then rename over the target.
 * `data` may be one buffer or a list of chunks (written in order).
 */
export async function writeFileAtomic(path: string, data: Uint8Array | Iterable<Uint8Array> | AsyncIterable<Uint8Array>): Promise<void> {
  const tmp = join(dirname(path), `.${basename(path)}.${process.pid}.${Date.now().toString(36)}.tmp`);
  try {
    if (data instanceof Uint8Array) {
      await writeFile(tmp, data);
    } else {
      const fh = await fsOpen(tmp, 'w');
      try {
        // gather small chunks (one per packet, typically) into writes of about 1 MiB
        let parts: Uint8Array[] = [];
        let size = 0;
        const flush = async (): Promise<void> => {
          if (size === 0) return;
          const all = parts.length === 1 ? parts[0]! : new Uint8Array(size);
          if (parts.length > 1) {
            let o = 0;
            for (const p of parts) {
              all.set(p, o);
              o += p.length;
            }
          }
          parts = [];
          size = 0;
          await fh.write(all);
        };
        for await (const chunk of data as AsyncIterable<Uint8Array>) {
          parts.push(chunk.slice());
          size += chunk.length;
          if (size >= 1 << 20) await flush();
        }
        await flush();
      } finally {
        await fh.close();
      }
    }
    await rename(tmp, path);
  } catch (e) {
    await unlink(tmp).catch(() => undefined);
    throw e;
  }
}

/**
 * Copy a capture (path, '-', Readable...) to a file through the byte-exact copier, streaming:
 * memory stays bounded by the largest record. `keep(record)` may drop packets (the other blocks
 * are kept). Written atomically. Returns the problems met while reading.
 */
export async function copyCapture(
  input: Input,
  outPath: string,
  keep?: (record: CaptureRecord) => boolean,
  options?: OpenOptions,
): Promise<readonly Problem[]> {
  const cap = openCapture(input, options);
  // loaded on demand: readers that never write do not pay for the writer module at start-up
  const { CaptureCopier } = await import('./writer.js');
  const copier: CaptureCopierT = new CaptureCopier();
  async function* chunks(): AsyncGenerator<Uint8Array> {
    for await (const e of cap.events()) {
      if (e.kind === 'packet' && keep && !keep(e.record)) continue;
      const b = copier.event(e);
      if (b.length) yield b;
    }
  }
  await writeFileAtomic(outPath, chunks());
  return cap.problems;
}

/** Read a whole capture file into memory and return the bytes (for readCaptureFile / writeCaptureLike). */
export async function readFileBytes(path: string): Promise<Uint8Array> {
  const { readFile } = await import('node:fs/promises');
  const b = await readFile(path);
  return new Uint8Array(b.buffer, b.byteOffset, b.byteLength);
}
