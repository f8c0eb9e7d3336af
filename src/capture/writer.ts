/**
 * Writing pcap and pcapng (platform-neutral).
 *
 * Fresh files:
 *   const w = new PcapngWriter({ interfaces: [{ linkType: 1, name: 'eth0', tsresol: 9 }] });
 *   chunks.push(w.add({ interfaceId: 0, tsSec, tsNsec, data }));   // first call includes SHB + IDBs
 *   chunks.push(w.finish());                                          // header if nothing was added
 * and the same with PcapWriter. Concatenating every returned chunk gives the file.
 *
 * Copies: writeCaptureLike(bytesOrCaptureFile) re-encodes a capture read by this module in its
 * own format, byte for byte (raw option lists, raw timestamps, byte order per section, opaque
 * blocks, SPB/PB, modified-pcap record headers, pcap header fields).
 */
import { EncodeError } from '../core/problem.js';
import { EPB_FLAGS, IF_DESCRIPTION, IF_FCSLEN, IF_FILTER, IF_NAME, IF_OS, IF_TSOFFSET, IF_TSRESOL, OPT_COMMENT, SHB_HARDWARE, SHB_OS, SHB_USERAPPL, encodeOptions, type OptionInput } from './options.js';
import {
  BT_CUSTOM,
  BT_EPB,
  BT_IDB,
  BT_ISB,
  BT_NRB,
  BT_PB,
  BT_SPB,
  PCAPNG_BOM,
  PCAPNG_SHB,
  PCAP_MAGIC_MODIFIED,
  PCAP_MAGIC_NS,
  PCAP_MAGIC_US,
} from './parser.js';
import { readCaptureFile, type CaptureFile } from './reader.js';
import { joinTimestamp, tsresolUnits } from './time.js';
import type { CaptureEvent, CaptureRecord, InterfaceDescription, NameResolutionBlock, InterfaceStatistics, OpaqueBlock, PcapFileHeader, SectionHeader } from './types.js';

const EMPTY = new Uint8Array(0);
const enc = new TextEncoder();

/** A packet to write. CaptureRecords qualify. */
export interface PacketInput {
  interfaceId?: number;
  tsSec: number;
  tsNsec: number;
  data: Uint8Array;
  /** Original length (default data.length). */
  origLen?: number;
  /** pcapng: epb_flags. */
  flags?: number;
  /** pcapng: opt_comment values. */
  comments?: readonly string[];
  /** Modified pcap record header fields. */
  ifIndex?: number;
  protocol?: number;
  pktType?: number;
  // raw values used by writers created with `preserveRaw` (see CaptureRecord)
  tsHigh?: number;
  tsLow?: number;
  options?: Uint8Array;
  source?: CaptureRecord['source'];
  dropsCount?: number;
  blockType?: number;
  pen?: number;
}

