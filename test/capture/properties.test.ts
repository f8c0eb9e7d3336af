/** Property tests (fast-check): write/read round trips, prefixes, chunking, corrupted lengths. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  CaptureParser,
  DONE,
  EVENT,
  NEED_MORE,
  RECORD,
  readCaptureFile,
  tsresolUnits,
  writeCaptureLike,
  writePcap,
  writePcapng,
  type CaptureEvent,
  type CaptureFile,
  type CaptureRecord,
  type InterfaceInput,
  type PacketInput,
} from '../../src/capture/index.js';
import { FIXTURE_FILES, fixture, hex, isMalformed } from './helpers.js';

// ---------------------------------------------------------------- generators

const tsresolArb = fc.constantFrom(undefined, 6, 9, 3, 0, 0x88, 0x80 | 20, 0x80 | 30, 12);
const linkTypeArb = fc.constantFrom(0, 1, 101, 108, 113, 228, 229, 276, 127, 147);
const textArb = fc.string({ maxLength: 12 });

const interfaceArb: fc.Arbitrary<InterfaceInput> = fc.record(
  {
    linkType: linkTypeArb,
    snapLen: fc.constantFrom(0, 65535, 262144),
    name: textArb,
    description: textArb,
    tsresol: tsresolArb,
    tsOffset: fc.constantFrom(0, 1, -5, 1_000_000),
    fcsLen: fc.constantFrom(0, 4),
    filter: textArb,
    os: textArb,
    comments: fc.array(textArb, { maxLength: 2 }),
    options: fc.array(
      fc.record({ code: fc.constantFrom(291, 2988, 2989, 19372, 19373, 33059), value: fc.uint8Array({ maxLength: 9 }) }),
      { maxLength: 2 },
    ),
  },
  { requiredKeys: ['linkType'] },
) as fc.Arbitrary<InterfaceInput>;

/** Packets for these interfaces, with seconds each interface can represent (offset <= sec, count < 2^64). */
function ngPacketArb(ifaces: readonly InterfaceInput[]): fc.Arbitrary<PacketInput> {
  return fc.integer({ min: 0, max: ifaces.length - 1 }).chain((id) => {
    const i = ifaces[id]!;
    const off = Number(i.tsOffset ?? 0);
    const lo = Math.max(0, off);
    const hi = Math.min(2 ** 34, off + Number(((1n << 64n) - 1n) / tsresolUnits(i.tsresol)) - 1);
    return packetArb(1, 0).chain((p) => fc.integer({ min: lo, max: hi }).map((tsSec) => ({ ...p, interfaceId: id, tsSec })));
  });
}

function packetArb(nIfaces: number, maxSec: number): fc.Arbitrary<PacketInput> {
  return fc
    .record({
      interfaceId: fc.integer({ min: 0, max: nIfaces - 1 }),
      tsSec: fc.integer({ min: 0, max: maxSec }),
      tsNsec: fc.integer({ min: 0, max: 999_999_999 }),
      data: fc.uint8Array({ maxLength: 70 }),
      extra: fc.integer({ min: 0, max: 3000 }),
      flags: fc.option(fc.integer({ min: 0, max: 0xffffffff }), { nil: undefined }),
      comments: fc.option(fc.array(textArb, { minLength: 1, maxLength: 2 }), { nil: undefined }),
    })
    .map(({ extra, ...p }) => ({ ...p, origLen: p.data.length + extra }));
}

/**
 * Nanoseconds a reader gets back after writing at a resolution: truncated to the resolution,
 * then converted as Wireshark 4.0 does (whose 64-bit product overflows for resolutions finer
 * than ~10^-10 s, e.g. picoseconds: reproduced on purpose, see TimestampScale).
 */
function truncNs(nsec: number, tsresol: number | undefined): number {
  const u = tsresolUnits(tsresol);
  const frac = (BigInt(nsec) * u) / 1_000_000_000n;
  return Number(((frac * 1_000_000_000n) & ((1n << 64n) - 1n)) / u);
}

const sameRecord = (r: CaptureRecord) => [r.interfaceId, r.tsSec, r.tsNsec, r.origLen, hex(r.data), r.flags, r.comments];

// ---------------------------------------------------------------- round trips

