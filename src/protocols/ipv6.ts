/**
 * IPv6 (RFC 8200) with its extension-header chain: hop-by-hop and destination options, routing, fragment and
 * authentication (AH, RFC 4302) headers, decoded inside the IPv6 layer as tshark 4.0 shows them (nested in the
 * IPv6 tree, each listed in frame.protocols as `ipv6.hopopts`, `ipv6.routing`, `ipv6.fraghdr`, `ipv6.dstopts`,
 * `ah`). ESP (RFC 4303) is an opaque layer of its own, as in tshark.
 */
import { ipv6ToString, macToString, parseIPv6 } from '../core/addr.js';
import { onesSum } from '../core/checksum.js';
import { EncodeError, problem } from '../core/problem.js';
import type { Problem } from '../core/problem.js';
import { compileHeader, readUint, writeUint } from '../fields/compile.js';
import { defineFields } from '../fields/types.js';
import type { FieldNode } from '../fields/types.js';
import { DSCP_NAMES, DSCP_SHORT, ECN_NAMES, ECN_SHORT, IP_PROTOCOLS, ipTable } from './ipv4.js';
import { defineProtocol } from './types.js';
import type { Layer } from './types.js';

// ---------------------------------------------------------------------------------------------------------------
// Field tables
// ---------------------------------------------------------------------------------------------------------------

/** IPv6 option types (ipv6_opt_type_vals of tshark 4.0). */
export const IPV6_OPT_NAMES: Readonly<Record<number, string>> = {
  0: 'Pad1', 1: 'PadN', 4: 'Tunnel Encapsulation Limit', 5: 'Router Alert', 7: 'CALIPSO', 8: 'SMF_DPD',
  15: 'Performance and Diagnostic Metrics', 30: 'Experimental (0x1E)', 38: 'Quick-Start', 48: 'Path MTU Option',
  49: 'IOAM Option', 62: 'Experimental (0x3E)', 65: 'Tunnel Payload Forwarding (TPF) Information', 94: 'Experimental (0x5E)',
  99: 'RPL Option', 109: 'MPL Option', 126: 'Experimental (0x7E)', 138: 'Endpoint Identification', 139: 'ILNP Nonce',
  140: 'Line-Identification Option', 158: 'Experimental (0x9E)', 190: 'Experimental (0xBE)', 194: 'Jumbo Payload',
  201: 'Home Address', 222: 'Experimental (0xDE)', 238: 'IP_DFF', 254: 'Experimental (0xFE)',
};

export const ROUTING_TYPES: Readonly<Record<number, string>> = {
  0: 'Source Route', 1: 'Nimrod', 2: 'Type 2 Routing', 3: 'RPL Source Route', 4: 'Segment Routing',
  5: 'Compact Routing Header 16', 6: 'Compact Routing Header 32', 253: 'Experiment 1', 254: 'Experiment 2',
};

const YES_NO: readonly [string, string] = ['Yes', 'No'];

export const ipv6Table = defineFields(
  { abbrev: 'ipv6', name: 'Internet Protocol Version 6', desc: 'The network layer with 128-bit addresses: carries a packet from its source to its destination host' },
  {
    version: { abbrev: 'ipv6.version', name: 'Version', type: 'UINT8', base: 'DEC', bitmask: 0xf0, offset: 0, width: 1, desc: 'IP version: 6 for IPv6' },
    tclass: { abbrev: 'ipv6.tclass', name: 'Traffic Class', type: 'UINT32', base: 'HEX', bitmask: 0x0ff00000, offset: 0, width: 4, desc: 'Traffic class: the DSCP forwarding class and the ECN bits, as in the IPv4 DS field' },
    dscp: { abbrev: 'ipv6.tclass.dscp', name: 'Differentiated Services Codepoint', type: 'UINT32', base: 'DEC', bitmask: 0x0fc00000, offset: 0, width: 4, strings: DSCP_NAMES, desc: 'DSCP: the forwarding class routers should give the packet' },
    ecn: { abbrev: 'ipv6.tclass.ecn', name: 'Explicit Congestion Notification', type: 'UINT32', base: 'DEC', bitmask: 0x00300000, offset: 0, width: 4, strings: ECN_NAMES, desc: 'ECN: lets routers signal congestion without dropping the packet' },
    flow: { abbrev: 'ipv6.flow', name: 'Flow Label', type: 'UINT24', base: 'HEX', bitmask: 0x0fffff, offset: 1, width: 3, desc: 'Flow label: marks packets of one flow so routers can keep them on one path' },
    plen: { abbrev: 'ipv6.plen', name: 'Payload Length', type: 'UINT16', base: 'DEC', offset: 4, width: 2, auto: 'length', desc: 'Length of everything after the 40-byte header (extension headers included), in bytes' },
    nxt: { abbrev: 'ipv6.nxt', name: 'Next Header', type: 'UINT8', base: 'DEC', strings: IP_PROTOCOLS, offset: 6, width: 1, auto: 'next', desc: 'What follows the header: an extension header or the upper-layer protocol (6 TCP, 17 UDP, 58 ICMPv6)' },
    hlim: { abbrev: 'ipv6.hlim', name: 'Hop Limit', type: 'UINT8', base: 'DEC', offset: 7, width: 1, desc: 'Hops left before a router drops the packet (the IPv4 TTL)' },
    src: { abbrev: 'ipv6.src', name: 'Source Address', type: 'IPv6', offset: 8, width: 16, desc: 'Address of the interface that sent the packet' },
    dst: { abbrev: 'ipv6.dst', name: 'Destination Address', type: 'IPv6', offset: 24, width: 16, desc: 'Address of the interface the packet is for (the next hop of a routing header)' },
    addr: { abbrev: 'ipv6.addr', name: 'Source or Destination Address', type: 'IPv6', desc: 'Either address (for filters: ipv6.addr == fe80::1)' },
    src_host: { abbrev: 'ipv6.src_host', name: 'Source Host', type: 'STRING', desc: 'Source address as a host name (never resolved by wirelens)' },
    dst_host: { abbrev: 'ipv6.dst_host', name: 'Destination Host', type: 'STRING', desc: 'Destination address as a host name' },
    host: { abbrev: 'ipv6.host', name: 'Source or Destination Host', type: 'STRING', desc: 'Either host name' },
    src_slaac_mac: { abbrev: 'ipv6.src_slaac_mac', name: 'Source SLAAC MAC', type: 'ETHER', desc: 'MAC address embedded in a SLAAC (modified EUI-64, ff:fe in the middle) source interface identifier' },
    dst_slaac_mac: { abbrev: 'ipv6.dst_slaac_mac', name: 'Destination SLAAC MAC', type: 'ETHER', desc: 'MAC address embedded in a SLAAC destination interface identifier' },
    slaac_mac: { abbrev: 'ipv6.slaac_mac', name: 'SLAAC MAC', type: 'ETHER', desc: 'Either SLAAC MAC address' },
    opt: { abbrev: 'ipv6.opt', name: 'IPv6 Option', type: 'NONE', desc: 'One option of a hop-by-hop or destination options header' },
    opt_type: { abbrev: 'ipv6.opt.type', name: 'Type', type: 'UINT8', base: 'HEX', strings: IPV6_OPT_NAMES, desc: 'Option type: its top two bits say what to do when it is not understood, the third whether it may change en route' },
    opt_action: { abbrev: 'ipv6.opt.type.action', name: 'Action', type: 'UINT8', base: 'DEC', bitmask: 0xc0, strings: { 0: 'Skip and continue', 1: 'Discard', 2: 'Discard and send ICMP Parameter Problem', 3: 'Discard and send ICMP if not multicast' }, desc: 'What a node that does not know the option does with the packet' },
    opt_change: { abbrev: 'ipv6.opt.type.change', name: 'May Change', type: 'BOOLEAN', bitmask: 0x20, tfs: YES_NO, desc: 'Whether the option data may change on the way (then it is zeroed for AH)' },
    opt_rest: { abbrev: 'ipv6.opt.type.rest', name: 'Low-Order Bits', type: 'UINT8', base: 'HEX', bitmask: 0x1f, desc: 'The rest of the option type number' },
    opt_length: { abbrev: 'ipv6.opt.length', name: 'Length', type: 'UINT8', base: 'DEC', auto: 'length', desc: 'Length of the option data in bytes (type and length bytes not counted)' },
    opt_pad1: { abbrev: 'ipv6.opt.pad1', name: 'Pad1', type: 'NONE', desc: 'One byte of padding' },
    opt_padn: { abbrev: 'ipv6.opt.padn', name: 'PadN', type: 'BYTES', desc: 'Two or more bytes of padding' },
    opt_router_alert: { abbrev: 'ipv6.opt.router_alert', name: 'Router Alert', type: 'UINT16', base: 'DEC', strings: { 0: 'MLD', 1: 'RSVP', 2: 'Active Network' }, desc: 'Routers on the path should look at this packet (RFC 2711)' },
    opt_tel: { abbrev: 'ipv6.opt.tel', name: 'Tunnel Encapsulation Limit', type: 'UINT8', base: 'DEC', desc: 'How many more levels of tunnel encapsulation are allowed (RFC 2473)' },
    opt_jumbo: { abbrev: 'ipv6.opt.jumbo', name: 'Payload Length', type: 'UINT32', base: 'DEC', desc: 'Jumbogram payload length, when the header Payload Length is 0 (RFC 2675)' },
    opt_home_address: { abbrev: 'ipv6.opt.mipv6.home_address', name: 'MIPv6 Home Address', type: 'IPv6', desc: 'Home address of a mobile node away from home (RFC 6275)' },
    opt_unknown: { abbrev: 'ipv6.opt.unknown', name: 'Unknown Option Payload', type: 'BYTES', desc: 'Data of an option wirelens does not interpret' },
  },
);

