/** UDP (RFC 768): ports, length, checksum over the IPv4/IPv6 pseudo-header. */
import { onesSum } from '../core/checksum.js';
import { EncodeError, problem } from '../core/problem.js';
import { compileHeader } from '../fields/compile.js';
import { defineFields } from '../fields/types.js';
import type { FieldNode } from '../fields/types.js';
import { timeDiffText } from '../dissect/frame.js';
import { defineProtocol, enclosingPseudoSum } from './types.js';
import type { DecodeContext, Layer } from './types.js';

export const udpTable = defineFields(
  { abbrev: 'udp', name: 'User Datagram Protocol', desc: 'The transport layer without connections: one datagram from a port on one host to a port on another' },
  {
    srcport: { abbrev: 'udp.srcport', name: 'Source Port', type: 'UINT16', base: 'DEC', offset: 0, width: 2, desc: 'Port of the sending application (often ephemeral, 49152-65535)' },
    dstport: { abbrev: 'udp.dstport', name: 'Destination Port', type: 'UINT16', base: 'DEC', offset: 2, width: 2, desc: 'Port of the receiving application (53 DNS, 67/68 DHCP, 123 NTP)' },
    length: { abbrev: 'udp.length', name: 'Length', type: 'UINT16', base: 'DEC', offset: 4, width: 2, auto: 'length', desc: 'Length of the UDP header and data in bytes (at least 8)' },
    checksum: { abbrev: 'udp.checksum', name: 'Checksum', type: 'UINT16', base: 'HEX', offset: 6, width: 2, auto: 'checksum', desc: "One's-complement checksum over a pseudo-header (addresses, protocol, length), the header and the data; 0 = none (IPv4 only)" },
    checksum_calculated: { abbrev: 'udp.checksum_calculated', name: 'Calculated Checksum', type: 'UINT16', base: 'HEX', desc: 'The checksum the datagram should carry' },
    checksum_status: { abbrev: 'udp.checksum.status', name: 'Checksum Status', type: 'UINT8', base: 'NONE', strings: { 0: 'Bad', 1: 'Good', 2: 'Unverified', 3: 'Not present', 4: 'Illegal' }, desc: 'Whether the checksum is right' },
    stream: { abbrev: 'udp.stream', name: 'Stream index', type: 'UINT32', base: 'DEC', desc: 'Which conversation (address and port pair) of the capture this datagram belongs to, numbered from 0' },
    time_relative: { abbrev: 'udp.time_relative', name: 'Time since first frame', type: 'RELATIVE_TIME', unit: ' seconds', desc: 'Time since the first datagram of this conversation' },
    time_delta: { abbrev: 'udp.time_delta', name: 'Time since previous frame', type: 'RELATIVE_TIME', unit: ' seconds', desc: 'Time since the previous datagram of this conversation' },
    port: { abbrev: 'udp.port', name: 'Source or Destination Port', type: 'UINT16', base: 'DEC', desc: 'Either port (for filters: udp.port == 53)' },
    payload: { abbrev: 'udp.payload', name: 'Payload', type: 'BYTES', desc: 'The data the datagram carries' },
  },
);

/**
 * The end of a transport PDU (TCP segment, UDP datagram) starting at `start` as the enclosing IP header states it:
 * tshark's reported length. It differs from `end` (the captured bytes) only when the snaplen cut the frame; it is
 * never beyond the frame's length on the wire. IPv6 with payload length 0 (a jumbogram) reaches to the frame's end.
 */
