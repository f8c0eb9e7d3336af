/**
 * Linux netfilter NFLOG (LINKTYPE_NFLOG 239): a 4-byte header (address family, version, resource ID) and
 * type-length-value attributes in host (little-endian) order, each padded to 4 bytes: the packet header (hardware
 * protocol, hook), interfaces, hardware address, prefix, UID/GID, timestamp... and NFULA_PAYLOAD, the logged packet
 * itself, decoded as IPv4 (family 2) or IPv6 (10).
 */
import { EncodeError, problem } from '../core/problem.js';
import { bitPattern } from '../fields/format.js';
import { defineFields } from '../fields/types.js';
import type { FieldDef, FieldNode } from '../fields/types.js';
import { ETHERTYPES } from './ethernet.js';
import { defineProtocol } from './types.js';

export const NFULA: Readonly<Record<number, string>> = {
  0: 'NFULA_UNSPEC', 1: 'NFULA_PACKET_HDR', 2: 'NFULA_MARK', 3: 'NFULA_TIMESTAMP', 4: 'NFULA_IFINDEX_INDEV', 5: 'NFULA_IFINDEX_OUTDEV',
  6: 'NFULA_IFINDEX_PHYSINDEV', 7: 'NFULA_IFINDEX_PHYSOUTDEV', 8: 'NFULA_HWADDR', 9: 'NFULA_PAYLOAD', 10: 'NFULA_PREFIX', 11: 'NFULA_UID',
  12: 'NFULA_SEQ', 13: 'NFULA_SEQ_GLOBAL', 14: 'NFULA_GID', 15: 'NFULA_HWTYPE', 16: 'NFULA_HWHEADER', 17: 'NFULA_HWLEN', 18: 'NFULA_CT',
  19: 'NFULA_CT_INFO', 20: 'NFULA_VLAN', 21: 'NFULA_L2HDR',
};
const FAMILIES: Readonly<Record<number, string>> = { 2: 'IPv4', 10: 'IPv6' };
const HOOKS: Readonly<Record<number, string>> = { 0: 'Pre-routing', 1: 'Local in', 2: 'Forward', 3: 'Local out', 4: 'Post-routing' };

export const nflogTable = defineFields(
  { abbrev: 'nflog', name: 'Linux Netfilter NFLOG', desc: 'A packet logged by a Linux netfilter NFLOG rule, with attributes saying where and when' },
  {
    family: { abbrev: 'nflog.family', name: 'Family', type: 'UINT8', base: 'DEC', strings: FAMILIES, desc: 'Address family of the logged packet (2 IPv4, 10 IPv6)' },
    version: { abbrev: 'nflog.version', name: 'Version', type: 'UINT8', base: 'DEC', desc: 'nfnetlink version (0)' },
    res_id: { abbrev: 'nflog.res_id', name: 'Resource id', type: 'UINT16', base: 'DEC', desc: 'The NFLOG group the rule logged to' },
    tlv: { abbrev: 'nflog.tlv', name: 'TLV', type: 'BYTES', desc: 'One attribute: length, type, value' },
    tlv_length: { abbrev: 'nflog.tlv_length', name: 'Length', type: 'UINT16', base: 'DEC', desc: 'Bytes of the attribute, its 4-byte header included (padding not)' },
    tlv_type: { abbrev: 'nflog.tlv_type', name: 'Type', type: 'UINT16', base: 'DEC', bitmask: 0x7fff, strings: NFULA, desc: 'Which attribute (NFULA_PAYLOAD = 9 holds the packet)' },
    protocol: { abbrev: 'nflog.protocol', name: 'HW protocol', type: 'UINT16', base: 'HEX', strings: ETHERTYPES, desc: 'EtherType of the packet on its link' },
    hook: { abbrev: 'nflog.hook', name: 'Netfilter hook', type: 'UINT8', base: 'DEC', strings: HOOKS, desc: 'Where in netfilter the packet was logged' },
    ifindex_indev: { abbrev: 'nflog.ifindex_indev', name: 'IFINDEX_INDEV', type: 'UINT32', base: 'DEC', desc: 'Interface the packet came in on' },
    ifindex_outdev: { abbrev: 'nflog.ifindex_outdev', name: 'IFINDEX_OUTDEV', type: 'UINT32', base: 'DEC', desc: 'Interface the packet goes out on' },
    ifindex_physindev: { abbrev: 'nflog.ifindex_physindev', name: 'IFINDEX_PHYSINDEV', type: 'UINT32', base: 'DEC', desc: 'Physical input interface (bridges)' },
    ifindex_physoutdev: { abbrev: 'nflog.ifindex_physoutdev', name: 'IFINDEX_PHYSOUTDEV', type: 'UINT32', base: 'DEC', desc: 'Physical output interface (bridges)' },
    prefix: { abbrev: 'nflog.prefix', name: 'Prefix', type: 'STRINGZ', desc: 'The log prefix of the rule' },
    uid: { abbrev: 'nflog.uid', name: 'UID', type: 'INT32', base: 'DEC', desc: 'User ID of the socket that sent the packet' },
    gid: { abbrev: 'nflog.gid', name: 'GID', type: 'INT32', base: 'DEC', desc: 'Group ID of the socket that sent the packet' },
    timestamp: { abbrev: 'nflog.timestamp', name: 'Timestamp', type: 'ABSOLUTE_TIME', desc: 'When the packet was logged' },
    tlv_value: { abbrev: 'nflog.tlv_value', name: 'Value', type: 'BYTES', desc: 'Value of an attribute shown as bytes' },
  },
);