function extLenFields(p: 'hopopts' | 'dstopts' | 'routing') {
  return {
    nxt: { abbrev: `ipv6.${p}.nxt`, name: 'Next Header', type: 'UINT8' as const, base: 'DEC' as const, strings: IP_PROTOCOLS, offset: 0, width: 1, auto: 'next' as const, desc: 'What follows this extension header' },
    len: { abbrev: `ipv6.${p}.len`, name: 'Length', type: 'UINT8' as const, base: 'DEC' as const, offset: 1, width: 1, auto: 'length' as const, desc: 'Length of the extension header in 8-byte units, not counting the first 8 bytes' },
    len_oct: { abbrev: `ipv6.${p}.len_oct`, name: 'Length', type: 'UINT16' as const, base: 'DEC' as const, unit: ' bytes', desc: 'Length of the extension header in bytes' },
  };
}

export const hopoptsTable = defineFields(
  { abbrev: 'ipv6.hopopts', name: 'IPv6 Hop-by-Hop Option', desc: 'Options every router on the path must examine; must come first after the IPv6 header' },
  extLenFields('hopopts'),
);

export const dstoptsTable = defineFields(
  { abbrev: 'ipv6.dstopts', name: 'Destination Options for IPv6', desc: 'Options for the destination (or each routing-header hop) only' },
  extLenFields('dstopts'),
);

export const routingTable = defineFields(
  { abbrev: 'ipv6.routing', name: 'Routing Header for IPv6', desc: 'Lists nodes the packet must visit on its way to the final destination' },
  {
    ...extLenFields('routing'),
    type: { abbrev: 'ipv6.routing.type', name: 'Type', type: 'UINT8', base: 'DEC', strings: ROUTING_TYPES, offset: 2, width: 1, desc: 'Routing header variant (0 source route, deprecated; 2 Mobile IPv6; 4 segment routing)' },
    segleft: { abbrev: 'ipv6.routing.segleft', name: 'Segments Left', type: 'UINT8', base: 'DEC', offset: 3, width: 1, desc: 'How many listed nodes are still to be visited' },
    unknown_data: { abbrev: 'ipv6.routing.unknown_data', name: 'Type-Specific Data', type: 'BYTES', desc: 'Data of a routing type wirelens does not interpret' },
    src_reserved: { abbrev: 'ipv6.routing.src.reserved', name: 'Reserved', type: 'BYTES', desc: 'Reserved, zero' },
    src_addr: { abbrev: 'ipv6.routing.src.addr', name: 'Address', type: 'IPv6', desc: 'A node to visit (the last one is the final destination)' },
    mipv6_reserved: { abbrev: 'ipv6.routing.mipv6.reserved', name: 'Reserved', type: 'BYTES', desc: 'Reserved, zero' },
    mipv6_home_address: { abbrev: 'ipv6.routing.mipv6.home_address', name: 'Home Address', type: 'IPv6', desc: 'Home address of the mobile node the packet is for (RFC 6275)' },
    srh_last_entry: { abbrev: 'ipv6.routing.srh.last_entry', name: 'Last Entry', type: 'UINT8', base: 'DEC', desc: 'Index of the last element of the segment list' },
    srh_flags: { abbrev: 'ipv6.routing.srh.flags', name: 'Flags', type: 'UINT8', base: 'HEX', desc: 'Segment routing header flags' },
    srh_tag: { abbrev: 'ipv6.routing.srh.tag', name: 'Tag', type: 'BYTES', desc: 'Tags packets of a class or group' },
    srh_addr: { abbrev: 'ipv6.routing.srh.addr', name: 'Address', type: 'IPv6', desc: 'A segment (listed last to first: Address[0] is the final one)' },
  },
);

export const fraghdrTable = defineFields(
  { abbrev: 'ipv6.fraghdr', name: 'Fragment Header for IPv6', desc: 'Present when the source split the packet into fragments' },
  {
    nxt: { abbrev: 'ipv6.fraghdr.nxt', name: 'Next header', type: 'UINT8', base: 'DEC', strings: IP_PROTOCOLS, offset: 0, width: 1, auto: 'next', desc: 'What the fragmentable part of the original packet starts with' },
    reserved_octet: { abbrev: 'ipv6.fraghdr.reserved_octet', name: 'Reserved octet', type: 'UINT8', base: 'HEX', offset: 1, width: 1, desc: 'Reserved, zero' },
    offset: { abbrev: 'ipv6.fraghdr.offset', name: 'Offset', type: 'UINT16', base: 'DEC', bitmask: 0xfff8, offset: 2, width: 2, desc: 'Where this fragment belongs in the original packet, in units of 8 bytes' },
    reserved_bits: { abbrev: 'ipv6.fraghdr.reserved_bits', name: 'Reserved bits', type: 'UINT16', base: 'DEC', bitmask: 0x0006, offset: 2, width: 2, desc: 'Reserved, zero' },
    more: { abbrev: 'ipv6.fraghdr.more', name: 'More Fragments', type: 'BOOLEAN', bitmask: 0x0001, offset: 2, width: 2, tfs: YES_NO, desc: 'Set on every fragment but the last' },
    ident: { abbrev: 'ipv6.fraghdr.ident', name: 'Identification', type: 'UINT32', base: 'HEX', offset: 4, width: 4, desc: 'The same for all fragments of one original packet' },
  },
);

export const ahTable = defineFields(
  { abbrev: 'ah', name: 'Authentication Header', desc: 'IPsec authentication: an integrity check over the packet, keyed by a security association (RFC 4302)' },
  {
    next_header: { abbrev: 'ah.next_header', name: 'Next header', type: 'UINT8', base: 'DEC', strings: IP_PROTOCOLS, offset: 0, width: 1, auto: 'next', desc: 'What follows the authentication header' },
    length: { abbrev: 'ah.length', name: 'Length', type: 'UINT8', base: 'DEC', offset: 1, width: 1, auto: 'length', desc: 'Length of the header in 4-byte units, minus 2' },
    reserved: { abbrev: 'ah.reserved', name: 'Reserved', type: 'BYTES', offset: 2, width: 2, desc: 'Reserved, zero' },
    spi: { abbrev: 'ah.spi', name: 'AH SPI', type: 'UINT32', base: 'HEX', offset: 4, width: 4, desc: 'Security Parameters Index: which security association protects the packet' },
    sequence: { abbrev: 'ah.sequence', name: 'AH Sequence', type: 'UINT32', base: 'DEC', offset: 8, width: 4, desc: 'Sequence number, against replays' },
    icv: { abbrev: 'ah.icv', name: 'AH ICV', type: 'BYTES', desc: 'Integrity Check Value: the keyed hash over the packet' },
  },
);