export function reportedEnd(b: Uint8Array, start: number, end: number, ctx: DecodeContext): number {
  const outer = ctx.layers[ctx.layers.length - 1];
  if (!outer || (outer.bytes !== undefined && outer.bytes !== b)) return end;
  const v = outer.value as Record<string, unknown>;
  // bytes past the captured ones exist only when the snaplen cut them: the IP length is then believed
  const cut = end === b.length && b.length < ctx.wireLen;
  if (!cut) return end;
  const wireEnd = ctx.wireLen - ctx.fcsLen;
  if (outer.proto.name === 'ip' && typeof v.len === 'number' && typeof v.hdr_len === 'number' && v.len >= v.hdr_len && outer.start + v.len >= start) {
    return Math.max(end, Math.min(outer.start + v.len, wireEnd));
  }
  if (outer.proto.name === 'ipv6' && typeof v.plen === 'number') {
    let plen = v.plen;
    if (plen === 0) {
      // RFC 2675 jumbogram: the length is in the hop-by-hop Jumbo Payload option
      plen = wireEnd - outer.start - 40;
      const ext = Array.isArray(v.ext) ? (v.ext as { kind: string; options?: { kind: string; payloadLength?: number }[] }[]) : [];
      for (const o of ext[0]?.kind === 'hopopts' ? (ext[0].options ?? []) : []) if (o.kind === 'jumbo' && typeof o.payloadLength === 'number') plen = o.payloadLength;
    }
    if (outer.start + 40 + plen >= start) return Math.max(end, Math.min(outer.start + 40 + plen, wireEnd));
  }
  return end;
}

const fixed = compileHeader(udpTable);
/** `{ checksumStatus }` with the fixed fields read after it, in one allocation. */
const makeValue = fixed.creator(['checksumStatus']);
const F = udpTable.fields;

export interface UdpValue {
  srcport: number;
  dstport: number;
  length: number;
  checksum: number;
  /** good / bad / none (0 over IPv4) / illegal (0 over IPv6) / unchecked (datagram not captured whole). */
  checksumStatus: 'good' | 'bad' | 'none' | 'illegal' | 'unchecked';
  checksumCalculated?: number;
  /**
   * The length field is bogus (not inside an ICMP error): `short` below 8 (tshark then stops: nothing after the length
   * is dissected), or the IP payload length when the length goes past it.
   */
  bogusLength?: 'short' | number;
  /** With a length below 8: the bytes after the 8-byte header (kept so the datagram re-encodes as it was). */
  extra?: Uint8Array;
  /** Length 0 over IPv6 (RFC 2675 jumbogram): the datagram's length as the IP layer gives it. */
  jumboLength?: number;
}

/** Conversation facts the stateful tracker attaches as `layer.notes.udp`. */
export interface UdpNotes {
  /** udp.stream */
  stream: number;
  /** udp.time_relative and udp.time_delta, seconds with 9 decimals. */
  timeRelative?: string;
  timeDelta?: string;
}

interface UdpTrackState {
  next: number;
  /** Capture times (seconds, nanoseconds) of the first and the previous datagram. */
  conversations: Map<string, { stream: number; firstSec?: number; firstNsec?: number; prevSec?: number; prevNsec?: number }>;
}

/** Conversations kept at most (oldest dropped first), so state stays bounded on long captures. */
const MAX_CONVERSATIONS = 100_000;

function trackUdp(state: UdpTrackState, layer: Layer<UdpValue>, frame: { readonly layers: readonly Layer[] }): Record<string, unknown> | undefined {
  const v = layer.value;
  if (v.srcport === undefined || v.dstport === undefined || v.bogusLength === 'short' || v.length === undefined) return undefined;
  const i = frame.layers.indexOf(layer);
  let src: string | undefined;
  let dst: string | undefined;
  for (let j = (i < 0 ? frame.layers.length : i) - 1; j >= 0; j--) {
    const l = frame.layers[j]!;
    if (l.proto.name === 'ip' || l.proto.name === 'ipv6') {
      const a = l.value as { src?: unknown; dst?: unknown };
      if (typeof a.src === 'string' && typeof a.dst === 'string') {
        src = a.src;
        dst = a.dst;
      }
      break;
    }
  }
  if (src === undefined || dst === undefined) return undefined;
  const x = `${src}|${v.srcport}`;
  const y = `${dst}|${v.dstport}`;
  const key = x < y ? `${x}>${y}` : `${y}>${x}`;
  let conv = state.conversations.get(key);
  if (!conv) {
    conv = { stream: state.next++ };
    state.conversations.set(key, conv);
    if (state.conversations.size > MAX_CONVERSATIONS) state.conversations.delete(state.conversations.keys().next().value!);
  }
  const notes: UdpNotes = { stream: conv.stream };
  const rec = (frame as { record?: { tsSec?: number; tsNsec?: number } }).record;
  if (rec && typeof rec.tsSec === 'number' && typeof rec.tsNsec === 'number') {
    const s = rec.tsSec;
    const n = rec.tsNsec;
    if (conv.firstSec === undefined || conv.firstNsec === undefined) {
      conv.firstSec = s;
      conv.firstNsec = n;
    }
    // tshark times only datagrams with a payload, outside ICMP errors (udp.length 8 returns before)
    const quoted = i > 0 && frame.layers.slice(0, i).some((l) => l.quoting);
    if (v.length !== 8 && !quoted) {
      notes.timeRelative = timeDiffText(s, n, conv.firstSec, conv.firstNsec);
      notes.timeDelta = timeDiffText(s, n, conv.prevSec ?? conv.firstSec, conv.prevNsec ?? conv.firstNsec);
      conv.prevSec = s;
      conv.prevNsec = n;
    }
  }
  return { udp: notes };
}

