import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  TimestampScale,
  epochText,
  formatFromExtension,
  joinTimestamp,
  linkTypeByName,
  linkTypeDescription,
  linkTypeName,
  LINKTYPE_ETHERNET,
  LINKTYPE_LINUX_SLL2,
  recordEpochText,
  recordInterfaceIdText,
  tsresolUnits,
} from '../../src/capture/index.js';

const U64 = (1n << 64n) - 1n;

/** Wireshark 4.0's conversion, in BigInt (the reference for TimestampScale.split). */
function reference(high: number, low: number, tsresol: number | undefined, offset = 0n): [number, number] {
  const units = tsresolUnits(tsresol);
  const ts = (BigInt(high) << 32n) | BigInt(low);
  let secs = ts / units;
  if (secs >= 1n << 63n) secs -= 1n << 64n;
  const ns = (((ts % units) * 1_000_000_000n) & U64) / units;
  return [Number(secs + offset), Number(ns)];
}

describe('epochText (tshark frame.time_epoch)', () => {
  it('formats seconds and 9-digit nanoseconds', () => {
    expect(epochText(1340954905, 298858000)).toBe('1340954905.298858000');
    expect(epochText(0, 5)).toBe('0.000000005');
    expect(epochText(4294967296, 0)).toBe('4294967296.000000000');
    expect(epochText(-1000, 5000)).toBe('-1000.000005000');
  });

  it('reproduces tshark for out-of-range fractions (corpus timestamp_invalid_*.pcap)', () => {
    expect(epochText(1418145370, 1000000000)).toBe('1418145370.1000000000');
    expect(epochText(1418145370, 2147483648)).toBe('-1418145370.2147483648');
    // µs fraction 0xffffffff * 1000 wraps modulo 2^32 in tshark's C code
    expect(epochText(1, 4294967295 * 1000)).toBe(`-1.${String(-((4294967295 * 1000) % 2 ** 32 | 0)).padStart(9, '0')}`);
  });

  it('record helpers: no timestamp / no interface id where tshark shows none', () => {
    const base = { index: 0, interfaceId: 2, linkType: 1, tsSec: 5, tsNsec: 1, origLen: 1, data: new Uint8Array(1) };
    expect(recordEpochText({ ...base, source: 'spb', hasTimestamp: false })).toBe('');
    expect(recordEpochText({ ...base, source: 'epb' })).toBe('5.000000001');
    expect(recordInterfaceIdText({ ...base, source: 'pcap' })).toBe('');
    expect(recordInterfaceIdText({ ...base, source: 'custom' })).toBe('');
    expect(recordInterfaceIdText({ ...base, source: 'epb' })).toBe('2');
  });
});

describe('if_tsresol units and TimestampScale', () => {
  it('units per second', () => {
    expect(tsresolUnits(undefined)).toBe(1_000_000n);
    expect(tsresolUnits(6)).toBe(1_000_000n);
    expect(tsresolUnits(9)).toBe(1_000_000_000n);
    expect(tsresolUnits(0x88)).toBe(256n);
    expect(tsresolUnits(19)).toBe(10n ** 19n);
    expect(tsresolUnits(20)).toBe(U64); // Wireshark: out of range
    expect(tsresolUnits(0x80 | 64)).toBe(U64);
  });

  it('matches the BigInt reference for every resolution and 64-bit count', () => {
    const resol = fc.oneof(
      fc.constant(undefined),
      fc.integer({ min: 0, max: 25 }),
      fc.integer({ min: 0, max: 70 }).map((k) => 0x80 | k),
    );
    const u32 = fc.integer({ min: 0, max: 0xffffffff });
    const out = [0, 0];
    fc.assert(
      fc.property(resol, u32, u32, (r, hi, lo) => {
        new TimestampScale(r).split(hi, lo, out);
        const [s, ns] = reference(hi, lo, r);
        // seconds beyond 2^53 cannot be exact in a number: compare within the double
        expect(out[0]).toBe(s);
        expect(out[1]).toBe(ns);
      }),
      { numRuns: 5000 },
    );
  });

  it('adds if_tsoffset to the seconds', () => {
    const out = [0, 0];
    new TimestampScale(6, -2000n).split(0, 1000000 * 1000 + 5, out);
    expect(out).toEqual([-1000, 5000]);
  });

  it('joinTimestamp inverts split for representable times', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 2 ** 33 }), // sec * units stays below 2^64 for all resolutions below
        fc.integer({ min: 0, max: 999_999_999 }),
        fc.constantFrom(3, 6, 9, 0x80 | 20, 0x80 | 30),
        (sec, nsec, r) => {
          const units = tsresolUnits(r);
          const [hi, lo] = joinTimestamp(sec, nsec, units);
          const out = [0, 0];
          new TimestampScale(r).split(hi, lo, out);
          expect(out[0]).toBe(sec);
          // the fraction is truncated to the resolution
          const expectNs = Number(((BigInt(nsec) * units) / 1_000_000_000n) * 1_000_000_000n / units);
          expect(out[1]).toBe(expectNs);
        },
      ),
    );
  });
});

describe('link types', () => {
  it('numbers, names and tshark descriptions', () => {
    expect(LINKTYPE_ETHERNET).toBe(1);
    expect(LINKTYPE_LINUX_SLL2).toBe(276);
    expect(linkTypeName(1)).toBe('ETHERNET');
    expect(linkTypeName(113)).toBe('LINUX_SLL');
    expect(linkTypeByName('LINKTYPE_RAW')).toBe(101);
    expect(linkTypeByName('ipv6')).toBe(229);
    expect(linkTypeByName('loop')).toBe(108);
    expect(linkTypeDescription(1)).toBe('Ethernet');
    expect(linkTypeDescription(0)).toBe('NULL/Loopback');
    expect(linkTypeDescription(101)).toBe('Raw IP');
    expect(linkTypeDescription(228)).toBe('Raw IPv4');
    expect(linkTypeDescription(113)).toBe('Linux cooked-mode capture v1');
    expect(linkTypeDescription(276)).toBe('Linux cooked-mode capture v2');
    expect(linkTypeDescription(108)).toBe('OpenBSD loopback');
    expect(linkTypeDescription(281)).toMatch(/Unknown/);
  });

  it('format from file extension', () => {
    expect(formatFromExtension('a.pcap')).toBe('pcap');
    expect(formatFromExtension('dir/A.CAP')).toBe('pcap');
    expect(formatFromExtension('x.pcapng')).toBe('pcapng');
    expect(formatFromExtension('x.ntar')).toBe('pcapng');
    expect(formatFromExtension('noext')).toBe('pcapng');
    expect(formatFromExtension('noext', 'pcap')).toBe('pcap');
  });
});
