/**
 * BSD loopback encapsulation: LINKTYPE_NULL (0), a 4-byte address family in the capturing host's byte order, and
 * LINKTYPE_LOOP (108), the same in network byte order (OpenBSD). Both are `null` in tshark. Some systems wrote an
 * EtherType instead of a family (shown as `null.type`); `ff 03` starts PPP in HDLC-like framing.
 */
import { problem } from '../core/problem.js';
import { EncodeError } from '../core/problem.js';
import { readUint, writeUint } from '../fields/compile.js';
import { defineFields } from '../fields/types.js';
import type { FieldNode } from '../fields/types.js';
import { ETHERTYPES, MAX_8023_LEN, onlyDataInside } from './ethernet.js';
import { defineProtocol } from './types.js';
import type { Binding, DecodeContext, DecodeResult, EncodeContext, Protocol } from './types.js';

/** BSD AF_ values (as the capturing system numbered them: IPv6 is 24 on NetBSD/OpenBSD, 28 FreeBSD, 30 macOS). */
export const NULL_FAMILIES: Readonly<Record<number, string>> = {
  2: 'IP',
  7: 'OSI',
  16: 'Appletalk',
  23: 'Netware IPX/SPX',
  24: 'IPv6',
  28: 'IPv6',
  30: 'IPv6',
};

export const nullTable = defineFields(
  { abbrev: 'null', name: 'Null/Loopback', desc: 'The 4-byte header of BSD loopback captures: which address family the packet belongs to' },
  {
    family: { abbrev: 'null.family', name: 'Family', type: 'UINT32', base: 'DEC', strings: NULL_FAMILIES, auto: 'next', desc: 'BSD address family of the payload (2 = IPv4; 24, 28 or 30 = IPv6 depending on the OS)' },
    type: { abbrev: 'null.type', name: 'Type', type: 'UINT16', base: 'HEX', strings: ETHERTYPES, desc: 'An EtherType some systems wrote instead of an address family' },
  },
);

const F = nullTable.fields;
const HDR = 4;

/** How the 4 header bytes were read. */
export type NullOrder = 'le' | 'be' | 'irix' | 'irix-swapped';

export interface NullValue {
  /** The 4 header bytes as captured (fewer when truncated). */
  header: Uint8Array;
  /** `family`: an AF_ value; `ethertype`: an EtherType; `ppp`: PPP in HDLC framing (no null header). */
  kind: 'family' | 'ethertype' | 'ppp';
  /** The family (kind `family`) or EtherType (kind `ethertype`). */
  value: number;
  /** Byte order the value was found in. */
  order: NullOrder;
}

export interface NullInput {
  /** Address family. Undefined: 2 for an inner IPv4 layer, 30 for IPv6 (macOS numbering). */
  family?: number;
  /** Write this EtherType instead of a family (kind `ethertype`). */
  type?: number;
  /** Byte order of the header. LINKTYPE_NULL: default little-endian (the common capturing hosts). LOOP: always big-endian. */
  byteOrder?: 'le' | 'be';
  /** The 4 header bytes verbatim, or none for PPP framing (overrides the rest). */
  header?: Uint8Array;
}

/** Bytes a NULL/LOOP header encodes to around a payload of `payloadLength` bytes (always 4 + payload). */
export function nullEncodingLength(_input: NullInput, payloadLength: number): number {
  return HDR + payloadLength;
}

function bswap32(x: number): number {
  return (((x & 0xff) << 24) | ((x & 0xff00) << 8) | ((x >>> 8) & 0xff00) | (x >>> 24)) >>> 0;
}

/** The family (or EtherType) in a LINKTYPE_NULL header, read as tshark does on a little-endian host. */
export function nullHeaderValue(b: Uint8Array, at: number): { value: number; order: NullOrder } {
  let h = (b[at]! | (b[at + 1]! << 8) | (b[at + 2]! << 16) | (b[at + 3]! << 24)) >>> 0;
  if ((h & 0xffff0000) !== 0) {
    // Not a small number in little-endian order: a big-endian family, or an IRIX 16-bit family in the upper half.
    if ((h & 0xff000000) === 0 && (h & 0x00ff0000) >>> 0 < 0x00060000) return { value: h >>> 16, order: 'irix' };
    h = bswap32(h);
    return { value: h, order: 'be' };
  }
  if ((h & 0xff) === 0 && (h & 0xff00) < 0x0600) return { value: ((h & 0xff00) >>> 8) | ((h & 0xff) << 8), order: 'irix-swapped' };
  return { value: h, order: 'le' };
}

