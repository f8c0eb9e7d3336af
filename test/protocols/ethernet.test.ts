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

import { ETHERTYPES, crc32, ethernet, ethernetEncodingLength, linkTail } from '../../src/protocols/ethernet.js';
import type { EthernetInput, EthernetValue } from '../../src/protocols/ethernet.js';
import { arp } from '../../src/protocols/arp.js';
import { data } from '../../src/protocols/data.js';
import { vlan } from '../../src/protocols/vlan.js';
import type { Layer } from '../../src/protocols/types.js';
import { LINK_DIR, fixture, cell, differences, infoDifferences, ctxFor, record, dissectOne, checkRanges, labels, layerLabel } from './link-helpers.js';




/** Differences with tshark we accept, each with its reason. */
const KNOWN: Readonly<Record<string, string>> = {
  'crafted-eth.pcap#10 frame.protocols': 'tshark decodes the 802.3 payload as LLC; wirelens has no LLC decoder (data)',
  'crafted-eth.pcap#11 frame.protocols': 'LLC not decoded (see #10)',
  'crafted-eth.pcap#11 _ws.malformed': 'tshark finds the ARP inside LLC cut by the 802.3 length; wirelens keeps it as data',
  'crafted-eth.pcap#19 frame.protocols': 'LLC not decoded inside the VLAN tag',
  'crafted-eth.pcap#19 _ws.malformed': 'the ARP inside LLC is cut by the length (LLC not decoded)',
  'icmpv6-length-zero.pcapng#1 _ws.malformed': 'the exception is in ICMPv6 (payload length 0), not in the link layer',
};
const FILES = ['arp-who-has.pcap', 'crafted-eth.pcap', 'crafted-eth2.pcap', 'crafted-eth-fcs.pcap', 'icmpv6-length-zero.pcapng', 'test006-be.pcapng', '802.1ad_QinQ.pcap', 'icmp_dot1q.pcap'];

function eth(f: Frame): Layer<EthernetValue> {
  return f.layers[0] as Layer<EthernetValue>;
}