export const espTable = defineFields(
  { abbrev: 'esp', name: 'Encapsulating Security Payload', desc: 'IPsec encryption: everything after the SPI and sequence number is encrypted (RFC 4303)' },
  {
    spi: { abbrev: 'esp.spi', name: 'ESP SPI', type: 'UINT32', base: 'HEX_DEC', offset: 0, width: 4, desc: 'Security Parameters Index: which security association protects the packet' },
    sequence: { abbrev: 'esp.sequence', name: 'ESP Sequence', type: 'UINT32', base: 'DEC', offset: 4, width: 4, desc: 'Sequence number, against replays' },
  },
);

const fixed = compileHeader(ipv6Table);
/** `{ ext, upper }` with the fixed fields read after them, in one allocation. */
const makeValue = fixed.creator(['ext', 'upper']);
const F = ipv6Table.fields;
const hopFixed = compileHeader(hopoptsTable);
const dstFixed = compileHeader(dstoptsTable);
const rtFixed = compileHeader(routingTable);
const fragFixed = compileHeader(fraghdrTable);
const ahFixed = compileHeader(ahTable);
const espFixed = compileHeader(espTable);
const RT = routingTable.fields;
const FR = fraghdrTable.fields;
const AH = ahTable.fields;

// ---------------------------------------------------------------------------------------------------------------
// Values
// ---------------------------------------------------------------------------------------------------------------

/** A hop-by-hop or destination option. `len` is kept only where the wire length byte disagrees with the data. */
export type IPv6Option =
  | { kind: 'pad1' }
  | { kind: 'padn'; data: Uint8Array }
  | { kind: 'router-alert'; value: number }
  | { kind: 'tel'; limit: number }
  | { kind: 'jumbo'; payloadLength: number }
  | { kind: 'home-address'; address: string }
  | { kind: 'unknown'; type: number; data: Uint8Array; len?: number };

/**
 * An extension header. `nxt` and `len` are auto fields: decoding always fills them; when crafting, undefined means
 * "compute" (the code of the following header, the length of the options or data).
 */
export type IPv6Ext =
  | { kind: 'hopopts' | 'dstopts'; nxt?: number; len?: number; options: IPv6Option[] }
  /** Routing header: the fixed part decoded, the type-specific data kept raw (addresses shown in the tree). */
  | { kind: 'routing'; nxt?: number; len?: number; type: number; segleft: number; data: Uint8Array }
  | { kind: 'fragment'; nxt?: number; reserved: number; offset: number; resbits: number; more: boolean; ident: number }
  | { kind: 'ah'; nxt?: number; len?: number; reserved: Uint8Array; spi: number; sequence: number; icv: Uint8Array }
  /** A header cut short (captured bytes or payload length end inside it): `code` is its next-header number. */
  | { kind: 'raw'; code: number; data: Uint8Array };

export interface IPv6Value {
  version: number;
  tclass: number;
  dscp: number;
  ecn: number;
  flow: number;
  plen: number;
  nxt: number;
  hlim: number;
  src: string;
  dst: string;
  ext: IPv6Ext[];
  /** The upper-layer protocol number after the extension chain. */
  upper: number;
}

export interface IPv6Input {
  /**
   * A header wirelens cannot decode (a bad version): these bytes are written as they are, the other fields
   * ignored. `toInput` sets it so such a layer re-encodes to its original bytes.
   */
  verbatim?: Uint8Array;
  version?: number;
  dscp?: number;
  ecn?: number;
  flow?: number;
  plen?: number;
  nxt?: number;
  hlim?: number;
  src?: string;
  dst?: string;
  ext?: IPv6Ext[];
}

const EXT_CODE = { hopopts: 0, routing: 43, fragment: 44, dstopts: 60, ah: 51 } as const;
const EXT_PROTO: Readonly<Record<number, string>> = { 0: 'ipv6.hopopts', 43: 'ipv6.routing', 44: 'ipv6.fraghdr', 60: 'ipv6.dstopts', 51: 'ah' };

function extCode(e: IPv6Ext): number {
  return e.kind === 'raw' ? e.code : EXT_CODE[e.kind];
}

// ---------------------------------------------------------------------------------------------------------------
// Options
// ---------------------------------------------------------------------------------------------------------------

function parseOptions(b: Uint8Array, start: number, end: number, layer: string, problems: Problem[]): IPv6Option[] {
  const out: IPv6Option[] = [];
  let i = start;
  while (i < end) {
    const t = b[i]!;
    if (t === 0) {
      out.push({ kind: 'pad1' });
      i++;
      continue;
    }
    if (i + 1 >= end) {
      problems.push(problem(layer, 'truncated', i, end, `IPv6 option ${t} has no length byte`, { field: 'ipv6.opt.length', limitedBy: `${layer}.len` }));
      out.push({ kind: 'unknown', type: t, data: b.subarray(end, end), len: -1 });
      return out;
    }
    const len = b[i + 1]!;
    const d = i + 2;
    if (d + len > end) {
      problems.push(problem(layer, 'bad-length', i + 1, i + 2, `IPv6 option ${t} length ${len} goes past the end of the header`, { field: 'ipv6.opt.length', actual: len, expected: end - d, limitedBy: `${layer}.len` }));
      out.push({ kind: 'unknown', type: t, data: b.subarray(d, end), len });
      return out;
    }
    const data = b.subarray(d, d + len);
    if (t === 1) out.push({ kind: 'padn', data });
    else if (t === 5 && len === 2) out.push({ kind: 'router-alert', value: readUint(b, d, 2) });
    else if (t === 4 && len === 1) out.push({ kind: 'tel', limit: b[d]! });
    else if (t === 0xc2 && len === 4) out.push({ kind: 'jumbo', payloadLength: readUint(b, d, 4) });
    else if (t === 0xc9 && len === 16) out.push({ kind: 'home-address', address: ipv6ToString(b, d) });
    else out.push({ kind: 'unknown', type: t, data });
    i = d + len;
  }
  return out;
}

function optionType(o: IPv6Option): number {
  switch (o.kind) {
    case 'pad1':
      return 0;
    case 'padn':
      return 1;
    case 'router-alert':
      return 5;
    case 'tel':
      return 4;
    case 'jumbo':
      return 0xc2;
    case 'home-address':
      return 0xc9;
    case 'unknown':
      return o.type;
  }
}

function optionDataLength(o: IPv6Option): number {
  switch (o.kind) {
    case 'pad1':
      return -1;
    case 'padn':
      return o.data.length;
    case 'router-alert':
      return 2;
    case 'tel':
      return 1;
    case 'jumbo':
      return 4;
    case 'home-address':
      return 16;
    case 'unknown':
      return o.len === -1 ? -1 : o.data.length;
  }
}

function optionsLength(opts: readonly IPv6Option[]): number {
  let n = 0;
  for (const o of opts) {
    const d = optionDataLength(o);
    n += o.kind === 'unknown' && o.len === -1 ? 1 : d < 0 ? 1 : 2 + d;
  }
  return n;
}

