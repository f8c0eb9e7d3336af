/**
 * GRE, Generic Routing Encapsulation (RFC 2784, RFC 2890 key and sequence number, RFC 1701 routing; RFC 2637
 * "enhanced GRE" version 1 of PPTP): IP protocol 47. Flags say which optional fields follow the protocol type
 * (checksum and offset, key, sequence number, acknowledgment number, source route entries); the protocol type,
 * an EtherType, says what the payload is: IPv4, IPv6, ARP, Ethernet (0x6558), PPP (0x880b), ERSPAN (0x88be,
 * 0x22eb), MPLS...
 */
import { onesSum } from '../core/checksum.js';
import { EncodeError, problem } from '../core/problem.js';
import { defineFields } from '../fields/types.js';
import type { FieldNode } from '../fields/types.js';
import { onlyDataInside } from './ethernet.js';
import { defineProtocol } from './types.js';
import type { Binding } from './types.js';

/** GRE protocol type names (tshark 4.0's gre_typevals; EtherTypes mostly). */
export const GRE_TYPES: Readonly<Record<number, string>> = {
  0x0000: 'Possible GRE keepalive packet',
  0x00fe: 'OSI',
  0x0800: 'IP',
  0x0806: 'ARP',
  0x2000: 'CDP (Cisco)',
  0x2001: 'NHRP',
  0x22eb: 'ERSPAN III',
  0x6400: 'MIKROTIK EoIP',
  0x6558: 'Transparent Ethernet bridging',
  0x6559: 'Frame Relay',
  0x86dd: 'IPv6',
  0x880b: 'PPP',
  0x8137: 'IPX',
  0x883e: 'WCCP',
  0x8847: 'MPLS label switched packet',
  0x8881: 'CDMA2000 A10 Unstructured byte stream',
  0x888e: '802.1X Authentication',
  0x88be: 'ERSPAN',
  0x88d2: 'CDMA2000 A10 3GPP2 Packet',
  0x8909: 'CiscoMetaData',
  0x894f: 'Network Service Header',
  0x9000: 'ARUBA WLAN',
  0xb7ea: 'Huawei GRE bonding',
  0xfeae: 'AIROHIVE AP AP',
};

const YES_NO: readonly [string, string] = ['Yes', 'No'];

