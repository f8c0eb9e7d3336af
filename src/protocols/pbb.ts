/**
 * IEEE 802.1ah Provider Backbone Bridging ("MAC-in-MAC", EtherType 0x88e7): a 4-byte I-Tag (priority, drop
 * eligibility, no-customer-address flag, the 24-bit service instance ID), then the customer's destination and source
 * MAC addresses and EtherType, as in tshark's `ieee8021ah`.
 */
import { macToString, parseMAC } from '../core/addr.js';
import { EncodeError, problem } from '../core/problem.js';
import { defineFields } from '../fields/types.js';
import type { FieldNode } from '../fields/types.js';
import { ieee8021adTable } from './vlan.js';
import { defineProtocol } from './types.js';

export const ieee8021ahTable = defineFields(
  { abbrev: 'ieee8021ah', name: 'IEEE 802.1ah', desc: "Provider backbone bridging: a customer's Ethernet frame inside a provider's, tagged with a service instance" },
  {
    priority: { abbrev: 'ieee8021ah.priority', name: 'Priority', type: 'UINT32', base: 'DEC', bitmask: 0xe0000000, desc: 'Priority code point of the service instance' },
    drop: { abbrev: 'ieee8021ah.drop', name: 'DROP', type: 'UINT32', base: 'DEC', bitmask: 0x10000000, desc: 'Drop eligible' },
    nca: { abbrev: 'ieee8021ah.nca', name: 'NCA', type: 'UINT32', base: 'DEC', bitmask: 0x08000000, desc: 'No customer addresses (set: the customer addresses are not meaningful)' },
    res1: { abbrev: 'ieee8021ah.res1', name: 'RES1', type: 'UINT32', base: 'DEC', bitmask: 0x04000000, desc: 'Reserved' },
    res2: { abbrev: 'ieee8021ah.res2', name: 'RES2', type: 'UINT32', base: 'DEC', bitmask: 0x03000000, desc: 'Reserved' },
    isid: { abbrev: 'ieee8021ah.isid', name: 'I-SID', type: 'UINT32', base: 'DEC', bitmask: 0x00ffffff, desc: 'Backbone service instance identifier' },
    cdst: { abbrev: 'ieee8021ah.cdst', name: 'C-Destination', type: 'ETHER', desc: "Customer's destination MAC address" },
    csrc: { abbrev: 'ieee8021ah.csrc', name: 'C-Source', type: 'ETHER', desc: "Customer's source MAC address" },
    // The EtherType and trailer are the ones tshark registers once for 802.1ad and 802.1ah together.
    etype: ieee8021adTable.fields.etype,
  },
);

const F = ieee8021ahTable.fields;
const HDR = 18;
const BITS = [
  [F.priority, 0xe0000000],
  [F.drop, 0x10000000],
  [F.nca, 0x08000000],
  [F.res1, 0x04000000],
  [F.res2, 0x03000000],
  [F.isid, 0x00ffffff],
] as const;

export interface PbbValue {
  /** The I-Tag as a number. */
  tag: number;
  cdst: string;
  csrc: string;
  etype: number;
}

export interface PbbInput {
  tag?: number;
  cdst?: string;
  csrc?: string;
  /** Undefined: the inner layer's EtherType. */
  etype?: number;
}

export const ieee8021ah = defineProtocol<PbbValue, PbbInput>({
  name: 'ieee8021ah',
  shortName: '802.1ah',
  table: ieee8021ahTable,
  bindings: [{ table: 'ethertype', key: 0x88e7 }],
  decode(b, start, end, ctx) {
    const avail = end - start;
    const v: PbbValue = {
      tag: avail >= 4 ? ((b[start]! << 24) | (b[start + 1]! << 16) | (b[start + 2]! << 8) | b[start + 3]!) >>> 0 : 0,
      cdst: avail >= 10 ? macToString(b, start + 4) : '',
      csrc: avail >= 16 ? macToString(b, start + 10) : '',
      etype: avail >= 18 ? (b[start + 16]! << 8) | b[start + 17]! : 0,
    };
    if (avail < HDR) {
      const field = avail < 4 ? 'ieee8021ah.isid' : avail < 10 ? 'ieee8021ah.cdst' : avail < 16 ? 'ieee8021ah.csrc' : 'ieee8021ah.etype';
      ctx.problems.push(problem('ieee8021ah', 'truncated', start, end, `802.1ah header needs ${HDR} bytes, ${avail} present`, { field, expected: HDR, actual: avail, limitedBy: 'frame.cap_len' }));
      return { value: v, headerEnd: end, end };
    }
    return { value: v, headerEnd: start + HDR, end, next: [{ table: 'ethertype', key: v.etype }], ...(start + HDR < end ? { via: 'ethertype' } : {}) };
  },
  tree(layer) {
    const v = layer.value;
    const s = layer.start;
    const n = layer.headerEnd - s;
    const out: FieldNode[] = [];
    if (n < 4) return out;
    const kids: FieldNode[] = BITS.map(([def, mask]) => {
      let shift = 0;
      while (((mask >>> shift) & 1) === 0) shift++;
      return { def, start: s, len: 4, value: ((v.tag & mask) >>> 0) >>> shift, bitmask: mask };
    });
    out.push({ def: ieee8021ahTable.proto, start: s, len: 4, value: null, text: `I-Tag, I-SID: ${v.tag & 0xffffff}`, children: kids });
    if (n >= 10) out.push({ def: F.cdst, start: s + 4, len: 6, value: v.cdst });
    if (n >= 16) out.push({ def: F.csrc, start: s + 10, len: 6, value: v.csrc });
    if (n >= 18) out.push({ def: F.etype, start: s + 16, len: 2, value: v.etype });
    return out;
  },
  label(layer) {
    const v = layer.value;
    if (layer.headerEnd - layer.start < HDR) return 'IEEE 802.1ah';
    return `IEEE 802.1ah, I-SID: ${v.tag & 0xffffff}, C-Src: ${v.csrc}, C-Dst: ${v.cdst}`;
  },
  encode(input, payload, ctx) {
    const tag = input.tag ?? 0;
    const etype = input.etype ?? ctx.inner?.proto.bindings?.find((x) => x.table === 'ethertype')?.key ?? 0;
    if (!Number.isInteger(tag) || tag < 0 || tag > 0xffffffff) throw new EncodeError('ieee8021ah.isid', `I-Tag ${tag} does not fit in 32 bits`);
    if (!Number.isInteger(etype) || etype < 0 || etype > 0xffff) throw new EncodeError('ieee8021ah.etype', `${etype} does not fit in 16 bits`);
    const out = new Uint8Array(HDR + payload.length);
    new DataView(out.buffer).setUint32(0, tag);
    for (const [name, text, at] of [
      ['ieee8021ah.cdst', input.cdst ?? 'ff:ff:ff:ff:ff:ff', 4],
      ['ieee8021ah.csrc', input.csrc ?? '00:00:00:00:00:00', 10],
    ] as const) {
      const mac = parseMAC(text);
      if (!mac) throw new EncodeError(name, `not a MAC address: ${text}`);
      out.set(mac, at);
    }
    out[16] = etype >> 8;
    out[17] = etype & 0xff;
    out.set(payload, HDR);
    return out;
  },
  toInput(layer) {
    const v = layer.value;
    return { tag: v.tag, cdst: v.cdst, csrc: v.csrc, etype: v.etype };
  },
});
