/**
 * MAC and IPv4 address texts come from a bounded cache keyed by the address value: equal to building the text,
 * for any bytes, offsets (also past the end) and call orders, before and after the cache is emptied.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ipv4ToString, macToString } from '../../src/core/addr.js';

const hex = (x: number | undefined): string | undefined => (x === undefined ? undefined : x.toString(16).padStart(2, '0'));
const mac = (b: Uint8Array, off: number, len: number): string => Array.from({ length: len }, (_, i) => String(hex(b[off + i]))).join(':');
const ip4 = (b: Uint8Array, off: number): string => `${b[off]}.${b[off + 1]}.${b[off + 2]}.${b[off + 3]}`;

describe('address texts (cached) == built', () => {
  it('any bytes and offsets, repeated', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 24 }), fc.array(fc.integer({ min: 0, max: 26 }), { minLength: 1, maxLength: 10 }), (b, offs) => {
        for (const off of [...offs, ...offs]) {
          expect(ipv4ToString(b, off)).toBe(ip4(b, off));
          expect(macToString(b, off)).toBe(mac(b, off, 6));
          expect(macToString(b, off, 8)).toBe(mac(b, off, 8));
        }
      }),
      { numRuns: 2000 },
    );
  });
  it('more distinct addresses than the cache holds', () => {
    const b = new Uint8Array(6);
    for (let i = 0; i < 70000; i += 7) {
      b[2] = i >> 16;
      b[3] = (i >> 8) & 255;
      b[5] = i & 255;
      expect(ipv4ToString(b, 2)).toBe(ip4(b, 2));
      expect(macToString(b, 0)).toBe(mac(b, 0, 6));
    }
    expect(ipv4ToString(b, 2)).toBe(ip4(b, 2));
  });
});