function writeOptions(out: Uint8Array, at: number, opts: readonly IPv6Option[]): number {
  let i = at;
  for (const o of opts) {
    const t = optionType(o);
    out[i++] = t;
    if (o.kind === 'pad1') continue;
    if (o.kind === 'unknown' && o.len === -1) continue;
    const dl = optionDataLength(o);
    let lenByte = dl;
    if (o.kind === 'unknown' && o.len !== undefined) lenByte = o.len;
    if (lenByte > 255 || lenByte < 0) throw new EncodeError('ipv6.opt.length', `option data of ${lenByte} bytes does not fit`);
    out[i++] = lenByte;
    switch (o.kind) {
      case 'padn':
        out.set(o.data, i);
        break;
      case 'router-alert':
        if (!Number.isInteger(o.value) || o.value < 0 || o.value > 0xffff) throw new EncodeError('ipv6.opt.router_alert', `${o.value} does not fit in 16 bits`);
        writeUint(out, i, 2, o.value);
        break;
      case 'tel':
        if (!Number.isInteger(o.limit) || o.limit < 0 || o.limit > 255) throw new EncodeError('ipv6.opt.tel', `${o.limit} does not fit in 8 bits`);
        out[i] = o.limit;
        break;
      case 'jumbo':
        if (!Number.isInteger(o.payloadLength) || o.payloadLength < 0 || o.payloadLength > 0xffffffff) throw new EncodeError('ipv6.opt.jumbo', `${o.payloadLength} does not fit in 32 bits`);
        writeUint(out, i, 4, o.payloadLength);
        break;
      case 'home-address': {
        const a = parseIPv6(o.address);
        if (!a) throw new EncodeError('ipv6.opt.mipv6.home_address', `not a valid IPv6 address: ${o.address}`);
        out.set(a, i);
        break;
      }
      case 'unknown':
        out.set(o.data, i);
        break;
    }
    i += dl;
  }
  return i - at;
}

const OPT_TYPE_BITS = (type: number, at: number): FieldNode[] => [
  { def: F.opt_action, start: at, len: 1, value: type >> 6, bitmask: 0xc0 },
  { def: F.opt_change, start: at, len: 1, value: (type & 0x20) !== 0, bitmask: 0x20 },
  { def: F.opt_rest, start: at, len: 1, value: type & 0x1f, bitmask: 0x1f },
];

/** Options whose data has one size (router alert, tunnel limit, jumbo payload, home address). */
const FIXED_OPT_LEN: Readonly<Record<number, number>> = { 5: 2, 4: 1, 0xc2: 4, 0xc9: 16 };

/**
 * The option nodes. `cut`: the header itself was not captured whole, so an option running past the bytes shows
 * its type (and length) before tshark gives up; otherwise an option longer than its header shows nothing.
 */
function optionNodes(b: Uint8Array, start: number, opts: readonly IPv6Option[], cut = false): FieldNode[] {
  const nodes: FieldNode[] = [];
  let i = start;
  for (const o of opts) {
    const t = optionType(o);
    const known = IPV6_OPT_NAMES[t];
    const typeText = `Type: ${known ?? 'Unknown'} (0x${t.toString(16).padStart(2, '0')})`;
    if (o.kind === 'pad1') {
      nodes.push({
        def: F.opt, start: i, len: 1, value: null, text: 'Pad1',
        children: [
          { def: F.opt_type, start: i, len: 1, value: 0, text: typeText },
          { def: F.opt_pad1, start: i, len: 1, value: null },
        ],
      });
      i += 1;
      continue;
    }
    // An option running past its header (or without its length byte): tshark stops there, showing nothing of it.
    if (o.kind === 'unknown' && o.len !== undefined && !cut) break;
    const children: FieldNode[] = [{ def: F.opt_type, start: i, len: 1, value: t, text: typeText, children: OPT_TYPE_BITS(t, i) }];
    if (o.kind === 'unknown' && o.len !== undefined) {
      if (o.len >= 0) children.push({ def: F.opt_length, start: i + 1, len: 1, value: o.len });
      nodes.push({ def: F.opt, start: i, len: 1 + (o.len >= 0 ? 1 : 0) + o.data.length, value: null, text: known ?? `Unknown IPv6 Option (${t})`, children });
      break;
    }
    const dl = optionDataLength(o);
    const lenByte = o.kind === 'unknown' && o.len !== undefined ? o.len : dl;
    children.push({ def: F.opt_length, start: i + 1, len: 1, value: lenByte });
    const d = i + 2;
    switch (o.kind) {
      case 'padn':
        children.push({ def: F.opt_padn, start: d, len: dl, value: o.data, ...(dl === 0 ? { text: 'PadN: <none>' } : {}) });
        break;
      case 'router-alert':
        children.push({ def: F.opt_router_alert, start: d, len: 2, value: o.value });
        break;
      case 'tel':
        children.push({ def: F.opt_tel, start: d, len: 1, value: o.limit });
        break;
      case 'jumbo':
        children.push({ def: F.opt_jumbo, start: d, len: 4, value: o.payloadLength });
        break;
      case 'home-address':
        children.push({ def: F.opt_home_address, start: d, len: 16, value: o.address });
        break;
      case 'unknown':
        children.push({ def: F.opt_unknown, start: d, len: o.data.length, value: o.data });
        break;
    }
    nodes.push({ def: F.opt, start: i, len: 2 + dl, value: null, text: known ?? `Unknown IPv6 Option (${t})`, children });
    i += 2 + dl;
    // A fixed-size option with another length: tshark shows its type and length, then gives up on the header.
    if (o.kind === 'unknown' && FIXED_OPT_LEN[t] !== undefined) break;
  }
  return nodes;
}

// ---------------------------------------------------------------------------------------------------------------
// Extension headers
// ---------------------------------------------------------------------------------------------------------------

/** Bytes an extension header takes when encoded (computing its length field when undefined). */
function extLength(e: IPv6Ext): number {
  switch (e.kind) {
    case 'hopopts':
    case 'dstopts': {
      if (e.len !== undefined) return Math.max(2 + optionsLength(e.options), (e.len + 1) * 8);
      return (((2 + optionsLength(e.options) + 7) >> 3) << 3);
    }
    case 'routing':
      return 4 + e.data.length;
    case 'fragment':
      return 8;
    case 'ah':
      return 12 + e.icv.length;
    case 'raw':
      return e.data.length;
  }
}

function u8(name: string, v: number): number {
  if (!Number.isInteger(v) || v < 0 || v > 255) throw new EncodeError(name, `${v} does not fit in 8 bits`);
  return v;
}

function writeExt(out: Uint8Array, at: number, e: IPv6Ext, nxt: number): number {
  const n = extLength(e);
  switch (e.kind) {
    case 'hopopts':
    case 'dstopts': {
      out[at] = u8(`ipv6.${e.kind}.nxt`, e.nxt ?? nxt);
      out[at + 1] = u8(`ipv6.${e.kind}.len`, e.len ?? n / 8 - 1);
      const used = 2 + writeOptions(out, at + 2, e.options);
      // Fill up to the 8-byte boundary with Pad1 or PadN (left as zeros for an explicit length).
      const pad = n - used;
      if (e.len === undefined && pad === 1) out[at + used] = 0;
      else if (e.len === undefined && pad >= 2) {
        out[at + used] = 1;
        out[at + used + 1] = pad - 2;
      }
      return n;
    }
    case 'routing': {
      const len = e.len ?? (n - 8) / 8;
      if (e.len === undefined && (n < 8 || (n - 8) % 8 !== 0)) throw new EncodeError('ipv6.routing.len', `routing data of ${e.data.length} bytes is not 4 plus a multiple of 8`);
      rtFixed.write(out, at, { nxt: e.nxt ?? nxt, len, type: e.type, segleft: e.segleft });
      out.set(e.data, at + 4);
      return n;
    }
    case 'fragment':
      fragFixed.write(out, at, { nxt: e.nxt ?? nxt, reserved_octet: e.reserved, offset: e.offset, reserved_bits: e.resbits, more: e.more, ident: e.ident });
      return n;
    case 'ah': {
      if (e.reserved.length !== 2) throw new EncodeError('ah.reserved', 'expected 2 bytes');
      if (e.len === undefined && e.icv.length % 4 !== 0) throw new EncodeError('ah.icv', `ICV of ${e.icv.length} bytes is not a multiple of 4`);
      ahFixed.write(out, at, { next_header: e.nxt ?? nxt, length: e.len ?? n / 4 - 2, reserved: e.reserved, spi: e.spi, sequence: e.sequence });
      out.set(e.icv, at + 12);
      return n;
    }
    case 'raw':
      out.set(e.data, at);
      return n;
  }
}

