/**
 * PPP, the Point-to-Point Protocol (RFC 1661): a protocol number naming the payload (0x0021 IPv4, 0x0057 IPv6,
 * 0xc021 LCP ...), 2 bytes, or 1 when compressed (an odd first byte, RFC 1661 section 6.5). In HDLC-like framing
 * (RFC 1662: link type 9, PPTP's GRE 0x880b) an address (0xff) and control (0x03) byte come first, unless they were
 * compressed away; PPPoE (RFC 2516) carries the protocol number alone.
 */
import { EncodeError, problem } from '../core/problem.js';
import { defineFields } from '../fields/types.js';
import type { FieldNode } from '../fields/types.js';
import { defineProtocol } from './types.js';
import type { Binding } from './types.js';

/** PPP protocol numbers, as tshark names them (ppp_vals, the common ones). */
export const PPP_PROTOCOLS: Readonly<Record<number, string>> = {
  0x0001: 'Padding Protocol',
  0x0021: 'Internet Protocol version 4',
  0x0023: 'OSI Network Layer',
  0x002b: 'Novell IPX',
  0x002d: 'Van Jacobson Compressed TCP/IP',
  0x002f: 'Van Jacobson Uncompressed TCP/IP',
  0x0031: 'Bridging PDU',
  0x003d: 'PPP Multilink Protocol',
  0x0049: 'Serial Data Transport Protocol (PPP-SDTP)',
  0x004b: 'SNA over 802.2',
  0x0057: 'Internet Protocol version 6',
  0x00fd: 'PPP Compressed Datagram',
  0x0201: '802.1d Hello Packets',
  0x0281: 'MPLS Unicast',
  0x0283: 'MPLS Multicast',
  0x4021: 'Stacker LZS Compressed Datagram',
  0x8021: 'Internet Protocol Control Protocol',
  0x8023: 'OSI Network Layer Control Protocol',
  0x8031: 'Bridging NCP',
  0x803d: 'Multi-Link Control Protocol',
  0x8057: 'IPv6 Control Protocol',
  0x80fd: 'Compression Control Protocol',
  0x8281: 'MPLS Control Protocol',
  0xc021: 'Link Control Protocol',
  0xc023: 'Password Authentication Protocol',
  0xc025: 'Link Quality Report',
  0xc029: 'Callback Control Protocol (CBCP)',
  0xc223: 'Challenge Handshake Authentication Protocol',
  0xc227: 'Extensible Authentication Protocol',
};

export const pppTable = defineFields(
  { abbrev: 'ppp', name: 'Point-to-Point Protocol', desc: 'The link layer of a point-to-point link (dial-up, DSL over PPPoE, PPTP tunnels): a protocol number names the payload' },
  {
    address: { abbrev: 'ppp.address', name: 'Address', type: 'UINT8', base: 'HEX', desc: 'HDLC-like framing: always 0xff (all stations)' },
    control: { abbrev: 'ppp.control', name: 'Control', type: 'UINT8', base: 'HEX', desc: 'HDLC-like framing: always 0x03 (unnumbered information)' },
    protocol: { abbrev: 'ppp.protocol', name: 'Protocol', type: 'UINT16', base: 'HEX', strings: PPP_PROTOCOLS, auto: 'next', desc: 'What the payload is (0x0021 IPv4, 0x0057 IPv6, 0xc021 LCP, 0x8021 IPCP)' },
  },
);

const F = pppTable.fields;

export interface PppValue {
  /** HDLC-like framing: the address and control bytes (absent when compressed away, or under PPPoE). */
  address?: number;
  control?: number;
  protocol: number;
  /** Bytes of the protocol field: 2, or 1 when compressed. */
  protocolLength: 1 | 2;
}

export interface PppInput {
  /** Written only when given (HDLC-like framing): 0xff. */
  address?: number;
  control?: number;
  /** Undefined: the inner layer's binding (IPv4 0x0021, IPv6 0x0057). */
  protocol?: number;
  /** 1: a compressed (1-byte) protocol field. Default 2. */
  protocolLength?: 1 | 2;
}

/** PPP protocol numbers of the protocols wirelens decodes, mapped to their EtherType. */
const AS_ETHERTYPE: Readonly<Record<number, number>> = { 0x0021: 0x0800, 0x0057: 0x86dd, 0x0281: 0x8847, 0x0283: 0x8848 };
const FROM_ETHERTYPE: Readonly<Record<number, number>> = { 0x0800: 0x0021, 0x86dd: 0x0057, 0x8847: 0x0281, 0x8848: 0x0283 };

