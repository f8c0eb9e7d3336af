/**
 * ERSPAN, Cisco's Encapsulated Remote SPAN (draft-foschiano-erspan-03): mirrored frames carried over GRE.
 * Type I (GRE protocol 0x88be without a sequence number) has no header of its own; type II (0x88be, version 1) an
 * 8-byte header (VLAN, class of service, encapsulation, session ID, port index); type III (0x22eb, version 2) a
 * 12-byte header (adds a timestamp, security group tag, frame type, hardware ID, direction) and, with the O bit, an
 * 8-byte platform-specific subheader. The mirrored frame follows: Ethernet (type III: frame type 0; IP for 2; any
 * other type is data).
 */
import { EncodeError, problem } from '../core/problem.js';
import { readUint, writeUint } from '../fields/compile.js';
import { defineFields } from '../fields/types.js';
import type { FieldDef, FieldNode } from '../fields/types.js';
import type { GreValue } from './gre.js';
import { defineProtocol } from './types.js';

export const erspanTable = defineFields(
  { abbrev: 'erspan', name: 'Encapsulated Remote Switch Packet ANalysis', desc: 'A copy of a frame seen on a switch port (SPAN), sent to a remote analyser over GRE' },
  {
    version: { abbrev: 'erspan.version', name: 'Version', type: 'UINT16', base: 'DEC', bitmask: 0xf000, strings: { 1: 'Type II', 2: 'Type III' }, desc: 'ERSPAN header version: 1 = type II, 2 = type III' },
    vlan: { abbrev: 'erspan.vlan', name: 'Vlan', type: 'UINT16', base: 'DEC', bitmask: 0x0fff, desc: 'VLAN of the mirrored frame' },
    cos: { abbrev: 'erspan.cos', name: 'COS', type: 'UINT16', base: 'DEC', bitmask: 0xe000, desc: 'Class of service of the mirrored frame' },
    encap: { abbrev: 'erspan.encap', name: 'Encap', type: 'UINT16', base: 'DEC', bitmask: 0x1800, strings: { 0: 'Originally without VLAN tag', 1: 'Originally ISL encapsulated', 2: 'Originally 802.1Q encapsulated', 3: 'VLAN tag preserved in frame' }, desc: 'How the frame was tagged on the mirrored port' },
    bso: { abbrev: 'erspan.bso', name: 'Bad/Short/Oversized', type: 'UINT16', base: 'DEC', bitmask: 0x1800, strings: { 0: 'Good or unknown integrity', 1: 'Short frame', 2: 'Oversized frame', 3: 'CRC or alignment error' }, desc: 'Integrity of the mirrored frame' },
    truncated: { abbrev: 'erspan.truncated', name: 'Truncated', type: 'UINT16', base: 'DEC', bitmask: 0x0400, strings: { 0: 'Not truncated', 1: 'Truncated' }, desc: 'The mirrored frame was cut to fit' },
    spanid: { abbrev: 'erspan.spanid', name: 'SpanID', type: 'UINT16', base: 'DEC', bitmask: 0x03ff, desc: 'Session ID: which mirroring session sent the frame' },
    reserved: { abbrev: 'erspan.reserved', name: 'Reserved', type: 'UINT32', base: 'DEC', bitmask: 0xfff00000, desc: 'Reserved bits, zero' },
    index: { abbrev: 'erspan.index', name: 'Index', type: 'UINT32', base: 'DEC', bitmask: 0x000fffff, desc: 'Port index of the mirrored port' },
    timestamp: { abbrev: 'erspan.timestamp', name: 'Timestamp', type: 'UINT32', base: 'DEC', bitmask: 0xffffffff, desc: 'When the frame was mirrored, in units of the timestamp granularity' },
    sgt: { abbrev: 'erspan.sgt', name: 'Security Group Tag', type: 'UINT16', base: 'DEC', bitmask: 0xffff, desc: 'Security group tag of the mirrored frame' },
    p: { abbrev: 'erspan.p', name: 'Has Ethernet PDU', type: 'UINT16', base: 'DEC', bitmask: 0x8000, desc: 'The payload is an Ethernet frame with its FCS (1) or not' },
    ft: { abbrev: 'erspan.ft', name: 'Frame Type', type: 'UINT16', base: 'DEC', bitmask: 0x7c00, strings: { 0: 'Ethernet', 2: 'IP' }, desc: 'What the payload is: 0 Ethernet, 2 IP' },
    hw: { abbrev: 'erspan.hw', name: 'Hardware ID', type: 'UINT16', base: 'DEC', bitmask: 0x03f0, desc: 'Which engine of the switch mirrored the frame' },
    direction: { abbrev: 'erspan.direction', name: 'Direction', type: 'BOOLEAN', bitmask: 0x0008, tfs: ['Egress', 'Ingress'], desc: 'The frame was mirrored on its way in (ingress) or out (egress)' },
    gra: { abbrev: 'erspan.gra', name: 'Timestamp granularity', type: 'UINT16', base: 'DEC', bitmask: 0x0006, strings: { 0: '100 microseconds', 1: '100 nanoseconds', 2: 'IEEE 1588', 3: 'Custom granularity' }, desc: 'Unit of the timestamp' },
    o: { abbrev: 'erspan.o', name: 'Optional Sub headers', type: 'UINT16', base: 'DEC', bitmask: 0x0001, desc: 'An 8-byte platform-specific subheader follows' },
    platid: { abbrev: 'erspan.platid', name: 'Platform ID', type: 'UINT32', base: 'DEC', bitmask: 0xfc000000, desc: 'Which platform layout the subheader has' },
    pid1_rsvd1: { abbrev: 'erspan.pid1.rsvd1', name: 'Reserved', type: 'UINT32', base: 'DEC', bitmask: 0x03fff000, desc: 'Reserved bits' },
    pid1_vsmid: { abbrev: 'erspan.pid1.vsmid', name: 'VSM Domain ID', type: 'UINT32', base: 'DEC', bitmask: 0x00000fff, desc: 'Virtual supervisor module domain' },
    pid1_port_index: { abbrev: 'erspan.pid1.port_index', name: 'Port ID/Index', type: 'UINT32', base: 'DEC', bitmask: 0xffffffff, desc: 'Port of the mirrored frame' },
    pid3_rsvd1: { abbrev: 'erspan.pid3.rsvd1', name: 'Reserved', type: 'UINT32', base: 'DEC', bitmask: 0x03ffc000, desc: 'Reserved bits' },
    pid3_port_index: { abbrev: 'erspan.pid3.port_index', name: 'Port ID/Index', type: 'UINT32', base: 'DEC', bitmask: 0x00003fff, desc: 'Port of the mirrored frame' },
    pid3_timestamp: { abbrev: 'erspan.pid3.timestamp', name: 'Upper 32-bit Timestamp', type: 'UINT32', base: 'DEC', bitmask: 0xffffffff, desc: 'Upper half of a 64-bit timestamp' },
    pid4_rsvd1: { abbrev: 'erspan.pid4.rsvd1', name: 'Reserved', type: 'UINT32', base: 'DEC', bitmask: 0x03ffc000, desc: 'Reserved bits' },
    pid4_rsvd2: { abbrev: 'erspan.pid4.rsvd2', name: 'Reserved', type: 'UINT32', base: 'DEC', bitmask: 0x00003fff, desc: 'Reserved bits' },
    pid4_rsvd3: { abbrev: 'erspan.pid4.rsvd3', name: 'Reserved', type: 'UINT32', base: 'DEC', bitmask: 0xffffffff, desc: 'Reserved bits' },
    pid5_switchid: { abbrev: 'erspan.pid5.switchid', name: 'Switch ID', type: 'UINT32', base: 'DEC', bitmask: 0x03ff0000, desc: 'Which switch mirrored the frame' },
    pid5_port_index: { abbrev: 'erspan.pid5.port_index', name: 'Port ID/Index', type: 'UINT32', base: 'DEC', bitmask: 0x0000ffff, desc: 'Port of the mirrored frame' },
    pid5_timestamp: { abbrev: 'erspan.pid5.timestamp', name: 'Timestamp (seconds)', type: 'UINT32', base: 'DEC', bitmask: 0xffffffff, desc: 'Seconds part of the timestamp' },
    pid7_rsvd1: { abbrev: 'erspan.pid7.rsvd1', name: 'Reserved', type: 'UINT32', base: 'DEC', bitmask: 0x03f00000, desc: 'Reserved bits' },
    pid7_source_index: { abbrev: 'erspan.pid7.source_index', name: 'Source Index', type: 'UINT32', base: 'DEC', bitmask: 0x000fffff, desc: 'Source of the mirrored frame' },
    pid7_timestamp: { abbrev: 'erspan.pid7.timestamp', name: 'Upper 32-bit Timestamp', type: 'UINT32', base: 'DEC', bitmask: 0xffffffff, desc: 'Upper half of a 64-bit timestamp' },
  },
);

