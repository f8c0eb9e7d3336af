import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { toHex } from '../../src/core/bytes.js';
import { build, layer } from '../../src/craft/build.js';
import { protocolsPath } from '../../src/dissect/frame.js';
import { ORACLE_PREFS } from '../../src/dissect/prefs.js';
import { ethernet } from '../../src/protocols/ethernet.js';
import { ipv4 } from '../../src/protocols/ipv4.js';
import { ipv6 } from '../../src/protocols/ipv6.js';
import { mpls } from '../../src/protocols/mpls.js';
import type { MplsValue } from '../../src/protocols/mpls.js';
import { dissectOne } from './link-helpers.js';
import { cellDifferences, cellOf, encapFixture, encodeAlone, everyPrefix, labelOf, layerLines, layerOf, rebuildsAll } from './encap-helpers.js';

const FILES = ['mpls-over-udp.pcap', 'mpls-in-vlan.pcap'];
const KNOWN: Readonly<Record<string, string>> = {
  'mpls-in-vlan.pcap#2 frame.protocols': 'tshark hands the TCP payload (port 80) to HTTP, which takes it without a layer of its own; wirelens has no HTTP decoder (data)',
};

describe('MPLS against tshark 4.0.17', () => {
  for (const name of FILES) {
    it(`${name}: every mpls.* field, frame.protocols and the indicators as tshark prints them`, () => {
      const fx = encapFixture('mpls', name);
      expect(fx.frames.length).toBe(fx.rows.length);
      expect(cellDifferences(fx, KNOWN)).toEqual([]);
    });
  }

  it('decodes a label stack entry field by field (MPLS over UDP 6635), and the IPv4 packet after it', () => {
    const f = encapFixture('mpls', 'mpls-over-udp.pcap').frames[0]!;
    expect(layerOf(f, 'mpls').value).toEqual({ entries: [{ label: 21, exp: 0, bottom: true, ttl: 63 }] });
    expect(labelOf(f, 'mpls')).toBe('MultiProtocol Label Switching Header, Label: 21, Exp: 0, S: 1, TTL: 63');
    expect(layerLines(f, f.layers.indexOf(layerOf(f, 'mpls')))).toEqual([
      '0000 0000 0000 0001 0101 .... .... .... = MPLS Label: 21 (0x00015)',
      '.... .... .... .... .... 000. .... .... = MPLS Experimental Bits: 0',
      '.... .... .... .... .... ...1 .... .... = MPLS Bottom Of Label Stack: 1',
      '.... .... .... .... .... .... 0011 1111 = MPLS TTL: 63',
    ]);
    expect(protocolsPath(f)).toBe('eth:ethertype:ip:udp:mpls:ip:icmp:data');
  });

  it('a stack of several entries ends at the bottom bit; the payload is told by its first nibble', () => {
    const b = build([layer(ethernet, {}), layer(mpls, { entries: [{ label: 100, ttl: 9 }, { label: 2, exp: 5, ttl: 8 }] }), layer(ipv6, { src: '::1', dst: '::2' })]);
    expect(toHex(b, 12, 22)).toBe('8847' + '00064009' + '00002b08');
    const f = dissectOne(b, 1);
    expect((layerOf(f, 'mpls').value as MplsValue).entries.map((e) => e.label)).toEqual([100, 2]);
    expect(protocolsPath(f)).toBe('eth:ethertype:mpls:ipv6');
    expect(cellOf(f, 'mpls.label')).toBe('100,2');
    expect(cellOf(f, 'mpls.bottom')).toBe('0,1');
    expect(layerLines(f, 1)[4]).toBe('0000 0000 0000 0000 0010 .... .... .... = MPLS Label: IPv6 Explicit-Null (2)');
    const other = dissectOne(build([layer(ethernet, {}), layer(mpls, {})], new Uint8Array([0x00, 0x01, 0x02])), 1);
    expect(protocolsPath(other)).toBe('eth:ethertype:mpls:data');
  });

  it('reports every truncation and never throws; rebuilds every frame', () => {
    const frames = FILES.flatMap((n) => encapFixture('mpls', n).frames);
    expect(everyPrefix(frames, 'mpls')).toBeGreaterThan(1000);
    expect(rebuildsAll(frames, 'mpls')).toBe(4);
    const f = dissectOne(new Uint8Array([...new Uint8Array(12), 0x88, 0x47, 0x00, 0x01, 0x50, 0x40, 0x00, 0x01]), 1);
    expect(f.problems).toEqual([expect.objectContaining({ layer: 'mpls', code: 'truncated', field: 'mpls.label', start: 18, end: 20 })]);
  });

  it('EncodeError for values that do not fit', () => {
    expect(() => encodeAlone(mpls, { entries: [{ label: 1 << 20 }] })).toThrow(/mpls\.label/);
    expect(() => encodeAlone(mpls, { entries: [{ exp: 8 }] })).toThrow(/mpls\.exp/);
    expect(() => encodeAlone(mpls, { entries: [{ ttl: 256 }] })).toThrow(/mpls\.ttl/);
  });

  it('property: decode(encode(v)) gives v back for any stack', () => {
    const entry = fc.record({ label: fc.integer({ min: 0, max: 0xfffff }), exp: fc.integer({ min: 0, max: 7 }), ttl: fc.integer({ min: 0, max: 255 }) });
    fc.assert(
      fc.property(fc.array(entry, { minLength: 1, maxLength: 5 }), fc.uint8Array({ maxLength: 10 }), (entries, payload) => {
        const bytes = encodeAlone(mpls, { entries }, payload);
        const r = mpls.decode(bytes, 0, bytes.length, { frame: bytes, layers: [], problems: [], prefs: ORACLE_PREFS, wireLen: bytes.length, fcsLen: 0, inError: false });
        expect((r.value as MplsValue).entries).toEqual(entries.map((e, i) => ({ ...e, bottom: i === entries.length - 1 })));
        expect(r.headerEnd).toBe(4 * entries.length);
      }),
    );
  });
});
