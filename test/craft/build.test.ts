import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { Dissector } from '../../src/dissect/dissect.js';
import { registerDefaults } from '../../src/protocols/index.js';
import { build, ether, ipv4, payload, rebuild, udp, findLayer } from '../../src/craft/index.js';
import type { IPv4Input } from '../../src/protocols/ipv4.js';
import type { UdpInput } from '../../src/protocols/udp.js';
import type { CaptureRecord } from '../../src/capture/types.js';
import { onesSum } from '../../src/core/checksum.js';
import { EncodeError } from '../../src/core/problem.js';

const record = (data: Uint8Array, linkType = 1): CaptureRecord => ({ index: 0, interfaceId: 0, linkType, tsSec: 0, tsNsec: 0, origLen: data.length, data });
const dissect = (data: Uint8Array) => new Dissector(registerDefaults()).dissect(record(data));

describe('build', () => {
  it('fills lengths, checksums and next-protocol fields', () => {
    const bytes = build([ether({ dst: '02:00:00:00:00:02', src: '02:00:00:00:00:01' }), ipv4({ src: '10.0.0.1', dst: '10.0.0.2' }), udp({ srcport: 40000, dstport: 9999 }), payload('hello')]);
    expect(bytes.length).toBe(60); // 14 + 20 + 8 + 5 = 47, padded to the 60-byte minimum
    const f = dissect(bytes);
    expect(f.layers.map((l) => l.proto.name)).toEqual(['eth', 'ip', 'udp', 'data']);
    expect(f.problems).toEqual([]);
    const ip = f.layers[1]!.value as { len: number; proto: number; checksumStatus: string };
    expect(ip).toMatchObject({ len: 33, proto: 17, checksumStatus: 'good' });
    const u = f.layers[2]!.value as { length: number; checksumStatus: string };
    expect(u).toMatchObject({ length: 13, checksumStatus: 'good' });
    expect((f.layers[0]!.value as { type: number; padding?: Uint8Array }).type).toBe(0x0800);
    expect((f.layers[0]!.value as { padding?: Uint8Array }).padding?.length).toBe(13);
  });

  it('writes an explicit wrong checksum verbatim', () => {
    const bytes = build([ipv4({ dst: '10.0.0.2', checksum: 0x1234 }), udp({ dstport: 7, checksum: 0xbeef })]);
    expect((bytes[10]! << 8) | bytes[11]!).toBe(0x1234);
    expect((bytes[26]! << 8) | bytes[27]!).toBe(0xbeef);
    const f = new Dissector(registerDefaults()).dissect(record(bytes, 228));
    expect((f.layers[0]!.value as { checksumStatus: string }).checksumStatus).toBe('bad');
    expect((f.layers[1]!.value as { checksumStatus: string }).checksumStatus).toBe('bad');
  });

  it('throws a typed error naming the field for values that cannot fit', () => {
    expect(() => build([ipv4({ ttl: 300 })])).toThrow(EncodeError);
    try {
      build([ipv4({ ttl: 300 })]);
    } catch (e) {
      expect((e as EncodeError).field).toBe('ip.ttl');
    }
    expect(() => build([ether({ dst: 'not-a-mac' })])).toThrow(/eth\.dst/);
  });

  const ipArb: fc.Arbitrary<IPv4Input> = fc.record({
    src: fc.ipV4(),
    dst: fc.ipV4(),
    ttl: fc.integer({ min: 0, max: 255 }),
    id: fc.integer({ min: 0, max: 0xffff }),
    df: fc.boolean(),
    dscp: fc.integer({ min: 0, max: 63 }),
    ecn: fc.integer({ min: 0, max: 3 }),
  });
  const udpArb: fc.Arbitrary<UdpInput> = fc.record({ srcport: fc.integer({ min: 1024, max: 0xffff }), dstport: fc.integer({ min: 1024, max: 0xffff }) });

  it('built stacks dissect back to what was built, with valid checksums', () => {
    fc.assert(
      fc.property(ipArb, udpArb, fc.uint8Array({ maxLength: 200 }), (ip, u, body) => {
        const bytes = build([ether({ src: '02:00:00:00:00:01' }), ipv4(ip), udp(u), payload(body)]);
        const f = dissect(bytes);
        expect(f.problems.filter((p) => p.severity === 'error')).toEqual([]);
        const v = f.layers[1]!.value as IPv4Input & { checksumStatus: string };
        expect(v).toMatchObject({ ...ip, checksumStatus: 'good' });
        expect(f.layers[2]!.value).toMatchObject({ ...u, checksumStatus: 'good' });
        // and rebuilding the dissected frame gives the same bytes
        expect(rebuild(f).bytes).toEqual(bytes);
      }),
    );
  });
});

describe('rebuild after a change', () => {
  it('NAT-style rewrite recomputes checksums exactly as a fresh build would', () => {
    const original = build([ether({ src: '02:00:00:00:00:01' }), ipv4({ src: '192.168.1.10', dst: '8.8.8.8', ttl: 64, id: 0x1234 }), udp({ srcport: 51677, dstport: 53 }), payload('query')]);
    const f = dissect(original);
    const nat = rebuild(f, (layers) => {
      findLayer<IPv4Input>(layers, 'ip')!.input.src = '203.0.113.7';
      findLayer<UdpInput>(layers, 'udp')!.input.srcport = 40001;
    });
    const fresh = build([ether({ src: '02:00:00:00:00:01' }), ipv4({ src: '203.0.113.7', dst: '8.8.8.8', ttl: 64, id: 0x1234 }), udp({ srcport: 40001, dstport: 53 }), payload('query')]);
    expect(nat.bytes).toEqual(fresh);
    // only the rewritten fields and the checksums differ from the original
    const diff = [...original].map((b, i) => (b !== nat.bytes[i] ? i : -1)).filter((i) => i >= 0);
    for (const i of diff) expect([24, 25, 26, 27, 28, 29, 34, 35, 40, 41]).toContain(i);
    expect(onesSum(nat.bytes, 14, 34)).toBe(0xffff);
  });
});
