/**
 * Geneve, Generic Network Virtualization Encapsulation (RFC 8926): UDP port 6081, an 8-byte header (version,
 * options length, flags, protocol type, 24-bit VNI) and variable-length options (class, type, length, data), then a
 * payload named by its EtherType (0x6558: an Ethernet frame).
 */
import { EncodeError, problem } from '../core/problem.js';
import { defineFields } from '../fields/types.js';
import type { FieldNode } from '../fields/types.js';
import { ETHERTYPES } from './ethernet.js';
import { defineProtocol } from './types.js';
import type { Binding } from './types.js';

/** Option classes (IANA registry, as tshark names them). */
export function optionClassName(c: number): string {
  if (c <= 0xff) return 'Standard';
  const named: Record<number, string> = { 0x0100: 'Linux', 0x0101: 'Open vSwitch', 0x0102: 'Open Virtual Networking (OVN)', 0x0103: 'In-band Network Telemetry (INT)', 0x0104: 'VMware', 0x0105: 'Amazon.com, Inc.', 0x0106: 'Cisco Systems, Inc.', 0x0107: 'Oracle Corporation', 0x0129: 'Oxide Computer Company', 0x0136: 'InfoQuick Global Connection Tech Ltd.' };
  if (named[c]) return named[c]!;
  if (c >= 0x0108 && c <= 0x0110) return 'Amazon.com, Inc.';
  if (c >= 0x0111 && c <= 0x0118) return 'IBM';
  if (c >= 0x0119 && c <= 0x0128) return 'Ericsson';
  if (c >= 0x0130 && c <= 0x0131) return 'Cisco Systems, Inc.';
  if (c >= 0x0132 && c <= 0x0135) return 'Google LLC';
  if (c >= 0x0137 && c <= 0xfeff) return 'Unassigned';
  if (c >= 0xfff0) return 'Experimental';
  return 'Unknown';
}

const GCP_VNID = 0x013201;
const GCP_ENDPOINT = 0x013202;
const GCP_PROFILE = 0x013203;
const OPTION_NAMES: Readonly<Record<number, string>> = { [GCP_VNID]: 'GCP Virtual Network ID', [GCP_ENDPOINT]: 'GCP Endpoint ID', [GCP_PROFILE]: 'GCP Profile ID' };

export const geneveTable = defineFields(
  { abbrev: 'geneve', name: 'Generic Network Virtualization Encapsulation', desc: 'A network virtualization tunnel over UDP with extensible options (RFC 8926)' },
  {
    version: { abbrev: 'geneve.version', name: 'Version', type: 'UINT8', base: 'DEC', desc: 'Geneve version (the top 2 bits of the first byte), 0' },
    option_length: { abbrev: 'geneve.option.length', name: 'Length', type: 'UINT8', base: 'DEC', unit: ' bytes', desc: 'Bytes of options (the header) or of one option, its 4-byte header included' },
    flags: { abbrev: 'geneve.flags', name: 'Flags', type: 'UINT8', base: 'HEX', desc: 'O: an OAM (control) packet; C: critical options are present' },
    flag_oam: { abbrev: 'geneve.flags.oam', name: 'Operations, Administration and Management Frame', type: 'BOOLEAN', bitmask: 0x80, desc: 'The payload is a control message, not data' },
    flag_critical: { abbrev: 'geneve.flags.critical', name: 'Critical Options Present', type: 'BOOLEAN', bitmask: 0x40, desc: 'An option the receiver must understand is present' },
    flag_reserved: { abbrev: 'geneve.flags.reserved', name: 'Reserved', type: 'BOOLEAN', bitmask: 0x3f, desc: 'Reserved flag bits, zero' },
    proto_type: { abbrev: 'geneve.proto_type', name: 'Protocol Type', type: 'UINT16', base: 'HEX', strings: ETHERTYPES, auto: 'next', desc: 'EtherType of the payload (0x6558: an Ethernet frame)' },
    vni: { abbrev: 'geneve.vni', name: 'Virtual Network Identifier (VNI)', type: 'UINT24', base: 'HEX_DEC', desc: 'Which virtual network the packet belongs to' },
    reserved: { abbrev: 'geneve.reserved', name: 'Reserved', type: 'UINT8', base: 'HEX', desc: 'Reserved, zero' },
    options: { abbrev: 'geneve.options', name: 'Geneve Options', type: 'BYTES', desc: 'The options, one after the other' },
    option: { abbrev: 'geneve.option', name: 'Option', type: 'BYTES', desc: 'One option: class, type, length and data' },
    option_class: { abbrev: 'geneve.option.class', name: 'Class', type: 'UINT16', base: 'HEX', desc: 'Who defines the option type (0x0000-0x00ff standard)' },
    option_type: { abbrev: 'geneve.option.type', name: 'Type', type: 'UINT8', base: 'HEX', desc: 'The option within its class (high bit: critical)' },
    option_type_critical: { abbrev: 'geneve.option.type.critical', name: 'Critical Option', type: 'BOOLEAN', bitmask: 0x80, desc: 'The receiver must drop the packet if it does not understand the option' },
    option_flags: { abbrev: 'geneve.option.flags', name: 'Flags', type: 'UINT8', base: 'HEX', desc: 'Reserved bits of the option length byte' },
    option_flags_reserved: { abbrev: 'geneve.option.flags.reserved', name: 'Reserved', type: 'BOOLEAN', bitmask: 0xe0, desc: 'Reserved, zero' },
    gcp_vnid: { abbrev: 'geneve.option.gcp.vnid', name: 'GCP Virtual Network ID', type: 'UINT32', base: 'DEC', desc: 'Google Cloud virtual network ID' },
    gcp_reserved: { abbrev: 'geneve.option.gcp.reserved', name: 'GCP Reserved bits', type: 'BOOLEAN', bitmask: 0x0000000e, desc: 'Reserved bits' },
    gcp_direction: { abbrev: 'geneve.option.gcp.direction', name: 'GCP Traffic Direction', type: 'BOOLEAN', bitmask: 0x00000001, tfs: ['Egress', 'Ingress'], desc: 'Traffic direction' },
    gcp_endpoint: { abbrev: 'geneve.option.gcp.endpoint', name: 'GCP Endpoint ID', type: 'BYTES', desc: 'Google Cloud endpoint ID' },
    gcp_profile: { abbrev: 'geneve.option.gcp.profile', name: 'GCP Profile ID', type: 'UINT64', base: 'DEC', desc: 'Google Cloud profile ID' },
    unknown_data: { abbrev: 'geneve.option.unknown.data', name: 'Unknown Option Data', type: 'BYTES', desc: 'Data of an option wirelens does not name' },
  },
);