export const greTable = defineFields(
  { abbrev: 'gre', name: 'Generic Routing Encapsulation', desc: 'A tunnel: a packet of any protocol carried inside IP, behind a short header naming its protocol' },
  {
    flags_and_version: { abbrev: 'gre.flags_and_version', name: 'Flags and Version', type: 'UINT16', base: 'HEX', offset: 0, width: 2, desc: 'Which optional fields are present, and the GRE version (0, or 1 for PPTP)' },
    checksum_bit: { abbrev: 'gre.flags.checksum', name: 'Checksum Bit', type: 'BOOLEAN', bitmask: 0x8000, tfs: YES_NO, offset: 0, width: 2, desc: 'C: the checksum (and offset) fields are present' },
    routing_bit: { abbrev: 'gre.flags.routing', name: 'Routing Bit', type: 'BOOLEAN', bitmask: 0x4000, tfs: YES_NO, offset: 0, width: 2, desc: 'R: source route entries follow (RFC 1701, deprecated)' },
    key_bit: { abbrev: 'gre.flags.key', name: 'Key Bit', type: 'BOOLEAN', bitmask: 0x2000, tfs: YES_NO, offset: 0, width: 2, desc: 'K: a 4-byte key follows, identifying a flow within the tunnel (RFC 2890)' },
    sequence_bit: { abbrev: 'gre.flags.sequence_number', name: 'Sequence Number Bit', type: 'BOOLEAN', bitmask: 0x1000, tfs: YES_NO, offset: 0, width: 2, desc: 'S: a 4-byte sequence number follows (RFC 2890)' },
    strict_bit: { abbrev: 'gre.flags.strict_source_route', name: 'Strict Source Route Bit', type: 'BOOLEAN', bitmask: 0x0800, tfs: YES_NO, offset: 0, width: 2, desc: 'Strict source routing (RFC 1701, deprecated)' },
    recursion: { abbrev: 'gre.flags.recursion_control', name: 'Recursion control', type: 'UINT16', base: 'DEC', bitmask: 0x0700, offset: 0, width: 2, desc: 'Additional encapsulations allowed (RFC 1701, deprecated)' },
    ack_bit: { abbrev: 'gre.flags.ack', name: 'Acknowledgment', type: 'BOOLEAN', bitmask: 0x0080, tfs: YES_NO, desc: 'A: an acknowledgment number follows (enhanced GRE, version 1)' },
    reserved: { abbrev: 'gre.flags.reserved', name: 'Flags (Reserved)', type: 'UINT16', base: 'DEC', bitmask: 0x00f8, desc: 'Reserved flag bits, zero' },
    reserved_ppp: { abbrev: 'gre.flags.reserved', name: 'Flags (Reserved)', type: 'UINT16', base: 'DEC', bitmask: 0x0078, desc: 'Reserved flag bits, zero' },
    version: { abbrev: 'gre.flags.version', name: 'Version', type: 'UINT16', base: 'DEC', bitmask: 0x0007, strings: { 0: 'GRE', 1: 'Enhanced GRE' }, offset: 0, width: 2, desc: 'GRE version: 0 (RFC 2784), 1 (enhanced GRE of PPTP, RFC 2637)' },
    proto: { abbrev: 'gre.proto', name: 'Protocol Type', type: 'UINT16', base: 'HEX', strings: GRE_TYPES, offset: 2, width: 2, auto: 'next', desc: 'EtherType of the payload (0x0800 IPv4, 0x6558 Ethernet, 0x88be ERSPAN)' },
    checksum: { abbrev: 'gre.checksum', name: 'Checksum', type: 'UINT16', base: 'HEX', auto: 'checksum', desc: "One's-complement checksum of the GRE header and payload (when C is set)" },
    checksum_status: { abbrev: 'gre.checksum.status', name: 'Checksum Status', type: 'UINT8', base: 'NONE', strings: { 0: 'Bad', 1: 'Good', 2: 'Unverified' }, desc: 'Whether the checksum is right' },
    offset: { abbrev: 'gre.offset', name: 'Offset', type: 'UINT16', base: 'DEC', desc: 'Where the active source route entry starts (with R)' },
    key: { abbrev: 'gre.key', name: 'Key', type: 'UINT32', base: 'HEX', desc: 'Identifies a flow within the tunnel (RFC 2890)' },
    key_payload_length: { abbrev: 'gre.key.payload_length', name: 'Payload Length', type: 'UINT16', base: 'DEC', desc: 'Enhanced GRE: size of the payload, not counting the GRE header' },
    key_call_id: { abbrev: 'gre.key.call_id', name: 'Call ID', type: 'UINT16', base: 'DEC', desc: "Enhanced GRE: the peer's Call ID of the PPTP session" },
    sequence_number: { abbrev: 'gre.sequence_number', name: 'Sequence Number', type: 'UINT32', base: 'DEC', desc: 'Counts the packets of the flow, to detect loss and reordering' },
    ack_number: { abbrev: 'gre.ack_number', name: 'Acknowledgment Number', type: 'UINT32', base: 'DEC', desc: 'Enhanced GRE: highest sequence number received from the peer' },
    routing: { abbrev: 'gre.routing', name: 'Routing', type: 'NONE', desc: 'A source route entry (RFC 1701)' },
    routing_af: { abbrev: 'gre.routing.address_family', name: 'Address Family', type: 'UINT16', base: 'DEC', desc: 'Syntax of the routing information of the entry' },
    routing_sre_offset: { abbrev: 'gre.routing.sre_offset', name: 'SRE Offset', type: 'UINT8', base: 'DEC', desc: 'Where the active entry starts' },
    routing_sre_length: { abbrev: 'gre.routing.src_length', name: 'SRE Length', type: 'UINT8', base: 'DEC', desc: 'Bytes of routing information in the entry (0 with address family 0 ends the list)' },
    routing_information: { abbrev: 'gre.routing.information', name: 'Routing Information', type: 'BYTES', desc: 'The route entry itself' },
  },
);

const F = greTable.fields;
const C = 0x8000;
const R = 0x4000;
const K = 0x2000;
const S = 0x1000;
const A = 0x0080;

/** A source route entry: address family, offset, the information bytes. */
export interface GreSre {
  af: number;
  offset: number;
  info: Uint8Array;
  /** The SRE length field when it differs from the information captured (an entry cut short). */
  length?: number;
}

export interface GreValue {
  flags: number;
  proto: number;
  checksum?: number;
  offset?: number;
  key?: number;
  seq?: number;
  ack?: number;
  /** Source route entries, the terminating one (family 0, length 0) included when present. */
  routes?: GreSre[];
  checksumStatus?: 'good' | 'bad' | 'unchecked';
  checksumCalculated?: number;
}

