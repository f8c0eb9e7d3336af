/** IPv4 (RFC 791): every header field, options, checksum with its status. */
import { ipv4ToString, parseIPv4 } from '../core/addr.js';
import { internetChecksum, onesSum } from '../core/checksum.js';
import { EncodeError, problem } from '../core/problem.js';
import { compileHeader } from '../fields/compile.js';
import { defineFields } from '../fields/types.js';
import type { FieldNode } from '../fields/types.js';
import { defineProtocol } from './types.js';

/** IP protocol numbers, as tshark names them (`Protocol: UDP (17)`). Shared with IPv6 next headers. */
export const IP_PROTOCOLS: Readonly<Record<number, string>> = {
  0: 'IPv6 Hop-by-Hop Option',
  1: 'ICMP',
  2: 'IGMP',
  4: 'IPIP',
  6: 'TCP',
  17: 'UDP',
  41: 'IPv6',
  43: 'Routing Header for IPv6',
  44: 'Fragment Header for IPv6',
  47: 'Generic Routing Encapsulation',
  50: 'Encap Security Payload',
  51: 'Authentication Header',
  58: 'ICMPv6',
  59: 'IPv6 No Next Header',
  60: 'Destination Options for IPv6',
  89: 'OSPF IGP',
  103: 'PIM',
  112: 'Virtual Router Redundancy Protocol',
  132: 'SCTP',
  135: 'Mobility Header',
  136: 'UDPLite',
  137: 'MPLS in IP',
  139: 'Host Identity Protocol',
  140: 'Shim6 Protocol',
};

export const DSCP_NAMES: Readonly<Record<number, string>> = {
  0: 'Default', 8: 'Class Selector 1', 10: 'Assured Forwarding 11', 12: 'Assured Forwarding 12', 14: 'Assured Forwarding 13',
  16: 'Class Selector 2', 18: 'Assured Forwarding 21', 20: 'Assured Forwarding 22', 22: 'Assured Forwarding 23',
  24: 'Class Selector 3', 26: 'Assured Forwarding 31', 28: 'Assured Forwarding 32', 30: 'Assured Forwarding 33',
  32: 'Class Selector 4', 34: 'Assured Forwarding 41', 36: 'Assured Forwarding 42', 38: 'Assured Forwarding 43',
  40: 'Class Selector 5', 44: 'Voice Admit', 46: 'Expedited Forwarding', 48: 'Class Selector 6', 56: 'Class Selector 7', 1: 'Lower Effort',
};

export const ECN_NAMES: Readonly<Record<number, string>> = {
  0: 'Not-ECT', 1: 'ECT(1)', 2: 'ECT(0)', 3: 'CE',
};

export const IPOPT_NAMES: Readonly<Record<number, string>> = {
  0: 'End of Options List (EOL)', 1: 'No-Operation (NOP)', 7: 'Record Route', 68: 'Time Stamp', 130: 'Security',
  131: 'Loose Source Route', 133: 'Extended Security', 136: 'Stream ID', 137: 'Strict Source Route',
  148: 'Router Alert', 25: 'Quick-Start', 82: 'Traceroute', 11: 'MTU Probe', 12: 'MTU Reply', 134: 'Commercial IP Security Option',
};

const SET: readonly [string, string] = ['Set', 'Not set'];

