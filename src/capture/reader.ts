/**
 * Synchronous reading of a capture held in memory (platform-neutral: runs in browsers).
 *
 *   const reader = readCapture(bytes);
 *   for (const rec of reader) { ... }          // packets; reader.problems, reader.interfaces fill in
 *   for (const ev of readCapture(bytes).events()) { ... }   // everything, in file order
 *   const file = readCaptureFile(bytes);       // all at once (records, events, problems)
 *
 * Records read from one Uint8Array are views into it: they stay valid as long as the bytes do.
 */
import type { Problem } from '../core/problem.js';
import { CaptureParser, DONE, EVENT, NEED_MORE, RECORD, type ParserOptions, type Step } from './parser.js';
import type {
  CaptureEvent,
  CaptureFormat,
  CaptureRecord,
  InterfaceDescription,
  PcapFileHeader,
  SectionHeader,
} from './types.js';

export type ReadOptions = ParserOptions;

/** What the readers expose besides the records (filled in as reading proceeds). */
export interface CaptureInfo {
  readonly format: CaptureFormat | undefined;
  readonly pcapHeader: PcapFileHeader | undefined;
  readonly sections: readonly SectionHeader[];
  readonly interfaces: readonly InterfaceDescription[];
  readonly problems: readonly Problem[];
  /** Non-packet events seen so far (headers, interfaces, names, statistics, opaque blocks, problems). */
  readonly blocks: readonly CaptureEvent[];
}

/** A reader over bytes already in memory. Iterate once: records, or events(). */
export class CaptureReader implements Iterable<CaptureRecord>, CaptureInfo {
  readonly parser: CaptureParser;
  readonly blocks: CaptureEvent[] = [];

  /** The first step, taken at construction so that `format` and the file header are known at once. */
  private ahead: Step | undefined;

  constructor(bytes: Uint8Array, options: ReadOptions = {}) {
    this.parser = new CaptureParser(options);
    this.parser.push(bytes);
    this.parser.end();
    this.ahead = this.parser.next();
  }

  private step(): Step {
    const a = this.ahead;
    if (a !== undefined) {
      this.ahead = undefined;
      return a;
    }
    return this.parser.next();
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

  /** The next packet record, or undefined at the end (non-packet events go to `blocks`). */
  nextRecord(): CaptureRecord | undefined {
    const p = this.parser;
    for (;;) {
      const s = this.step();
      if (s === RECORD) return p.record;
      if (s === EVENT) {
        this.blocks.push(p.event!);
        continue;
      }
      if (s === DONE || s === NEED_MORE) return undefined;
    }
  }

  *[Symbol.iterator](): Iterator<CaptureRecord> {
    for (let r = this.nextRecord(); r !== undefined; r = this.nextRecord()) yield r;
  }

  /** Every event in file order; packets come as { kind: 'packet', record }. */
  *events(): IterableIterator<CaptureEvent> {
    const p = this.parser;
    for (;;) {
      const s = this.step();
      if (s === RECORD) yield { kind: 'packet', record: p.record! };
      else if (s === EVENT) {
        this.blocks.push(p.event!);
        yield p.event!;
      } else return;
    }
  }
}

/** Start reading a capture held in memory. */
export function readCapture(bytes: Uint8Array, options?: ReadOptions): CaptureReader {
  return new CaptureReader(bytes, options);
}

/** A whole capture, read at once. */
export interface CaptureFile {
  readonly format: CaptureFormat | undefined;
  readonly pcapHeader: PcapFileHeader | undefined;
  readonly sections: readonly SectionHeader[];
  readonly interfaces: readonly InterfaceDescription[];
  readonly records: readonly CaptureRecord[];
  /** Everything in file order (packets as PacketEvent), for writers that reproduce the file. */
  readonly events: readonly CaptureEvent[];
  readonly problems: readonly Problem[];
}

export function readCaptureFile(bytes: Uint8Array, options?: ReadOptions): CaptureFile {
  const reader = new CaptureReader(bytes, options);
  const events: CaptureEvent[] = [];
  const records: CaptureRecord[] = [];
  for (const e of reader.events()) {
    events.push(e);
    if (e.kind === 'packet') records.push(e.record);
  }
  return {
    format: reader.format,
    pcapHeader: reader.pcapHeader,
    sections: reader.sections,
    interfaces: reader.interfaces,
    records,
    events,
    problems: reader.problems,
  };
}