export interface GreInput {
  /** Flags and version. Undefined: from the fields given (C with checksum, K with key, S with seq, A with ack). */
  flags?: number;
  /** Undefined: the inner layer's `gre.proto` or `ethertype` binding. */
  proto?: number;
  /** With the C flag: undefined = computed over the header and payload. */
  checksum?: number;
  offset?: number;
  key?: number;
  seq?: number;
  ack?: number;
  routes?: GreSre[];
}

/** Version 1 (enhanced GRE of PPTP): the key holds a payload length and a call ID, and an ack may follow. */
function enhanced(flags: number): boolean {
  return (flags & 7) === 1;
}

/** GRE protocol types whose payload tshark hands to the decoder of the same EtherType. */
const VIA_ETHERTYPE = new Set([0x0800, 0x86dd, 0x0806]);

/** What decodes the payload of a GRE packet of protocol type `proto`. */
export function greNext(proto: number): (Binding | { proto: string })[] {
  const out: (Binding | { proto: string })[] = [{ table: 'gre.proto', key: proto }];
  if (proto === 0x6558) out.push({ proto: 'eth' });
  if (VIA_ETHERTYPE.has(proto)) out.push({ table: 'ethertype', key: proto });
  return out;
}

function typeName(proto: number): string {
  return GRE_TYPES[proto] ?? `0x${proto.toString(16).toUpperCase().padStart(4, '0')} - unknown`;
}

function greLength(v: { flags: number; routes?: readonly GreSre[] }): number {
  let n = 4;
  if (v.flags & (C | R)) n += 4;
  if (v.flags & K) n += 4;
  if (v.flags & S) n += 4;
  if (enhanced(v.flags) && v.flags & A) n += 4;
  for (const r of v.routes ?? []) n += 4 + r.info.length;
  return n;
}

