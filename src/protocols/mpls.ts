/**
 * MPLS label stack (RFC 3032): 4-byte entries of a 20-bit label, 3 experimental (traffic class) bits, a
 * bottom-of-stack bit and a TTL, up to the entry with the bottom bit set. What follows has no type field: tshark
 * 4.0 looks at its first nibble (4: IPv4, 6: IPv6; anything else is data here). EtherTypes 0x8847/0x8848, GRE
 * protocol 0x8847, PPP 0x0281, UDP port 6635 (RFC 7510).
 * One layer holds the whole stack (tshark shows an item per entry; the fields and their order are the same).
 */
import { EncodeError, problem } from '../core/problem.js';
import { defineFields } from '../fields/types.js';
import type { FieldNode } from '../fields/types.js';
import { defineProtocol } from './types.js';

/** Reserved label values (0-15), as tshark names them. */
export const SPECIAL_LABELS: Readonly<Record<number, string>> = {
  0: 'IPv4 Explicit-Null',
  1: 'Router Alert',
  2: 'IPv6 Explicit-Null',
  3: 'Implicit-Null',
  7: 'Entropy Label Indicator',
  13: 'Generic Associated Channel Label (GAL)',
  14: 'OAM Alert',
  15: 'Extension',
};

export const mplsTable = defineFields(
  { abbrev: 'mpls', name: 'MultiProtocol Label Switching Header', desc: 'A stack of labels that routers switch on instead of looking at the IP header' },
  {
    label: { abbrev: 'mpls.label', name: 'MPLS Label', type: 'UINT32', base: 'DEC_HEX', hexDigits: 5, bitmask: 0xfffff000, desc: 'The label: which forwarding equivalence class (path) the packet follows; 0-15 are reserved' },
    exp: { abbrev: 'mpls.exp', name: 'MPLS Experimental Bits', type: 'UINT32', base: 'DEC', bitmask: 0x00000e00, desc: 'Traffic class bits (formerly experimental): quality of service' },
    bottom: { abbrev: 'mpls.bottom', name: 'MPLS Bottom Of Label Stack', type: 'UINT32', base: 'DEC', bitmask: 0x00000100, desc: 'Set on the last entry of the stack: the payload follows' },
    ttl: { abbrev: 'mpls.ttl', name: 'MPLS TTL', type: 'UINT32', base: 'DEC', bitmask: 0x000000ff, desc: 'Time to live, decremented at each label-switching hop' },
  },
);

const F = mplsTable.fields;

export interface MplsEntry {
  label: number;
  exp: number;
  bottom: boolean;
  ttl: number;
}

export interface MplsValue {
  entries: MplsEntry[];
}

export interface MplsInput {
  /** Entries outermost first. Undefined bottom: set on the last entry only. */
  entries?: { label?: number; exp?: number; bottom?: boolean; ttl?: number }[];
}

function entryText(e: MplsEntry): string {
  return `Label: ${e.label}${e.label <= 15 ? ` (${SPECIAL_LABELS[e.label] ?? 'Reserved - Unknown'})` : ''}, Exp: ${e.exp}, S: ${e.bottom ? 1 : 0}, TTL: ${e.ttl}`;
}

export const mpls = defineProtocol<MplsValue, MplsInput>({
  name: 'mpls',
  shortName: 'MPLS',
  table: mplsTable,
  bindings: [
    { table: 'ethertype', key: 0x8847 },
    { table: 'ethertype', key: 0x8848 },
    { table: 'gre.proto', key: 0x8847 },
    { table: 'udp.port', key: 6635 },
  ],
  decode(b, start, end, ctx) {
    const v: MplsValue = { entries: [] };
    let at = start;
    for (;;) {
      if (at + 4 > end) {
        ctx.problems.push(problem('mpls', 'truncated', at, end, `MPLS label stack entry needs 4 bytes, ${end - at} present`, { field: 'mpls.label', expected: 4, actual: end - at, limitedBy: 'frame.cap_len' }));
        return { value: v, headerEnd: end, end };
      }
      const w = ((b[at]! << 24) | (b[at + 1]! << 16) | (b[at + 2]! << 8) | b[at + 3]!) >>> 0;
      const e: MplsEntry = { label: w >>> 12, exp: (w >>> 9) & 7, bottom: ((w >>> 8) & 1) === 1, ttl: w & 0xff };
      v.entries.push(e);
      at += 4;
      if (e.bottom) break;
    }
    if (at >= end) return { value: v, headerEnd: at, end };
    const nibble = b[at]! >> 4;
    if (nibble === 4) return { value: v, headerEnd: at, end, next: [{ proto: 'ip' }] };
    if (nibble === 6) return { value: v, headerEnd: at, end, next: [{ proto: 'ipv6' }] };
    return { value: v, headerEnd: at, end };
  },
  tree(layer, ctx) {
    const out: FieldNode[] = [];
    let at = layer.start;
    for (const e of layer.value.entries) {
      const w = ((e.label << 12) | (e.exp << 9) | ((e.bottom ? 1 : 0) << 8) | e.ttl) >>> 0;
      const labelText = e.label <= 15 ? `MPLS Label: ${SPECIAL_LABELS[e.label] ?? 'Reserved - Unknown'} (${e.label})` : undefined;
      out.push({ def: F.label, start: at, len: 4, value: e.label, bitmask: 0xfffff000, ...(labelText ? { text: labelText } : {}) });
      out.push({ def: F.exp, start: at, len: 4, value: e.exp, bitmask: 0x00000e00 });
      out.push({ def: F.bottom, start: at, len: 4, value: e.bottom ? 1 : 0, bitmask: 0x00000100 });
      out.push({ def: F.ttl, start: at, len: 4, value: e.ttl, bitmask: 0x000000ff });
      void w;
      at += 4;
    }
    void ctx;
    return out;
  },
  label(layer) {
    const first = layer.value.entries[0];
    return first ? `MultiProtocol Label Switching Header, ${entryText(first)}` : 'MultiProtocol Label Switching Header';
  },
  encode(input, payload) {
    const list = input.entries ?? [{}];
    const out = new Uint8Array(4 * list.length + payload.length);
    list.forEach((e, i) => {
      const label = e.label ?? 0;
      const exp = e.exp ?? 0;
      const ttl = e.ttl ?? 64;
      if (!Number.isInteger(label) || label < 0 || label > 0xfffff) throw new EncodeError('mpls.label', `${label} does not fit in 20 bits`);
      if (!Number.isInteger(exp) || exp < 0 || exp > 7) throw new EncodeError('mpls.exp', `${exp} does not fit in 3 bits`);
      if (!Number.isInteger(ttl) || ttl < 0 || ttl > 255) throw new EncodeError('mpls.ttl', `${ttl} does not fit in 8 bits`);
      const bottom = e.bottom ?? i === list.length - 1;
      const w = ((label << 12) | (exp << 9) | ((bottom ? 1 : 0) << 8) | ttl) >>> 0;
      out[4 * i] = w >>> 24;
      out[4 * i + 1] = (w >>> 16) & 0xff;
      out[4 * i + 2] = (w >>> 8) & 0xff;
      out[4 * i + 3] = w & 0xff;
    });
    out.set(payload, 4 * list.length);
    return out;
  },
  toInput(layer) {
    return { entries: layer.value.entries.map((e) => ({ ...e })) };
  },
});
