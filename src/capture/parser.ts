/**
 * The incremental capture parser shared by every entry point (sync over a Uint8Array, async
 * over files and streams): push chunks in, pull records and block events out.
 *
 * Platform-neutral: only Uint8Array, DataView and TextDecoder.
 *
 * Memory: records are views into the pushed chunks (no copy per packet). A record that
 * straddles two chunks is stitched into a buffer of exactly its size. The parser keeps at most
 * the unread chunks, so a streaming reader's memory is bounded by the largest record plus a
 * chunk or two.
 *
 * Damage policy: the parser STOPS after reporting a damaged record or block (impossible
 * length, trailer mismatch, missing interface, unsupported version, ...), like tshark and
 * libpcap do. It does not try to resync: a guessed resync point in a damaged file yields
 * garbage records more often than real ones. A file cut short delivers every complete record,
 * then a 'truncated' Problem with the byte offset of the cut record. Non-fatal oddities
 * (caplen above snaplen, nanoseconds >= 10^9, ...) are reported as warnings and reading goes on.
 */
import { problem, type Problem } from '../core/problem.js';
import {
  EPB_FLAGS,
  IF_DESCRIPTION,
  IF_FCSLEN,
  IF_FILTER,
  IF_HARDWARE,
  IF_NAME,
  IF_OS,
  IF_SPEED,
  IF_TSOFFSET,
  IF_TSRESOL,
  ISB_ENDTIME,
  ISB_FILTERACCEPT,
  ISB_IFDROP,
  ISB_IFRECV,
  ISB_OSDROP,
  ISB_STARTTIME,
  ISB_USRDELIV,
  OPT_COMMENT,
  SHB_HARDWARE,
  SHB_OS,
  SHB_USERAPPL,
  optionString,
  optionStrings,
  optionTs64,
  optionU64,
  optionValue,
  parseOptions,
  utf8Text,
  type ParsedOptions,
} from './options.js';
import { TimestampScale } from './time.js';
import type {
  CaptureEvent,
  CaptureFormat,
  CaptureRecord,
  InterfaceDescription,
  InterfaceStatistics,
  NameRecord,
  NameResolutionBlock,
  OpaqueBlock,
  PcapFileHeader,
  PcapngOption,
  RecordSource,
  SectionHeader,
} from './types.js';

// ---- constants ----

export const PCAP_MAGIC_US = 0xa1b2c3d4;
export const PCAP_MAGIC_NS = 0xa1b23c4d;
export const PCAP_MAGIC_MODIFIED = 0xa1b2cd34;
export const PCAPNG_SHB = 0x0a0d0d0a;
export const PCAPNG_BOM = 0x1a2b3c4d;
export const BT_IDB = 1;
export const BT_PB = 2;
export const BT_SPB = 3;
export const BT_NRB = 4;
export const BT_ISB = 5;
export const BT_EPB = 6;
export const BT_DSB = 0x0a;
export const BT_CUSTOM = 0xbad;
export const BT_CUSTOM_NOCOPY = 0x40000bad;

/** linkType given to records made from pcapng custom blocks (tshark shows them as raw `data`). */
export const LINKTYPE_PCAPNG_CUSTOM = -1;

/** Largest record or block accepted (256 MiB). */
export const MAX_BLOCK = 256 * 1024 * 1024;
/** Wireshark's largest packet for ordinary link types; pcap records above max(this, snaplen) are refused as it does. */
export const WTAP_MAX_PACKET_SIZE_STANDARD = 262144;

/** Results of CaptureParser.next(). */
export const NEED_MORE = 0;
export const RECORD = 1;
export const EVENT = 2;
export const DONE = 3;
export type Step = typeof NEED_MORE | typeof RECORD | typeof EVENT | typeof DONE;

const S_MAGIC = 0;
const S_PCAP_HEADER = 1;
const S_PCAP_RECORD = 2;
const S_PCAPNG = 3;
const S_DONE = 4;

const EMPTY = new Uint8Array(0);
const EMPTY_DV = new DataView(EMPTY.buffer);

export interface ParserOptions {
  /**
   * Deliver pcapng custom blocks (0xBAD / 0x40000BAD) as records, as tshark 4.0 does (they get
   * frame numbers). Default true. When false they are OpaqueBlock events.
   */
  customBlocksAsRecords?: boolean;
  /** Add if_tsoffset to pcapng timestamps (default true; tshark 4.0 does). */
  applyTsOffset?: boolean;
  /** Called when the parser no longer holds a pushed chunk (its memory may then be reused). */
  onRelease?: (chunk: Uint8Array) => void;
}

/** A record as the parser builds it: one fixed-shape object per packet. */
class PacketRecord implements CaptureRecord {
  constructor(
    readonly index: number,
    readonly interfaceId: number,
    readonly linkType: number,
    readonly tsSec: number,
    readonly tsNsec: number,
    readonly origLen: number,
    readonly data: Uint8Array,
    readonly fcsLen: number | undefined,
    readonly flags: number | undefined,
    readonly comments: readonly string[] | undefined,
    readonly source: RecordSource,
    readonly offset: number,
    readonly sectionIndex: number,
    readonly hasTimestamp: boolean,
    readonly tsHigh: number,
    readonly tsLow: number,
    readonly options: Uint8Array | undefined,
    readonly ifIndex: number | undefined,
    readonly protocol: number | undefined,
    readonly pktType: number | undefined,
    readonly dropsCount: number | undefined,
    readonly blockType: number | undefined,
    readonly pen: number | undefined,
  ) {}
}

/**
 * Classic pcap records: a leaner object (what varies is an own property; what is constant for
 * pcap lives on the prototype), since pcap files are where the volume is. A spread copy
 * (`{...rec}`) loses only prototype values that mean the same when absent (sectionIndex 0,
 * hasTimestamp true, no flags/comments/options).
 */