export const gre = defineProtocol<GreValue, GreInput>({
  name: 'gre',
  shortName: 'GRE',
  table: greTable,
  bindings: [{ table: 'ip.proto', key: 47 }],
  decode(b, start, end, ctx) {
    const avail = end - start;
    const v: GreValue = { flags: avail >= 2 ? (b[start]! << 8) | b[start + 1]! : 0, proto: avail >= 4 ? (b[start + 2]! << 8) | b[start + 3]! : 0 };
    const cut = (at: number, need: number, field: string) => {
      ctx.problems.push(problem('gre', 'truncated', start, end, `GRE header needs ${need} bytes, ${avail} present`, { field, expected: need, actual: avail, limitedBy: 'ip.len' }));
      return { value: v, headerEnd: end, end };
    };
    if (avail < 4) return cut(start, 4, avail < 2 ? 'gre.flags_and_version' : 'gre.proto');
    let at = start + 4;
    const u16 = (o: number) => (b[o]! << 8) | b[o + 1]!;
    const u32 = (o: number) => ((b[o]! << 24) | (b[o + 1]! << 16) | (b[o + 2]! << 8) | b[o + 3]!) >>> 0;
    if (v.flags & (C | R)) {
      if (at + 2 > end) return cut(at, at + 4 - start, 'gre.checksum');
      v.checksum = u16(at);
      if (at + 4 > end) return cut(at, at + 4 - start, 'gre.offset');
      v.offset = u16(at + 2);
      at += 4;
    }
    if (v.flags & K) {
      if (at + 4 > end) return cut(at, at + 4 - start, 'gre.key');
      v.key = u32(at);
      at += 4;
    }
    if (v.flags & S) {
      if (at + 4 > end) return cut(at, at + 4 - start, 'gre.sequence_number');
      v.seq = u32(at);
      at += 4;
    }
    if (enhanced(v.flags) && v.flags & A) {
      if (at + 4 > end) return cut(at, at + 4 - start, 'gre.ack_number');
      v.ack = u32(at);
      at += 4;
    }
    if (v.flags & R) {
      v.routes = [];
      for (;;) {
        if (at + 4 > end) return cut(at, at + 4 - start, 'gre.routing.address_family');
        const sre: GreSre = { af: u16(at), offset: b[at + 2]!, info: b.subarray(at + 4, at + 4) };
        const len = b[at + 3]!;
        at += 4;
        if (sre.af === 0 && len === 0) {
          v.routes.push(sre);
          break;
        }
        if (at + len > end) {
          // The entry's header is there (tshark shows it), its information is cut.
          v.routes.push({ ...sre, info: b.subarray(at, end), length: len });
          return cut(at, at + len - start, 'gre.routing.information');
        }
        sre.info = b.subarray(at, at + len);
        v.routes.push(sre);
        at += len;
      }
    }
    if (v.flags & C) {
      // Verified only when the whole packet was captured (tshark: not on a snaplen-cut frame).
      const cutFrame = end === b.length && b.length < ctx.wireLen;
      if (cutFrame || ctx.inError) v.checksumStatus = 'unchecked';
      else {
        const sum = onesSum(b, start, end);
        v.checksumStatus = sum === 0xffff ? 'good' : 'bad';
        const calc = ~onesSum(b, start + 6, end, onesSum(b, start, start + 4)) & 0xffff;
        v.checksumCalculated = calc;
        if (v.checksumStatus === 'bad') ctx.problems.push(problem('gre', 'bad-checksum', start + 4, start + 6, `checksum 0x${v.checksum!.toString(16).padStart(4, '0')} is wrong, should be 0x${calc.toString(16).padStart(4, '0')}`, { field: 'gre.checksum', expected: calc, actual: v.checksum! }));
      }
    }
    // Without the S bit, a packet may have no payload at all (a keepalive): nothing is handed on.
    if (at >= end && !(v.flags & S)) return { value: v, headerEnd: at, end };
    return { value: v, headerEnd: at, end, next: greNext(v.proto) };
  },
  tree(layer, ctx) {
    const v = layer.value;
    const s = layer.start;
    const hEnd = layer.headerEnd;
    const out: FieldNode[] = [];
    if (hEnd - s < 2) return out;
    const fl = v.flags;
    const bit = (def: (typeof F)[keyof typeof F], mask: number): FieldNode => ({ def, start: s, len: 2, value: def.type === 'BOOLEAN' ? (fl & mask) !== 0 : (fl & mask) >>> Math.log2(mask & -mask), bitmask: mask });
    const kids: FieldNode[] = [bit(F.checksum_bit, C), bit(F.routing_bit, R), bit(F.key_bit, K), bit(F.sequence_bit, S), bit(F.strict_bit, 0x0800), bit(F.recursion, 0x0700)];
    if (enhanced(fl)) kids.push(bit(F.ack_bit, A), bit(F.reserved_ppp, 0x0078));
    else kids.push(bit(F.reserved, 0x00f8));
    kids.push(bit(F.version, 0x0007));
    out.push({ def: F.flags_and_version, start: s, len: 2, value: fl, children: kids });
    if (hEnd - s < 4) return out;
    out.push({ def: F.proto, start: s + 2, len: 2, value: v.proto, text: `Protocol Type: ${GRE_TYPES[v.proto] ?? 'Unknown'} (0x${v.proto.toString(16).padStart(4, '0')})` });
    let at = s + 4;
    if (v.checksum !== undefined) {
      const hex = `0x${v.checksum.toString(16).padStart(4, '0')}`;
      const st = v.checksumStatus === 'good' ? 1 : v.checksumStatus === 'bad' ? 0 : 2;
      const text = st === 1 ? `Checksum: ${hex} [correct]` : st === 0 ? `Checksum: ${hex} incorrect, should be 0x${(v.checksumCalculated ?? 0).toString(16).padStart(4, '0')}` : `Checksum: ${hex} [unverified]`;
      out.push({ def: F.checksum, start: at, len: 2, value: v.checksum, text });
      out.push({ def: F.checksum_status, start: at, len: 0, value: st, generated: true, text: `[Checksum Status: ${F.checksum_status.strings![st]}]` });
    }
    if (v.offset !== undefined) out.push({ def: F.offset, start: at + 2, len: 2, value: v.offset });
    if (v.checksum !== undefined) at += 4;
    if (v.key !== undefined) {
      if (enhanced(fl)) {
        out.push({ def: F.key_payload_length, start: at, len: 2, value: v.key >>> 16 });
        out.push({ def: F.key_call_id, start: at + 2, len: 2, value: v.key & 0xffff });
      } else out.push({ def: F.key, start: at, len: 4, value: v.key });
      at += 4;
    }
    if (v.seq !== undefined) {
      out.push({ def: F.sequence_number, start: at, len: 4, value: v.seq });
      at += 4;
    }
    if (v.ack !== undefined) {
      out.push({ def: F.ack_number, start: at, len: 4, value: v.ack });
      at += 4;
    }
    for (const r of v.routes ?? []) {
      // tshark puts the entry's fields beside the Routing item, not under it.
      out.push({ def: F.routing, start: at, len: 4 + r.info.length, value: null });
      out.push({ def: F.routing_af, start: at, len: 2, value: r.af });
      out.push({ def: F.routing_sre_offset, start: at + 2, len: 1, value: r.offset });
      out.push({ def: F.routing_sre_length, start: at + 3, len: 1, value: r.length ?? r.info.length });
      if ((r.af !== 0 || r.info.length) && r.length === undefined) out.push({ def: F.routing_information, start: at + 4, len: r.info.length, value: r.info });
      at += 4 + r.info.length;
    }
    void ctx;
    return out;
  },
  label(layer) {
    if (layer.headerEnd - layer.start < 4) return 'Generic Routing Encapsulation';
    return `Generic Routing Encapsulation (${typeName(layer.value.proto)})`;
  },
  summary(layer, ctx) {
    if (layer.headerEnd - layer.start < 4) return '';
    const t = GRE_TYPES[layer.value.proto] ?? `0x${layer.value.proto.toString(16).toUpperCase().padStart(4, '0')} (unknown)`;
    return onlyDataInside(ctx) ? `Encapsulated ${t}` : '';
  },
  encode(input, payload, ctx) {
    let proto = input.proto;
    if (proto === undefined) {
      const binds = ctx.inner?.proto.bindings ?? [];
      proto = binds.find((x) => x.table === 'gre.proto')?.key ?? binds.find((x) => x.table === 'ethertype')?.key ?? (ctx.inner?.proto.name === 'eth' ? 0x6558 : 0);
    }
    let flags = input.flags;
    if (flags === undefined) {
      flags = 0;
      if (input.checksum !== undefined) flags |= C;
      if (input.routes !== undefined) flags |= R;
      if (input.key !== undefined) flags |= K;
      if (input.seq !== undefined) flags |= S;
      if (input.ack !== undefined) flags |= A | 1;
    }
    for (const [name, val, bits] of [
      ['gre.flags_and_version', flags, 16],
      ['gre.proto', proto, 16],
      ['gre.checksum', input.checksum ?? 0, 16],
      ['gre.offset', input.offset ?? 0, 16],
      ['gre.key', input.key ?? 0, 32],
      ['gre.sequence_number', input.seq ?? 0, 32],
      ['gre.ack_number', input.ack ?? 0, 32],
    ] as const) {
      if (!Number.isInteger(val) || val < 0 || val >= 2 ** bits) throw new EncodeError(name, `${val} does not fit in ${bits} bits`);
    }
    const routes = flags & R ? (input.routes ?? [{ af: 0, offset: 0, info: new Uint8Array(0) }]) : [];
    for (const r of routes) if (r.info.length > 255) throw new EncodeError('gre.routing.src_length', `a route entry holds at most 255 bytes, got ${r.info.length}`);
    const hdr = greLength({ flags, routes });
    const out = new Uint8Array(hdr + payload.length);
    const dv = new DataView(out.buffer);
    dv.setUint16(0, flags);
    dv.setUint16(2, proto);
    let at = 4;
    let csumAt = -1;
    if (flags & (C | R)) {
      csumAt = at;
      dv.setUint16(at, input.checksum ?? 0);
      dv.setUint16(at + 2, input.offset ?? 0);
      at += 4;
    }
    if (flags & K) {
      dv.setUint32(at, input.key ?? 0);
      at += 4;
    }
    if (flags & S) {
      dv.setUint32(at, input.seq ?? 0);
      at += 4;
    }
    if (enhanced(flags) && flags & A) {
      dv.setUint32(at, input.ack ?? 0);
      at += 4;
    }
    for (const r of routes) {
      dv.setUint16(at, r.af);
      out[at + 2] = r.offset;
      out[at + 3] = r.info.length;
      out.set(r.info, at + 4);
      at += 4 + r.info.length;
    }
    out.set(payload, hdr);
    if (flags & C && input.checksum === undefined && csumAt >= 0) dv.setUint16(csumAt, ~onesSum(out, 0, out.length) & 0xffff);
    return out;
  },
  toInput(layer, frame) {
    const v = layer.value;
    const input: GreInput = { flags: v.flags, proto: v.proto };
    if (v.checksum !== undefined) {
      // A checksum that was right is recomputed after a change; any other is kept as it was.
      if (!(v.flags & C) || v.checksumStatus !== 'good') input.checksum = v.checksum;
    }
    if (v.offset !== undefined) input.offset = v.offset;
    if (v.key !== undefined) input.key = v.key;
    if (v.seq !== undefined) input.seq = v.seq;
    if (v.ack !== undefined) input.ack = v.ack;
    if (v.routes) input.routes = v.routes;
    void frame;
    return input;
  },
});
