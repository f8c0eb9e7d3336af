/** Ethernet II (LINKTYPE_ETHERNET 1): addresses, EtherType, padding, trailer and FCS. */
import { macToString } from '../core/addr.js';
import { EncodeError, problem } from '../core/problem.js';
import { compileHeader, readUint, writeUint } from '../fields/compile.js';
import { defineFields } from '../fields/types.js';
import type { FieldDef, FieldNode } from '../fields/types.js';
import { defineProtocol } from './types.js';
import type { Layer, TreeContext } from './types.js';

/** EtherType value names, as tshark 4.0 shows them (`Type: IPv4 (0x0800)`; tshark's etype_vals). Shared by VLAN, SLL, NULL and ARP. */
export const ETHERTYPES: Readonly<Record<number, string>> = {
  0x0600: 'XNS Internet Datagram Protocol',
  0x0800: 'IPv4',
  0x0805: 'X.25 Layer 3',
  0x0806: 'ARP',
  0x0842: 'Wake on LAN',
  0x08f0: 'WiMax Mac-to-Mac',
  0x08ff: 'AX.25',
  0x0bad: 'Vines IP',
  0x0baf: 'Vines Echo',
  0x1984: 'Netmon Train',
  0x2001: 'Cisco Group Management Protocol',
  0x22e5: 'Gigamon Header',
  0x22ea: '802.1Qat Multiple Stream Reservation Protocol',
  0x22f0: 'IEEE 1722 Audio Video Transport Protocol',
  0x22f1: 'Robust Header Compression(RoHC)',
  0x22f3: 'Transparent Interconnection of Lots of Links',
  0x22f4: 'Intermediate System to Intermediate System',
  0x2452: 'IEEE 802.11 (Centrino promiscuous)',
  0x3c07: '3Com NBP Datagram',
  0x3e3f: 'EPL_V1',
  0x6000: 'DEC proto',
  0x6001: 'DEC DNA Dump/Load',
  0x6002: 'DEC DNA Remote Console',
  0x6003: 'DEC DNA Routing',
  0x6004: 'DEC LAT',
  0x6005: 'DEC Diagnostics',
  0x6006: 'DEC Customer use',
  0x6007: 'DEC LAVC/SCA',
  0x6558: 'Transparent Ethernet bridging',
  0x8021: 'PPP IP Control Protocol',
  0x8035: 'RARP',
  0x8038: 'DEC LanBridge',
  0x8041: 'DEC LAST',
  0x809b: 'AppleTalk LLAP bridging',
  0x80d5: 'SNA-over-Ethernet',
  0x80e1: 'EtherNet/IP Device Level Ring',
  0x80f3: 'AARP',
  0x80fd: 'PPP Compression Control Protocol',
  0x80ff: 'Wellfleet Compression Protocol',
  0x8100: '802.1Q Virtual LAN',
  0x8102: 'Simple Loop Protection Protocol',
  0x8103: 'Virtual LACP',
  0x8104: 'Simple Loop Protection Protocol (old)',
  0x8133: 'Juniper Netscreen Redundant Protocol',
  0x8137: 'Netware IPX/SPX',
  0x8181: 'Spanning Tree Protocol',
  0x81fd: 'Cabletron Interswitch Message Protocol',
  0x81ff: 'Cabletron SFVLAN 1.8 Tag-Based Flood',
  0x8204: 'QNX 6 QNET protocol',
  0x86dd: 'IPv6',
  0x872d: 'Cisco Wireless Lan Context Control Protocol',
  0x8783: 'Motorola Media Independent Network Transport',
  0x8808: 'MAC Control',
  0x8809: 'Slow Protocols',
  0x8819: 'Cirrus Cobranet Packet',
  0x8847: 'MPLS label switched packet',
  0x8848: 'MPLS multicast label switched packet',
  0x885a: 'Foundry proprietary',
  0x8863: 'PPPoE Discovery',
  0x8864: 'PPPoE Session',
  0x886c: 'HomePNA, wlan link local tunnel',
  0x886d: 'Intel ANS probe',
  0x886f: 'MS NLB heartbeat',
  0x8870: 'Jumbo LLC',
  0x8874: 'Broadcom tag',
  0x887b: 'Homeplug',
  0x8881: 'CDMA2000 A10 Unstructured byte stream',
  0x8884: 'ATM over Ethernet',
  0x888e: '802.1X Authentication',
  0x8892: 'PROFINET',
  0x8899: 'Realtek Layer 2 Protocols',
  0x889b: 'CSM_ENCAPS Protocol',
  0x88a1: 'Telkonet powerline',
  0x88a2: 'ATA over Ethernet',
  0x88a4: 'EtherCAT frame',
  0x88a8: '802.1ad Provider Bridge (Q-in-Q)',
  0x88ab: 'ETHERNET Powerlink v2',
  0x88ad: 'XiMeta Technology',
  0x88b4: 'WAI Authentication Protocol',
  0x88b5: 'Local Experimental Ethertype 1',
  0x88b6: 'Local Experimental Ethertype 2',
  0x88b7: 'IEEE 802a OUI Extended Ethertype',
  0x88b8: 'IEC 61850/GOOSE',
  0x88b9: 'IEC 61850/GSE management services',
  0x88ba: 'IEC 61850/SV (Sampled Value Transmission',
  0x88c7: '802.11i Pre-Authentication',
  0x88ca: 'Transparent Inter Process Communication',
  0x88cc: '802.1 Link Layer Discovery Protocol (LLDP)',
  0x88d2: 'CDMA2000 A10 3GPP2 Packet',
  0x88d8: 'Circuit Emulation Services over Ethernet (MEF8)',
  0x88d9: 'Link Layer Topology Discovery (LLTD)',
  0x88dc: '(WAVE) Short Message Protocol (WSM)',
  0x88de: 'VMware Lab Manager',
  0x88e1: 'Homeplug AV',
  0x88e3: 'MRP',
  0x88e5: '802.1AE (MACsec)',
  0x88e7: '802.1ah Provider Backbone Bridge (mac-in-mac)',
  0x88ee: 'Ethernet Local Management Interface (MEF16)',
  0x88f6: '802.1ak Multiple Mac Registration Protocol',
  0x88f7: 'PTPv2 over Ethernet (IEEE1588)',
  0x88f8: 'Network Controller Sideband Interface',
  0x88fb: 'Parallel Redundancy Protocol (PRP) and HSR Supervision (IEC62439 Part 3)',
  0x8901: 'Flow Layer Internal Protocol',
  0x8902: 'IEEE 802.1ag Connectivity Fault Management (CFM) protocol',
  0x8903: 'Data Center Ethernet (DCE) protocol(Cisco)',
  0x8906: 'Fibre Channel over Ethernet',
  0x8909: 'CiscoMetaData',
  0x890d: 'IEEE 802.11 data encapsulation',
  0x8911: 'LINX IPC Protocol',
  0x8914: 'FCoE Initialization Protocol',
  0x8915: 'RDMA over Converged Ethernet',
  0x8917: 'Media Independent Handover Protocol',
  0x891d: 'TTEthernet Protocol Control Frame',
  0x8926: 'VN-Tag',
  0x892b: 'Schweitzer Engineering Labs Layer 2 Protocol',
  0x892d: 'bluecom Protocol',
  0x892f: 'High-availability Seamless Redundancy (IEC62439 Part 3)',
  0x893a: '1905.1a Convergent Digital Home Network for Heterogenous Technologies',
  0x893f: '802.1br Bridge Port Extension E-Tag',
  0x8947: 'GeoNetworking',
  0x894f: 'Network Service Header',
  0x8988: 'PA HB Backup',
  0x9000: 'Loopback',
  0x9021: 'Real-Time Media Access Control',
  0x9022: 'Real-Time Configuration Protocol',
  0x9100: 'QinQ: old non-standard 802.1ad',
  0x9104: 'EERO Broadcast Packet',
  0x99fe: 'Technically Enhanced Capture Module Protocol (TECMP)',
  0xa0ed: '6LoWPAN',
  0xaefe: 'eCPRI',
  0xb4e3: 'CableLabs Layer-3 Protocol',
  0xc021: 'PPP Link Control Protocol',
  0xc023: 'PPP Password Authentication Protocol',
  0xc0de: 'eXpressive Internet Protocol',
  0xc0df: 'Neighborhood Watch Protocol',
  0xcafe: 'Veritas Low Latency Transport (not officially registered)',
  0xd00d: 'Digium TDM over Ethernet Protocol',
  0xd28b: 'Arista Timestamp',
  0xe555: 'EXos internal Extra Header',
  0xf1c1: '802.1CB Frame Replication and Elimination for Reliability',
  0xfff2: 'Cisco ACI ARP gleaning',
};