const F = nflogTable.fields;
const U32: Readonly<Record<number, FieldDef>> = { 4: F.ifindex_indev, 5: F.ifindex_outdev, 6: F.ifindex_physindev, 7: F.ifindex_physoutdev };

export interface NflogTlv {
  /** The length field (header included, padding not). */
  length: number;
  /** The type field as on the wire (its top bit is the nested flag). */
  type: number;
  value: Uint8Array;
  /** Padding bytes after the value (to a multiple of 4). */
  pad: Uint8Array;
}

export interface NflogValue {
  family: number;
  version: number;
  resId: number;
  tlvs: NflogTlv[];
  /** Index in `tlvs` of NFULA_PAYLOAD, if any. */
  payload?: number;
}

export interface NflogInput {
  family?: number;
  version?: number;
  resId?: number;
  /** The attributes before the payload (lengths filled when undefined). */
  tlvs?: { type: number; value: Uint8Array; length?: number; pad?: Uint8Array }[];
  /** Attributes after the payload. */
  after?: { type: number; value: Uint8Array; length?: number; pad?: Uint8Array }[];
  /** The payload attribute's length and padding, when they are not the canonical ones. */
  payloadLength?: number;
  payloadPad?: Uint8Array;
  /** No NFULA_PAYLOAD attribute: the payload bytes (if any) are written as they are. */
  noPayloadTlv?: boolean;
}

const pad4 = (n: number) => (4 - (n % 4)) % 4;