describe('read(write(records)) == records, write(read(file)) == file', () => {
  it('pcapng: random interfaces, resolutions, options, packets, both byte orders', () => {
    fc.assert(
      fc.property(
        fc.array(interfaceArb, { minLength: 1, maxLength: 4 }).chain((ifaces) =>
          fc.tuple(fc.constant(ifaces), fc.array(ngPacketArb(ifaces), { maxLength: 12 }), fc.boolean(), fc.array(textArb, { maxLength: 2 })),
        ),
        ([interfaces, packets, littleEndian, shbComments]) => {
          const names = [{ address: '192.0.2.1', names: ['a.example'] }, { address: '2001:db8::1', names: ['b.example', 'c'] }];
          const bytes = writePcapng({ littleEndian, interfaces, section: { comments: shbComments, userApplication: 'wirelens' }, names }, packets);
          const file = readCaptureFile(bytes);
          expect(file.problems).toEqual([]);
          expect(file.sections[0]!.littleEndian).toBe(littleEndian);
          expect(file.sections[0]!.comments).toEqual(shbComments);
          expect(file.interfaces.map((i) => [i.linkType, i.name, i.tsresol === undefined ? 6 : i.tsresol, i.fcsLen, i.os])).toEqual(
            interfaces.map((i) => [i.linkType, i.name, i.tsresol ?? 6, i.fcsLen, i.os]),
          );
          const nrb = file.events.find((e) => e.kind === 'names');
          expect(nrb && nrb.kind === 'names' && nrb.records.map((r) => [r.address, r.names])).toEqual(names.map((n) => [n.address, n.names]));
          const expected = packets.map((p) => {
            const i = interfaces[p.interfaceId!]!;
            return [p.interfaceId, p.tsSec, truncNs(p.tsNsec, i.tsresol), p.origLen, hex(p.data), p.flags, p.comments];
          });
          expect(file.records.map(sameRecord)).toEqual(expected);
          expect(file.records.map((r) => r.linkType)).toEqual(packets.map((p) => interfaces[p.interfaceId!]!.linkType));
          // and back: byte for byte
          expect(hex(writeCaptureLike(file))).toBe(hex(bytes));
        },
      ),
      { numRuns: 300 },
    );
  });

  it('pcap: µs / ns, both byte orders, modified headers', () => {
    fc.assert(
      fc.property(
        fc.record({
          linkType: linkTypeArb,
          nanosecond: fc.boolean(),
          littleEndian: fc.boolean(),
          modified: fc.boolean(),
        }).chain((o) => fc.record({
          linkType: fc.constant(o.linkType),
          nanosecond: fc.constant(o.nanosecond && !o.modified), // modified pcap is µs only
          littleEndian: fc.constant(o.littleEndian),
          modified: fc.constant(o.modified),
          snapLen: fc.constantFrom(65535, 262144),
          thisZone: fc.integer({ min: -43200, max: 43200 }),
          sigFigs: fc.integer({ min: 0, max: 9 }),
        })),
        fc.array(
          packetArb(1, 0xffffffff).chain((p) =>
            fc.record({ ifIndex: fc.nat(100), protocol: fc.nat(0xffff), pktType: fc.nat(255) }).map((m) => ({ ...p, ...m })),
          ),
          { maxLength: 12 },
        ),
        (opts, packets) => {
          const { modified, ...rest } = opts;
          const bytes = writePcap({ ...rest, modified }, packets);
          const file = readCaptureFile(bytes);
          expect(file.problems).toEqual([]);
          expect(file.pcapHeader).toMatchObject({ ...rest, modified });
          expect(file.records.map((r) => [r.tsSec, r.tsNsec, r.origLen, hex(r.data)])).toEqual(
            packets.map((p) => [p.tsSec, opts.nanosecond ? p.tsNsec : Math.floor(p.tsNsec / 1000) * 1000, p.origLen, hex(p.data)]),
          );
          if (modified) {
            expect(file.records.map((r) => [r.ifIndex, r.protocol, r.pktType])).toEqual(packets.map((p) => [p.ifIndex, p.protocol, p.pktType]));
          }
          expect(hex(writeCaptureLike(file))).toBe(hex(bytes));
        },
      ),
      { numRuns: 300 },
    );
  });
});

// ---------------------------------------------------------------- prefixes and chunks

/** End offset of each record in the file (record header + data, or the whole block). */
function recordEnds(bytes: Uint8Array, file: CaptureFile): number[] {
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const hl = file.pcapHeader?.modified ? 24 : 16;
  return file.records.map((r) => {
    if (file.format === 'pcap') return r.offset! + hl + dv.getUint32(r.offset! + 8, file.pcapHeader!.littleEndian);
    return r.offset! + dv.getUint32(r.offset! + 4, file.sections[r.sectionIndex!]!.littleEndian);
  });
}

