import { describe, expect, it } from 'vitest';
import {
  LINKTYPE_PCAPNG_CUSTOM,
  readCapture,
  readCaptureFile,
  recordEpochText,
  recordInterfaceIdText,
  tsharkFrameLengths,
  writeCaptureLike,
  type CaptureRecord,
  type InterfaceStatistics,
  type NameResolutionBlock,
  type OpaqueBlock,
} from '../../src/capture/index.js';
import { FIXTURE_FILES, fixture, goldenFrames, hex, isMalformed } from './helpers.js';

function frameRow(r: CaptureRecord): string {
  const { len, capLen } = tsharkFrameLengths(r);
  return [String(r.index + 1), String(len), String(capLen), recordEpochText(r), recordInterfaceIdText(r)].join('\t');
}

describe('fixtures: frame.* columns equal the tshark goldens', () => {
  it('has a representative fixture set', () => {
    expect(FIXTURE_FILES.length).toBeGreaterThanOrEqual(40);
    expect(FIXTURE_FILES.filter((f) => f.includes('output_le')).length).toBeGreaterThan(5);
    expect(FIXTURE_FILES.filter((f) => f.includes('output_be')).length).toBeGreaterThan(5);
    expect(FIXTURE_FILES.filter(isMalformed).length).toBeGreaterThan(4);
  });

  for (const rel of FIXTURE_FILES) {
    it(rel, () => {
      const golden = goldenFrames(rel);
      const file = readCaptureFile(fixture(rel));
      if (golden === null) {
        // tshark could not open it: we must report why (a fatal problem) or deliver nothing odd
        expect(file.problems.some((p) => p.severity === 'error')).toBe(true);
        return;
      }
      expect(file.records.map(frameRow)).toEqual(golden);
    });
  }
});

describe('fixtures: write(read(file)) reproduces well-formed files byte for byte', () => {
  for (const rel of FIXTURE_FILES.filter((f) => !isMalformed(f))) {
    it(rel, () => {
      const bytes = fixture(rel);
      const file = readCaptureFile(bytes);
      expect(file.problems.filter((p) => p.severity === 'error')).toEqual([]);
      const out = writeCaptureLike(file);
      expect(out.length).toBe(bytes.length);
      expect(hex(out)).toBe(hex(bytes));
    });
  }
});

