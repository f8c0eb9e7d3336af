import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { bytesEqual, fromHex, toHex } from '../../src/core/bytes.js';
import { EncodeError } from '../../src/core/problem.js';
import { build, layer, rebuild } from '../../src/craft/build.js';
import type { Frame } from '../../src/dissect/frame.js';
import { DEFAULT_PREFS } from '../../src/dissect/prefs.js';
import { summaryColumns } from '../../src/inspect/summary.js';
import { collect, frameTree } from '../../src/inspect/tree.js';

import { ARP_OPCODES, ARPHRD, arp, arpColumn, arpEncodingLength, arpInfo } from '../../src/protocols/arp.js';
import type { ArpInput, ArpValue } from '../../src/protocols/arp.js';
import { ethernet } from '../../src/protocols/ethernet.js';
import type { Layer } from '../../src/protocols/types.js';
import { LINK_DIR, ARP_DIR, fixture, cell, differences, infoDifferences, ctxFor, record, dissectOne, checkRanges, labels, layerLabel } from './link-helpers.js';




/** No accepted difference for ARP. */
const KNOWN: Readonly<Record<string, string>> = {};
const FILES: readonly [URL, string][] = [
  [ARP_DIR, 'arp.pcap'],
  [ARP_DIR, 'rarp_req_reply.pcapng'],
  [ARP_DIR, 'arp-leak.pcap'],
  [ARP_DIR, 'arp-too-long-tha.pcap'],
  [ARP_DIR, 'getname_2_read4_asan.pcap'],
  [ARP_DIR, 'crafted-arp.pcap'],
  [LINK_DIR, 'linuxsll-arp.pcap'],
  [LINK_DIR, '802.1ad_QinQ.pcap'],
  [LINK_DIR, 'arp-who-has.pcap'],
];

function arpLayer(f: Frame): Layer<ArpValue> {
  return f.layers.find((l) => l.proto === arp) as Layer<ArpValue>;
}

