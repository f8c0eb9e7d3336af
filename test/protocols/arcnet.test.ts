import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { toHex } from '../../src/core/bytes.js';
import { build, layer } from '../../src/craft/build.js';
import { protocolsPath } from '../../src/dissect/frame.js';
import { ORACLE_PREFS } from '../../src/dissect/prefs.js';
import { arcnetBsd, arcnetLinux } from '../../src/protocols/arcnet.js';
import type { ArcnetInput } from '../../src/protocols/arcnet.js';
import { ipv4 } from '../../src/protocols/ipv4.js';
import { dissectOne } from './link-helpers.js';
import { cellDifferences, cellOf, encapFixture, encodeAlone, everyPrefix, layerLines, layerOf, rebuildsAll } from './encap-helpers.js';

const FILES = ['arcnet-rfc1051-arp-icmp-http.pcap', 'arcnet-rfc1201-arp-icmp-http.pcap', 'bacnet-arcnet-linux.pcap'];

describe('ARCNET against tshark 4.0.17', () => {
  for (const name of FILES) {
    it(`${name}: every arcnet.* field, frame.protocols and the indicators as tshark prints them`, () => {
      const fx = encapFixture('arcnet', name);
      expect(fx.frames.length).toBe(fx.rows.length);
      expect(cellDifferences(fx)).toEqual([]);
    });
  }

  it('RFC 1201: split flag and sequence after the protocol ID; RFC 1051: none', () => {
    const f = encapFixture('arcnet', 'arcnet-rfc1201-arp-icmp-http.pcap').frames[0]!;
    expect(layerLines(f, 0)).toEqual(['Source: 0xbe', 'Dest: 0x00', 'Offset: ea08', 'Protocol ID: RFC 1201 ARP (0xd5)', 'Split Flag: 0', 'Sequence: 357']);
    expect(protocolsPath(f)).toBe('arcnet:arp');
    const g = encapFixture('arcnet', 'arcnet-rfc1051-arp-icmp-http.pcap').frames[0]!;
    expect(layerLines(g, 0)).toEqual(['Source: 0xbe', 'Dest: 0x00', 'Offset: ed08', 'Protocol ID: RFC 1051 ARP (0xf1)']);
    const b = encapFixture('arcnet', 'bacnet-arcnet-linux.pcap').frames[0]!;
    expect(protocolsPath(b)).toBe('arcnet:llc:data');
    expect(cellOf(b, 'arcnet.protID')).toBe('0xcd');
  });

  it('BSD headers (link type 7): no offset, and an RFC 1201 exception header', () => {
    const ip = build([layer(ipv4, { src: '10.0.0.1', dst: '10.0.0.2', proto: 253 })]);
    const plain = build([layer(arcnetBsd, { src: 1, dst: 2, sequence: 7 }), layer(ipv4, { src: '10.0.0.1', dst: '10.0.0.2', proto: 253 })]);
    expect(toHex(plain, 0, 6)).toBe('0102d4000007');
    expect(protocolsPath(dissectOne(plain, 7))).toBe('arcnet:ip');
    const exc = new Uint8Array([1, 2, 0xd4, 0xff, 0xab, 0xcd, 0xd4, 0, 0, 9, ...ip]);
    const f = dissectOne(exc, 7);
    expect(layerOf(f, 'arcnet').value).toEqual({ src: 1, dst: 2, protID: 0xd4, exception: { padding: 0xabcd, protID: 0xd4 }, split: 0, sequence: 9 });
    expect(protocolsPath(f)).toBe('arcnet:ip');
    expect(cellOf(f, 'arcnet.protID')).toBe('0xd4,0xd4');
  });

  it('reports every truncation and never throws; rebuilds every frame', () => {
    const frames = FILES.flatMap((n) => encapFixture('arcnet', n).frames);
    expect(everyPrefix(frames.filter((_, i) => i % 5 === 0), 'arcnet')).toBeGreaterThan(500);
    expect(rebuildsAll(frames, 'arcnet')).toBe(40);
    expect(() => encodeAlone(arcnetLinux, { offset: new Uint8Array(3) })).toThrow(/arcnet\.offset/);
    expect(() => encodeAlone(arcnetLinux, { src: 256 })).toThrow(/arcnet\.src/);
  });

  it('property: decode(encode(v)) gives v back, Linux and BSD', () => {
    fc.assert(
      fc.property(fc.boolean(), fc.integer({ min: 0, max: 255 }), fc.integer({ min: 0, max: 255 }), fc.constantFrom(0xf0, 0xf1, 0xd4, 0xd5, 0xcd, 0x42), fc.integer({ min: 0, max: 254 }), fc.integer({ min: 0, max: 0xffff }), fc.uint8Array({ maxLength: 8 }), (linux, src, dst, protID, split, sequence, payload) => {
        const p = linux ? arcnetLinux : arcnetBsd;
        const fragment = ![0xf0, 0xf1, 0xcd].includes(protID);
        const input: ArcnetInput = { src, dst, ...(linux ? { offset: new Uint8Array([1, 2]) } : {}), protID, ...(fragment ? { split, sequence } : {}) };
        const bytes = encodeAlone(p, input, payload);
        const r = p.decode(bytes, 0, bytes.length, { frame: bytes, layers: [], problems: [], prefs: ORACLE_PREFS, wireLen: bytes.length, fcsLen: 0, inError: false });
        expect(p.toInput!({ proto: p, start: 0, headerEnd: r.headerEnd, end: r.end, value: r.value }, bytes)).toEqual(input);
      }),
    );
  });
});