const LG: readonly [string, string] = [
  'Locally administered address (this is NOT the factory default)',
  'Globally unique address (factory default)',
];
const IG: readonly [string, string] = ['Group address (multicast/broadcast)', 'Individual address (unicast)'];

export const ethTable = defineFields(
  { abbrev: 'eth', name: 'Ethernet II', desc: 'The link layer: moves a frame between two network interfaces on one link' },
  {
    dst: { abbrev: 'eth.dst', name: 'Destination', type: 'ETHER', offset: 0, width: 6, desc: 'MAC address of the interface the frame is for (ff:ff:ff:ff:ff:ff = everyone on the link)' },
    src: { abbrev: 'eth.src', name: 'Source', type: 'ETHER', offset: 6, width: 6, desc: 'MAC address of the interface that sent the frame' },
    type: { abbrev: 'eth.type', name: 'Type', type: 'UINT16', base: 'HEX', strings: ETHERTYPES, offset: 12, width: 2, auto: 'next', desc: 'EtherType: which protocol the payload carries (0x0800 IPv4, 0x0806 ARP, 0x86dd IPv6)' },
    len: { abbrev: 'eth.len', name: 'Length', type: 'UINT16', base: 'DEC', desc: 'IEEE 802.3 length of the payload (a value of 1500 or less in the type position)' },
    addr: { abbrev: 'eth.addr', name: 'Address', type: 'ETHER', desc: 'Source or destination MAC address' },
    dst_resolved: { abbrev: 'eth.dst_resolved', name: 'Destination (resolved)', type: 'STRING', desc: 'The destination address as a name (wirelens resolves no names: the address)' },
    dst_oui: { abbrev: 'eth.dst.oui', name: 'Destination OUI', type: 'UINT24', base: 'OUI', desc: 'The first three bytes of the destination address: the vendor identifier' },
    src_resolved: { abbrev: 'eth.src_resolved', name: 'Source (resolved)', type: 'STRING', desc: 'The source address as a name (wirelens resolves no names: the address)' },
    src_oui: { abbrev: 'eth.src.oui', name: 'Source OUI', type: 'UINT24', base: 'OUI', desc: 'The first three bytes of the source address: the vendor identifier' },
    addr_resolved: { abbrev: 'eth.addr_resolved', name: 'Address (resolved)', type: 'STRING', desc: 'Either address as a name' },
    addr_oui: { abbrev: 'eth.addr.oui', name: 'Address OUI', type: 'UINT24', base: 'OUI', desc: 'The vendor identifier of either address' },
    dst_lg: { abbrev: 'eth.dst.lg', name: 'LG bit', type: 'BOOLEAN', bitmask: 0x20000, tfs: LG, desc: 'Locally administered (1) or globally unique, factory-assigned (0) address' },
    dst_ig: { abbrev: 'eth.dst.ig', name: 'IG bit', type: 'BOOLEAN', bitmask: 0x10000, tfs: IG, desc: 'Group (multicast/broadcast, 1) or individual (unicast, 0) address' },
    src_lg: { abbrev: 'eth.src.lg', name: 'LG bit', type: 'BOOLEAN', bitmask: 0x20000, tfs: LG, desc: 'Locally administered (1) or globally unique, factory-assigned (0) address' },
    src_ig: { abbrev: 'eth.src.ig', name: 'IG bit', type: 'BOOLEAN', bitmask: 0x10000, tfs: IG, desc: 'Group (multicast/broadcast, 1) or individual (unicast, 0) address' },
    lg: { abbrev: 'eth.lg', name: 'LG bit', type: 'BOOLEAN', bitmask: 0x20000, tfs: LG, desc: 'Locally administered address bit of either address' },
    ig: { abbrev: 'eth.ig', name: 'IG bit', type: 'BOOLEAN', bitmask: 0x10000, tfs: IG, desc: 'Group address bit of either address' },
    padding: { abbrev: 'eth.padding', name: 'Padding', type: 'BYTES', desc: 'Bytes added to reach the 60-byte minimum frame size; they carry nothing' },
    trailer: { abbrev: 'eth.trailer', name: 'Trailer', type: 'BYTES', desc: 'Bytes after the payload that are not padding (some devices append them)' },
    fcs: { abbrev: 'eth.fcs', name: 'Frame check sequence', type: 'UINT32', base: 'HEX', auto: 'checksum', desc: 'CRC-32 over the frame, used by the receiver to detect corruption' },
    fcs_status: { abbrev: 'eth.fcs.status', name: 'FCS Status', type: 'UINT8', base: 'NONE', strings: { 0: 'Bad', 1: 'Good', 2: 'Unverified' }, desc: 'Whether the FCS was checked and found right' },
    invalid_lentype: { abbrev: 'eth.invalid_lentype', name: 'Invalid length/type', type: 'UINT16', base: 'HEX_DEC', desc: 'A value between 1501 and 1535 in the type position: neither an 802.3 length nor an EtherType' },
  },
);