describe('Ethernet II against tshark 4.0.17', () => {
  for (const name of FILES) {
    it(`${name}: eth.* fields, frame.protocols and indicators as tshark prints them`, () => {
      const fx = fixture(LINK_DIR, name);
      expect(fx.frames.length).toBe(fx.rows.length);
      expect(differences(name, fx, ['eth.'], KNOWN)).toEqual([]);
    });
  }

  it('decodes arp-who-has.pcap field by field (frame 2 carries 18 bytes after the ARP: not zeros, so a trailer)', () => {
    const fx = fixture(LINK_DIR, 'arp-who-has.pcap');
    const [f1, f2] = fx.frames as [Frame, Frame];
    expect(eth(f1).value).toMatchObject({ dst: 'ff:ff:ff:ff:ff:ff', src: '78:31:c1:c6:3f:c2', type: 0x0806 });
    expect(eth(f1).value.padding).toBeUndefined();
    expect(eth(f2).value).toMatchObject({ dst: '78:31:c1:c6:3f:c2', src: 'f8:ed:a5:c0:a4:f1', type: 0x0806 });
    expect(eth(f2).value.padding).toBeUndefined();
    expect(toHex(eth(f2).value.trailer!)).toBe('00000000000000000000000000001f0b60ce');
    expect(eth(f2).end).toBe(60);
    expect(labels(f2, 0)).toEqual([
      'Destination: 78:31:c1:c6:3f:c2',
      '  Address: 78:31:c1:c6:3f:c2',
      '  LG bit: Globally unique address (factory default)',
      '  IG bit: Individual address (unicast)',
      'Source: f8:ed:a5:c0:a4:f1',
      '  Address: f8:ed:a5:c0:a4:f1',
      '  LG bit: Globally unique address (factory default)',
      '  IG bit: Individual address (unicast)',
      'Type: ARP (0x0806)',
      'Trailer: 00000000000000000000000000001f0b60ce',
    ]);
    expect(layerLabel(f2, 0)).toBe('Ethernet II, Src: f8:ed:a5:c0:a4:f1, Dst: 78:31:c1:c6:3f:c2');
    // Byte ranges as tshark's PDML gives them: trailer at 42, 18 bytes.
    const tr = collect(frameTree(f2, DEFAULT_PREFS), new Set(['eth.trailer'])).get('eth.trailer')![0]!;
    expect([tr.start, tr.len]).toEqual([42, 18]);
    expect(cell(f2, 'eth.addr')).toBe('78:31:c1:c6:3f:c2,f8:ed:a5:c0:a4:f1');
    expect(cell(f2, 'eth.ig')).toBe('0,0');
  });

  it('guesses an FCS as tshark does: a frame of 64 bytes or more with 4 bytes left after the padding', () => {
    const f = fixture(LINK_DIR, 'icmpv6-length-zero.pcapng').frames[0]!;
    expect(eth(f).value.fcs).toBe(0xaaaaaaaa);
    expect(labels(f, 0)).toContain('Frame check sequence: 0xaaaaaaaa [unverified]');
    expect(labels(f, 0)).toContain('[FCS Status: Unverified]');
    expect(toHex(eth(f).value.trailer!)).toBe('88000b2020800000fe80000000aaaaaaaaaaaaaaaaaaaaaaaaaaaaaa');
  });

  it('splits what follows the payload: padding only for frames of 60 bytes or more, only zeros, then trailer and FCS', () => {
    const b = new Uint8Array(70);
    // inner PDU ends at 42; frame of 70 bytes: zero padding to 60, 6 bytes trailer, FCS heuristic: 70 >= 64 -> last 4 are FCS
    b.set([1, 2, 3, 4, 5, 6], 60);
    b.set([0xde, 0xad, 0xbe, 0xef], 66);
    expect(linkTail(b, 70, 0, 42, 70, 'maybe')).toMatchObject({ tailAt: 42, fcs: 0xdeadbeef });
    expect(toHex(linkTail(b, 70, 0, 42, 70, 'maybe').trailer!)).toBe('010203040506');
    expect(linkTail(b, 70, 0, 42, 70, 'maybe').padding!.length).toBe(18);
    // Without the FCS guess (VLAN, SLL), the last 4 bytes are trailer.
    expect(toHex(linkTail(b, 70, 0, 42, 70, 'none').trailer!)).toBe('010203040506deadbeef');
    // A frame under 60 bytes has no padding: all trailer.
    const short = new Uint8Array(47);
    expect(linkTail(short, 47, 0, 42, 47, 'maybe')).toEqual({ tailAt: 42, trailer: short.subarray(42) });
    // Non-zero bytes where the padding would be: no padding at all.
    const nz = new Uint8Array(60).fill(1, 42);
    expect(linkTail(nz, 60, 0, 42, 60, 'maybe').padding).toBeUndefined();
    expect(linkTail(nz, 60, 0, 42, 60, 'maybe').trailer!.length).toBe(18);
    // Nothing after the inner PDU: nothing to split.
    expect(linkTail(nz, 60, 0, 60, 60, 'maybe')).toEqual({});
  });

  it('reads a declared FCS (pcap FCS bits) from the end of the frame', () => {
    const fx = fixture(LINK_DIR, 'crafted-eth-fcs.pcap');
    expect(fx.records[0]!.fcsLen).toBe(4);
    expect(eth(fx.frames[0]!).value.fcs).toBe(0x01020304);
    expect(eth(fx.frames[0]!).end).toBe(fx.frames[0]!.data.length - 4);
    const a = eth(fx.frames[2]!);
    expect(a.value.padding!.length).toBe(18);
    expect(a.value.fcs).toBe(0x01020304);
    // Behind a VLAN tag the FCS is still the Ethernet layer's; data never includes it.
    expect(eth(fx.frames[1]!).value.fcs).toBe(0x01020304);
    expect(cell(fx.frames[3]!, 'data.len')).toBe('46');
  });

  it('reports an invalid length/type (1501-1535) as tshark does: a warning, the payload as data', () => {
    const f = fixture(LINK_DIR, 'crafted-eth.pcap').frames[11]!;
    expect(protocolsPath(f)).toBe('eth:data');
    expect(cell(f, 'eth.invalid_lentype')).toBe('0x05ff');
    expect(labels(f, 0)).toContain('Invalid length/type: 0x05ff (1535)');
    expect(layerLabel(f, 0)).toBe('Ethernet Unknown, Src: 02:00:00:00:00:01, Dst: ff:ff:ff:ff:ff:ff');
    expect(summaryColumns(f, DEFAULT_PREFS, 6).info).toBe('Ethernet Unknown: Invalid length/type: 0x05ff (1535)');
    expect(f.problems).toEqual([expect.objectContaining({ code: 'bad-value', severity: 'warning', field: 'eth.invalid_lentype', start: 12, end: 14 })]);
  });

  it('labels an 802.3 frame as tshark 4.0 (no addresses) and keeps what lies past the length as trailer', () => {
    const f = fixture(LINK_DIR, 'crafted-eth.pcap').frames[10]!;
    expect(layerLabel(f, 0)).toBe('IEEE 802.3 Ethernet ');
    expect(cell(f, 'eth.len')).toBe('32');
    expect(cell(f, 'eth.trailer')).toBe('c0a8000200000000000000000000');
    expect(eth(f).end).toBe(46);
    expect(rebuild(f).bytes).toEqual(f.data);
  });

  it('writes "Ethernet II" in the Info column only when nothing but data follows', () => {
    const fx = fixture(LINK_DIR, 'crafted-eth2.pcap');
    expect(summaryColumns(fx.frames[5]!, DEFAULT_PREFS, 6).info).toBe('Ethernet II');
    expect(infoDifferences('crafted-eth2.pcap', fx, { 'crafted-eth2.pcap#5 info': 'UDP length 0 (a UDP matter)' })).toEqual([]);
  });

  it('reports every truncation of the 14-byte header, never throws, shows no field of a cut header', () => {
    const f0 = fixture(LINK_DIR, 'arp-who-has.pcap').frames[0]!;
    for (let n = 0; n < 14; n++) {
      const f = dissectOne(f0.data.slice(0, n), 1);
      checkRanges(f);
      const p = f.problems.find((x) => x.layer === 'eth')!;
      expect(p).toMatchObject({ code: 'truncated', start: 0, end: n, expected: 14, actual: n });
      expect(p.field).toBe(n < 6 ? 'eth.dst' : n < 12 ? 'eth.src' : 'eth.type');
      expect(cell(f, 'eth.dst')).toBe('');
      // The summary columns still show the addresses that were captured (as tshark's Destination column does).
      expect((f.layers[0]!.value as EthernetValue).dst).toBe(n >= 6 ? 'ff:ff:ff:ff:ff:ff' : '');
    }
  });

  it('keeps the payload of a snaplen-cut frame short without calling it malformed', () => {
    const f = fixture(LINK_DIR, 'crafted-eth.pcap').frames[12]!;
    expect(f.record.origLen).toBe(60);
    expect(f.problems.every((p) => p.end <= f.data.length)).toBe(true);
    expect(cell(f, 'eth.type')).toBe('0x0806');
  });

  it('names every EtherType tshark names (etype_vals)', () => {
    expect(Object.keys(ETHERTYPES).length).toBe(141);
    expect(ETHERTYPES[0x88a8]).toBe('802.1ad Provider Bridge (Q-in-Q)');
    expect(ETHERTYPES[0x9100]).toBe('QinQ: old non-standard 802.1ad');
    expect(ETHERTYPES[0x22f0]).toBe('IEEE 1722 Audio Video Transport Protocol');
  });
});

