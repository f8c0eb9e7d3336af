/**
 * ICMP (RFC 792 and friends): type, code, checksum with its status, echo identifier and sequence (as tshark shows
 * them, big- and little-endian), and the error messages whose payload is the start of the datagram that caused
 * them: that quoted datagram is decoded as nested layers (`next: ip`, `quoting`), as tshark shows it.
 */
import { ipv4ToString, parseIPv4 } from '../core/addr.js';
import { onesSum } from '../core/checksum.js';
import { EncodeError, problem } from '../core/problem.js';
import { compileHeader, readUint, writeUint } from '../fields/compile.js';
import { timeDiffText } from '../dissect/frame.js';
import { defineFields } from '../fields/types.js';
import type { FieldNode } from '../fields/types.js';
import { defineProtocol } from './types.js';
import type { Layer, TreeContext } from './types.js';
import { createEchoState, shiftedChecksum, trackEcho } from './icmp-match.js';
import type { EchoNotes, EchoState } from './icmp-match.js';

/** Type names (packet-icmp.c, tshark 4.0), used in the tree (`Type: 8 (Echo (ping) request)`) and the Info column. */
export const ICMP_TYPES: Readonly<Record<number, string>> = {
  0: 'Echo (ping) reply', 1: 'Reserved', 2: 'Reserved', 3: 'Destination unreachable', 4: 'Source quench (flow control)',
  5: 'Redirect', 6: 'Alternate host address', 8: 'Echo (ping) request', 9: 'Router advertisement', 10: 'Router solicitation',
  11: 'Time-to-live exceeded', 12: 'Parameter problem', 13: 'Timestamp request', 14: 'Timestamp reply',
  15: 'Information request', 16: 'Information reply', 17: 'Address mask request', 18: 'Address mask reply',
  19: 'Reserved (for security)', 30: 'Traceroute', 31: 'Datagram Conversion Error', 32: 'Mobile Host Redirect',
  33: 'IPv6 Where-Are-You', 34: 'IPv6 I-Am-Here', 35: 'Mobile Registration Request', 36: 'Mobile Registration Reply',
  37: 'Domain Name Request', 38: 'Domain Name Reply', 39: 'SKIP', 40: 'Photuris', 42: 'Extended Echo request',
  43: 'Extended Echo reply',
};

/** Code names per type. */
export const ICMP_CODES: Readonly<Record<number, Readonly<Record<number, string>>>> = {
  3: {
    0: 'Network unreachable', 1: 'Host unreachable', 2: 'Protocol unreachable', 3: 'Port unreachable',
    4: 'Fragmentation needed', 5: 'Source route failed', 6: 'Destination network unknown', 7: 'Destination host unknown',
    8: 'Source host isolated', 9: 'Network administratively prohibited', 10: 'Host administratively prohibited',
    11: 'Network unreachable for TOS', 12: 'Host unreachable for TOS', 13: 'Communication administratively filtered',
    14: 'Host precedence violation', 15: 'Precedence cutoff in effect',
  },
  5: { 0: 'Redirect for network', 1: 'Redirect for host', 2: 'Redirect for TOS and network', 3: 'Redirect for TOS and host' },
  6: { 0: 'Alternate address for host' },
  9: { 0: 'Normal router advertisement', 16: 'Does not route common traffic' },
  11: { 0: 'Time to live exceeded in transit', 1: 'Fragment reassembly time exceeded' },
  12: { 0: 'Pointer indicates the error', 1: 'Required option missing', 2: 'Bad length' },
  40: { 0: 'Bad SPI', 1: 'Authentication Failed', 2: 'Decompression Failed', 3: 'Decryption Failed', 4: 'Need Authentication', 5: 'Need Authorization' },
  42: { 0: 'No error' },
  43: { 0: 'No error', 1: 'Malformed Query', 2: 'No Such Interface', 3: 'No Such Table Entry', 4: 'Multiple Interfaces Satisfy Query' },
};

