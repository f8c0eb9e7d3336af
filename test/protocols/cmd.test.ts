import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { toHex } from '../../src/core/bytes.js';
import { build, layer } from '../../src/craft/build.js';
import { protocolsPath } from '../../src/dissect/frame.js';
import { ORACLE_PREFS } from '../../src/dissect/prefs.js';
import { cmd } from '../../src/protocols/cmd.js';
import type { CmdValue } from '../../src/protocols/cmd.js';
import { ethernet } from '../../src/protocols/ethernet.js';
import { gre } from '../../src/protocols/gre.js';
import { ipv4 } from '../../src/protocols/ipv4.js';
import { dissectOne } from './link-helpers.js';
import { cellDifferences, cellOf, encapFixture, encodeAlone, everyPrefix, labelOf, layerLines, layerOf, rebuildsAll } from './encap-helpers.js';

describe('Cisco MetaData against tshark 4.0.17', () => {
  it('various_gre.pcap: every cmd.* field, frame.protocols and the indicators as tshark prints them', () => {
    const fx = encapFixture('cmd', 'various_gre.pcap');
    expect(fx.frames.length).toBe(100);
    expect(cellDifferences(fx)).toEqual([]);
  });

  it('inside GRE the EtherType comes first; the payload (IPv4, GRE again) follows', () => {
    const fx = encapFixture('cmd', 'various_gre.pcap');
    const f = fx.frames[10]!;
    expect(protocolsPath(f)).toBe('eth:ethertype:vlan:ethertype:ip:gre:cmd:ip:gre');
    expect(layerOf(f, 'cmd').value).toEqual({ typeFirst: true, version: 1, length: 1, options: 1, sgt: 0, type: 0x0800 });
    expect(labelOf(f, 'cmd')).toBe('Cisco MetaData');
    expect(layerLines(f, f.layers.indexOf(layerOf(f, 'cmd')))).toEqual(['Type: IPv4 (0x0800)', 'Version: 1', 'Length: 1', 'Options: 0x0001', 'SGT: 0']);
    expect(cellOf(f, 'gre.proto')).toBe('0x8909,0x0000');
  });

  it('on Ethernet (0x8909) the EtherType comes last', () => {
    const b = build([layer(ethernet, {}), layer(cmd, { sgt: 42 }), layer(ipv4, { src: '10.0.0.1', dst: '10.0.0.2', proto: 253 })]);
    expect(toHex(b, 12, 22)).toBe('8909' + '0101000100' + '2a0800');
    const f = dissectOne(b, 1);
    expect(protocolsPath(f)).toBe('eth:ethertype:cmd:ip');
    expect((layerOf(f, 'cmd').value as CmdValue).sgt).toBe(42);
  });

  it('reports every truncation and never throws; rebuilds every frame', () => {
    const frames = encapFixture('cmd', 'various_gre.pcap').frames;
    const withCmd = frames.filter((f) => f.layers.some((l) => l.proto.name === 'cmd'));
    expect(withCmd.length).toBe(20);
    expect(everyPrefix(withCmd.slice(0, 3), 'cmd')).toBeGreaterThan(300);
    expect(rebuildsAll(frames, 'cmd')).toBe(20);
    const g = build([layer(ipv4, { src: '10.0.0.1', dst: '10.0.0.2' }), layer(gre, {}), layer(cmd, {})]);
    expect(toHex(g, 22, 24)).toBe('8909');
    expect(() => encodeAlone(cmd, { sgt: 0x10000 })).toThrow(/cmd\.sgt/);
  });

  it('property: decode(encode(v)) gives v back in either layout', () => {
    fc.assert(
      fc.property(fc.boolean(), fc.integer({ min: 0, max: 255 }), fc.integer({ min: 0, max: 255 }), fc.integer({ min: 0, max: 0xffff }), fc.integer({ min: 0, max: 0xffff }), fc.integer({ min: 0, max: 0xffff }), (typeFirst, version, length, options, sgt, type) => {
        const input = { typeFirst, version, length, options, sgt, type };
        const bytes = encodeAlone(cmd, input, new Uint8Array(3));
        const outer = typeFirst ? [{ proto: gre, start: 0, headerEnd: 0, end: 0, value: {} }] : [];
        const r = cmd.decode(bytes, 0, bytes.length, { frame: bytes, layers: outer, problems: [], prefs: ORACLE_PREFS, wireLen: bytes.length, fcsLen: 0, inError: false });
        expect(r.value).toEqual(input);
        expect(r.headerEnd).toBe(8);
      }),
    );
  });
});
