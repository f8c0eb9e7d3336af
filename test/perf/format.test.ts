/**
 * Caches on the -V path: bit drawings (bitPattern) are kept per mask and masked bits, and the time zone name of
 * frame.time per hour and UTC offset. Both equal what the uncached computation gives, in any order of calls
 * (times on both sides of daylight-saving changes included).
 */
process.env.TZ = 'America/New_York';

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { arrivalTime } from '../../src/core/time.js';
import { bitPattern } from '../../src/fields/format.js';

/** The drawing as tshark makes it, bit by bit (the general path). */
function draw(mask: number, bytes: number, raw: number): string {
  const bits = bytes * 8;
  let s = '';
  for (let i = bits - 1; i >= 0; i--) {
    const m = 2 ** i;
    const inMask = Math.floor(mask / m) % 2 === 1;
    s += inMask ? (Math.floor(raw / m) % 2 === 1 ? '1' : '0') : '.';
    if (i % 4 === 0 && i > 0) s += ' ';
  }
  return s + ' = ';
}

/** The zone name as Intl gives it for that instant (the general path of core/time.ts). */
function zone(d: Date): string {
  const z = new Intl.DateTimeFormat('en-US', { timeZoneName: 'short' }).formatToParts(d).find((p) => p.type === 'timeZoneName')?.value;
  return z === 'GMT' && d.getTimezoneOffset() === 0 ? 'UTC' : (z ?? '');
}

describe('-V caches', () => {
  it('bitPattern == the bit-by-bit drawing, any mask, width and value, repeated', () => {
    const masks = fc.oneof(fc.constantFrom(0xf0, 0x0f, 0x1fff, 0xe000, 0x3f, 0x8000, 0x7fff, 0xfffff, 0x4, 0x80000000), fc.integer({ min: 1, max: 0xffffffff }));
    fc.assert(
      fc.property(fc.array(fc.tuple(masks, fc.integer({ min: 1, max: 6 }), fc.integer({ min: 0, max: 0xffffffff })), { minLength: 1, maxLength: 30 }), (calls) => {
        for (const [mask, bytes, raw] of [...calls, ...calls]) expect(bitPattern(mask, bytes, raw)).toBe(draw(mask, bytes, raw));
      }),
      { numRuns: 400 },
    );
    // past the cache bound: still right
    for (let raw = 0; raw < 3000; raw++) expect(bitPattern(0xfff, 2, raw)).toBe(draw(0xfff, 2, raw));
  });

  it('arrivalTime names the zone of each instant, in any order, across DST changes', () => {
    // 2021-03-14 07:00 UTC (EST -> EDT) and 2021-11-07 06:00 UTC (EDT -> EST), and times around them
    const around = (t: number) => fc.integer({ min: t - 7200, max: t + 7200 });
    const times = fc.oneof(around(1615705200), around(1636264800), fc.integer({ min: 0, max: 2 ** 31 - 1 }));
    fc.assert(
      fc.property(fc.array(times, { minLength: 1, maxLength: 40 }), fc.boolean(), (ts, sorted) => {
        const list = sorted ? [...ts].sort((a, b) => a - b) : ts;
        for (const t of list) expect(arrivalTime(t, 5).endsWith(' ' + zone(new Date(t * 1000)))).toBe(true);
      }),
      { numRuns: 300 },
    );
    expect(arrivalTime(1615705199, 0)).toMatch(/ EST$/);
    expect(arrivalTime(1615705200, 0)).toMatch(/ EDT$/);
  });
});