class PcapRecord implements CaptureRecord {
  declare readonly sectionIndex: number;
  declare readonly hasTimestamp: boolean;
  declare readonly flags: undefined;
  declare readonly comments: undefined;
  declare readonly options: undefined;
  constructor(
    readonly index: number,
    readonly linkType: number,
    readonly tsSec: number,
    readonly tsNsec: number,
    readonly origLen: number,
    readonly data: Uint8Array,
    readonly fcsLen: number | undefined,
    readonly offset: number,
    readonly tsHigh: number,
    readonly tsLow: number,
  ) {}
}
Object.defineProperties(PcapRecord.prototype, {
  interfaceId: { value: 0, enumerable: true },
  source: { value: 'pcap', enumerable: true },
  sectionIndex: { value: 0, enumerable: true },
  hasTimestamp: { value: true, enumerable: true },
});
interface PcapRecord {
  readonly interfaceId: number;
  readonly source: RecordSource;
}

class ModifiedPcapRecord extends PcapRecord {
  constructor(
    index: number,
    linkType: number,
    tsSec: number,
    tsNsec: number,
    origLen: number,
    data: Uint8Array,
    fcsLen: number | undefined,
    offset: number,
    tsHigh: number,
    tsLow: number,
    readonly ifIndex: number,
    readonly protocol: number,
    readonly pktType: number,
  ) {
    super(index, linkType, tsSec, tsNsec, origLen, data, fcsLen, offset, tsHigh, tsLow);
  }
}
Object.defineProperty(ModifiedPcapRecord.prototype, 'source', { value: 'pcap-modified', enumerable: true });

interface QueuedChunk {
  chunk: Uint8Array;
  start: number;
}

function hex32(n: number): string {
  return '0x' + (n >>> 0).toString(16).padStart(8, '0');
}

function ipv4Text(b: Uint8Array, p: number): string {
  return `${b[p]}.${b[p + 1]}.${b[p + 2]}.${b[p + 3]}`;
}