interface ChainResult {
  ext: IPv6Ext[];
  headerEnd: number;
  upper: number;
  /** A fragment header with a non-zero offset ends the chain: the rest is fragment data. */
  laterFragment: boolean;
  fragmented: boolean;
  jumbo?: number;
}

/** Walk the extension headers from `at` (payload start) to `end` (payload end). Never throws. */
function parseChain(b: Uint8Array, at: number, end: number, first: number, problems: Problem[], limitedBy: string): ChainResult {
  const ext: IPv6Ext[] = [];
  let nxt = first;
  let off = at;
  let laterFragment = false;
  let fragmented = false;
  let jumbo: number | undefined;
  while (EXT_PROTO[nxt] !== undefined) {
    const name = EXT_PROTO[nxt]!;
    const avail = end - off;
    let need = nxt === 44 ? 8 : nxt === 51 ? 12 : 8;
    if (avail >= 2) {
      if (nxt === 51) need = (b[off + 1]! + 2) * 4;
      else if (nxt !== 44) need = (b[off + 1]! + 1) * 8;
    }
    if (avail < need || avail < 2) {
      problems.push(problem(name, 'truncated', off, end, `${name} header needs ${need} bytes, ${Math.max(0, avail)} present`, { field: avail < 2 ? `${name}.nxt` : name === 'ah' ? 'ah.length' : `${name}.len`, expected: need, actual: Math.max(0, avail), limitedBy }));
      ext.push({ kind: 'raw', code: nxt, data: b.subarray(off, end) });
      off = end;
      nxt = 59;
      break;
    }
    const next = b[off]!;
    if (nxt === 51 && need < 12) {
      // An AH too short for its SPI and sequence number: kept raw, the chain goes on after its declared length.
      problems.push(problem('ah', 'bad-length', off + 1, off + 2, `AH length ${b[off + 1]} gives ${need} bytes, less than the 12-byte header`, { field: 'ah.length', expected: 12, actual: need }));
      ext.push({ kind: 'raw', code: 51, data: b.subarray(off, off + need) });
      off += need;
      nxt = next;
      continue;
    }
    if (nxt === 0 || nxt === 60) {
      const kind = nxt === 0 ? 'hopopts' : 'dstopts';
      const options = parseOptions(b, off + 2, off + need, name, problems);
      ext.push({ kind, nxt: next, len: b[off + 1]!, options });
      if (nxt === 0 && ext.length === 1) for (const o of options) if (o.kind === 'jumbo' && jumbo === undefined) jumbo = o.payloadLength;
    } else if (nxt === 43) {
      ext.push({ kind: 'routing', nxt: next, len: b[off + 1]!, type: b[off + 2]!, segleft: b[off + 3]!, data: b.subarray(off + 4, off + need) });
    } else if (nxt === 44) {
      const w = readUint(b, off + 2, 2);
      const e: IPv6Ext = { kind: 'fragment', nxt: next, reserved: b[off + 1]!, offset: w >> 3, resbits: (w >> 1) & 3, more: (w & 1) === 1, ident: readUint(b, off + 4, 4) };
      ext.push(e);
      fragmented = true;
      if (e.offset !== 0) laterFragment = true;
    } else {
      ext.push({ kind: 'ah', nxt: next, len: b[off + 1]!, reserved: b.subarray(off + 2, off + 4), spi: readUint(b, off + 4, 4), sequence: readUint(b, off + 8, 4), icv: b.subarray(off + 12, off + need) });
    }
    off += need;
    nxt = next;
    if (laterFragment) break;
  }
  return { ext, headerEnd: off, upper: nxt, laterFragment, fragmented, ...(jumbo !== undefined ? { jumbo } : {}) };
}

function extNodes(b: Uint8Array, at: number, e: IPv6Ext): FieldNode {
  const n = extLength(e);
  switch (e.kind) {
    case 'hopopts':
    case 'dstopts': {
      const table = e.kind === 'hopopts' ? hopoptsTable : dstoptsTable;
      const fx = e.kind === 'hopopts' ? hopFixed : dstFixed;
      const kids = fx.nodes(b, at, at + 2, { nxt: e.nxt, len: e.len });
      kids.push({ def: table.fields.len_oct, start: at + 1, len: 1, value: n, generated: true, text: `[Length: ${n} bytes]` });
      kids.push(...optionNodes(b, at + 2, e.options));
      return { def: table.proto, start: at, len: n, value: null, children: kids };
    }
    case 'routing': {
      const kids = rtFixed.nodes(b, at, at + 4, { nxt: e.nxt, len: e.len, type: e.type, segleft: e.segleft });
      kids.splice(2, 0, { def: RT.len_oct, start: at + 1, len: 1, value: n, generated: true, text: `[Length: ${n} bytes]` });
      const d = at + 4;
      const data = e.data;
      if (e.type === 0 && data.length >= 4) {
        kids.push({ def: RT.src_reserved, start: d, len: 4, value: data.subarray(0, 4) });
        for (let k = 4, idx = 1; k + 16 <= data.length; k += 16, idx++) {
          const a = ipv6ToString(data, k);
          kids.push({ def: RT.src_addr, start: d + k, len: 16, value: a, text: `Address[${idx}]: ${a}` });
        }
      } else if (e.type === 2 && data.length >= 20) {
        kids.push({ def: RT.mipv6_reserved, start: d, len: 4, value: data.subarray(0, 4) });
        kids.push({ def: RT.mipv6_home_address, start: d + 4, len: 16, value: ipv6ToString(data, 4) });
      } else if (e.type === 4 && data.length >= 4) {
        kids.push({ def: RT.srh_last_entry, start: d, len: 1, value: data[0]! });
        kids.push({ def: RT.srh_flags, start: d + 1, len: 1, value: data[1]! });
        kids.push({ def: RT.srh_tag, start: d + 2, len: 2, value: data.subarray(2, 4) });
        for (let k = 4, idx = 0; k + 16 <= data.length && idx <= data[0]!; k += 16, idx++) {
          const a = ipv6ToString(data, k);
          kids.push({ def: RT.srh_addr, start: d + k, len: 16, value: a, text: `Address[${idx}]: ${a}` });
        }
      } else if (data.length > 0) {
        kids.push({ def: RT.unknown_data, start: d, len: data.length, value: data });
      }
      const tn = ROUTING_TYPES[e.type];
      return { def: routingTable.proto, start: at, len: n, value: null, text: `Routing Header for IPv6 (${tn ?? 'Unknown'})`, children: kids };
    }
    case 'fragment': {
      const kids = fragFixed.nodes(b, at, at + 8, { nxt: e.nxt, reserved_octet: e.reserved, offset: e.offset, reserved_bits: e.resbits, more: e.more, ident: e.ident });
      for (let k = 0; k < kids.length; k++) {
        if (kids[k]!.def === FR.offset) {
          const raw = readUint(b, at + 2, 2);
          kids[k] = { ...kids[k]!, text: `${bits16(0xfff8, raw)} = Offset: ${e.offset} (${e.offset * 8} bytes)` };
        }
      }
      return { def: fraghdrTable.proto, start: at, len: 8, value: null, children: kids };
    }
    case 'ah': {
      const kids = ahFixed.nodes(b, at, at + 12, { next_header: e.nxt, length: e.len, reserved: e.reserved, spi: e.spi, sequence: e.sequence });
      for (let k = 0; k < kids.length; k++) {
        if (kids[k]!.def === AH.length) kids[k] = { ...kids[k]!, text: `Length: ${e.len} (${n} bytes)` };
      }
      kids.push({ def: AH.icv, start: at + 12, len: e.icv.length, value: e.icv });
      return { def: ahTable.proto, start: at, len: n, value: null, children: kids };
    }
    case 'raw': {
      const table = e.code === 0 ? hopoptsTable : e.code === 60 ? dstoptsTable : e.code === 43 ? routingTable : e.code === 44 ? fraghdrTable : ahTable;
      if ((e.code === 0 || e.code === 60) && e.data.length >= 2) {
        // Options cut short: tshark shows those that are there, then stops.
        const fx = e.code === 0 ? hopFixed : dstFixed;
        const optsTable = e.code === 0 ? hopoptsTable : dstoptsTable;
        const kids = fx.nodes(b, at, at + 2, { nxt: e.data[0], len: e.data[1] });
        kids.push({ def: optsTable.fields.len_oct, start: at + 1, len: 1, value: (e.data[1]! + 1) * 8, generated: true, text: `[Length: ${(e.data[1]! + 1) * 8} bytes]` });
        kids.push(...optionNodes(b, at + 2, parseOptions(e.data, 2, e.data.length, optsTable.proto.abbrev, []), true));
        return { def: optsTable.proto, start: at, len: e.data.length, value: null, children: kids };
      }
      const kids: FieldNode[] = [];
      const first = Object.values(table.fields)[0]!;
      if (e.data.length >= 1) kids.push({ def: first, start: at, len: 1, value: e.data[0]! });
      const second = Object.values(table.fields)[1]!;
      if (e.data.length >= 2 && e.code !== 44) kids.push({ def: second, start: at + 1, len: 1, value: e.data[1]! });
      return { def: table.proto, start: at, len: e.data.length, value: null, children: kids };
    }
  }
}