const CHECKSUM_STATUS = { 0: 'Bad', 1: 'Good', 2: 'Unverified', 3: 'Not present', 4: 'Illegal' };

export const icmpTable = defineFields(
  { abbrev: 'icmp', name: 'Internet Control Message Protocol', desc: 'Control and error messages of IPv4: ping, unreachable destinations, expired TTLs, redirects' },
  {
    type: { abbrev: 'icmp.type', name: 'Type', type: 'UINT8', base: 'DEC', strings: ICMP_TYPES, offset: 0, width: 1, desc: 'Message type (0 echo reply, 3 destination unreachable, 8 echo request, 11 time exceeded)' },
    code: { abbrev: 'icmp.code', name: 'Code', type: 'UINT8', base: 'DEC', offset: 1, width: 1, desc: 'Subtype of the message (for type 3: 1 host, 3 port unreachable, 4 fragmentation needed)' },
    checksum: { abbrev: 'icmp.checksum', name: 'Checksum', type: 'UINT16', base: 'HEX', offset: 2, width: 2, auto: 'checksum', desc: "One's-complement checksum over the whole ICMP message" },
    checksum_status: { abbrev: 'icmp.checksum.status', name: 'Checksum Status', type: 'UINT8', base: 'NONE', strings: CHECKSUM_STATUS, desc: 'Whether the checksum is right' },
    unused: { abbrev: 'icmp.unused', name: 'Unused', type: 'BYTES', desc: 'Not used by this message type, zero' },
    ident: { abbrev: 'icmp.ident', name: 'Identifier (BE)', type: 'UINT16', base: 'DEC_HEX', desc: 'Matches replies to requests (often the sender process id), read big-endian' },
    ident_le: { abbrev: 'icmp.ident_le', name: 'Identifier (LE)', type: 'UINT16', base: 'DEC_HEX', desc: 'The identifier read little-endian, as some systems write it' },
    seq: { abbrev: 'icmp.seq', name: 'Sequence Number (BE)', type: 'UINT16', base: 'DEC_HEX', desc: 'Counts the requests of one ping run, read big-endian' },
    seq_le: { abbrev: 'icmp.seq_le', name: 'Sequence Number (LE)', type: 'UINT16', base: 'DEC_HEX', desc: 'The sequence number read little-endian' },
    mtu: { abbrev: 'icmp.mtu', name: 'MTU of next hop', type: 'UINT16', base: 'DEC', desc: 'With "fragmentation needed": the largest datagram the next link carries (path MTU discovery)' },
    redir_gw: { abbrev: 'icmp.redir_gw', name: 'Gateway Address', type: 'IPv4', desc: 'The better first hop the sender should use for this destination' },
    pointer: { abbrev: 'icmp.pointer', name: 'Pointer', type: 'UINT32', base: 'DEC', desc: 'The byte of the quoted header where the problem is' },
    num_addrs: { abbrev: 'icmp.num_addrs', name: 'Number of addresses', type: 'UINT8', base: 'DEC', desc: 'How many router addresses the advertisement lists' },
    addr_entry_size: { abbrev: 'icmp.addr_entry_size', name: 'Address entry size', type: 'UINT8', base: 'DEC', desc: 'Size of each entry in 32-bit words (2: address and preference)' },
    lifetime: { abbrev: 'icmp.lifetime', name: 'Lifetime', type: 'UINT16', base: 'DEC', unit: ' seconds', desc: 'How long the advertised addresses stay valid' },
    router_address: { abbrev: 'icmp.router_address', name: 'Router address', type: 'IPv4', desc: 'An address of the advertising router' },
    pref_level: { abbrev: 'icmp.pref_level', name: 'Preference level', type: 'INT32', base: 'DEC', desc: 'How much to prefer this router as default (higher is better)' },
    originate_timestamp: { abbrev: 'icmp.originate_timestamp', name: 'Originate Timestamp', type: 'UINT32', base: 'DEC', desc: 'When the request was sent, ms since midnight UT' },
    receive_timestamp: { abbrev: 'icmp.receive_timestamp', name: 'Receive Timestamp', type: 'UINT32', base: 'DEC', desc: 'When the request was received, ms since midnight UT' },
    transmit_timestamp: { abbrev: 'icmp.transmit_timestamp', name: 'Transmit Timestamp', type: 'UINT32', base: 'DEC', desc: 'When the reply was sent, ms since midnight UT' },
    address_mask: { abbrev: 'icmp.address_mask', name: 'Address Mask', type: 'IPv4', desc: 'The subnet mask of the network' },
    length_original: { abbrev: 'icmp.length.original_datagram', name: 'Length of original datagram', type: 'UINT8', base: 'DEC', desc: 'RFC 4884: length of the quoted datagram in 32-bit words, when extensions follow it' },
    resp_to: { abbrev: 'icmp.resp_to', name: 'Request frame', type: 'FRAMENUM', base: 'NONE', desc: 'The frame of the echo request this reply answers (same addresses, identifier, sequence number and data)' },
    resptime: { abbrev: 'icmp.resptime', name: 'Response time', type: 'DOUBLE', base: 'NONE', desc: 'Milliseconds between the echo request and this reply' },
    data_time: { abbrev: 'icmp.data_time', name: 'Timestamp from icmp data', type: 'ABSOLUTE_TIME', desc: 'The send time ping wrote in the first 8 bytes of the echo data (seconds and microseconds), when it looks like one' },
    data_time_relative: { abbrev: 'icmp.data_time_relative', name: 'Timestamp from icmp data (relative)', type: 'RELATIVE_TIME', unit: ' seconds', desc: 'Capture time minus the timestamp in the echo data' },
  },
);

