import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { build, layer } from '../../src/craft/build.js';
import { protocolsPath } from '../../src/dissect/frame.js';
import { ORACLE_PREFS } from '../../src/dissect/prefs.js';
import { ipoib } from '../../src/protocols/ipoib.js';
import type { IpoibInput } from '../../src/protocols/ipoib.js';
import { ipv6 } from '../../src/protocols/ipv6.js';
import { dissectOne } from './link-helpers.js';
import { cellDifferences, cellOf, encapFixture, encodeAlone, everyPrefix, layerLines, layerOf, rebuildsAll } from './encap-helpers.js';

describe('IP over InfiniBand against tshark 4.0.17', () => {
  it('ipoib.pcap: every ipoib.* field, frame.protocols and the indicators as tshark prints them', () => {
    const fx = encapFixture('ipoib', 'ipoib.pcap');
    expect(fx.frames.length).toBe(30);
    expect(cellDifferences(fx)).toEqual([]);
  });

  it('a unicast pseudo-header shows only the destination; a multicast one the whole global route header', () => {
    const fx = encapFixture('ipoib', 'ipoib.pcap');
    expect(layerLines(fx.frames[0]!, 0)).toEqual(['Destination address', '  Destination QPN: 0x000550', '  Destination GID: fe80::10:e000:664a:b451', 'Type: IPv4 (0x0800)', 'Reserved: 0x0000']);
    expect(protocolsPath(fx.frames[0]!)).toBe('ipoib:ip:icmp:data');
    const m = fx.frames[6]!;
    expect(layerLines(m, 0)[0]).toBe('Global Route Header');
    expect(cellOf(m, 'ipoib.grh.ipver')).toBe(fx.rows[6]![fx.header.indexOf('ipoib.grh.ipver')]);
    expect(protocolsPath(m)).toBe('ipoib:arp');
  });

  it('a type it does not hand on stays in the IPoIB layer (tshark shows no data for it)', () => {
    const b = build([layer(ipoib, { type: 0x1234 })], new Uint8Array([1, 2, 3]));
    const f = dissectOne(b, 242);
    expect(protocolsPath(f)).toBe('ipoib');
    expect(layerOf(f, 'ipoib').value).toMatchObject({ type: 0x1234, rest: new Uint8Array([1, 2, 3]) });
  });

  it('reports every truncation and never throws; rebuilds every frame; crafts the type from the inner layer', () => {
    const frames = encapFixture('ipoib', 'ipoib.pcap').frames;
    expect(everyPrefix([frames[0]!, frames[6]!], 'ipoib')).toBeGreaterThan(200);
    expect(rebuildsAll(frames, 'ipoib')).toBe(30);
    const six = dissectOne(build([layer(ipoib, {}), layer(ipv6, { src: '::1', dst: '::2' })]), 242);
    expect(cellOf(six, 'ipoib.type')).toBe('0x86dd');
    expect(protocolsPath(six)).toBe('ipoib:ipv6');
    expect(() => encodeAlone(ipoib, { grh: new Uint8Array(39) })).toThrow(/ipoib\.grh/);
  });

  it('property: decode(encode(v)) gives v back', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 40, maxLength: 40 }), fc.constantFrom(0x0800, 0x86dd, 0x0806, 0x1234), fc.integer({ min: 0, max: 0xffff }), fc.uint8Array({ minLength: 1, maxLength: 10 }), (grh, type, reserved, payload) => {
        const input: IpoibInput = { grh, type, reserved, ...(type === 0x1234 ? { rest: payload } : {}) };
        const bytes = encodeAlone(ipoib, input, type === 0x1234 ? new Uint8Array(0) : payload);
        const r = ipoib.decode(bytes, 0, bytes.length, { frame: bytes, layers: [], problems: [], prefs: ORACLE_PREFS, wireLen: bytes.length, fcsLen: 0, inError: false });
        expect(ipoib.toInput!({ proto: ipoib, start: 0, headerEnd: r.headerEnd, end: r.end, value: r.value }, bytes)).toEqual(input);
      }),
    );
  });
});
