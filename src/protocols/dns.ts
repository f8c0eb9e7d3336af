/**
 * DNS (UDP/TCP 53), mDNS (UDP 5353) and LLMNR (UDP 5355): three protocol objects over one field table (the dns.*
 * fields, as Wireshark registers them) and one codec. The parts live in ./dns/: table (fields and value names),
 * names (compression pointers), rdata (typed RDATA), message (header and sections), tree (-V and Info).
 */
import { problem } from '../core/problem.js';
import { bytesEqual } from '../core/bytes.js';
import { EncodeError } from '../core/problem.js';
import { readUint } from '../fields/compile.js';
import type { FieldTable } from '../fields/types.js';
import { decodeMessage, encodeMessage, messageInput } from './dns/message.js';
import type { DnsInput, DnsValue } from './dns/message.js';
import { dnsTable, llmnrProtoDef, mdnsProtoDef } from './dns/table.js';
import { dnsSummary, dnsTreeNodes } from './dns/tree.js';
import type { DnsVariant } from './dns/tree.js';
import { defineProtocol } from './types.js';
import type { Binding, DecodeContext, Layer, Protocol } from './types.js';

export * from './dns/message.js';
export * from './dns/names.js';
export * from './dns/rdata.js';
export * from './dns/table.js';
export { absTimeText, base32hex, dnsSummary, dnsTreeNodes, keyTag, secondsText, typeName } from './dns/tree.js';
export type { DnsVariant } from './dns/tree.js';

const NAMES: ReadonlySet<string> = new Set(['dns', 'mdns', 'llmnr']);

/**
 * DNS over TCP (RFC 1035 4.2.2, RFC 7766): the bytes the first message of a TCP payload needs, its two-byte
 * length prefix included, or undefined when fewer than 2 bytes are there to tell. For reassembly.
 */
export function tcpMessageLength(b: Uint8Array, start: number, end: number): number | undefined {
  if (end - start < 2) return undefined;
  return 2 + readUint(b, start, 2);
}

/**
 * Does a UDP payload on a port no decoder claims look like a DNS message? TShark 4.0 tries a DNS heuristic on UDP
 * after the port tables (so DNS on port 8053 is decoded); this is a cautious stand-in for it, checked against the
 * shared corpus (every payload tshark gave to DNS this way passes, none of the 280 it left as data does): a header
 * and more, Z clear, a known opcode, at most one question, some entry, and a query with no answers, no authority
 * records (except in an update) and at most one additional record (EDNS). For the dispatcher to call.
 */
export function looksLikeDns(b: Uint8Array, start: number, end: number): boolean {
  if (end - start <= 12) return false;
  const flags = readUint(b, start + 2, 2);
  const [qd, an, ns, ar] = [4, 6, 8, 10].map((o) => readUint(b, start + o, 2)) as [number, number, number, number];
  const opcode = (flags >> 11) & 15;
  if (flags & 0x40 || opcode === 3 || opcode > 6) return false;
  if (qd > 1 || qd + an + ns + ar === 0) return false;
  if (!(flags & 0x8000) && (an !== 0 || (flags & 15) !== 0 || (opcode !== 5 && (ns !== 0 || ar > 1)))) return false;
  return true;
}

/** Is the layer being decoded carried over TCP (directly, or after an earlier message of the same segment)? */
function overTcp(layers: readonly Layer[]): boolean {
  const last = layers[layers.length - 1];
  if (!last) return false;
  if (last.proto.name === 'tcp') return true;
  return NAMES.has(last.proto.name) && (last.value as DnsValue).length !== undefined;
}