describe('classic pcap variants', () => {
  it('microsecond little-endian: header fields', () => {
    const f = readCaptureFile(fixture('dpkt/dns_icmp.pcap'));
    expect(f.format).toBe('pcap');
    expect(f.pcapHeader).toMatchObject({
      magic: 0xa1b2c3d4,
      littleEndian: true,
      nanosecond: false,
      modified: false,
      versionMajor: 2,
      versionMinor: 4,
      snapLen: 262144,
      linkType: 1,
    });
    expect(f.records.length).toBe(32);
    expect(f.records[0]).toMatchObject({ tsSec: 1369953917, tsNsec: 270862000, tsHigh: 1369953917, tsLow: 270862, source: 'pcap' });
  });

  it('big-endian microsecond', () => {
    const f = readCaptureFile(fixture('node-pcap-parser/be.pcap'));
    expect(f.pcapHeader).toMatchObject({ littleEndian: false, nanosecond: false, snapLen: 9216, linkType: 1 });
    expect(f.records.length).toBe(5);
  });

  it('nanosecond little-endian and big-endian give the same records', () => {
    const le = readCaptureFile(fixture('tcpdump/tcp-handshake-nano.pcap'));
    const be = readCaptureFile(fixture('crafted/be-nsec.pcap'));
    expect(le.pcapHeader).toMatchObject({ nanosecond: true, littleEndian: true, linkType: 113 });
    expect(be.pcapHeader).toMatchObject({ nanosecond: true, littleEndian: false, magic: 0xa1b23c4d });
    expect(le.records.map((r) => [r.tsSec, r.tsNsec, r.origLen, hex(r.data)])).toEqual(
      be.records.map((r) => [r.tsSec, r.tsNsec, r.origLen, hex(r.data)]),
    );
    expect(le.records[0]!.tsNsec).toBe(924505488);
  });

  it('modified pcap: 24-byte record headers', () => {
    const m = readCaptureFile(fixture('crafted/modified.pcap'));
    const plain = readCaptureFile(fixture('dpkt/dns_icmp.pcap'));
    expect(m.pcapHeader).toMatchObject({ modified: true, magic: 0xa1b2cd34 });
    expect(m.records.length).toBe(plain.records.length);
    expect(m.records[0]).toMatchObject({ source: 'pcap-modified', ifIndex: 0, protocol: 0, pktType: 0 });
    expect(m.records.map((r) => hex(r.data))).toEqual(plain.records.map((r) => hex(r.data)));
    expect(m.records[1]!.offset).toBe(24 + 24 + m.records[0]!.data.length);
  });

  it('header oddities are kept (thiszone, sigfigs, link type top bits)', () => {
    const f = readCaptureFile(fixture('tcpdump/atm-oam-loopback-print-overrun.pcap'));
    expect(f.pcapHeader).toMatchObject({ thisZone: 16843008, sigFigs: 16843009, snapLen: 18546945, linkType: 123 });
    // tshark strips the 4-byte SunATM pseudo-header from frame.len / frame.cap_len
    expect(tsharkFrameLengths(f.records[0]!)).toEqual({ len: f.records[0]!.origLen - 4, capLen: f.records[0]!.data.length - 4 });
  });

  it('FCS bits of the link type field', () => {
    // 0x30000001: top nibble 3 but the F bit (0x04000000) clear: no FCS length
    const bytes = fixture('dpkt/dns_icmp.pcap').slice();
    new DataView(bytes.buffer).setUint32(20, 0x14000001, true); // F bit, 1 x 16 bits = 2 bytes
    const f = readCaptureFile(bytes);
    expect(f.pcapHeader).toMatchObject({ linkType: 1, fcsLen: 2, linkTypeField: 0x14000001 });
    expect(f.records[0]!.fcsLen).toBe(2);
    expect(hex(writeCaptureLike(f))).toBe(hex(bytes));
  });

  it('empty pcap (header only)', () => {
    const f = readCaptureFile(fixture('hadrielk-pcapng/empty.pcap'));
    expect(f.format).toBe('pcap');
    expect(f.records).toEqual([]);
    expect(f.problems).toEqual([]);
  });
});

