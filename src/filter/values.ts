/**
 * Filter values: field occurrences and literals converted to one comparable form per value class, and the
 * comparisons on them. Integers are numbers or bigints (JS compares the two exactly), booleans 0/1, times
 * bigint nanoseconds, IPv4 addresses uint32 numbers, IPv6 addresses, MACs, byte sequences and protocols bytes.
 */
import { ipv4ToNumber, parseIPv4, parseIPv6, parseMAC } from '../core/addr.js';
import type { FieldNode } from '../fields/types.js';
import type { ValueClass } from './fields.js';

/** An address block literal (`10.0.0.0/8`, `2001:db8::/32`): equal to every address inside it. */
export class Cidr {
  constructor(
    /** uint32 for IPv4, 16 bytes for IPv6. */
    readonly net: number | Uint8Array,
    readonly prefix: number,
  ) {}
}

export type Val = number | bigint | string | Uint8Array | Cidr;

const enc = new TextEncoder();
const utf8 = new TextDecoder('utf-8');
const latin1 = new TextDecoder('latin1');

export function utf8Bytes(s: string): Uint8Array {
  return enc.encode(s);
}
export function utf8Text(b: Uint8Array): string {
  return utf8.decode(b);
}
export function latin1Text(b: Uint8Array): string {
  return latin1.decode(b);
}

/** `1369953917.270862000` (as the frame nodes carry times) -> nanoseconds; null when not a time. */
export function timeNs(v: unknown): bigint | null {
  if (typeof v === 'number') return Number.isFinite(v) ? BigInt(Math.round(v * 1e9)) : null;
  if (typeof v === 'bigint') return v * 1_000_000_000n;
  if (typeof v !== 'string') return null;
  const m = /^(-?)(\d+)(?:\.(\d{0,9})\d*)?$/.exec(v);
  if (!m) return null;
  const ns = BigInt(m[2]!) * 1_000_000_000n + BigInt((m[3] ?? '').padEnd(9, '0') || '0');
  return m[1] ? -ns : ns;
}

/** The value of an occurrence as its class compares it; undefined when it has none. */
export function nodeValue(cls: ValueClass, n: FieldNode, data: Uint8Array): Val | undefined {
  const v = n.value;
  switch (cls) {
    case 'int':
      if (typeof v === 'number' || typeof v === 'bigint') return v;
      if (typeof v === 'boolean') return v ? 1 : 0;
      if (typeof v === 'string' && /^-?\d+$/.test(v)) return Number(v);
      return undefined;
    case 'bool':
      if (typeof v === 'boolean') return v ? 1 : 0;
      if (typeof v === 'number' || typeof v === 'bigint') return v ? 1 : 0;
      return undefined;
    case 'float':
      if (typeof v === 'number') return v;
      if (typeof v === 'string' && v !== '' && Number.isFinite(Number(v))) return Number(v);
      return undefined;
    case 'time':
      return timeNs(v) ?? undefined;
    case 'string':
      if (typeof v === 'string') return v;
      if (v instanceof Uint8Array) return latin1Text(v);
      if (v === null || v === undefined) return undefined;
      return String(v);
    case 'ipv4':
      if (typeof v === 'string') {
        const b = parseIPv4(v);
        return b ? ipv4ToNumber(b) : undefined;
      }
      if (v instanceof Uint8Array && v.length === 4) return ipv4ToNumber(v);
      if (typeof v === 'number') return v >>> 0;
      return undefined;
    case 'ipv6':
      if (typeof v === 'string') return parseIPv6(v) ?? undefined;
      if (v instanceof Uint8Array && v.length === 16) return v;
      return undefined;
    case 'ether':
      if (typeof v === 'string') return parseMAC(v) ?? parseHexBytes(v) ?? undefined;
      if (v instanceof Uint8Array) return v;
      return undefined;
    case 'bytes':
      if (v instanceof Uint8Array) return v;
      return rawBytes(n, data);
    case 'proto':
      return rawBytes(n, data);
    case 'none':
      return undefined;
  }
}

/** The bytes an occurrence covers in the frame (clipped to the frame). */
export function rawBytes(n: FieldNode, data: Uint8Array): Uint8Array {
  const s = Math.min(Math.max(0, n.start), data.length);
  const e = Math.min(Math.max(s, n.start + n.len), data.length);
  return data.subarray(s, e);
}