function pppNext(protocol: number): (Binding | { proto: string })[] {
  const out: (Binding | { proto: string })[] = [{ table: 'ppp.protocol', key: protocol }];
  const et = AS_ETHERTYPE[protocol];
  if (et !== undefined) out.push({ table: 'ethertype', key: et });
  return out;
}

export const ppp = defineProtocol<PppValue, PppInput>({
  name: 'ppp',
  shortName: 'PPP',
  table: pppTable,
  // LINKTYPE_PPP (9), LINKTYPE_PPP_HDLC (50), PPTP's GRE protocol 0x880b.
  bindings: [
    { table: 'linktype', key: 9 },
    { table: 'linktype', key: 50 },
    { table: 'gre.proto', key: 0x880b },
  ],
  decode(b, start, end, ctx) {
    const v: PppValue = { protocol: 0, protocolLength: 2 };
    let at = start;
    // PPPoE carries no address and control; elsewhere they are there unless compressed away (not 0xff 0x03).
    const outer = ctx.layers[ctx.layers.length - 1];
    const hdlc = !outer || outer.proto.name !== 'pppoes';
    // tshark: a first byte of 0xff is the address, and a control byte follows (whatever its value).
    if (hdlc && at < end && b[at] === 0xff) {
      if (at + 2 > end) {
        ctx.problems.push(problem('ppp', 'truncated', start, end, 'PPP control byte missing after the address', { field: 'ppp.control', expected: 2, actual: end - start, limitedBy: 'frame.cap_len' }));
        return { value: v, headerEnd: end, end };
      }
      v.address = 0xff;
      v.control = b[at + 1]!;
      at += 2;
    }
    if (at >= end || (b[at]! & 1) === 0 && at + 2 > end) {
      ctx.problems.push(problem('ppp', 'truncated', start, end, `PPP protocol field needs ${at >= end ? 1 : 2} byte(s) more, ${end - at} present`, { field: 'ppp.protocol', expected: at - start + 2, actual: end - start, limitedBy: outer?.proto.name === 'pppoes' ? 'pppoe.payload_length' : 'frame.cap_len' }));
      return { value: v, headerEnd: end, end };
    }
    if (b[at]! & 1) {
      v.protocol = b[at]!;
      v.protocolLength = 1;
      at += 1;
    } else {
      v.protocol = (b[at]! << 8) | b[at + 1]!;
      at += 2;
    }
    return { value: v, headerEnd: at, end, next: pppNext(v.protocol) };
  },
  tree(layer) {
    const v = layer.value;
    let at = layer.start;
    const out: FieldNode[] = [];
    if (v.address !== undefined) {
      out.push({ def: F.address, start: at, len: 1, value: v.address });
      out.push({ def: F.control, start: at + 1, len: 1, value: v.control ?? 0 });
      at += 2;
    }
    if (layer.headerEnd - at >= v.protocolLength) {
      out.push({ def: F.protocol, start: at, len: v.protocolLength, value: v.protocol, text: `Protocol: ${PPP_PROTOCOLS[v.protocol] ?? 'Unknown'} (0x${v.protocol.toString(16).padStart(4, '0')})` });
    }
    return out;
  },
  label() {
    return 'Point-to-Point Protocol';
  },
  encode(input, payload, ctx) {
    let protocol = input.protocol;
    if (protocol === undefined) {
      const binds = ctx.inner?.proto.bindings ?? [];
      protocol = binds.find((x) => x.table === 'ppp.protocol')?.key ?? FROM_ETHERTYPE[binds.find((x) => x.table === 'ethertype')?.key ?? -1] ?? 0;
    }
    const plen = input.protocolLength ?? 2;
    if (!Number.isInteger(protocol) || protocol < 0 || protocol > (plen === 1 ? 0xff : 0xffff)) throw new EncodeError('ppp.protocol', `${protocol} does not fit in ${plen} byte(s)`);
    const hdlc = input.address !== undefined || input.control !== undefined;
    const head = (hdlc ? 2 : 0) + plen;
    const out = new Uint8Array(head + payload.length);
    if (hdlc) {
      out[0] = input.address ?? 0xff;
      out[1] = input.control ?? 0x03;
    }
    if (plen === 1) out[head - 1] = protocol;
    else {
      out[head - 2] = protocol >> 8;
      out[head - 1] = protocol & 0xff;
    }
    out.set(payload, head);
    return out;
  },
  toInput(layer) {
    const v = layer.value;
    return { ...(v.address !== undefined ? { address: v.address, control: v.control ?? 0x03 } : {}), protocol: v.protocol, ...(v.protocolLength === 1 ? { protocolLength: 1 as const } : {}) };
  },
});
