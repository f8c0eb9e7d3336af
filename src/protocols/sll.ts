/**
 * Linux "cooked" capture headers: SLL (LINKTYPE_LINUX_SLL 113, 16 bytes) and SLL2 (LINKTYPE_LINUX_SLL2 276,
 * 20 bytes), what libpcap writes when capturing on "any" interface. Both are `sll` in tshark.
 * One field table; the two layouts place the same fields differently (SLL2 adds the interface index).
 */
import { ipv4ToString, macToString } from '../core/addr.js';
import { EncodeError, problem } from '../core/problem.js';
import { readUint, writeUint } from '../fields/compile.js';
import { defineFields } from '../fields/types.js';
import type { FieldDef, FieldNode } from '../fields/types.js';
import { ARPHRD } from './arp.js';
import { GRE_TYPES } from './gre.js';
import { ETHERTYPES, linkTail, linkTailLength, linkTailNodes, onlyDataInside } from './ethernet.js';
import type { LinkTail } from './ethernet.js';
import { defineProtocol } from './types.js';
import type { Binding, DecodeContext, DecodeResult, EncodeContext, Layer, Protocol, TreeContext } from './types.js';

/** Packet types (PACKET_HOST ... PACKET_OUTGOING). */
export const SLL_PKTTYPES: Readonly<Record<number, string>> = {
  0: 'Unicast to us',
  1: 'Broadcast',
  2: 'Multicast',
  3: 'Unicast to another host',
  4: 'Sent by us',
};

/** Linux protocol types (protocol values of 1536 or less). */
export const SLL_LTYPES: Readonly<Record<number, string>> = {
  0x0001: 'Raw 802.3',
  0x0003: 'Ethernet',
  0x0004: '802.2 LLC',
  0x0007: 'PPP (HDLC)',
  0x000c: 'CAN',
  0x000d: 'CAN FD',
  0x0017: 'IrDA LAP',
  0x00f5: 'ISI',
  0x00f6: 'IEEE 802.15.4',
};

/** GRE protocol types (the protocol field when the address type is ARPHRD_IPGRE). */
export const SLL_GRETYPES: Readonly<Record<number, string>> = GRE_TYPES;

export const sllTable = defineFields(
  { abbrev: 'sll', name: 'Linux cooked-mode capture', desc: 'A pseudo link-layer header Linux writes when capturing on any interface: direction, address type and the protocol' },
  {
    pkttype: { abbrev: 'sll.pkttype', name: 'Packet type', type: 'UINT16', base: 'DEC', strings: SLL_PKTTYPES, desc: 'Who the packet was for: us, broadcast, multicast, another host, or sent by us' },
    hatype: { abbrev: 'sll.hatype', name: 'Link-layer address type', type: 'UINT16', base: 'DEC', strings: ARPHRD, desc: 'ARPHRD_ type of the interface (1 Ethernet, 772 loopback, 778 GRE tunnel)' },
    halen: { abbrev: 'sll.halen', name: 'Link-layer address length', type: 'UINT16', base: 'DEC', auto: 'length', desc: 'Length of the sender link-layer address (6 for Ethernet; up to 8 are stored)' },
    src_eth: { abbrev: 'sll.src.eth', name: 'Source', type: 'ETHER', desc: 'Link-layer address of the sender, a 6-byte MAC address' },
    src_ipv4: { abbrev: 'sll.src.ipv4', name: 'Source', type: 'IPv4', desc: 'Link-layer address of the sender, a 4-byte IPv4 address (tunnels)' },
    src_other: { abbrev: 'sll.src.other', name: 'Source', type: 'BYTES', desc: 'Link-layer address of the sender, of another length' },
    unused: { abbrev: 'sll.unused', name: 'Unused', type: 'BYTES', desc: 'The rest of the 8-byte address field' },
    ltype: { abbrev: 'sll.ltype', name: 'Protocol', type: 'UINT16', base: 'HEX', strings: SLL_LTYPES, desc: 'Linux protocol type (1536 or less: 802.2 LLC, raw 802.3, CAN ...)' },
    gretype: { abbrev: 'sll.gretype', name: 'Protocol', type: 'UINT16', base: 'HEX', strings: SLL_GRETYPES, desc: 'GRE protocol type of a packet on a GRE tunnel interface' },
    etype: { abbrev: 'sll.etype', name: 'Protocol', type: 'UINT16', base: 'HEX', strings: ETHERTYPES, auto: 'next', desc: 'EtherType of the payload (0x0800 IPv4, 0x86dd IPv6, 0x0806 ARP)' },
    trailer: { abbrev: 'sll.trailer', name: 'Trailer', type: 'BYTES', desc: 'Bytes after the payload that are not padding' },
    ifindex: { abbrev: 'sll.ifindex', name: 'Interface index', type: 'UINT32', base: 'DEC', desc: 'Index of the interface the packet was seen on (SLL2 only)' },
  },
);