/** The bytes of an occurrence for slicing: addresses and strings from their value, the rest from the frame. */
export function sliceBytes(cls: ValueClass, n: FieldNode, data: Uint8Array): Uint8Array | undefined {
  const v = n.value;
  switch (cls) {
    case 'string':
      return typeof v === 'string' ? utf8Bytes(v) : v instanceof Uint8Array ? v : undefined;
    case 'ipv4': {
      const x = nodeValue('ipv4', n, data);
      return typeof x === 'number' ? new Uint8Array([x >>> 24, (x >>> 16) & 0xff, (x >>> 8) & 0xff, x & 0xff]) : undefined;
    }
    case 'ipv6':
    case 'ether':
    case 'bytes':
    case 'proto': {
      const x = nodeValue(cls, n, data);
      return x instanceof Uint8Array ? x : undefined;
    }
    default:
      return rawBytes(n, data);
  }
}

/** Hex bytes: `00:1b:21`, `00-1b-21`, `00.1b.21`, `001b21`, `7a`; groups of one or two digits. */
export function parseHexBytes(text: string): Uint8Array | null {
  if (/^[0-9a-fA-F]{1,2}$/.test(text)) return new Uint8Array([parseInt(text, 16)]);
  if (/^([0-9a-fA-F]{2})+$/.test(text)) {
    const out = new Uint8Array(text.length / 2);
    for (let i = 0; i < out.length; i++) out[i] = parseInt(text.slice(2 * i, 2 * i + 2), 16);
    return out;
  }
  for (const sep of [':', '-', '.']) {
    if (!text.includes(sep)) continue;
    const parts = text.split(sep);
    if (parts.every((p) => /^[0-9a-fA-F]{1,2}$/.test(p))) return Uint8Array.from(parts.map((p) => parseInt(p, 16)));
    // MAC-style groups of four digits (`001b.213a.4f5c`)
    if (sep === '.' && parts.every((p) => /^[0-9a-fA-F]{4}$/.test(p))) return parseHexBytes(parts.join(''));
  }
  return null;
}

export function bytesCmp(a: Uint8Array, b: Uint8Array): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) if (a[i] !== b[i]) return a[i]! - b[i]!;
  return a.length - b.length;
}

export function bytesIndexOf(hay: Uint8Array, needle: Uint8Array): number {
  if (needle.length === 0) return 0;
  const first = needle[0]!;
  const last = hay.length - needle.length;
  outer: for (let i = 0; i <= last; i++) {
    if (hay[i] !== first) continue;
    for (let j = 1; j < needle.length; j++) if (hay[i + j] !== needle[j]) continue outer;
    return i;
  }
  return -1;
}

function maskedCmp4(a: number, b: number, prefix: number): number {
  const m = prefix === 0 ? 0 : (0xffffffff << (32 - prefix)) >>> 0;
  const x = (a & m) >>> 0;
  const y = (b & m) >>> 0;
  return x === y ? 0 : x < y ? -1 : 1;
}

function maskedCmp6(a: Uint8Array, b: Uint8Array, prefix: number): number {
  let bits = prefix;
  for (let i = 0; i < 16; i++, bits -= 8) {
    const m = bits >= 8 ? 0xff : bits <= 0 ? 0 : (0xff << (8 - bits)) & 0xff;
    const d = (a[i]! & m) - (b[i]! & m);
    if (d !== 0) return d;
  }
  return 0;
}

/**
 * Order of two values of one class (negative, zero, positive). Address blocks compare their network parts:
 * an address equals a block that contains it.
 */
export function compare(cls: ValueClass, a: Val, b: Val): number {
  switch (cls) {
    case 'int':
    case 'bool':
    case 'float':
    case 'time':
      return a < b ? -1 : a > b ? 1 : a == b ? 0 : NaN; // eslint-disable-line eqeqeq
    case 'string':
      return a === b ? 0 : (a as string) < (b as string) ? -1 : 1;
    case 'ipv4': {
      const pa = a instanceof Cidr ? a.prefix : 32;
      const pb = b instanceof Cidr ? b.prefix : 32;
      const x = a instanceof Cidr ? (a.net as number) : (a as number);
      const y = b instanceof Cidr ? (b.net as number) : (b as number);
      return maskedCmp4(x, y, Math.min(pa, pb));
    }
    case 'ipv6': {
      const pa = a instanceof Cidr ? a.prefix : 128;
      const pb = b instanceof Cidr ? b.prefix : 128;
      const x = a instanceof Cidr ? (a.net as Uint8Array) : (a as Uint8Array);
      const y = b instanceof Cidr ? (b.net as Uint8Array) : (b as Uint8Array);
      return maskedCmp6(x, y, Math.min(pa, pb));
    }
    default:
      return bytesCmp(a as Uint8Array, b as Uint8Array);
  }
}
