/** RFC 1071 Internet checksum and the RFC 1624 incremental update. */

/** One's-complement sum of 16-bit big-endian words over bytes[start, end), folded to 16 bits (not complemented). */
export function onesSum(bytes: Uint8Array, start: number, end: number, initial = 0): number {
  let sum = initial;
  let i = start;
  const last = end - 1;
  for (; i < last; i += 2) sum += (bytes[i]! << 8) | bytes[i + 1]!;
  if (i < end) sum += bytes[i]! << 8;
  while (sum > 0xffff) sum = (sum & 0xffff) + (sum >>> 16);
  return sum;
}

/** The checksum value to put in a header: ~sum (0xffff stays 0xffff never 0 only where callers map it). */
export function internetChecksum(bytes: Uint8Array, start = 0, end = bytes.length, initial = 0): number {
  return ~onesSum(bytes, start, end, initial) & 0xffff;
}

/** Sum of a 32-bit value as two 16-bit words. */
export function sum32(v: number): number {
  return ((v >>> 16) & 0xffff) + (v & 0xffff);
}

/**
 * RFC 1624 eqn. 3: HC' = ~(~HC + ~m + m'), for a 16-bit word changing from m to m'.
 */
export function checksumUpdate16(hc: number, oldWord: number, newWord: number): number {
  let sum = (~hc & 0xffff) + (~oldWord & 0xffff) + (newWord & 0xffff);
  while (sum > 0xffff) sum = (sum & 0xffff) + (sum >>> 16);
  return ~sum & 0xffff;
}

/** RFC 1624 update for a changed byte range (e.g. an address): old and new must have the same even length. */
export function checksumUpdateBytes(hc: number, oldBytes: Uint8Array, newBytes: Uint8Array): number {
  if (oldBytes.length !== newBytes.length) throw new RangeError('checksumUpdateBytes: lengths differ');
  let c = hc;
  for (let i = 0; i < oldBytes.length; i += 2) {
    const o = (oldBytes[i]! << 8) | (oldBytes[i + 1] ?? 0);
    const n = (newBytes[i]! << 8) | (newBytes[i + 1] ?? 0);
    c = checksumUpdate16(c, o, n);
  }
  return c;
}
