/**
 * Cisco MetaData (CMD, EtherType 0x8909): carries a security group tag (SGT) with the frame. On Ethernet the
 * 8-byte header is version, length, options, SGT, then the EtherType of the payload; inside GRE (protocol 0x8909)
 * the EtherType comes first (tshark 4.0 shows it so).
 */
import { EncodeError, problem } from '../core/problem.js';
import { defineFields } from '../fields/types.js';
import type { FieldNode } from '../fields/types.js';
import { ETHERTYPES } from './ethernet.js';
import { defineProtocol } from './types.js';

export const cmdTable = defineFields(
  { abbrev: 'cmd', name: 'Cisco MetaData', desc: "Cisco's metadata header: a security group tag for TrustSec policy, then the payload's EtherType" },
  {
    version: { abbrev: 'cmd.version', name: 'Version', type: 'UINT8', base: 'DEC', desc: 'Metadata format version (1)' },
    length: { abbrev: 'cmd.length', name: 'Length', type: 'UINT8', base: 'DEC', desc: 'Length of the metadata options, in 4-byte words' },
    options: { abbrev: 'cmd.options', name: 'Options', type: 'UINT16', base: 'HEX', desc: 'Option length and type (0x0001: SGT)' },
    sgt: { abbrev: 'cmd.sgt', name: 'SGT', type: 'UINT16', base: 'DEC', desc: 'Security group tag of the source' },
    type: { abbrev: 'cmd.type', name: 'Type', type: 'UINT16', base: 'HEX', strings: ETHERTYPES, auto: 'next', desc: 'EtherType of the payload' },
  },
);

const F = cmdTable.fields;
const HDR = 8;

export interface CmdValue {
  /** The EtherType leads (inside GRE) rather than trails (on Ethernet). */
  typeFirst: boolean;
  version: number;
  length: number;
  options: number;
  sgt: number;
  type: number;
}

export interface CmdInput {
  /** Undefined: true when the outer layer is GRE. */
  typeFirst?: boolean;
  version?: number;
  length?: number;
  options?: number;
  sgt?: number;
  /** Undefined: the inner layer's EtherType. */
  type?: number;
}

export const cmd = defineProtocol<CmdValue, CmdInput>({
  name: 'cmd',
  shortName: 'CMD',
  table: cmdTable,
  bindings: [
    { table: 'ethertype', key: 0x8909 },
    { table: 'gre.proto', key: 0x8909 },
  ],
  decode(b, start, end, ctx) {
    const outer = ctx.layers[ctx.layers.length - 1];
    const typeFirst = outer?.proto.name === 'gre';
    const o = typeFirst ? 2 : 0;
    const avail = end - start;
    const u16 = (at: number) => (start + at + 2 <= end ? (b[start + at]! << 8) | b[start + at + 1]! : 0);
    const v: CmdValue = { typeFirst, version: avail > o ? b[start + o]! : 0, length: avail > o + 1 ? b[start + o + 1]! : 0, options: u16(o + 2), sgt: u16(o + 4), type: u16(typeFirst ? 0 : 6) };
    if (avail < HDR) {
      ctx.problems.push(problem('cmd', 'truncated', start, end, `Cisco MetaData header needs ${HDR} bytes, ${avail} present`, { expected: HDR, actual: avail, limitedBy: 'frame.cap_len' }));
      return { value: v, headerEnd: end, end };
    }
    return { value: v, headerEnd: start + HDR, end, next: [{ table: 'ethertype', key: v.type }] };
  },
  tree(layer) {
    const v = layer.value;
    const s = layer.start;
    const n = layer.headerEnd - s;
    const out: FieldNode[] = [];
    const o = v.typeFirst ? 2 : 0;
    const typeAt = v.typeFirst ? 0 : 6;
    if (v.typeFirst && n >= 2) out.push({ def: F.type, start: s, len: 2, value: v.type });
    if (n >= o + 1) out.push({ def: F.version, start: s + o, len: 1, value: v.version });
    if (n >= o + 2) out.push({ def: F.length, start: s + o + 1, len: 1, value: v.length });
    if (n >= o + 4) out.push({ def: F.options, start: s + o + 2, len: 2, value: v.options });
    if (n >= o + 6) out.push({ def: F.sgt, start: s + o + 4, len: 2, value: v.sgt });
    if (!v.typeFirst && n >= typeAt + 2) out.push({ def: F.type, start: s + typeAt, len: 2, value: v.type });
    return out;
  },
  encode(input, payload, ctx) {
    const outer = ctx.outer[ctx.outer.length - 1];
    const typeFirst = input.typeFirst ?? outer?.proto.name === 'gre';
    const type = input.type ?? ctx.inner?.proto.bindings?.find((x) => x.table === 'ethertype')?.key ?? 0;
    const vals = { version: input.version ?? 1, length: input.length ?? 1, options: input.options ?? 1, sgt: input.sgt ?? 0 };
    for (const [name, val, max] of [
      ['cmd.version', vals.version, 0xff],
      ['cmd.length', vals.length, 0xff],
      ['cmd.options', vals.options, 0xffff],
      ['cmd.sgt', vals.sgt, 0xffff],
      ['cmd.type', type, 0xffff],
    ] as const) {
      if (!Number.isInteger(val) || val < 0 || val > max) throw new EncodeError(name, `${val} does not fit`);
    }
    const out = new Uint8Array(HDR + payload.length);
    const o = typeFirst ? 2 : 0;
    const t = typeFirst ? 0 : 6;
    out[t] = type >> 8;
    out[t + 1] = type & 0xff;
    out[o] = vals.version;
    out[o + 1] = vals.length;
    out[o + 2] = vals.options >> 8;
    out[o + 3] = vals.options & 0xff;
    out[o + 4] = vals.sgt >> 8;
    out[o + 5] = vals.sgt & 0xff;
    out.set(payload, HDR);
    return out;
  },
  toInput(layer) {
    const v = layer.value;
    return { typeFirst: v.typeFirst, version: v.version, length: v.length, options: v.options, sgt: v.sgt, type: v.type };
  },
});