/** Where a family's payload goes. */
function familyNext(family: number): (Binding | { proto: string })[] {
  const out: (Binding | { proto: string })[] = [{ table: 'null.family', key: family }];
  if (family === 2) out.push({ proto: 'ip' });
  else if (family === 24 || family === 28 || family === 30) out.push({ proto: 'ipv6' });
  return out;
}

function nullProtocol(loop: boolean): Protocol<NullValue, NullInput> {
  return defineProtocol<NullValue, NullInput>({
    name: 'null',
    shortName: 'N/A',
    table: nullTable,
    bindings: [{ table: 'linktype', key: loop ? 108 : 0 }],
    decode(b: Uint8Array, start: number, end: number, ctx: DecodeContext): DecodeResult<NullValue> {
      const avail = end - start;
      const v: NullValue = { header: b.subarray(start, Math.min(end, start + HDR)), kind: 'family', value: 0, order: loop ? 'be' : 'le' };
      if (!loop && avail >= 2 && b[start] === 0xff && b[start + 1] === 0x03) {
        v.kind = 'ppp';
        v.header = b.subarray(start, start);
        return { value: v, headerEnd: start, end, next: [{ proto: 'ppp' }] };
      }
      if (avail < HDR) {
        ctx.problems.push(problem('null', 'truncated', start, end, `loopback header needs ${HDR} bytes, ${avail} present`, { field: 'null.family', expected: HDR, actual: avail, limitedBy: 'frame.cap_len' }));
        return { value: v, headerEnd: end, end };
      }
      if (loop) {
        v.value = readUint(b, start, 4);
        return { value: v, headerEnd: start + HDR, end, next: familyNext(v.value) };
      }
      const h = nullHeaderValue(b, start);
      v.value = h.value;
      v.order = h.order;
      if (h.value > MAX_8023_LEN) {
        v.kind = 'ethertype';
        v.value = h.value & 0xffff;
        return { value: v, headerEnd: start + HDR, end, next: [{ table: 'ethertype', key: v.value }] };
      }
      return { value: v, headerEnd: start + HDR, end, next: familyNext(v.value) };
    },
    tree(layer) {
      const v = layer.value;
      if (v.kind === 'ppp' || layer.headerEnd - layer.start < HDR) return [];
      const n: FieldNode =
        v.kind === 'ethertype'
          ? { def: F.type, start: layer.start, len: HDR, value: v.value }
          : { def: F.family, start: layer.start, len: HDR, value: v.value };
      return [n];
    },
    label() {
      return 'Null/Loopback';
    },
    summary(layer, ctx) {
      return onlyDataInside(ctx) ? 'Null/Loopback' : '';
    },
    encode(input: NullInput, payload: Uint8Array, ctx: EncodeContext): Uint8Array {
      if (input.header) {
        // Verbatim header bytes: 4, or none (PPP in HDLC-like framing, where no null header precedes `ff 03`).
        if (input.header.length !== HDR && input.header.length !== 0) throw new EncodeError('null.family', `the header is ${HDR} bytes, got ${input.header.length}`);
        const raw = new Uint8Array(input.header.length + payload.length);
        raw.set(input.header, 0);
        raw.set(payload, input.header.length);
        return raw;
      }
      const out = new Uint8Array(HDR + payload.length);
      {
        let value = input.type ?? input.family;
        if (value === undefined) {
          const inner = ctx.inner?.proto;
          const bind = inner?.bindings?.find((x) => x.table === 'null.family');
          value = bind ? bind.key : inner?.name === 'ip' ? 2 : inner?.name === 'ipv6' ? 30 : 0;
        }
        if (!Number.isInteger(value) || value < 0 || value > 0xffffffff) throw new EncodeError(input.type !== undefined ? 'null.type' : 'null.family', `${value} does not fit in 32 bits`);
        if (loop || input.byteOrder === 'be') writeUint(out, 0, 4, value);
        else writeUint(out, 0, 4, bswap32(value));
      }
      out.set(payload, HDR);
      return out;
    },
    toInput(layer) {
      const v = layer.value;
      if (v.kind === 'ppp') return { header: new Uint8Array(0) };
      if (v.header.length < HDR) return { header: v.header };
      if (loop) return { family: v.value };
      if (v.order === 'le' || v.order === 'be') {
        const input: NullInput = v.kind === 'ethertype' ? { type: v.value } : { family: v.value };
        input.byteOrder = v.order;
        // Only when writing it back gives the same bytes (an EtherType found in the upper half does not).
        const again = v.order === 'be' ? readUint(v.header, 0, 4) : bswap32(readUint(v.header, 0, 4));
        if (again === v.value) return input;
      }
      return { header: v.header };
    },
  });
}

/** LINKTYPE_NULL (0): host byte order. */
export const nullLink = nullProtocol(false);
/** LINKTYPE_LOOP (108): network byte order. */
export const loopLink = nullProtocol(true);