export interface UdpInput {
  srcport?: number;
  dstport?: number;
  length?: number;
  /** Undefined: computed over the enclosing IP pseudo-header (0 when there is none). */
  checksum?: number;
  /** Bytes written after the header and before the payload (a datagram whose length field is below 8). */
  extra?: Uint8Array;
}

/** Bytes `encode(input, payload)` produces for a payload of `payloadLength` bytes. */
export function udpEncodingLength(input: UdpInput, payloadLength: number): number {
  return 8 + (input.extra?.length ?? 0) + payloadLength;
}

export const udp = defineProtocol<UdpValue, UdpInput>({
  name: 'udp',
  table: udpTable,
  bindings: [{ table: 'ip.proto', key: 17 }],
  decode(b, start, end, ctx) {
    const v = makeValue(b, start, end, 'unchecked') as unknown as UdpValue;
    const avail = end - start;
    if (avail < 8) {
      ctx.problems.push(problem('udp', 'truncated', start, end, `UDP header needs 8 bytes, ${avail} present`, { expected: 8, actual: avail, limitedBy: 'ip.len' }));
      return { value: v, headerEnd: end, end };
    }
    let pduEnd = start + v.length;
    const ipv6 = ctx.layers.length > 0 && ctx.layers[ctx.layers.length - 1]!.proto.name === 'ipv6';
    if (v.length === 0 && ipv6) {
      // RFC 2675: a jumbogram's UDP length is 0 and the IPv6 layer says how long the datagram is
      v.jumboLength = reportedEnd(b, start, end, ctx) - start;
      pduEnd = end;
      if (v.jumboLength < 65536) ctx.problems.push(problem('udp', 'bad-length', start + 4, start + 6, 'length is zero but the payload is shorter than 65536 bytes (not a jumbogram)', { field: 'udp.length', actual: 0, severity: 'warning' }));
    } else if (v.length < 8) {
      // tshark: "Length: N (bogus, must be >= 8)" and nothing more is dissected
      if (!ctx.inError) ctx.problems.push(problem('udp', 'bad-length', start + 4, start + 6, `length ${v.length} is less than the 8-byte header`, { field: 'udp.length', expected: 8, actual: v.length }));
      v.bogusLength = 'short';
      if (end > start + 8) v.extra = b.subarray(start + 8, end);
      return { value: v, headerEnd: end, end };
    } else if (pduEnd > end) {
      const cut = end === b.length && b.length < ctx.wireLen;
      if (!ctx.inError && !cut) {
        ctx.problems.push(problem('udp', 'bad-length', start + 4, start + 6, `length ${v.length} goes past the end of the IP payload (${avail} bytes)`, { field: 'udp.length', expected: avail, actual: v.length, limitedBy: 'ip.len' }));
        v.bogusLength = avail;
      }
      pduEnd = end;
    }
    const dlen = v.jumboLength ?? v.length;
    if (v.checksum === 0) v.checksumStatus = ipv6 ? 'illegal' : 'none';
    else if (start + dlen <= end && dlen >= 8) {
      const ph = enclosingPseudoSum(b, ctx.layers, 17, dlen);
      if (ph !== undefined) {
        const sum = onesSum(b, start, start + dlen, ph);
        v.checksumStatus = sum === 0xffff ? 'good' : 'bad';
        let calc = ~onesSum(b, start + 8, start + dlen, onesSum(b, start, start + 6, ph)) & 0xffff;
        if (calc === 0) calc = 0xffff;
        v.checksumCalculated = calc;
      }
    }
    if (v.checksumStatus === 'illegal') {
      ctx.problems.push(problem('udp', 'bad-checksum', start + 6, start + 8, 'UDP checksum 0 is illegal over IPv6', { field: 'udp.checksum', actual: 0 }));
    } else if (v.checksumStatus === 'bad' && ctx.prefs['udp.check_checksum']) {
      ctx.problems.push(problem('udp', 'bad-checksum', start + 6, start + 8, `checksum 0x${v.checksum.toString(16).padStart(4, '0')} is wrong, should be 0x${(v.checksumCalculated ?? 0).toString(16).padStart(4, '0')}`, { field: 'udp.checksum', expected: v.checksumCalculated, actual: v.checksum }));
    }
    // tshark tries the lower port first, then the higher; port 0 is never looked up.
    const lo = Math.min(v.srcport, v.dstport);
    const hi = Math.max(v.srcport, v.dstport);
    // the lower port, then the higher if different; port 0 never (as [lo, hi] without zeros and duplicates)
    const next: { table: string; key: number }[] = [];
    if (lo !== 0) next.push({ table: 'udp.port', key: lo });
    if (hi !== 0 && hi !== lo) next.push({ table: 'udp.port', key: hi });
    return { value: v, headerEnd: start + 8, end: pduEnd, next };
  },
  tree(layer, ctx) {
    const v = layer.value;
    const out: FieldNode[] = [];
    for (const n of fixed.nodes(ctx.frame, layer.start, layer.headerEnd, v as unknown as Record<string, unknown>)) {
      if (n.def === F.length && v.bogusLength !== undefined) {
        // tshark 4.0 stops after a length below 8
        if (v.bogusLength === 'short') {
          out.push({ ...n, text: `Length: ${v.length} (bogus, must be >= 8)` });
          break;
        }
        out.push({ ...n, text: `Length: ${v.length} (bogus, payload length ${v.bogusLength})` });
        continue;
      }
      if (n.def === F.checksum) {
        // As tshark 4.0 (proto_tree_add_checksum): the calculated value nests under a verified checksum, and the
        // status too when the checksum is absent (zero).
        const check = ctx.prefs['udp.check_checksum'];
        const status =
          v.checksumStatus === 'none' ? 3 : v.checksumStatus === 'illegal' ? 4 : !check || v.checksumStatus === 'unchecked' ? 2 : v.checksumStatus === 'good' ? 1 : 0;
        const hex = `0x${v.checksum.toString(16).padStart(4, '0')}`;
        const calc = `0x${(v.checksumCalculated ?? 0).toString(16).padStart(4, '0')}`;
        const text =
          status === 3 ? `Checksum: ${hex} [zero-value ignored]` : status === 4 ? `Checksum: ${hex} [zero-value illegal]` : status === 1 ? `Checksum: ${hex} [correct]` : status === 0 ? `Checksum: ${hex} incorrect, should be ${calc} (maybe caused by "UDP checksum offload"?)` : `Checksum: ${hex} [unverified]`;
        const statusNode: FieldNode = { def: F.checksum_status, start: n.start, len: 0, value: status, generated: true, text: `[Checksum Status: ${F.checksum_status.strings![status]}]` };
        const kids: FieldNode[] = [];
        if (status <= 1 && v.checksumCalculated !== undefined) kids.push({ def: F.checksum_calculated, start: n.start, len: 2, value: v.checksumCalculated, generated: true });
        if (status >= 3) kids.push(statusNode);
        out.push({ ...n, text, ...(kids.length ? { children: kids } : {}) });
        if (status < 3) out.push(statusNode);
        const notes = layer.notes?.udp as UdpNotes | undefined;
        if (notes) {
          out.push({ def: F.stream, start: layer.start, len: 0, value: notes.stream, generated: true });
          if (notes.timeRelative !== undefined && notes.timeDelta !== undefined) {
            out.push({
              def: udpTable.proto,
              start: layer.start,
              len: 0,
              value: null,
              generated: true,
              text: '[Timestamps]',
              children: [
                { def: F.time_relative, start: layer.start, len: 0, value: notes.timeRelative, generated: true, text: `[${F.time_relative.name}: ${notes.timeRelative} seconds]` },
                { def: F.time_delta, start: layer.start, len: 0, value: notes.timeDelta, generated: true, text: `[${F.time_delta.name}: ${notes.timeDelta} seconds]` },
              ],
            });
          }
        }
        continue;
      }
      out.push(n);
      // tshark adds the two hidden udp.port items after both ports (JSON keeps that order)
      if (n.def === F.dstport) for (const p of out.filter((o) => o.def === F.srcport || o.def === F.dstport)) out.push({ def: F.port, start: p.start, len: 2, value: p.value, hidden: true });
    }
    if (!out.some((o) => o.def === F.dstport)) for (const p of out.filter((o) => o.def === F.srcport)) out.push({ def: F.port, start: p.start, len: 2, value: p.value, hidden: true });
    if (layer.end > layer.headerEnd) {
      out.push({ def: F.payload, start: layer.headerEnd, len: layer.end - layer.headerEnd, value: ctx.frame.subarray(layer.headerEnd, layer.end), text: `UDP payload (${layer.end - layer.headerEnd} bytes)` });
    }
    return out;
  },
  label(layer) {
    return `User Datagram Protocol, Src Port: ${layer.value.srcport}, Dst Port: ${layer.value.dstport}`;
  },
  summary(layer, ctx) {
    const v = layer.value;
    const ports = `${v.srcport} → ${v.dstport}`;
    if (v.length === undefined) return ports;
    if (v.bogusLength === 'short') return `${ports} [BAD UDP LENGTH ${v.length} < 8]`;
    let s = ports;
    if (v.bogusLength !== undefined) s += ` [BAD UDP LENGTH ${v.length} > IP PAYLOAD LENGTH]`;
    s += ` Len=${(v.jumboLength ?? v.length) - 8}`;
    if (v.jumboLength !== undefined) s += ' [Jumbogram]';
    if (v.checksumStatus === 'illegal') s += ' [ILLEGAL CHECKSUM (0)]';
    else if (v.checksumStatus === 'bad' && ctx.prefs['udp.check_checksum']) s += ' [UDP CHECKSUM INCORRECT]';
    return s;
  },
  encode(input, payload, ctx) {
    const extra = input.extra ?? new Uint8Array(0);
    const out = new Uint8Array(8 + extra.length + payload.length);
    if (out.length > 0xffff && input.length === undefined) throw new EncodeError('udp.length', `datagram of ${out.length} bytes does not fit in 16 bits`);
    let dstport = input.dstport;
    if (dstport === undefined) {
      const bind = ctx.inner?.proto.bindings?.find((x) => x.table === 'udp.port');
      dstport = bind ? bind.key : 0;
    }
    const length = input.length ?? out.length;
    fixed.write(out, 0, { srcport: input.srcport ?? dstport, dstport, length, checksum: 0 });
    out.set(extra, 8);
    out.set(payload, 8 + extra.length);
    let cks = input.checksum;
    if (cks === undefined) {
      const ph = ctx.pseudoHeaderSum(17, out.length);
      if (ph === undefined) cks = 0;
      else {
        cks = ~onesSum(out, 0, out.length, ph) & 0xffff;
        if (cks === 0) cks = 0xffff;
      }
    }
    out[6] = cks >> 8;
    out[7] = cks & 0xff;
    return out;
  },
  stateful: {
    create(): UdpTrackState {
      return { next: 0, conversations: new Map() };
    },
    track: trackUdp,
  },
  toInput(layer) {
    const v = layer.value;
    const input: UdpInput = { srcport: v.srcport, dstport: v.dstport };
    if (v.extra) input.extra = v.extra;
    if (v.length !== layer.end - layer.start) input.length = v.length;
    if (v.checksumStatus !== 'good') input.checksum = v.checksum;
    return input;
  },
});
