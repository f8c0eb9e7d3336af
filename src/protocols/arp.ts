/**
 * ARP and RARP (RFC 826, RFC 903; opcodes from IANA): who has an IPv4 address, and which MAC address answers.
 * Ethernet/IPv4 addresses are decoded as MAC and dotted-quad text; any other hardware or protocol address is kept
 * as raw bytes (tshark's arp.src.hw / arp.src.proto ...).
 */
import { ipv4ToString, macToString, parseIPv4, parseMAC } from '../core/addr.js';
import { toHex } from '../core/bytes.js';
import { EncodeError, problem } from '../core/problem.js';
import { compileHeader } from '../fields/compile.js';
import { defineFields } from '../fields/types.js';
import type { FieldNode } from '../fields/types.js';
import { ETHERTYPES } from './ethernet.js';
import { defineProtocol } from './types.js';
import type { Layer } from './types.js';

/** ARPHRD_ hardware types (arp.hw.type; also sll.hatype), as tshark names them. */
export const ARPHRD: Readonly<Record<number, string>> = {
  0: 'NET/ROM pseudo',
  1: 'Ethernet',
  2: 'Experimental Ethernet',
  3: 'AX.25',
  4: 'ProNET',
  5: 'Chaos',
  6: 'IEEE 802',
  7: 'ARCNET',
  8: 'Hyperchannel',
  9: 'Lanstar',
  10: 'Autonet Short Address',
  11: 'Localtalk',
  12: 'LocalNet',
  13: 'Ultra link',
  14: 'SMDS',
  15: 'Frame Relay DLCI',
  16: 'ATM',
  17: 'HDLC',
  18: 'Fibre Channel',
  19: 'ATM (RFC 2225)',
  20: 'Serial Line',
  21: 'ATM',
  22: 'MIL-STD-188-220',
  23: 'Metricom STRIP',
  24: 'IEEE 1394.1995',
  25: 'MAPOS',
  26: 'Twinaxial',
  27: 'EUI-64',
  28: 'HIPARP',
  29: 'IP and ARP over ISO 7816-3',
  30: 'ARPSec',
  31: 'IPsec tunnel',
  32: 'InfiniBand',
  33: 'TIA-102 Project 25 CAI',
  34: 'Wiegand Interface',
  35: 'Pure IP',
  36: 'Experimental 1',
  37: 'HFI',
  256: 'Experimental 2',
  257: 'AEthernet',
  260: 'Notional KISS type',
  264: 'ADAPT',
  270: 'ROSE',
  271: 'CCITT X.25',
  272: 'Boards with X.25 in firmware',
  280: 'Controller Area Network',
  512: 'PPP',
  513: 'Cisco HDLC',
  516: 'LAPB',
  517: 'Digital\'s DDCMP protocol',
  518: 'Raw HDLC',
  519: 'Raw IP',
  768: 'IPIP tunnel',
  769: 'IP6IP6 tunnel',
  770: 'Frame Relay Access Device',
  771: 'SKIP vif',
  772: 'Loopback',
  774: 'Fiber Distributed Data Interface',
  775: 'AP1000 BIF',
  776: 'sit0 device - IPv6-in-IPv4',
  777: 'IP over DDP tunneller',
  778: 'GRE over IP',
  779: 'PIMSM register interface',
  780: 'High Performance Parallel Interface',
  781: 'Nexus 64Mbps Ash',
  782: 'Acorn Econet',
  783: 'Linux-IrDA',
  784: 'Point to point fibrechannel',
  785: 'Fibrechannel arbitrated loop',
  786: 'Fibrechannel public loop',
  787: 'Fibrechannel fabric',
  800: 'Magic type ident for TR',
  801: 'IEEE 802.11',
  802: 'IEEE 802.11 + Prism2 header',
  803: 'IEEE 802.11 + radiotap header',
  804: 'IEEE 802.15.4',
  805: 'IEEE 802.15.4 network monitor',
  820: 'PhoNet media type',
  821: 'PhoNet pipe header',
  822: 'CAIF media type',
  823: 'GRE over IPv6',
  824: 'Netlink',
  825: 'IPv6 over LoWPAN',
  826: 'Vsock monitor header',
  65535: 'Void type, nothing is known',
  65534: 'zero header length',
};

