import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { toHex } from '../../src/core/bytes.js';
import { build, layer } from '../../src/craft/build.js';
import { protocolsPath } from '../../src/dissect/frame.js';
import { ORACLE_PREFS } from '../../src/dissect/prefs.js';
import { ipv4 } from '../../src/protocols/ipv4.js';
import { ipv6 } from '../../src/protocols/ipv6.js';
import { ppp } from '../../src/protocols/ppp.js';
import type { PppInput } from '../../src/protocols/ppp.js';
import { dissectOne } from './link-helpers.js';
import { cellDifferences, encapFixture, encodeAlone, everyPrefix, labelOf, layerLines, layerOf, rebuildsAll } from './encap-helpers.js';

const FILES = ['pptp.pcap', 'pppoes.pcap'];

describe('PPP against tshark 4.0.17', () => {
  for (const name of FILES) {
    it(`${name}: every ppp.* field, frame.protocols and the indicators as tshark prints them`, () => {
      const fx = encapFixture('ppp', name);
      expect(fx.frames.length).toBe(fx.rows.length);
      expect(cellDifferences(fx)).toEqual([]);
    });
  }

  it('reads HDLC-like framing (address, control) inside PPTP GRE, and the bare protocol field inside PPPoE', () => {
    const g = encapFixture('ppp', 'pptp.pcap').frames[15]!;
    expect(layerOf(g, 'ppp').value).toEqual({ address: 0xff, control: 0x03, protocol: 0xc021, protocolLength: 2 });
    expect(labelOf(g, 'ppp')).toBe('Point-to-Point Protocol');
    expect(layerLines(g, g.layers.indexOf(layerOf(g, 'ppp')))).toEqual(['Address: 0xff', 'Control: 0x03', 'Protocol: Link Control Protocol (0xc021)']);
    const s = encapFixture('ppp', 'pppoes.pcap').frames[0]!;
    expect(layerOf(s, 'ppp').value).toEqual({ protocol: 0xc021, protocolLength: 2 });
    expect(layerLines(s, s.layers.indexOf(layerOf(s, 'ppp')))).toEqual(['Protocol: Link Control Protocol (0xc021)']);
  });

  it('LINKTYPE_PPP (9): compressed address/control and a 1-byte protocol field are read as RFC 1661 allows', () => {
    const inner = build([layer(ipv4, { src: '10.0.0.1', dst: '10.0.0.2', proto: 253 })]);
    const full = new Uint8Array([0xff, 0x03, 0x00, 0x21, ...inner]);
    expect(protocolsPath(dissectOne(full, 9))).toBe('ppp:ip');
    const short = new Uint8Array([0x21, ...inner]);
    const f = dissectOne(short, 9);
    expect(layerOf(f, 'ppp').value).toEqual({ protocol: 0x21, protocolLength: 1 });
    expect(protocolsPath(f)).toBe('ppp:ip');
  });

  it('reports every truncation and never throws; rebuilds every frame', () => {
    const frames = FILES.flatMap((n) => encapFixture('ppp', n).frames);
    expect(everyPrefix([frames[15]!, frames[frames.length - 1]!], 'ppp')).toBeGreaterThan(200);
    expect(rebuildsAll(frames, 'ppp')).toBe(frames.filter((f) => f.layers.some((l) => l.proto.name === 'ppp')).length);
    const f = dissectOne(new Uint8Array([0xff, 0x03, 0x00]), 9);
    expect(f.problems).toEqual([expect.objectContaining({ layer: 'ppp', code: 'truncated', field: 'ppp.protocol' })]);
  });

  it('crafts the protocol number from the inner layer (0x0021 IPv4, 0x0057 IPv6); EncodeError when it does not fit', () => {
    const b = build([layer(ppp, { address: 0xff }), layer(ipv6, { src: '::1', dst: '::2' })]);
    expect(toHex(b, 0, 4)).toBe('ff030057');
    expect(protocolsPath(dissectOne(b, 9))).toBe('ppp:ipv6');
    expect(() => encodeAlone(ppp, { protocol: 0x100, protocolLength: 1 })).toThrow(/ppp\.protocol/);
  });

  it('property: decode(encode(v)) gives v back (HDLC framing or not, 1- or 2-byte protocol)', () => {
    fc.assert(
      fc.property(fc.boolean(), fc.boolean(), fc.integer({ min: 0, max: 0xffff }), fc.uint8Array({ maxLength: 10 }), (hdlc, compressed, n, payload) => {
        // a 1-byte protocol 0xff without framing would read as an address byte (as tshark reads it): left out
        const protocol = compressed ? ((n & 0xff) | 1) === 0xff && !hdlc ? 0xfd : (n & 0xff) | 1 : n & 0xfeff;
        const input: PppInput = { ...(hdlc ? { address: 0xff, control: 0x03 } : {}), protocol, ...(compressed ? { protocolLength: 1 as const } : {}) };
        const bytes = encodeAlone(ppp, input, payload);
        const r = ppp.decode(bytes, 0, bytes.length, { frame: bytes, layers: [], problems: [], prefs: ORACLE_PREFS, wireLen: bytes.length, fcsLen: 0, inError: false });
        expect(ppp.toInput!({ proto: ppp, start: 0, headerEnd: r.headerEnd, end: r.end, value: r.value }, bytes)).toEqual(input);
      }),
    );
  });
});
