import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { bytesEqual, fromHex, toHex } from '../../src/core/bytes.js';
import { EncodeError } from '../../src/core/problem.js';
import { build, layer, rebuild } from '../../src/craft/build.js';
import type { Frame } from '../../src/dissect/frame.js';
import { protocolsPath } from '../../src/dissect/frame.js';
import { DEFAULT_PREFS } from '../../src/dissect/prefs.js';
import { summaryColumns } from '../../src/inspect/summary.js';
import { collect, frameTree } from '../../src/inspect/tree.js';

import { ethernet } from '../../src/protocols/ethernet.js';
import { arp } from '../../src/protocols/arp.js';
import { data } from '../../src/protocols/data.js';
import { ieee8021ad, vlan, vlanEncodingLength } from '../../src/protocols/vlan.js';
import type { VlanInput, VlanValue } from '../../src/protocols/vlan.js';
import type { Layer } from '../../src/protocols/types.js';
import { LINK_DIR, fixture, cell, differences, infoDifferences, ctxFor, record, dissectOne, checkRanges, labels, layerLabel } from './link-helpers.js';




const KNOWN: Readonly<Record<string, string>> = {
  'crafted-eth.pcap#10 frame.protocols': 'tshark decodes the 802.3 payload as LLC; wirelens has no LLC decoder (data)',
  'crafted-eth.pcap#11 frame.protocols': 'LLC not decoded',
  'crafted-eth.pcap#11 _ws.malformed': 'the ARP inside LLC is cut by the 802.3 length (LLC not decoded)',
  'crafted-eth.pcap#19 frame.protocols': 'LLC not decoded inside the VLAN tag',
  'crafted-eth.pcap#19 _ws.malformed': 'the ARP inside LLC is cut by the length (LLC not decoded)',
  'crafted-eth.pcap#10 info': 'tshark decodes the ARP inside LLC (802.3); wirelens has no LLC decoder',
  'crafted-eth.pcap#19 info': 'tshark shows the (empty) Info of the malformed ARP inside LLC; wirelens shows the tag',
  'icmp_dot1q.pcap#9 info': 'ICMP request/response matching (an ICMP matter)',
  'icmp_dot1q.pcap#11 info': 'ICMP request/response matching (an ICMP matter)',
  'icmp_dot1q.pcap#13 info': 'ICMP request/response matching (an ICMP matter)',
  'icmp_dot1q.pcap#15 info': 'ICMP request/response matching (an ICMP matter)',
};
const FILES = ['802.1ad_QinQ.pcap', 'icmp_dot1q.pcap', 'crafted-qinq.pcap', 'crafted-eth.pcap', 'crafted-eth2.pcap', 'crafted-eth-fcs.pcap'];

function tag(f: Frame, nth = 0): Layer<VlanValue> {
  return f.layers.filter((l) => l.proto === vlan || l.proto === ieee8021ad)[nth] as Layer<VlanValue>;
}

