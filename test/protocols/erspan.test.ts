import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { build, layer } from '../../src/craft/build.js';
import { protocolsPath } from '../../src/dissect/frame.js';
import { erspan } from '../../src/protocols/erspan.js';
import type { ErspanValue } from '../../src/protocols/erspan.js';
import { ethernet } from '../../src/protocols/ethernet.js';
import { gre } from '../../src/protocols/gre.js';
import { ipv4 } from '../../src/protocols/ipv4.js';
import { dissectOne } from './link-helpers.js';
import { cellDifferences, cellOf, encapFixture, encodeAlone, everyPrefix, labelOf, layerLines, layerOf, rebuildsAll } from './encap-helpers.js';

const FILES = ['erspan-type-i-1.pcap', 'erspan-type-ii-1.pcap', 'erspan-type-iii-ft-0.pcap', 'erspan-type-iii-pb-1.pcap'];

describe('ERSPAN against tshark 4.0.17', () => {
  for (const name of FILES) {
    it(`${name}: every erspan.* field, frame.protocols and the indicators as tshark prints them`, () => {
      const fx = encapFixture('erspan', name);
      expect(fx.frames.length).toBe(fx.rows.length);
      expect(cellDifferences(fx)).toEqual([]);
    });
  }

  it('type I: no header of its own (GRE without a sequence number), the mirrored Ethernet frame follows', () => {
    const f = encapFixture('erspan', 'erspan-type-i-1.pcap').frames[0]!;
    const l = layerOf(f, 'erspan');
    expect((l.value as ErspanValue).type).toBe(1);
    expect(l.headerEnd - l.start).toBe(0);
    expect(labelOf(f, 'erspan')).toBe('Encapsulated Remote Switch Packet ANalysis Type I');
    expect(protocolsPath(f)).toBe('eth:ethertype:ip:gre:erspan:eth:ethertype:vlan:ethertype:ip:icmp:data');
  });

  it('type II: the 8-byte header field by field', () => {
    const f = encapFixture('erspan', 'erspan-type-ii-1.pcap').frames[0]!;
    const i = f.layers.indexOf(layerOf(f, 'erspan'));
    expect(labelOf(f, 'erspan')).toBe('Encapsulated Remote Switch Packet ANalysis Type II');
    expect(layerLines(f, i)).toEqual([
      '0001 .... .... .... = Version: Type II (1)',
      '.... 0001 0101 0110 = Vlan: 342',
      '110. .... .... .... = COS: 6',
      '...0 0... .... .... = Encap: Originally without VLAN tag (0)',
      '.... .0.. .... .... = Truncated: Not truncated (0)',
      '.... ..10 1001 1010 = SpanID: 666',
      '0000 0000 0000 .... .... .... .... .... = Reserved: 0',
      '.... .... .... 0000 0111 1111 1111 1000 = Index: 32760',
    ]);
  });

  it('type III: timestamp, security group tag, frame type; the O bit announces a platform subheader', () => {
    const f = encapFixture('erspan', 'erspan-type-iii-ft-0.pcap').frames[0]!;
    expect(labelOf(f, 'erspan')).toBe('Encapsulated Remote Switch Packet ANalysis Type III');
    expect(cellOf(f, 'erspan.ft')).toBe('0');
    expect(cellOf(f, 'erspan.gra')).toBe('3');
    const pb = encapFixture('erspan', 'erspan-type-iii-pb-1.pcap').frames[0]!;
    expect(cellOf(pb, 'erspan.o')).toBe('1');
    // the 8-byte subheader was not captured: a short frame, as tshark says
    expect(pb.problems).toEqual([expect.objectContaining({ layer: 'erspan', code: 'truncated', expected: 20 })]);
  });

  it('reports every truncation and never throws; rebuilds every frame', () => {
    const frames = FILES.flatMap((n) => encapFixture('erspan', n).frames);
    expect(everyPrefix(frames.filter((_, i) => i < 4 || i === frames.length - 1), 'erspan')).toBeGreaterThan(500);
    expect(rebuildsAll(frames, 'erspan')).toBe(12);
  });

  it('crafts type I and type II under GRE (the GRE sequence bit decides between them)', () => {
    const mk = (seq: number | undefined) => build([layer(ipv4, { src: '10.0.0.1', dst: '10.0.0.2' }), layer(gre, seq === undefined ? {} : { seq }), layer(erspan, {}), layer(ethernet, {}), layer(ipv4, { src: '1.1.1.1', dst: '2.2.2.2' })]);
    const one = dissectOne(mk(undefined), 101);
    expect((layerOf(one, 'erspan').value as ErspanValue).type).toBe(1);
    expect(protocolsPath(one)).toBe('raw:ip:gre:erspan:eth:ethertype:ip');
    const two = dissectOne(mk(5), 101);
    expect((layerOf(two, 'erspan').value as ErspanValue).type).toBe(2);
    expect(protocolsPath(two)).toBe('raw:ip:gre:erspan:eth:ethertype:ip');
    expect(() => encodeAlone(erspan, { type: 2, header: new Uint8Array(5) })).toThrow(/erspan\.version/);
  });

  it('property: a type II or III header of any content decodes back to the same bytes', () => {
    fc.assert(
      fc.property(fc.constantFrom(2, 3), fc.uint8Array({ minLength: 20, maxLength: 20 }), fc.uint8Array({ maxLength: 20 }), (type, raw, payload) => {
        const header = raw.slice(0, type === 2 ? 8 : raw[11]! & 1 ? 20 : 12);
        header[0] = (header[0]! & 0x0f) | ((type - 1) << 4);
        const bytes = encodeAlone(erspan, { type: type as 2 | 3, header }, payload);
        const r = erspan.decode(bytes, 0, bytes.length, { frame: bytes, layers: [], problems: [], prefs: {} as never, wireLen: bytes.length, fcsLen: 0, inError: false });
        expect(r.value).toEqual({ type, header });
        expect(r.headerEnd).toBe(header.length);
      }),
    );
  });
});
