import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { bytesEqual, toHex } from '../../src/core/bytes.js';
import { EncodeError } from '../../src/core/problem.js';
import { build, layer, rebuild } from '../../src/craft/build.js';
import type { Frame } from '../../src/dissect/frame.js';
import { protocolsPath } from '../../src/dissect/frame.js';
import { DEFAULT_PREFS } from '../../src/dissect/prefs.js';
import { summaryColumns } from '../../src/inspect/summary.js';
import { collect, frameTree } from '../../src/inspect/tree.js';

import { sll, sll2, sllEncodingLength } from '../../src/protocols/sll.js';
import type { SllInput, SllValue } from '../../src/protocols/sll.js';
import { arp } from '../../src/protocols/arp.js';
import { ipv4 } from '../../src/protocols/ipv4.js';
import type { Layer } from '../../src/protocols/types.js';
import { LINK_DIR, fixture, cell, differences, infoDifferences, ctxFor, record, dissectOne, checkRanges, labels, layerLabel } from './link-helpers.js';




const KNOWN: Readonly<Record<string, string>> = {
  'crafted-sll.pcap#4 frame.protocols': 'Linux protocol type 4 is LLC for tshark; wirelens has no LLC decoder (data)',
  'crafted-sll.pcap#4 info': 'the UDP Info of the packet inside LLC (LLC not decoded)',
  'crafted-sll.pcap#7 frame.protocols': 'tshark hands a netlink capture to its netlink decoder; wirelens keeps it as data',
  'crafted-sll.pcap#10 frame.protocols': 'Linux protocol type 1 is raw 802.3 (IPX) for tshark; data in wirelens',
  'crafted-sll.pcap#10 _ws.malformed': 'the IPX decoder finds the bytes malformed (IPX not decoded)',
  'crafted-sll.pcap#10 info': 'IPX clears the Info column (IPX not decoded)',
  'crafted-sll2.pcap#4 frame.protocols': 'LLC not decoded (see crafted-sll.pcap#4)',
  'crafted-sll2.pcap#4 info': 'LLC not decoded (see crafted-sll.pcap#4)',
  'RADIUS-RFC3162.pcap#1 info': 'RADIUS is not decoded (the UDP Info shows)',
  'linux_dlt_sll2.pcap#2 info': 'ICMP request/response matching (an ICMP matter)',
  'linux_dlt_sll2.pcap#4 info': 'ICMPv6 request/response matching (an ICMPv6 matter)',
};
const FILES = ['linuxsll-arp.pcap', 'linux_dlt_sll2.pcap', 'RADIUS-RFC3162.pcap', 'crafted-sll.pcap', 'crafted-sll2.pcap', 'crafted-sll-addr.pcap'];

function cooked(f: Frame): Layer<SllValue> {
  return f.layers[0] as Layer<SllValue>;
}