const fixed = compileHeader(icmpTable);
const F = icmpTable.fields;

/** The message-specific part of an ICMP message (bytes 4 on), by type. */
export type IcmpBody =
  /** Echo (0, 8) and information (15, 16) messages. */
  | { kind: 'echo'; ident: number; seq: number }
  | { kind: 'timestamp'; ident: number; seq: number; originate: number; receive: number; transmit: number }
  | { kind: 'mask'; ident: number; seq: number; mask: string }
  /** Destination unreachable, source quench, time exceeded: 4 unused bytes (the MTU for "fragmentation needed"). */
  | { kind: 'error'; unused: Uint8Array; mtu?: number }
  | { kind: 'redirect'; gateway: string }
  | { kind: 'param-problem'; pointer: number; unused: Uint8Array }
  | { kind: 'router-adv'; num: number; size: number; lifetime: number; entries: { address: string; preference: number }[] }
  /** Any other type (or a message too short for its type): the bytes after the checksum, up to 4. */
  | { kind: 'unknown'; rest: Uint8Array };

export interface IcmpValue {
  type: number;
  code: number;
  checksum: number;
  body: IcmpBody;
  /** good / bad / unchecked (message not captured whole, or quoted inside an error). */
  checksumStatus: 'good' | 'bad' | 'unchecked';
  checksumCalculated?: number;
  /** The payload is a quoted datagram (error messages): the summary stops here. */
  quoting?: boolean;
  /** Bytes after the quoted datagram (RFC 4884 extensions, padding), kept for a lossless re-encode. */
  trailer?: Uint8Array;
}

export interface IcmpInput {
  type: number;
  code?: number;
  /** Undefined: computed over the message. */
  checksum?: number;
  body?: IcmpBody;
  trailer?: Uint8Array;
}

const ERROR_TYPES = new Set([3, 4, 5, 11, 12]);

function bodyLength(body: IcmpBody): number {
  switch (body.kind) {
    case 'echo':
    case 'error':
    case 'redirect':
    case 'param-problem':
      return 4;
    case 'timestamp':
      return 16;
    case 'mask':
      return 8;
    case 'router-adv':
      return 4 + body.entries.length * 8;
    case 'unknown':
      return body.rest.length;
  }
}