const F = erspanTable.fields;

export interface ErspanValue {
  /** 1 = type I (no header), 2 = type II, 3 = type III; 0 = an unknown version (its header is not decoded). */
  type: 0 | 1 | 2 | 3;
  /** The header as captured (8 bytes for type II, 12 or 20 for type III; the version word for an unknown one). */
  header: Uint8Array;
}

export interface ErspanInput {
  /** Undefined: type II under GRE 0x88be with a sequence number, type III under 0x22eb, else type I. 0: unknown version. */
  type?: 0 | 1 | 2 | 3;
  /** The header bytes as they are to be written (type II: 8 bytes; type III: 12, or 20 with the O bit). */
  header?: Uint8Array;
}

/** Header bytes of a type: 0 for type I; 8 for type II; 12 (+8 with the O bit) for type III. */
function headerSize(type: number, b: Uint8Array, start: number, end: number): number {
  if (type === 1) return 0;
  if (type === 2) return 8;
  if (type === 3) return start + 12 <= end && (b[start + 11]! & 1) !== 0 ? 20 : 12;
  return 2;
}

function bits(def: FieldDef, at: number, len: number, raw: number, mask: number): FieldNode {
  let shift = 0;
  while (((mask >>> shift) & 1) === 0 && shift < 32) shift++;
  const value = ((raw & mask) >>> 0) >>> shift;
  return { def, start: at, len, value: def.type === 'BOOLEAN' ? value !== 0 : value, bitmask: mask };
}