/** ARP operation codes (arp.opcode). */
export const ARP_OPCODES: Readonly<Record<number, string>> = {
  0: 'reserved',
  1: 'request',
  2: 'reply',
  3: 'reverse request',
  4: 'reverse reply',
  5: 'drarp request',
  6: 'drarp reply',
  7: 'drarp error',
  8: 'inverse request',
  9: 'inverse reply',
  10: 'arp nak',
  11: 'mars request',
  12: 'mars multi',
  13: 'mars mserv',
  14: 'mars join',
  15: 'mars leave',
  16: 'mars nak',
  17: 'mars unserv',
  18: 'mars sjoin',
  19: 'mars sleave',
  20: 'mars grouplist request',
  21: 'mars grouplist reply',
  22: 'mars redirect map',
  23: 'mapos unarp',
  24: 'experimental 1',
  25: 'experimental 2',
  65535: 'reserved',
};

export const arpTable = defineFields(
  { abbrev: 'arp', name: 'Address Resolution Protocol', desc: 'Maps a network-layer address (IPv4) to the link-layer (MAC) address that reaches it, on one link' },
  {
    hw_type: { abbrev: 'arp.hw.type', name: 'Hardware type', type: 'UINT16', base: 'DEC', strings: ARPHRD, offset: 0, width: 2, desc: 'Kind of link-layer address (1 = Ethernet)' },
    proto_type: { abbrev: 'arp.proto.type', name: 'Protocol type', type: 'UINT16', base: 'HEX', strings: ETHERTYPES, offset: 2, width: 2, desc: 'Kind of network-layer address, as an EtherType (0x0800 = IPv4)' },
    hw_size: { abbrev: 'arp.hw.size', name: 'Hardware size', type: 'UINT8', base: 'DEC', offset: 4, width: 1, auto: 'length', desc: 'Length of each hardware address in bytes (6 for Ethernet)' },
    proto_size: { abbrev: 'arp.proto.size', name: 'Protocol size', type: 'UINT8', base: 'DEC', offset: 5, width: 1, auto: 'length', desc: 'Length of each protocol address in bytes (4 for IPv4)' },
    opcode: { abbrev: 'arp.opcode', name: 'Opcode', type: 'UINT16', base: 'DEC', strings: ARP_OPCODES, offset: 6, width: 2, desc: 'What the packet asks or tells: 1 request, 2 reply, 3/4 reverse (RARP) request/reply' },
    isgratuitous: { abbrev: 'arp.isgratuitous', name: 'Is gratuitous', type: 'BOOLEAN', desc: 'Sender and target protocol addresses are the same: the host announces its own address' },
    isprobe: { abbrev: 'arp.isprobe', name: 'Is probe', type: 'BOOLEAN', desc: 'A request from sender address 0.0.0.0: checks that an address is free before using it (RFC 5227)' },
    isannouncement: { abbrev: 'arp.isannouncement', name: 'Is announcement', type: 'BOOLEAN', desc: 'A gratuitous request with an all-zero target MAC: claims an address (RFC 5227)' },
    src_hw_mac: { abbrev: 'arp.src.hw_mac', name: 'Sender MAC address', type: 'ETHER', desc: 'MAC address of the sender' },
    src_hw: { abbrev: 'arp.src.hw', name: 'Sender hardware address', type: 'BYTES', desc: 'Hardware address of the sender (not a 6-byte Ethernet address)' },
    src_proto_ipv4: { abbrev: 'arp.src.proto_ipv4', name: 'Sender IP address', type: 'IPv4', desc: 'IPv4 address of the sender' },
    src_proto: { abbrev: 'arp.src.proto', name: 'Sender protocol address', type: 'BYTES', desc: 'Protocol address of the sender (not a 4-byte IPv4 address)' },
    dst_hw_mac: { abbrev: 'arp.dst.hw_mac', name: 'Target MAC address', type: 'ETHER', desc: 'MAC address of the target (all zero in a request: that is what is asked)' },
    dst_hw: { abbrev: 'arp.dst.hw', name: 'Target hardware address', type: 'BYTES', desc: 'Hardware address of the target (not a 6-byte Ethernet address)' },
    dst_proto_ipv4: { abbrev: 'arp.dst.proto_ipv4', name: 'Target IP address', type: 'IPv4', desc: 'IPv4 address of the target (in a request: the address being looked up)' },
    dst_proto: { abbrev: 'arp.dst.proto', name: 'Target protocol address', type: 'BYTES', desc: 'Protocol address of the target (not a 4-byte IPv4 address)' },
    duplicate_detected: { abbrev: 'arp.duplicate-address-detected', name: 'Duplicate IP address configured', type: 'NONE', desc: 'This IPv4 address was seen with another MAC address earlier in the capture: two hosts may be using it' },
    duplicate_frame: { abbrev: 'arp.duplicate-address-frame', name: 'Frame showing earlier use of IP address', type: 'FRAMENUM', base: 'NONE', desc: 'An earlier frame in which another MAC address used this IPv4 address' },
    duplicate_seconds: { abbrev: 'arp.seconds-since-duplicate-address-frame', name: 'Seconds since earlier frame seen', type: 'UINT32', base: 'DEC', desc: 'Whole seconds since that earlier frame' },
    drarp_error_status: { abbrev: 'arp.dst.drarp_error_status', name: 'DRARP error status', type: 'UINT16', base: 'DEC', desc: 'Error code of a Dynamic RARP error reply' },
  },
);

