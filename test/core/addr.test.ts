import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { cidr4, inPrefix, ipv4ToString, ipv6ToString, macToString, parseIPv4, parseIPv6, parseMAC } from '../../src/core/addr.js';

describe('address text forms', () => {
  it('prints MAC addresses as tshark does', () => {
    expect(macToString(new Uint8Array([0x00, 0x1b, 0x21, 0x3a, 0x4f, 0x5c]))).toBe('00:1b:21:3a:4f:5c');
    expect(parseMAC('00-1B-21-3A-4F-5C')).toEqual(new Uint8Array([0x00, 0x1b, 0x21, 0x3a, 0x4f, 0x5c]));
    expect(parseMAC('001b.213a.4f5c')).toEqual(new Uint8Array([0x00, 0x1b, 0x21, 0x3a, 0x4f, 0x5c]));
    expect(parseMAC('00:1b:21')).toBeNull();
  });

  it('prints IPv6 per RFC 5952', () => {
    const cases: [string, string][] = [
      ['2001:0db8:0000:0000:0000:0000:0000:0001', '2001:db8::1'],
      ['2001:0db8:0000:0001:0000:0000:0000:0001', '2001:db8:0:1::1'],
      ['2001:0db8:0000:0000:0001:0000:0000:0001', '2001:db8::1:0:0:1'],
      ['2001:0db8:0001:0000:0001:0001:0001:0001', '2001:db8:1:0:1:1:1:1'],
      ['0000:0000:0000:0000:0000:0000:0000:0000', '::'],
      ['0000:0000:0000:0000:0000:0000:0000:0001', '::1'],
      ['fe80:0000:0000:0000:ca4c:75ff:fe78:ed00', 'fe80::ca4c:75ff:fe78:ed00'],
      ['ff02:0000:0000:0000:0000:0000:0000:0001', 'ff02::1'],
      ['0000:0000:0000:0000:0000:ffff:c000:0201', '::ffff:192.0.2.1'],
    ];
    for (const [full, short] of cases) {
      const bytes = parseIPv6(full)!;
      expect(ipv6ToString(bytes)).toBe(short);
      expect(parseIPv6(short)).toEqual(bytes);
    }
    expect(parseIPv6('1::2::3')).toBeNull();
    expect(parseIPv6('12345::')).toBeNull();
  });

  it('IPv6 text round-trips for any address', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 16, maxLength: 16 }), (b) => {
        expect(parseIPv6(ipv6ToString(b))).toEqual(b);
      }),
    );
  });

  it('IPv4 text round-trips and rejects bad quads', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 4, maxLength: 4 }), (b) => {
        expect(parseIPv4(ipv4ToString(b))).toEqual(b);
      }),
    );
    expect(parseIPv4('256.1.1.1')).toBeNull();
    expect(parseIPv4('1.2.3')).toBeNull();
  });
});

describe('CIDR arithmetic', () => {
  it('gives network, mask, usable range and broadcast', () => {
    expect(cidr4('192.168.1.0/24')).toEqual({
      network: '192.168.1.0',
      mask: '255.255.255.0',
      prefix: 24,
      broadcast: '192.168.1.255',
      firstUsable: '192.168.1.1',
      lastUsable: '192.168.1.254',
      addresses: 256,
      usable: 254,
    });
    expect(cidr4('10.1.2.3/8').network).toBe('10.0.0.0');
  });

  it('handles /31 (RFC 3021) and /32', () => {
    const p31 = cidr4('10.0.0.1/31');
    expect(p31).toMatchObject({ network: '10.0.0.0', broadcast: null, firstUsable: '10.0.0.0', lastUsable: '10.0.0.1', addresses: 2, usable: 2 });
    const p32 = cidr4('10.0.0.7/32');
    expect(p32).toMatchObject({ network: '10.0.0.7', broadcast: null, firstUsable: '10.0.0.7', lastUsable: '10.0.0.7', addresses: 1, usable: 1 });
    expect(cidr4('0.0.0.0/0')).toMatchObject({ mask: '0.0.0.0', addresses: 2 ** 32 });
    expect(() => cidr4('10.0.0.0/33')).toThrow(RangeError);
  });

  it('tests membership of a prefix', () => {
    expect(inPrefix(parseIPv4('10.200.3.4')!, 0, parseIPv4('10.0.0.0')!, 8)).toBe(true);
    expect(inPrefix(parseIPv4('11.0.0.1')!, 0, parseIPv4('10.0.0.0')!, 8)).toBe(false);
    expect(inPrefix(parseIPv4('192.168.1.130')!, 0, parseIPv4('192.168.1.128')!, 25)).toBe(true);
  });
});
