import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { toHex } from '../../src/core/bytes.js';
import { build, layer } from '../../src/craft/build.js';
import { protocolsPath } from '../../src/dissect/frame.js';
import { ethernet } from '../../src/protocols/ethernet.js';
import { ipv4 } from '../../src/protocols/ipv4.js';
import { udp } from '../../src/protocols/udp.js';
import { vxlan } from '../../src/protocols/vxlan.js';
import { dissectOne } from './link-helpers.js';
import { cellDifferences, cellOf, encapFixture, encodeAlone, everyPrefix, labelOf, layerLines, layerOf, rebuildsAll } from './encap-helpers.js';

describe('VXLAN against tshark 4.0.17', () => {
  it('vxlan.pcap: every vxlan.* field, frame.protocols and the indicators as tshark prints them', () => {
    const fx = encapFixture('vxlan', 'vxlan.pcap');
    expect(fx.frames.length).toBe(10);
    expect(cellDifferences(fx)).toEqual([]);
  });

  it('decodes the header field by field and enters the Ethernet frame (whose fields follow the outer ones)', () => {
    const f = encapFixture('vxlan', 'vxlan.pcap').frames[0]!;
    expect(layerOf(f, 'vxlan').value).toEqual({ flags: 0x0800, gbp: 0, vni: 100, reserved: 0 });
    expect(labelOf(f, 'vxlan')).toBe('Virtual eXtensible Local Area Network');
    expect(layerLines(f, f.layers.indexOf(layerOf(f, 'vxlan')))).toEqual([
      'Flags: 0x0800, VXLAN Network ID (VNI)',
      '  0... .... .... .... = GBP Extension: Not defined',
      '  .... 1... .... .... = VXLAN Network ID (VNI): True',
      "  .... .... .0.. .... = Don't Learn: False",
      '  .... .... .... 0... = Policy Applied: False',
      '  .000 .000 0.00 .000 = Reserved(R): 0x0000',
      'Group Policy ID: 0',
      'VXLAN Network Identifier (VNI): 100',
      'Reserved: 0',
    ]);
    expect(protocolsPath(f)).toBe('eth:ethertype:ip:udp:vxlan:eth:ethertype:ip:icmp:data');
    expect(cellOf(f, 'eth.type')).toBe('0x0800,0x0800');
  });

  it('reports every truncation and never throws; rebuilds every frame', () => {
    const frames = encapFixture('vxlan', 'vxlan.pcap').frames;
    expect(everyPrefix(frames.slice(0, 4), 'vxlan')).toBeGreaterThan(500);
    expect(rebuildsAll(frames, 'vxlan')).toBe(10);
  });

  it('crafts VXLAN on UDP 4789 around an Ethernet frame; EncodeError for a VNI over 24 bits', () => {
    const b = build([layer(ipv4, { src: '10.0.0.1', dst: '10.0.0.2' }), layer(udp, { srcport: 50000 }), layer(vxlan, { vni: 0xabcdef }), layer(ethernet, {}), layer(ipv4, { src: '1.1.1.1', dst: '2.2.2.2' })]);
    expect(toHex(b, 22, 24)).toBe('12b5'); // UDP destination port 4789, from VXLAN's binding
    expect(toHex(b, 28, 36)).toBe('08000000abcdef00');
    const f = dissectOne(b, 101);
    expect(protocolsPath(f)).toBe('raw:ip:udp:vxlan:eth:ethertype:ip');
    expect(f.problems).toEqual([]);
    expect(() => encodeAlone(vxlan, { vni: 1 << 24 })).toThrow(/vxlan\.vni/);
  });

  it('property: decode(encode(v)) gives v back', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 0xffff }), fc.integer({ min: 0, max: 0xffff }), fc.integer({ min: 0, max: 0xffffff }), fc.integer({ min: 0, max: 255 }), fc.uint8Array({ maxLength: 20 }), (flags, gbp, vni, reserved, payload) => {
        const bytes = encodeAlone(vxlan, { flags, gbp, vni, reserved }, payload);
        const r = vxlan.decode(bytes, 0, bytes.length, { frame: bytes, layers: [], problems: [], prefs: {} as never, wireLen: bytes.length, fcsLen: 0, inError: false });
        expect(r.value).toEqual({ flags, gbp, vni, reserved });
        expect(r.headerEnd).toBe(8);
      }),
    );
  });
});