function ipv6Text(b: Uint8Array, p: number): string {
  const words: number[] = [];
  for (let i = 0; i < 8; i++) words.push((b[p + 2 * i]! << 8) | b[p + 2 * i + 1]!);
  // RFC 5952: compress the longest run (>= 2) of zero words.
  let bestStart = -1;
  let bestLen = 0;
  for (let i = 0; i < 8; ) {
    if (words[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && words[j] === 0) j++;
    if (j - i > bestLen && j - i >= 2) {
      bestStart = i;
      bestLen = j - i;
    }
    i = j;
  }
  const hex = words.map((w) => w.toString(16));
  if (bestStart < 0) return hex.join(':');
  return hex.slice(0, bestStart).join(':') + '::' + hex.slice(bestStart + bestLen).join(':');
}

/** Zero-terminated strings in b[start, end). */
function cStrings(b: Uint8Array, start: number, end: number): string[] {
  const out: string[] = [];
  let s = start;
  for (let i = start; i < end; i++) {
    if (b[i] === 0) {
      if (i > s) out.push(utf8Text(b.subarray(s, i)));
      s = i + 1;
    }
  }
  if (s < end) out.push(utf8Text(b.subarray(s, end)));
  return out;
}

export class CaptureParser {
  /** Format, once the magic has been read. */
  format: CaptureFormat | undefined;
  /** Classic pcap file header. */
  pcapHeader: PcapFileHeader | undefined;
  readonly sections: SectionHeader[] = [];
  /** All interfaces of the file, in order (see InterfaceDescription.globalId). */
  readonly interfaces: InterfaceDescription[] = [];
  readonly problems: Problem[] = [];
  /** The record of the last RECORD step. */
  record: CaptureRecord | undefined;
  /** The event of the last EVENT step (never a packet). */
  event: CaptureEvent | undefined;
  /** Records delivered so far. */
  recordCount = 0;
  /** Bytes consumed so far (file offset of the next unread byte). */
  get offset(): number {
    return this.base + this.pos;
  }

  private readonly customAsRecords: boolean;
  private readonly applyTsOffset: boolean;
  private readonly onRelease: ((chunk: Uint8Array) => void) | undefined;

  // input
  private buf: Uint8Array = EMPTY;
  private dv: DataView = EMPTY_DV;
  /** buf's ArrayBuffer and byte offset: `new Uint8Array(ab, bo + i, n)` is the cheapest view. */
  private ab: ArrayBufferLike = EMPTY.buffer;
  private bo = 0;
  private pos = 0;
  private lim = 0;
  /** File offset of buf[0]. */
  private base = 0;
  /** The caller's chunk `buf` is (or undefined for a stitched buffer). */
  private bufOwner: Uint8Array | undefined;
  private readonly queue: QueuedChunk[] = [];
  private queued = 0;
  private ended = false;

  // state
  private state = S_MAGIC;
  private readonly pending: CaptureEvent[] = [];
  private le = true;
  // pcap
  private recHdrLen = 16;
  private nano = false;
  private pcapLink = 0;
  private pcapFcs: number | undefined;
  private snapLen = 0;
  private maxCap = MAX_BLOCK;
  // pcapng: the current section's interfaces
  private sectionIndex = -1;
  private ifLink: number[] = [];
  private ifSnap: number[] = [];
  private ifFcs: (number | undefined)[] = [];
  private ifScale: TimestampScale[] = [];
  private readonly tsOut: number[] = [0, 0];

  constructor(options: ParserOptions = {}) {
    this.customAsRecords = options.customBlocksAsRecords ?? true;
    this.applyTsOffset = options.applyTsOffset ?? true;
    this.onRelease = options.onRelease;
  }

  /** Append input. The chunk is not copied: do not modify it while the parser may hold it. */
  push(chunk: Uint8Array): void {
    if (this.ended) throw new Error('CaptureParser.push after end()');
    if (chunk.length === 0) return;
    if (this.pos === this.lim && this.queue.length === 0) {
      this.adopt(chunk);
    } else {
      this.queue.push({ chunk, start: 0 });
      this.queued += chunk.length;
    }
  }

  /** No more input. */
  end(): void {
    this.ended = true;
  }

  /** True when the parser has stopped (end of input, or a fatal problem). */
  get done(): boolean {
    return this.state === S_DONE && this.pending.length === 0;
  }

  /**
   * Bytes pushed but not yet consumed (the unread tail; for a stopped parser, what follows the
   * point where it stopped).
   */
  get unread(): number {
    return this.lim - this.pos + this.queued;
  }

  /**
   * Advance: RECORD (see `record`), EVENT (see `event`: headers, interfaces, other blocks,
   * problems), NEED_MORE (push more input or call end()), or DONE.
   */
  next(): Step {
    for (;;) {
      if (this.pending.length > 0) {
        this.event = this.pending.shift()!;
        return EVENT;
      }
      switch (this.state) {
        case S_PCAP_RECORD: {
          const r = this.pcapRecord();
          if (r >= 0) return r as Step;
          break;
        }
        case S_PCAPNG: {
          const r = this.pcapngBlock();
          if (r >= 0) return r as Step;
          break;
        }
        case S_MAGIC: {
          const r = this.magic();
          if (r >= 0) return r as Step;
          break;
        }
        case S_PCAP_HEADER: {
          const r = this.pcapFileHeader();
          if (r >= 0) return r as Step;
          break;
        }
        default:
          return DONE;
      }
    }
  }

  // ---------------------------------------------------------------- input buffer

  /** Switch to a new chunk when everything before it has been consumed. */
  private adopt(chunk: Uint8Array): void {
    if (this.bufOwner && this.onRelease) this.onRelease(this.bufOwner);
    this.base += this.lim;
    this.buf = chunk;
    this.bufOwner = chunk;
    this.dv = new DataView(chunk.buffer, chunk.byteOffset, chunk.byteLength);
    this.ab = chunk.buffer;
    this.bo = chunk.byteOffset;
    this.pos = 0;
    this.lim = chunk.length;
  }

  /** Make at least n bytes available at pos. False if not enough input has been pushed yet. */
  private ensure(n: number): boolean {
    const have = this.lim - this.pos;
    if (have >= n) return true;
    if (have + this.queued < n) return false;
    if (have === 0) {
      const head = this.queue[0]!;
      if (head.chunk.length - head.start >= n) {
        this.queue.shift();
        this.queued -= head.chunk.length - head.start;
        // The new chunk's first unread byte follows the current buffer's last byte.
        this.base += this.lim;
        if (this.bufOwner && this.onRelease) this.onRelease(this.bufOwner);
        this.buf = head.chunk;
        this.bufOwner = head.chunk;
        this.dv = new DataView(head.chunk.buffer, head.chunk.byteOffset, head.chunk.byteLength);
        this.ab = head.chunk.buffer;
        this.bo = head.chunk.byteOffset;
        this.base -= head.start;
        this.pos = head.start;
        this.lim = head.chunk.length;
        return true;
      }
    }
    // Stitch exactly n bytes: the unread tail of buf, then from the queued chunks.
    const out = new Uint8Array(n);
    out.set(this.buf.subarray(this.pos, this.lim), 0);
    let o = have;
    while (o < n) {
      const head = this.queue[0]!;
      const avail = head.chunk.length - head.start;
      const take = Math.min(avail, n - o);
      out.set(head.chunk.subarray(head.start, head.start + take), o);
      o += take;
      this.queued -= take;
      if (take === avail) {
        this.queue.shift();
        if (this.onRelease) this.onRelease(head.chunk);
      } else {
        head.start += take;
      }
    }
    if (this.bufOwner && this.onRelease) this.onRelease(this.bufOwner);
    this.base += this.pos;
    this.buf = out;
    this.bufOwner = undefined;
    this.dv = new DataView(out.buffer);
    this.ab = out.buffer;
    this.bo = 0;
    this.pos = 0;
    this.lim = n;
    return true;
  }

  /** Not enough bytes for `n` at pos: wait for input, or (at end of input) finish or report truncation. */
  private starve(n: number, what: string, layer: string): number {
    if (!this.ended) return NEED_MORE;
    const left = this.unread;
    if (left > 0) {
      const start = this.offset;
      this.fatal(
        problem(
          layer,
          'truncated',
          start,
          start + left,
          `file ends inside ${what} at offset ${start}: ${n} bytes needed, ${left} present`,
          { expected: n, actual: left },
        ),
      );
    } else {
      this.state = S_DONE;
    }
    return -1;
  }

  // ---------------------------------------------------------------- problems / events

  private report(p: Problem): void {
    this.problems.push(p);
    this.pending.push({ kind: 'problem', problem: p });
  }

  private fatal(p: Problem): void {
    this.report(p);
    this.state = S_DONE;
  }

  private emit(e: CaptureEvent): number {
    this.pending.push(e);
    return -1;
  }

  // ---------------------------------------------------------------- magic

  private magic(): number {
    if (!this.ensure(4)) {
      if (!this.ended) return NEED_MORE;
      const left = this.unread;
      const peek = this.peekBytes(left);
      this.fatal(
        problem(
          'pcap',
          'truncated',
          0,
          left,
          left === 0
            ? 'empty file (0 bytes): not a capture file'
            : `not a capture file: only ${left} byte${left === 1 ? '' : 's'} (${peek})`,
          { actual: left },
        ),
      );
      return -1;
    }
    const be = this.dv.getUint32(this.pos, false);
    const le = this.dv.getUint32(this.pos, true);
    if (be === PCAPNG_SHB) {
      this.format = 'pcapng';
      this.state = S_PCAPNG;
      return -1;
    }
    for (const [m, isLe] of [
      [le, true],
      [be, false],
    ] as const) {
      if (m === PCAP_MAGIC_US || m === PCAP_MAGIC_NS || m === PCAP_MAGIC_MODIFIED) {
        this.format = 'pcap';
        this.le = isLe;
        this.nano = m === PCAP_MAGIC_NS;
        this.recHdrLen = m === PCAP_MAGIC_MODIFIED ? 24 : 16;
        this.state = S_PCAP_HEADER;
        return -1;
      }
    }
    // A pcapng block other than an SHB at the start?
    if (!this.ensure(8) && !this.ended) return NEED_MORE;
    if (this.lim - this.pos >= 8) {
      for (const isLe of [true, false]) {
        const t = this.dv.getUint32(this.pos, isLe);
        const l = this.dv.getUint32(this.pos + 4, isLe);
        if (
          (t === BT_IDB || t === BT_PB || t === BT_SPB || t === BT_NRB || t === BT_ISB || t === BT_EPB || t === BT_DSB || t === BT_CUSTOM || t === BT_CUSTOM_NOCOPY) &&
          l >= 12 &&
          l % 4 === 0 &&
          l <= MAX_BLOCK
        ) {
          this.format = 'pcapng';
          this.fatal(
            problem(
              'pcapng',
              'bad-value',
              0,
              l,
              `pcapng block type ${hex32(t)} at offset 0 before any section header block (not a capture file: magic ${hex32(be)})`,
              { field: 'pcapng.block.type', actual: hex32(t) },
            ),
          );
          return -1;
        }
      }
    }
    this.fatal(
      problem('pcap', 'bad-value', 0, 4, `not a capture file: magic ${hex32(be)}`, {
        field: 'magic',
        actual: hex32(be),
      }),
    );
    return -1;
  }

  private peekBytes(n: number): string {
    let s = '';
    let k = 0;
    for (let i = this.pos; i < this.lim && k < n; i++, k++) s += this.buf[i]!.toString(16).padStart(2, '0');
    for (const q of this.queue) {
      for (let i = q.start; i < q.chunk.length && k < n; i++, k++) s += q.chunk[i]!.toString(16).padStart(2, '0');
    }
    return '0x' + s;
  }

  // ---------------------------------------------------------------- classic pcap

  private pcapFileHeader(): number {
    if (!this.ensure(24)) return this.starve(24, 'the pcap file header', 'pcap');
    const dv = this.dv;
    const p = this.pos;
    const le = this.le;
    const magic = dv.getUint32(p, le);
    const versionMajor = dv.getUint16(p + 4, le);
    const versionMinor = dv.getUint16(p + 6, le);
    const thisZone = dv.getInt32(p + 8, le);
    const sigFigs = dv.getUint32(p + 12, le);
    const snapLen = dv.getUint32(p + 16, le);
    const linkTypeField = dv.getUint32(p + 20, le);
    const linkType = linkTypeField & 0xffff;
    const fcsPresent = (linkTypeField & 0x04000000) !== 0;
    const fcsLen = fcsPresent ? ((linkTypeField >>> 28) & 0xf) * 2 : undefined;
    const header: PcapFileHeader = {
      kind: 'pcap-header',
      offset: 0,
      magic,
      littleEndian: le,
      nanosecond: this.nano,
      modified: this.recHdrLen === 24,
      versionMajor,
      versionMinor,
      thisZone,
      sigFigs,
      snapLen,
      linkTypeField,
      linkType,
      ...(fcsLen !== undefined ? { fcsLen } : {}),
    };
    this.pcapHeader = header;
    this.pos += 24;
    this.pending.push(header);
    if (versionMajor < 2) {
      this.fatal(
        problem('pcap', 'unsupported', 4, 8, `pcap: major version ${versionMajor} unsupported`, {
          field: 'pcap.version_major',
          actual: versionMajor,
        }),
      );
      return -1;
    }
    if (linkTypeField & 0x03ff0000) {
      this.fatal(
        problem(
          'pcap',
          'bad-value',
          20,
          24,
          `pcap: link type reserved field not zero (${hex32(linkTypeField & 0x03ff0000)})`,
          { field: 'pcap.linktype', actual: hex32(linkTypeField) },
        ),
      );
      return -1;
    }
    this.pcapLink = linkType;
    this.pcapFcs = fcsLen;
    this.snapLen = snapLen;
    this.maxCap = Math.min(MAX_BLOCK, Math.max(WTAP_MAX_PACKET_SIZE_STANDARD, snapLen));
    this.state = S_PCAP_RECORD;
    return -1;
  }

  private pcapRecord(): number {
    const hl = this.recHdrLen;
    if (this.lim - this.pos < hl && !this.ensure(hl)) return this.starve(hl, `record ${this.recordCount + 1}'s header`, 'pcap');
    let p = this.pos;
    const le = this.le;
    let dv = this.dv;
    const tsSec = dv.getUint32(p, le);
    const tsFrac = dv.getUint32(p + 4, le);
    const capLen = dv.getUint32(p + 8, le);
    const origLen = dv.getUint32(p + 12, le);
    if (capLen > this.maxCap) {
      const start = this.base + p;
      this.fatal(
        problem(
          'pcap',
          'bad-length',
          start + 8,
          start + 12,
          `record ${this.recordCount + 1} at offset ${start}: captured length ${capLen} is impossible (larger than ${this.maxCap})`,
          { field: 'frame.cap_len', actual: capLen, expected: this.maxCap, limitedBy: 'pcap.snaplen' },
        ),
      );
      return -1;
    }
    const total = hl + capLen;
    if (this.lim - p < total) {
      if (!this.ensure(total)) return this.starve(total, `record ${this.recordCount + 1}`, 'pcap');
      p = this.pos;
      dv = this.dv;
    }
    const offset = this.base + p;
    const data = new Uint8Array(this.ab, this.bo + p + hl, capLen);
    this.pos = p + total;
    const tsNsec = this.nano ? tsFrac : tsFrac * 1000;
    const rec =
      hl === 16
        ? new PcapRecord(this.recordCount++, this.pcapLink, tsSec, tsNsec, origLen, data, this.pcapFcs, offset, tsSec, tsFrac)
        : new ModifiedPcapRecord(
            this.recordCount++,
            this.pcapLink,
            tsSec,
            tsNsec,
            origLen,
            data,
            this.pcapFcs,
            offset,
            tsSec,
            tsFrac,
            dv.getUint32(p + 16, le),
            dv.getUint16(p + 20, le),
            this.buf[p + 22]!,
          );
    this.record = rec;
    if (tsNsec >= 1_000_000_000 || (capLen > this.snapLen && this.snapLen !== 0)) this.pcapWarnings(rec, capLen);
    return RECORD;
  }

  private pcapWarnings(rec: CaptureRecord, capLen: number): void {
    const o = rec.offset!;
    if (rec.tsNsec >= 1_000_000_000) {
      this.report(
        problem('pcap', 'bad-value', o + 4, o + 8, `record ${rec.index + 1}: fraction of second too large (${rec.tsLow} ${this.nano ? 'ns' : 'µs'})`, {
          severity: 'warning',
          field: 'frame.time',
          actual: rec.tsLow!,
        }),
      );
    }
    if (capLen > this.snapLen && this.snapLen !== 0) {
      this.report(
        problem('pcap', 'bad-length', o + 8, o + 12, `record ${rec.index + 1}: captured length ${capLen} is larger than the snapshot length ${this.snapLen}`, {
          severity: 'warning',
          field: 'frame.cap_len',
          actual: capLen,
          expected: this.snapLen,
          limitedBy: 'pcap.snaplen',
        }),
      );
    }
  }

  // ---------------------------------------------------------------- pcapng

  private pcapngBlock(): number {
    if (this.lim - this.pos < 12 && !this.ensure(12)) return this.starve(12, 'a pcapng block header', 'pcapng');
    let p = this.pos;
    let dv = this.dv;
    let le = this.le;
    const start = this.base + p;
    if (dv.getUint32(p, true) === PCAPNG_SHB) {
      const bom = dv.getUint32(p + 8, true);
      if (bom === PCAPNG_BOM) le = true;
      else if (bom === 0x4d3c2b1a) le = false;
      else {
        this.fatal(
          problem('pcapng', 'bad-value', start + 8, start + 12, `pcapng section header at offset ${start}: bad byte-order magic ${hex32(dv.getUint32(p + 8, false))}`, {
            field: 'pcapng.shb.bom',
            actual: hex32(dv.getUint32(p + 8, false)),
          }),
        );
        return -1;
      }
    }
    const type = dv.getUint32(p, le);
    const len = dv.getUint32(p + 4, le);
    if (len < 12 || len % 4 !== 0 || len > MAX_BLOCK) {
      this.fatal(
        problem(
          'pcapng',
          'bad-length',
          start + 4,
          start + 8,
          `pcapng block at offset ${start} (type ${hex32(type)}): impossible block length ${len}` +
            (len < 12 ? ' (less than 12)' : len % 4 ? ' (not a multiple of 4)' : ' (larger than 256 MiB)'),
          { field: 'pcapng.block.length', actual: len },
        ),
      );
      return -1;
    }
    if (this.lim - p < len) {
      if (!this.ensure(len)) return this.starve(len, `a pcapng block (type ${hex32(type)}, ${len} bytes)`, 'pcapng');
      p = this.pos;
      dv = this.dv;
    }
    const trailer = dv.getUint32(p + len - 4, le);
    if (trailer !== len) {
      this.fatal(
        problem(
          'pcapng',
          'bad-length',
          start + len - 4,
          start + len,
          `pcapng block at offset ${start} (type ${hex32(type)}): trailing length ${trailer} differs from block length ${len}`,
          { field: 'pcapng.block.length_trailer', expected: len, actual: trailer },
        ),
      );
      return -1;
    }
    if (type === BT_EPB) return this.epb(p, len, le, start);
    switch (type) {
      case PCAPNG_SHB:
        return this.shb(p, len, le, start);
      case BT_IDB:
        return this.idb(p, len, start);
      case BT_SPB:
        return this.spb(p, len, start);
      case BT_PB:
        return this.pb(p, len, start);
      case BT_NRB:
        return this.nrb(p, len, start);
      case BT_ISB:
        return this.isb(p, len, start);
      case BT_CUSTOM:
      case BT_CUSTOM_NOCOPY:
        return this.custom(p, len, type, start);
      default:
        return this.opaque(p, len, type, start, type === BT_DSB ? 'dsb' : 'unknown');
    }
  }

  private tooShort(start: number, len: number, what: string, min: number): number {
    this.fatal(
      problem('pcapng', 'bad-length', start + 4, start + 8, `pcapng ${what} at offset ${start}: block length ${len} is less than the minimum ${min}`, {
        field: 'pcapng.block.length',
        expected: min,
        actual: len,
      }),
    );
    return -1;
  }

  private opts(start: number, from: number, to: number, copy: boolean, what: string): PcapngOption[] | undefined {
    const r: ParsedOptions = parseOptions(this.buf, this.dv, from, to, this.le, copy);
    if (r.error) {
      const at = this.base + r.error.offset;
      this.fatal(
        problem('pcapng', 'bad-length', at, this.base + to, `pcapng ${what} at offset ${start}: ${r.error.message}`, {
          field: 'pcapng.option.length',
          actual: r.error.length,
        }),
      );
      return undefined;
    }
    return r.options;
  }

  private shb(p: number, len: number, le: boolean, start: number): number {
    if (len < 28) return this.tooShort(start, len, 'section header block', 28);
    const dv = this.dv;
    const versionMajor = dv.getUint16(p + 12, le);
    const versionMinor = dv.getUint16(p + 14, le);
    if (!(versionMajor === 1 && (versionMinor === 0 || versionMinor === 2))) {
      this.fatal(
        problem('pcapng', 'unsupported', start + 12, start + 16, `pcapng: unknown SHB version ${versionMajor}.${versionMinor} at offset ${start}`, {
          field: 'pcapng.shb.version',
          actual: `${versionMajor}.${versionMinor}`,
        }),
      );
      return -1;
    }
    this.le = le;
    const sectionLength = dv.getBigInt64(p + 16, le);
    const options = this.opts(start, p + 24, p + len - 4, true, 'section header block');
    if (!options) return -1;
    this.sectionIndex++;
    this.ifLink = [];
    this.ifSnap = [];
    this.ifFcs = [];
    this.ifScale = [];
    const hardware = optionString(options, SHB_HARDWARE);
    const os = optionString(options, SHB_OS);
    const userApplication = optionString(options, SHB_USERAPPL);
    const section: SectionHeader = {
      kind: 'section',
      index: this.sectionIndex,
      offset: start,
      littleEndian: le,
      versionMajor,
      versionMinor,
      sectionLength,
      options,
      rawOptions: this.buf.slice(p + 24, p + len - 4),
      comments: optionStrings(options, OPT_COMMENT),
      ...(hardware !== undefined ? { hardware } : {}),
      ...(os !== undefined ? { os } : {}),
      ...(userApplication !== undefined ? { userApplication } : {}),
    };
    this.sections.push(section);
    this.pos = p + len;
    return this.emit(section);
  }

  private needSection(start: number, type: number): boolean {
    if (this.sectionIndex >= 0) return true;
    this.fatal(problem('pcapng', 'bad-value', start, start + 4, `pcapng block type ${hex32(type)} at offset ${start} before any section header block`));
    return false;
  }

  private idb(p: number, len: number, start: number): number {
    if (!this.needSection(start, BT_IDB)) return -1;
    if (len < 20) return this.tooShort(start, len, 'interface description block', 20);
    const dv = this.dv;
    const le = this.le;
    const linkType = dv.getUint16(p + 8, le);
    const reserved = dv.getUint16(p + 10, le);
    const snapLen = dv.getUint32(p + 12, le);
    const options = this.opts(start, p + 16, p + len - 4, true, 'interface description block');
    if (!options) return -1;
    const tsresolV = optionValue(options, IF_TSRESOL);
    const tsresol = tsresolV && tsresolV.length >= 1 ? tsresolV[0] : undefined;
    const tsOffsetV = optionValue(options, IF_TSOFFSET);
    const tsOffset =
      tsOffsetV && tsOffsetV.length >= 8 ? new DataView(tsOffsetV.buffer, tsOffsetV.byteOffset, 8).getBigInt64(0, le) : 0n;
    const fcsV = optionValue(options, IF_FCSLEN);
    const fcsLen = fcsV && fcsV.length >= 1 ? fcsV[0] : undefined;
    const filterV = optionValue(options, IF_FILTER);
    const name = optionString(options, IF_NAME);
    const description = optionString(options, IF_DESCRIPTION);
    const os = optionString(options, IF_OS);
    const hardware = optionString(options, IF_HARDWARE);
    const speed = optionU64(optionValue(options, IF_SPEED), le);
    const scale = new TimestampScale(tsresol, this.applyTsOffset ? tsOffset : 0n);
    const id = this.ifLink.length;
    const iface: InterfaceDescription = {
      kind: 'interface',
      sectionIndex: this.sectionIndex,
      id,
      globalId: this.interfaces.length,
      offset: start,
      linkType,
      reserved,
      snapLen,
      ...(name !== undefined ? { name } : {}),
      ...(description !== undefined ? { description } : {}),
      ...(tsresol !== undefined ? { tsresol } : {}),
      unitsPerSecond: scale.units,
      tsOffset,
      ...(fcsLen !== undefined ? { fcsLen } : {}),
      ...(filterV && filterV.length >= 1
        ? { filter: { type: filterV[0]!, text: utf8Text(filterV.subarray(1)), raw: filterV } }
        : {}),
      ...(os !== undefined ? { os } : {}),
      ...(hardware !== undefined ? { hardware } : {}),
      ...(speed !== undefined ? { speed } : {}),
      comments: optionStrings(options, OPT_COMMENT),
      options,
      rawOptions: this.buf.slice(p + 16, p + len - 4),
    };
    this.interfaces.push(iface);
    this.ifLink.push(linkType);
    this.ifSnap.push(snapLen);
    this.ifFcs.push(fcsLen);
    this.ifScale.push(scale);
    this.pos = p + len;
    return this.emit(iface);
  }

  private missingInterface(start: number, id: number, what: string): number {
    this.fatal(
      problem(
        'pcapng',
        'bad-value',
        start + 8,
        start + 12,
        `pcapng ${what} at offset ${start}: interface ${id} not defined (section ${this.sectionIndex} has ${this.ifLink.length} interface${this.ifLink.length === 1 ? '' : 's'})`,
        { field: 'frame.interface_id', actual: id, expected: `< ${this.ifLink.length}` },
      ),
    );
    return -1;
  }

  /** Options after packet data: flags and comments (only parsed when present). */
  private packetOptions(
    start: number,
    optStart: number,
    optEnd: number,
    what: string,
  ): { options: Uint8Array | undefined; flags: number | undefined; comments: string[] | undefined } | undefined {
    if (optEnd <= optStart) return { options: undefined, flags: undefined, comments: undefined };
    const raw = this.buf.subarray(optStart, optEnd);
    const list = this.opts(start, optStart, optEnd, false, what);
    if (!list) return undefined;
    let flags: number | undefined;
    let comments: string[] | undefined;
    for (const o of list) {
      if (o.code === OPT_COMMENT) (comments ??= []).push(utf8Text(o.value));
      else if (o.code === EPB_FLAGS && o.value.length >= 4) {
        flags = new DataView(o.value.buffer, o.value.byteOffset, 4).getUint32(0, this.le);
      }
    }
    return { options: raw, flags, comments };
  }

  private epb(p: number, len: number, le: boolean, start: number): number {
    if (len < 32) return this.tooShort(start, len, 'enhanced packet block', 32);
    const dv = this.dv;
    const ifId = dv.getUint32(p + 8, le);
    const tsHigh = dv.getUint32(p + 12, le);
    const tsLow = dv.getUint32(p + 16, le);
    const capLen = dv.getUint32(p + 20, le);
    const origLen = dv.getUint32(p + 24, le);
    if (capLen > len - 32) {
      this.fatal(
        problem('pcapng', 'bad-length', start + 20, start + 24, `pcapng enhanced packet block at offset ${start}: captured length ${capLen} does not fit in block length ${len}`, {
          field: 'frame.cap_len',
          actual: capLen,
          expected: len - 32,
          limitedBy: 'pcapng.block.length',
        }),
      );
      return -1;
    }
    if (ifId >= this.ifLink.length) return this.missingInterface(start, ifId, 'enhanced packet block');
    const dataEnd = p + 28 + capLen;
    const optStart = dataEnd + ((4 - (capLen & 3)) & 3);
    const optEnd = p + len - 4;
    let options: Uint8Array | undefined;
    let flags: number | undefined;
    let comments: string[] | undefined;
    if (optEnd > optStart) {
      const po = this.packetOptions(start, optStart, optEnd, 'enhanced packet block');
      if (!po) return -1;
      ({ options, flags, comments } = po);
    }
    const out = this.tsOut;
    this.ifScale[ifId]!.split(tsHigh, tsLow, out);
    this.record = new PacketRecord(
      this.recordCount++,
      ifId,
      this.ifLink[ifId]!,
      out[0]!,
      out[1]!,
      origLen,
      new Uint8Array(this.ab, this.bo + p + 28, capLen),
      this.ifFcs[ifId],
      flags,
      comments,
      'epb',
      start,
      this.sectionIndex,
      true,
      tsHigh,
      tsLow,
      options,
      undefined,
      undefined,
      undefined,
      undefined,
      undefined,
      undefined,
    );
    this.pos = p + len;
    return RECORD;
  }

  private spb(p: number, len: number, start: number): number {
    if (!this.needSection(start, BT_SPB)) return -1;
    if (len < 16) return this.tooShort(start, len, 'simple packet block', 16);
    if (this.ifLink.length === 0) return this.missingInterface(start, 0, 'simple packet block');
    const origLen = this.dv.getUint32(p + 8, this.le);
    const snap = this.ifSnap[0]!;
    let capLen = snap !== 0 && origLen > snap ? snap : origLen;
    const room = len - 16;
    if (capLen > room) {
      this.report(
        problem('pcapng', 'bad-length', start, start + len, `pcapng simple packet block at offset ${start}: packet length ${capLen} does not fit in block length ${len}; data cut to ${room} bytes`, {
          severity: 'warning',
          field: 'frame.cap_len',
          actual: capLen,
          expected: room,
          limitedBy: 'pcapng.block.length',
        }),
      );
      capLen = room;
    }
    const dataEnd = p + 12 + capLen;
    const optStart = Math.min(dataEnd + ((4 - (capLen & 3)) & 3), p + len - 4);
    const optEnd = p + len - 4;
    this.record = new PacketRecord(
      this.recordCount++,
      0,
      this.ifLink[0]!,
      0,
      0,
      origLen,
      new Uint8Array(this.ab, this.bo + p + 12, capLen),
      this.ifFcs[0],
      undefined,
      undefined,
      'spb',
      start,
      this.sectionIndex,
      false,
      0,
      0,
      optEnd > optStart ? this.buf.subarray(optStart, optEnd) : undefined,
      undefined,
      undefined,
      undefined,
      undefined,
      undefined,
      undefined,
    );
    this.pos = p + len;
    return RECORD;
  }

  private pb(p: number, len: number, start: number): number {
    if (!this.needSection(start, BT_PB)) return -1;
    if (len < 32) return this.tooShort(start, len, 'packet block', 32);
    const dv = this.dv;
    const le = this.le;
    const ifId = dv.getUint16(p + 8, le);
    const dropsCount = dv.getUint16(p + 10, le);
    const tsHigh = dv.getUint32(p + 12, le);
    const tsLow = dv.getUint32(p + 16, le);
    const capLen = dv.getUint32(p + 20, le);
    const origLen = dv.getUint32(p + 24, le);
    if (capLen > len - 32) {
      this.fatal(
        problem('pcapng', 'bad-length', start + 20, start + 24, `pcapng packet block at offset ${start}: captured length ${capLen} does not fit in block length ${len}`, {
          field: 'frame.cap_len',
          actual: capLen,
          expected: len - 32,
        }),
      );
      return -1;
    }
    if (ifId >= this.ifLink.length) return this.missingInterface(start, ifId, 'packet block');
    const dataEnd = p + 28 + capLen;
    const po = this.packetOptions(start, dataEnd + ((4 - (capLen & 3)) & 3), p + len - 4, 'packet block');
    if (!po) return -1;
    const out = this.tsOut;
    this.ifScale[ifId]!.split(tsHigh, tsLow, out);
    this.record = new PacketRecord(
      this.recordCount++,
      ifId,
      this.ifLink[ifId]!,
      out[0]!,
      out[1]!,
      origLen,
      new Uint8Array(this.ab, this.bo + p + 28, capLen),
      this.ifFcs[ifId],
      po.flags,
      po.comments,
      'pb',
      start,
      this.sectionIndex,
      true,
      tsHigh,
      tsLow,
      po.options,
      undefined,
      undefined,
      undefined,
      dropsCount,
      undefined,
      undefined,
    );
    this.pos = p + len;
    return RECORD;
  }

  private custom(p: number, len: number, type: number, start: number): number {
    if (!this.needSection(start, type)) return -1;
    if (len < 16) return this.tooShort(start, len, 'custom block', 16);
    if (!this.customAsRecords) return this.opaque(p, len, type, start, 'custom');
    const pen = this.dv.getUint32(p + 8, this.le);
    const data = this.buf.subarray(p + 12, p + len - 4);
    this.record = new PacketRecord(
      this.recordCount++,
      0,
      LINKTYPE_PCAPNG_CUSTOM,
      0,
      0,
      data.length,
      data,
      undefined,
      undefined,
      undefined,
      'custom',
      start,
      this.sectionIndex,
      false,
      0,
      0,
      undefined,
      undefined,
      undefined,
      undefined,
      undefined,
      type,
      pen,
    );
    this.pos = p + len;
    return RECORD;
  }

  private nrb(p: number, len: number, start: number): number {
    if (!this.needSection(start, BT_NRB)) return -1;
    const dv = this.dv;
    const le = this.le;
    const b = this.buf;
    const end = p + len - 4;
    const records: NameRecord[] = [];
    let q = p + 8;
    let sawEnd = false;
    while (end - q >= 4) {
      const type = dv.getUint16(q, le);
      const rlen = dv.getUint16(q + 2, le);
      if (type === 0) {
        q += 4;
        sawEnd = true;
        break;
      }
      if (q + 4 + rlen > end) {
        this.fatal(
          problem('pcapng', 'bad-length', this.base + q, this.base + end, `pcapng name resolution block at offset ${start}: record of length ${rlen} runs past the end of the block`, {
            field: 'pcapng.nrb.record.length',
            actual: rlen,
          }),
        );
        return -1;
      }
      const v = q + 4;
      let address = '';
      let names: string[] = [];
      if (type === 1 && rlen >= 4) {
        address = ipv4Text(b, v);
        names = cStrings(b, v + 4, v + rlen);
      } else if (type === 2 && rlen >= 16) {
        address = ipv6Text(b, v);
        names = cStrings(b, v + 16, v + rlen);
      }
      records.push({ type, address, names, raw: b.slice(v, v + rlen) });
      q += 4 + ((rlen + 3) & ~3);
    }
    let options: PcapngOption[] = [];
    if (sawEnd && q < end) {
      const o = this.opts(start, q, end, true, 'name resolution block');
      if (!o) return -1;
      options = o;
    }
    const block: NameResolutionBlock = {
      kind: 'names',
      sectionIndex: this.sectionIndex,
      offset: start,
      records,
      options,
      comments: optionStrings(options, OPT_COMMENT),
      rawBody: b.slice(p + 8, end),
    };
    this.pos = p + len;
    return this.emit(block);
  }

  private isb(p: number, len: number, start: number): number {
    if (!this.needSection(start, BT_ISB)) return -1;
    if (len < 24) return this.tooShort(start, len, 'interface statistics block', 24);
    const dv = this.dv;
    const le = this.le;
    const interfaceId = dv.getUint32(p + 8, le);
    const tsHigh = dv.getUint32(p + 12, le);
    const tsLow = dv.getUint32(p + 16, le);
    const options = this.opts(start, p + 20, p + len - 4, true, 'interface statistics block');
    if (!options) return -1;
    const scale = this.ifScale[interfaceId] ?? new TimestampScale(undefined);
    const out = this.tsOut;
    scale.split(tsHigh, tsLow, out);
    const stats: Record<string, bigint | undefined> = {
      startTime: optionTs64(optionValue(options, ISB_STARTTIME), le),
      endTime: optionTs64(optionValue(options, ISB_ENDTIME), le),
      ifRecv: optionU64(optionValue(options, ISB_IFRECV), le),
      ifDrop: optionU64(optionValue(options, ISB_IFDROP), le),
      filterAccept: optionU64(optionValue(options, ISB_FILTERACCEPT), le),
      osDrop: optionU64(optionValue(options, ISB_OSDROP), le),
      usrDeliv: optionU64(optionValue(options, ISB_USRDELIV), le),
    };
    for (const k of Object.keys(stats)) if (stats[k] === undefined) delete stats[k];
    const block: InterfaceStatistics = {
      kind: 'stats',
      sectionIndex: this.sectionIndex,
      offset: start,
      interfaceId,
      tsHigh,
      tsLow,
      tsSec: out[0]!,
      tsNsec: out[1]!,
      ...stats,
      comments: optionStrings(options, OPT_COMMENT),
      options,
      rawOptions: this.buf.slice(p + 20, p + len - 4),
    };
    this.pos = p + len;
    return this.emit(block);
  }

  private opaque(p: number, len: number, type: number, start: number, name: OpaqueBlock['name']): number {
    if (!this.needSection(start, type)) return -1;
    const dv = this.dv;
    const le = this.le;
    const body = this.buf.slice(p + 8, p + len - 4);
    let comments: string[] = [];
    let secretsType: number | undefined;
    let pen: number | undefined;
    if (name === 'dsb' && len >= 20) {
      secretsType = dv.getUint32(p + 8, le);
      const slen = dv.getUint32(p + 12, le);
      const optStart = p + 16 + ((slen + 3) & ~3);
      if (slen <= len - 20 && optStart < p + len - 4) {
        const r = parseOptions(this.buf, dv, optStart, p + len - 4, le, false);
        comments = optionStrings(r.options, OPT_COMMENT);
      }
    } else if (name === 'custom' && len >= 16) {
      pen = dv.getUint32(p + 8, le);
    }
    const block: OpaqueBlock = {
      kind: 'block',
      sectionIndex: this.sectionIndex,
      offset: start,
      blockType: type,
      name,
      body,
      ...(secretsType !== undefined ? { secretsType } : {}),
      ...(pen !== undefined ? { pen } : {}),
      comments,
    };
    this.pos = p + len;
    return this.emit(block);
  }
}
