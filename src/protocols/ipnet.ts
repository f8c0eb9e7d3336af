/**
 * Solaris IPNET (LINKTYPE_IPNET 226): a 24-byte header (version, address family, hook type, data length,
 * interface index, group interface index, source and destination zone IDs), then an IPv4 (family 2) or IPv6
 * (family 26) packet. As tshark does, the packet is taken to be the last `data length` bytes of the frame.
 */
import { EncodeError, problem } from '../core/problem.js';
import { defineFields } from '../fields/types.js';
import type { FieldNode } from '../fields/types.js';
import { defineProtocol } from './types.js';

export const ipnetTable = defineFields(
  { abbrev: 'ipnet', name: 'Solaris IPNET', desc: "The header Solaris's ipnet observability devices put before each IP packet" },
  {
    version: { abbrev: 'ipnet.version', name: 'Header version', type: 'UINT8', base: 'DEC', offset: 0, width: 1, desc: 'Header version (1)' },
    family: { abbrev: 'ipnet.family', name: 'Address family', type: 'UINT8', base: 'DEC', strings: { 2: 'Solaris AF_INET', 26: 'Solaris AF_INET6' }, offset: 1, width: 1, auto: 'next', desc: 'IPv4 (2) or IPv6 (26)' },
    htype: { abbrev: 'ipnet.htype', name: 'Hook type', type: 'UINT16', base: 'DEC', strings: { 0: 'Inbound', 1: 'Outbound', 2: 'Local' }, offset: 2, width: 2, desc: 'Where the packet was observed: inbound, outbound, or local (between zones)' },
    pktlen: { abbrev: 'ipnet.pktlen', name: 'Data length', type: 'UINT32', base: 'DEC', offset: 4, width: 4, auto: 'length', desc: 'Bytes of the IP packet' },
    ifindex: { abbrev: 'ipnet.ifindex', name: 'Interface index', type: 'UINT32', base: 'DEC', offset: 8, width: 4, desc: 'Interface the packet was seen on' },
    grifindex: { abbrev: 'ipnet.grifindex', name: 'Group interface index', type: 'UINT32', base: 'DEC', offset: 12, width: 4, desc: 'IPMP group interface, if any' },
    zsrc: { abbrev: 'ipnet.zsrc', name: 'Source Zone ID', type: 'UINT32', base: 'DEC', offset: 16, width: 4, desc: 'Zone that sent the packet (0xffffffff: unknown)' },
    zdst: { abbrev: 'ipnet.zdst', name: 'Destination Zone ID', type: 'UINT32', base: 'DEC', offset: 20, width: 4, desc: 'Zone the packet is for' },
  },
);

const F = ipnetTable.fields;
const HDR = 24;
const KEYS = ['version', 'family', 'htype', 'pktlen', 'ifindex', 'grifindex', 'zsrc', 'zdst'] as const;

export interface IpnetValue {
  version: number;
  family: number;
  htype: number;
  pktlen: number;
  ifindex: number;
  grifindex: number;
  zsrc: number;
  zdst: number;
  /** Bytes between the header and the packet (when the frame holds more than 24 + data length bytes). */
  gap?: Uint8Array;
}

export type IpnetInput = Partial<Omit<IpnetValue, 'gap'>> & { gap?: Uint8Array };

export const ipnet = defineProtocol<IpnetValue, IpnetInput>({
  name: 'ipnet',
  shortName: 'IPNET',
  table: ipnetTable,
  bindings: [{ table: 'linktype', key: 226 }],
  decode(b, start, end, ctx) {
    const v = { version: 0, family: 0, htype: 0, pktlen: 0, ifindex: 0, grifindex: 0, zsrc: 0, zdst: 0 } as IpnetValue;
    const u = (o: number, w: number) => (w === 1 ? b[start + o]! : w === 2 ? (b[start + o]! << 8) | b[start + o + 1]! : ((b[start + o]! << 24) | (b[start + o + 1]! << 16) | (b[start + o + 2]! << 8) | b[start + o + 3]!) >>> 0);
    for (const k of KEYS) {
      const d = F[k];
      if (start + d.offset! + d.width! <= end) v[k] = u(d.offset!, d.width!);
    }
    if (end - start < HDR) {
      ctx.problems.push(problem('ipnet', 'truncated', start, end, `IPNET header needs ${HDR} bytes, ${end - start} present`, { expected: HDR, actual: end - start, limitedBy: 'frame.cap_len' }));
      return { value: v, headerEnd: end, end };
    }
    // tshark takes the last `data length` captured bytes as the packet
    const from = end - v.pktlen;
    if (from < start + HDR) {
      ctx.problems.push(problem('ipnet', 'bad-length', start + 4, start + 8, `data length ${v.pktlen} is more than the ${end - start - HDR} bytes after the header`, { field: 'ipnet.pktlen', expected: end - start - HDR, actual: v.pktlen }));
      return { value: v, headerEnd: start + HDR, end };
    }
    if (from > start + HDR) v.gap = b.subarray(start + HDR, from);
    const next = v.family === 2 ? [{ proto: 'ip' }] : v.family === 26 ? [{ proto: 'ipv6' }] : [];
    return { value: v, headerEnd: from, end, next };
  },
  tree(layer) {
    const v = layer.value;
    const out: FieldNode[] = [];
    for (const k of KEYS) {
      const d = F[k];
      if (layer.start + d.offset! + d.width! <= layer.headerEnd) out.push({ def: d, start: layer.start + d.offset!, len: d.width!, value: v[k] });
    }
    return out;
  },
  summary(layer, ctx) {
    const next = ctx.layers[ctx.index + 1];
    return !next || next.proto.name === 'data' ? 'Solaris IPNET' : '';
  },
  encode(input, payload, ctx) {
    const inner = ctx.inner?.proto.name;
    const family = input.family ?? (inner === 'ipv6' ? 26 : 2);
    const gap = input.gap ?? new Uint8Array(0);
    const vals: Record<(typeof KEYS)[number], number> = {
      version: input.version ?? 1,
      family,
      htype: input.htype ?? 0,
      pktlen: input.pktlen ?? payload.length,
      ifindex: input.ifindex ?? 0,
      grifindex: input.grifindex ?? 0,
      zsrc: input.zsrc ?? 0,
      zdst: input.zdst ?? 0,
    };
    const out = new Uint8Array(HDR + gap.length + payload.length);
    const dv = new DataView(out.buffer);
    for (const k of KEYS) {
      const d = F[k];
      const val = vals[k];
      if (!Number.isInteger(val) || val < 0 || val >= 2 ** (8 * d.width!)) throw new EncodeError(d.abbrev, `${val} does not fit in ${8 * d.width!} bits`);
      if (d.width === 1) out[d.offset!] = val;
      else if (d.width === 2) dv.setUint16(d.offset!, val);
      else dv.setUint32(d.offset!, val);
    }
    out.set(gap, HDR);
    out.set(payload, HDR + gap.length);
    return out;
  },
  toInput(layer) {
    const { gap, ...rest } = layer.value;
    return { ...rest, ...(gap ? { gap } : {}) };
  },
});
