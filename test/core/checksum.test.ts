import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { checksumUpdate16, checksumUpdateBytes, internetChecksum, onesSum } from '../../src/core/checksum.js';
import { fromHex } from '../../src/core/bytes.js';

describe('RFC 1071 checksum', () => {
  it('computes the IPv4 header checksum of a real header', () => {
    // dpkt/dns_icmp.pcap frame 1, IPv4 header (checksum 0xd2a9 in place)
    const hdr = fromHex('45000042d0a600004011d2a9c0a82b09c0a82b01');
    expect(onesSum(hdr, 0, hdr.length)).toBe(0xffff);
    const zeroed = hdr.slice();
    zeroed[10] = 0;
    zeroed[11] = 0;
    expect(internetChecksum(zeroed)).toBe(0xd2a9);
  });

  it('handles odd lengths (RFC 1071 pads with a zero byte)', () => {
    expect(onesSum(new Uint8Array([0x01]), 0, 1)).toBe(0x0100);
    expect(onesSum(new Uint8Array([0x01, 0x02, 0x03]), 0, 3)).toBe(0x0102 + 0x0300);
  });
});

describe('RFC 1624 incremental update', () => {
  it('equals a full recomputation after changing any word', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 20, maxLength: 60 }).filter((b) => b.length % 2 === 0), fc.nat(), fc.integer({ min: 0, max: 0xffff }), (b, at, word) => {
        const i = (at % (b.length / 2)) * 2;
        const before = internetChecksum(b);
        const old = (b[i]! << 8) | b[i + 1]!;
        const changed = b.slice();
        changed[i] = word >> 8;
        changed[i + 1] = word & 0xff;
        const full = internetChecksum(changed);
        const inc = checksumUpdate16(before, old, word);
        // 0x0000 and 0xffff are the same one's-complement value
        expect(inc === full || (inc ^ full) === 0xffff).toBe(true);
      }),
    );
  });

  it('updates for an address rewrite, as NAT does', () => {
    const hdr = fromHex('45000042d0a600004011d2a9c0a82b09c0a82b01');
    const newSrc = fromHex('0a000001');
    const updated = checksumUpdateBytes(0xd2a9, hdr.subarray(12, 16), newSrc);
    const rewritten = hdr.slice();
    rewritten.set(newSrc, 12);
    rewritten[10] = 0;
    rewritten[11] = 0;
    expect(updated).toBe(internetChecksum(rewritten));
  });
});
