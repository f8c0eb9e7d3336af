/** MAC, IPv4 and IPv6 addresses: text forms as tshark prints them, parsing, and CIDR arithmetic. */

const HEX2: string[] = [];
for (let i = 0; i < 256; i++) HEX2.push(i.toString(16).padStart(2, '0'));
export { HEX2 };

/**
 * Texts of the addresses seen last, by their value: a capture repeats a few thousand addresses millions of times,
 * and a lookup costs less than building the string (bounded: emptied when full).
 */
const MAC_TEXT = new Map<number, string>();
const IPV4_TEXT = new Map<number, string>();
const ADDR_CACHE_MAX = 1 << 16;

/** `00:1b:21:3a:4f:5c` (lower case, as tshark prints eth.src). */
export function macToString(b: Uint8Array, off = 0, len = 6): string {
  if (len !== 6 || !Number.isInteger(off) || off < 0 || off + 6 > b.length) return macText(b, off, len);
  const key = ((b[off]! << 16) | (b[off + 1]! << 8) | b[off + 2]!) * 0x1000000 + ((b[off + 3]! << 16) | (b[off + 4]! << 8) | b[off + 5]!);
  let s = MAC_TEXT.get(key);
  if (s === undefined) {
    s = macText(b, off, 6);
    if (MAC_TEXT.size >= ADDR_CACHE_MAX) MAC_TEXT.clear();
    MAC_TEXT.set(key, s);
  }
  return s;
}

function macText(b: Uint8Array, off: number, len: number): string {
  let s = HEX2[b[off]!]!;
  for (let i = 1; i < len; i++) s += ':' + HEX2[b[off + i]!]!;
  return s;
}

export function ipv4ToString(b: Uint8Array, off = 0): string {
  if (!Number.isInteger(off) || off < 0 || off + 4 > b.length) return `${b[off]}.${b[off + 1]}.${b[off + 2]}.${b[off + 3]}`;
  const key = ((b[off]! << 24) | (b[off + 1]! << 16) | (b[off + 2]! << 8) | b[off + 3]!) >>> 0;
  let s = IPV4_TEXT.get(key);
  if (s === undefined) {
    s = `${b[off]}.${b[off + 1]}.${b[off + 2]}.${b[off + 3]}`;
    if (IPV4_TEXT.size >= ADDR_CACHE_MAX) IPV4_TEXT.clear();
    IPV4_TEXT.set(key, s);
  }
  return s;
}

/** RFC 5952 text: lower case, leading zeros dropped, the longest run (>1) of zero groups as `::`, first on ties. */
export function ipv6ToString(b: Uint8Array, off = 0): string {
  const g = new Array<number>(8);
  for (let i = 0; i < 8; i++) g[i] = (b[off + 2 * i]! << 8) | b[off + 2 * i + 1]!;
  // IPv4-mapped (::ffff:a.b.c.d) and IPv4-compatible forms as Wireshark prints them
  if (g[0] === 0 && g[1] === 0 && g[2] === 0 && g[3] === 0 && g[4] === 0) {
    if (g[5] === 0xffff) return '::ffff:' + ipv4ToString(b, off + 12);
  }
  let bestStart = -1;
  let bestLen = 0;
  for (let i = 0; i < 8; ) {
    if (g[i] === 0) {
      let j = i;
      while (j < 8 && g[j] === 0) j++;
      if (j - i > bestLen) {
        bestStart = i;
        bestLen = j - i;
      }
      i = j;
    } else i++;
  }
  if (bestLen < 2) bestStart = -1;
  let s = '';
  for (let i = 0; i < 8; i++) {
    if (i === bestStart) {
      s += '::';
      i += bestLen - 1;
      continue;
    }
    if (s.length > 0 && !s.endsWith(':')) s += ':';
    s += g[i]!.toString(16);
  }
  return s;
}

/** Parse `a.b.c.d`; returns null when not a dotted quad. */
export function parseIPv4(text: string): Uint8Array | null {
  const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(text);
  if (!m) return null;
  const out = new Uint8Array(4);
  for (let i = 0; i < 4; i++) {
    const n = Number(m[i + 1]);
    if (n > 255) return null;
    out[i] = n;
  }
  return out;
}