describe('Linux cooked capture (SLL, SLL2) against tshark 4.0.17', () => {
  for (const name of FILES) {
    it(`${name}: sll.* fields, frame.protocols, indicators and Info as tshark prints them`, () => {
      const fx = fixture(LINK_DIR, name);
      expect(fx.frames.length).toBe(fx.rows.length);
      expect(differences(name, fx, ['sll.', 'eth.padding'], KNOWN)).toEqual([]);
      expect(infoDifferences(name, fx, KNOWN)).toEqual([]);
    });
  }

  it('decodes an SLL v1 header field by field, with padding and trailer after the ARP', () => {
    const f = fixture(LINK_DIR, 'linuxsll-arp.pcap').frames[4]!;
    expect(cooked(f).value).toMatchObject({ version: 1, pkttype: 1, hatype: 1, halen: 6, src: '00:50:56:8b:3f:0d', protocol: 0x0806 });
    expect(protocolsPath(f)).toBe('sll:ethertype:arp');
    expect(layerLabel(f, 0)).toBe('Linux cooked capture v1');
    expect(labels(f, 0)).toEqual([
      'Packet type: Broadcast (1)',
      'Link-layer address type: Ethernet (1)',
      'Link-layer address length: 6',
      'Source: 00:50:56:8b:3f:0d',
      'Unused: 0000',
      'Protocol: ARP (0x0806)',
      'Padding: 00000000000000000000000000000000',
      'Trailer: 0000',
    ]);
    const n = collect(frameTree(f, DEFAULT_PREFS), new Set(['sll.unused', 'eth.padding', 'sll.trailer']));
    expect([n.get('sll.unused')![0]!.start, n.get('sll.unused')![0]!.len]).toEqual([12, 2]);
    expect([n.get('eth.padding')![0]!.start, n.get('eth.padding')![0]!.len]).toEqual([44, 16]);
    expect([n.get('sll.trailer')![0]!.start, n.get('sll.trailer')![0]!.len]).toEqual([60, 2]);
  });

  it('decodes an SLL2 header in its own field order, with the interface index', () => {
    const f = fixture(LINK_DIR, 'linux_dlt_sll2.pcap').frames[0]!;
    expect(cooked(f).value).toMatchObject({ version: 2, protocol: 0x0800, ifindex: 1, hatype: 772, pkttype: 0, halen: 6, reserved: 0 });
    expect(layerLabel(f, 0)).toBe('Linux cooked capture v2');
    expect(labels(f, 0)).toEqual([
      'Protocol: IPv4 (0x0800)',
      'Interface index: 1',
      'Link-layer address type: Loopback (772)',
      'Packet type: Unicast to us (0)',
      'Link-layer address length: 6',
      'Source: 00:00:00:00:00:00',
      'Unused: 0000',
    ]);
    expect(f.layers[1]!.proto).toBe(ipv4);
    expect(f.layers[1]!.start).toBe(20);
  });

  it('names the address by its length and the protocol by the address type', () => {
    const fx = fixture(LINK_DIR, 'crafted-sll.pcap');
    // GRE tunnel: an IPv4 link address and a GRE protocol type, no ethertype pseudo-layer.
    expect(cell(fx.frames[1]!, 'sll.src.ipv4')).toBe('10.0.0.1');
    expect(cell(fx.frames[1]!, 'sll.gretype')).toBe('0x0800');
    expect(protocolsPath(fx.frames[1]!).startsWith('sll:ip')).toBe(true);
    // No address: 8 unused bytes. A 10-byte address: the 8 stored bytes as raw bytes.
    expect(cell(fx.frames[2]!, 'sll.unused')).toBe('0000000000000000');
    expect(cell(fx.frames[5]!, 'sll.src.other')).toBe('4142434445464748');
    expect(cell(fx.frames[5]!, 'sll.unused')).toBe('');
    // Linux protocol types (1536 or less) are not EtherTypes.
    expect(cell(fx.frames[3]!, 'sll.ltype')).toBe('0x0004');
    expect(labels(fx.frames[3]!, 0)).toContain('Protocol: 802.2 LLC (0x0004)');
    // Netlink: the whole packet goes on, no cooked field is shown.
    expect(cell(fx.frames[6]!, 'sll.hatype')).toBe('');
    expect(summaryColumns(fx.frames[6]!, DEFAULT_PREFS, 6).info).toBe('');
  });

  it('reports every truncation of both headers, never throws, shows the fields present', () => {
    const v1 = fixture(LINK_DIR, 'linuxsll-arp.pcap').frames[0]!;
    const v2 = fixture(LINK_DIR, 'linux_dlt_sll2.pcap').frames[0]!;
    for (const [f0, size, lt] of [[v1, 16, 113], [v2, 20, 276]] as const) {
      for (let n = 0; n < size; n++) {
        const f = dissectOne(f0.data.slice(0, n), lt);
        checkRanges(f);
        const p = f.problems.find((x) => x.layer === 'sll')!;
        expect(p).toMatchObject({ code: 'truncated', start: 0, end: n, expected: size, actual: n });
        expect(f.layers.length).toBe(1);
        expect(() => frameTree(f, DEFAULT_PREFS)).not.toThrow();
      }
    }
    // Cut after 15 bytes: the address is shown, the protocol is not.
    const f15 = fixture(LINK_DIR, 'crafted-sll-addr.pcap').frames[7]!;
    expect(cell(f15, 'sll.src.eth')).toBe('41:42:43:44:45:46');
    expect(cell(f15, 'sll.etype')).toBe('');
    expect(f15.problems[0]).toMatchObject({ field: 'sll.etype' });
  });
});