export const ipTable = defineFields(
  { abbrev: 'ip', name: 'Internet Protocol Version 4', desc: 'The network layer: carries a datagram from its source host to its destination host across routers' },
  {
    version: { abbrev: 'ip.version', name: 'Version', type: 'UINT8', base: 'DEC', bitmask: 0xf0, offset: 0, width: 1, desc: 'IP version: 4 for IPv4' },
    hdr_len: { abbrev: 'ip.hdr_len', name: 'Header Length', type: 'UINT8', base: 'DEC', bitmask: 0x0f, offset: 0, width: 1, scale: 4, unit: ' bytes', auto: 'length', desc: 'Header length in 32-bit words (5 = 20 bytes, more when options follow)' },
    dsfield: { abbrev: 'ip.dsfield', name: 'Differentiated Services Field', type: 'UINT8', base: 'HEX', offset: 1, width: 1, desc: 'Quality-of-service marking (formerly Type of Service)' },
    dscp: { abbrev: 'ip.dsfield.dscp', name: 'Differentiated Services Codepoint', type: 'UINT8', base: 'DEC', bitmask: 0xfc, offset: 1, width: 1, strings: DSCP_NAMES, desc: 'DSCP: the forwarding class routers should give the datagram' },
    ecn: { abbrev: 'ip.dsfield.ecn', name: 'Explicit Congestion Notification', type: 'UINT8', base: 'DEC', bitmask: 0x03, offset: 1, width: 1, strings: ECN_NAMES, desc: 'ECN: lets routers signal congestion without dropping the datagram' },
    len: { abbrev: 'ip.len', name: 'Total Length', type: 'UINT16', base: 'DEC', offset: 2, width: 2, auto: 'length', desc: 'Length of the whole datagram, header and data, in bytes' },
    id: { abbrev: 'ip.id', name: 'Identification', type: 'UINT16', base: 'HEX_DEC', offset: 4, width: 2, desc: 'Identifies the fragments of one datagram so the receiver can reassemble them' },
    flags: { abbrev: 'ip.flags', name: 'Flags', type: 'UINT8', base: 'HEX', bitmask: 0xe0, offset: 6, width: 1, desc: 'Fragmentation control flags' },
    rb: { abbrev: 'ip.flags.rb', name: 'Reserved bit', type: 'BOOLEAN', bitmask: 0x80, offset: 6, width: 1, tfs: SET, desc: 'Reserved, must be zero (the "evil bit" of RFC 3514)' },
    df: { abbrev: 'ip.flags.df', name: "Don't fragment", type: 'BOOLEAN', bitmask: 0x40, offset: 6, width: 1, tfs: SET, desc: "Don't Fragment: routers must drop rather than fragment (used by path MTU discovery)" },
    mf: { abbrev: 'ip.flags.mf', name: 'More fragments', type: 'BOOLEAN', bitmask: 0x20, offset: 6, width: 1, tfs: SET, desc: 'More Fragments: set on every fragment but the last' },
    frag_offset: { abbrev: 'ip.frag_offset', name: 'Fragment Offset', type: 'UINT16', base: 'DEC', bitmask: 0x1fff, offset: 6, width: 2, desc: 'Where this fragment belongs in the original datagram, in units of 8 bytes' },
    ttl: { abbrev: 'ip.ttl', name: 'Time to Live', type: 'UINT8', base: 'DEC', offset: 8, width: 1, desc: 'Time to Live: hops left before a router drops the datagram' },
    proto: { abbrev: 'ip.proto', name: 'Protocol', type: 'UINT8', base: 'DEC', strings: IP_PROTOCOLS, offset: 9, width: 1, auto: 'next', desc: 'Which protocol the data carries (1 ICMP, 6 TCP, 17 UDP)' },
    checksum: { abbrev: 'ip.checksum', name: 'Header Checksum', type: 'UINT16', base: 'HEX', offset: 10, width: 2, auto: 'checksum', desc: "One's-complement checksum of the header only; routers recompute it as the TTL changes" },
    checksum_calculated: { abbrev: 'ip.checksum_calculated', name: 'Calculated Checksum', type: 'UINT16', base: 'HEX', desc: 'The checksum the header should carry' },
    checksum_status: { abbrev: 'ip.checksum.status', name: 'Header checksum status', type: 'UINT8', base: 'NONE', strings: { 0: 'Bad', 1: 'Good', 2: 'Unverified', 3: 'Not present', 4: 'Illegal' }, desc: 'Whether the header checksum is right' },
    src: { abbrev: 'ip.src', name: 'Source Address', type: 'IPv4', offset: 12, width: 4, desc: 'Address of the host that sent the datagram' },
    dst: { abbrev: 'ip.dst', name: 'Destination Address', type: 'IPv4', offset: 16, width: 4, desc: 'Address of the host the datagram is for' },
    addr: { abbrev: 'ip.addr', name: 'Source or Destination Address', type: 'IPv4', desc: 'Either address (for filters: ip.addr == 10.0.0.1)' },
    src_host: { abbrev: 'ip.src_host', name: 'Source Host', type: 'STRING', desc: 'Source address as a host name (never resolved by wirelens)' },
    dst_host: { abbrev: 'ip.dst_host', name: 'Destination Host', type: 'STRING', desc: 'Destination address as a host name' },
    host: { abbrev: 'ip.host', name: 'Source or Destination Host', type: 'STRING', desc: 'Either host name' },
    opt_type: { abbrev: 'ip.opt.type', name: 'Type', type: 'UINT8', base: 'DEC', strings: IPOPT_NAMES, desc: 'Option type: copy flag, class and number' },
    opt_copy: { abbrev: 'ip.opt.type.copy', name: 'Copy on fragmentation', type: 'BOOLEAN', bitmask: 0x80, tfs: ['Yes', 'No'], desc: 'Copy the option into every fragment' },
    opt_class: { abbrev: 'ip.opt.type.class', name: 'Class', type: 'UINT8', base: 'DEC', bitmask: 0x60, strings: { 0: 'Control', 1: 'Reserved for future use', 2: 'Debugging and measurement', 3: 'Reserved for future use' }, desc: 'Option class' },
    opt_number: { abbrev: 'ip.opt.type.number', name: 'Number', type: 'UINT8', base: 'DEC', bitmask: 0x1f, desc: 'Option number' },
    opt_len: { abbrev: 'ip.opt.len', name: 'Length', type: 'UINT8', base: 'DEC', desc: 'Length of the option, type and length bytes included' },
    opt_ptr: { abbrev: 'ip.opt.ptr', name: 'Pointer', type: 'UINT8', base: 'DEC', desc: 'Where the next address or time stamp goes, from the option start (1-based)' },
    opt_ra: { abbrev: 'ip.opt.ra', name: 'Router Alert', type: 'UINT16', base: 'DEC', strings: { 0: 'Router shall examine packet' }, desc: 'Routers on the path should look at this datagram (RFC 2113)' },
    rec_rt: { abbrev: 'ip.rec_rt', name: 'Recorded Route', type: 'IPv4', desc: 'An address recorded by a router on the path' },
    empty_rt: { abbrev: 'ip.empty_rt', name: 'Empty Route', type: 'IPv4', desc: 'A slot for a route address not yet filled' },
    src_rt: { abbrev: 'ip.src_rt', name: 'Source Route', type: 'IPv4', desc: 'An address of the source route' },
    opt_overflow: { abbrev: 'ip.opt.overflow', name: 'Overflow', type: 'UINT8', base: 'DEC', bitmask: 0xf0, desc: 'Routers that could not add a time stamp for lack of room' },
    opt_flag: { abbrev: 'ip.opt.flag', name: 'Flag', type: 'UINT8', base: 'HEX', bitmask: 0x0f, strings: { 0: 'Time stamps only', 1: 'Time stamp and address', 3: 'Time stamps for prespecified addresses' }, desc: 'What each time stamp entry holds' },
    opt_time_stamp: { abbrev: 'ip.opt.time_stamp', name: 'Time stamp', type: 'UINT32', base: 'DEC', desc: 'Milliseconds since midnight UT' },
    opt_time_stamp_addr: { abbrev: 'ip.opt.time_stamp_addr', name: 'Address', type: 'IPv4', desc: 'Router that added the time stamp' },
    opt_sec_cl: { abbrev: 'ip.opt.sec_cl', name: 'Classification Level', type: 'UINT8', base: 'HEX', desc: 'RFC 1108 security classification' },
    opt_padding: { abbrev: 'ip.opt.padding', name: 'Padding', type: 'BYTES', desc: 'Option bytes after the end-of-options marker' },
  },
);