function parseBody(b: Uint8Array, type: number, code: number, at: number, end: number): IcmpBody {
  const n = end - at;
  if ((type === 0 || type === 8 || type === 15 || type === 16) && n >= 4) return { kind: 'echo', ident: readUint(b, at, 2), seq: readUint(b, at + 2, 2) };
  if ((type === 13 || type === 14) && n >= 16)
    return { kind: 'timestamp', ident: readUint(b, at, 2), seq: readUint(b, at + 2, 2), originate: readUint(b, at + 4, 4), receive: readUint(b, at + 8, 4), transmit: readUint(b, at + 12, 4) };
  if ((type === 17 || type === 18) && n >= 8) return { kind: 'mask', ident: readUint(b, at, 2), seq: readUint(b, at + 2, 2), mask: ipv4ToString(b, at + 4) };
  if ((type === 3 || type === 4 || type === 11) && n >= 4) {
    if (type === 3 && code === 4) return { kind: 'error', unused: b.subarray(at, at + 2), mtu: readUint(b, at + 2, 2) };
    return { kind: 'error', unused: b.subarray(at, at + 4) };
  }
  if (type === 5 && n >= 4) return { kind: 'redirect', gateway: ipv4ToString(b, at) };
  if (type === 12 && n >= 4) return { kind: 'param-problem', pointer: b[at]!, unused: b.subarray(at + 1, at + 4) };
  if (type === 9 && n >= 4) {
    const num = b[at]!;
    const size = b[at + 1]!;
    const entries: { address: string; preference: number }[] = [];
    if (size === 2 && n >= 4 + num * 8) {
      for (let k = 0; k < num; k++) entries.push({ address: ipv4ToString(b, at + 4 + 8 * k), preference: readUint(b, at + 8 + 8 * k, 4) | 0 });
      return { kind: 'router-adv', num, size, lifetime: readUint(b, at + 2, 2), entries };
    }
  }
  return { kind: 'unknown', rest: b.subarray(at, Math.min(end, at + 4)) };
}

function writeBody(out: Uint8Array, at: number, body: IcmpBody): void {
  const u16 = (name: string, off: number, v: number) => {
    if (!Number.isInteger(v) || v < 0 || v > 0xffff) throw new EncodeError(name, `${v} does not fit in 16 bits`);
    writeUint(out, off, 2, v);
  };
  const u32 = (name: string, off: number, v: number) => {
    if (!Number.isInteger(v) || v < 0 || v > 0xffffffff) throw new EncodeError(name, `${v} does not fit in 32 bits`);
    writeUint(out, off, 4, v);
  };
  const addr = (name: string, off: number, a: string) => {
    const bytes = parseIPv4(a);
    if (!bytes) throw new EncodeError(name, `not a valid IPv4 address: ${a}`);
    out.set(bytes, off);
  };
  switch (body.kind) {
    case 'echo':
      u16('icmp.ident', at, body.ident);
      u16('icmp.seq', at + 2, body.seq);
      return;
    case 'timestamp':
      u16('icmp.ident', at, body.ident);
      u16('icmp.seq', at + 2, body.seq);
      u32('icmp.originate_timestamp', at + 4, body.originate);
      u32('icmp.receive_timestamp', at + 8, body.receive);
      u32('icmp.transmit_timestamp', at + 12, body.transmit);
      return;
    case 'mask':
      u16('icmp.ident', at, body.ident);
      u16('icmp.seq', at + 2, body.seq);
      addr('icmp.address_mask', at + 4, body.mask);
      return;
    case 'error':
      if (body.mtu !== undefined) {
        if (body.unused.length !== 2) throw new EncodeError('icmp.unused', 'expected 2 bytes before the MTU');
        out.set(body.unused, at);
        u16('icmp.mtu', at + 2, body.mtu);
      } else {
        if (body.unused.length !== 4) throw new EncodeError('icmp.unused', 'expected 4 bytes');
        out.set(body.unused, at);
      }
      return;
    case 'redirect':
      addr('icmp.redir_gw', at, body.gateway);
      return;
    case 'param-problem':
      if (!Number.isInteger(body.pointer) || body.pointer < 0 || body.pointer > 255) throw new EncodeError('icmp.pointer', `${body.pointer} does not fit in 8 bits`);
      if (body.unused.length !== 3) throw new EncodeError('icmp.unused', 'expected 3 bytes');
      out[at] = body.pointer;
      out.set(body.unused, at + 1);
      return;
    case 'router-adv':
      if (body.num > 255 || body.size > 255) throw new EncodeError('icmp.num_addrs', 'does not fit in 8 bits');
      out[at] = body.num;
      out[at + 1] = body.size;
      u16('icmp.lifetime', at + 2, body.lifetime);
      body.entries.forEach((e, k) => {
        addr('icmp.router_address', at + 4 + 8 * k, e.address);
        writeUint(out, at + 8 + 8 * k, 4, e.preference >>> 0);
      });
      return;
    case 'unknown':
      out.set(body.rest, at);
      return;
  }
}