/** Every offset where a block / record / header ends (a clean cut). */
function boundaries(bytes: Uint8Array, file: CaptureFile): Set<number> {
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const set = new Set<number>([0]);
  if (file.format === 'pcap') {
    set.add(24);
    for (const e of recordEnds(bytes, file)) set.add(e);
  } else {
    for (const e of file.events) {
      if (e.kind === 'problem') continue;
      const off = e.kind === 'packet' ? e.record.offset! : (e as Exclude<CaptureEvent, { kind: 'packet' | 'problem' }>).offset;
      const le = e.kind === 'section' ? e.littleEndian : file.sections[e.kind === 'packet' ? e.record.sectionIndex! : (e as { sectionIndex: number }).sectionIndex]!.littleEndian;
      set.add(off + dv.getUint32(off + 4, le));
    }
  }
  return set;
}

function checkPrefix(bytes: Uint8Array, full: CaptureFile, ends: number[], bounds: Set<number>, cut: number): void {
  const f = readCaptureFile(bytes.subarray(0, cut));
  const n = ends.filter((e) => e <= cut).length;
  expect(f.records.length).toBe(n);
  for (let i = 0; i < n; i++) expect(f.records[i]!.offset).toBe(full.records[i]!.offset);
  if (n > 0) expect(hex(f.records[n - 1]!.data)).toBe(hex(full.records[n - 1]!.data));
  const fatal = f.problems.filter((p) => p.severity === 'error');
  if (bounds.has(cut) && cut > 0) expect(fatal).toEqual([]);
  else {
    expect(fatal).toHaveLength(1);
    expect(fatal[0]).toMatchObject({ code: 'truncated', end: cut });
    expect(fatal[0]!.start).toBeLessThanOrEqual(cut);
  }
}

const wellFormed = FIXTURE_FILES.filter((f) => !isMalformed(f));

describe('every prefix of each fixture: complete records, then a truncation report', () => {
  for (const rel of wellFormed) {
    it(rel, () => {
      const bytes = fixture(rel);
      const full = readCaptureFile(bytes);
      const ends = recordEnds(bytes, full);
      const bounds = boundaries(bytes, full);
      if (bytes.length <= 3000) {
        for (let cut = 0; cut < bytes.length; cut++) checkPrefix(bytes, full, ends, bounds, cut);
      } else {
        // big fixtures: every boundary +-1, plus random cuts
        for (const b of bounds) for (const d of [-1, 0, 1]) if (b + d >= 0 && b + d < bytes.length) checkPrefix(bytes, full, ends, bounds, b + d);
        fc.assert(fc.property(fc.integer({ min: 0, max: bytes.length - 1 }), (cut) => checkPrefix(bytes, full, ends, bounds, cut)), { numRuns: 300 });
      }
    });
  }

  it('malformed fixtures: prefixes never throw and never give more records', () => {
    for (const rel of FIXTURE_FILES.filter(isMalformed)) {
      const bytes = fixture(rel);
      const full = readCaptureFile(bytes);
      for (let cut = 0; cut <= bytes.length; cut += Math.max(1, Math.floor(bytes.length / 400))) {
        const f = readCaptureFile(bytes.subarray(0, cut));
        expect(f.records.length).toBeLessThanOrEqual(full.records.length);
      }
    }
  });
});

/** Drive the parser with the given chunk sizes; collect what the records and events look like. */
function parseChunked(bytes: Uint8Array, sizes: number[]): { recs: unknown[]; events: string[]; problems: unknown[] } {
  const p = new CaptureParser();
  const recs: unknown[] = [];
  const events: string[] = [];
  let off = 0;
  let k = 0;
  const drain = () => {
    for (;;) {
      const s = p.next();
      if (s === RECORD) recs.push([p.record!.offset, p.record!.tsSec, p.record!.tsNsec, hex(p.record!.data), p.record!.comments]);
      else if (s === EVENT) events.push(p.event!.kind);
      else if (s === NEED_MORE || s === DONE) return s;
    }
  };
  while (off < bytes.length) {
    const n = sizes[k++ % sizes.length]!;
    p.push(bytes.subarray(off, off + n));
    off += n;
    drain();
  }
  p.end();
  expect(drain()).toBe(DONE);
  return { recs, events, problems: p.problems.map((x) => [x.code, x.start, x.end]) };
}

describe('chunked input gives the same result as one buffer', () => {
  it('random chunk sizes over every fixture', () => {
    const all = FIXTURE_FILES.map((rel) => {
      const bytes = fixture(rel);
      return { bytes, whole: parseChunked(bytes, [bytes.length || 1]) };
    });
    fc.assert(
      fc.property(fc.integer({ min: 0, max: all.length - 1 }), fc.array(fc.integer({ min: 1, max: 300 }), { minLength: 1, maxLength: 8 }), (i, sizes) => {
        const { bytes, whole } = all[i]!;
        expect(parseChunked(bytes, sizes)).toEqual(whole);
      }),
      { numRuns: 400 },
    );
  });
});