const F = sllTable.fields;
const ARPHRD_IPGRE = 778;
const ARPHRD_NETLINK = 824;
/** Protocol values up to this are Linux protocol types (Linux's own rule, 1536 included). */
const MAX_LTYPE = 1536;

/** Where each field sits in one version of the header: [offset, width]. */
type Layout = Readonly<Record<'pkttype' | 'hatype' | 'halen' | 'addr' | 'protocol' | 'ifindex' | 'reserved', readonly [number, number] | undefined>>;

const V1: Layout = { pkttype: [0, 2], hatype: [2, 2], halen: [4, 2], addr: [6, 8], protocol: [14, 2], ifindex: undefined, reserved: undefined };
const V2: Layout = { protocol: [0, 2], reserved: [2, 2], ifindex: [4, 4], hatype: [8, 2], pkttype: [10, 1], halen: [11, 1], addr: [12, 8] };
/** Tree order of each version, as tshark shows it. */
const ORDER_V1 = ['pkttype', 'hatype', 'halen', 'addr', 'protocol'] as const;
const ORDER_V2 = ['protocol', 'ifindex', 'hatype', 'pkttype', 'halen', 'addr'] as const;

export interface SllValue extends LinkTail {
  version: 1 | 2;
  pkttype: number;
  hatype: number;
  halen: number;
  /** The whole 8-byte address field as captured (the address is its first min(halen, 8) bytes). */
  addr: Uint8Array;
  /** The sender address as text (MAC for 6 bytes, IPv4 for 4, hex otherwise); '' when halen is 0. */
  src: string;
  /** The protocol field: an EtherType, a Linux protocol type (1536 or less) or a GRE protocol type. */
  protocol: number;
  /** SLL2 only. */
  ifindex?: number;
  /** SLL2 only: the reserved 16 bits (0 on the wire normally). */
  reserved?: number;
}

export interface SllInput {
  /** Default 0 (to us). */
  pkttype?: number;
  /** Default 1 (Ethernet). */
  hatype?: number;
  /** Undefined: the address length (at most 8). */
  halen?: number;
  /** MAC text, or raw bytes (up to 8; the field is zero-filled to 8). */
  addr?: string | Uint8Array;
  /** Undefined: from the inner layer's `ethertype` binding. */
  protocol?: number;
  /** SLL2: default 0. */
  ifindex?: number;
  /** SLL2: default 0. */
  reserved?: number;
  padding?: Uint8Array;
  trailer?: Uint8Array;
  /**
   * A netlink capture (hatype 824) hands its whole packet, cooked header included, to the netlink decoder: the
   * header is then part of the payload and nothing is written here.
   */
  inPayload?: boolean;
}

function size(l: Layout): number {
  return l === V1 ? 16 : 20;
}

/** Bytes an SLL (version 1) or SLL2 (version 2) header encodes to around a payload of `payloadLength` bytes. */
export function sllEncodingLength(version: 1 | 2, input: SllInput, payloadLength: number): number {
  if (input.inPayload) return payloadLength;
  return (version === 1 ? 16 : 20) + payloadLength + linkTailLength(input);
}

function addrText(addr: Uint8Array, halen: number): string {
  if (halen === 6) return macToString(addr, 0);
  if (halen === 4) return ipv4ToString(addr, 0);
  const n = Math.min(halen, 8);
  let s = '';
  for (let i = 0; i < n; i++) s += (i ? ':' : '') + addr[i]!.toString(16).padStart(2, '0');
  return s;
}

/** The field that names the protocol value, and what dispatches the payload. */
function protocolKind(hatype: number, protocol: number): { def: FieldDef; next: (Binding | { proto: string })[]; via?: string } {
  if (hatype === ARPHRD_IPGRE) return { def: F.gretype, next: [{ table: 'gre.proto', key: protocol }, { table: 'ethertype', key: protocol }] };
  if (hatype === ARPHRD_NETLINK) return { def: F.ltype, next: [{ proto: 'netlink' }] };
  if (protocol <= MAX_LTYPE) return { def: F.ltype, next: [{ table: 'sll.ltype', key: protocol }] };
  return { def: F.etype, next: [{ table: 'ethertype', key: protocol }], via: 'ethertype' };
}