const fixed = compileHeader(ipTable);
const F = ipTable.fields;

export type IPv4Option =
  | { kind: 'eol' }
  | { kind: 'nop' }
  /** Any option with a length byte: type, the length byte as on the wire, and its data. */
  | { kind: 'tlv'; type: number; len?: number; data: Uint8Array };

export interface IPv4Value {
  version: number;
  hdr_len: number;
  dsfield: number;
  dscp: number;
  ecn: number;
  len: number;
  id: number;
  flags: number;
  rb: boolean;
  df: boolean;
  mf: boolean;
  frag_offset: number;
  ttl: number;
  proto: number;
  checksum: number;
  src: string;
  dst: string;
  options: IPv4Option[];
  /** Bytes after an EOL option up to the header end. */
  optPadding?: Uint8Array;
  /** Checksum verification: good, bad, or not checked (header not captured whole). */
  checksumStatus: 'good' | 'bad' | 'unchecked';
  /** The checksum the header should carry. */
  checksumCalculated?: number;
}

export interface IPv4Input {
  version?: number;
  hdr_len?: number;
  dscp?: number;
  ecn?: number;
  len?: number;
  id?: number;
  rb?: boolean;
  df?: boolean;
  mf?: boolean;
  frag_offset?: number;
  ttl?: number;
  proto?: number;
  checksum?: number;
  src?: string;
  dst?: string;
  options?: IPv4Option[];
  optPadding?: Uint8Array;
}