const fixed = compileHeader(ethTable);
const F = ethTable.fields;
const HDR = 14;
/** Minimum Ethernet frame without FCS: shorter frames are padded to it. */
export const ETH_MIN = 60;
/** Largest IEEE 802.3 length; 1501-1535 is neither a length nor an EtherType (`eth.invalid_lentype`). */
export const MAX_8023_LEN = 1500;
export const MIN_ETHERTYPE = 1536;

/** What follows the inner PDU of a link layer: padding to the 60-byte minimum, a trailer, an FCS. */
export interface LinkTail {
  /** Zero bytes up to frame offset 60 (only when the frame is at least 60 bytes on the wire). */
  padding?: Uint8Array;
  /** Any other bytes after the inner PDU (tshark: eth.trailer, vlan.trailer, sll.trailer). */
  trailer?: Uint8Array;
  /** The frame check sequence, as tshark reads it (the 4 bytes as a big-endian number). */
  fcs?: number;
  /** Absolute offset where the padding (then trailer, then FCS) begins. */
  tailAt?: number;
}

/**
 * Split the bytes between the end of an inner PDU and the end of a link layer as tshark 4.0 does
 * (add_ethernet_trailer, with the default preferences eth.padding: Zeros and eth.fcs: heuristic):
 * - padding: only when the frame is at least 60 bytes on the wire, the bytes before frame offset 60, if all zero;
 * - FCS: `known` = the last 4 bytes are one; `maybe` = tshark's guess (the calling layer's bytes from `layerStart`
 *   are at least 64 and 4 bytes are left); `none` = never (VLAN, SLL);
 * - trailer: the rest.
 * `end` is the end of the captured bytes the layer owns (including a known FCS).
 */