describe('802.1Q / 802.1ad tags against tshark 4.0.17', () => {
  for (const name of FILES) {
    it(`${name}: vlan.*, ieee8021ad.* fields, frame.protocols, indicators and Info as tshark prints them`, () => {
      const fx = fixture(LINK_DIR, name);
      expect(fx.frames.length).toBe(fx.rows.length);
      expect(differences(name, fx, ['vlan.', 'ieee8021ad.', 'ieee8021ah.', 'eth.padding'], KNOWN)).toEqual([]);
      expect(infoDifferences(name, fx, { ...KNOWN, 'crafted-eth2.pcap#5 info': 'UDP length 0 (a UDP matter)' })).toEqual([]);
    });
  }

  it('decodes the Q-in-Q capture: a service tag then a customer tag, each its own layer', () => {
    const f = fixture(LINK_DIR, '802.1ad_QinQ.pcap').frames[0]!;
    expect(protocolsPath(f)).toBe('eth:ethertype:ieee8021ad:ethertype:vlan:ethertype:arp');
    expect(tag(f, 0).value).toMatchObject({ priority: 0, dei: false, id: 200, etype: 0x8100 });
    expect(tag(f, 1).value).toMatchObject({ priority: 0, dei: false, id: 2001, etype: 0x0806 });
    expect(layerLabel(f, 1)).toBe('IEEE 802.1ad, ID: 200');
    expect(layerLabel(f, 2)).toBe('802.1Q Virtual LAN, PRI: 0, DEI: 0, ID: 2001');
    // The innermost tag owns the padding (eth.padding) and its trailer, as in tshark's tree.
    expect(labels(f, 2)).toEqual([
      'Priority: Best Effort (default) (0)',
      'DEI: Ineligible',
      'ID: 2001',
      'Type: ARP (0x0806)',
      'Padding: 00000000000000000000',
      'Trailer: 00000000',
    ]);
    expect(labels(f, 1)).toEqual(['Priority: 0', 'DEI: 0', 'ID: 200', 'Type: 802.1Q Virtual LAN (0x8100)']);
    const nodes = collect(frameTree(f, DEFAULT_PREFS), new Set(['vlan.id', 'vlan.trailer', 'eth.padding']));
    expect([nodes.get('vlan.id')![0]!.start, nodes.get('vlan.id')![0]!.len, nodes.get('vlan.id')![0]!.bitmask]).toEqual([18, 2, 0x0fff]);
    expect([nodes.get('eth.padding')![0]!.start, nodes.get('eth.padding')![0]!.len]).toEqual([50, 10]);
    expect([nodes.get('vlan.trailer')![0]!.start, nodes.get('vlan.trailer')![0]!.len]).toEqual([60, 4]);
    expect(cell(f, 'eth.padding')).toBe('00000000000000000000');
    expect((f.layers[0]!.value as { padding?: Uint8Array }).padding).toBeUndefined();
  });

  it('reads priority, DEI and ID from the TCI bits, and names the priority', () => {
    const f = fixture(LINK_DIR, 'crafted-eth.pcap').frames[21]!;
    expect(tag(f).value).toMatchObject({ priority: 7, dei: true, id: 4095, etype: 0x1234 });
    expect(labels(f, 1).slice(0, 3)).toEqual(['Priority: Network Control (7)', 'DEI: Eligible', 'ID: 4095']);
    expect(summaryColumns(f, DEFAULT_PREFS, 6).info).toBe('PRI: 7  DEI: 1  ID: 4095');
    expect(protocolsPath(f)).toBe('eth:ethertype:vlan:ethertype:data');
  });

  it('reads an 802.3 length in the tag (vlan.len), the rest being trailer', () => {
    const f = fixture(LINK_DIR, 'crafted-eth.pcap').frames[18]!;
    expect(cell(f, 'vlan.len')).toBe('30');
    expect(cell(f, 'vlan.etype')).toBe('');
    expect(cell(f, 'vlan.trailer')).toBe('00000000000000000000');
    expect(tag(f).end).toBe(14 + 4 + 30);
    expect(rebuild(f).bytes).toEqual(f.data);
  });

  it('reports every truncation of a tag, never throws, and shows the TCI fields once 2 bytes are there', () => {
    const f0 = fixture(LINK_DIR, 'crafted-eth.pcap').frames[21]!; // eth + 8100 tag + 3 bytes
    for (let n = 14; n < 18; n++) {
      const f = dissectOne(f0.data.slice(0, n), 1);
      checkRanges(f);
      if (n === 14) {
        expect(f.layers.length).toBe(1);
        continue;
      }
      const p = f.problems.find((x) => x.layer === 'vlan')!;
      expect(p).toMatchObject({ code: 'truncated', start: 14, end: n, expected: 4, actual: n - 14 });
      expect(cell(f, 'vlan.id')).toBe(n >= 16 ? '4095' : '');
      expect(cell(f, 'vlan.etype')).toBe('');
      expect(protocolsPath(f)).toBe('eth:ethertype:vlan');
    }
  });

  it('reports an 802.3 length past the end of the tag payload', () => {
    const b = fromHex('ffffffffffff0200000000018100000505dc' + '00'.repeat(20));
    const f = dissectOne(b, 1);
    expect(f.problems).toEqual([expect.objectContaining({ layer: 'vlan', code: 'bad-length', field: 'vlan.len', start: 16, end: 18, actual: 1500 })]);
  });
});