describe('ARP against tshark 4.0.17', () => {
  for (const [dir, name] of FILES) {
    it(`${name}: every arp.* field, frame.protocols, indicators and the Info column as tshark prints them`, () => {
      const fx = fixture(dir, name);
      expect(fx.frames.length).toBe(fx.rows.length);
      expect(differences(name, fx, ['arp.'], KNOWN)).toEqual([]);
      expect(infoDifferences(name, fx, KNOWN)).toEqual([]);
    });
  }

  it('decodes a request and a reply field by field', () => {
    const fx = fixture(ARP_DIR, 'arp.pcap');
    const req = arpLayer(fx.frames[1]!);
    expect(req.value).toEqual({
      hw_type: 1,
      proto_type: 0x0800,
      hw_size: 6,
      proto_size: 4,
      opcode: 1,
      src_hw: '00:0d:54:9c:5c:0b',
      src_proto: '192.150.187.50',
      dst_hw: '00:00:00:00:00:00',
      dst_proto: '192.150.187.14',
      gratuitous: false,
      probe: false,
      announcement: false,
    });
    expect([req.start, req.headerEnd, req.end]).toEqual([14, 42, 42]);
    expect(labels(fx.frames[1]!, 1)).toEqual([
      'Hardware type: Ethernet (1)',
      'Protocol type: IPv4 (0x0800)',
      'Hardware size: 6',
      'Protocol size: 4',
      'Opcode: request (1)',
      'Sender MAC address: 00:0d:54:9c:5c:0b',
      'Sender IP address: 192.150.187.50',
      'Target MAC address: 00:00:00:00:00:00',
      'Target IP address: 192.150.187.14',
    ]);
    expect(layerLabel(fx.frames[1]!, 1)).toBe('Address Resolution Protocol (request)');
    expect(summaryColumns(fx.frames[1]!, DEFAULT_PREFS, 6).info).toBe('Who has 192.150.187.14? Tell 192.150.187.50');
    const rep = fx.frames[2]!;
    expect(arpLayer(rep).value).toMatchObject({ opcode: 2, src_hw: '00:60:08:af:81:03', src_proto: '192.150.187.14' });
    expect(summaryColumns(rep, DEFAULT_PREFS, 6).info).toBe('192.150.187.14 is at 00:60:08:af:81:03');
    // Byte ranges as tshark's PDML gives them.
    const n = collect(frameTree(rep, DEFAULT_PREFS), new Set(['arp.opcode', 'arp.src.hw_mac', 'arp.dst.proto_ipv4']));
    expect([n.get('arp.opcode')![0]!.start, n.get('arp.opcode')![0]!.len]).toEqual([20, 2]);
    expect([n.get('arp.src.hw_mac')![0]!.start, n.get('arp.src.hw_mac')![0]!.len]).toEqual([22, 6]);
    expect([n.get('arp.dst.proto_ipv4')![0]!.start, n.get('arp.dst.proto_ipv4')![0]!.len]).toEqual([38, 4]);
  });

  it('recognises gratuitous ARP, announcements and probes (RFC 5227) as tshark does', () => {
    const fx = fixture(ARP_DIR, 'crafted-arp.pcap');
    const info = (i: number) => summaryColumns(fx.frames[i]!, DEFAULT_PREFS, 6).info;
    expect(info(2)).toBe('ARP Announcement for 192.168.0.5');
    expect(layerLabel(fx.frames[2]!, 1)).toBe('Address Resolution Protocol (ARP Announcement)');
    expect(labels(fx.frames[2]!, 1).slice(5, 7)).toEqual(['[Is gratuitous: True]', '[Is announcement: True]']);
    expect(info(3)).toBe('Gratuitous ARP for 192.168.0.5 (Request)');
    expect(layerLabel(fx.frames[3]!, 1)).toBe('Address Resolution Protocol (request/gratuitous ARP)');
    expect(info(4)).toBe('Gratuitous ARP for 192.168.0.5 (Reply)');
    expect(layerLabel(fx.frames[4]!, 1)).toBe('Address Resolution Protocol (reply/gratuitous ARP)');
    expect(info(5)).toBe('Who has 192.168.0.9? (ARP Probe)');
    expect(cell(fx.frames[5]!, 'arp.isprobe')).toBe('1');
    expect(cell(fx.frames[0]!, 'arp.isgratuitous')).toBe('');
    expect(cell(fx.frames[3]!, 'arp.isgratuitous')).toBe('1');
    // A real one: the gratuitous request of tcpdump's arp-too-long-tha (inside an 802.1ad tag, cut by the snaplen).
    const g = fixture(ARP_DIR, 'arp-too-long-tha.pcap').frames[0]!;
    expect(summaryColumns(g, DEFAULT_PREFS, 6).info).toBe('Gratuitous ARP for 48.48.48.48 (Request)');
  });

  it('writes the Info text of RARP, DRARP, inverse ARP, MARS and unknown opcodes', () => {
    const fx = fixture(ARP_DIR, 'crafted-arp.pcap');
    const info = fx.frames.map((f) => summaryColumns(f, DEFAULT_PREFS, 6).info);
    expect(info.slice(6, 21)).toEqual([
      'Who is 02:00:00:00:00:01? Tell 02:00:00:00:00:01',
      '02:00:00:00:00:01 is at 10.0.0.100',
      'Who is 00:00:00:00:00:00? Tell 02:00:00:00:00:01',
      '00:00:00:00:00:00 is at 192.168.0.2',
      'DRARP Error',
      'Who is 00:00:00:00:00:00? Tell 02:00:00:00:00:01',
      '02:00:00:00:00:01 is at 192.168.0.1',
      'ARP NAK',
      'MARS request from 02:00:00:00:00:01 at 192.168.0.1',
      'MAPOS UNARP request from 02:00:00:00:00:01 at 192.168.0.1',
      'Experimental 1 ( opcode 24 )',
      'Experimental 2 ( opcode 25 )',
      'Reserved opcode 0',
      'Reserved opcode 65535',
      'Unknown ARP opcode 0x0063',
    ]);
    expect(layerLabel(fx.frames[20]!, 1)).toBe('Address Resolution Protocol (opcode 0x0063)');
    expect(cell(fx.frames[10]!, 'arp.dst.drarp_error_status')).toBe('5');
    expect(cell(fx.frames[10]!, 'arp.dst.proto_ipv4')).toBe('');
    expect([3, 4, 5, 7, 8, 11, 23, 1].map(arpColumn)).toEqual(['RARP', 'RARP', 'DRARP', 'DRARP', 'Inverse ARP', 'MARS', 'MAPOS', 'ARP']);
    expect(ARP_OPCODES[4]).toBe('reverse reply');
    expect(ARPHRD[772]).toBe('Loopback');
  });

  it('keeps other hardware and protocol addresses as raw bytes (arp.src.hw, arp.src.proto)', () => {
    const fx = fixture(ARP_DIR, 'crafted-arp.pcap');
    expect(cell(fx.frames[21]!, 'arp.src.hw_mac')).toBe('02:00:00:00:00:01'); // IEEE 802 (6) is Ethernet too
    expect(cell(fx.frames[22]!, 'arp.src.hw')).toBe('0102030405060708');
    expect(cell(fx.frames[23]!, 'arp.src.proto')).toBe('fe800000000000000000000000000001');
    expect(summaryColumns(fx.frames[23]!, DEFAULT_PREFS, 6).info).toBe('Who has fe800000000000000000000000000002? Tell fe800000000000000000000000000001');
    expect(cell(fx.frames[30]!, 'arp.src.proto_ipv4')).toBe('192.168.0.1'); // AX.25's IP protocol type
    const z = fixture(ARP_DIR, 'getname_2_read4_asan.pcap').frames[0]!;
    expect(summaryColumns(z, DEFAULT_PREFS, 6).info).toBe('<No address> is at <No address>');
    // 255-byte addresses: the Info column shows 36 bytes, then an ellipsis; the field keeps them all.
    const leak = fixture(ARP_DIR, 'arp-leak.pcap').frames[1]!;
    expect(summaryColumns(leak, DEFAULT_PREFS, 6).info).toBe('192.168.123.2 is at 525400123457000000000000000b00000000000000ffffff000000000000000000000000\u2026');
    expect(cell(leak, 'arp.src.hw').length).toBe(510);
  });

  it('reports duplicate use of an IPv4 address across the capture', () => {
    const fx = fixture(ARP_DIR, 'crafted-arp.pcap');
    const f = fx.frames[27]!;
    expect(summaryColumns(f, DEFAULT_PREFS, 6).info).toBe('Who has 192.168.0.99? Tell 192.168.0.1 (duplicate use of 192.168.0.1 detected!)');
    expect(cell(f, 'arp.duplicate-address-frame')).toBe('22');
    expect(cell(f, 'arp.seconds-since-duplicate-address-frame')).toBe('6');
    expect(labels(f, 1).slice(-3)).toEqual([
      '[Duplicate IP address detected for 192.168.0.1 (02:00:00:00:00:03) - also in use by 02:00:00:00:00:01 (frame 22)]',
      '  [Frame showing earlier use of IP address: 22]',
      '  [Seconds since earlier frame seen: 6]',
    ]);
    // The target of a reply is checked too.
    expect(summaryColumns(fx.frames[28]!, DEFAULT_PREFS, 6).info).toBe('192.168.0.1 is at 02:00:00:00:00:01 (duplicate use of 192.168.0.2 detected!)');
    // A state per capture: the same frame alone is no duplicate.
    expect(summaryColumns(dissectOne(f.data, 1), DEFAULT_PREFS, 6).info).toBe('Who has 192.168.0.99? Tell 192.168.0.1');
  });

  it('reports every truncation of the fixed header and of the addresses, never throws', () => {
    const f0 = fixture(ARP_DIR, 'arp.pcap').frames[1]!;
    for (let n = 14; n < 42; n++) {
      const f = dissectOne(f0.data.slice(0, n), 1);
      checkRanges(f);
      if (n === 14) continue;
      const p = f.problems.find((x) => x.layer === 'arp')!;
      expect(p).toMatchObject({ code: 'truncated', start: 14, end: n, actual: n - 14 });
      expect(p.expected).toBe(n - 14 < 8 ? 8 : 28);
      // tshark stops at the first missing byte: no address at all, no Info text but its exception marker.
      expect(cell(f, 'arp.src.hw_mac')).toBe('');
      expect(summaryColumns(f, DEFAULT_PREFS, 6).info).toBe('[Malformed Packet]');
      expect(cell(f, 'arp.opcode')).toBe(n - 14 >= 8 ? '1' : '');
    }
    // Sizes that point past the packet (fuzzed captures) are the same case.
    const big = fromHex('0001080006ff0001' + '00'.repeat(40));
    const ctx = ctxFor(big);
    const r = arp.decode(big, 0, big.length, ctx);
    expect(r.end).toBe(big.length);
    expect(ctx.problems[0]).toMatchObject({ code: 'truncated', expected: 8 + 12 + 510, limitedBy: 'arp.hw.size' });
  });
});

