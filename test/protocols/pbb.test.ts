import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { toHex } from '../../src/core/bytes.js';
import { build, layer } from '../../src/craft/build.js';
import { protocolsPath } from '../../src/dissect/frame.js';
import { ORACLE_PREFS } from '../../src/dissect/prefs.js';
import { arp } from '../../src/protocols/arp.js';
import { ethernet } from '../../src/protocols/ethernet.js';
import { ieee8021ah } from '../../src/protocols/pbb.js';
import { dissectOne } from './link-helpers.js';
import { cellDifferences, cellOf, encapFixture, encodeAlone, everyPrefix, labelOf, layerLines, rebuildsAll } from './encap-helpers.js';

describe('IEEE 802.1ah against tshark 4.0.17', () => {
  it('pbb.pcap: every ieee8021ah.* field, frame.protocols and the indicators as tshark prints them', () => {
    const fx = encapFixture('pbb', 'pbb.pcap');
    expect(fx.frames.length).toBe(fx.rows.length);
    expect(cellDifferences(fx)).toEqual([]);
  });

  it('decodes the I-Tag bit by bit and the customer addresses', () => {
    const f = encapFixture('pbb', 'pbb.pcap').frames[0]!;
    expect(labelOf(f, 'ieee8021ah')).toBe('IEEE 802.1ah, I-SID: 2014000, C-Src: 00:1c:eb:af:52:01, C-Dst: 01:1c:eb:af:50:00');
    expect(layerLines(f, 2)).toEqual([
      'I-Tag, I-SID: 2014000',
      '  000. .... .... .... .... .... .... .... = Priority: 0',
      '  ...0 .... .... .... .... .... .... .... = DROP: 0',
      '  .... 0... .... .... .... .... .... .... = NCA: 0',
      '  .... .0.. .... .... .... .... .... .... = RES1: 0',
      '  .... ..00 .... .... .... .... .... .... = RES2: 0',
      '  .... .... 0001 1110 1011 1011 0011 0000 = I-SID: 2014000',
      'C-Destination: 01:1c:eb:af:50:00',
      'C-Source: 00:1c:eb:af:52:01',
      'Type: Simple Loop Protection Protocol (0x8102)',
    ]);
  });

  it('reports every truncation and never throws; rebuilds every frame; crafts the EtherType from the inner layer', () => {
    const frames = encapFixture('pbb', 'pbb.pcap').frames;
    expect(everyPrefix(frames.slice(0, 2), 'ieee8021ah')).toBeGreaterThan(200);
    expect(rebuildsAll(frames, 'ieee8021ah')).toBe(frames.length);
    const b = build([layer(ethernet, {}), layer(ieee8021ah, { tag: 0x00000007, cdst: '02:00:00:00:00:02', csrc: '02:00:00:00:00:01' }), layer(arp, {})]);
    expect(toHex(b, 12, 18)).toBe('88e700000007');
    const f = dissectOne(b, 1);
    expect(protocolsPath(f)).toBe('eth:ethertype:ieee8021ah:ethertype:arp');
    expect(cellOf(f, 'ieee8021ah.isid')).toBe('7');
    expect(() => encodeAlone(ieee8021ah, { cdst: 'x' })).toThrow(/ieee8021ah\.cdst/);
  });

  it('property: decode(encode(v)) gives v back', () => {
    const mac = fc.uint8Array({ minLength: 6, maxLength: 6 }).map((a) => [...a].map((x) => x.toString(16).padStart(2, '0')).join(':'));
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 0xffffffff }), mac, mac, fc.integer({ min: 0, max: 0xffff }), fc.uint8Array({ maxLength: 10 }), (tag, cdst, csrc, etype, payload) => {
        const bytes = encodeAlone(ieee8021ah, { tag, cdst, csrc, etype }, payload);
        const r = ieee8021ah.decode(bytes, 0, bytes.length, { frame: bytes, layers: [], problems: [], prefs: ORACLE_PREFS, wireLen: bytes.length, fcsLen: 0, inError: false });
        expect(r.value).toEqual({ tag, cdst, csrc, etype });
      }),
    );
  });
});