describe('Ethernet II encoding', () => {
  const mac = fc.uint8Array({ minLength: 6, maxLength: 6 }).map((b) => toHex(b, 0, 6, ':'));

  it('fills the type from the inner layer, pads to 60 bytes, and writes explicit values verbatim', () => {
    const a = build([layer(ethernet, { dst: 'ff:ff:ff:ff:ff:ff', src: '02:00:00:00:00:01' }), layer(arp, { src_hw: '02:00:00:00:00:01', src_proto: '10.0.0.1', dst_proto: '10.0.0.2' })]);
    expect(a.length).toBe(60);
    expect(toHex(a, 12, 14)).toBe('0806');
    expect(toHex(a, 42, 60)).toBe('00'.repeat(18));
    const v = build([layer(ethernet, {}), layer(vlan, { id: 5 }), layer(arp, {})]);
    expect(toHex(v, 12, 14)).toBe('8100');
    // An explicit (even wrong) type is written as given; an empty padding means none.
    const w = build([layer(ethernet, { type: 0x86dd, padding: new Uint8Array(0) }), layer(arp, {})]);
    expect(w.length).toBe(42);
    expect(toHex(w, 12, 14)).toBe('86dd');
    // No EtherType for raw data: an 802.3 length.
    const d = build([layer(ethernet, {}), layer(data, { data: new Uint8Array(100) })]);
    expect(toHex(d, 12, 14)).toBe('0064');
    expect(() => build([layer(ethernet, {}), layer(data, { data: new Uint8Array(1600) })])).toThrow(EncodeError);
  });

  it('computes the CRC-32 FCS on request, as the wire carries it', () => {
    const f = fixture(LINK_DIR, 'crafted-eth.pcap').frames[4]!;
    // Frame 5 carries the right CRC: rebuild the first 60 bytes with fcs: true and compare.
    const body = f.data.subarray(0, 60);
    const out = ethernet.encode!({ dst: 'ff:ff:ff:ff:ff:ff', src: '02:00:00:00:00:01', type: 0x0806, padding: body.subarray(42, 60), fcs: true }, body.subarray(14, 42), { outer: [], pseudoHeaderSum: () => undefined });
    expect(out).toEqual(f.data);
    expect(crc32(new TextEncoder().encode('123456789'))).toBe(0xcbf43926);
  });

  it('throws EncodeError naming the field for values that cannot fit', () => {
    const enc = (i: EthernetInput) => ethernet.encode!(i, new Uint8Array(46), { outer: [], pseudoHeaderSum: () => undefined });
    expect(() => enc({ dst: 'not a mac', type: 0x0800 })).toThrow(/eth\.dst/);
    expect(() => enc({ type: 0x10000 })).toThrow(/eth\.type/);
    expect(() => enc({ type: 0x0800, fcs: 2 ** 32 })).toThrow(/eth\.fcs/);
    try {
      enc({ src: '1:2:3', type: 0x0800 });
    } catch (e) {
      expect(e).toBeInstanceOf(EncodeError);
      expect((e as EncodeError).field).toBe('eth.src');
    }
  });

  it('property: decode(encode(v)) gives v back, encodingLength agrees, at any offset in a larger buffer', () => {
    fc.assert(
      fc.property(mac, mac, fc.integer({ min: 0x0600, max: 0xffff }), fc.uint8Array({ maxLength: 80 }), fc.uint8Array({ maxLength: 9 }), (dst, src, type, payload, prefix) => {
        const input: EthernetInput = { dst, src, type };
        const bytes = ethernet.encode!(input, payload, { outer: [], pseudoHeaderSum: () => undefined });
        expect(bytes.length).toBe(ethernetEncodingLength(input, payload.length));
        const big = new Uint8Array(prefix.length + bytes.length + 3);
        big.set(prefix, 0);
        big.set(bytes, prefix.length);
        const ctx = ctxFor(big);
        const r = ethernet.decode(big, prefix.length, prefix.length + bytes.length, ctx);
        expect(r.value).toMatchObject({ dst, src, type });
        expect(r.headerEnd).toBe(prefix.length + 14);
        expect(ctx.problems.filter((p) => p.severity === 'error')).toEqual([]);
      }),
    );
  });

  it('property: random bytes and every prefix never throw and keep problems inside the frame', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 120 }), fc.integer({ min: 0, max: 4 }), (b, fcs) => {
        const f = dissectOne(b, 1, b.length, fcs === 4 ? 4 : undefined);
        checkRanges(f);
        expect(() => frameTree(f, DEFAULT_PREFS)).not.toThrow();
        expect(() => summaryColumns(f, DEFAULT_PREFS, 6)).not.toThrow();
      }),
    );
    for (const name of FILES) {
      for (const f0 of fixture(LINK_DIR, name).frames) {
        if (f0.record.linkType !== 1) continue;
        for (let n = 0; n <= f0.data.length; n++) {
          const f = dissectOne(f0.data.slice(0, n), 1, f0.record.origLen);
          checkRanges(f);
          frameTree(f, DEFAULT_PREFS);
        }
      }
    }
  });

  it('lossless: every frame of the fixtures rebuilds to its original bytes', () => {
    for (const name of [...FILES, 'linuxsll-arp.pcap']) {
      for (const f of fixture(LINK_DIR, name).frames) {
        const r = rebuild(f);
        if (!r.rebuilt) continue;
        expect(bytesEqual(r.bytes, f.data), `${name}#${f.number}`).toBe(true);
      }
    }
  });

  it('a changed layer gets its auto fields recomputed: a new inner EtherType', () => {
    const f = fixture(LINK_DIR, 'arp-who-has.pcap').frames[1]!;
    const r = rebuild(f, (ls) => {
      (ls[0]!.input as EthernetInput).src = '02:00:00:00:00:99';
    });
    expect(toHex(r.bytes, 6, 12)).toBe('020000000099');
    expect(toHex(r.bytes, 12)).toBe(toHex(f.data, 12));
  });
});