/** Parse any RFC 4291 text form (with `::` and an embedded IPv4 tail); null when invalid. */
export function parseIPv6(text: string): Uint8Array | null {
  if (!/^[0-9a-fA-F:.]+$/.test(text)) return null;
  let head = text;
  let tail4: Uint8Array | null = null;
  const lastColon = text.lastIndexOf(':');
  if (text.includes('.')) {
    tail4 = parseIPv4(text.slice(lastColon + 1));
    if (!tail4) return null;
    head = text.slice(0, lastColon + 1) + '0:0';
  }
  const dbl = head.indexOf('::');
  if (dbl !== head.lastIndexOf('::')) return null;
  const parseGroups = (s: string): number[] | null => {
    if (s === '') return [];
    const parts = s.split(':');
    const out: number[] = [];
    for (const p of parts) {
      if (!/^[0-9a-fA-F]{1,4}$/.test(p)) return null;
      out.push(parseInt(p, 16));
    }
    return out;
  };
  let groups: number[];
  if (dbl >= 0) {
    const a = parseGroups(head.slice(0, dbl));
    const b = parseGroups(head.slice(dbl + 2));
    if (!a || !b || a.length + b.length > 7) return null;
    groups = [...a, ...new Array<number>(8 - a.length - b.length).fill(0), ...b];
  } else {
    const a = parseGroups(head);
    if (!a || a.length !== 8) return null;
    groups = a;
  }
  const out = new Uint8Array(16);
  for (let i = 0; i < 8; i++) {
    out[2 * i] = groups[i]! >> 8;
    out[2 * i + 1] = groups[i]! & 0xff;
  }
  if (tail4) out.set(tail4, 12);
  return out;
}

/** Parse `00:1b:21:3a:4f:5c`, `00-1b-...` or `001b.213a.4f5c`; null when invalid. */
export function parseMAC(text: string): Uint8Array | null {
  const hex = text.replace(/[:\-.]/g, '');
  if (!/^[0-9a-fA-F]{12}$/.test(hex)) return null;
  const out = new Uint8Array(6);
  for (let i = 0; i < 6; i++) out[i] = parseInt(hex.slice(2 * i, 2 * i + 2), 16);
  return out;
}

export function ipv4ToNumber(b: Uint8Array, off = 0): number {
  return ((b[off]! << 24) | (b[off + 1]! << 16) | (b[off + 2]! << 8) | b[off + 3]!) >>> 0;
}

export function numberToIPv4(n: number): Uint8Array {
  return new Uint8Array([(n >>> 24) & 0xff, (n >>> 16) & 0xff, (n >>> 8) & 0xff, n & 0xff]);
}

export interface Cidr4 {
  network: string;
  mask: string;
  prefix: number;
  broadcast: string | null;
  firstUsable: string;
  lastUsable: string;
  addresses: number;
  usable: number;
}

/**
 * CIDR arithmetic for `a.b.c.d/n`. /31 is a point-to-point link (RFC 3021: both addresses usable, no
 * broadcast); /32 is a single host.
 */
export function cidr4(text: string): Cidr4 {
  const m = /^(.+)\/(\d{1,2})$/.exec(text);
  const addr = m ? parseIPv4(m[1]!) : null;
  const prefix = m ? Number(m[2]) : NaN;
  if (!addr || !(prefix >= 0 && prefix <= 32)) throw new RangeError(`not an IPv4 CIDR block: ${text}`);
  const mask = prefix === 0 ? 0 : (0xffffffff << (32 - prefix)) >>> 0;
  const net = (ipv4ToNumber(addr) & mask) >>> 0;
  const bcast = (net | (~mask >>> 0)) >>> 0;
  const addresses = 2 ** (32 - prefix);
  const s = (n: number) => ipv4ToString(numberToIPv4(n));
  if (prefix >= 31) {
    return {
      network: s(net),
      mask: s(mask),
      prefix,
      broadcast: null,
      firstUsable: s(net),
      lastUsable: s(bcast),
      addresses,
      usable: addresses,
    };
  }
  return {
    network: s(net),
    mask: s(mask),
    prefix,
    broadcast: s(bcast),
    firstUsable: s(net + 1),
    lastUsable: s(bcast - 1),
    addresses,
    usable: addresses - 2,
  };
}

/** True when `addr` (4 or 16 bytes) lies in the block `net`/`prefix` (same family). */
export function inPrefix(addr: Uint8Array, addrOff: number, net: Uint8Array, prefix: number): boolean {
  let bits = prefix;
  for (let i = 0; i < net.length && bits > 0; i++, bits -= 8) {
    const m = bits >= 8 ? 0xff : (0xff << (8 - bits)) & 0xff;
    if ((addr[addrOff + i]! & m) !== (net[i]! & m)) return false;
  }
  return true;
}