describe('SLL encoding', () => {
  it('fills the protocol from the inner layer and the address length from the address', () => {
    const b = build([layer(sll, { pkttype: 4, addr: '02:00:00:00:00:01' }), layer(arp, {})]);
    expect(toHex(b, 0, 16)).toBe('0004000100060200000000010000' + '0806');
    const b2 = build([layer(sll2, { ifindex: 3, addr: new Uint8Array([10, 0, 0, 1]), hatype: 778 }), layer(arp, {})]);
    expect(toHex(b2, 0, 20)).toBe('0806' + '0000' + '00000003' + '030a' + '00' + '04' + '0a000001' + '00000000');
    expect(() => sll.encode!({ addr: new Uint8Array(9) }, new Uint8Array(0), { outer: [], pseudoHeaderSum: () => undefined })).toThrow(EncodeError);
    expect(() => sll2.encode!({ pkttype: 256 }, new Uint8Array(0), { outer: [], pseudoHeaderSum: () => undefined })).toThrow(/sll\.pkttype/);
    expect(() => sll.encode!({ addr: 'xyz' }, new Uint8Array(0), { outer: [], pseudoHeaderSum: () => undefined })).toThrow(/sll\.src/);
  });

  it('property: decode(encode(v)) gives v back, encodingLength agrees, at any offset in a larger buffer', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(sll, sll2),
        fc.record({
          pkttype: fc.integer({ min: 0, max: 255 }),
          hatype: fc.integer({ min: 0, max: 0xffff }).filter((h) => h !== 824),
          addr: fc.uint8Array({ maxLength: 8 }),
          protocol: fc.integer({ min: 0, max: 0xffff }),
          ifindex: fc.integer({ min: 0, max: 0xffffffff }),
        }),
        fc.uint8Array({ maxLength: 30 }),
        fc.uint8Array({ maxLength: 7 }),
        (proto, input, payload, prefix) => {
          const bytes = proto.encode!(input as SllInput, payload, { outer: [], pseudoHeaderSum: () => undefined });
          const version = proto === sll ? 1 : 2;
          expect(bytes.length).toBe(sllEncodingLength(version, input, payload.length));
          const big = new Uint8Array(prefix.length + bytes.length);
          big.set(prefix, 0);
          big.set(bytes, prefix.length);
          const ctx = ctxFor(big);
          const r = proto.decode(big, prefix.length, big.length, ctx);
          expect(r.value).toMatchObject({ version, pkttype: input.pkttype, hatype: input.hatype, halen: input.addr.length, protocol: input.protocol });
          expect(toHex(r.value.addr.subarray(0, input.addr.length))).toBe(toHex(input.addr));
          if (version === 2) expect(r.value.ifindex).toBe(input.ifindex);
          expect(r.headerEnd).toBe(prefix.length + (version === 1 ? 16 : 20));
          expect(ctx.problems).toEqual([]);
        },
      ),
    );
  });

  it('property: random bytes and every prefix of the fixtures never throw and keep problems inside the frame', () => {
    fc.assert(
      fc.property(fc.constantFrom(113, 276), fc.uint8Array({ maxLength: 90 }), (lt, b) => {
        const f = dissectOne(b, lt);
        checkRanges(f);
        frameTree(f, DEFAULT_PREFS);
        summaryColumns(f, DEFAULT_PREFS, 6);
      }),
    );
    for (const name of FILES) {
      for (const f0 of fixture(LINK_DIR, name).frames) {
        for (let n = 0; n <= f0.data.length; n++) checkRanges(dissectOne(f0.data.slice(0, n), f0.record.linkType, f0.record.origLen));
      }
    }
  });

  it('lossless: every frame of the fixtures rebuilds to its original bytes', () => {
    let count = 0;
    for (const name of FILES) {
      for (const f of fixture(LINK_DIR, name).frames) {
        const r = rebuild(f);
        if (!r.rebuilt) continue;
        count++;
        expect(bytesEqual(r.bytes, f.data), `${name}#${f.number}`).toBe(true);
      }
    }
    expect(count).toBeGreaterThanOrEqual(40);
  });
});