export function linkTail(
  frame: Uint8Array,
  wireLen: number,
  layerStart: number,
  innerEnd: number,
  end: number,
  fcs: 'known' | 'maybe' | 'none',
): LinkTail {
  if (innerEnd >= end) return {};
  const reportedEnd = end === frame.length ? Math.max(end, wireLen) : end;
  let reported = reportedEnd - innerEnd;
  let captured = end - innerEnd;
  let pad = 0;
  if (wireLen >= ETH_MIN && wireLen - reported < ETH_MIN) {
    pad = Math.min(ETH_MIN - (wireLen - reported), captured);
    for (let i = innerEnd; i < innerEnd + pad; i++) {
      if (frame[i] !== 0) {
        pad = 0;
        break;
      }
    }
  }
  reported -= pad;
  captured -= pad;
  let fcsValue: number | undefined;
  if (fcs === 'known' || (fcs === 'maybe' && reportedEnd - layerStart >= 64 && reported >= 4)) {
    if (captured < reported) {
      reported -= 4;
      if (captured > reported) captured = reported;
    } else {
      captured -= 4;
      reported -= 4;
      const at = innerEnd + pad + captured;
      fcsValue = readUint(frame, at, 4);
    }
  }
  const out: LinkTail = { tailAt: innerEnd };
  if (pad > 0) out.padding = frame.subarray(innerEnd, innerEnd + pad);
  if (captured > 0) out.trailer = frame.subarray(innerEnd + pad, innerEnd + pad + captured);
  if (fcsValue !== undefined) out.fcs = fcsValue;
  return out.padding || out.trailer || out.fcs !== undefined ? out : {};
}

