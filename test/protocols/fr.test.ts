import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { toHex } from '../../src/core/bytes.js';
import { build, layer } from '../../src/craft/build.js';
import { protocolsPath } from '../../src/dissect/frame.js';
import { ORACLE_PREFS } from '../../src/dissect/prefs.js';
import { fr } from '../../src/protocols/fr.js';
import type { FrInput } from '../../src/protocols/fr.js';
import { ipv4 } from '../../src/protocols/ipv4.js';
import { dissectOne } from './link-helpers.js';
import { cellDifferences, cellOf, encapFixture, encodeAlone, everyPrefix, layerLines, rebuildsAll } from './encap-helpers.js';

const FILE = 'OSPFv3_multipoint_adjacencies.pcap';

describe('Frame Relay against tshark 4.0.17', () => {
  it(`${FILE}: every fr.* field, frame.protocols and the indicators as tshark prints them`, () => {
    const fx = encapFixture('fr', FILE);
    expect(fx.frames.length).toBe(73);
    expect(cellDifferences(fx)).toEqual([]);
  });

  it('decodes the Q.922 address bit by bit, the DLCI, and a Cisco EtherType', () => {
    const f = encapFixture('fr', FILE).frames[0]!;
    expect(layerLines(f, 0)).toEqual([
      'First address octet: 0x48',
      '  0100 10.. = Upper DLCI: 0x12',
      '  .... ..0. = CR: Response',
      '  .... ...0 = EA: More Follows',
      'Second address octet: 0xe1, EA',
      '  1110 .... = Second DLCI: 0xe',
      '  .... 0... = FECN: False',
      '  .... .0.. = BECN: False',
      '  .... ..0. = DE: False',
      '  .... ...1 = EA: Last Octet',
      'DLCI: 302',
      'Type: IPv6 (0x86dd)',
    ]);
    expect(protocolsPath(f)).toBe('fr:ipv6:data');
    expect(cellOf(f, 'fr.second_dlci')).toBe('0x0e');
  });

  it('IETF encapsulation: control 0x03 and an NLPID (0xcc IPv4)', () => {
    const b = build([layer(fr, { control: 0x03 }), layer(ipv4, { src: '10.0.0.1', dst: '10.0.0.2', proto: 253 })]);
    expect(toHex(b, 0, 4)).toBe('040103cc');
    const f = dissectOne(b, 107);
    expect(protocolsPath(f)).toBe('fr:ip');
    expect(cellOf(f, 'fr.nlpid')).toBe('0xcc');
    expect(cellOf(f, 'fr.dlci')).toBe('16');
  });

  it('reports every truncation and never throws; rebuilds every frame', () => {
    const frames = encapFixture('fr', FILE).frames;
    expect(everyPrefix(frames.slice(0, 3), 'fr')).toBeGreaterThan(300);
    expect(rebuildsAll(frames, 'fr')).toBe(73);
    expect(() => encodeAlone(fr, { etype: 0x10000 })).toThrow(/fr\.chdlctype/);
  });

  it('property: decode(encode(v)) gives v back, Cisco or IETF', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 0xffff }).map((a) => (a & 0xfefe) | 0x0001), fc.boolean(), fc.integer({ min: 0, max: 255 }), fc.integer({ min: 0, max: 0xffff }).filter((t) => t >> 8 !== 3), fc.uint8Array({ maxLength: 8 }), (address, ietf, nlpid, etype, payload) => {
        const input: FrInput = ietf ? { address, control: 0x03, nlpid } : { address, etype };
        const bytes = encodeAlone(fr, input, payload);
        const r = fr.decode(bytes, 0, bytes.length, { frame: bytes, layers: [], problems: [], prefs: ORACLE_PREFS, wireLen: bytes.length, fcsLen: 0, inError: false });
        expect(fr.toInput!({ proto: fr, start: 0, headerEnd: r.headerEnd, end: r.end, value: r.value }, bytes)).toEqual(input);
      }),
    );
  });
});