function hex(n: number, digits: number): string {
  return '0x' + n.toString(16).padStart(digits, '0');
}

function swap16(n: number): number {
  return ((n & 0xff) << 8) | (n >> 8);
}

/** The TTL of the IP layer right outside this one (for the Info column's `ttl=`). */
function enclosingTtl(ctx: TreeContext): number | undefined {
  const outer = ctx.layers[ctx.index - 1];
  if (!outer) return undefined;
  const v = outer.value as { ttl?: unknown; hlim?: unknown };
  return typeof v.ttl === 'number' ? v.ttl : undefined;
}

function bodyNodes(at: number, body: IcmpBody): FieldNode[] {
  const out: FieldNode[] = [];
    switch (body.kind) {
      case 'echo':
      case 'timestamp':
      case 'mask':
        out.push({ def: F.ident, start: at, len: 2, value: body.ident });
        out.push({ def: F.ident_le, start: at, len: 2, value: swap16(body.ident) });
        out.push({ def: F.seq, start: at + 2, len: 2, value: body.seq });
        out.push({ def: F.seq_le, start: at + 2, len: 2, value: swap16(body.seq) });
        if (body.kind === 'timestamp') {
          out.push({ def: F.originate_timestamp, start: at + 4, len: 4, value: body.originate });
          out.push({ def: F.receive_timestamp, start: at + 8, len: 4, value: body.receive });
          out.push({ def: F.transmit_timestamp, start: at + 12, len: 4, value: body.transmit });
        }
        if (body.kind === 'mask') out.push({ def: F.address_mask, start: at + 4, len: 4, value: body.mask });
        break;
      case 'error':
        out.push({ def: F.unused, start: at, len: body.unused.length, value: body.unused });
        if (body.mtu !== undefined) out.push({ def: F.mtu, start: at + 2, len: 2, value: body.mtu });
        break;
      case 'redirect':
        out.push({ def: F.redir_gw, start: at, len: 4, value: body.gateway });
        break;
      case 'param-problem':
        out.push({ def: F.pointer, start: at, len: 1, value: body.pointer });
        out.push({ def: F.unused, start: at + 1, len: 3, value: body.unused });
        break;
      case 'router-adv':
        out.push({ def: F.num_addrs, start: at, len: 1, value: body.num });
        out.push({ def: F.addr_entry_size, start: at + 1, len: 1, value: body.size });
        out.push({ def: F.lifetime, start: at + 2, len: 2, value: body.lifetime });
        body.entries.forEach((e, k) => {
          out.push({ def: F.router_address, start: at + 4 + 8 * k, len: 4, value: e.address });
          out.push({ def: F.pref_level, start: at + 8 + 8 * k, len: 4, value: e.preference });
        });
        break;
      case 'unknown':
        break;
    }
  return out;
}