const fixed = compileHeader(arpTable);
/** The defaults below with the fixed fields read over them, in one allocation. */
const makeValue = fixed.creator(['hw_type', 'proto_type', 'hw_size', 'proto_size', 'opcode', 'gratuitous', 'probe', 'announcement']);
const F = arpTable.fields;
const HDR = 8;

const ARPHRD_ETHER = 1;
const ARPHRD_IEEE802 = 6;
const ETHERTYPE_IP = 0x0800;
const AX25_P_IP = 0xcc;

/** A hardware address is a MAC address when the type is Ethernet or IEEE 802 and it is 6 bytes long. */
export function arpHwIsEther(hwType: number, hwSize: number): boolean {
  return (hwType === ARPHRD_ETHER || hwType === ARPHRD_IEEE802) && hwSize === 6;
}

/** A protocol address is an IPv4 address when the type is IPv4 (or AX.25's IP) and it is 4 bytes long. */
export function arpProtoIsIPv4(protoType: number, protoSize: number): boolean {
  return (protoType === ETHERTYPE_IP || protoType === AX25_P_IP) && protoSize === 4;
}

/** Addresses: MAC / IPv4 text when arpHwIsEther / arpProtoIsIPv4, else the raw bytes. */
export type ArpAddress = string | Uint8Array;

export interface ArpValue {
  hw_type: number;
  proto_type: number;
  hw_size: number;
  proto_size: number;
  opcode: number;
  /** Absent when the packet was cut before them. */
  src_hw?: ArpAddress;
  src_proto?: ArpAddress;
  dst_hw?: ArpAddress;
  dst_proto?: ArpAddress;
  /** Request or reply whose sender and target protocol addresses are equal. */
  gratuitous: boolean;
  /** Request from 0.0.0.0 for an all-zero target MAC (RFC 5227 probe). */
  probe: boolean;
  /** Gratuitous request with an all-zero target MAC (RFC 5227 announcement). */
  announcement: boolean;
}

/** An IPv4 address seen with another MAC address earlier in the capture (tshark's duplicate address detection). */
export interface ArpDuplicate {
  ip: string;
  mac: string;
  /** The MAC address the earlier frame used. */
  earlierMac: string;
  earlierFrame: number;
  seconds: number;
}

interface ArpSeen {
  mac: string;
  frame: number;
  secs: number;
}

export interface ArpInput {
  /** Default 1 (Ethernet). */
  hw_type?: number;
  /** Default 0x0800 (IPv4). */
  proto_type?: number;
  /** Undefined: the length of the hardware addresses. */
  hw_size?: number;
  /** Undefined: the length of the protocol addresses. */
  proto_size?: number;
  /** Default 1 (request). */
  opcode?: number;
  /** MAC text or raw bytes. Default 00:00:00:00:00:00. */
  src_hw?: ArpAddress;
  /** IPv4 text or raw bytes. Default 0.0.0.0. */
  src_proto?: ArpAddress;
  dst_hw?: ArpAddress;
  dst_proto?: ArpAddress;
}

