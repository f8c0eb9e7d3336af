import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { toHex } from '../../src/core/bytes.js';
import { build, layer } from '../../src/craft/build.js';
import { protocolsPath } from '../../src/dissect/frame.js';
import { ORACLE_PREFS } from '../../src/dissect/prefs.js';
import { summaryColumns } from '../../src/inspect/summary.js';
import { ethernet } from '../../src/protocols/ethernet.js';
import { gre } from '../../src/protocols/gre.js';
import type { GreInput, GreValue } from '../../src/protocols/gre.js';
import { ipv4 } from '../../src/protocols/ipv4.js';
import { ipv6 } from '../../src/protocols/ipv6.js';
import { udp } from '../../src/protocols/udp.js';
import { dissectOne } from './link-helpers.js';
import { cellDifferences, cellOf, encapFixture, encodeAlone, everyPrefix, labelOf, layerLines, layerOf, rebuildsAll } from './encap-helpers.js';

const FILES = ['gre-sample.pcap', 'pptp.pcap', 'various_gre.pcap', 'gre-heapoverflow-2.pcap'];

describe('GRE against tshark 4.0.17', () => {
  for (const name of FILES) {
    it(`${name}: every gre.* field, frame.protocols and the indicators as tshark prints them`, () => {
      const fx = encapFixture('gre', name);
      expect(fx.frames.length).toBe(fx.rows.length);
      expect(cellDifferences(fx)).toEqual([]);
    });
  }

  it('decodes plain GRE and enters the IPv4 packet inside (its ip.* fields follow the outer ones)', () => {
    const f = encapFixture('gre', 'gre-sample.pcap').frames[0]!;
    expect(protocolsPath(f)).toBe('eth:ethertype:ip:gre:ip:icmp:data');
    expect(layerOf(f, 'gre').value).toEqual({ flags: 0, proto: 0x0800 });
    expect(labelOf(f, 'gre')).toBe('Generic Routing Encapsulation (IP)');
    expect(cellOf(f, 'ip.src')).toBe('172.27.1.66,66.59.111.190');
    expect(cellOf(f, 'ip.dst')).toBe('66.59.109.137,172.28.2.3');
    expect(cellOf(f, 'ip.proto')).toBe('47,1');
  });

  it('reads enhanced GRE (PPTP): payload length and call ID in the key, the acknowledgment bit, PPP inside', () => {
    const f = encapFixture('gre', 'pptp.pcap').frames[15]!;
    expect(layerOf(f, 'gre').value).toEqual({ flags: 0x3001, proto: 0x880b, key: 48 << 16, seq: 0 });
    expect(layerLines(f, f.layers.indexOf(layerOf(f, 'gre')))).toEqual([
      'Flags and Version: 0x3001',
      '  0... .... .... .... = Checksum Bit: No',
      '  .0.. .... .... .... = Routing Bit: No',
      '  ..1. .... .... .... = Key Bit: Yes',
      '  ...1 .... .... .... = Sequence Number Bit: Yes',
      '  .... 0... .... .... = Strict Source Route Bit: No',
      '  .... .000 .... .... = Recursion control: 0',
      '  .... .... 0... .... = Acknowledgment: No',
      '  .... .... .000 0... = Flags (Reserved): 0',
      '  .... .... .... .001 = Version: Enhanced GRE (1)',
      'Protocol Type: PPP (0x880b)',
      'Payload Length: 48',
      'Call ID: 0',
      'Sequence Number: 0',
    ]);
    expect(protocolsPath(f)).toBe('eth:ethertype:ip:gre:ppp:data');
  });

  it('keepalives without a payload hand nothing on; the Info names the protocol type', () => {
    const fx = encapFixture('gre', 'various_gre.pcap');
    const k = fx.frames[11]!;
    expect(protocolsPath(k)).toBe('eth:ethertype:vlan:ethertype:ip:gre');
    expect(layerOf(k, 'gre').value).toMatchObject({ flags: 0x2000, proto: 0, key: 0x28 });
    expect(summaryColumns(k, ORACLE_PREFS, 6).info).toBe('Encapsulated Possible GRE keepalive packet');
    expect(labelOf(k, 'gre')).toBe('Generic Routing Encapsulation (Possible GRE keepalive packet)');
  });

  it('shows a source route entry cut by the snaplen, as tshark does, and reports the truncation', () => {
    const f = encapFixture('gre', 'gre-heapoverflow-2.pcap').frames[1]!;
    const v = layerOf(f, 'gre').value as GreValue;
    expect(v.flags).toBe(0xc030);
    expect(v.routes).toHaveLength(1);
    expect(cellOf(f, 'gre.routing.src_length')).toBe('48');
    expect(cellOf(f, 'gre.checksum')).toBe('0x3030');
    expect(f.problems).toEqual([expect.objectContaining({ layer: 'gre', code: 'truncated', field: 'gre.routing.information' })]);
  });

  it('verifies a checksum when the C bit is set, and fills it when crafting', () => {
    const b = build([layer(ipv4, { src: '10.0.0.1', dst: '10.0.0.2' }), layer(gre, { checksum: undefined, flags: 0x8000 }), layer(ipv4, { src: '192.0.2.1', dst: '192.0.2.2' }), layer(udp, { srcport: 1, dstport: 2 })]);
    const f = dissectOne(b, 101);
    expect(protocolsPath(f)).toBe('raw:ip:gre:ip:udp');
    expect((layerOf(f, 'gre').value as GreValue).checksumStatus).toBe('good');
    expect(f.problems).toEqual([]);
    b[24] ^= 0xff; // a payload byte: the GRE checksum no longer holds (a warning, not damage)
    const g = dissectOne(b, 101);
    expect(g.problems.map((p) => [p.layer, p.code, p.severity])).toContainEqual(['gre', 'bad-checksum', 'warning']);
    expect(layerLines(g, 2).filter((l) => l.startsWith('Checksum'))[0]).toMatch(/^Checksum: 0x[0-9a-f]{4} incorrect, should be 0x[0-9a-f]{4}$/);
  });

  it('reports every truncation and never throws; rebuilds every frame', () => {
    const frames = FILES.flatMap((n) => encapFixture('gre', n).frames);
    // every prefix of one frame in eight (each GRE variant is among them), both as snaplen-cut and as short
    expect(everyPrefix(frames.filter((_, i) => i % 8 === 0 || i >= frames.length - 2), 'gre')).toBeGreaterThan(1000);
    const whole = frames.filter((f) => f.layers.some((l) => l.proto.name === 'gre') && f.problems.length === 0).length;
    expect(whole).toBeGreaterThan(60);
    expect(rebuildsAll(frames, 'gre')).toBeGreaterThanOrEqual(whole);
  });

  it('crafts GRE from its inner layer: IPv6 (0x86dd), Ethernet (0x6558); EncodeError on values that do not fit', () => {
    const six = build([layer(ipv4, { src: '10.0.0.1', dst: '10.0.0.2' }), layer(gre, {}), layer(ipv6, { src: '2001:db8::1', dst: '2001:db8::2' })]);
    expect(toHex(six, 20, 24)).toBe('000086dd');
    expect(protocolsPath(dissectOne(six, 101))).toBe('raw:ip:gre:ipv6');
    const eth = build([layer(ipv4, { src: '10.0.0.1', dst: '10.0.0.2' }), layer(gre, { key: 7 }), layer(ethernet, {}), layer(ipv4, { src: '1.1.1.1', dst: '2.2.2.2' })]);
    expect(toHex(eth, 20, 28)).toBe('2000655800000007');
    expect(protocolsPath(dissectOne(eth, 101))).toBe('raw:ip:gre:eth:ethertype:ip');
    expect(() => encodeAlone(gre, { key: 2 ** 32 })).toThrow(/gre\.key/);
    expect(() => encodeAlone(gre, { proto: -1 })).toThrow(/gre\.proto/);
  });

  it('property: decode(encode(v)) gives v back for any flags and optional fields, at any offset', () => {
    const u32 = fc.integer({ min: 0, max: 0xffffffff });
    fc.assert(
      fc.property(
        fc.record({ c: fc.boolean(), k: fc.boolean(), s: fc.boolean(), a: fc.boolean(), v1: fc.boolean(), r: fc.boolean() }),
        fc.integer({ min: 0, max: 0xffff }),
        u32, u32, u32,
        fc.array(fc.record({ af: fc.integer({ min: 1, max: 0xffff }), offset: fc.integer({ min: 0, max: 255 }), info: fc.uint8Array({ minLength: 1, maxLength: 8 }) }), { maxLength: 2 }),
        fc.uint8Array({ maxLength: 16 }),
        fc.uint8Array({ maxLength: 4 }),
        (fl, proto, key, seq, ack, routes, payload, prefix) => {
          const flags = (fl.c ? 0x8000 : 0) | (fl.r ? 0x4000 : 0) | (fl.k ? 0x2000 : 0) | (fl.s ? 0x1000 : 0) | (fl.v1 && fl.a ? 0x0080 : 0) | (fl.v1 ? 1 : 0);
          const input: GreInput = { flags, proto };
          if (fl.c || fl.r) Object.assign(input, { checksum: 0x1234, offset: 0 });
          if (fl.k) input.key = key;
          if (fl.s) input.seq = seq;
          if (fl.v1 && fl.a) input.ack = ack;
          if (fl.r) input.routes = [...routes, { af: 0, offset: 0, info: new Uint8Array(0) }];
          const bytes = encodeAlone(gre, input, payload);
          const big = new Uint8Array(prefix.length + bytes.length);
          big.set(prefix);
          big.set(bytes, prefix.length);
          const r = gre.decode(big, prefix.length, big.length, { frame: big, layers: [], problems: [], prefs: ORACLE_PREFS, wireLen: big.length, fcsLen: 0, inError: false });
          const back = gre.toInput!({ proto: gre, start: prefix.length, headerEnd: r.headerEnd, end: r.end, value: r.value }, big);
          expect(encodeAlone(gre, back, payload)).toEqual(bytes);
          expect(big.length - r.headerEnd).toBe(payload.length);
        },
      ),
    );
  });
});
