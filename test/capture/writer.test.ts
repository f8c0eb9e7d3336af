import { describe, expect, it } from 'vitest';
import { EncodeError } from '../../src/core/problem.js';
import {
  PcapWriter,
  PcapngWriter,
  concatChunks,
  encodeNrb,
  readCaptureFile,
  writeCaptureLike,
  writePcap,
  type NameResolutionBlock,
} from '../../src/capture/index.js';
import { fixture, hex } from './helpers.js';

const data = (n: number, v = 1) => new Uint8Array(n).fill(v);

describe('PcapngWriter (fresh files)', () => {
  it('the documented example: chunks concatenate to a readable file', () => {
    const w = new PcapngWriter({ interfaces: [{ linkType: 1, name: 'eth0', tsresol: 9 }] });
    const chunks = [
      w.add({ interfaceId: 0, tsSec: 1700000000, tsNsec: 123456789, data: data(60), flags: 1, comments: ['first'] }),
      w.add({ interfaceId: 0, tsSec: 1700000001, tsNsec: 5, data: data(61, 2), origLen: 1514 }),
      w.finish(),
    ];
    expect(chunks[2]!.length).toBe(0);
    const f = readCaptureFile(concatChunks(chunks));
    expect(f.problems).toEqual([]);
    expect(f.interfaces).toEqual([expect.objectContaining({ linkType: 1, name: 'eth0', tsresol: 9, snapLen: 262144 })]);
    expect(f.records.map((r) => [r.tsSec, r.tsNsec, r.origLen, r.data.length, r.flags, r.comments])).toEqual([
      [1700000000, 123456789, 60, 60, 1, ['first']],
      [1700000001, 5, 1514, 61, undefined, undefined],
    ]);
  });

  it('several interfaces, mixed link types and resolutions, big-endian, section options, names', () => {
    const w = new PcapngWriter({
      littleEndian: false,
      section: { comments: ['made by a test'], hardware: 'hw', os: 'os', userApplication: 'wirelens' },
      interfaces: [
        { linkType: 1, name: 'eth0', description: 'first', filter: 'tcp', os: 'Linux', fcsLen: 4, comments: ['c'] },
        { linkType: 101, tsresol: 0x80 | 20, tsOffset: 100 },
      ],
      names: [
        { address: '10.0.0.1', names: ['ten'] },
        { address: '::ffff:1.2.3.4', names: ['mapped', 'again'] },
        { address: '2001:db8::', names: ['doc'] },
      ],
    });
    const bytes = concatChunks([
      w.add({ interfaceId: 1, tsSec: 150, tsNsec: 500_000_000, data: data(20) }),
      w.addInterface({ linkType: 228 }),
      w.add({ interfaceId: 2, tsSec: 3, tsNsec: 4000, data: data(4) }),
      w.addNames([{ address: '192.0.2.9', names: ['late'] }]),
      w.finish(),
    ]);
    const f = readCaptureFile(bytes);
    expect(f.problems).toEqual([]);
    expect(f.sections[0]).toMatchObject({ littleEndian: false, comments: ['made by a test'], hardware: 'hw', os: 'os', userApplication: 'wirelens' });
    expect(f.interfaces.map((i) => [i.linkType, i.name, i.description, i.filter?.text, i.os, i.fcsLen, i.tsOffset, i.unitsPerSecond])).toEqual([
      [1, 'eth0', 'first', 'tcp', 'Linux', 4, 0n, 1_000_000n],
      [101, undefined, undefined, undefined, undefined, undefined, 100n, 1n << 20n],
      [228, undefined, undefined, undefined, undefined, undefined, 0n, 1_000_000n],
    ]);
    expect(f.records.map((r) => [r.interfaceId, r.linkType, r.tsSec, r.tsNsec])).toEqual([
      [1, 101, 150, 500_000_000],
      [2, 228, 3, 4000],
    ]);
    const names = f.events.filter((e): e is NameResolutionBlock => e.kind === 'names');
    expect(names.map((n) => n.records.map((r) => [r.type, r.address, r.names]))).toEqual([
      [
        [1, '10.0.0.1', ['ten']],
        [2, '::ffff:102:304', ['mapped', 'again']],
        [2, '2001:db8::', ['doc']],
      ],
      [[1, '192.0.2.9', ['late']]],
    ]);
    expect(hex(writeCaptureLike(f))).toBe(hex(bytes));
  });

  it('an empty capture still gets its header from finish()', () => {
    const w = new PcapngWriter({ interfaces: [{ linkType: 1 }] });
    const f = readCaptureFile(w.finish());
    expect(f.sections.length).toBe(1);
    expect(f.interfaces.length).toBe(1);
    expect(f.records).toEqual([]);
  });

  it('API misuse throws EncodeError', () => {
    const w = new PcapngWriter({ interfaces: [{ linkType: 1 }] });
    expect(() => w.add({ interfaceId: 1, tsSec: 0, tsNsec: 0, data: data(1) })).toThrow(EncodeError);
    expect(() => w.add({ interfaceId: 0, tsSec: 0, tsNsec: 1e9, data: data(1) })).toThrow(EncodeError);
    expect(() => w.add({ interfaceId: 0, tsSec: -1, tsNsec: 0, data: data(1) })).toThrow(EncodeError);
    expect(() => new PcapngWriter({ interfaces: [{ linkType: 70000 }] }).finish()).toThrow(EncodeError);
    expect(() => encodeNrb(true, [{ address: 'not-an-address', names: ['x'] }])).toThrow(EncodeError);
  });
});

