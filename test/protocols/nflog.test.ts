import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { build, layer } from '../../src/craft/build.js';
import { protocolsPath } from '../../src/dissect/frame.js';
import { ORACLE_PREFS } from '../../src/dissect/prefs.js';
import { ipv4 } from '../../src/protocols/ipv4.js';
import { ipv6 } from '../../src/protocols/ipv6.js';
import { nflog } from '../../src/protocols/nflog.js';
import type { NflogInput, NflogValue } from '../../src/protocols/nflog.js';
import { dissectOne } from './link-helpers.js';
import { cellDifferences, cellOf, encapFixture, encodeAlone, everyPrefix, layerLines, layerOf, rebuildsAll } from './encap-helpers.js';

const FILES = ['nflog.pcap', 'nflog-http.pcap'];

describe('NFLOG against tshark 4.0.17', () => {
  for (const name of FILES) {
    it(`${name}: every nflog.* field, frame.protocols and the indicators as tshark prints them`, () => {
      const fx = encapFixture('nflog', name);
      expect(fx.frames.length).toBe(fx.rows.length);
      expect(cellDifferences(fx)).toEqual([]);
    });
  }

  it('decodes the little-endian attributes, each as tshark shows it, and the IPv4 packet in NFULA_PAYLOAD', () => {
    const f = encapFixture('nflog', 'nflog.pcap').frames[0]!;
    const lines = layerLines(f, 0);
    expect(lines.slice(0, 9)).toEqual([
      'Family: IPv4 (2)',
      'Version: 0',
      'Resource id: 20',
      'TLV Type: NFULA_PACKET_HDR (1), Length: 8',
      '  Length: 8',
      '  .000 0000 0000 0001 = Type: NFULA_PACKET_HDR (1)',
      '  HW protocol: IPv4 (0x0800)',
      '  Netfilter hook: Local in (1)',
      'TLV Type: NFULA_PREFIX (10), Length: 5',
    ]);
    expect(lines).toContain('  Timestamp: Sep  6, 2013 18:31:58.614652000 UTC');
    expect(protocolsPath(f)).toBe('nflog:ip:udp:dns');
    const h = encapFixture('nflog', 'nflog-http.pcap').frames[0]!;
    expect(cellOf(h, 'nflog.tlv_type')).toBe('1,10,5,11,14,9');
    expect(cellOf(h, 'nflog.uid')).toBe('0');
  });

  it('a TLV length below 4, or past the frame, is damage (tshark: malformed); the layer stops there', () => {
    const f = dissectOne(new Uint8Array([2, 0, 0, 0, 1, 0, 1, 0, 0, 0, 0, 0]), 239);
    expect(f.problems).toEqual([expect.objectContaining({ layer: 'nflog', code: 'bad-length', field: 'nflog.tlv_length', actual: 1 })]);
    expect(protocolsPath(f)).toBe('nflog');
    // zeek's nflog-bad-tlv-len.pcap: a length of 256 in a 12-byte frame
    const g = dissectOne(new Uint8Array([2, 0, 0, 0, 0, 1, 1, 0, 0, 0, 0, 0]), 239);
    expect(g.problems).toEqual([expect.objectContaining({ layer: 'nflog', code: 'truncated', field: 'nflog.tlv_value', expected: 256, actual: 8 })]);
  });

  it('reports every truncation and never throws; rebuilds every frame', () => {
    const frames = FILES.flatMap((n) => encapFixture('nflog', n).frames);
    expect(everyPrefix(frames.slice(0, 2), 'nflog', 4)).toBeGreaterThan(300);
    expect(rebuildsAll(frames, 'nflog')).toBe(17);
  });

  it('crafts the payload attribute (with padding) around IPv4 or IPv6, attributes before and after it', () => {
    const b = build([layer(nflog, { family: 10, tlvs: [{ type: 10, value: new TextEncoder().encode('drop\0') }], after: [{ type: 11, value: new Uint8Array(4) }] }), layer(ipv6, { src: '::1', dst: '::2' })]);
    const f = dissectOne(b, 239);
    expect(protocolsPath(f)).toBe('nflog:ipv6');
    const v = layerOf(f, 'nflog').value as NflogValue;
    expect(v.tlvs.map((t) => t.type)).toEqual([10, 9, 11]);
    expect(cellOf(f, 'nflog.prefix')).toBe('drop');
    expect(b.length % 4).toBe(0);
    expect(() => encodeAlone(nflog, { tlvs: [{ type: 1, value: new Uint8Array(70000) }] })).toThrow(/nflog\.tlv_length/);
    expect(protocolsPath(dissectOne(build([layer(nflog, {}), layer(ipv4, { src: '10.0.0.1', dst: '10.0.0.2', proto: 253 })]), 239))).toBe('nflog:ip');
  });

  it('property: decode(encode(v)) gives v back', () => {
    const tlv = fc.record({ type: fc.integer({ min: 0, max: 0xffff }).filter((t) => (t & 0x7fff) !== 9), value: fc.uint8Array({ maxLength: 9 }) });
    fc.assert(
      fc.property(fc.constantFrom(2, 10, 7), fc.integer({ min: 0, max: 255 }), fc.integer({ min: 0, max: 0xffff }), fc.array(tlv, { maxLength: 3 }), fc.array(tlv, { maxLength: 2 }), fc.uint8Array({ minLength: 1, maxLength: 9 }), (family, version, resId, tlvs, after, payload) => {
        const input: NflogInput = { family, version, resId, tlvs, after };
        const bytes = encodeAlone(nflog, input, payload);
        const r = nflog.decode(bytes, 0, bytes.length, { frame: bytes, layers: [], problems: [], prefs: ORACLE_PREFS, wireLen: bytes.length, fcsLen: 0, inError: false });
        expect(nflog.toInput!({ proto: nflog, start: 0, headerEnd: r.headerEnd, end: r.end, value: r.value }, bytes)).toEqual(input);
      }),
    );
  });
});