/**
 * The tree nodes of a link tail, in tshark's order: padding, trailer (under the caller's own trailer field),
 * FCS with its generated status.
 */
export function linkTailNodes(tail: LinkTail, trailerDef: FieldDef): FieldNode[] {
  const out: FieldNode[] = [];
  let at = tail.tailAt ?? 0;
  if (tail.padding && tail.padding.length) {
    out.push({ def: F.padding, start: at, len: tail.padding.length, value: tail.padding });
    at += tail.padding.length;
  }
  if (tail.trailer && tail.trailer.length) {
    out.push({ def: trailerDef, start: at, len: tail.trailer.length, value: tail.trailer });
    at += tail.trailer.length;
  }
  if (tail.fcs !== undefined) {
    out.push({ def: F.fcs, start: at, len: 4, value: tail.fcs, text: `Frame check sequence: 0x${tail.fcs.toString(16).padStart(8, '0')} [unverified]` });
    out.push({ def: F.fcs_status, start: at, len: 0, value: 2, generated: true, text: '[FCS Status: Unverified]' });
  }
  return out;
}

/** Bytes of a tail (for encoders): padding, trailer, FCS as on the wire. */
export function linkTailLength(tail: { padding?: Uint8Array; trailer?: Uint8Array }): number {
  return (tail.padding?.length ?? 0) + (tail.trailer?.length ?? 0);
}

export interface EthernetValue extends LinkTail {
  dst: string;
  src: string;
  /** EtherType, or the 802.3 length when 1500 or less (1501-1535: invalid, kept as is). */
  type: number;
}

export interface EthernetInput {
  dst?: string;
  src?: string;
  type?: number;
  /** Undefined: pad to 60 bytes as a NIC does. An empty array: no padding. */
  padding?: Uint8Array;
  trailer?: Uint8Array;
  /** Undefined: no FCS is written. A number is written as is (big-endian, as tshark shows it); true computes the CRC-32. */
  fcs?: number | true;
}

const CRC_TABLE = (() => {
  const t = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    t[n] = c >>> 0;
  }
  return t;
})();