function parseOptions(b: Uint8Array, start: number, end: number, v: IPv4Value, problems: import('../core/problem.js').Problem[]): void {
  let i = start;
  while (i < end) {
    const t = b[i]!;
    if (t === 0) {
      v.options.push({ kind: 'eol' });
      i++;
      if (i < end) v.optPadding = b.subarray(i, end);
      return;
    }
    if (t === 1) {
      v.options.push({ kind: 'nop' });
      i++;
      continue;
    }
    if (i + 1 >= end) {
      problems.push(problem('ip', 'truncated', i, end, `IPv4 option ${t} has no length byte`, { field: 'ip.opt.len', limitedBy: 'ip.hdr_len' }));
      v.options.push({ kind: 'tlv', type: t, data: b.subarray(i + 1, end) });
      return;
    }
    const len = b[i + 1]!;
    if (len < 2 || i + len > end) {
      problems.push(
        problem('ip', 'bad-length', i + 1, i + 2, `IPv4 option ${t} length ${len} ${len < 2 ? 'is less than 2' : 'goes past the end of the header'}`, {
          field: 'ip.opt.len',
          actual: len,
          limitedBy: 'ip.hdr_len',
        }),
      );
      v.options.push({ kind: 'tlv', type: t, len, data: b.subarray(i + 2, end) });
      return;
    }
    v.options.push({ kind: 'tlv', type: t, data: b.subarray(i + 2, i + len) });
    i += len;
  }
}

function optionNodes(b: Uint8Array, start: number, v: IPv4Value): FieldNode[] {
  const nodes: FieldNode[] = [];
  let i = start;
  for (const o of v.options) {
    const type = o.kind === 'eol' ? 0 : o.kind === 'nop' ? 1 : o.type;
    const len = o.kind === 'tlv' ? 2 + o.data.length : 1;
    const typeNode: FieldNode = {
      def: F.opt_type,
      start: i,
      len: 1,
      value: type,
      children: [
        { def: F.opt_copy, start: i, len: 1, value: (type & 0x80) !== 0, bitmask: 0x80 },
        { def: F.opt_class, start: i, len: 1, value: (type >> 5) & 3, bitmask: 0x60 },
        { def: F.opt_number, start: i, len: 1, value: type & 0x1f, bitmask: 0x1f },
      ],
    };
    const children: FieldNode[] = [typeNode];
    if (o.kind === 'tlv') {
      children.push({ def: F.opt_len, start: i + 1, len: 1, value: o.len ?? len });
      const d = i + 2;
      if (type === 148 && o.data.length >= 2) children.push({ def: F.opt_ra, start: d, len: 2, value: (o.data[0]! << 8) | o.data[1]! });
      if ((type === 7 || type === 131 || type === 137) && o.data.length >= 1) {
        const ptr = o.data[0]!;
        children.push({ def: F.opt_ptr, start: d, len: 1, value: ptr });
        for (let a = 1; a + 4 <= o.data.length; a += 4) {
          const used = a + 3 < ptr - 1; // slots before the pointer are filled
          const def = type === 7 ? (used ? F.rec_rt : F.empty_rt) : F.src_rt;
          children.push({ def, start: d + a, len: 4, value: ipv4ToString(o.data, a) });
        }
      }
      if (type === 68 && o.data.length >= 2) {
        children.push({ def: F.opt_ptr, start: d, len: 1, value: o.data[0]! });
        children.push({ def: F.opt_overflow, start: d + 1, len: 1, value: o.data[1]! >> 4, bitmask: 0xf0 });
        children.push({ def: F.opt_flag, start: d + 1, len: 1, value: o.data[1]! & 0xf, bitmask: 0x0f });
        const withAddr = (o.data[1]! & 0xf) !== 0;
        for (let a = 2; a + (withAddr ? 8 : 4) <= o.data.length; a += withAddr ? 8 : 4) {
          if (withAddr) children.push({ def: F.opt_time_stamp_addr, start: d + a, len: 4, value: ipv4ToString(o.data, a) });
          const ts = a + (withAddr ? 4 : 0);
          const n = ((o.data[ts]! << 24) | (o.data[ts + 1]! << 16) | (o.data[ts + 2]! << 8) | o.data[ts + 3]!) >>> 0;
          children.push({ def: F.opt_time_stamp, start: d + ts, len: 4, value: n });
        }
      }
      if (type === 130 && o.data.length >= 1) children.push({ def: F.opt_sec_cl, start: d, len: 1, value: o.data[0]! });
    }
    const name = IPOPT_NAMES[type] ?? `Unknown (0x${type.toString(16).padStart(2, '0')})`;
    nodes.push({
      def: ipTable.proto,
      start: i,
      len,
      value: null,
      text: o.kind === 'tlv' ? `IP Option - ${name} (${len} bytes)` : `IP Option - ${name}`,
      children,
    });
    i += len;
  }
  if (v.optPadding) nodes.push({ def: F.opt_padding, start: i, len: v.optPadding.length, value: v.optPadding });
  return nodes;
}