function bits16(mask: number, raw: number): string {
  let s = '';
  for (let i = 15; i >= 0; i--) {
    s += (mask >> i) & 1 ? String((raw >> i) & 1) : '.';
    if (i % 4 === 0 && i > 0) s += ' ';
  }
  return s;
}

function bitsN(mask: number, raw: number, nbits: number): string {
  let s = '';
  for (let i = nbits - 1; i >= 0; i--) {
    const m = 2 ** i;
    s += Math.floor(mask / m) % 2 ? String(Math.floor(raw / m) % 2) : '.';
    if (i % 4 === 0 && i > 0) s += ' ';
  }
  return s;
}

/** The MAC in a modified EUI-64 interface identifier (ff:fe in the middle), or undefined. */
function slaacMac(b: Uint8Array, at: number): string | undefined {
  // tshark takes only identifiers made from a universal MAC (the U/L bit 0x02 set in modified EUI-64)
  if (b[at + 11] !== 0xff || b[at + 12] !== 0xfe || (b[at + 8]! & 0x02) === 0) return undefined;
  const m = new Uint8Array([b[at + 8]! ^ 0x02, b[at + 9]!, b[at + 10]!, b[at + 13]!, b[at + 14]!, b[at + 15]!]);
  return macToString(m, 0);
}

// ---------------------------------------------------------------------------------------------------------------
// Pseudo-header
// ---------------------------------------------------------------------------------------------------------------

/** The final destination of a routing header with segments left (RFC 8200 8.1), as bytes, or undefined. */
function routingFinal(e: IPv6Ext): Uint8Array | undefined {
  if (e.kind !== 'routing' || e.segleft === 0) return undefined;
  const d = e.data;
  if (e.type === 0 && d.length >= 20) {
    const n = Math.floor((d.length - 4) / 16);
    return d.subarray(4 + (n - 1) * 16, 4 + n * 16);
  }
  if (e.type === 2 && d.length >= 20) return d.subarray(4, 20);
  if (e.type === 4 && d.length >= 20) return d.subarray(4, 20);
  return undefined;
}

function pseudoSum(src: Uint8Array, dst: Uint8Array, protocol: number, length: number): number {
  let s = onesSum(src, 0, 16) + onesSum(dst, 0, 16) + (length >>> 16) + (length & 0xffff) + protocol;
  while (s > 0xffff) s = (s & 0xffff) + (s >>> 16);
  return s;
}

function finalAddresses(ext: readonly IPv6Ext[], src: Uint8Array, dst: Uint8Array): [Uint8Array, Uint8Array] {
  for (const e of ext) {
    const f = routingFinal(e);
    if (f) dst = f;
    if (e.kind === 'dstopts') {
      for (const o of e.options) if (o.kind === 'home-address') src = parseIPv6(o.address) ?? src;
    }
  }
  return [src, dst];
}

// ---------------------------------------------------------------------------------------------------------------
// The protocol
// ---------------------------------------------------------------------------------------------------------------