describe('PcapWriter (fresh files)', () => {
  it('µs and ns, both byte orders: timestamps as given (µs truncates)', () => {
    for (const nanosecond of [false, true]) {
      for (const littleEndian of [true, false]) {
        const w = new PcapWriter({ linkType: 113, nanosecond, littleEndian, snapLen: 65535 });
        const bytes = concatChunks([w.add({ tsSec: 10, tsNsec: 123456789, data: data(30) }), w.finish()]);
        const f = readCaptureFile(bytes);
        expect(f.pcapHeader).toMatchObject({ nanosecond, littleEndian, linkType: 113, snapLen: 65535, versionMajor: 2, versionMinor: 4 });
        expect(f.records[0]).toMatchObject({ tsSec: 10, tsNsec: nanosecond ? 123456789 : 123456000, linkType: 113 });
      }
    }
  });

  it('FCS length goes into the link type field', () => {
    const f = readCaptureFile(new PcapWriter({ linkType: 1, fcsLen: 4 }).finish());
    expect(f.pcapHeader).toMatchObject({ linkType: 1, fcsLen: 4, linkTypeField: 0x24000001 });
  });

  it('records read from a pcapng file can be written as pcap (cross-format)', () => {
    const src = readCaptureFile(fixture('zeek/pcapng-multi-interface.pcapng'));
    const bytes = writePcap({ linkType: 1, nanosecond: true }, src.records);
    const f = readCaptureFile(bytes);
    expect(f.records.map((r) => [r.tsSec, r.tsNsec, hex(r.data)])).toEqual(src.records.map((r) => [r.tsSec, r.tsNsec, hex(r.data)]));
  });

  it('API misuse throws EncodeError', () => {
    expect(() => new PcapWriter({ linkType: 1 }).add({ tsSec: -1, tsNsec: 0, data: data(1) })).toThrow(EncodeError);
    expect(() => new PcapWriter({ linkType: 1 }).add({ tsSec: 2 ** 32, tsNsec: 0, data: data(1) })).toThrow(EncodeError);
    expect(() => new PcapWriter({ linkType: 1, fcsLen: 3 })).toThrow(EncodeError);
    expect(() => new PcapWriter({ linkType: 1, modified: true, nanosecond: true })).toThrow(EncodeError);
  });
});

describe('writeCaptureLike', () => {
  it('accepts bytes directly and stops at damage', () => {
    const bytes = fixture('node-pcap-parser/smtp.pcap');
    expect(hex(writeCaptureLike(bytes))).toBe(hex(bytes));
    const cut = bytes.subarray(0, bytes.length - 5);
    const out = writeCaptureLike(cut);
    const f = readCaptureFile(cut);
    const lastEnd = f.records[f.records.length - 1]!.offset! + 16 + f.records[f.records.length - 1]!.data.length;
    expect(hex(out)).toBe(hex(bytes.subarray(0, lastEnd)));
  });
});