function sllProtocol(version: 1 | 2, layout: Layout, order: readonly (keyof Layout)[], linktype: number): Protocol<SllValue, SllInput> {
  const HDR = size(layout);
  const at = (k: keyof Layout) => layout[k]!;
  return defineProtocol<SllValue, SllInput>({
    name: 'sll',
    shortName: 'SLL',
    table: sllTable,
    bindings: [{ table: 'linktype', key: linktype }],
    decode(b: Uint8Array, start: number, end: number, ctx: DecodeContext): DecodeResult<SllValue> {
      const get = (k: keyof Layout): number | undefined => {
        const p = layout[k];
        return p && start + p[0] + p[1] <= end ? readUint(b, start + p[0], p[1]) : undefined;
      };
      const a = at('addr');
      const v: SllValue = {
        version,
        pkttype: get('pkttype') ?? 0,
        hatype: get('hatype') ?? 0,
        halen: get('halen') ?? 0,
        addr: b.subarray(Math.min(start + a[0], end), Math.min(start + a[0] + a[1], end)),
        src: '',
        protocol: get('protocol') ?? 0,
      };
      if (layout.ifindex) v.ifindex = get('ifindex') ?? 0;
      if (layout.reserved) v.reserved = get('reserved') ?? 0;
      if (v.addr.length === 8 && v.halen > 0) v.src = addrText(v.addr, v.halen);
      const avail = end - start;
      if (avail < HDR) {
        const missing = order.find((k) => start + at(k)[0] + at(k)[1] > end) ?? 'protocol';
        const field = missing === 'addr' ? 'sll.src.eth' : missing === 'protocol' ? 'sll.etype' : `sll.${missing}`;
        ctx.problems.push(problem('sll', 'truncated', start, end, `Linux cooked header v${version} needs ${HDR} bytes, ${avail} present`, { field, expected: HDR, actual: avail, limitedBy: 'frame.cap_len' }));
        return { value: v, headerEnd: end, end };
      }
      // A netlink capture: tshark hands the whole packet, cooked header included, to the netlink decoder.
      if (v.hatype === ARPHRD_NETLINK) return { value: v, headerEnd: start, end, next: [{ proto: 'netlink' }] };
      const k = protocolKind(v.hatype, v.protocol);
      return { value: v, headerEnd: start + HDR, end, next: k.next, ...(k.via && start + HDR < end ? { via: k.via } : {}) };
    },
    complete(layer, innerEnd, ctx) {
      const v = layer.value;
      if (layer.headerEnd - layer.start < HDR || innerEnd >= layer.end) return v;
      if (protocolKind(v.hatype, v.protocol).def !== F.etype) return v;
      const tail = linkTail(ctx.frame, ctx.wireLen, layer.start, innerEnd, layer.end, 'none');
      return tail.tailAt === undefined ? v : { ...v, ...tail };
    },
    tree(layer: Layer<SllValue>, ctx: TreeContext): FieldNode[] {
      const v = layer.value;
      const s = layer.start;
      const end = layer.headerEnd;
      const out: FieldNode[] = [];
      if (v.hatype === ARPHRD_NETLINK && end === s) return out;
      for (const k of order) {
        const [off, w] = at(k);
        if (k === 'addr') {
          // The address and the unused rest of the 8-byte field, each only if present in the captured bytes.
          const n = Math.min(v.halen, 8);
          if (n > 0 && s + off + n <= end) {
            const def = v.halen === 6 ? F.src_eth : v.halen === 4 ? F.src_ipv4 : F.src_other;
            out.push({ def, start: s + off, len: n, value: def === F.src_other ? ctx.frame.subarray(s + off, s + off + n) : v.src });
          }
          if (n < 8 && s + off + 8 <= end) out.push({ def: F.unused, start: s + off + n, len: 8 - n, value: ctx.frame.subarray(s + off + n, s + off + 8) });
          continue;
        }
        if (s + off + w > end) continue;
        if (k === 'protocol') out.push({ def: protocolKind(v.hatype, v.protocol).def, start: s + off, len: w, value: v.protocol });
        else if (k === 'ifindex') out.push({ def: F.ifindex, start: s + off, len: w, value: v.ifindex ?? 0 });
        else if (k !== 'reserved') out.push({ def: F[k], start: s + off, len: w, value: v[k] });
      }
      out.push(...linkTailNodes(v, F.trailer));
      return out;
    },
    label() {
      return `Linux cooked capture v${version}`;
    },
    summary(layer, ctx) {
      const v = layer.value;
      if (layer.end - layer.start < layout.pkttype![0] + layout.pkttype![1] || (v.hatype === ARPHRD_NETLINK && layer.headerEnd === layer.start)) return '';
      // tshark writes the packet type; any decoder of the payload but `data` replaces it.
      return onlyDataInside(ctx) ? (SLL_PKTTYPES[v.pkttype] ?? `Unknown (${v.pkttype})`) : '';
    },
    encode(input: SllInput, payload: Uint8Array, ctx: EncodeContext): Uint8Array {
      if (input.inPayload) return payload.slice();
      let protocol = input.protocol;
      if (protocol === undefined) {
        const bind = ctx.inner?.proto.bindings?.find((x) => x.table === 'ethertype');
        protocol = bind ? bind.key : 0;
      }
      let addr: Uint8Array;
      if (input.addr === undefined) addr = new Uint8Array(6);
      else if (typeof input.addr === 'string') {
        const hex = input.addr.replace(/[:\-.]/g, '');
        if (!/^([0-9a-fA-F]{2}){0,8}$/.test(hex)) throw new EncodeError('sll.src.eth', `not a link-layer address: ${input.addr}`);
        addr = new Uint8Array(hex.length / 2);
        for (let i = 0; i < addr.length; i++) addr[i] = parseInt(hex.slice(2 * i, 2 * i + 2), 16);
      } else addr = input.addr;
      if (addr.length > 8) throw new EncodeError('sll.src.other', `the address field holds 8 bytes, got ${addr.length}`);
      const padding = input.padding ?? new Uint8Array(0);
      const trailer = input.trailer ?? new Uint8Array(0);
      const out = new Uint8Array(sllEncodingLength(version, input, payload.length));
      const put = (k: keyof Layout, value: number, name: string) => {
        const [off, w] = at(k);
        if (!Number.isInteger(value) || value < 0 || value >= 2 ** (8 * w)) throw new EncodeError(name, `${value} does not fit in ${8 * w} bits`);
        writeUint(out, off, w, value);
      };
      put('pkttype', input.pkttype ?? 0, 'sll.pkttype');
      put('hatype', input.hatype ?? 1, 'sll.hatype');
      put('halen', input.halen ?? addr.length, 'sll.halen');
      put('protocol', protocol, 'sll.etype');
      if (layout.ifindex) put('ifindex', input.ifindex ?? 0, 'sll.ifindex');
      if (layout.reserved) put('reserved', input.reserved ?? 0, 'sll.reserved');
      out.set(addr, at('addr')[0]);
      out.set(payload, HDR);
      out.set(padding, HDR + payload.length);
      out.set(trailer, HDR + payload.length + padding.length);
      return out;
    },
    toInput(layer) {
      const v = layer.value;
      if (v.hatype === ARPHRD_NETLINK && layer.headerEnd === layer.start) return { inPayload: true };
      // The whole 8-byte field is kept when bytes past the address are not zero (or halen is unusual).
      const n = Math.min(v.halen, 8);
      let rest = false;
      for (let i = n; i < v.addr.length; i++) if (v.addr[i] !== 0) rest = true;
      const input: SllInput = {
        pkttype: v.pkttype,
        hatype: v.hatype,
        addr: rest ? v.addr : v.addr.subarray(0, n),
        protocol: v.protocol,
        ...(v.ifindex !== undefined ? { ifindex: v.ifindex } : {}),
        ...(v.reserved ? { reserved: v.reserved } : {}),
        ...(v.padding ? { padding: v.padding } : {}),
        ...(v.trailer ? { trailer: v.trailer } : {}),
      };
      if (rest || v.halen !== n) input.halen = v.halen;
      return input;
    },
  });
}

/** SLL (LINKTYPE_LINUX_SLL 113). */
export const sll = sllProtocol(1, V1, ORDER_V1, 113);
/** SLL2 (LINKTYPE_LINUX_SLL2 276): protocol first, then the interface index. */
export const sll2 = sllProtocol(2, V2, ORDER_V2, 276);