export function concatChunks(parts: readonly Uint8Array[]): Uint8Array {
  let n = 0;
  for (const p of parts) n += p.length;
  const out = new Uint8Array(n);
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

function checkU32(field: string, v: number): void {
  if (!Number.isInteger(v) || v < 0 || v > 0xffffffff) throw new EncodeError(field, `${v} is not an unsigned 32-bit integer`);
}

function checkNsec(v: number): void {
  if (!Number.isInteger(v) || v < 0 || v > 999_999_999) throw new EncodeError('tsNsec', `${v} is not in 0..999999999`);
}

// ================================================================ pcap

export interface PcapWriterOptions {
  linkType: number;
  /** Default 262144. */
  snapLen?: number;
  /** Nanosecond timestamps (magic a1b23c4d); default microseconds. */
  nanosecond?: boolean;
  /** Default true. */
  littleEndian?: boolean;
  /** FCS bytes at the end of each packet (even, 0-30): sets the FCS bits of the link type field. */
  fcsLen?: number;
  /** "Modified" pcap (magic a1b2cd34, 24-byte record headers). */
  modified?: boolean;
  versionMajor?: number;
  versionMinor?: number;
  thisZone?: number;
  sigFigs?: number;
  /** The whole link type field, overriding linkType and fcsLen. */
  linkTypeField?: number;
  /** Use records' raw timestamp words (tsHigh = seconds, tsLow = fraction) when present. */
  preserveRaw?: boolean;
}

export class PcapWriter {
  private readonly le: boolean;
  private readonly nano: boolean;
  private readonly modified: boolean;
  private headerDone = false;
  private readonly opts: PcapWriterOptions;

  constructor(options: PcapWriterOptions) {
    this.opts = options;
    this.le = options.littleEndian ?? true;
    this.nano = options.nanosecond ?? false;
    this.modified = options.modified ?? false;
    if (this.modified && this.nano) throw new EncodeError('nanosecond', 'modified pcap has microsecond timestamps only');
    if (options.linkTypeField === undefined) {
      if (!Number.isInteger(options.linkType) || options.linkType < 0 || options.linkType > 0xffff) {
        throw new EncodeError('linkType', `${options.linkType} is not a 16-bit link type`);
      }
      const f = options.fcsLen;
      if (f !== undefined && (f < 0 || f > 30 || f % 2)) throw new EncodeError('fcsLen', `${f} is not an even number of bytes up to 30`);
    } else checkU32('linkTypeField', options.linkTypeField);
    checkU32('snapLen', options.snapLen ?? 262144);
  }

  /** The 24-byte file header. */
  header(): Uint8Array {
    this.headerDone = true;
    const o = this.opts;
    const b = new Uint8Array(24);
    const dv = new DataView(b.buffer);
    const le = this.le;
    dv.setUint32(0, this.modified ? PCAP_MAGIC_MODIFIED : this.nano ? PCAP_MAGIC_NS : PCAP_MAGIC_US, le);
    dv.setUint16(4, o.versionMajor ?? 2, le);
    dv.setUint16(6, o.versionMinor ?? 4, le);
    dv.setInt32(8, o.thisZone ?? 0, le);
    dv.setUint32(12, o.sigFigs ?? 0, le);
    dv.setUint32(16, o.snapLen ?? 262144, le);
    const field =
      o.linkTypeField ?? (o.linkType | (o.fcsLen !== undefined ? (((o.fcsLen / 2) & 0xf) << 28) | 0x04000000 : 0)) >>> 0;
    dv.setUint32(20, field, le);
    return b;
  }

  /** One record (preceded by the file header on the first call). */
  add(p: PacketInput): Uint8Array {
    const hl = this.modified ? 24 : 16;
    const pre = this.headerDone ? 0 : 24;
    const data = p.data;
    const out = new Uint8Array(pre + hl + data.length);
    if (pre) out.set(this.header(), 0);
    const dv = new DataView(out.buffer);
    const le = this.le;
    let sec: number;
    let frac: number;
    if (this.opts.preserveRaw && p.tsHigh !== undefined && p.tsLow !== undefined) {
      sec = p.tsHigh;
      frac = p.tsLow;
    } else {
      checkNsec(p.tsNsec);
      sec = p.tsSec;
      frac = this.nano ? p.tsNsec : Math.floor(p.tsNsec / 1000);
    }
    checkU32('tsSec', sec);
    checkU32('origLen', p.origLen ?? data.length);
    dv.setUint32(pre, sec, le);
    dv.setUint32(pre + 4, frac, le);
    dv.setUint32(pre + 8, data.length, le);
    dv.setUint32(pre + 12, p.origLen ?? data.length, le);
    if (this.modified) {
      dv.setUint32(pre + 16, p.ifIndex ?? 0, le);
      dv.setUint16(pre + 20, p.protocol ?? 0, le);
      out[pre + 22] = p.pktType ?? 0;
    }
    out.set(data, pre + hl);
    return out;
  }

  /** The header if nothing was written yet, else nothing. */
  finish(): Uint8Array {
    return this.headerDone ? EMPTY : this.header();
  }
}

/** Write a whole pcap file. */
export function writePcap(options: PcapWriterOptions, packets: Iterable<PacketInput>): Uint8Array {
  const w = new PcapWriter(options);
  const parts: Uint8Array[] = [];
  for (const p of packets) parts.push(w.add(p));
  parts.push(w.finish());
  return concatChunks(parts);
}

// ================================================================ pcapng block encoding

/** Encode one pcapng block: type, total length, body (padded to 4), trailing length. */
export function encodeBlock(type: number, body: readonly Uint8Array[], le: boolean): Uint8Array {
  let n = 0;
  for (const b of body) n += b.length;
  const total = 12 + ((n + 3) & ~3);
  const out = new Uint8Array(total);
  const dv = new DataView(out.buffer);
  dv.setUint32(0, type >>> 0, le);
  dv.setUint32(4, total, le);
  let o = 8;
  for (const b of body) {
    out.set(b, o);
    o += b.length;
  }
  dv.setUint32(total - 4, total, le);
  return out;
}

function words(le: boolean, ...vals: number[]): Uint8Array {
  const b = new Uint8Array(vals.length * 4);
  const dv = new DataView(b.buffer);
  vals.forEach((v, i) => dv.setUint32(i * 4, v >>> 0, le));
  return b;
}

function pad4(b: Uint8Array): Uint8Array {
  const r = b.length & 3;
  return r === 0 ? EMPTY : new Uint8Array(4 - r);
}

export interface SectionInput {
  versionMajor?: number;
  versionMinor?: number;
  /** Default -1 (unspecified). */
  sectionLength?: bigint;
  comments?: readonly string[];
  hardware?: string;
  os?: string;
  userApplication?: string;
  /** More options (after the ones above). */
  options?: readonly OptionInput[];
  /** The option bytes as stored, used instead of all option fields above. */
  rawOptions?: Uint8Array;
}

export function encodeShb(s: SectionInput, le: boolean): Uint8Array {
  const head = new Uint8Array(16);
  const dv = new DataView(head.buffer);
  dv.setUint32(0, PCAPNG_BOM, le);
  dv.setUint16(4, s.versionMajor ?? 1, le);
  dv.setUint16(6, s.versionMinor ?? 0, le);
  dv.setBigInt64(8, s.sectionLength ?? -1n, le);
  let opts = s.rawOptions;
  if (!opts) {
    const list: OptionInput[] = [];
    for (const c of s.comments ?? []) list.push({ code: OPT_COMMENT, value: c });
    if (s.hardware !== undefined) list.push({ code: SHB_HARDWARE, value: s.hardware });
    if (s.os !== undefined) list.push({ code: SHB_OS, value: s.os });
    if (s.userApplication !== undefined) list.push({ code: SHB_USERAPPL, value: s.userApplication });
    list.push(...(s.options ?? []));
    opts = encodeOptions(list, le);
  }
  return encodeBlock(PCAPNG_SHB, [head, opts, pad4(opts)], le);
}

export interface InterfaceInput {
  linkType: number;
  /** Default 262144 (0 = no limit). */
  snapLen?: number;
  name?: string;
  description?: string;
  /** Raw if_tsresol byte: 6 = µs (the default, then no option is written), 9 = ns, 0x80|n = 2^-n. */
  tsresol?: number;
  /** if_tsoffset seconds. */
  tsOffset?: bigint | number;
  /** if_fcslen in bytes. */
  fcsLen?: number;
  /** if_filter as a libpcap filter string (type 0). */
  filter?: string;
  os?: string;
  comments?: readonly string[];
  options?: readonly OptionInput[];
  /** Reserved field (0). */
  reserved?: number;
  /** The option bytes as stored, used instead of all option fields above. */
  rawOptions?: Uint8Array;
}

export function interfaceOptions(i: InterfaceInput, le: boolean): Uint8Array {
  if (i.rawOptions) return i.rawOptions;
  const list: OptionInput[] = [];
  for (const c of i.comments ?? []) list.push({ code: OPT_COMMENT, value: c });
  if (i.name !== undefined) list.push({ code: IF_NAME, value: i.name });
  if (i.description !== undefined) list.push({ code: IF_DESCRIPTION, value: i.description });
  if (i.tsresol !== undefined && i.tsresol !== 6) list.push({ code: IF_TSRESOL, value: Uint8Array.of(i.tsresol & 0xff) });
  if (i.tsOffset !== undefined && BigInt(i.tsOffset) !== 0n) {
    const b = new Uint8Array(8);
    new DataView(b.buffer).setBigInt64(0, BigInt(i.tsOffset), le);
    list.push({ code: IF_TSOFFSET, value: b });
  }
  if (i.filter !== undefined) {
    const f = enc.encode(i.filter);
    const v = new Uint8Array(1 + f.length);
    v.set(f, 1);
    list.push({ code: IF_FILTER, value: v });
  }
  if (i.os !== undefined) list.push({ code: IF_OS, value: i.os });
  if (i.fcsLen !== undefined) list.push({ code: IF_FCSLEN, value: Uint8Array.of(i.fcsLen & 0xff) });
  list.push(...(i.options ?? []));
  return encodeOptions(list, le);
}

export function encodeIdb(i: InterfaceInput, le: boolean): Uint8Array {
  if (!Number.isInteger(i.linkType) || i.linkType < 0 || i.linkType > 0xffff) {
    throw new EncodeError('linkType', `${i.linkType} is not a 16-bit link type`);
  }
  const head = new Uint8Array(8);
  const dv = new DataView(head.buffer);
  dv.setUint16(0, i.linkType, le);
  dv.setUint16(2, i.reserved ?? 0, le);
  dv.setUint32(4, i.snapLen ?? 262144, le);
  const opts = interfaceOptions(i, le);
  return encodeBlock(BT_IDB, [head, opts, pad4(opts)], le);
}

/** EPB from raw words: interface id, timestamp high/low, data, original length, raw option bytes. */
export function encodeEpb(
  le: boolean,
  interfaceId: number,
  tsHigh: number,
  tsLow: number,
  data: Uint8Array,
  origLen: number,
  options: Uint8Array,
): Uint8Array {
  const cap = data.length;
  const padded = (cap + 3) & ~3;
  const total = 32 + padded + ((options.length + 3) & ~3);
  const out = new Uint8Array(total);
  const dv = new DataView(out.buffer);
  dv.setUint32(0, BT_EPB, le);
  dv.setUint32(4, total, le);
  dv.setUint32(8, interfaceId, le);
  dv.setUint32(12, tsHigh, le);
  dv.setUint32(16, tsLow, le);
  dv.setUint32(20, cap, le);
  dv.setUint32(24, origLen, le);
  out.set(data, 28);
  out.set(options, 28 + padded);
  dv.setUint32(total - 4, total, le);
  return out;
}

export function encodeSpb(le: boolean, origLen: number, data: Uint8Array, trailing: Uint8Array = EMPTY): Uint8Array {
  return encodeBlock(BT_SPB, [words(le, origLen), data, pad4(data), trailing], le);
}

export function encodePb(
  le: boolean,
  interfaceId: number,
  dropsCount: number,
  tsHigh: number,
  tsLow: number,
  data: Uint8Array,
  origLen: number,
  options: Uint8Array,
): Uint8Array {
  const head = new Uint8Array(20);
  const dv = new DataView(head.buffer);
  dv.setUint16(0, interfaceId, le);
  dv.setUint16(2, dropsCount, le);
  dv.setUint32(4, tsHigh, le);
  dv.setUint32(8, tsLow, le);
  dv.setUint32(12, data.length, le);
  dv.setUint32(16, origLen, le);
  return encodeBlock(BT_PB, [head, data, pad4(data), options], le);
}

export function encodeCustom(le: boolean, blockType: number, pen: number, data: Uint8Array): Uint8Array {
  return encodeBlock(blockType, [words(le, pen), data], le);
}

export interface NameInput {
  /** IPv4 or IPv6 address text. */
  address: string;
  names: readonly string[];
}

function parseIPv4(s: string): Uint8Array | undefined {
  const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(s);
  if (!m) return undefined;
  const b = m.slice(1).map(Number);
  if (b.some((x) => x > 255)) return undefined;
  return Uint8Array.from(b);
}

function parseIPv6(s: string): Uint8Array | undefined {
  let text = s;
  if (text.includes('.')) {
    const lastColon = text.lastIndexOf(':');
    const v4 = parseIPv4(text.slice(lastColon + 1));
    if (!v4) return undefined;
    text = text.slice(0, lastColon + 1) + (((v4[0]! << 8) | v4[1]!).toString(16)) + ':' + (((v4[2]! << 8) | v4[3]!).toString(16));
  }
  const parts = text.split('::');
  if (parts.length > 2) return undefined;
  const head = parts[0] ? parts[0].split(':') : [];
  const rest = parts.length === 2 && parts[1] ? parts[1].split(':') : [];
  const hx = (w: string): number => (/^[0-9a-fA-F]{1,4}$/.test(w) ? parseInt(w, 16) : -1);
  const hw = head.map(hx);
  const rw = rest.map(hx);
  if (hw.includes(-1) || rw.includes(-1)) return undefined;
  const total = hw.length + rw.length;
  if (parts.length === 1 ? total !== 8 : total > 7) return undefined;
  const w = [...hw, ...new Array<number>(8 - total).fill(0), ...rw];
  const out = new Uint8Array(16);
  w.forEach((x, i) => {
    out[2 * i] = x >> 8;
    out[2 * i + 1] = x & 0xff;
  });
  return out;
}

export function encodeNrb(le: boolean, names: readonly NameInput[], options: readonly OptionInput[] = []): Uint8Array {
  const parts: Uint8Array[] = [];
  for (const n of names) {
    let type = 1;
    let addr = parseIPv4(n.address);
    if (!addr) {
      type = 2;
      addr = parseIPv6(n.address);
    }
    if (!addr) throw new EncodeError('address', `not an IPv4 or IPv6 address: ${n.address}`);
    const nameBytes = n.names.map((s) => enc.encode(s + '\0'));
    const vlen = addr.length + nameBytes.reduce((a, b) => a + b.length, 0);
    if (vlen > 0xffff) throw new EncodeError('names', 'name record too long');
    const head = new Uint8Array(4);
    const dv = new DataView(head.buffer);
    dv.setUint16(0, type, le);
    dv.setUint16(2, vlen, le);
    parts.push(head, addr, ...nameBytes);
    const padding = (4 - (vlen & 3)) & 3;
    if (padding) parts.push(new Uint8Array(padding));
  }
  parts.push(new Uint8Array(4)); // nrb_record_end
  parts.push(encodeOptions(options, le));
  return encodeBlock(BT_NRB, parts, le);
}

export function encodeIsb(le: boolean, interfaceId: number, tsHigh: number, tsLow: number, rawOptions: Uint8Array): Uint8Array {
  return encodeBlock(BT_ISB, [words(le, interfaceId, tsHigh, tsLow), rawOptions, pad4(rawOptions)], le);
}

// ================================================================ pcapng writer

export interface PcapngWriterOptions {
  /** Default true. */
  littleEndian?: boolean;
  section?: SectionInput;
  interfaces: readonly InterfaceInput[];
  /** Name resolution records, written as an NRB after the interfaces. */
  names?: readonly NameInput[];
}

export class PcapngWriter {
  readonly littleEndian: boolean;
  private readonly opts: PcapngWriterOptions;
  private readonly ifaces: { units: bigint; tsOffset: bigint }[] = [];
  private headerDone = false;

  constructor(options: PcapngWriterOptions) {
    this.opts = options;
    this.littleEndian = options.littleEndian ?? true;
    for (const i of options.interfaces) this.ifaces.push(this.ifaceInfo(i));
  }

  private ifaceInfo(i: InterfaceInput): { units: bigint; tsOffset: bigint } {
    return { units: tsresolUnits(i.tsresol), tsOffset: BigInt(i.tsOffset ?? 0) };
  }

  /** SHB, one IDB per interface, and an NRB when names were given. */
  header(): Uint8Array {
    this.headerDone = true;
    const le = this.littleEndian;
    const parts = [encodeShb(this.opts.section ?? {}, le), ...this.opts.interfaces.map((i) => encodeIdb(i, le))];
    if (this.opts.names && this.opts.names.length > 0) parts.push(encodeNrb(le, this.opts.names));
    return concatChunks(parts);
  }

  private pre(): Uint8Array | undefined {
    return this.headerDone ? undefined : this.header();
  }

  private out(block: Uint8Array): Uint8Array {
    const h = this.pre();
    return h ? concatChunks([h, block]) : block;
  }

  /** Add an interface after the header; returns its IDB. Its id is the next number. */
  addInterface(i: InterfaceInput): Uint8Array {
    const h = this.pre();
    this.ifaces.push(this.ifaceInfo(i));
    const b = encodeIdb(i, this.littleEndian);
    return h ? concatChunks([h, b]) : b;
  }

  /** An NRB with these names. */
  addNames(names: readonly NameInput[]): Uint8Array {
    return this.out(encodeNrb(this.littleEndian, names));
  }

  /** An EPB (preceded by the header on the first call). */
  add(p: PacketInput): Uint8Array {
    const le = this.littleEndian;
    const id = p.interfaceId ?? 0;
    const iface = this.ifaces[id];
    if (!iface) throw new EncodeError('interfaceId', `interface ${id} not defined (${this.ifaces.length} interfaces)`);
    checkNsec(p.tsNsec);
    if (!Number.isInteger(p.tsSec)) throw new EncodeError('tsSec', `${p.tsSec} is not an integer`);
    let hi: number;
    let lo: number;
    try {
      [hi, lo] = joinTimestamp(p.tsSec, p.tsNsec, iface.units, iface.tsOffset);
    } catch (e) {
      throw new EncodeError('tsSec', (e as Error).message);
    }
    const list: OptionInput[] = [];
    for (const c of p.comments ?? []) list.push({ code: OPT_COMMENT, value: c });
    if (p.flags !== undefined) {
      checkU32('flags', p.flags);
      const f = new Uint8Array(4);
      new DataView(f.buffer).setUint32(0, p.flags, le);
      list.push({ code: EPB_FLAGS, value: f });
    }
    const origLen = p.origLen ?? p.data.length;
    checkU32('origLen', origLen);
    return this.out(encodeEpb(le, id, hi, lo, p.data, origLen, encodeOptions(list, le)));
  }

  /** The header if nothing was written yet, else nothing. */
  finish(): Uint8Array {
    return this.pre() ?? EMPTY;
  }
}

/** Write a whole pcapng file. */
export function writePcapng(options: PcapngWriterOptions, packets: Iterable<PacketInput>): Uint8Array {
  const w = new PcapngWriter(options);
  const parts: Uint8Array[] = [];
  for (const p of packets) parts.push(w.add(p));
  parts.push(w.finish());
  return concatChunks(parts);
}

// ================================================================ byte-exact copies

/** Encoders for each event of a capture, reproducing it as read. Used by writeCaptureLike. */
export class CaptureCopier {
  private le = true;
  private pcap: PcapWriter | undefined;

  pcapHeader(h: PcapFileHeader): Uint8Array {
    this.pcap = new PcapWriter({
      linkType: h.linkType,
      linkTypeField: h.linkTypeField,
      snapLen: h.snapLen,
      nanosecond: h.nanosecond,
      littleEndian: h.littleEndian,
      modified: h.modified,
      versionMajor: h.versionMajor,
      versionMinor: h.versionMinor,
      thisZone: h.thisZone,
      sigFigs: h.sigFigs,
      preserveRaw: true,
    });
    return this.pcap.header();
  }

  section(s: SectionHeader): Uint8Array {
    this.le = s.littleEndian;
    return encodeShb(
      { versionMajor: s.versionMajor, versionMinor: s.versionMinor, sectionLength: s.sectionLength, rawOptions: s.rawOptions },
      this.le,
    );
  }

  iface(i: InterfaceDescription): Uint8Array {
    return encodeIdb({ linkType: i.linkType, reserved: i.reserved, snapLen: i.snapLen, rawOptions: i.rawOptions }, this.le);
  }

  names(n: NameResolutionBlock): Uint8Array {
    return encodeBlock(BT_NRB, [n.rawBody], this.le);
  }

  stats(s: InterfaceStatistics): Uint8Array {
    return encodeIsb(this.le, s.interfaceId, s.tsHigh, s.tsLow, s.rawOptions);
  }

  block(b: OpaqueBlock): Uint8Array {
    return encodeBlock(b.blockType, [b.body], this.le);
  }

  /** The bytes of any event (problems give nothing). */
  event(e: CaptureEvent): Uint8Array {
    switch (e.kind) {
      case 'pcap-header':
        return this.pcapHeader(e);
      case 'section':
        return this.section(e);
      case 'interface':
        return this.iface(e);
      case 'names':
        return this.names(e);
      case 'stats':
        return this.stats(e);
      case 'block':
        return this.block(e);
      case 'packet':
        return this.packet(e.record);
      default:
        return EMPTY;
    }
  }

  packet(r: CaptureRecord): Uint8Array {
    const le = this.le;
    switch (r.source) {
      case 'pcap':
      case 'pcap-modified':
        if (!this.pcap) throw new EncodeError('record', 'pcap record before the pcap header');
        return this.pcap.add(r);
      case 'spb':
        return encodeSpb(le, r.origLen, r.data, r.options ?? EMPTY);
      case 'pb':
        return encodePb(le, r.interfaceId, r.dropsCount ?? 0, r.tsHigh ?? 0, r.tsLow ?? 0, r.data, r.origLen, r.options ?? EMPTY);
      case 'custom':
        return encodeCustom(le, r.blockType ?? BT_CUSTOM, r.pen ?? 0, r.data);
      default:
        return encodeEpb(le, r.interfaceId, r.tsHigh ?? 0, r.tsLow ?? 0, r.data, r.origLen, r.options ?? EMPTY);
    }
  }
}

/**
 * Re-encode a capture read by this module (or the bytes of one) in its own format. For a
 * well-formed file the result equals the original byte for byte. Reading stops at the first
 * fatal problem, so a damaged file gives what was read before the damage.
 */
export function writeCaptureLike(original: Uint8Array | CaptureFile): Uint8Array {
  const file = original instanceof Uint8Array ? readCaptureFile(original) : original;
  const c = new CaptureCopier();
  return concatChunks(file.events.map((e) => c.event(e)));
}