// ---------------------------------------------------------------- corrupted lengths

describe('corrupted length fields give Problems, never exceptions', () => {
  const targets = FIXTURE_FILES.map((rel) => ({ rel, bytes: fixture(rel) }))
    .map((t) => ({ ...t, file: readCaptureFile(t.bytes) }))
    .filter((t) => t.file.records.length > 0 && !isMalformed(t.rel));

  const valueArb = fc.oneof(
    fc.constantFrom(0, 1, 8, 11, 13, 0xffffffff, 0x7fffffff, 0x10000000 + 4, 0x10000000 - 4),
    fc.integer({ min: 0, max: 0xffffffff }),
    fc.integer({ min: 0, max: 5000 }),
  );

  it('random record / block, random field, random value', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: targets.length - 1 }),
        fc.nat(),
        fc.constantFrom('length', 'caplen', 'trailer'),
        valueArb,
        (ti, ri, field, value) => {
          const { bytes, file } = targets[ti]!;
          const rec = file.records[ri % file.records.length]!;
          const b = bytes.slice();
          const dv = new DataView(b.buffer);
          const o = rec.offset!;
          let at: number;
          let le: boolean;
          if (file.format === 'pcap') {
            le = file.pcapHeader!.littleEndian;
            at = field === 'length' ? o + 12 : o + 8; // origLen / caplen
          } else {
            le = file.sections[rec.sectionIndex!]!.littleEndian;
            const len = dv.getUint32(o + 4, le);
            at = field === 'length' ? o + 4 : field === 'trailer' ? o + len - 4 : rec.source === 'epb' || rec.source === 'pb' ? o + 20 : o + 4;
          }
          dv.setUint32(at, value >>> 0, le);
          let f: CaptureFile | undefined;
          expect(() => (f = readCaptureFile(b))).not.toThrow();
          for (const p of f!.problems) {
            expect(p.start).toBeGreaterThanOrEqual(0);
            expect(p.end).toBeGreaterThanOrEqual(p.start);
            expect(p.end).toBeLessThanOrEqual(b.length);
            expect(p.message.length).toBeGreaterThan(0);
          }
          // records before the damaged one are untouched
          for (let i = 0; i < rec.index; i++) expect(f!.records[i]!.offset).toBe(file.records[i]!.offset);
          // impossible pcapng block lengths are reported at the damaged block
          if (file.format === 'pcapng' && field === 'length' && (value < 12 || value % 4 !== 0 || value > 256 * 1024 * 1024)) {
            expect(f!.problems.filter((p) => p.severity === 'error')).toEqual([expect.objectContaining({ code: 'bad-length', start: o + 4 })]);
            expect(f!.records.length).toBe(rec.index);
          }
          // an impossible pcap captured length too
          if (file.format === 'pcap' && field !== 'length' && value > 256 * 1024 * 1024) {
            expect(f!.problems.filter((p) => p.severity === 'error')).toEqual([expect.objectContaining({ code: 'bad-length', start: o + 8 })]);
          }
        },
      ),
      { numRuns: 1500 },
    );
  });

  it('random byte garbage never throws', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: targets.length - 1 }), fc.array(fc.tuple(fc.nat(), fc.nat(255)), { minLength: 1, maxLength: 6 }), (ti, edits) => {
        const b = targets[ti]!.bytes.slice();
        for (const [pos, v] of edits) b[pos % b.length] = v;
        expect(() => readCaptureFile(b)).not.toThrow();
        expect(() => writeCaptureLike(b)).not.toThrow();
      }),
      { numRuns: 1000 },
    );
  });

  it('arbitrary bytes after a valid magic never throw', () => {
    const magics = [
      [0xd4, 0xc3, 0xb2, 0xa1],
      [0xa1, 0xb2, 0xc3, 0xd4],
      [0x4d, 0x3c, 0xb2, 0xa1],
      [0x34, 0xcd, 0xb2, 0xa1],
      [0x0a, 0x0d, 0x0d, 0x0a],
    ];
    fc.assert(
      fc.property(fc.constantFrom(...magics), fc.uint8Array({ maxLength: 200 }), (m, rest) => {
        const b = new Uint8Array(4 + rest.length);
        b.set(m);
        b.set(rest, 4);
        const f = readCaptureFile(b);
        expect(f.problems.length + f.records.length + f.events.length).toBeGreaterThan(0);
      }),
      { numRuns: 2000 },
    );
  });
});