function optionsLength(opts: readonly IPv4Option[], pad?: Uint8Array): number {
  let n = 0;
  for (const o of opts) n += o.kind === 'tlv' ? 2 + o.data.length : 1;
  return n + (pad?.length ?? 0);
}

export const ipv4 = defineProtocol<IPv4Value, IPv4Input>({
  name: 'ip',
  shortName: 'IPv4',
  table: ipTable,
  bindings: [
    { table: 'ethertype', key: 0x0800 },
    { table: 'linktype', key: 228 },
    { table: 'ip.proto', key: 4 },
    { table: 'null.family', key: 2 },
  ],
  decode(b, start, end, ctx) {
    const v = { options: [], checksumStatus: 'unchecked' } as unknown as IPv4Value;
    const avail = end - start;
    if (avail < 20) {
      fixed.read(b, start, end, v as unknown as Record<string, unknown>);
      v.options = [];
      v.checksumStatus = 'unchecked';
      ctx.problems.push(problem('ip', 'truncated', start, end, `IPv4 header needs 20 bytes, ${avail} present`, { expected: 20, actual: avail, limitedBy: ctx.layers.length ? `${ctx.layers[ctx.layers.length - 1]!.proto.name} payload` : 'frame.cap_len' }));
      return { value: v, headerEnd: end, end };
    }
    fixed.read(b, start, end, v as unknown as Record<string, unknown>);
    v.options = [];
    const hl = v.hdr_len;
    if (v.version !== 4) {
      ctx.problems.push(problem('ip', 'bad-value', start, start + 1, `IPv4 version field is ${v.version}, not 4`, { field: 'ip.version', expected: 4, actual: v.version }));
    }
    if (hl < 20) {
      ctx.problems.push(problem('ip', 'bad-length', start, start + 1, `header length ${hl} bytes is less than 20`, { field: 'ip.hdr_len', expected: 20, actual: hl }));
      return { value: v, headerEnd: start + 20, end: start + 20 };
    }
    let hdrEnd = start + hl;
    if (hdrEnd > end) {
      ctx.problems.push(problem('ip', 'truncated', start, end, `header length ${hl} bytes, only ${avail} present`, { field: 'ip.hdr_len', expected: hl, actual: avail, limitedBy: 'frame.cap_len' }));
      hdrEnd = end;
    }
    if (hl > 20) parseOptions(b, start + 20, hdrEnd, v, ctx.problems);
    // Checksum over the header, when all of it was captured.
    if (hdrEnd === start + hl) {
      const sum = onesSum(b, start, hdrEnd);
      v.checksumStatus = sum === 0xffff ? 'good' : 'bad';
      v.checksumCalculated = ~fold(onesSum(b, start, start + 10) + onesSum(b, start + 12, hdrEnd)) & 0xffff;
      if (v.checksumStatus === 'bad' && ctx.prefs['ip.check_checksum']) {
        ctx.problems.push(problem('ip', 'bad-checksum', start + 10, start + 12, `header checksum 0x${v.checksum.toString(16).padStart(4, '0')} is wrong, should be 0x${v.checksumCalculated.toString(16).padStart(4, '0')}`, { field: 'ip.checksum', expected: v.checksumCalculated, actual: v.checksum }));
      }
    }
    // The datagram ends at ip.len; bytes after it belong to the link layer (padding, trailer).
    let pduEnd = start + v.len;
    if (v.len < hl) {
      if (!(v.len === 0 && ctx.wireLen > 0)) {
        ctx.problems.push(problem('ip', 'bad-length', start + 2, start + 4, `total length ${v.len} is less than the header length ${hl}`, { field: 'ip.len', expected: hl, actual: v.len }));
      }
      pduEnd = end; // TSO-style zero length: take what is there
    } else if (pduEnd > end) {
      if (!ctx.inError && end === b.length && b.length < ctx.wireLen) {
        // cut by the snaplen: not an error of the packet
      } else if (!ctx.inError) {
        ctx.problems.push(problem('ip', 'bad-length', start + 2, start + 4, `total length ${v.len} goes past the end of the data (${avail} bytes)`, { field: 'ip.len', expected: v.len, actual: avail, limitedBy: 'frame.len' }));
      }
      pduEnd = end;
    }
    // Only the first fragment carries the upper-layer header; later fragments are data until reassembled.
    const next = v.frag_offset === 0 ? [{ table: 'ip.proto', key: v.proto }] : [];
    const headerEnd = Math.min(hdrEnd, pduEnd);
    if (v.mf || v.frag_offset > 0) {
      const fragment = { key: `ip ${v.src} ${v.dst} ${v.id} ${v.proto}`, offset: v.frag_offset * 8, more: v.mf, next: [{ table: 'ip.proto', key: v.proto }], pref: 'ip.defragment' as const };
      return { value: v, headerEnd, end: pduEnd, next, fragment };
    }
    return { value: v, headerEnd, end: pduEnd, next };
  },
  tree(layer, ctx) {
    const b = ctx.frame;
    const v = layer.value;
    const s = layer.start;
    const nodes = fixed.nodes(b, s, layer.headerEnd, v as unknown as Record<string, unknown>);
    const out: FieldNode[] = [];
    for (const n of nodes) {
      if (n.def === F.checksum) {
        const check = ctx.prefs['ip.check_checksum'];
        const status = !check ? 2 : v.checksumStatus === 'good' ? 1 : v.checksumStatus === 'bad' ? 0 : 2;
        const hex = `0x${v.checksum.toString(16).padStart(4, '0')}`;
        out.push({ ...n, text: `Header Checksum: ${hex} ${check ? (status === 1 ? '[correct]' : status === 0 ? '[incorrect, should be 0x' + (v.checksumCalculated ?? 0).toString(16).padStart(4, '0') + ' (may be caused by "IP checksum offload"?)]' : '[unverified]') : '[validation disabled]'}` });
        if (check && v.checksumCalculated !== undefined) out.push({ def: F.checksum_calculated, start: n.start, len: 2, value: v.checksumCalculated, generated: true });
        out.push({ def: F.checksum_status, start: 0, len: 0, value: status, generated: true, text: `[Header checksum status: ${F.checksum_status.strings![status]}]` });
        continue;
      }
      if (n.def === F.flags) {
        const names = [v.rb ? 'Reserved' : '', v.df ? "Don't fragment" : '', v.mf ? 'More fragments' : ''].filter(Boolean);
        out.push({ ...n, text: `Flags: 0x${v.flags.toString(16)}${names.length ? ', ' + names.join(', ') : ''}` });
        continue;
      }
      if (n.def === F.dsfield) {
        out.push({ ...n, text: `Differentiated Services Field: 0x${v.dsfield.toString(16).padStart(2, '0')} (DSCP: ${DSCP_NAMES[v.dscp] ?? 'Unknown'}, ECN: ${ECN_NAMES[v.ecn]})` });
        continue;
      }
      if (n.def === F.hdr_len) {
        out.push({ ...n, text: `.... ${((v.hdr_len / 4) & 15).toString(2).padStart(4, '0')} = Header Length: ${v.hdr_len} bytes (${v.hdr_len / 4})` });
        continue;
      }
      out.push(n);
      if (n.def === F.src || n.def === F.dst) {
        const which = n.def === F.src ? F.src_host : F.dst_host;
        out.push({ def: F.addr, start: n.start, len: 4, value: n.value, hidden: true });
        out.push({ def: which, start: n.start, len: 4, value: n.value, hidden: true });
        out.push({ def: F.host, start: n.start, len: 4, value: n.value, hidden: true });
      }
    }
    if (v.options.length) {
      const optLen = optionsLength(v.options, v.optPadding);
      out.push({ def: ipTable.proto, start: s + 20, len: optLen, value: null, text: `Options: (${optLen} bytes), ${v.options.map((o) => IPOPT_NAMES[o.kind === 'eol' ? 0 : o.kind === 'nop' ? 1 : o.type] ?? 'Unknown').join(', ')}`, children: optionNodes(b, s + 20, v) });
    }
    return out;
  },
  label(layer) {
    return `Internet Protocol Version 4, Src: ${layer.value.src}, Dst: ${layer.value.dst}`;
  },
  encode(input, payload, ctx) {
    const opts = input.options ?? [];
    const optLen = optionsLength(opts, input.optPadding);
    const padded = (optLen + 3) & ~3;
    const hl = input.hdr_len ?? 20 + padded;
    const headerBytes = 20 + padded;
    const out = new Uint8Array(headerBytes + payload.length);
    let proto = input.proto;
    if (proto === undefined) {
      const bind = ctx.inner?.proto.bindings?.find((x) => x.table === 'ip.proto');
      proto = bind ? bind.key : 0xff;
    }
    const total = input.len ?? out.length;
    if (total > 0xffff) throw new EncodeError('ip.len', `datagram of ${total} bytes does not fit in 16 bits`);
    fixed.write(out, 0, {
      version: input.version ?? 4,
      hdr_len: hl,
      dscp: input.dscp ?? 0,
      ecn: input.ecn ?? 0,
      len: total,
      id: input.id ?? 0,
      rb: input.rb ?? false,
      df: input.df ?? false,
      mf: input.mf ?? false,
      frag_offset: input.frag_offset ?? 0,
      ttl: input.ttl ?? 64,
      proto,
      checksum: 0,
      src: input.src ?? '0.0.0.0',
      dst: input.dst ?? '127.0.0.1',
    });
    let i = 20;
    for (const o of opts) {
      if (o.kind === 'eol') out[i++] = 0;
      else if (o.kind === 'nop') out[i++] = 1;
      else {
        const l = o.len ?? 2 + o.data.length;
        if (l > 255) throw new EncodeError('ip.opt.len', `option of ${l} bytes does not fit`);
        out[i] = o.type;
        out[i + 1] = l;
        out.set(o.data, i + 2);
        i += 2 + o.data.length;
      }
    }
    if (input.optPadding) out.set(input.optPadding, i);
    out.set(payload, headerBytes);
    const cks = input.checksum ?? internetChecksum(out, 0, headerBytes);
    out[10] = cks >> 8;
    out[11] = cks & 0xff;
    return out;
  },
  toInput(layer) {
    const v = layer.value;
    const consistentLen = v.len === layer.end - layer.start;
    const input: IPv4Input = {
      version: v.version,
      dscp: v.dscp,
      ecn: v.ecn,
      id: v.id,
      rb: v.rb,
      df: v.df,
      mf: v.mf,
      frag_offset: v.frag_offset,
      ttl: v.ttl,
      proto: v.proto,
      src: v.src,
      dst: v.dst,
      options: v.options,
      ...(v.optPadding ? { optPadding: v.optPadding } : {}),
    };
    if (v.hdr_len !== 20 + ((optionsLength(v.options, v.optPadding) + 3) & ~3)) input.hdr_len = v.hdr_len;
    if (!consistentLen) input.len = v.len;
    if (v.checksumStatus !== 'good') input.checksum = v.checksum;
    return input;
  },
  pseudoHeaderSum(input, protocol, length) {
    const src = parseIPv4(input.src ?? '0.0.0.0');
    const dst = parseIPv4(input.dst ?? '127.0.0.1');
    if (!src || !dst) throw new EncodeError(src ? 'ip.dst' : 'ip.src', 'not a valid IPv4 address');
    return fold(onesSum(src, 0, 4) + onesSum(dst, 0, 4) + protocol + length);
  },
  layerPseudoSum(b, layer, protocol, length) {
    return fold(onesSum(b, layer.start + 12, layer.start + 20) + protocol + length);
  },
});

function fold(s: number): number {
  while (s > 0xffff) s = (s & 0xffff) + (s >>> 16);
  return s;
}

