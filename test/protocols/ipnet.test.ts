import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { build, layer } from '../../src/craft/build.js';
import { protocolsPath } from '../../src/dissect/frame.js';
import { ORACLE_PREFS } from '../../src/dissect/prefs.js';
import { ipnet } from '../../src/protocols/ipnet.js';
import type { IpnetInput } from '../../src/protocols/ipnet.js';
import { ipv4 } from '../../src/protocols/ipv4.js';
import { ipv6 } from '../../src/protocols/ipv6.js';
import { dissectOne } from './link-helpers.js';
import { cellDifferences, cellOf, encapFixture, encodeAlone, everyPrefix, layerLines, layerOf, rebuildsAll } from './encap-helpers.js';

describe('Solaris IPNET against tshark 4.0.17', () => {
  it('e1000g.pcap: every ipnet.* field, frame.protocols and the indicators as tshark prints them', () => {
    const fx = encapFixture('ipnet', 'e1000g.pcap');
    expect(fx.frames.length).toBe(20);
    expect(cellDifferences(fx)).toEqual([]);
  });

  it('decodes the 24-byte header field by field, then IPv4', () => {
    const f = encapFixture('ipnet', 'e1000g.pcap').frames[0]!;
    expect(layerLines(f, 0)).toEqual([
      'Header version: 1',
      'Address family: Solaris AF_INET (2)',
      'Hook type: Inbound (0)',
      'Data length: 84',
      'Interface index: 2',
      'Group interface index: 0',
      'Source Zone ID: 4294967295',
      'Destination Zone ID: 0',
    ]);
    expect(protocolsPath(f)).toBe('ipnet:ip:icmp:data');
  });

  it('takes the packet from the last "data length" bytes, as tshark; a length past the frame is reported', () => {
    const inner = build([layer(ipv4, { src: '10.0.0.1', dst: '10.0.0.2', proto: 253 })]);
    const b = build([layer(ipnet, { gap: new Uint8Array([9, 9]) }), layer(ipv4, { src: '10.0.0.1', dst: '10.0.0.2', proto: 253 })]);
    expect(b.length).toBe(24 + 2 + inner.length);
    const f = dissectOne(b, 226);
    expect(layerOf(f, 'ip').start).toBe(26);
    const bad = new Uint8Array(b);
    bad[7] = 200;
    const g = dissectOne(bad, 226);
    expect(g.problems).toEqual([expect.objectContaining({ layer: 'ipnet', code: 'bad-length', field: 'ipnet.pktlen' })]);
    expect(cellOf(dissectOne(build([layer(ipnet, {}), layer(ipv6, { src: '::1', dst: '::2' })]), 226), 'ipnet.family')).toBe('26');
  });

  it('reports every truncation and never throws; rebuilds every frame', () => {
    const frames = encapFixture('ipnet', 'e1000g.pcap').frames;
    expect(everyPrefix(frames.slice(0, 2), 'ipnet')).toBeGreaterThan(300);
    expect(rebuildsAll(frames, 'ipnet')).toBe(20);
    expect(() => encodeAlone(ipnet, { htype: 0x10000 })).toThrow(/ipnet\.htype/);
  });

  it('property: decode(encode(v)) gives v back', () => {
    const u32 = fc.integer({ min: 0, max: 0xffffffff });
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 255 }), fc.constantFrom(2, 26, 7), fc.integer({ min: 0, max: 0xffff }), u32, u32, u32, u32, fc.uint8Array({ maxLength: 12 }), (version, family, htype, ifindex, grifindex, zsrc, zdst, payload) => {
        const input: IpnetInput = { version, family, htype, pktlen: payload.length, ifindex, grifindex, zsrc, zdst };
        const bytes = encodeAlone(ipnet, input, payload);
        const r = ipnet.decode(bytes, 0, bytes.length, { frame: bytes, layers: [], problems: [], prefs: ORACLE_PREFS, wireLen: bytes.length, fcsLen: 0, inError: false });
        expect(ipnet.toInput!({ proto: ipnet, start: 0, headerEnd: r.headerEnd, end: r.end, value: r.value }, bytes)).toEqual(input);
      }),
    );
  });
});