function makeProtocol(name: DnsVariant, table: FieldTable, bindings: Binding[]): Protocol<DnsValue, DnsInput> {
  const title = table.proto.name;
  return defineProtocol<DnsValue, DnsInput>({
    name,
    table,
    bindings,
    // Over TCP, a message split over segments is joined by the dissector (src/dissect/tcp-reassembly.ts).
    streamPdu: tcpMessageLength,
    streamPduPref: 'dns.desegment_dns_messages',
    decode(b, start, end, ctx: DecodeContext) {
      const snapped = end === b.length && b.length < ctx.wireLen;
      if (!overTcp(ctx.layers)) {
        const value = decodeMessage(b, start, end, ctx.problems, name, snapped ? 'frame.cap_len' : 'udp.length');
        return { value, headerEnd: end, end };
      }
      // TCP: a length prefix, then the message; further messages of the segment are further layers.
      if (end - start < 2) {
        ctx.problems.push(problem(name, 'truncated', start, end, `DNS over TCP needs a 2-byte length, ${end - start} present`, { field: 'dns.length', expected: 2, actual: end - start, limitedBy: 'tcp.len' }));
        const value = { questions: [], answers: [], authorities: [], additionals: [] } as unknown as DnsValue;
        return { value, headerEnd: end, end };
      }
      const length = readUint(b, start, 2);
      let msgEnd = start + 2 + length;
      const first = ctx.problems.length;
      if (msgEnd > end) {
        ctx.problems.push(problem(name, 'truncated', start + 2, end, `message of ${length} bytes (dns.length), ${end - start - 2} present in this segment`, { field: 'dns.length', expected: length, actual: end - start - 2, limitedBy: 'tcp.len' }));
        msgEnd = end;
      }
      const value = decodeMessage(b, start + 2, msgEnd, ctx.problems, name, msgEnd < start + 2 + length ? (snapped ? 'frame.cap_len' : 'tcp.len') : 'dns.length');
      // A message that continues in later segments (not cut by the snaplen) is not damaged: tshark, without
      // desegmentation, calls it an unreassembled fragment (a note), not a malformed packet.
      if (msgEnd < start + 2 + length && !snapped) {
        for (let i = first; i < ctx.problems.length; i++) if (ctx.problems[i]!.code === 'truncated') ctx.problems[i] = { ...ctx.problems[i]!, severity: 'note' };
      }
      value.length = length;
      if (msgEnd < end) return { value, headerEnd: msgEnd, end, next: [{ proto: name }] };
      return { value, headerEnd: msgEnd, end: msgEnd };
    },
    tree(layer, ctx) {
      return dnsTreeNodes(ctx.frame, layer.start, layer.headerEnd, layer.value, name);
    },
    label(layer) {
      const v = layer.value;
      if (v.flags === undefined) return title;
      return `${title} (${v.response ? 'response' : 'query'})`;
    },
    summary(layer) {
      return dnsSummary(layer.value, name);
    },
    encode(input, payload, ctx) {
      const msg = encodeMessage(input);
      const outer = ctx.outer[ctx.outer.length - 1];
      const tcp = input.tcp ?? (input.length !== undefined || outer?.proto.name === 'tcp');
      const head = tcp ? 2 : 0;
      const out = new Uint8Array(head + msg.length + payload.length);
      if (tcp) {
        const len = input.length ?? msg.length;
        if (len > 0xffff) throw new EncodeError('dns.length', `message of ${len} bytes does not fit in 16 bits`);
        out[0] = len >> 8;
        out[1] = len & 0xff;
      }
      out.set(msg, head);
      out.set(payload, head + msg.length);
      return out;
    },
    toInput(layer, frame) {
      const v = layer.value;
      const tcp = v.length !== undefined;
      const msgStart = layer.start + (tcp ? 2 : 0);
      const original = frame.subarray(msgStart, layer.headerEnd);
      const input = messageInput(v);
      let ok = false;
      try {
        ok = v.flags !== undefined && bytesEqual(encodeMessage(input), original);
      } catch {
        ok = false;
      }
      const out: DnsInput = ok ? input : { raw: original.slice() };
      if (tcp) {
        out.tcp = true;
        if (v.length !== original.length) out.length = v.length;
      }
      return out;
    },
  });
}

/** DNS: UDP and TCP port 53, and TCP 5353 (Wireshark gives TCP 5353 to plain DNS). */
export const dns = makeProtocol('dns', dnsTable, [
  { table: 'udp.port', key: 53 },
  { table: 'tcp.port', key: 53 },
  { table: 'tcp.port', key: 5353 },
]);

/** mDNS: UDP port 5353. */
export const mdns = makeProtocol('mdns', { proto: mdnsProtoDef, fields: dnsTable.fields }, [{ table: 'udp.port', key: 5353 }]);

/** LLMNR: UDP port 5355. */
export const llmnr = makeProtocol('llmnr', { proto: llmnrProtoDef, fields: dnsTable.fields }, [{ table: 'udp.port', key: 5355 }]);