export const ipv6 = defineProtocol<IPv6Value, IPv6Input>({
  name: 'ipv6',
  shortName: 'IPv6',
  table: ipv6Table,
  bindings: [
    { table: 'ethertype', key: 0x86dd },
    { table: 'linktype', key: 229 },
    { table: 'ip.proto', key: 41 },
    { table: 'null.family', key: 24 },
    { table: 'null.family', key: 28 },
    { table: 'null.family', key: 30 },
  ],
  decode(b, start, end, ctx) {
    const v = makeValue(b, start, end, [], 59) as unknown as IPv6Value;
    const avail = end - start;
    if (avail < 40) {
      const limitedBy = ctx.layers.length ? `${ctx.layers[ctx.layers.length - 1]!.proto.name} payload` : 'frame.cap_len';
      ctx.problems.push(problem('ipv6', 'truncated', start, end, `IPv6 header needs 40 bytes, ${Math.max(0, avail)} present`, { expected: 40, actual: Math.max(0, avail), limitedBy }));
      return { value: v, headerEnd: end, end };
    }
    if (v.version !== 6) {
      // tshark shows only the version and leaves the rest as data.
      ctx.problems.push(problem('ipv6', 'bad-value', start, start + 1, `IPv6 version field is ${v.version}, not 6`, { field: 'ipv6.version', expected: 6, actual: v.version }));
      return { value: v, headerEnd: start, end };
    }
    const snapCut = end === b.length && b.length < ctx.wireLen;
    let pduEnd = start + 40 + v.plen;
    let limitedBy = 'ipv6.plen';
    if (v.plen === 0 && v.nxt === 0) {
      // A jumbogram (RFC 2675): the length is in the hop-by-hop Jumbo Payload option.
      const probe = parseChain(b, start + 40, end, 0, [], 'ipv6.plen');
      if (probe.jumbo !== undefined) {
        pduEnd = start + 40 + probe.jumbo;
        limitedBy = 'ipv6.opt.jumbo';
      }
    }
    if (pduEnd > end) {
      if (!ctx.inError && !snapCut) {
        ctx.problems.push(problem('ipv6', 'bad-length', start + 4, start + 6, `payload length ${pduEnd - start - 40} goes past the end of the data (${avail - 40} bytes)`, { field: limitedBy, expected: avail - 40, actual: pduEnd - start - 40, limitedBy: 'frame.len', severity: 'warning' }));
      }
      pduEnd = end;
      limitedBy = ctx.inError ? 'icmp payload' : 'frame.cap_len';
    }
    const chain = parseChain(b, start + 40, pduEnd, v.nxt, ctx.inError ? [] : ctx.problems, limitedBy);
    v.ext = chain.ext;
    v.upper = chain.upper;
    const via = chain.ext.map((e) => EXT_PROTO[extCode(e)]!).join(':');
    let next: { table: string; key: number }[] = [{ table: 'ip.proto', key: chain.upper }];
    if (chain.laterFragment) next = [];
    else if (chain.fragmented && ctx.prefs['ipv6.defragment']) {
      const fr = chain.ext.find((e) => e.kind === 'fragment');
      if (fr && fr.kind === 'fragment' && (fr.more || fr.offset !== 0)) next = [];
    }
    // A fragment (not an atomic one) whose header ends the chain: the dissector reassembles the datagram
    // (src/dissect/dissect.ts) and decodes the upper layers on the frame that completes it.
    const last = chain.ext[chain.ext.length - 1];
    if (last && last.kind === 'fragment' && (last.more || last.offset !== 0) && !ctx.inError) {
      const fragment = { key: `ipv6 ${v.src} ${v.dst} ${last.ident}`, offset: last.offset * 8, more: last.more, next: [{ table: 'ip.proto', key: chain.upper }], pref: 'ipv6.defragment' as const };
      return { value: v, headerEnd: chain.headerEnd, end: pduEnd, next, fragment, ...(via ? { via } : {}) };
    }
    return { value: v, headerEnd: chain.headerEnd, end: pduEnd, next, ...(via ? { via } : {}) };
  },
  tree(layer, ctx) {
    const b = ctx.frame;
    const v = layer.value;
    const s = layer.start;
    if (v.version !== 6) {
      if (v.version === undefined) return [];
      return [
        { def: F.version, start: s, len: 1, value: v.version, bitmask: 0xf0 },
        { def: ipTable.fields.version, start: s, len: 1, value: v.version, hidden: true, bitmask: 0xf0 },
      ];
    }
    if (layer.headerEnd - s < 40) {
      const nodes = fixed.nodes(b, s, layer.headerEnd, v as unknown as Record<string, unknown>);
      nodes.splice(1, 0, { def: ipTable.fields.version, start: s, len: 1, value: v.version, hidden: true, bitmask: 0xf0 });
      return nodes;
    }
    const word = readUint(b, s, 4);
    const out: FieldNode[] = [];
    out.push({ def: F.version, start: s, len: 1, value: v.version, bitmask: 0xf0 });
    out.push({ def: ipTable.fields.version, start: s, len: 1, value: v.version, hidden: true, bitmask: 0xf0 });
    out.push({
      def: F.tclass, start: s, len: 4, value: v.tclass, bitmask: 0x0ff00000,
      text: `${bitsN(0x0ff00000, word, 32)} = Traffic Class: 0x${(v.tclass >>> 20).toString(16).padStart(2, '0')} (DSCP: ${DSCP_SHORT[v.dscp] ?? 'Unknown'}, ECN: ${ECN_SHORT[v.ecn]})`,
      children: [
        { def: F.dscp, start: s, len: 4, value: v.dscp, bitmask: 0x0fc00000 },
        { def: F.ecn, start: s, len: 4, value: v.ecn, bitmask: 0x00300000 },
      ],
    });
    out.push({ def: F.flow, start: s + 1, len: 3, value: v.flow, bitmask: 0x0fffff, text: `${bitsN(0x0fffff, word & 0xffffff, 24)} = Flow Label: 0x${v.flow.toString(16).padStart(5, '0')}` });
    out.push({ def: F.plen, start: s + 4, len: 2, value: v.plen });
    out.push({ def: F.nxt, start: s + 6, len: 1, value: v.nxt });
    out.push({ def: F.hlim, start: s + 7, len: 1, value: v.hlim });
    for (const [def, hostDef, at, val] of [
      [F.src, F.src_host, s + 8, v.src],
      [F.dst, F.dst_host, s + 24, v.dst],
    ] as const) {
      out.push({ def, start: at, len: 16, value: val });
      out.push({ def: F.addr, start: at, len: 16, value: val, hidden: true });
      out.push({ def: hostDef, start: at, len: 16, value: val, hidden: true });
      out.push({ def: F.host, start: at, len: 16, value: val, hidden: true });
    }
    for (const [def, at] of [
      [F.src_slaac_mac, s + 8],
      [F.dst_slaac_mac, s + 24],
    ] as const) {
      const mac = slaacMac(b, at);
      if (mac === undefined) continue;
      out.push({ def, start: at + 8, len: 8, value: mac, generated: true, text: `[${def.name}: ${mac}]` });
      out.push({ def: F.slaac_mac, start: at + 8, len: 8, value: mac, hidden: true });
    }
    let at = s + 40;
    for (const e of v.ext) {
      out.push(extNodes(b, at, e));
      at += extLength(e);
    }
    return out;
  },
  label(layer) {
    const v = layer.value;
    if (v.version !== 6 || v.src === undefined) return 'Internet Protocol Version 6';
    if (v.dst === undefined) return `Internet Protocol Version 6, Src: ${v.src}`;
    return `Internet Protocol Version 6, Src: ${v.src}, Dst: ${v.dst}`;
  },
  summary(layer, ctx) {
    const fr = layer.value.ext.find((e) => e.kind === 'fragment');
    // Only when the payload is not decoded because of fragmentation (a later fragment, or reassembly on).
    if (fr && fr.kind === 'fragment' && (fr.more || fr.offset !== 0) && (fr.offset !== 0 || ctx.prefs['ipv6.defragment'])) {
      return `IPv6 fragment (off=${fr.offset * 8} more=${fr.more ? 'y' : 'n'} ident=0x${fr.ident.toString(16).padStart(8, '0')} nxt=${fr.nxt})`;
    }
    return '';
  },
  encode(input, payload, ctx) {
    if (input.verbatim) return concat(input.verbatim, payload);
    const ext = input.ext ?? [];
    let extBytes = 0;
    for (const e of ext) extBytes += extLength(e);
    const out = new Uint8Array(40 + extBytes + payload.length);
    let upper: number | undefined;
    const bind = ctx.inner?.proto.bindings?.find((x) => x.table === 'ip.proto');
    upper = bind ? bind.key : 59;
    const plen = input.plen ?? extBytes + payload.length;
    if (plen > 0xffff) throw new EncodeError('ipv6.plen', `payload of ${plen} bytes does not fit in 16 bits (use a jumbo option and plen 0)`);
    fixed.write(out, 0, {
      version: input.version ?? 6,
      dscp: input.dscp ?? 0,
      ecn: input.ecn ?? 0,
      flow: input.flow ?? 0,
      plen,
      nxt: input.nxt ?? (ext.length ? extCode(ext[0]!) : upper),
      hlim: input.hlim ?? 64,
      src: input.src ?? '::',
      dst: input.dst ?? '::1',
    });
    let at = 40;
    ext.forEach((e, i) => {
      const following = ext[i + 1];
      at += writeExt(out, at, e, following ? extCode(following) : upper!);
    });
    out.set(payload, at);
    return out;
  },
  toInput(layer, frame) {
    const v = layer.value;
    if (v.version !== 6 || layer.headerEnd - layer.start < 40) return { verbatim: frame.subarray(layer.start, layer.headerEnd) };
    const ext: IPv6Ext[] = v.ext.map((e, i): IPv6Ext => {
      const last = i === v.ext.length - 1;
      switch (e.kind) {
        case 'hopopts':
        case 'dstopts': {
          const canonical = ((2 + optionsLength(e.options) + 7) >> 3) << 3;
          const padded = e.len !== undefined && (e.len + 1) * 8 === canonical && trailingPadCanonical(e.options);
          return { kind: e.kind, ...(last ? { nxt: e.nxt! } : {}), ...(padded ? { options: stripPad(e.options) } : { len: e.len!, options: e.options }) };
        }
        case 'routing':
          return { kind: 'routing', ...(last ? { nxt: e.nxt! } : {}), ...(e.len !== undefined && (e.len + 1) * 8 !== 4 + e.data.length + 4 ? { len: e.len } : {}), type: e.type, segleft: e.segleft, data: e.data };
        case 'fragment':
          return { ...e, ...(last ? {} : { nxt: undefined }) } as IPv6Ext;
        case 'ah':
          return { kind: 'ah', ...(last ? { nxt: e.nxt! } : {}), ...(e.len !== undefined && (e.len + 2) * 4 !== 12 + e.icv.length ? { len: e.len } : {}), reserved: e.reserved, spi: e.spi, sequence: e.sequence, icv: e.icv };
        case 'raw':
          return e;
      }
    }).map((e) => {
      const c = { ...e } as Record<string, unknown>;
      if (c['nxt'] === undefined) delete c['nxt'];
      return c as unknown as IPv6Ext;
    });
    const extLen = ext.reduce((n, e) => n + extLength(e), 0);
    const input: IPv6Input = { version: v.version, dscp: v.dscp, ecn: v.ecn, flow: v.flow, hlim: v.hlim, src: v.src, dst: v.dst };
    if (ext.length) input.ext = ext;
    // The last next-header value (the upper layer) is kept as on the wire; the chain's own codes are recomputed.
    if (!ext.length) input.nxt = v.nxt;
    else if (v.nxt !== extCode(ext[0]!)) input.nxt = v.nxt;
    if (v.plen !== layer.end - layer.start - 40 || extLen !== layer.headerEnd - layer.start - 40) input.plen = v.plen;
    return input;
  },
  pseudoHeaderSum(input, protocol, length) {
    const src = parseIPv6(input.src ?? '::');
    const dst = parseIPv6(input.dst ?? '::1');
    if (!src || !dst) throw new EncodeError(src ? 'ipv6.dst' : 'ipv6.src', 'not a valid IPv6 address');
    const [s, d] = finalAddresses(input.ext ?? [], src, dst);
    return pseudoSum(s, d, protocol, length);
  },
  // a routing header's final destination and a home address are tshark's Source/Destination columns (pinfo->src/dst)
  addresses(layer) {
    const v = layer.value;
    let src = v.src;
    let dst = v.dst;
    for (const e of v.ext) {
      const f = routingFinal(e);
      if (f && f.length === 16) dst = ipv6ToString(f, 0);
      if (e.kind === 'dstopts') for (const o of e.options) if (o.kind === 'home-address') src = o.address;
    }
    return { src, dst };
  },
  layerPseudoSum(b, layer, protocol, length) {
    const [s, d] = finalAddresses(layer.value.ext, b.subarray(layer.start + 8, layer.start + 24), b.subarray(layer.start + 24, layer.start + 40));
    return pseudoSum(s, d, protocol, length);
  },
});

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(a.length + b.length);
  out.set(a, 0);
  out.set(b, a.length);
  return out;
}