/** Bytes shown as hex, as tshark's bytes_to_str: at most 36 bytes, then an ellipsis. */
function hexShort(b: Uint8Array): string {
  return b.length > 36 ? toHex(b, 0, 36) + '\u2026' : toHex(b);
}

function hwText(v: ArpValue, a: ArpAddress | undefined): string {
  if (v.hw_size === 0 || a === undefined) return '<No address>';
  return typeof a === 'string' ? a : hexShort(a);
}

function protoText(v: ArpValue, a: ArpAddress | undefined): string {
  if (v.proto_size === 0 || a === undefined) return '<No address>';
  return typeof a === 'string' ? a : hexShort(a);
}

function sameBytes(b: Uint8Array, x: number, y: number, n: number): boolean {
  for (let i = 0; i < n; i++) if (b[x + i] !== b[y + i]) return false;
  return true;
}

function allZero(b: Uint8Array, at: number, n: number): boolean {
  for (let i = 0; i < n; i++) if (b[at + i] !== 0) return false;
  return true;
}

function addressBytes(a: ArpAddress, kind: 'hw' | 'proto', field: string): Uint8Array {
  if (a instanceof Uint8Array) return a;
  const bytes = kind === 'hw' ? parseMAC(a) : parseIPv4(a);
  if (!bytes) throw new EncodeError(field, `not a valid ${kind === 'hw' ? 'MAC' : 'IPv4'} address: ${a}`);
  return bytes;
}

/** Bytes `arp.encode(input)` produces: 8 + both hardware and both protocol addresses as given. */
export function arpEncodingLength(input: ArpInput): number {
  const len = (a: ArpAddress | undefined, hw: boolean) => (a === undefined || typeof a === 'string' ? (hw ? 6 : 4) : a.length);
  return HDR + len(input.src_hw, true) + len(input.src_proto, false) + len(input.dst_hw, true) + len(input.dst_proto, false);
}

/** The protocol-tree label suffix: `request`, `reply/gratuitous ARP`, `ARP Probe`, ... */
function opLabel(v: ArpValue): string {
  const name = ARP_OPCODES[v.opcode];
  if (name === undefined) return `opcode 0x${v.opcode.toString(16).padStart(4, '0')}`;
  if (v.announcement) return 'ARP Announcement';
  if (v.probe) return 'ARP Probe';
  if (v.gratuitous) return v.opcode === 1 ? 'request/gratuitous ARP' : 'reply/gratuitous ARP';
  return name;
}

const MARS_INFO: Readonly<Record<number, string>> = {
  11: 'MARS request',
  12: 'MARS MULTI request',
  13: 'MARS MSERV request',
  14: 'MARS JOIN request',
  15: 'MARS LEAVE',
  16: 'MARS NAK',
  17: 'MARS UNSERV request',
  18: 'MARS SJOIN request',
  19: 'MARS SLEAVE',
  20: 'MARS grouplist request',
  21: 'MARS grouplist reply',
  22: 'MARS redirect map',
  23: 'MAPOS UNARP request',
};

/** An address the Info text needs was not captured: tshark stops there and leaves the column empty. */
class Missing extends Error {}

/** tshark's Info column for an ARP packet ('' when the addresses it needs were not captured). */
export function arpInfo(v: ArpValue): string {
  try {
    return info(v);
  } catch (e) {
    if (e instanceof Missing) return '';
    throw e;
  }
}