describe('pcapng features', () => {
  it('little- and big-endian hadrielk files decode to the same records', () => {
    for (const t of ['basic/test001', 'basic/test006', 'basic/test008', 'basic/test010', 'advanced/test102', 'difficult/test202']) {
      const le = readCaptureFile(fixture(`hadrielk-pcapng/output_le/${t}.pcapng`));
      const be = readCaptureFile(fixture(`hadrielk-pcapng/output_be/${t}.pcapng`));
      // the generator flips the byte order of every section between the two trees
      // (difficult/test202 itself mixes orders: LE, BE, LE in output_le)
      expect(le.sections[0]!.littleEndian).toBe(true);
      expect(be.sections.map((s) => !s.littleEndian)).toEqual(le.sections.map((s) => s.littleEndian));
      // custom block bodies are raw bytes (their options follow the section's byte order): compare lengths only
      const strip = (r: CaptureRecord) => [r.interfaceId, r.linkType, r.tsSec, r.tsNsec, r.origLen, r.source === 'custom' ? r.data.length : hex(r.data), r.comments, r.flags];
      expect(be.records.map(strip)).toEqual(le.records.map(strip));
      expect(be.interfaces.map((i) => [i.linkType, i.snapLen, i.name, i.tsresol])).toEqual(
        le.interfaces.map((i) => [i.linkType, i.snapLen, i.name, i.tsresol]),
      );
    }
  });

  it('multi-section file: per-section interface ids, SPB, custom blocks, NRB, ISB', () => {
    const f = readCaptureFile(fixture('hadrielk-pcapng/output_be/difficult/test202.pcapng'));
    expect(f.sections.map((s) => s.littleEndian)).toEqual([false, true, false]);
    expect(f.sections.map((s) => [s.index, s.offset, s.comments])).toEqual([
      [0, 0, ['test202 SHB-0']],
      [1, 928, ['test202 SHB-1']],
      [2, 2128, ['test202 SHB-2']],
    ]);
    expect(f.sections[0]).toMatchObject({ hardware: 'Apple MBP', os: 'OS-X 10.10.5', userApplication: 'pcap_writer.lua', sectionLength: -1n });
    expect(f.interfaces.map((i) => [i.sectionIndex, i.id, i.globalId, i.linkType, i.snapLen, i.name])).toEqual([
      [0, 0, 0, 1, 96, 'eth0'],
      [0, 1, 1, 0, 0, 'null1'],
      [1, 0, 2, 1, 128, 'silly ethernet interface 2'],
      [2, 0, 3, 1, 96, 'eth0'],
      [2, 1, 4, 0, 0, 'null1'],
    ]);
    expect(f.records.map((r) => [r.source, r.sectionIndex, r.interfaceId])).toEqual([
      ['custom', 0, 0],
      ['epb', 0, 0],
      ['epb', 0, 0],
      ['epb', 0, 1],
      ['spb', 1, 0],
      ['epb', 1, 0],
      ['custom', 1, 0],
      ['spb', 1, 0],
      ['epb', 1, 0],
      ['custom', 2, 0],
      ['epb', 2, 1],
    ]);
    const spb = f.records[4]!;
    expect(spb).toMatchObject({ origLen: 314, hasTimestamp: false, linkType: 1 });
    expect(spb.data.length).toBe(128); // snaplen of interface 0 of section 1
    const custom = f.records[0]!;
    expect(custom).toMatchObject({ linkType: LINKTYPE_PCAPNG_CUSTOM, blockType: 0xbad, pen: 32473, hasTimestamp: false });
    expect(new TextDecoder().decode(custom.data)).toBe('an example Custom Block\0');

    const nrbs = f.events.filter((e): e is NameResolutionBlock => e.kind === 'names');
    expect(nrbs.length).toBe(5);
    expect(nrbs[1]!.records.filter((r) => r.type === 1 || r.type === 2).map((r) => [r.address, r.names])).toEqual([
      ['192.168.1.2', ['a']],
      ['192.168.1.2', ['example.com']],
      ['192.168.1.8', ['example.com']],
      ['fc01:dead::beef', ['example.com']],
      ['10.1.2.3', ['example.org']],
      ['192.168.1.2', ['example.net']],
    ]);
    expect(nrbs[1]!.records.find((r) => r.type === 291)).toBeDefined(); // unknown record kept
    expect(nrbs[1]!.comments).toEqual(['test202 NRB']);

    const isbs = f.events.filter((e): e is InterfaceStatistics => e.kind === 'stats');
    expect(isbs.length).toBe(4);
    expect(isbs[3]).toMatchObject({
      interfaceId: 0,
      ifRecv: 100n,
      ifDrop: 1n,
      filterAccept: 9n,
      osDrop: 42n,
      usrDeliv: 6n,
      startTime: 1340954905298858n,
      endTime: 1340954905299858n,
      comments: ['test202 ISB-0'],
    });
  });

  it('custom blocks as opaque blocks when asked', () => {
    const bytes = fixture('hadrielk-pcapng/output_le/basic/test017.pcapng');
    const f = readCaptureFile(bytes, { customBlocksAsRecords: false });
    expect(f.records).toEqual([]);
    const blocks = f.events.filter((e): e is OpaqueBlock => e.kind === 'block');
    expect(blocks.map((b) => [b.name, b.blockType, b.pen])).toEqual([
      ['custom', 0xbad, 32473],
      ['custom', 0x40000bad, 32473],
      ['custom', 0xbad, 36724],
      ['custom', 0x40000bad, 36724],
    ]);
    expect(hex(writeCaptureLike(f))).toBe(hex(bytes));
  });

  it('IDB options: if_name, if_description, if_tsresol, if_tsoffset, if_fcslen, if_filter, if_os, speed, unknown kept', () => {
    const f = readCaptureFile(fixture('hadrielk-pcapng/output_le/basic/test008.pcapng'));
    const i = f.interfaces[0]!;
    expect(i).toMatchObject({
      name: 'eth-_0 foo',
      description: 'silly ethernet interface',
      tsresol: 9,
      unitsPerSecond: 1_000_000_000n,
      tsOffset: 0n,
      fcsLen: 0,
      filter: { type: 0, text: 'tcp port 23 and host 192.0.2.5' },
      os: 'Microsoft Windows for Workgroups 3.11b\npatch 42',
      speed: 1_000_000_000n,
      comments: ['test008, and more\nfoo\r\nbar'],
    });
    expect(i.options.map((o) => o.code)).toEqual([2, 1, 3, 4, 5, 6, 7, 8, 9, 11, 12, 13, 14, 2988, 2989, 19372, 19373, 291, 33059]);
    expect(f.records[0]).toMatchObject({ tsSec: 1340954, tsNsec: 905298858, fcsLen: 0 });
  });

  it('if_tsresol 2^-8 (gopacket test902)', () => {
    const f = readCaptureFile(fixture('gopacket/pcapgo/tests/le/test902.pcapng'));
    expect(f.interfaces[0]!.tsresol).toBe(0x88);
    expect(f.interfaces[0]!.unitsPerSecond).toBe(256n);
    expect(recordEpochText(f.records[0]!)).toBe('1519128000.195312500');
  });

  it('odd resolutions and if_tsoffset (crafted, checked against tshark)', () => {
    const f = readCaptureFile(fixture('crafted/tsresol.pcapng'));
    expect(f.records.map(recordEpochText)).toEqual([
      '2899545.010136647',
      '5501184.010144255',
      '1.000000001',
      '-1000.000005000',
      '4294967296.000011497',
      '1700000005.781250000',
      '1700000000.123000000',
    ]);
    expect(f.interfaces[3]!.tsOffset).toBe(-2000n);
    expect(f.records.map((r) => r.flags)).toEqual([1, 2, 1, 2, 1, 2, 1]);
    expect(f.records.map((r) => r.comments)).toEqual([0, 1, 2, 3, 4, 5, 6].map((i) => [`packet ${i}`]));
  });

  it('sections in different byte orders in one file', () => {
    const bytes = fixture('crafted/mixed-endian.pcapng');
    const f = readCaptureFile(bytes);
    expect(f.sections.map((s) => s.littleEndian)).toEqual([true, false, true]);
    expect(f.records.map((r) => [r.sectionIndex, r.interfaceId, r.linkType])).toEqual([
      [0, 0, 1],
      [1, 0, 101],
      [1, 1, 1],
      [2, 0, 228],
    ]);
    expect(f.records[1]!.comments).toEqual(['be packet']);
    expect(hex(writeCaptureLike(f))).toBe(hex(bytes));
  });

  it('timestamps beyond 2106 (64-bit pcapng counts)', () => {
    const f = readCaptureFile(fixture('tcpdump/time_2106_overflow.pcapng'));
    expect(f.records[0]).toMatchObject({ tsSec: 4294967296, tsNsec: 0 });
  });

  it('EPB flags and comments', () => {
    const f = readCaptureFile(fixture('hadrielk-pcapng/output_le/basic/test001.pcapng'));
    expect(f.records.length).toBe(4);
    expect(f.sections[0]!.comments.length).toBeGreaterThan(0);
    const withOpts = readCaptureFile(fixture('gopacket/pcapgo/tests/le/test300.pcapng')).records;
    expect(withOpts.length).toBe(32);
  });
});

describe('reader API', () => {
  it('iterates records and collects blocks, sections and interfaces on the way', () => {
    const reader = readCapture(fixture('hadrielk-pcapng/output_le/advanced/test102.pcapng'));
    expect(reader.format).toBe('pcapng');
    const recs = [...reader];
    expect(recs.length).toBe(8);
    expect(reader.interfaces.length).toBe(3);
    expect(reader.sections.length).toBe(1);
    expect(reader.blocks.filter((b) => b.kind === 'stats').length).toBe(6);
    expect(reader.blocks.filter((b) => b.kind === 'names').length).toBe(3);
    expect(reader.problems).toEqual([]);
  });

  it('record data are views into the input (no copy)', () => {
    const bytes = fixture('dpkt/dns_icmp.pcap');
    const recs = [...readCapture(bytes)];
    for (const r of recs) {
      expect(r.data.buffer).toBe(bytes.buffer);
      expect(r.data.byteOffset).toBe(bytes.byteOffset + r.offset! + 16);
    }
  });
});
