/**
 * IP over InfiniBand (LINKTYPE_IPOIB 242, RFC 4391): a 40-byte pseudo-header (the InfiniBand global route header,
 * or, for unicast, only the destination address: queue pair number and GID) then the 4-byte IPoIB header, an
 * EtherType and a reserved word. Only IPv4, IPv6 and ARP/RARP payloads are handed on, as tshark does: any other
 * type leaves the rest in the IPoIB layer.
 */
import { ipv6ToString } from '../core/addr.js';
import { EncodeError, problem } from '../core/problem.js';
import { defineFields } from '../fields/types.js';
import type { FieldNode } from '../fields/types.js';
import { ETHERTYPES } from './ethernet.js';
import { defineProtocol } from './types.js';

export const ipoibTable = defineFields(
  { abbrev: 'ipoib', name: 'IP over Infiniband', desc: 'IP packets carried over an InfiniBand fabric, behind its global route header and a 4-byte type field' },
  {
    daddr: { abbrev: 'ipoib.daddr', name: 'Destination address', type: 'NONE', desc: 'The destination of a unicast packet: queue pair and GID' },
    daddr_qpn: { abbrev: 'ipoib.daddr.qpn', name: 'Destination QPN', type: 'UINT24', base: 'HEX', desc: 'Destination queue pair number' },
    dgid: { abbrev: 'ipoib.dgid', name: 'Destination GID', type: 'IPv6', desc: 'Destination global identifier (an IPv6-formatted address)' },
    grh: { abbrev: 'ipoib.grh', name: 'Global Route Header', type: 'NONE', desc: 'The InfiniBand global route header (multicast packets)' },
    grh_ipver: { abbrev: 'ipoib.grh.ipver', name: 'IP Version', type: 'UINT8', base: 'DEC', bitmask: 0xf0, desc: 'Version of the global route header (6)' },
    grh_tclass: { abbrev: 'ipoib.grh.tclass', name: 'Traffic Class', type: 'UINT16', base: 'DEC', bitmask: 0x0ff0, desc: 'Traffic class' },
    grh_flowlabel: { abbrev: 'ipoib.grh.flowlabel', name: 'Flow Label', type: 'UINT32', base: 'DEC', bitmask: 0x000fffff, desc: 'Flow label' },
    grh_sqpn: { abbrev: 'ipoib.grh.sqpn', name: 'Source QPN', type: 'UINT24', base: 'HEX', desc: 'Source queue pair number' },
    grh_sgid: { abbrev: 'ipoib.grh.sgid', name: 'Source GID', type: 'IPv6', desc: 'Source global identifier' },
    type: { abbrev: 'ipoib.type', name: 'Type', type: 'UINT16', base: 'HEX', strings: ETHERTYPES, auto: 'next', desc: 'EtherType of the payload (IPv4, IPv6, ARP)' },
    reserved: { abbrev: 'ipoib.reserved', name: 'Reserved', type: 'UINT16', base: 'HEX', desc: 'Reserved, zero' },
  },
);

const F = ipoibTable.fields;
const GRH = 40;
const HDR = GRH + 4;
const NEXT: Readonly<Record<number, string>> = { 0x0800: 'ip', 0x86dd: 'ipv6', 0x0806: 'arp', 0x8035: 'arp' };

export interface IpoibValue {
  /** The 40-byte pseudo-header as captured. */
  grh: Uint8Array;
  type: number;
  reserved: number;
  /** The payload of a type that is not handed on (kept in this layer, as tshark shows no data for it). */
  rest?: Uint8Array;
}

export interface IpoibInput {
  /** Default 40 zero bytes. */
  grh?: Uint8Array;
  /** Undefined: the inner layer's EtherType. */
  type?: number;
  reserved?: number;
  rest?: Uint8Array;
}