describe('ARP encoding', () => {
  it('builds a request with sizes from the addresses, and explicit sizes written verbatim', () => {
    const b = arp.encode!({ opcode: 1, src_hw: '02:00:00:00:00:01', src_proto: '10.0.0.1', dst_proto: '10.0.0.2' }, new Uint8Array(0), { outer: [], pseudoHeaderSum: () => undefined });
    expect(toHex(b)).toBe('0001080006040001' + '020000000001' + '0a000001' + '000000000000' + '0a000002');
    const odd = arp.encode!({ hw_size: 9, src_hw: new Uint8Array(2), dst_hw: new Uint8Array(2) }, new Uint8Array(0), { outer: [], pseudoHeaderSum: () => undefined });
    expect(odd[4]).toBe(9);
    expect(odd.length).toBe(8 + 2 + 4 + 2 + 4);
    expect(() => arp.encode!({ src_hw: 'zz' }, new Uint8Array(0), { outer: [], pseudoHeaderSum: () => undefined })).toThrow(/arp\.src\.hw/);
    expect(() => arp.encode!({ src_proto: '300.0.0.1' }, new Uint8Array(0), { outer: [], pseudoHeaderSum: () => undefined })).toThrow(EncodeError);
    expect(() => arp.encode!({ opcode: 70000 }, new Uint8Array(0), { outer: [], pseudoHeaderSum: () => undefined })).toThrow(/arp\.opcode/);
    expect(() => arp.encode!({ src_hw: new Uint8Array(8) }, new Uint8Array(0), { outer: [], pseudoHeaderSum: () => undefined })).toThrow(/arp\.hw\.size/);
    // Inside Ethernet: type 0x0806 and padding to 60 bytes.
    const e = build([layer(ethernet, {}), layer(arp, { opcode: 2 })]);
    expect(e.length).toBe(60);
    expect(toHex(e, 12, 14)).toBe('0806');
  });

  it('property: decode(encode(v)) gives v back, encodingLength agrees, at any offset in a larger buffer', () => {
    const mac = fc.uint8Array({ minLength: 6, maxLength: 6 }).map((b) => toHex(b, 0, 6, ':'));
    const ip = fc.uint8Array({ minLength: 4, maxLength: 4 }).map((b) => [...b].join('.'));
    fc.assert(
      fc.property(
        fc.record({ opcode: fc.integer({ min: 0, max: 0xffff }), src_hw: mac, src_proto: ip, dst_hw: mac, dst_proto: ip }),
        fc.uint8Array({ maxLength: 9 }),
        (input, prefix) => {
          const bytes = arp.encode!(input, new Uint8Array(0), { outer: [], pseudoHeaderSum: () => undefined });
          expect(bytes.length).toBe(arpEncodingLength(input));
          const big = new Uint8Array(prefix.length + bytes.length + 3);
          big.set(prefix, 0);
          big.set(bytes, prefix.length);
          const ctx = ctxFor(big);
          const r = arp.decode(big, prefix.length, prefix.length + bytes.length, ctx);
          expect(r.value).toMatchObject({ ...input, hw_type: 1, proto_type: 0x0800, hw_size: 6, proto_size: 4 });
          expect(r.end).toBe(prefix.length + 28);
          expect(ctx.problems).toEqual([]);
          expect(arpInfo(r.value).length).toBeGreaterThan(0);
        },
      ),
    );
  });

  it('property: raw addresses of any size round-trip', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 20 }), fc.integer({ min: 0, max: 20 }), fc.integer({ min: 2, max: 40 }), (hln, pln, hw) => {
        const input: ArpInput = { hw_type: hw, proto_type: 0x1234, src_hw: new Uint8Array(hln).fill(1), dst_hw: new Uint8Array(hln).fill(2), src_proto: new Uint8Array(pln).fill(3), dst_proto: new Uint8Array(pln).fill(4) };
        const bytes = arp.encode!(input, new Uint8Array(0), { outer: [], pseudoHeaderSum: () => undefined });
        const ctx = ctxFor(bytes);
        const r = arp.decode(bytes, 0, bytes.length, ctx);
        const back = arp.encode!(arp.toInput!({ proto: arp, start: 0, headerEnd: r.headerEnd, end: r.end, value: r.value }, bytes), new Uint8Array(0), { outer: [], pseudoHeaderSum: () => undefined });
        expect(back).toEqual(bytes);
      }),
    );
  });

  it('property: random ARP bodies and every prefix of the fixtures never throw and keep problems inside the frame', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 80 }), (body) => {
        const b = new Uint8Array(14 + body.length);
        b.set(fromHex('ffffffffffff0200000000010806'), 0);
        b.set(body, 14);
        const f = dissectOne(b, 1);
        checkRanges(f);
        frameTree(f, DEFAULT_PREFS);
        summaryColumns(f, DEFAULT_PREFS, 6);
      }),
    );
    for (const [dir, name] of FILES) {
      for (const f0 of fixture(dir, name).frames) {
        for (let n = 0; n <= Math.min(f0.data.length, 120); n++) checkRanges(dissectOne(f0.data.slice(0, n), f0.record.linkType, f0.record.origLen));
      }
    }
  });

  it('lossless: every ARP frame of the fixtures rebuilds to its original bytes', () => {
    let count = 0;
    for (const [dir, name] of FILES) {
      for (const f of fixture(dir, name).frames) {
        if (!arpLayer(f)) continue;
        const r = rebuild(f);
        if (!r.rebuilt) continue;
        count++;
        expect(bytesEqual(r.bytes, f.data), `${name}#${f.number}`).toBe(true);
      }
    }
    expect(count).toBeGreaterThan(40);
  });

  it('a changed ARP packet is re-encoded with its new address', () => {
    const f = fixture(ARP_DIR, 'arp.pcap').frames[2]!;
    const r = rebuild(f, (ls) => {
      (ls[1]!.input as ArpInput).src_proto = '10.9.8.7';
    });
    const g = dissectOne(r.bytes, 1);
    expect(summaryColumns(g, DEFAULT_PREFS, 6).info).toBe('10.9.8.7 is at 00:60:08:af:81:03');
    expect(r.bytes.length).toBe(f.data.length);
  });
});
