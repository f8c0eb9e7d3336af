process.env.TZ = 'UTC';

import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { readCapture } from '../../src/capture/reader.js';
import { Dissector } from '../../src/dissect/dissect.js';
import type { Frame } from '../../src/dissect/frame.js';
import { DEFAULT_PREFS } from '../../src/dissect/prefs.js';
import { displayValue, nodeLabel } from '../../src/fields/format.js';
import type { FieldNode } from '../../src/fields/types.js';
import { registerDefaults } from '../../src/protocols/index.js';
import { dataTable } from '../../src/protocols/data.js';
import { ethTable } from '../../src/protocols/ethernet.js';
import { ipTable } from '../../src/protocols/ipv4.js';
import { arrivalTime, detailLines, displayTree, ekTime, encapType, frameDetail, frameSection, lineOf } from '../../src/inspect/text.js';

const root = fileURLToPath(new URL('../../', import.meta.url));

function frames(path: string): Frame[] {
  const d = new Dissector(registerDefaults());
  return [...readCapture(new Uint8Array(readFileSync(root + path)))].map((r) => d.dissect(r));
}

const F = ipTable.fields;

describe('Frame section', () => {
  it('formats Arrival Time as tshark does (local zone; UTC here)', () => {
    expect(arrivalTime(1369953917, 270862000)).toBe('May 30, 2013 22:45:17.270862000 UTC');
    expect(arrivalTime(0, 0)).toBe('Jan  1, 1970 00:00:00.000000000 UTC');
    expect(arrivalTime(1519128000, 195312500)).toBe('Feb 20, 2018 12:00:00.195312500 UTC');
    expect(arrivalTime(1e15, 0)).toBe('Not representable');
  });

  it('formats EK times in UTC with 9 fraction digits', () => {
    expect(ekTime(1369953917, 270862000)).toBe('2013-05-30T22:45:17.270862000Z');
    expect(ekTime(0, 5)).toBe('1970-01-01T00:00:00.000000005Z');
  });

  it("numbers encapsulations as Wireshark does, not as LINKTYPEs", () => {
    expect(encapType(1)).toEqual({ value: 1, name: 'Ethernet' });
    expect(encapType(113)).toEqual({ value: 25, name: 'Linux cooked-mode capture v1' });
    expect(encapType(0)).toEqual({ value: 15, name: 'NULL/Loopback' });
    expect(encapType(9999)).toEqual({ value: 9999, name: 'Unknown' });
  });

  it('prints the pcap Frame section exactly as tshark -V (expected file made by tshark)', () => {
    const f = frames('fixtures/cli/udp-packet.pcap')[1]!;
    const want = readFileSync(root + 'fixtures/cli/expected/frame-udp.out', 'utf8').split('\n\n')[1]!.split('\n').slice(0, 14);
    expect(want[0]!.startsWith('Frame 2:')).toBe(true);
    expect(detailLines([frameSection(f)], [f.data])).toEqual(want);
  });

  it('shows section, interface and its name for pcapng records', () => {
    const f = frames('fixtures/capture/gopacket/pcapgo/tests/le/test902.pcapng')[0]!;
    const lines = detailLines([frameSection(f, { pcapng: true, name: 'eth0' })], [f.data]);
    expect(lines.slice(0, 5)).toEqual([
      'Frame 1: 314 bytes on wire (2512 bits), 314 bytes captured (2512 bits) on interface eth0, id 0',
      '    Section number: 1',
      '    Interface id: 0 (eth0)',
      '        Interface name: eth0',
      '    Encapsulation type: Ethernet (1)',
    ]);
    // no if_name: tshark says unknown
    expect(detailLines([frameSection(f, { pcapng: true })], [f.data])[0]).toMatch(/ on interface unknown, id 0$/);
  });

  it('shows pcapng EPB flags as tshark does (hadrielk test009, flags 0)', () => {
    const f = frames('fixtures/cli/udp-packet.pcap')[0]!;
    const flagged: Frame = { ...f, record: { ...f.record, flags: 0, source: 'epb', sectionIndex: 0 } };
    const lines = detailLines([frameSection(flagged, { pcapng: true, name: 'eth0' })], [f.data]);
    expect(lines.slice(4, 18)).toEqual([
      '    Packet flags: 0x00000000',
      '        .... .... .... .... .... .... .... ..00 = Direction: Unknown (0x0)',
      '        .... .... .... .... .... .... ...0 00.. = Reception type: Not specified (0)',
      '        .... .... .... .... .... ...0 000. .... = FCS length: 0',
      '        .... .... .... .... 0000 000. .... .... = Reserved: 0',
      '        .... ...0 .... .... .... .... .... .... = CRC error: Not set',
      '        .... ..0. .... .... .... .... .... .... = Packet too long error: Not set',
      '        .... .0.. .... .... .... .... .... .... = Packet too short error: Not set',
      '        .... 0... .... .... .... .... .... .... = Wrong interframe gap error: Not set',
      '        ...0 .... .... .... .... .... .... .... = Unaligned frame error: Not set',
      '        ..0. .... .... .... .... .... .... .... = Start frame delimiter error: Not set',
      '        .0.. .... .... .... .... .... .... .... = Preamble error: Not set',
      '        0... .... .... .... .... .... .... .... = Symbol error: Not set',
      '    Encapsulation type: Ethernet (1)',
    ]);
    const set = detailLines([frameSection({ ...flagged, record: { ...flagged.record, flags: 0x80000086 } }, { pcapng: true })], [f.data]);
    expect(set).toContain('        .... .... .... .... .... .... .... ..10 = Direction: Outbound (0x2)');
    expect(set).toContain('        .... .... .... .... .... .... ...0 01.. = Reception type: Unicast (1)');
    expect(set).toContain('        .... .... .... .... .... ...0 100. .... = FCS length: 4');
    expect(set).toContain('        1... .... .... .... .... .... .... .... = Symbol error: Set');
  });

  it('leaves the time lines out for records without a timestamp', () => {
    const f = frames('fixtures/cli/udp-packet.pcap')[0]!;
    const noTs: Frame = { ...f, record: { ...f.record, hasTimestamp: false } };
    const text = detailLines([frameSection(noTs)], [f.data]).join('\n');
    expect(text).not.toContain('Arrival Time');
    expect(text).not.toContain('Epoch Time');
    expect(text).toContain('Frame Number: 1');
  });
});