export const ipoib = defineProtocol<IpoibValue, IpoibInput>({
  name: 'ipoib',
  shortName: 'IPoIB',
  table: ipoibTable,
  bindings: [{ table: 'linktype', key: 242 }],
  decode(b, start, end, ctx) {
    const avail = end - start;
    const v: IpoibValue = { grh: b.subarray(start, Math.min(end, start + GRH)), type: avail >= GRH + 2 ? (b[start + GRH]! << 8) | b[start + GRH + 1]! : 0, reserved: avail >= HDR ? (b[start + GRH + 2]! << 8) | b[start + GRH + 3]! : 0 };
    if (avail < HDR) {
      ctx.problems.push(problem('ipoib', 'truncated', start, end, `IPoIB pseudo-header and header need ${HDR} bytes, ${avail} present`, { field: avail < GRH ? 'ipoib.dgid' : 'ipoib.type', expected: HDR, actual: avail, limitedBy: 'frame.cap_len' }));
      return { value: v, headerEnd: end, end };
    }
    const name = NEXT[v.type];
    if (!name) {
      if (start + HDR < end) v.rest = b.subarray(start + HDR, end);
      return { value: v, headerEnd: end, end };
    }
    return { value: v, headerEnd: start + HDR, end, next: [{ proto: name }] };
  },
  tree(layer) {
    const v = layer.value;
    const s = layer.start;
    const out: FieldNode[] = [];
    const g = v.grh;
    if (g.length >= GRH) {
      if (g[0] === 0 && g[1] === 0) {
        out.push({ def: F.daddr, start: s + 20, len: 20, value: null, children: [
          { def: F.daddr_qpn, start: s + 21, len: 3, value: (g[21]! << 16) | (g[22]! << 8) | g[23]! },
          { def: F.dgid, start: s + 24, len: 16, value: ipv6ToString(g, 24) },
        ] });
      } else {
        const w = ((g[0]! << 24) | (g[1]! << 16) | (g[2]! << 8) | g[3]!) >>> 0;
        out.push({ def: F.grh, start: s, len: 40, value: null, children: [
          { def: F.grh_ipver, start: s, len: 1, value: g[0]! >> 4, bitmask: 0xf0 },
          { def: F.grh_tclass, start: s, len: 2, value: (((g[0]! << 8) | g[1]!) & 0x0ff0) >> 4, bitmask: 0x0ff0 },
          { def: F.grh_flowlabel, start: s, len: 4, value: w & 0xfffff, bitmask: 0x000fffff },
          { def: F.grh_sqpn, start: s + 5, len: 3, value: (g[5]! << 16) | (g[6]! << 8) | g[7]! },
          { def: F.grh_sgid, start: s + 8, len: 16, value: ipv6ToString(g, 8) },
          { def: F.dgid, start: s + 24, len: 16, value: ipv6ToString(g, 24) },
        ] });
      }
    }
    if (layer.headerEnd - s >= GRH + 2) out.push({ def: F.type, start: s + GRH, len: 2, value: v.type });
    if (layer.headerEnd - s >= HDR) out.push({ def: F.reserved, start: s + GRH + 2, len: 2, value: v.reserved });
    return out;
  },
  summary(layer, ctx) {
    const next = ctx.layers[ctx.index + 1];
    return !next || next.proto.name === 'data' ? 'IP over Infiniband' : '';
  },
  encode(input, payload, ctx) {
    const type = input.type ?? ctx.inner?.proto.bindings?.find((x) => x.table === 'ethertype')?.key ?? 0;
    const grh = input.grh ?? new Uint8Array(GRH);
    if (grh.length !== GRH) throw new EncodeError('ipoib.grh', `the pseudo-header is ${GRH} bytes, got ${grh.length}`);
    const reserved = input.reserved ?? 0;
    if (!Number.isInteger(type) || type < 0 || type > 0xffff) throw new EncodeError('ipoib.type', `${type} does not fit in 16 bits`);
    if (!Number.isInteger(reserved) || reserved < 0 || reserved > 0xffff) throw new EncodeError('ipoib.reserved', `${reserved} does not fit in 16 bits`);
    const rest = input.rest ?? new Uint8Array(0);
    const out = new Uint8Array(HDR + rest.length + payload.length);
    out.set(grh, 0);
    out[GRH] = type >> 8;
    out[GRH + 1] = type & 0xff;
    out[GRH + 2] = reserved >> 8;
    out[GRH + 3] = reserved & 0xff;
    out.set(rest, HDR);
    out.set(payload, HDR + rest.length);
    return out;
  },
  toInput(layer) {
    const v = layer.value;
    return { grh: v.grh, type: v.type, reserved: v.reserved, ...(v.rest ? { rest: v.rest } : {}) };
  },
});
