/**
 * Raw IP link types: LINKTYPE_RAW (101), where the version nibble tells IPv4 from IPv6 (tshark shows a `raw`
 * layer with no fields, then `ip` or `ipv6`), and LINKTYPE_IPV4 (228) / LINKTYPE_IPV6 (229), which start directly
 * with the IP header (no `raw` layer: the ipv4 and ipv6 decoders bind those link types themselves).
 */
import { problem } from '../core/problem.js';
import { defineFields } from '../fields/types.js';
import { onlyDataInside } from './ethernet.js';
import { defineProtocol } from './types.js';

export const rawTable = defineFields(
  { abbrev: 'raw', name: 'Raw packet data', desc: 'No link-layer header: the packet starts with the IP header (its version nibble says IPv4 or IPv6)' },
  {},
);

export interface RawValue {
  /** The IP version nibble of the first byte (undefined when the packet is empty). */
  version?: number;
  /** The bytes, when they are not an IP packet (kept for re-encoding). */
  bytes?: Uint8Array;
}

export interface RawInput {
  /** Bytes written before the payload (only for a packet that is not IP). */
  bytes?: Uint8Array;
}

export const raw = defineProtocol<RawValue, RawInput>({
  name: 'raw',
  shortName: 'N/A',
  table: rawTable,
  bindings: [{ table: 'linktype', key: 101 }],
  decode(b, start, end, ctx) {
    const v: RawValue = {};
    if (end - start >= 1) v.version = b[start]! >> 4;
    // tshark first looks at two bytes (for PPP in HDLC framing): fewer is a malformed packet.
    if (end - start < 2) {
      ctx.problems.push(problem('raw', 'truncated', start, end, `raw packet of ${end - start} bytes: too short for an IP header`, { expected: 2, actual: end - start, limitedBy: 'frame.cap_len' }));
      v.bytes = b.subarray(start, end);
      return { value: v, headerEnd: end, end };
    }
    if (v.version === 4) return { value: v, headerEnd: start, end, next: [{ proto: 'ip' }] };
    if (v.version === 6) return { value: v, headerEnd: start, end, next: [{ proto: 'ipv6' }] };
    ctx.problems.push(problem('raw', 'bad-value', start, start + 1, `IP version ${v.version} is neither 4 nor 6`, { field: 'ip.version', actual: v.version ?? 0 }));
    v.bytes = b.subarray(start, end);
    return { value: v, headerEnd: end, end };
  },
  tree() {
    return [];
  },
  label() {
    return 'Raw packet data';
  },
  summary(_layer, ctx) {
    return onlyDataInside(ctx) ? 'Raw packet data' : '';
  },
  encode(input, payload) {
    const pre = input.bytes ?? new Uint8Array(0);
    const out = new Uint8Array(pre.length + payload.length);
    out.set(pre, 0);
    out.set(payload, pre.length);
    return out;
  },
  toInput(layer) {
    return layer.value.bytes ? { bytes: layer.value.bytes } : {};
  },
});