/** Bytes after the checksum each type needs for its fixed fields. */
const FIXED_LEN: Readonly<Record<number, number>> = { 0: 4, 8: 4, 13: 16, 14: 16, 15: 4, 16: 4, 17: 8, 18: 8, 3: 4, 4: 4, 5: 4, 11: 4, 12: 4 };

export const icmp = defineProtocol<IcmpValue, IcmpInput>({
  name: 'icmp',
  shortName: 'ICMP',
  table: icmpTable,
  bindings: [{ table: 'ip.proto', key: 1 }],
  decode(b, start, end, ctx) {
    const v = { type: 0, code: 0, checksum: 0, body: { kind: 'unknown', rest: b.subarray(end, end) }, checksumStatus: 'unchecked' } as IcmpValue;
    fixed.read(b, start, end, v as unknown as Record<string, unknown>);
    const avail = end - start;
    if (avail < 4) {
      if (!ctx.inError || avail < 1) {
        ctx.problems.push(problem('icmp', 'truncated', start, end, `ICMP header needs at least 4 bytes, ${Math.max(0, avail)} present`, { expected: 4, actual: Math.max(0, avail), limitedBy: 'ip.len' }));
      }
      return { value: v, headerEnd: end, end };
    }
    v.body = parseBody(b, v.type, v.code, start + 4, end);
    const headerEnd = start + 4 + bodyLength(v.body);
    const need = v.type === 13 || v.type === 14 ? 20 : v.type === 17 || v.type === 18 ? 12 : 8;
    if (avail < need && !ctx.inError) {
      ctx.problems.push(problem('icmp', 'truncated', start, end, `ICMP ${ICMP_TYPES[v.type] ?? `type ${v.type}`} needs ${need} bytes, ${avail} present`, { expected: need, actual: avail, limitedBy: b.length < ctx.wireLen && end === b.length ? 'frame.cap_len' : 'ip.len' }));
    }
    // The checksum covers the whole message: verifiable only when all of it was captured.
    const outer = ctx.layers[ctx.layers.length - 1];
    const whole = !ctx.inError && outer !== undefined && outer.end === end && !(end === b.length && b.length < ctx.wireLen) && !ipFragmented(outer);
    if (whole) {
      const sum = onesSum(b, start, end);
      v.checksumStatus = sum === 0xffff ? 'good' : 'bad';
      v.checksumCalculated = ~onesSum(b, start + 4, end, onesSum(b, start, start + 2)) & 0xffff;
      if (v.checksumStatus === 'bad') {
        ctx.problems.push(problem('icmp', 'bad-checksum', start + 2, start + 4, `checksum ${hex(v.checksum, 4)} is wrong, should be ${hex(v.checksumCalculated, 4)}`, { field: 'icmp.checksum', expected: v.checksumCalculated, actual: v.checksum }));
      }
    }
    if (ERROR_TYPES.has(v.type) && v.body.kind !== 'unknown' && headerEnd < end) {
      v.quoting = true;
      return { value: v, headerEnd, end, next: [{ proto: 'ip' }], quoting: true };
    }
    return { value: v, headerEnd: Math.min(headerEnd, end), end };
  },
  complete(layer, innerEnd, ctx) {
    if (!layer.value.quoting || innerEnd >= layer.end) return layer.value;
    return { ...layer.value, trailer: ctx.frame.subarray(innerEnd, layer.end) };
  },
  tree(layer, ctx) {
    const b = ctx.frame;
    const v = layer.value;
    const s = layer.start;
    const out: FieldNode[] = [];
    // tshark reads type, code and checksum together: with fewer than 4 bytes it shows none of them.
    if (layer.end - s < 4) return out;
    for (const n of fixed.nodes(b, s, layer.headerEnd, v as unknown as Record<string, unknown>)) {
      if (n.def === F.type) out.push({ ...n, text: `Type: ${v.type} (${ICMP_TYPES[v.type] ?? 'Unknown ICMP (obsolete or malformed?)'})` });
      else if (n.def === F.code) {
        const names = ICMP_CODES[v.type];
        out.push({ ...n, ...(names ? { text: `Code: ${v.code} (${names[v.code] ?? 'Unknown code'})` } : {}) });
      } else if (n.def === F.checksum) {
        const status = v.checksumStatus === 'good' ? 1 : v.checksumStatus === 'bad' ? 0 : 2;
        const note = status === 1 ? '[correct]' : status === 0 ? `[incorrect, should be ${hex(v.checksumCalculated ?? 0, 4)}]` : '[unverified] [fragmented datagram]';
        out.push({ ...n, text: `Checksum: ${hex(v.checksum, 4)} ${note}` });
        out.push({ def: F.checksum_status, start: n.start, len: 0, value: status, generated: true, text: `[Checksum Status: ${CHECKSUM_STATUS[status as 0 | 1 | 2]}]` });
      } else out.push(n);
    }
    let body = v.body;
    let partial = false;
    const need = FIXED_LEN[v.type];
    if (body.kind === 'unknown' && need !== undefined && body.rest.length > 0 && layer.end - s - 4 < need) {
      // A message cut short: show the fields whose bytes are there, as tshark does before giving up.
      const padded = new Uint8Array(need);
      padded.set(b.subarray(s + 4, layer.end));
      body = parseBody(padded, v.type, v.code, 0, need);
      partial = true;
    }
    const nodes = bodyNodes(s + 4, body);
    out.push(...(partial ? nodes.filter((n) => n.start + n.len <= layer.end) : nodes));
    const echo = layer.notes?.echo as EchoNotes | undefined;
    if (echo) {
      out.push({ def: F.resp_to, start: s, len: 0, value: echo.respTo, generated: true });
      out.push({ def: F.resptime, start: s, len: 0, value: echo.respTime, generated: true, text: `[Response time: ${echo.respTime.toFixed(3)} ms]` });
    }
    const stamp = dataTimestamp(layer, b);
    if (stamp) {
      const at = layer.headerEnd;
      out.push({ def: F.data_time, start: at, len: 8, value: stamp.time });
      out.push({ def: F.data_time_relative, start: at, len: 8, value: stamp.relative, generated: true, text: `[Timestamp from icmp data (relative): ${stamp.relative} seconds]` });
    }
    return out;
  },
  stateful: {
    create: createEchoState,
    // tshark keys a request by the checksum its reply will carry (type 8 -> 0 lowers the sum by 0x0800), a reply by its own
    track(state: EchoState, layer, frame) {
      const v = layer.value;
      if (v.body.kind !== 'echo' || (v.type !== 0 && v.type !== 8)) return undefined;
      const request = v.type === 8;
      const f = frame as Parameters<typeof trackEcho>[2];
      const notes = trackEcho(state, layer, f, request, request ? shiftedChecksum(v.checksum, 0x0800) : v.checksum, v.body.ident, v.body.seq);
      // the capture time, for the timestamp ping writes in the data (icmp.data_time_relative)
      const time = f.record ? { sec: f.record.tsSec, nsec: f.record.tsNsec } : undefined;
      return notes || time ? { ...(notes ? { echo: notes } : {}), ...(time ? { time } : {}) } : undefined;
    },
  },
  summary(layer, ctx) {
    const v = layer.value;
    const name = ICMP_TYPES[v.type];
    if (name === undefined) return 'Unknown ICMP (obsolete or malformed?)';
    const body = v.body;
    if ((v.type === 0 || v.type === 8) && body.kind === 'echo') {
      const ttl = enclosingTtl(ctx);
      const echo = layer.notes?.echo as EchoNotes | undefined;
      return `${name.padEnd(20)} id=${hex(body.ident, 4)}, seq=${body.seq}/${swap16(body.seq)}${ttl !== undefined ? `, ttl=${ttl}` : ''}${echo ? ` (request in ${echo.respTo})` : ''}`;
    }
    // tshark pads the echo name to 20 characters before the identifier; a message cut short stops there.
    if (v.type === 0 || v.type === 8) return name.padEnd(20);
    const codes = ICMP_CODES[v.type];
    if (codes) return `${name} (${codes[v.code] ?? `Unknown code: ${v.code}`})`;
    return name;
  },
  label() {
    return 'Internet Control Message Protocol';
  },
  encode(input, payload) {
    const body = input.body ?? ({ kind: 'unknown', rest: new Uint8Array(4) } as IcmpBody);
    const n = 4 + bodyLength(body);
    const trailer = input.trailer ?? new Uint8Array(0);
    const out = new Uint8Array(n + payload.length + trailer.length);
    fixed.write(out, 0, { type: input.type, code: input.code ?? 0, checksum: 0 });
    writeBody(out, 4, body);
    out.set(payload, n);
    out.set(trailer, n + payload.length);
    const cks = input.checksum ?? ~onesSum(out, 0, out.length) & 0xffff;
    if (!Number.isInteger(cks) || cks < 0 || cks > 0xffff) throw new EncodeError('icmp.checksum', `${cks} does not fit in 16 bits`);
    writeUint(out, 2, 2, cks);
    return out;
  },
  toInput(layer) {
    const v = layer.value;
    return { type: v.type, code: v.code, body: v.body, ...(v.trailer ? { trailer: v.trailer } : {}), ...(v.checksumStatus !== 'good' ? { checksum: v.checksum } : {}) };
  },
});

