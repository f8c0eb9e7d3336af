/**
 * VXLAN, Virtual eXtensible LAN (RFC 7348, with the group policy extension of draft-smith-vxlan-group-policy):
 * Ethernet frames tunnelled over UDP port 4789 behind an 8-byte header of flags, a group policy ID, the 24-bit
 * network identifier (VNI) and a reserved byte.
 */
import { EncodeError, problem } from '../core/problem.js';
import { defineFields } from '../fields/types.js';
import type { FieldNode } from '../fields/types.js';
import { defineProtocol } from './types.js';

const TF: readonly [string, string] = ['True', 'False'];

export const vxlanTable = defineFields(
  { abbrev: 'vxlan', name: 'Virtual eXtensible Local Area Network', desc: 'A layer-2 overlay: Ethernet frames of a virtual network carried in UDP between tunnel endpoints' },
  {
    flags: { abbrev: 'vxlan.flags', name: 'Flags', type: 'UINT16', base: 'HEX', offset: 0, width: 2, desc: 'I: a VNI is present (always set); G, D, A: group policy extension' },
    flag_g: { abbrev: 'vxlan.flag_g', name: 'GBP Extension', type: 'BOOLEAN', bitmask: 0x8000, tfs: ['Defined', 'Not defined'], offset: 0, width: 2, desc: 'The group policy ID is meaningful' },
    flag_i: { abbrev: 'vxlan.flag_i', name: 'VXLAN Network ID (VNI)', type: 'BOOLEAN', bitmask: 0x0800, tfs: TF, offset: 0, width: 2, desc: 'The VNI is valid (must be set)' },
    flag_d: { abbrev: 'vxlan.flag_d', name: "Don't Learn", type: 'BOOLEAN', bitmask: 0x0040, tfs: TF, offset: 0, width: 2, desc: 'The egress endpoint should not learn the inner source address' },
    flag_a: { abbrev: 'vxlan.flag_a', name: 'Policy Applied', type: 'BOOLEAN', bitmask: 0x0008, tfs: TF, offset: 0, width: 2, desc: 'The group policy was already applied' },
    flags_reserved: { abbrev: 'vxlan.flags_reserved', name: 'Reserved(R)', type: 'UINT16', base: 'HEX', bitmask: 0x77b7, offset: 0, width: 2, desc: 'Reserved flag bits, zero' },
    gbp: { abbrev: 'vxlan.gbp', name: 'Group Policy ID', type: 'UINT16', base: 'DEC', offset: 2, width: 2, desc: 'Group policy of the source (0 without the extension)' },
    vni: { abbrev: 'vxlan.vni', name: 'VXLAN Network Identifier (VNI)', type: 'UINT24', base: 'DEC', offset: 4, width: 3, desc: 'Which virtual network (segment) the frame belongs to' },
    reserved8: { abbrev: 'vxlan.reserved8', name: 'Reserved', type: 'UINT8', base: 'DEC', offset: 7, width: 1, desc: 'Reserved, zero' },
  },
);

const F = vxlanTable.fields;
const HDR = 8;
const FLAG_NAMES: readonly [number, string][] = [
  [0x8000, 'GBP Extension'],
  [0x0800, 'VXLAN Network ID (VNI)'],
  [0x0040, "Don't Learn"],
  [0x0008, 'Policy Applied'],
];

export interface VxlanValue {
  flags: number;
  gbp: number;
  vni: number;
  reserved: number;
}

export interface VxlanInput {
  /** Default 0x0800 (I: VNI present). */
  flags?: number;
  gbp?: number;
  vni?: number;
  reserved?: number;
}