function info(v: ArpValue): string {
  const need = (a: ArpAddress | undefined, size: number): ArpAddress | undefined => {
    if (a === undefined && size > 0) throw new Missing();
    return a;
  };
  const sha = () => hwText(v, need(v.src_hw, v.hw_size));
  const spa = () => protoText(v, need(v.src_proto, v.proto_size));
  const tha = () => hwText(v, need(v.dst_hw, v.hw_size));
  const tpa = () => protoText(v, need(v.dst_proto, v.proto_size));
  // The gratuitous test compares both protocol addresses first.
  if (v.opcode === 1 || v.opcode === 2) {
    spa();
    tpa();
  }
  switch (v.opcode) {
    case 1:
      if (v.gratuitous) return v.announcement ? `ARP Announcement for ${tpa()}` : `Gratuitous ARP for ${tpa()} (Request)`;
      if (v.probe) return `Who has ${tpa()}? (ARP Probe)`;
      return `Who has ${tpa()}? Tell ${spa()}`;
    case 2:
      return v.gratuitous ? `Gratuitous ARP for ${spa()} (Reply)` : `${spa()} is at ${sha()}`;
    case 3:
    case 8:
    case 5:
      return `Who is ${tha()}? Tell ${sha()}`;
    case 4:
    case 6:
      return `${tha()} is at ${tpa()}`;
    case 7:
      return 'DRARP Error';
    case 9:
      return `${sha()} is at ${spa()}`;
    case 10:
      return 'ARP NAK';
    case 24:
      return `Experimental 1 ( opcode ${v.opcode} )`;
    case 25:
      return `Experimental 2 ( opcode ${v.opcode} )`;
    case 0:
    case 65535:
      return `Reserved opcode ${v.opcode}`;
    default: {
      const m = MARS_INFO[v.opcode];
      if (m) return `${m} from ${sha()} at ${spa()}`;
      return `Unknown ARP opcode 0x${v.opcode.toString(16).padStart(4, '0')}`;
    }
  }
}

/** The Protocol column tshark shows for an opcode (`ARP`, `RARP`, `DRARP`, `Inverse ARP`, `MARS`, `MAPOS`). */
export function arpColumn(opcode: number): string {
  if (opcode === 3 || opcode === 4) return 'RARP';
  if (opcode >= 5 && opcode <= 7) return 'DRARP';
  if (opcode === 8 || opcode === 9) return 'Inverse ARP';
  if (opcode >= 11 && opcode <= 22) return 'MARS';
  if (opcode === 23) return 'MAPOS';
  return 'ARP';
}

/** A MAC address that may be bound to an IPv4 address: not group, not all zero. */
function bindable(mac: string, ip: string): boolean {
  return (parseInt(mac.slice(0, 2), 16) & 1) === 0 && mac !== '00:00:00:00:00:00' && ip !== '0.0.0.0';
}

function duplicatesOf(layer: Layer<ArpValue>): readonly ArpDuplicate[] {
  const d = layer.notes?.['duplicates'];
  return Array.isArray(d) ? (d as ArpDuplicate[]) : [];
}

