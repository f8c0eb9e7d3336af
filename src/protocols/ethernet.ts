/** Ethernet II (LINKTYPE_ETHERNET 1): addresses, EtherType, padding, trailer and FCS. */
import { macToString } from '../core/addr.js';
import { problem } from '../core/problem.js';
import { compileHeader, readUint, writeUint } from '../fields/compile.js';
import { defineFields } from '../fields/types.js';
import type { FieldNode } from '../fields/types.js';
import { defineProtocol } from './types.js';

/** EtherType value names, as tshark shows them (`Type: IPv4 (0x0800)`). Shared by VLAN and SLL. */
export const ETHERTYPES: Readonly<Record<number, string>> = {
  0x0800: 'IPv4',
  0x0806: 'ARP',
  0x0842: 'Wake on LAN',
  0x22f0: 'IEEE 1722 Audio Video Bridging Transport Protocol',
  0x8035: 'RARP',
  0x809b: 'AppleTalk',
  0x80f3: 'AARP',
  0x8100: '802.1Q Virtual LAN',
  0x8137: 'Netware IPX/SPX',
  0x86dd: 'IPv6',
  0x8808: 'MAC Control',
  0x8809: 'Slow Protocols',
  0x8847: 'MPLS label switched packet',
  0x8848: 'MPLS multicast label switched packet',
  0x8863: 'PPPoE Discovery',
  0x8864: 'PPPoE Session',
  0x888e: '802.1X Authentication',
  0x88a8: '802.1ad Provider Bridge (Q-in-Q)',
  0x88cc: '802.1 Link Layer Discovery Protocol (LLDP)',
  0x88e5: '802.1AE (MACsec)',
  0x88f7: 'PTPv2 over Ethernet (IEEE1588)',
  0x8906: 'Fibre Channel over Ethernet',
  0x9000: 'Configuration Test Protocol (loopback)',
  0x9100: 'VLAN-tagged frame (Q-in-Q)',
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
    dst_lg: { abbrev: 'eth.dst.lg', name: 'LG bit', type: 'BOOLEAN', bitmask: 0x20000, tfs: LG, desc: 'Locally administered (1) or globally unique, factory-assigned (0) address' },
    dst_ig: { abbrev: 'eth.dst.ig', name: 'IG bit', type: 'BOOLEAN', bitmask: 0x10000, tfs: IG, desc: 'Group (multicast/broadcast, 1) or individual (unicast, 0) address' },
    src_lg: { abbrev: 'eth.src.lg', name: 'LG bit', type: 'BOOLEAN', bitmask: 0x20000, tfs: LG, desc: 'Locally administered (1) or globally unique, factory-assigned (0) address' },
    src_ig: { abbrev: 'eth.src.ig', name: 'IG bit', type: 'BOOLEAN', bitmask: 0x10000, tfs: IG, desc: 'Group (multicast/broadcast, 1) or individual (unicast, 0) address' },
    lg: { abbrev: 'eth.lg', name: 'LG bit', type: 'BOOLEAN', bitmask: 0x20000, tfs: LG, desc: 'Locally administered address bit of either address' },
    ig: { abbrev: 'eth.ig', name: 'IG bit', type: 'BOOLEAN', bitmask: 0x10000, tfs: IG, desc: 'Group address bit of either address' },
    padding: { abbrev: 'eth.padding', name: 'Padding', type: 'BYTES', desc: 'Bytes added to reach the 60-byte minimum frame size; they carry nothing' },
    trailer: { abbrev: 'eth.trailer', name: 'Trailer', type: 'BYTES', desc: 'Bytes after the payload that are not padding (some devices append them)' },
    fcs: { abbrev: 'eth.fcs', name: 'Frame check sequence', type: 'UINT32', base: 'HEX', auto: 'checksum', desc: 'CRC-32 over the frame, used by the receiver to detect corruption' },
  },
);

const fixed = compileHeader(ethTable);
const HDR = 14;
/** Minimum Ethernet frame without FCS: shorter frames are padded to it. */
export const ETH_MIN = 60;

export interface EthernetValue {
  dst: string;
  src: string;
  /** EtherType, or the 802.3 length when 1500 or less. */
  type: number;
  /** Padding after the payload up to the 60-byte minimum. */
  padding?: Uint8Array;
  /** Bytes after the padding and before the FCS. */
  trailer?: Uint8Array;
  /** FCS, when the capture includes it. */
  fcs?: number;
}

export interface EthernetInput {
  dst?: string;
  src?: string;
  type?: number;
  /** Undefined: pad to 60 bytes as a NIC does. An empty array: no padding. */
  padding?: Uint8Array;
  trailer?: Uint8Array;
  /** Undefined: no FCS is written. Set to a number to append it (true to compute the CRC-32). */
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
  const f = ethTable.fields;
  const raw24 = readUint(b, at, 3);
  const lg = (raw24 & 0x20000) !== 0;
  const ig = (raw24 & 0x10000) !== 0;
  return {
    def: f[which],
    start: at,
    len: 6,
    value,
    children: [
      { def: f.addr, start: at, len: 6, value, text: `Address: ${value}` },
      { def: which === 'dst' ? f.dst_lg : f.src_lg, start: at, len: 3, value: lg, bitmask: 0x20000 },
      { def: which === 'dst' ? f.dst_ig : f.src_ig, start: at, len: 3, value: ig, bitmask: 0x10000 },
      { def: f.lg, start: at, len: 3, value: lg, bitmask: 0x20000, hidden: true },
      { def: f.ig, start: at, len: 3, value: ig, bitmask: 0x10000, hidden: true },
    ],
  };
}