export const vxlan = defineProtocol<VxlanValue, VxlanInput>({
  name: 'vxlan',
  shortName: 'VXLAN',
  table: vxlanTable,
  bindings: [{ table: 'udp.port', key: 4789 }],
  decode(b, start, end, ctx) {
    const avail = end - start;
    const v: VxlanValue = {
      flags: avail >= 2 ? (b[start]! << 8) | b[start + 1]! : 0,
      gbp: avail >= 4 ? (b[start + 2]! << 8) | b[start + 3]! : 0,
      vni: avail >= 7 ? (b[start + 4]! << 16) | (b[start + 5]! << 8) | b[start + 6]! : 0,
      reserved: avail >= 8 ? b[start + 7]! : 0,
    };
    if (avail < HDR) {
      const field = avail < 2 ? 'vxlan.flags' : avail < 4 ? 'vxlan.gbp' : avail < 7 ? 'vxlan.vni' : 'vxlan.reserved8';
      ctx.problems.push(problem('vxlan', 'truncated', start, end, `VXLAN header needs ${HDR} bytes, ${avail} present`, { field, expected: HDR, actual: avail, limitedBy: 'udp.length' }));
      return { value: v, headerEnd: end, end };
    }
    return { value: v, headerEnd: start + HDR, end, next: [{ proto: 'eth' }] };
  },
  tree(layer, ctx) {
    const v = layer.value;
    const s = layer.start;
    const n = layer.headerEnd - s;
    const out: FieldNode[] = [];
    if (n >= 2) {
      const set = FLAG_NAMES.filter(([m]) => v.flags & m).map(([, name]) => name);
      const kids: FieldNode[] = [
        { def: F.flag_g, start: s, len: 2, value: (v.flags & 0x8000) !== 0, bitmask: 0x8000 },
        { def: F.flag_i, start: s, len: 2, value: (v.flags & 0x0800) !== 0, bitmask: 0x0800 },
        { def: F.flag_d, start: s, len: 2, value: (v.flags & 0x0040) !== 0, bitmask: 0x0040 },
        { def: F.flag_a, start: s, len: 2, value: (v.flags & 0x0008) !== 0, bitmask: 0x0008 },
        { def: F.flags_reserved, start: s, len: 2, value: v.flags & 0x77b7, bitmask: 0x77b7 },
      ];
      out.push({ def: F.flags, start: s, len: 2, value: v.flags, text: `Flags: 0x${v.flags.toString(16).padStart(4, '0')}${set.map((x) => ', ' + x).join('')}`, children: kids });
    }
    if (n >= 4) out.push({ def: F.gbp, start: s + 2, len: 2, value: v.gbp });
    if (n >= 7) out.push({ def: F.vni, start: s + 4, len: 3, value: v.vni });
    if (n >= 8) out.push({ def: F.reserved8, start: s + 7, len: 1, value: v.reserved });
    void ctx;
    return out;
  },
  label() {
    return 'Virtual eXtensible Local Area Network';
  },
  encode(input, payload) {
    const flags = input.flags ?? 0x0800;
    const gbp = input.gbp ?? 0;
    const vni = input.vni ?? 0;
    const reserved = input.reserved ?? 0;
    for (const [name, val, max] of [
      ['vxlan.flags', flags, 0xffff],
      ['vxlan.gbp', gbp, 0xffff],
      ['vxlan.vni', vni, 0xffffff],
      ['vxlan.reserved8', reserved, 0xff],
    ] as const) {
      if (!Number.isInteger(val) || val < 0 || val > max) throw new EncodeError(name, `${val} does not fit`);
    }
    const out = new Uint8Array(HDR + payload.length);
    out[0] = flags >> 8;
    out[1] = flags & 0xff;
    out[2] = gbp >> 8;
    out[3] = gbp & 0xff;
    out[4] = vni >> 16;
    out[5] = (vni >> 8) & 0xff;
    out[6] = vni & 0xff;
    out[7] = reserved;
    out.set(payload, HDR);
    return out;
  },
  toInput(layer) {
    const v = layer.value;
    return { flags: v.flags, gbp: v.gbp, vni: v.vni, reserved: v.reserved };
  },
});