/** IEEE 802.3 CRC-32 as transmitted in the FCS (read as a little-endian word on the wire). */
export function crc32(b: Uint8Array, start = 0, end = b.length): number {
  let c = 0xffffffff;
  for (let i = start; i < end; i++) c = CRC_TABLE[(c ^ b[i]!) & 0xff]! ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

function macNode(which: 'dst' | 'src', b: Uint8Array, at: number, value: string): FieldNode {
  const raw24 = readUint(b, at, 3);
  const lg = (raw24 & 0x20000) !== 0;
  const ig = (raw24 & 0x10000) !== 0;
  return {
    def: F[which],
    start: at,
    len: 6,
    value,
    // tshark's hidden resolved-name and OUI items (names are not resolved: the address itself), in its order
    children: [
      { def: which === 'dst' ? F.dst_resolved : F.src_resolved, start: at, len: 6, value, hidden: true },
      { def: which === 'dst' ? F.dst_oui : F.src_oui, start: at, len: 3, value: raw24, hidden: true },
      { def: F.addr, start: at, len: 6, value, text: `Address: ${value}` },
      { def: F.addr_resolved, start: at, len: 6, value, hidden: true },
      { def: F.addr_oui, start: at, len: 3, value: raw24, hidden: true },
      { def: which === 'dst' ? F.dst_lg : F.src_lg, start: at, len: 3, value: lg, bitmask: 0x20000 },
      { def: F.lg, start: at, len: 3, value: lg, bitmask: 0x20000, hidden: true },
      { def: which === 'dst' ? F.dst_ig : F.src_ig, start: at, len: 3, value: ig, bitmask: 0x10000 },
      { def: F.ig, start: at, len: 3, value: ig, bitmask: 0x10000, hidden: true },
    ],
  };
}

/**
 * Where the bytes a layer claims end: its PDU end, plus the padding and trailer it owns past that end (an 802.3
 * length inside a tag). An outer link layer splits only what lies beyond.
 */
export function claimedEnd(layer: Layer): number {
  const v = layer.value as LinkTail | null;
  if (v && typeof v === 'object' && v.tailAt === layer.end) return layer.end + linkTailLength(v) + (v.fcs !== undefined ? 4 : 0);
  return layer.end;
}

/** Bytes `ethernet.encode(input, payload)` produces for a payload of `payloadLength` bytes. */
export function ethernetEncodingLength(input: EthernetInput, payloadLength: number): number {
  const padLen = input.padding ? input.padding.length : Math.max(0, ETH_MIN - HDR - payloadLength);
  return HDR + payloadLength + padLen + (input.trailer?.length ?? 0) + (input.fcs === undefined ? 0 : 4);
}

/**
 * What follows an IEEE 802.3 length: an 802.2 LLC header, except for "raw" Novell IPX frames, whose first two bytes
 * are 0xffff (tshark's rule; IPX is not decoded: data).
 */
export function ieee8023Next(b: Uint8Array, at: number, end: number): { next?: readonly { proto: string }[] } {
  if (at >= end) return {};
  if (at + 2 <= end && b[at] === 0xff && b[at + 1] === 0xff) return {};
  return { next: [{ proto: 'llc' }] };
}

/** True when nothing but `data` (or nothing at all) follows the layer at `ctx.index`: its Info text then stays. */
export function onlyDataInside(ctx: TreeContext): boolean {
  const next = ctx.layers[ctx.index + 1];
  return !next || next.proto.name === 'data';
}

export const ethernet = defineProtocol<EthernetValue, EthernetInput>({
  name: 'eth',
  shortName: 'Ethernet',
  table: ethTable,
  bindings: [{ table: 'linktype', key: 1 }],
  decode(b, start, end, ctx) {
    const v: EthernetValue = { dst: '', src: '', type: 0 };
    if (end - start < HDR) {
      const n = end - start;
      ctx.problems.push(
        problem('eth', 'truncated', start, end, `Ethernet header needs ${HDR} bytes, ${n} captured`, {
          field: n < 6 ? 'eth.dst' : n < 12 ? 'eth.src' : 'eth.type',
          expected: HDR,
          actual: n,
          limitedBy: 'frame.cap_len',
        }),
      );
      fixed.read(b, start, end, v as unknown as Record<string, unknown>);
      return { value: v, headerEnd: end, end };
    }
    v.dst = macToString(b, start);
    v.src = macToString(b, start + 6);
    v.type = (b[start + 12]! << 8) | b[start + 13]!;
    // An FCS the capture declares sits at the very end of the frame (if it was captured): keep it from the payload.
    let pduEnd = end;
    if (ctx.fcsLen === 4 && end === b.length && end - start >= HDR + 4) pduEnd = end - 4;
    const hdrEnd = start + HDR;
    if (v.type <= MAX_8023_LEN) {
      // IEEE 802.3: a length, and an LLC header follows (not decoded here: it becomes data). What lies past the
      // length is this layer's padding and trailer.
      const lenEnd = hdrEnd + v.type;
      if (lenEnd > pduEnd && !(pduEnd === b.length && b.length < ctx.wireLen)) {
        ctx.problems.push(problem('eth', 'bad-length', start + 12, start + 14, `802.3 length ${v.type} goes past the end of the frame (${pduEnd - hdrEnd} bytes)`, { field: 'eth.len', expected: pduEnd - hdrEnd, actual: v.type, limitedBy: 'frame.len' }));
      }
      const payloadEnd = Math.min(lenEnd, pduEnd);
      const tail = linkTail(b, ctx.wireLen, start, payloadEnd, ctx.fcsLen === 4 ? end : pduEnd, ctx.fcsLen === 4 ? 'known' : 'maybe');
      Object.assign(v, tail);
      return { value: v, headerEnd: hdrEnd, end: payloadEnd, ...ieee8023Next(b, hdrEnd, payloadEnd) };
    }
    if (v.type < MIN_ETHERTYPE) {
      ctx.problems.push(problem('eth', 'bad-value', start + 12, start + 14, `0x${v.type.toString(16).padStart(4, '0')} (${v.type}) is neither an 802.3 length (up to 1500) nor an EtherType (1536 or more)`, { field: 'eth.invalid_lentype', actual: v.type, severity: 'warning' }));
      return { value: v, headerEnd: hdrEnd, end: pduEnd };
    }
    if (pduEnd < end) {
      // A known FCS: keep its value now (the tail after the inner PDU is split in complete()).
      v.fcs = readUint(b, pduEnd, 4);
      v.tailAt = pduEnd;
    }
    // tshark lists `ethertype` only when there is a payload to hand on.
    return { value: v, headerEnd: hdrEnd, end: pduEnd, next: [{ table: 'ethertype', key: v.type }], ...(hdrEnd < pduEnd ? { via: 'ethertype' } : {}) };
  },
  complete(layer, innerEnd, ctx) {
    const v = layer.value;
    if (layer.headerEnd - layer.start < HDR || v.type < MIN_ETHERTYPE) return v;
    const known = v.fcs !== undefined && v.tailAt === layer.end;
    const i = ctx.layers.indexOf(layer);
    const inner = i >= 0 ? ctx.layers[i + 1] : undefined;
    if (inner) innerEnd = Math.max(innerEnd, claimedEnd(inner));
    if (innerEnd >= layer.end && !known) return v;
    const end = known ? layer.end + 4 : layer.end;
    const tail = linkTail(ctx.frame, ctx.wireLen, layer.start, Math.min(innerEnd, layer.end), end, known ? 'known' : 'maybe');
    const out: EthernetValue = { dst: v.dst, src: v.src, type: v.type, ...tail };
    return out;
  },
  tree(layer, ctx) {
    const b = ctx.frame;
    const v = layer.value;
    const s = layer.start;
    // tshark shows no field of a header cut short (the addresses still reach the summary columns).
    if (layer.headerEnd - s < HDR) return [];
    const nodes: FieldNode[] = [macNode('dst', b, s, v.dst), macNode('src', b, s + 6, v.src)];
    if (v.type <= MAX_8023_LEN) nodes.push({ def: F.len, start: s + 12, len: 2, value: v.type });
    else if (v.type < MIN_ETHERTYPE) nodes.push({ def: F.invalid_lentype, start: s + 12, len: 2, value: v.type });
    else nodes.push({ def: F.type, start: s + 12, len: 2, value: v.type });
    nodes.push(...linkTailNodes(v, F.trailer));
    return nodes;
  },
  label(layer) {
    const v = layer.value;
    const what = layer.headerEnd - layer.start < HDR || v.type >= MIN_ETHERTYPE ? 'Ethernet II' : v.type <= MAX_8023_LEN ? 'IEEE 802.3 Ethernet' : 'Ethernet Unknown';
    // tshark 4.0 labels an 802.3 frame without its addresses (and with a trailing space).
    if (what === 'IEEE 802.3 Ethernet') return what + ' ';
    if (layer.headerEnd - layer.start < 12) return what;
    return `${what}, Src: ${v.src}, Dst: ${v.dst}`;
  },
  summary(layer, ctx) {
    const v = layer.value;
    if (layer.headerEnd - layer.start < HDR) return '';
    if (v.type > MAX_8023_LEN && v.type < MIN_ETHERTYPE) return `Ethernet Unknown: Invalid length/type: 0x${v.type.toString(16).padStart(4, '0')} (${v.type})`;
    // tshark writes `Ethernet II` first; any decoder of the payload but `data` replaces (or clears) it.
    return v.type >= MIN_ETHERTYPE && onlyDataInside(ctx) ? 'Ethernet II' : '';
  },
  encode(input, payload, ctx) {
    let type = input.type;
    if (type === undefined) {
      const bind = ctx.inner?.proto.bindings?.find((x) => x.table === 'ethertype');
      // No EtherType for the payload: an IEEE 802.3 frame, whose type field is the payload length.
      if (bind) type = bind.key;
      else if (payload.length <= MAX_8023_LEN) type = payload.length;
      else throw new EncodeError('eth.type', `no EtherType for a ${ctx.inner?.proto.name ?? 'raw'} payload of ${payload.length} bytes (more than an 802.3 length): set type`);
    }
    const padLen = input.padding ? input.padding.length : Math.max(0, ETH_MIN - HDR - payload.length);
    const trailer = input.trailer ?? new Uint8Array(0);
    const out = new Uint8Array(ethernetEncodingLength(input, payload.length));
    fixed.write(out, 0, { dst: input.dst ?? 'ff:ff:ff:ff:ff:ff', src: input.src ?? '00:00:00:00:00:00', type });
    out.set(payload, HDR);
    if (input.padding) out.set(input.padding, HDR + payload.length);
    out.set(trailer, HDR + payload.length + padLen);
    if (input.fcs !== undefined) {
      const at = out.length - 4;
      if (input.fcs === true) {
        // The CRC goes on the wire least significant byte first.
        const fcs = crc32(out, 0, at);
        out[at] = fcs & 0xff;
        out[at + 1] = (fcs >>> 8) & 0xff;
        out[at + 2] = (fcs >>> 16) & 0xff;
        out[at + 3] = fcs >>> 24;
      } else {
        if (!Number.isInteger(input.fcs) || input.fcs < 0 || input.fcs > 0xffffffff) throw new EncodeError('eth.fcs', `${input.fcs} does not fit in 32 bits`);
        writeUint(out, at, 4, input.fcs);
      }
    }
    return out;
  },
  toInput(layer) {
    const v = layer.value;
    // Tail bytes past the layer's end (an 802.3 length shorter than the frame, a declared FCS) lie outside the
    // PDU: when this is the frame's first layer, rebuilding re-emits them after it, so they are left out here.
    const outside = layer.start === 0 && v.tailAt !== undefined && v.tailAt >= layer.end;
    const fcsOutside = layer.start === 0 && v.fcs !== undefined && v.tailAt !== undefined && v.tailAt + linkTailLength(v) >= layer.end;
    return {
      dst: v.dst,
      src: v.src,
      type: v.type,
      padding: (!outside && v.padding) || new Uint8Array(0),
      ...(v.trailer && !outside ? { trailer: v.trailer } : {}),
      ...(v.fcs !== undefined && !fcsOutside ? { fcs: v.fcs } : {}),
    };
  },
});
