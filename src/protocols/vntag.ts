/**
 * VN-Tag (Cisco's virtual network tag, EtherType 0x8926, the basis of IEEE 802.1Qbh): a 4-byte tag naming the
 * virtual interfaces a frame comes from and goes to, then the EtherType of the payload, as an 802.1Q tag does.
 */
import { EncodeError, problem } from '../core/problem.js';
import { defineFields } from '../fields/types.js';
import type { FieldNode } from '../fields/types.js';
import { ETHERTYPES } from './ethernet.js';
import { defineProtocol } from './types.js';

export const vntagTable = defineFields(
  { abbrev: 'vntag', name: 'VN-Tag', desc: 'A tag between a switch and an interface virtualizer: the source and destination virtual interfaces' },
  {
    dir: { abbrev: 'vntag.dir', name: 'Direction', type: 'BOOLEAN', bitmask: 0x80000000, tfs: ['From Bridge', 'To Bridge'], desc: 'The frame goes from the bridge to the interface virtualizer (1) or to the bridge (0)' },
    ptr: { abbrev: 'vntag.ptr', name: 'Pointer', type: 'BOOLEAN', bitmask: 0x40000000, tfs: ['vif_list_id', 'vif_id'], desc: 'The destination is a list of virtual interfaces (1) or one (0)' },
    dst: { abbrev: 'vntag.dst', name: 'Destination', type: 'UINT32', base: 'DEC', bitmask: 0x3fff0000, desc: 'Destination virtual interface (or list)' },
    looped: { abbrev: 'vntag.looped', name: 'Looped', type: 'BOOLEAN', bitmask: 0x00008000, tfs: ['Yes', 'No'], desc: 'The frame is sent back to where it came from (the source must filter it)' },
    r: { abbrev: 'vntag.r', name: 'Reserved', type: 'UINT32', base: 'DEC', bitmask: 0x00004000, desc: 'Reserved' },
    version: { abbrev: 'vntag.version', name: 'Version', type: 'UINT32', base: 'DEC', bitmask: 0x00003000, desc: 'Tag version, 0' },
    src: { abbrev: 'vntag.src', name: 'Source', type: 'UINT32', base: 'DEC', bitmask: 0x00000fff, desc: 'Source virtual interface' },
    etype: { abbrev: 'vntag.etype', name: 'Type', type: 'UINT16', base: 'HEX', strings: ETHERTYPES, auto: 'next', desc: 'EtherType of the payload' },
  },
);

const F = vntagTable.fields;
const HDR = 6;
const BITS = [
  [F.dir, 0x80000000],
  [F.ptr, 0x40000000],
  [F.dst, 0x3fff0000],
  [F.looped, 0x00008000],
  [F.r, 0x00004000],
  [F.version, 0x00003000],
  [F.src, 0x00000fff],
] as const;

export interface VntagValue {
  /** The 4-byte tag as a number. */
  tag: number;
  etype: number;
}

export interface VntagInput {
  tag?: number;
  /** Undefined: the inner layer's EtherType. */
  etype?: number;
}

export const vntag = defineProtocol<VntagValue, VntagInput>({
  name: 'vntag',
  shortName: 'VNTAG',
  table: vntagTable,
  bindings: [{ table: 'ethertype', key: 0x8926 }],
  decode(b, start, end, ctx) {
    const avail = end - start;
    const v: VntagValue = { tag: avail >= 4 ? ((b[start]! << 24) | (b[start + 1]! << 16) | (b[start + 2]! << 8) | b[start + 3]!) >>> 0 : 0, etype: avail >= 6 ? (b[start + 4]! << 8) | b[start + 5]! : 0 };
    if (avail < HDR) {
      ctx.problems.push(problem('vntag', 'truncated', start, end, `VN-Tag needs ${HDR} bytes, ${avail} present`, { field: avail < 4 ? 'vntag.dst' : 'vntag.etype', expected: HDR, actual: avail, limitedBy: 'frame.cap_len' }));
      return { value: v, headerEnd: end, end };
    }
    return { value: v, headerEnd: start + HDR, end, next: [{ table: 'ethertype', key: v.etype }], ...(start + HDR < end ? { via: 'ethertype' } : {}) };
  },
  tree(layer) {
    const v = layer.value;
    const s = layer.start;
    const out: FieldNode[] = [];
    if (layer.headerEnd - s < 4) return out;
    for (const [def, mask] of BITS) {
      let shift = 0;
      while (((mask >>> shift) & 1) === 0) shift++;
      const raw = ((v.tag & mask) >>> 0) >>> shift;
      out.push({ def, start: s, len: 4, value: def.type === 'BOOLEAN' ? raw !== 0 : raw, bitmask: mask });
    }
    if (layer.headerEnd - s >= HDR) out.push({ def: F.etype, start: s + 4, len: 2, value: v.etype });
    return out;
  },
  encode(input, payload, ctx) {
    const tag = input.tag ?? 0;
    const etype = input.etype ?? ctx.inner?.proto.bindings?.find((x) => x.table === 'ethertype')?.key ?? 0;
    if (!Number.isInteger(tag) || tag < 0 || tag > 0xffffffff) throw new EncodeError('vntag.dst', `tag ${tag} does not fit in 32 bits`);
    if (!Number.isInteger(etype) || etype < 0 || etype > 0xffff) throw new EncodeError('vntag.etype', `${etype} does not fit in 16 bits`);
    const out = new Uint8Array(HDR + payload.length);
    out[0] = tag >>> 24;
    out[1] = (tag >>> 16) & 0xff;
    out[2] = (tag >>> 8) & 0xff;
    out[3] = tag & 0xff;
    out[4] = etype >> 8;
    out[5] = etype & 0xff;
    out.set(payload, HDR);
    return out;
  },
  toInput(layer) {
    return { tag: layer.value.tag, etype: layer.value.etype };
  },
});
