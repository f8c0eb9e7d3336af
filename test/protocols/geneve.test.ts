import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { build, layer } from '../../src/craft/build.js';
import { protocolsPath } from '../../src/dissect/frame.js';
import { ORACLE_PREFS } from '../../src/dissect/prefs.js';
import { summaryColumns } from '../../src/inspect/summary.js';
import { ethernet } from '../../src/protocols/ethernet.js';
import { geneve, optionClassName } from '../../src/protocols/geneve.js';
import type { GeneveInput, GeneveValue } from '../../src/protocols/geneve.js';
import { ipv4 } from '../../src/protocols/ipv4.js';
import { ipv6 } from '../../src/protocols/ipv6.js';
import { udp } from '../../src/protocols/udp.js';
import { dissectOne } from './link-helpers.js';
import { cellDifferences, cellOf, encapFixture, encodeAlone, everyPrefix, labelOf, layerLines, layerOf, rebuildsAll } from './encap-helpers.js';

const FILES = ['geneve.pcap', 'geneve-gcp.pcap'];

describe('Geneve against tshark 4.0.17', () => {
  for (const name of FILES) {
    it(`${name}: every geneve.* field, frame.protocols and the indicators as tshark prints them`, () => {
      const fx = encapFixture('geneve', name);
      expect(fx.frames.length).toBe(fx.rows.length);
      expect(cellDifferences(fx)).toEqual([]);
    });
  }

  it('decodes the header and a critical option, then the Ethernet frame (protocol type 0x6558)', () => {
    const f = encapFixture('geneve', 'geneve.pcap').frames[0]!;
    const v = layerOf(f, 'geneve').value as GeneveValue;
    expect(v).toMatchObject({ version: 0, optionsLength: 8, flags: 0x40, protoType: 0x6558, vni: 10, reserved: 0 });
    expect(v.options).toHaveLength(1);
    expect(labelOf(f, 'geneve')).toBe('Generic Network Virtualization Encapsulation, VNI: 0x00000a');
    expect(layerLines(f, f.layers.indexOf(layerOf(f, 'geneve')))).toEqual([
      'Version: 0',
      'Length: 8 bytes',
      'Flags: 0x40, Critical Options Present',
      '  0... .... = Operations, Administration and Management Frame: False',
      '  .1.. .... = Critical Options Present: True',
      '  ..00 0000 = Reserved: False',
      'Protocol Type: Transparent Ethernet bridging (0x6558)',
      'Virtual Network Identifier (VNI): 0x00000a (10)',
      'Options: (8 bytes)',
      '  Unknown, Class: Standard (0x0000) Type: 0x80 (Critical)',
      '    Class: Standard (0x0000)',
      '    Type: 0x80 (Critical)',
      '    Length: 8 bytes',
      '    Unknown Option Data: 0000000c',
    ]);
    // the header length and each option's length are both geneve.option.length, as in tshark
    expect(cellOf(f, 'geneve.option.length')).toBe('8,8');
    expect(protocolsPath(f)).toBe('eth:ethertype:ip:udp:geneve:eth:ethertype:ip:icmp:data');
  });

  it('decodes the Google Cloud options and an IPv4 payload', () => {
    const f = encapFixture('geneve', 'geneve-gcp.pcap').frames[0]!;
    const lines = layerLines(f, f.layers.indexOf(layerOf(f, 'geneve')));
    expect(lines).toContain('    1000 0000  0000 0000  0000 0000  1101 .... = GCP Virtual Network ID: 134217741');
    expect(lines).toContain('    .... .... .... .... .... .... .... ...1 = GCP Traffic Direction: Egress');
    expect(lines).toContain('    GCP Profile ID: 4660');
    expect(protocolsPath(f)).toBe('eth:ethertype:ip:udp:geneve:ip:tcp');
    expect(optionClassName(0x0133)).toBe('Google LLC');
    expect(optionClassName(0xfff5)).toBe('Experimental');
  });

  it('reports every truncation and never throws; an option longer than the options is a warning; rebuilds every frame', () => {
    const frames = FILES.flatMap((n) => encapFixture('geneve', n).frames);
    expect(everyPrefix([frames[0]!, frames[1]!, frames[frames.length - 1]!], 'geneve')).toBeGreaterThan(500);
    expect(rebuildsAll(frames, 'geneve')).toBe(40);
    const bad = build([layer(ipv4, { src: '10.0.0.1', dst: '10.0.0.2' }), layer(udp, {}), layer(geneve, { rest: new Uint8Array([0, 0, 0, 2]), protoType: 0x0800 }), layer(ipv4, { src: '1.1.1.1', dst: '2.2.2.2' })]);
    const f = dissectOne(bad, 101);
    expect(f.problems).toEqual([expect.objectContaining({ layer: 'geneve', code: 'bad-length', severity: 'warning', field: 'geneve.option.length' })]);
    expect(protocolsPath(f)).toBe('raw:ip:udp:geneve:ip');
  });

  it('crafts Geneve on UDP 6081 with the protocol type from the inner layer; Info names it', () => {
    const b = build([layer(ipv4, { src: '10.0.0.1', dst: '10.0.0.2' }), layer(udp, {}), layer(geneve, { vni: 77 }), layer(ipv6, { src: '2001:db8::1', dst: '2001:db8::2' })]);
    const f = dissectOne(b, 101);
    expect(protocolsPath(f)).toBe('raw:ip:udp:geneve:ipv6');
    expect(cellOf(f, 'geneve.proto_type')).toBe('0x86dd');
    expect(cellOf(f, 'udp.dstport')).toBe('6081');
    const e = dissectOne(build([layer(ipv4, { src: '10.0.0.1', dst: '10.0.0.2' }), layer(udp, {}), layer(geneve, {}), layer(ethernet, {})]), 101);
    expect(cellOf(e, 'geneve.proto_type')).toBe('0x6558');
    const d = dissectOne(build([layer(ipv4, { src: '10.0.0.1', dst: '10.0.0.2' }), layer(udp, {}), layer(geneve, { protoType: 0x1234 })], new Uint8Array(4)), 101);
    expect(summaryColumns(d, ORACLE_PREFS, 6).info).toBe('Encapsulated 0x1234 (unknown)');
    expect(() => encodeAlone(geneve, { options: [{ class: 1, type: 1, flags: 0, data: new Uint8Array(3) }] })).toThrow(/geneve\.option\.length/);
  });

  it('property: decode(encode(v)) gives v back, options included', () => {
    const opt = fc.record({ class: fc.integer({ min: 0, max: 0xffff }), type: fc.integer({ min: 0, max: 255 }), flags: fc.integer({ min: 0, max: 7 }), data: fc.integer({ min: 0, max: 4 }).chain((n) => fc.uint8Array({ minLength: 4 * n, maxLength: 4 * n })) });
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 3 }), fc.integer({ min: 0, max: 255 }), fc.integer({ min: 0, max: 0xffff }), fc.integer({ min: 0, max: 0xffffff }), fc.integer({ min: 0, max: 255 }), fc.array(opt, { maxLength: 3 }), fc.uint8Array({ maxLength: 12 }), (version, flags, protoType, vni, reserved, options, payload) => {
        const input: GeneveInput = { version, flags, protoType, vni, reserved, options };
        const bytes = encodeAlone(geneve, input, payload);
        const r = geneve.decode(bytes, 0, bytes.length, { frame: bytes, layers: [], problems: [], prefs: ORACLE_PREFS, wireLen: bytes.length, fcsLen: 0, inError: false });
        expect(geneve.toInput!({ proto: geneve, start: 0, headerEnd: r.headerEnd, end: r.end, value: r.value }, bytes)).toEqual(input);
        expect(bytes.length - r.headerEnd).toBe(payload.length);
      }),
    );
  });
});