export const nflog = defineProtocol<NflogValue, NflogInput>({
  name: 'nflog',
  shortName: 'NFLOG',
  table: nflogTable,
  bindings: [{ table: 'linktype', key: 239 }],
  decode(b, start, end, ctx) {
    const avail = end - start;
    const v: NflogValue = { family: avail > 0 ? b[start]! : 0, version: avail > 1 ? b[start + 1]! : 0, resId: avail > 3 ? (b[start + 2]! << 8) | b[start + 3]! : 0, tlvs: [] };
    if (avail < 4) {
      ctx.problems.push(problem('nflog', 'truncated', start, end, `NFLOG header needs 4 bytes, ${avail} present`, { expected: 4, actual: avail, limitedBy: 'frame.cap_len' }));
      return { value: v, headerEnd: end, end };
    }
    let at = start + 4;
    while (at < end) {
      if (at + 4 > end) {
        ctx.problems.push(problem('nflog', 'truncated', at, end, `TLV header needs 4 bytes, ${end - at} present`, { field: 'nflog.tlv_length', expected: 4, actual: end - at, limitedBy: 'frame.cap_len' }));
        return { value: v, headerEnd: end, end };
      }
      const length = b[at]! | (b[at + 1]! << 8);
      const type = b[at + 2]! | (b[at + 3]! << 8);
      if (length < 4) {
        ctx.problems.push(problem('nflog', 'bad-length', at, at + 2, `TLV length ${length} is less than its 4-byte header`, { field: 'nflog.tlv_length', expected: 4, actual: length }));
        return { value: v, headerEnd: end, end };
      }
      if (at + length > end) {
        ctx.problems.push(problem('nflog', 'truncated', at, end, `TLV of ${length} bytes, ${end - at} present`, { field: 'nflog.tlv_value', expected: length, actual: end - at, limitedBy: 'frame.cap_len' }));
        return { value: v, headerEnd: end, end };
      }
      const padEnd = Math.min(end, at + length + pad4(length));
      v.tlvs.push({ length, type, value: b.subarray(at + 4, at + length), pad: b.subarray(at + length, padEnd) });
      if ((type & 0x7fff) === 9 && v.payload === undefined) {
        v.payload = v.tlvs.length - 1;
        const next = v.family === 2 ? [{ proto: 'ip' }] : v.family === 10 ? [{ proto: 'ipv6' }] : [];
        // the layers after the payload attribute are this layer's (as Ethernet's trailer is Ethernet's)
        let rest = padEnd;
        const after: NflogTlv[] = [];
        while (rest + 4 <= end) {
          const l = b[rest]! | (b[rest + 1]! << 8);
          if (l < 4 || rest + l > end) break;
          const e = Math.min(end, rest + l + pad4(l));
          after.push({ length: l, type: b[rest + 2]! | (b[rest + 3]! << 8), value: b.subarray(rest + 4, rest + l), pad: b.subarray(rest + l, e) });
          rest = e;
        }
        v.tlvs.push(...after);
        if (at + 4 === at + length) return { value: v, headerEnd: at + 4, end };
        return { value: v, headerEnd: at + 4, end, next };
      }
      at = padEnd;
    }
    // The snaplen cut the frame before the payload attribute: tshark runs out of bytes reading the next one.
    if (end === b.length && b.length < ctx.wireLen) ctx.problems.push(problem('nflog', 'truncated', end, end, 'the capture ends before the next attribute', { field: 'nflog.tlv_length', expected: 4, actual: 0, limitedBy: 'frame.cap_len' }));
    return { value: v, headerEnd: end, end };
  },
  // What follows the logged packet (its padding, later attributes) is this layer's own, kept in its value.
  complete(layer) {
    return layer.value;
  },
  tree(layer, ctx) {
    const v = layer.value;
    const s = layer.start;
    const b = ctx.frame;
    const out: FieldNode[] = [];
    if (layer.end - s < 4) return out;
    out.push({ def: F.family, start: s, len: 1, value: v.family }, { def: F.version, start: s + 1, len: 1, value: v.version }, { def: F.res_id, start: s + 2, len: 2, value: v.resId });
    let at = s + 4;
    for (const t of v.tlvs) {
      const kind = t.type & 0x7fff;
      const name = NFULA[kind] ?? 'Unknown';
      const kids: FieldNode[] = [
        { def: F.tlv_length, start: at, len: 2, value: t.length },
        { def: F.tlv_type, start: at + 2, len: 2, value: kind, bitmask: 0x7fff, text: `${bitPattern(0x7fff, 2, t.type)}Type: ${name} (${kind})` },
      ];
      const d = at + 4;
      const val = t.value;
      const u32 = (o: number) => ((val[o]! << 24) | (val[o + 1]! << 16) | (val[o + 2]! << 8) | val[o + 3]!) >>> 0;
      if (kind === 1 && val.length >= 3) {
        kids.push({ def: F.protocol, start: d, len: 2, value: (val[0]! << 8) | val[1]! }, { def: F.hook, start: d + 2, len: 1, value: val[2]! });
      } else if (U32[kind] && val.length >= 4) kids.push({ def: U32[kind]!, start: d, len: 4, value: u32(0) });
      else if ((kind === 11 || kind === 14) && val.length >= 4) kids.push({ def: kind === 11 ? F.uid : F.gid, start: d, len: 4, value: u32(0) | 0 });
      else if (kind === 10) {
        const z = val.indexOf(0);
        kids.push({ def: F.prefix, start: d, len: val.length, value: new TextDecoder().decode(val.subarray(0, z < 0 ? val.length : z)) });
      } else if (kind === 3 && val.length >= 16) {
        const sec = u32(0) * 2 ** 32 + u32(4);
        const usec = u32(8) * 2 ** 32 + u32(12);
        kids.push({ def: F.timestamp, start: d, len: 16, value: `${sec}.${String(usec * 1000).padStart(9, '0')}` });
      } else if (kind !== 9 && val.length > 0) kids.push({ def: F.tlv_value, start: d, len: val.length, value: val });
      out.push({ def: F.tlv, start: at, len: t.length, value: b.subarray(at, at + t.length), text: `TLV Type: ${name} (${kind}), Length: ${t.length}`, children: kids });
      at += t.length + t.pad.length;
    }
    return out;
  },
  label() {
    return 'Linux Netfilter NFLOG';
  },
  encode(input, payload) {
    const pre = input.tlvs ?? [];
    const after = input.after ?? [];
    const norm = (t: { type: number; value: Uint8Array; length?: number; pad?: Uint8Array }) => {
      const length = t.length ?? 4 + t.value.length;
      if (length > 0xffff) throw new EncodeError('nflog.tlv_length', `an attribute holds at most 65535 bytes, got ${length}`);
      return { type: t.type, value: t.value, length, pad: t.pad ?? new Uint8Array(pad4(length)) };
    };
    const list = pre.map(norm);
    if (!input.noPayloadTlv) list.push({ type: 9, value: payload, length: input.payloadLength ?? 4 + payload.length, pad: input.payloadPad ?? new Uint8Array(pad4(4 + payload.length)) });
    list.push(...after.map(norm));
    let size = 4 + (input.noPayloadTlv ? payload.length : 0);
    for (const t of list) size += 4 + t.value.length + t.pad.length;
    const out = new Uint8Array(size);
    out[0] = input.family ?? 2;
    out[1] = input.version ?? 0;
    out[2] = (input.resId ?? 0) >> 8;
    out[3] = (input.resId ?? 0) & 0xff;
    let at = 4;
    for (const t of list) {
      out[at] = t.length & 0xff;
      out[at + 1] = t.length >> 8;
      out[at + 2] = t.type & 0xff;
      out[at + 3] = t.type >> 8;
      out.set(t.value, at + 4);
      out.set(t.pad, at + 4 + t.value.length);
      at += 4 + t.value.length + t.pad.length;
    }
    if (input.noPayloadTlv) out.set(payload, at);
    return out;
  },
  toInput(layer) {
    const v = layer.value;
    const base = { family: v.family, version: v.version, resId: v.resId };
    const keep = (t: NflogTlv) => ({ type: t.type, value: t.value, ...(t.length !== 4 + t.value.length ? { length: t.length } : {}), ...(t.pad.length !== pad4(t.length) || t.pad.some((x) => x) ? { pad: t.pad } : {}) });
    if (v.payload === undefined) return { ...base, tlvs: v.tlvs.map(keep), noPayloadTlv: true };
    const p = v.tlvs[v.payload]!;
    return {
      ...base,
      tlvs: v.tlvs.slice(0, v.payload).map(keep),
      after: v.tlvs.slice(v.payload + 1).map(keep),
      ...(p.length !== 4 + p.value.length ? { payloadLength: p.length } : {}),
      ...(p.pad.length !== pad4(p.length) || p.pad.some((x) => x) ? { payloadPad: p.pad } : {}),
    };
  },
});