export const erspan = defineProtocol<ErspanValue, ErspanInput>({
  name: 'erspan',
  shortName: 'ERSPAN',
  table: erspanTable,
  bindings: [
    { table: 'gre.proto', key: 0x88be },
    { table: 'gre.proto', key: 0x22eb },
  ],
  decode(b, start, end, ctx) {
    const outer = ctx.layers[ctx.layers.length - 1];
    const greV = outer?.proto.name === 'gre' ? (outer.value as GreValue) : undefined;
    let type: ErspanValue['type'];
    if (greV && greV.proto === 0x88be && !(greV.flags & 0x1000)) type = 1;
    else {
      const ver = end - start >= 1 ? b[start]! >> 4 : -1;
      type = ver === 1 ? 2 : ver === 2 ? 3 : 0;
      if (ver === -1) type = greV?.proto === 0x22eb ? 3 : 2;
    }
    const size = headerSize(type, b, start, end);
    const v: ErspanValue = { type, header: b.subarray(start, Math.min(start + size, end)) };
    if (end - start < size) {
      ctx.problems.push(problem('erspan', 'truncated', start, end, `ERSPAN type ${type === 3 ? 'III' : 'II'} header needs ${size} bytes, ${end - start} present`, { field: 'erspan.version', expected: size, actual: end - start, limitedBy: 'ip.len' }));
      return { value: v, headerEnd: end, end };
    }
    if (type === 0) {
      ctx.problems.push({ ...problem('erspan', 'unsupported', start, start + 2, `unknown ERSPAN version ${b[start]! >> 4}`, { field: 'erspan.version', actual: b[start]! >> 4 }), severity: 'warning' });
      return { value: v, headerEnd: start + 2, end };
    }
    const hdrEnd = start + size;
    if (type === 3) {
      const ft = (readUint(b, start + 10, 2) & 0x7c00) >> 10;
      if (ft === 0) return { value: v, headerEnd: hdrEnd, end, next: [{ proto: 'eth' }] };
      if (ft === 2) return { value: v, headerEnd: hdrEnd, end, next: [{ proto: 'ip' }] };
      return { value: v, headerEnd: hdrEnd, end };
    }
    return { value: v, headerEnd: hdrEnd, end, next: [{ proto: 'eth' }] };
  },
  tree(layer) {
    const v = layer.value;
    const h = v.header;
    const s = layer.start;
    const out: FieldNode[] = [];
    if (v.type === 1 || h.length < 2) return out;
    const w0 = readUint(h, 0, 2);
    out.push(bits(F.version, s, 2, w0, 0xf000));
    if (v.type === 0 || h.length < 4) return out;
    out.push(bits(F.vlan, s, 2, w0, 0x0fff));
    const w1 = readUint(h, 2, 2);
    out.push(bits(F.cos, s + 2, 2, w1, 0xe000));
    out.push(bits(v.type === 2 ? F.encap : F.bso, s + 2, 2, w1, 0x1800));
    out.push(bits(F.truncated, s + 2, 2, w1, 0x0400));
    out.push(bits(F.spanid, s + 2, 2, w1, 0x03ff));
    if (v.type === 2) {
      if (h.length < 8) return out;
      const w = readUint(h, 4, 4);
      out.push(bits(F.reserved, s + 4, 4, w, 0xfff00000));
      out.push(bits(F.index, s + 4, 4, w, 0x000fffff));
      return out;
    }
    if (h.length < 12) return out;
    out.push(bits(F.timestamp, s + 4, 4, readUint(h, 4, 4), 0xffffffff));
    out.push(bits(F.sgt, s + 8, 2, readUint(h, 8, 2), 0xffff));
    const w5 = readUint(h, 10, 2);
    out.push(bits(F.p, s + 10, 2, w5, 0x8000));
    out.push(bits(F.ft, s + 10, 2, w5, 0x7c00));
    out.push(bits(F.hw, s + 10, 2, w5, 0x03f0));
    out.push(bits(F.direction, s + 10, 2, w5, 0x0008));
    out.push(bits(F.gra, s + 10, 2, w5, 0x0006));
    out.push(bits(F.o, s + 10, 2, w5, 0x0001));
    if (h.length < 20) return out;
    const a = readUint(h, 12, 4);
    const c = readUint(h, 16, 4);
    const pid = a >>> 26;
    out.push(bits(F.platid, s + 12, 4, a, 0xfc000000));
    const two = (d1: FieldDef, m1: number, d2: FieldDef, m2: number, d3: FieldDef) => {
      out.push(bits(d1, s + 12, 4, a, m1), bits(d2, s + 12, 4, a, m2), bits(d3, s + 16, 4, c, 0xffffffff));
    };
    if (pid === 1) two(F.pid1_rsvd1, 0x03fff000, F.pid1_vsmid, 0x00000fff, F.pid1_port_index);
    else if (pid === 3) two(F.pid3_rsvd1, 0x03ffc000, F.pid3_port_index, 0x00003fff, F.pid3_timestamp);
    else if (pid === 4) two(F.pid4_rsvd1, 0x03ffc000, F.pid4_rsvd2, 0x00003fff, F.pid4_rsvd3);
    else if (pid === 5 || pid === 6) two(F.pid5_switchid, 0x03ff0000, F.pid5_port_index, 0x0000ffff, F.pid5_timestamp);
    else if (pid === 7) two(F.pid7_rsvd1, 0x03f00000, F.pid7_source_index, 0x000fffff, F.pid7_timestamp);
    return out;
  },
  label(layer) {
    const t = layer.value.type;
    return `Encapsulated Remote Switch Packet ANalysis${t === 1 ? ' Type I' : t === 2 ? ' Type II' : t === 3 ? ' Type III' : ''}`;
  },
  summary(layer, ctx) {
    const next = ctx.layers[ctx.index + 1];
    return !next || next.proto.name === 'data' ? 'ERSPAN:' : '';
  },
  encode(input, payload, ctx) {
    const outer = ctx.outer[ctx.outer.length - 1];
    const type = input.type ?? (outer?.proto.name === 'gre' && outer.input?.proto === 0x22eb ? 3 : outer?.proto.name === 'gre' && outer.input?.seq === undefined ? 1 : 2);
    let header = input.header;
    if (header === undefined) {
      header = new Uint8Array(type === 1 ? 0 : type === 2 ? 8 : 12);
      if (type === 2) writeUint(header, 0, 2, 0x1000);
      if (type === 3) writeUint(header, 0, 2, 0x2000);
    }
    const want = type === 1 ? [0] : type === 2 ? [8] : [12, 20];
    if (type !== 0 && !want.includes(header.length)) throw new EncodeError('erspan.version', `a type ${type} header has ${want.join(' or ')} bytes, got ${header.length}`);
    const out = new Uint8Array(header.length + payload.length);
    out.set(header, 0);
    out.set(payload, header.length);
    return out;
  },
  toInput(layer) {
    const v = layer.value;
    return { type: v.type, header: v.header };
  },
});