/** Bytes `icmp.encode(input, payload)` adds around the payload: the header with its body, and the trailer. */
export function icmpEncodingLength(input: IcmpInput): number {
  return 4 + bodyLength(input.body ?? { kind: 'unknown', rest: new Uint8Array(4) }) + (input.trailer?.length ?? 0);
}

function ipFragmented(l: Layer): boolean {
  const v = l.value as { mf?: unknown; frag_offset?: unknown };
  return v.mf === true || (typeof v.frag_offset === 'number' && v.frag_offset !== 0);
}

/**
 * The timestamp ping puts at the start of echo data (packet-icmp.c): seconds and microseconds, big-endian, else
 * little-endian, accepted when within a day of the capture time; with the capture time minus it. Undefined when the
 * data is shorter than 8 bytes or holds no such timestamp.
 */
export function dataTimestamp(layer: Layer<IcmpValue>, b: Uint8Array): { time: string; relative: string } | undefined {
  const v = layer.value;
  const now = layer.notes?.time as { sec: number; nsec: number } | undefined;
  const at = layer.headerEnd;
  if (!now || (v.type !== 0 && v.type !== 8) || v.body.kind !== 'echo' || layer.end - at < 8 || at + 8 > b.length) return undefined;
  const ok = (secs: number, usecs: number): boolean => Math.abs((secs - now.sec) | 0) < 86400 && usecs < 1_000_000;
  let secs = readUint(b, at, 4);
  let usecs = readUint(b, at + 4, 4);
  if (!ok(secs, usecs)) {
    secs = (b[at]! | (b[at + 1]! << 8) | (b[at + 2]! << 16) | (b[at + 3]! << 24)) >>> 0;
    usecs = (b[at + 4]! | (b[at + 5]! << 8) | (b[at + 6]! << 16) | (b[at + 7]! << 24)) >>> 0;
    if (!ok(secs, usecs)) return undefined;
  }
  const nsec = usecs * 1000;
  return { time: `${secs}.${String(nsec).padStart(9, '0')}`, relative: timeDiffText(now.sec, now.nsec, secs, nsec) };
}