describe('tree lines', () => {
  const data = new Uint8Array([0x45, 0x00, 0x00, 0x22, 0x47, 0x87, 0x40, 0x00, 0xff, 0x11]);

  it('draws bit fields from the bytes, also in front of a text override', () => {
    const version: FieldNode = { def: F.version, start: 0, len: 1, value: 4, bitmask: 0xf0 };
    expect(lineOf(version, data)).toBe('0100 .... = Version: 4');
    const flags: FieldNode = { def: F.flags, start: 6, len: 1, value: 2, bitmask: 0xe0, text: "Flags: 0x2, Don't fragment" };
    expect(lineOf(flags, data)).toBe("010. .... = Flags: 0x2, Don't fragment");
    const drawn: FieldNode = { def: F.hdr_len, start: 0, len: 1, value: 20, bitmask: 0x0f, text: '.... 0101 = Header Length: 20 bytes (5)' };
    expect(lineOf(drawn, data)).toBe('.... 0101 = Header Length: 20 bytes (5)');
    const frag: FieldNode = { def: F.frag_offset, start: 6, len: 2, value: 0, bitmask: 0x1fff };
    expect(lineOf(frag, data)).toBe('...0 0000 0000 0000 = Fragment Offset: 0');
  });

  it('puts generated fields in brackets once', () => {
    expect(lineOf({ def: F.ttl, start: 8, len: 1, value: 255, generated: true }, data)).toBe('[Time to Live: 255]');
    expect(lineOf({ def: F.checksum_status, start: 0, len: 0, value: 2, generated: true, text: '[Header checksum status: Unverified]' }, data)).toBe(
      '[Header checksum status: Unverified]',
    );
  });

  it('names unknown values Unknown, and cuts byte labels after 36 bytes', () => {
    expect(displayValue(F.proto, 253)).toBe('Unknown (253)');
    expect(displayValue(ethTable.fields.type, 0x1234)).toBe('Unknown (0x1234)');
    expect(displayValue(F.proto, 17)).toBe('UDP (17)');
    const long = new Uint8Array(48).map((_, i) => i);
    expect(nodeLabel({ def: dataTable.fields.data, start: 0, len: 48, value: long })).toBe(
      'Data: 000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f20212223\u2026',
    );
  });

  it('cuts labels longer than tshark allows and marks them', () => {
    const l = lineOf({ def: F.ttl, start: 0, len: 0, value: 1, text: 'x'.repeat(400) }, data);
    expect(l.startsWith('[truncated] ')).toBe(true);
    expect(l.length).toBe(239);
  });

  it('indents 4 spaces a level, hides hidden fields, expands only -O protocols', () => {
    const tree: FieldNode[] = [
      { def: ipTable.proto, start: 0, len: 10, value: null, text: 'Internet Protocol Version 4', children: [
        { def: F.ttl, start: 8, len: 1, value: 255 },
        { def: F.addr, start: 0, len: 4, value: '1.2.3.4', hidden: true },
        { def: F.flags, start: 6, len: 1, value: 2, bitmask: 0xe0, text: 'Flags: 0x2', children: [{ def: F.df, start: 6, len: 1, value: true, bitmask: 0x40 }] },
      ] },
      { def: dataTable.proto, start: 8, len: 2, value: null, text: 'Data (2 bytes)', children: [{ def: dataTable.fields.data, start: 8, len: 2, value: data.subarray(8) }] },
    ];
    expect(detailLines(tree, [data, data], { hex: true })).toEqual([
      'Internet Protocol Version 4',
      '    Time to Live: 255',
      '    010. .... = Flags: 0x2',
      '        .1.. .... = Don\'t fragment: Set',
      'Data (2 bytes)',
      '    Data: ff11',
    ]);
    expect(detailLines(tree, [data, data], { hex: true, only: new Set(['data']) })).toEqual(['Internet Protocol Version 4', 'Data (2 bytes)', '    Data: ff11']);
    // without -x, tshark dumps a data layer's bytes right under its line
    expect(detailLines(tree, [data, data], { only: new Set(['data']) })).toEqual([
      'Internet Protocol Version 4',
      'Data (2 bytes)',
      '',
      '0000  ff 11' + ' '.repeat(42) + '   ..',
      '    Data: ff11',
    ]);
  });

  it('gives the whole -V of a real packet: frame, then one protocol line per layer at column 0', () => {
    const f = frames('fixtures/cli/udp-packet.pcap')[0]!;
    const lines = frameDetail(f, DEFAULT_PREFS, { hex: true });
    const top = lines.filter((l) => l && !l.startsWith(' '));
    expect(top).toEqual([
      'Frame 1: 48 bytes on wire (384 bits), 48 bytes captured (384 bits)',
      'Ethernet II, Src: 00:00:00:00:00:00, Dst: 00:00:00:00:00:00',
      'Internet Protocol Version 4, Src: 127.0.0.1, Dst: 127.0.0.1',
      'User Datagram Protocol, Src Port: 12345, Dst Port: 31337',
      'Data (6 bytes)',
    ]);
    expect(lines).toContain('    Time to Live: 255');
    expect(lines).toContain('    0100 .... = Version: 4');
    expect(displayTree(f, DEFAULT_PREFS)[0]!.children!.some((n) => n.def.abbrev === 'frame.time')).toBe(true);
  });
});
