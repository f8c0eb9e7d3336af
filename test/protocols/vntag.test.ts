import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { toHex } from '../../src/core/bytes.js';
import { build, layer } from '../../src/craft/build.js';
import { protocolsPath } from '../../src/dissect/frame.js';
import { ORACLE_PREFS } from '../../src/dissect/prefs.js';
import { ethernet } from '../../src/protocols/ethernet.js';
import { ipv4 } from '../../src/protocols/ipv4.js';
import { vntag } from '../../src/protocols/vntag.js';
import { dissectOne } from './link-helpers.js';
import { cellDifferences, cellOf, encapFixture, encodeAlone, everyPrefix, layerLines, layerOf, rebuildsAll } from './encap-helpers.js';

describe('VN-Tag against tshark 4.0.17', () => {
  it('vntag.pcap: every vntag.* field, frame.protocols and the indicators as tshark prints them', () => {
    const fx = encapFixture('vntag', 'vntag.pcap');
    expect(fx.frames.length).toBe(3);
    expect(cellDifferences(fx)).toEqual([]);
  });

  it('decodes the tag bit by bit, then the 802.1Q tag and IPv4 (their fields follow)', () => {
    const f = encapFixture('vntag', 'vntag.pcap').frames[0]!;
    expect(layerOf(f, 'vntag').value).toEqual({ tag: 0, etype: 0x8100 });
    expect(protocolsPath(f)).toBe('eth:ethertype:vntag:ethertype:vlan:ethertype:ip:data');
    expect(layerLines(f, 1)).toEqual([
      '0... .... .... .... .... .... .... .... = Direction: To Bridge',
      '.0.. .... .... .... .... .... .... .... = Pointer: vif_id',
      '..00 0000 0000 0000 .... .... .... .... = Destination: 0',
      '.... .... .... .... 0... .... .... .... = Looped: No',
      '.... .... .... .... .0.. .... .... .... = Reserved: 0',
      '.... .... .... .... ..00 .... .... .... = Version: 0',
      '.... .... .... .... .... 0000 0000 0000 = Source: 0',
      'Type: 802.1Q Virtual LAN (0x8100)',
    ]);
    expect(cellOf(f, 'vlan.id')).toBe('11');
  });

  it('reports every truncation and never throws; rebuilds every frame', () => {
    const frames = encapFixture('vntag', 'vntag.pcap').frames;
    expect(everyPrefix(frames.slice(0, 1), 'vntag')).toBeGreaterThan(200);
    expect(rebuildsAll(frames, 'vntag')).toBe(3);
  });

  it('crafts the tag with the EtherType of the inner layer', () => {
    const b = build([layer(ethernet, {}), layer(vntag, { tag: 0x80050123 }), layer(ipv4, { src: '10.0.0.1', dst: '10.0.0.2', proto: 253 })]);
    expect(toHex(b, 12, 20)).toBe('8926800501230800');
    const f = dissectOne(b, 1);
    expect(cellOf(f, 'vntag.dst')).toBe('5');
    expect(cellOf(f, 'vntag.src')).toBe('291');
    expect(cellOf(f, 'vntag.dir')).toBe('1');
    expect(() => encodeAlone(vntag, { etype: 0x10000 })).toThrow(/vntag\.etype/);
  });

  it('property: decode(encode(v)) gives v back', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 0xffffffff }), fc.integer({ min: 0, max: 0xffff }), fc.uint8Array({ maxLength: 10 }), (tag, etype, payload) => {
        const bytes = encodeAlone(vntag, { tag, etype }, payload);
        const r = vntag.decode(bytes, 0, bytes.length, { frame: bytes, layers: [], problems: [], prefs: ORACLE_PREFS, wireLen: bytes.length, fcsLen: 0, inError: false });
        expect(r.value).toEqual({ tag, etype });
      }),
    );
  });
});