describe('802.1Q / 802.1ad encoding', () => {
  it('fills the type from the inner layer and the outer type from the tag', () => {
    const b = build([layer(ethernet, { padding: new Uint8Array(0) }), layer(ieee8021ad, { id: 200 }), layer(vlan, { id: 2001, priority: 5, dei: true }), layer(arp, {})]);
    expect(toHex(b, 12, 22)).toBe('88a800c88100b7d10806');
    const f = dissectOne(b, 1);
    expect(protocolsPath(f)).toBe('eth:ethertype:ieee8021ad:ethertype:vlan:ethertype:arp');
    expect(tag(f, 1).value).toMatchObject({ priority: 5, dei: true, id: 2001 });
    // Raw data inside an 802.1Q tag: an 802.3 length.
    const d = build([layer(ethernet, {}), layer(vlan, {}), layer(data, { data: new Uint8Array(10) })]);
    expect(toHex(d, 16, 18)).toBe('000a');
  });

  it('throws EncodeError naming the field for values that cannot fit', () => {
    const enc = (i: VlanInput) => vlan.encode!(i, new Uint8Array(0), { outer: [], pseudoHeaderSum: () => undefined });
    expect(() => enc({ id: 4096 })).toThrow(/vlan\.id/);
    expect(() => enc({ priority: 8 })).toThrow(/vlan\.priority/);
    expect(() => enc({ etype: -1 })).toThrow(/vlan\.etype/);
    expect(() => ieee8021ad.encode!({ id: 5000 }, new Uint8Array(0), { outer: [], pseudoHeaderSum: () => undefined })).toThrow(EncodeError);
  });

  it('property: decode(encode(v)) gives v back, encodingLength agrees, at any offset in a larger buffer', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(vlan, ieee8021ad),
        fc.record({ priority: fc.integer({ min: 0, max: 7 }), dei: fc.boolean(), id: fc.integer({ min: 0, max: 4095 }), etype: fc.integer({ min: 0x0600, max: 0xffff }) }),
        fc.uint8Array({ maxLength: 40 }),
        fc.uint8Array({ maxLength: 7 }),
        (proto, input, payload, prefix) => {
          const bytes = proto.encode!(input, payload, { outer: [], pseudoHeaderSum: () => undefined });
          expect(bytes.length).toBe(vlanEncodingLength(input, payload.length));
          const big = new Uint8Array(prefix.length + bytes.length + 5);
          big.set(prefix, 0);
          big.set(bytes, prefix.length);
          const ctx = ctxFor(big);
          const r = proto.decode(big, prefix.length, prefix.length + bytes.length, ctx);
          expect(r.value).toMatchObject(input);
          expect(r.headerEnd).toBe(prefix.length + 4);
          expect(ctx.problems).toEqual([]);
        },
      ),
    );
  });

  it('property: random tags after an Ethernet header never throw and keep problems inside the frame', () => {
    fc.assert(
      fc.property(fc.constantFrom('8100', '88a8', '9100'), fc.uint8Array({ maxLength: 80 }), (t, rest) => {
        const b = new Uint8Array(14 + rest.length);
        b.set(fromHex('ffffffffffff020000000001' + t), 0);
        b.set(rest, 14);
        const f = dissectOne(b, 1);
        checkRanges(f);
        frameTree(f, DEFAULT_PREFS);
        summaryColumns(f, DEFAULT_PREFS, 6);
      }),
    );
    for (const name of FILES) {
      for (const f0 of fixture(LINK_DIR, name).frames) {
        for (let n = 0; n <= f0.data.length; n++) checkRanges(dissectOne(f0.data.slice(0, n), 1, f0.record.origLen));
      }
    }
  });

  it('lossless: every tagged frame of the fixtures rebuilds to its original bytes', () => {
    let count = 0;
    for (const name of FILES) {
      for (const f of fixture(LINK_DIR, name).frames) {
        if (!f.layers.some((l) => l.proto === vlan || l.proto === ieee8021ad)) continue;
        const r = rebuild(f);
        if (!r.rebuilt) continue;
        count++;
        expect(bytesEqual(r.bytes, f.data), `${name}#${f.number}`).toBe(true);
      }
    }
    expect(count).toBeGreaterThan(15);
  });

  it('a changed tag keeps its padding and trailer, and a new inner layer gets a new type', () => {
    const f = fixture(LINK_DIR, '802.1ad_QinQ.pcap').frames[0]!;
    const r = rebuild(f, (ls) => {
      (ls[2]!.input as VlanInput).id = 7;
    });
    expect(r.bytes.length).toBe(64);
    expect(toHex(r.bytes, 18, 20)).toBe('0007');
    expect(toHex(r.bytes, 50)).toBe(toHex(f.data, 50));
  });
});
