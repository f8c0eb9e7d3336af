/**
 * Relative times of TCP/UDP conversations (tcp.time_relative, udp.time_delta...) are computed on numbers, not on
 * BigInt nanoseconds: timeDiffText (src/dissect/frame.ts) equals the BigInt computation it replaced, for any times.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { timeDiffText } from '../../src/dissect/frame.js';

/** The general path: nanoseconds as BigInts, seconds with 9 decimals. */
function nsText(s1: number, n1: number, s0: number, n0: number): string {
  const ns = BigInt(s1) * 1_000_000_000n + BigInt(n1) - (BigInt(s0) * 1_000_000_000n + BigInt(n0));
  const neg = ns < 0n;
  const a = neg ? -ns : ns;
  return `${neg ? '-' : ''}${a / 1_000_000_000n}.${String(a % 1_000_000_000n).padStart(9, '0')}`;
}

const sec = fc.oneof(fc.integer({ min: 0, max: 2 ** 32 - 1 }), fc.integer({ min: 1_600_000_000, max: 1_600_000_100 }), fc.maxSafeInteger(), fc.integer());
const nsec = fc.oneof(fc.integer({ min: 0, max: 999_999_999 }), fc.integer({ min: 0, max: 2 ** 32 - 1 }).map((u) => u * 1000), fc.constantFrom(0, 999_999_999, 1e9));

describe('timeDiffText == BigInt nanosecond difference', () => {
  it('any times', () => {
    fc.assert(
      fc.property(sec, nsec, sec, nsec, (s1, n1, s0, n0) => {
        expect(timeDiffText(s1, n1, s0, n0)).toBe(nsText(s1, n1, s0, n0));
      }),
      { numRuns: 5000 },
    );
  });
  it('close times, both orders', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1_000_000_000, max: 1_000_000_010 }), nsec, fc.integer({ min: 1_000_000_000, max: 1_000_000_010 }), nsec, (s1, n1, s0, n0) => {
        expect(timeDiffText(s1, n1, s0, n0)).toBe(nsText(s1, n1, s0, n0));
        expect(timeDiffText(s0, n0, s1, n1)).toBe(nsText(s0, n0, s1, n1));
      }),
      { numRuns: 3000 },
    );
    expect(timeDiffText(5, 0, 5, 0)).toBe('0.000000000');
    expect(timeDiffText(4, 999_999_999, 5, 0)).toBe('-0.000000001');
  });
});