const F = geneveTable.fields;
const HDR = 8;

export interface GeneveOption {
  class: number;
  type: number;
  /** The reserved top 3 bits of the length byte. */
  flags: number;
  data: Uint8Array;
}

export interface GeneveValue {
  version: number;
  /** Bytes of options as the header states them (a multiple of 4). */
  optionsLength: number;
  flags: number;
  protoType: number;
  vni: number;
  reserved: number;
  options: GeneveOption[];
  /** Bytes of the options area after the last whole option (an option whose length runs past the area). */
  rest?: Uint8Array;
}

export interface GeneveInput {
  version?: number;
  flags?: number;
  /** Undefined: the inner layer's EtherType (0x6558 for Ethernet). */
  protoType?: number;
  vni?: number;
  reserved?: number;
  options?: GeneveOption[];
  rest?: Uint8Array;
}

function geneveNext(t: number): (Binding | { proto: string })[] {
  return t === 0x6558 ? [{ proto: 'eth' }] : [{ table: 'ethertype', key: t }];
}

function hex(n: number, d: number): string {
  return `0x${n.toString(16).padStart(d, '0')}`;
}

export const geneve = defineProtocol<GeneveValue, GeneveInput>({
  name: 'geneve',
  shortName: 'Geneve',
  table: geneveTable,
  bindings: [{ table: 'udp.port', key: 6081 }],
  decode(b, start, end, ctx) {
    const avail = end - start;
    const v: GeneveValue = {
      version: avail > 0 ? b[start]! >> 6 : 0,
      optionsLength: avail > 0 ? (b[start]! & 0x3f) * 4 : 0,
      flags: avail > 1 ? b[start + 1]! : 0,
      protoType: avail > 3 ? (b[start + 2]! << 8) | b[start + 3]! : 0,
      vni: avail > 6 ? (b[start + 4]! << 16) | (b[start + 5]! << 8) | b[start + 6]! : 0,
      reserved: avail > 7 ? b[start + 7]! : 0,
      options: [],
    };
    const need = HDR + v.optionsLength;
    if (avail < need) {
      const field = avail < 2 ? 'geneve.flags' : avail < 4 ? 'geneve.proto_type' : avail < 7 ? 'geneve.vni' : avail < 8 ? 'geneve.reserved' : 'geneve.options';
      ctx.problems.push(problem('geneve', 'truncated', start, end, `Geneve header needs ${need} bytes (${v.optionsLength} of options), ${avail} present`, { field, expected: need, actual: avail, limitedBy: 'udp.length' }));
      return { value: v, headerEnd: end, end };
    }
    if (v.version !== 0) ctx.problems.push({ ...problem('geneve', 'bad-value', start, start + 1, `unknown Geneve version ${v.version}`, { field: 'geneve.version', actual: v.version }), severity: 'warning' });
    let at = start + HDR;
    const optEnd = start + need;
    while (at + 4 <= optEnd) {
      const len = 4 + (b[at + 3]! & 0x1f) * 4;
      if (at + len > optEnd) {
        ctx.problems.push({ ...problem('geneve', 'bad-length', at + 3, at + 4, `option of ${len} bytes goes past the end of the options (${optEnd - at} left)`, { field: 'geneve.option.length', expected: optEnd - at, actual: len }), severity: 'warning' });
        break;
      }
      v.options.push({ class: (b[at]! << 8) | b[at + 1]!, type: b[at + 2]!, flags: b[at + 3]! >> 5, data: b.subarray(at + 4, at + len) });
      at += len;
    }
    if (at < optEnd) v.rest = b.subarray(at, optEnd);
    return { value: v, headerEnd: optEnd, end, next: geneveNext(v.protoType) };
  },
  tree(layer, ctx) {
    const v = layer.value;
    const s = layer.start;
    const n = layer.headerEnd - s;
    const out: FieldNode[] = [];
    if (n < 1) return out;
    out.push({ def: F.version, start: s, len: 1, value: v.version });
    out.push({ def: F.option_length, start: s, len: 1, value: v.optionsLength });
    if (n < 2) return out;
    const fl = v.flags;
    const setNames = [fl & 0x80 ? 'Operations, Administration and Management Frame' : '', fl & 0x40 ? 'Critical Options Present' : ''].filter(Boolean);
    out.push({
      def: F.flags,
      start: s + 1,
      len: 1,
      value: fl,
      text: `Flags: ${hex(fl, 2)}${setNames.map((x) => ', ' + x).join('')}`,
      children: [
        { def: F.flag_oam, start: s + 1, len: 1, value: (fl & 0x80) !== 0, bitmask: 0x80 },
        { def: F.flag_critical, start: s + 1, len: 1, value: (fl & 0x40) !== 0, bitmask: 0x40 },
        { def: F.flag_reserved, start: s + 1, len: 1, value: (fl & 0x3f) !== 0, bitmask: 0x3f },
      ],
    });
    if (n < 4) return out;
    out.push({ def: F.proto_type, start: s + 2, len: 2, value: v.protoType });
    if (n < 7) return out;
    out.push({ def: F.vni, start: s + 4, len: 3, value: v.vni });
    if (n < 8) return out;
    // tshark hides a reserved byte of zero.
    out.push({ def: F.reserved, start: s + 7, len: 1, value: v.reserved, ...(v.reserved === 0 ? { hidden: true } : {}) });
    if (v.optionsLength === 0) return out;
    const kids: FieldNode[] = [];
    let at = s + HDR;
    for (const o of v.options) {
      const len = 4 + o.data.length;
      const key = (o.class << 8) | o.type;
      const critical = o.type & 0x80 ? 'Critical' : 'Non-critical';
      const optName = `${OPTION_NAMES[key] ?? 'Unknown'}, Class: ${optionClassName(o.class)} (${hex(o.class, 4)}) Type: ${hex(o.type, 2)}`;
      const sub: FieldNode[] = [
        { def: F.option_class, start: at, len: 2, value: o.class, text: `Class: ${optionClassName(o.class)} (${hex(o.class, 4)})` },
        { def: F.option_type, start: at + 2, len: 1, value: o.type, text: `Type: ${hex(o.type, 2)} (${critical})` },
        { def: F.option_type_critical, start: at + 2, len: 1, value: (o.type & 0x80) !== 0, bitmask: 0x80, hidden: true },
        {
          def: F.option_flags,
          start: at + 3,
          len: 1,
          value: o.flags,
          ...(o.flags ? { text: `Flags: ${hex(o.flags, 2)} (RSVD)` } : { hidden: true }),
          children: [{ def: F.option_flags_reserved, start: at + 3, len: 1, value: o.flags !== 0, bitmask: 0xe0, ...(o.flags ? {} : { hidden: true }) }],
        },
        { def: F.option_length, start: at + 3, len: 1, value: len },
      ];
      const d = at + 4;
      if (key === GCP_VNID && o.data.length >= 4) {
        const w = ((o.data[0]! << 24) | (o.data[1]! << 16) | (o.data[2]! << 8) | o.data[3]!) >>> 0;
        // tshark draws the 28 bits with a double space between bytes (proto_tree_add_bits_item).
        const drawn = [...w.toString(2).padStart(32, '0')].map((c, i) => (i >= 28 ? '.' : c)).join('').replace(/(.{4})(?=.)/g, '$1 ').replace(/(.{9}) (?=.)/g, '$1  ');
        sub.push({ def: F.gcp_vnid, start: d, len: 4, value: w >>> 4, text: `${drawn} = GCP Virtual Network ID: ${w >>> 4}` });
        sub.push({ def: F.gcp_direction, start: d, len: 4, value: (w & 1) !== 0, bitmask: 0x1 });
        sub.push({ def: F.gcp_reserved, start: d, len: 4, value: (w & 0xe) !== 0, bitmask: 0xe });
      } else if (key === GCP_ENDPOINT) sub.push({ def: F.gcp_endpoint, start: d, len: o.data.length, value: o.data });
      else if (key === GCP_PROFILE && o.data.length <= 8 && o.data.length > 0) {
        let x = 0n;
        for (const byte of o.data) x = (x << 8n) | BigInt(byte);
        sub.push({ def: F.gcp_profile, start: d, len: o.data.length, value: x });
      } else sub.push({ def: F.unknown_data, start: d, len: o.data.length, value: o.data });
      kids.push({ def: F.option, start: at, len, value: ctx.frame.subarray(at, at + len), text: `${optName} (${critical})`, children: sub });
      at += len;
    }
    out.push({ def: F.options, start: s + HDR, len: v.optionsLength, value: ctx.frame.subarray(s + HDR, s + HDR + v.optionsLength), text: `Options: (${v.optionsLength} bytes)`, children: kids });
    return out;
  },
  label(layer) {
    const v = layer.value;
    if (layer.headerEnd - layer.start < 7) return 'Generic Network Virtualization Encapsulation';
    return `Generic Network Virtualization Encapsulation, VNI: ${hex(v.vni, 6)}${v.flags & 0x80 ? ', OAM' : ''}`;
  },
  summary(layer, ctx) {
    const v = layer.value;
    const next = ctx.layers[ctx.index + 1];
    if ((next && next.proto.name !== 'data') || layer.headerEnd - layer.start < 4) return '';
    return `Encapsulated ${ETHERTYPES[v.protoType] ?? `${hex(v.protoType, 4)} (unknown)`}`;
  },
  encode(input, payload, ctx) {
    let protoType = input.protoType;
    if (protoType === undefined) {
      const bind = ctx.inner?.proto.bindings?.find((x) => x.table === 'ethertype');
      protoType = bind ? bind.key : ctx.inner?.proto.name === 'eth' ? 0x6558 : 0;
    }
    const options = input.options ?? [];
    let optLen = input.rest?.length ?? 0;
    for (const o of options) {
      if (o.data.length % 4 !== 0 || o.data.length > 124) throw new EncodeError('geneve.option.length', `option data must be a multiple of 4 bytes up to 124, got ${o.data.length}`);
      optLen += 4 + o.data.length;
    }
    if (optLen % 4 !== 0 || optLen > 252) throw new EncodeError('geneve.option.length', `options must be a multiple of 4 bytes up to 252, got ${optLen}`);
    const version = input.version ?? 0;
    const flags = input.flags ?? 0;
    const vni = input.vni ?? 0;
    const reserved = input.reserved ?? 0;
    for (const [name, val, max] of [
      ['geneve.version', version, 3],
      ['geneve.flags', flags, 0xff],
      ['geneve.proto_type', protoType, 0xffff],
      ['geneve.vni', vni, 0xffffff],
      ['geneve.reserved', reserved, 0xff],
    ] as const) {
      if (!Number.isInteger(val) || val < 0 || val > max) throw new EncodeError(name, `${val} does not fit`);
    }
    const out = new Uint8Array(HDR + optLen + payload.length);
    out[0] = (version << 6) | (optLen / 4);
    out[1] = flags;
    out[2] = protoType >> 8;
    out[3] = protoType & 0xff;
    out[4] = vni >> 16;
    out[5] = (vni >> 8) & 0xff;
    out[6] = vni & 0xff;
    out[7] = reserved;
    let at = HDR;
    for (const o of options) {
      out[at] = o.class >> 8;
      out[at + 1] = o.class & 0xff;
      out[at + 2] = o.type;
      out[at + 3] = ((o.flags & 7) << 5) | (o.data.length / 4);
      out.set(o.data, at + 4);
      at += 4 + o.data.length;
    }
    if (input.rest) {
      out.set(input.rest, at);
      at += input.rest.length;
    }
    out.set(payload, at);
    return out;
  },
  toInput(layer) {
    const v = layer.value;
    return { version: v.version, flags: v.flags, protoType: v.protoType, vni: v.vni, reserved: v.reserved, options: v.options, ...(v.rest ? { rest: v.rest } : {}) };
  },
});