export const ethernet = defineProtocol<EthernetValue, EthernetInput>({
  name: 'eth',
  shortName: 'Ethernet',
  table: ethTable,
  bindings: [{ table: 'linktype', key: 1 }],
  decode(b, start, end, ctx) {
    const v: EthernetValue = { dst: '', src: '', type: 0 };
    if (end - start < HDR) {
      ctx.problems.push(
        problem('eth', 'truncated', start, end, `Ethernet header needs ${HDR} bytes, ${end - start} captured`, {
          field: end - start < 6 ? 'eth.dst' : end - start < 12 ? 'eth.src' : 'eth.type',
          expected: HDR,
          actual: end - start,
          limitedBy: 'frame.cap_len',
        }),
      );
      fixed.read(b, start, end, v as unknown as Record<string, unknown>);
      return { value: v, headerEnd: end, end };
    }
    v.dst = macToString(b, start);
    v.src = macToString(b, start + 6);
    v.type = (b[start + 12]! << 8) | b[start + 13]!;
    // The FCS, when the capture has it, sits at the very end of the frame (if it was captured).
    let pduEnd = end;
    if (ctx.fcsLen === 4 && end === b.length && end - start >= HDR + 4) {
      pduEnd = end - 4;
      v.fcs = ((b[pduEnd]! << 24) | (b[pduEnd + 1]! << 16) | (b[pduEnd + 2]! << 8) | b[pduEnd + 3]!) >>> 0;
    }
    if (v.type <= 1500) {
      // IEEE 802.3: a length, and an LLC header follows (not decoded here).
      return { value: v, headerEnd: start + HDR, end: Math.min(pduEnd, start + HDR + v.type) };
    }
    return { value: v, headerEnd: start + HDR, end: pduEnd, next: [{ table: 'ethertype', key: v.type }], via: 'ethertype' };
  },
  complete(layer, innerEnd, ctx) {
    const v = layer.value;
    if (innerEnd >= layer.end || layer.headerEnd - layer.start < HDR) return v;
    // Bytes after the inner PDU: padding up to the 60-byte minimum frame, the rest trailer.
    const padEnd = Math.max(innerEnd, Math.min(layer.end, layer.start + ETH_MIN));
    const out: EthernetValue = { ...v };
    if (padEnd > innerEnd) out.padding = ctx.frame.subarray(innerEnd, padEnd);
    if (layer.end > padEnd) out.trailer = ctx.frame.subarray(padEnd, layer.end);
    return out;
  },
  tree(layer, ctx) {
    const b = ctx.frame;
    const v = layer.value;
    const f = ethTable.fields;
    const s = layer.start;
    if (layer.headerEnd - s < HDR) return fixed.nodes(b, s, layer.headerEnd, v as unknown as Record<string, unknown>);
    const nodes: FieldNode[] = [macNode('dst', b, s, v.dst), macNode('src', b, s + 6, v.src)];
    nodes.push({ def: v.type <= 1500 ? f.len : f.type, start: s + 12, len: 2, value: v.type });
    const after = innerEndOf(layer, ctx);
    if (v.padding && v.padding.length) nodes.push({ def: f.padding, start: after, len: v.padding.length, value: v.padding });
    if (v.trailer && v.trailer.length)
      nodes.push({ def: f.trailer, start: after + (v.padding?.length ?? 0), len: v.trailer.length, value: v.trailer });
    if (v.fcs !== undefined) nodes.push({ def: f.fcs, start: layer.end, len: 4, value: v.fcs });
    return nodes;
  },
  label(layer) {
    return `Ethernet II, Src: ${layer.value.src}, Dst: ${layer.value.dst}`;
  },
  encode(input, payload, ctx) {
    let type = input.type;
    if (type === undefined) {
      const bind = ctx.inner?.proto.bindings?.find((x) => x.table === 'ethertype');
      type = bind ? bind.key : 0;
    }
    const padLen = input.padding ? input.padding.length : Math.max(0, ETH_MIN - HDR - payload.length);
    const trailer = input.trailer ?? new Uint8Array(0);
    const fcsLen = input.fcs === undefined ? 0 : 4;
    const out = new Uint8Array(HDR + payload.length + padLen + trailer.length + fcsLen);
    fixed.write(out, 0, { dst: input.dst ?? 'ff:ff:ff:ff:ff:ff', src: input.src ?? '00:00:00:00:00:00', type });
    out.set(payload, HDR);
    if (input.padding) out.set(input.padding, HDR + payload.length);
    out.set(trailer, HDR + payload.length + padLen);
    if (input.fcs !== undefined) {
      const at = out.length - 4;
      const fcs = input.fcs === true ? crc32(out, 0, at) : input.fcs;
      // The FCS goes on the wire least significant byte first.
      if (input.fcs === true) {
        out[at] = fcs & 0xff;
        out[at + 1] = (fcs >>> 8) & 0xff;
        out[at + 2] = (fcs >>> 16) & 0xff;
        out[at + 3] = fcs >>> 24;
      } else writeUint(out, at, 4, fcs);
    }
    return out;
  },
  toInput(layer) {
    const v = layer.value;
    return {
      dst: v.dst,
      src: v.src,
      type: v.type,
      padding: v.padding ?? new Uint8Array(0),
      ...(v.trailer ? { trailer: v.trailer } : {}),
      ...(v.fcs !== undefined ? { fcs: v.fcs } : {}),
    };
  },
});

function innerEndOf(layer: { end: number; value: EthernetValue }, _ctx: unknown): number {
  void _ctx;
  return layer.end - (layer.value.padding?.length ?? 0) - (layer.value.trailer?.length ?? 0);
}