export const arp = defineProtocol<ArpValue, ArpInput>({
  name: 'arp',
  shortName: 'ARP',
  /**
   * Duplicate address detection across the capture, as tshark does it: an Ethernet/IPv4 request or reply binds its
   * sender (and, for replies, its target) IPv4 address to the MAC address; the same IPv4 address later seen with
   * another MAC address is reported (`... (duplicate use of 10.0.0.1 detected!)`).
   */
  stateful: {
    create: () => new Map<string, ArpSeen>(),
    track(state: Map<string, ArpSeen>, layer, frame) {
      const v = layer.value;
      if ((v.opcode !== 1 && v.opcode !== 2) || typeof v.src_hw !== 'string' || typeof v.src_proto !== 'string') return undefined;
      if (typeof v.dst_hw !== 'string' || typeof v.dst_proto !== 'string') return undefined;
      const secs = (frame as { record?: { tsSec?: number } }).record?.tsSec ?? 0;
      const found: ArpDuplicate[] = [];
      const check = (mac: string, ip: string) => {
        const seen = state.get(ip);
        if (!seen) state.set(ip, { mac, frame: frame.number, secs });
        else if (frame.number > seen.frame) {
          if (seen.mac === mac) {
            seen.frame = frame.number;
            seen.secs = secs;
          } else found.push({ ip, mac, earlierMac: seen.mac, earlierFrame: seen.frame, seconds: secs - seen.secs });
        }
      };
      if (bindable(v.src_hw, v.src_proto)) check(v.src_hw, v.src_proto);
      if (v.opcode !== 1 && bindable(v.dst_hw, v.dst_proto) && !found.some((d) => d.ip === v.dst_proto)) check(v.dst_hw, v.dst_proto);
      return found.length ? { duplicates: found } : undefined;
    },
  },
  table: arpTable,
  bindings: [
    { table: 'ethertype', key: 0x0806 },
    { table: 'ethertype', key: 0x8035 },
  ],
  decode(b, start, end, ctx) {
    const v = makeValue(b, start, end, 0, 0, 0, 0, 0, false, false, false) as unknown as ArpValue;
    const avail = end - start;
    const cut = end === b.length && b.length < ctx.wireLen;
    if (avail < HDR) {
      ctx.problems.push(problem('arp', 'truncated', start, end, `ARP header needs ${HDR} bytes, ${avail} present`, { field: avail < 2 ? 'arp.hw.type' : avail < 4 ? 'arp.proto.type' : avail < 5 ? 'arp.hw.size' : avail < 6 ? 'arp.proto.size' : 'arp.opcode', expected: HDR, actual: avail, limitedBy: cut ? 'frame.cap_len' : 'frame.len' }));
      return { value: v, headerEnd: end, end };
    }
    const hln = v.hw_size;
    const pln = v.proto_size;
    const sha = start + HDR;
    const spa = sha + hln;
    const tha = spa + pln;
    const tpa = tha + hln;
    const total = HDR + 2 * hln + 2 * pln;
    const pduEnd = Math.min(start + total, end);
    const ether = arpHwIsEther(v.hw_type, hln);
    const ipv4 = arpProtoIsIPv4(v.proto_type, pln);
    if (start + total > end) {
      // tshark stops at the first missing byte: no address is shown (nor the Info text), only the fixed header.
      const missing = start + total > end ? (spa > end ? 'arp.src.hw' : tha > end ? 'arp.src.proto' : tpa > end ? 'arp.dst.hw' : 'arp.dst.proto') : undefined;
      ctx.problems.push(problem('arp', 'truncated', start, end, `ARP packet needs ${total} bytes (8 + 2 x ${hln} + 2 x ${pln}), ${avail} present`, { ...(missing ? { field: missing } : {}), expected: total, actual: avail, limitedBy: cut ? 'frame.cap_len' : 'arp.hw.size' }));
      return { value: v, headerEnd: pduEnd, end: pduEnd };
    }
    v.src_hw = ether ? macToString(b, sha) : b.subarray(sha, spa);
    v.src_proto = ipv4 ? ipv4ToString(b, spa) : b.subarray(spa, tha);
    v.dst_hw = ether ? macToString(b, tha) : b.subarray(tha, tpa);
    v.dst_proto = ipv4 ? ipv4ToString(b, tpa) : b.subarray(tpa, tpa + pln);
    // Gratuitous / probe / announcement, as tshark decides them (only where the bytes are there).
    const op = v.opcode;
    if (op === 1 || op === 2) {
      if (sameBytes(b, spa, tpa, pln)) {
        v.gratuitous = true;
        if (op === 1 && tha + 6 <= end && allZero(b, tha, 6)) v.announcement = true;
      } else if (op === 1 && tha + 6 <= end && allZero(b, tha, 6) && spa + 4 <= end && allZero(b, spa, 4)) v.probe = true;
    }
    return { value: v, headerEnd: pduEnd, end: pduEnd };
  },
  tree(layer, ctx) {
    const b = ctx.frame;
    const v = layer.value;
    const s = layer.start;
    const out: FieldNode[] = fixed.nodes(b, s, layer.end, v as unknown as Record<string, unknown>);
    if (layer.end - s < HDR) return out;
    const g = (def: typeof F.isgratuitous, on: boolean) => {
      if (on) out.push({ def, start: s, len: 0, value: true, generated: true, text: `[${def.name}: True]` });
    };
    g(F.isgratuitous, v.gratuitous);
    g(F.isprobe, v.probe);
    g(F.isannouncement, v.announcement);
    const hln = v.hw_size;
    const pln = v.proto_size;
    const ether = arpHwIsEther(v.hw_type, hln);
    const ipv4 = arpProtoIsIPv4(v.proto_type, pln);
    let at = s + HDR;
    const add = (a: ArpAddress | undefined, len: number, mac: typeof F.src_hw, raw: typeof F.src_hw, isText: boolean) => {
      if (len !== 0 && a !== undefined) out.push({ def: isText ? mac : raw, start: at, len, value: a });
      at += len;
    };
    add(v.src_hw, hln, F.src_hw_mac, F.src_hw, ether);
    add(v.src_proto, pln, F.src_proto_ipv4, F.src_proto, ipv4);
    add(v.dst_hw, hln, F.dst_hw_mac, F.dst_hw, ether);
    if (v.opcode === 7 && pln !== 0) {
      if (at + 1 <= layer.end) out.push({ def: F.drarp_error_status, start: at, len: 1, value: b[at]! });
    } else add(v.dst_proto, pln, F.dst_proto_ipv4, F.dst_proto, ipv4);
    // tshark adds the duplicate-address report after the ARP fields.
    for (const d of duplicatesOf(layer)) {
      out.push({
        def: F.duplicate_detected,
        start: s,
        len: 0,
        value: null,
        generated: true,
        text: `[Duplicate IP address detected for ${d.ip} (${d.mac}) - also in use by ${d.earlierMac} (frame ${d.earlierFrame})]`,
        children: [
          { def: F.duplicate_frame, start: s, len: 0, value: d.earlierFrame, generated: true, text: `[Frame showing earlier use of IP address: ${d.earlierFrame}]` },
          { def: F.duplicate_seconds, start: s, len: 0, value: d.seconds, generated: true, text: `[Seconds since earlier frame seen: ${d.seconds}]` },
        ],
      });
    }
    return out;
  },
  label(layer) {
    const v = layer.value;
    if (layer.end - layer.start < HDR + 2 * v.hw_size + 2 * v.proto_size) return 'Address Resolution Protocol';
    return `Address Resolution Protocol (${opLabel(layer.value)})`;
  },
  // tshark names the Protocol column after the operation (packet-arp.c)
  column(layer) {
    return arpColumn(layer.end - layer.start >= 8 ? layer.value.opcode : 0);
  },
  summary(layer) {
    const v = layer.value;
    if (layer.end - layer.start < HDR + 2 * v.hw_size + 2 * v.proto_size) return '';
    const dup = duplicatesOf(layer);
    const last = dup[dup.length - 1];
    return arpInfo(layer.value) + (last ? ` (duplicate use of ${last.ip} detected!)` : '');
  },
  encode(input) {
    const shaB = addressBytes(input.src_hw ?? '00:00:00:00:00:00', 'hw', 'arp.src.hw');
    const spaB = addressBytes(input.src_proto ?? '0.0.0.0', 'proto', 'arp.src.proto');
    const thaB = addressBytes(input.dst_hw ?? '00:00:00:00:00:00', 'hw', 'arp.dst.hw');
    const tpaB = addressBytes(input.dst_proto ?? '0.0.0.0', 'proto', 'arp.dst.proto');
    if (shaB.length !== thaB.length && input.hw_size === undefined) throw new EncodeError('arp.hw.size', `sender and target hardware addresses differ in length (${shaB.length} and ${thaB.length}): set hw_size`);
    if (spaB.length !== tpaB.length && input.proto_size === undefined) throw new EncodeError('arp.proto.size', `sender and target protocol addresses differ in length (${spaB.length} and ${tpaB.length}): set proto_size`);
    const out = new Uint8Array(arpEncodingLength(input));
    fixed.write(out, 0, {
      hw_type: input.hw_type ?? ARPHRD_ETHER,
      proto_type: input.proto_type ?? ETHERTYPE_IP,
      hw_size: input.hw_size ?? shaB.length,
      proto_size: input.proto_size ?? spaB.length,
      opcode: input.opcode ?? 1,
    });
    let at = HDR;
    for (const x of [shaB, spaB, thaB, tpaB]) {
      out.set(x, at);
      at += x.length;
    }
    return out;
  },
  toInput(layer) {
    const v = layer.value;
    const input: ArpInput = { hw_type: v.hw_type, proto_type: v.proto_type, opcode: v.opcode };
    const empty = new Uint8Array(0);
    input.src_hw = v.src_hw ?? empty;
    input.src_proto = v.src_proto ?? empty;
    input.dst_hw = v.dst_hw ?? empty;
    input.dst_proto = v.dst_proto ?? empty;
    const len = (a: ArpAddress, hw: boolean) => (typeof a === 'string' ? (hw ? 6 : 4) : a.length);
    if (len(input.src_hw, true) !== v.hw_size || len(input.dst_hw, true) !== v.hw_size) input.hw_size = v.hw_size;
    if (len(input.src_proto, false) !== v.proto_size || len(input.dst_proto, false) !== v.proto_size) input.proto_size = v.proto_size;
    return input;
  },
});