/** True when the options end with the padding the encoder would add itself (Pad1 for 1 byte, an all-zero PadN). */
function trailingPadCanonical(opts: readonly IPv6Option[]): boolean {
  const body = stripPad(opts);
  const used = 2 + optionsLength(body);
  const pad = (((used + 7) >> 3) << 3) - used;
  const tail = opts.slice(body.length);
  if (pad === 0) return tail.length === 0;
  if (pad === 1) return tail.length === 1 && tail[0]!.kind === 'pad1';
  const t = tail[0];
  return tail.length === 1 && t !== undefined && t.kind === 'padn' && t.data.length === pad - 2 && t.data.every((x) => x === 0);
}

function stripPad(opts: readonly IPv6Option[]): IPv6Option[] {
  const last = opts[opts.length - 1];
  if (last && (last.kind === 'pad1' || last.kind === 'padn')) return opts.slice(0, -1);
  return opts.slice();
}

// ---------------------------------------------------------------------------------------------------------------
// AH over IPv4 and ESP: layers of their own
// ---------------------------------------------------------------------------------------------------------------

export interface AhValue {
  nxt: number;
  len: number;
  reserved: Uint8Array;
  spi: number;
  sequence: number;
  icv: Uint8Array;
}

export interface AhInput {
  nxt?: number;
  len?: number;
  reserved?: Uint8Array;
  spi: number;
  sequence: number;
  icv: Uint8Array;
}

/** AH after an IPv4 header (after IPv6 it is part of the IPv6 extension chain). */
export const ah = defineProtocol<AhValue, AhInput>({
  name: 'ah',
  shortName: 'AH',
  table: ahTable,
  bindings: [{ table: 'ip.proto', key: 51 }],
  decode(b, start, end, ctx) {
    const chain = parseChain(b, start, end, 51, ctx.inError ? [] : ctx.problems, 'ip.len');
    const e = chain.ext[0];
    if (!e || e.kind !== 'ah') {
      const v = { nxt: b[start] ?? 0, len: b[start + 1] ?? 0, reserved: b.subarray(start + 2, Math.min(end, start + 4)), spi: 0, sequence: 0, icv: b.subarray(end, end) };
      return { value: v, headerEnd: end, end };
    }
    return { value: { nxt: e.nxt!, len: e.len!, reserved: e.reserved, spi: e.spi, sequence: e.sequence, icv: e.icv }, headerEnd: chain.headerEnd, end, next: [{ table: 'ip.proto', key: e.nxt! }] };
  },
  tree(layer, ctx) {
    const v = layer.value;
    if (layer.headerEnd - layer.start < 12) return ahFixed.nodes(ctx.frame, layer.start, layer.headerEnd, {});
    return extNodes(ctx.frame, layer.start, { kind: 'ah', ...v }).children ?? [];
  },
  encode(input, payload, ctx) {
    const bind = ctx.inner?.proto.bindings?.find((x) => x.table === 'ip.proto');
    const e: IPv6Ext = { kind: 'ah', ...(input.nxt !== undefined ? { nxt: input.nxt } : {}), ...(input.len !== undefined ? { len: input.len } : {}), reserved: input.reserved ?? new Uint8Array(2), spi: input.spi, sequence: input.sequence, icv: input.icv };
    const n = extLength(e);
    const out = new Uint8Array(n + payload.length);
    writeExt(out, 0, e, bind ? bind.key : 59);
    out.set(payload, n);
    return out;
  },
  toInput(layer) {
    const v = layer.value;
    return { nxt: v.nxt, ...((v.len + 2) * 4 !== 12 + v.icv.length ? { len: v.len } : {}), reserved: v.reserved, spi: v.spi, sequence: v.sequence, icv: v.icv };
  },
});

export interface EspValue {
  spi: number;
  sequence: number;
  /** Everything after the sequence number: IV, encrypted data, padding, ICV (opaque without keys). */
  data: Uint8Array;
}

export const esp = defineProtocol<EspValue, EspValue>({
  name: 'esp',
  shortName: 'ESP',
  table: espTable,
  bindings: [{ table: 'ip.proto', key: 50 }],
  decode(b, start, end, ctx) {
    const v = { spi: 0, sequence: 0, data: b.subarray(Math.min(end, start + 8), end) } as EspValue;
    espFixed.read(b, start, end, v as unknown as Record<string, unknown>);
    if (end - start < 8 && !ctx.inError) {
      ctx.problems.push(problem('esp', 'truncated', start, end, `ESP header needs 8 bytes, ${end - start} present`, { expected: 8, actual: end - start, limitedBy: 'ip.len' }));
    }
    return { value: v, headerEnd: end, end };
  },
  tree(layer, ctx) {
    return espFixed.nodes(ctx.frame, layer.start, layer.end, layer.value as unknown as Record<string, unknown>);
  },
  summary(layer) {
    return `ESP (SPI=0x${layer.value.spi.toString(16).padStart(8, '0')})`;
  },
  encode(input, payload) {
    const out = new Uint8Array(8 + input.data.length + payload.length);
    espFixed.write(out, 0, { spi: input.spi, sequence: input.sequence });
    out.set(input.data, 8);
    out.set(payload, 8 + input.data.length);
    return out;
  },
  toInput(layer) {
    return { ...layer.value };
  },
});

/** Bytes `ipv6.encode(input, payload)` adds before the payload: 40 plus the extension headers. */
export function ipv6EncodingLength(input: IPv6Input): number {
  return 40 + (input.ext ?? []).reduce((n, e) => n + extLength(e), 0);
}

/** The extension headers of a decoded IPv6 layer with their absolute start offsets. */
export function extOffsets(layer: Layer<IPv6Value>): { ext: IPv6Ext; start: number }[] {
  const out: { ext: IPv6Ext; start: number }[] = [];
  let at = layer.start + 40;
  for (const e of layer.value.ext) {
    out.push({ ext: e, start: at });
    at += extLength(e);
  }
  return out;
}
