import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { toHex } from '../../src/core/bytes.js';

const reference = (b: Uint8Array, start: number, end: number, sep: string): string =>
  Array.from(b.subarray(start, end), (x) => x.toString(16).padStart(2, '0')).join(sep);

describe('toHex', () => {
  it('short and long runs (the flat-string path above 256 bytes), any range, with and without a separator', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 2000 }), fc.nat(), fc.nat(), fc.constantFrom('', ':', ' ', ', '), (b, x, y, sep) => {
        const start = b.length ? x % (b.length + 1) : 0;
        const end = start + (b.length - start ? y % (b.length - start + 1) : 0);
        expect(toHex(b, start, end, sep)).toBe(reference(b, start, end, sep));
      }),
      { numRuns: 300 },
    );
  });

  it('a 64 KiB payload', () => {
    const b = new Uint8Array(65536).map((_, i) => (i * 131) & 0xff);
    expect(toHex(b, 0, b.length, ':')).toBe(reference(b, 0, b.length, ':'));
    expect(toHex(b).length).toBe(131072);
  });
});
