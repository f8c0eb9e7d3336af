/**
 * The capture-file damage matrix (issue #8): fixture captures (pcap µs and ns in both byte orders, "modified" pcap,
 * pcapng with several sections of both byte orders and several interfaces) cut at every byte, with record and block
 * lengths corrupted (0, odd, huge, beyond the file), with a section header or interface description removed; a
 * zero-length file; files that are not captures.
 *
 * Each must give exactly the complete records before the damage (compared with the undamaged file's records), then
 * one error naming the byte offset of the damaged record or block; the command exits 3 for a damaged capture and 2
 * for a file that is not a capture at all (README, "Exit status").
 *
 * The exhaustive part runs in-process through the reader API (synchronous reader, and the streaming reader fed in
 * small chunks); a representative sample runs through the real command (bin/wirelens.js, bundled from the sources
 * so the test never runs a stale dist/) as a separate process, checking stdout, stderr and the exit code.
 */
process.env.TZ = 'UTC';

import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { rolldown } from 'rolldown';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readCaptureFile } from '../../src/capture/reader.js';
import { openCapture } from '../../src/capture/node.js';
import { MAX_BLOCK } from '../../src/capture/parser.js';
import type { CaptureRecord } from '../../src/capture/types.js';
import type { Problem } from '../../src/core/problem.js';
import { EXIT } from '../../src/cli/main.js';
import { runInProcess } from './in-process.js';

const root = fileURLToPath(new URL('../../', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'wirelens-damage-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const FIXTURES: readonly (readonly [string, string])[] = [
  ['pcap µs little-endian', 'fixtures/capture/dpkt/dns_icmp.pcap'],
  ['pcap µs big-endian', 'fixtures/capture/node-pcap-parser/be.pcap'],
  ['pcap ns little-endian', 'fixtures/capture/tcpdump/tcp-handshake-nano.pcap'],
  ['pcap ns big-endian', 'fixtures/capture/crafted/be-nsec.pcap'],
  ['modified pcap (24-byte record headers)', 'fixtures/capture/crafted/modified.pcap'],
  ['pcapng, 3 sections LE/BE/LE, 4 interfaces', 'fixtures/capture/crafted/mixed-endian.pcapng'],
  ['pcapng, 2 interfaces', 'fixtures/capture/zeek/pcapng-multi-interface.pcapng'],
  ['pcapng, 3 sections BE/LE/BE, names, statistics, custom blocks', 'fixtures/capture/hadrielk-pcapng/output_be/difficult/test202.pcapng'],
  ['pcapng, 4 interfaces, 25 packets', 'fixtures/start.pcapng'],
];

// ---------------------------------------------------------------------------------------------------------------
// An independent oracle: where each record or block of an undamaged file starts and ends.

interface Block {
  readonly start: number;
  readonly end: number;
  /** Offset of its length field (pcap: captured length; pcapng: block total length) and its byte order. */
  readonly lenAt: number;
  readonly le: boolean;
  readonly kind: 'file-header' | 'record' | 'shb' | 'idb' | 'epb' | 'other';
}

function blocksOf(b: Uint8Array): Block[] {
  const dv = new DataView(b.buffer, b.byteOffset, b.byteLength);
  const out: Block[] = [];
  const magicLe = dv.getUint32(0, true);
  if (dv.getUint32(0, false) === 0x0a0d0d0a) {
    let le = true;
    for (let o = 0; o < b.length; ) {
      if (dv.getUint32(o, true) === 0x0a0d0d0a) le = dv.getUint32(o + 8, true) === 0x1a2b3c4d;
      const type = dv.getUint32(o, le);
      const len = dv.getUint32(o + 4, le);
      const kind = type === 0x0a0d0d0a ? 'shb' : type === 1 ? 'idb' : type === 6 ? 'epb' : 'other';
      out.push({ start: o, end: o + len, lenAt: o + 4, le, kind });
      o += len;
    }
    return out;
  }
  const le = [0xa1b2c3d4, 0xa1b23c4d, 0xa1b2cd34].includes(magicLe);
  const hl = (le ? magicLe : dv.getUint32(0, false)) === 0xa1b2cd34 ? 24 : 16;
  out.push({ start: 0, end: 24, lenAt: 16, le, kind: 'file-header' });
  for (let o = 24; o < b.length; ) {
    const end = o + hl + dv.getUint32(o + 8, le);
    out.push({ start: o, end, lenAt: o + 8, le, kind: 'record' });
    o = end;
  }
  return out;
}

interface Loaded {
  readonly name: string;
  readonly path: string;
  readonly bytes: Uint8Array;
  readonly blocks: Block[];
  /** The undamaged file's records (copied), each with the end of its block. */
  readonly records: { rec: CaptureRecord; data: Uint8Array; end: number }[];
}

const loaded: Loaded[] = FIXTURES.map(([name, rel]) => {
  const path = join(root, rel);
  const bytes = new Uint8Array(readFileSync(path));
  const blocks = blocksOf(bytes);
  const f = readCaptureFile(bytes);
  const ends = new Map(blocks.map((x) => [x.start, x.end]));
  return { name, path, bytes, blocks, records: f.records.map((rec) => ({ rec, data: rec.data.slice(), end: ends.get(rec.offset!)! })) };
});

/** The fields of a record that the damage must not change. */
const view = (r: CaptureRecord, data = r.data) => ({
  index: r.index,
  offset: r.offset,
  interfaceId: r.interfaceId,
  sectionIndex: r.sectionIndex,
  linkType: r.linkType,
  tsSec: r.tsSec,
  tsNsec: r.tsNsec,
  origLen: r.origLen,
  data: Array.from(data),
});

/** The records of the damaged file must be exactly the first `n` records of the undamaged one. */
function expectFirstRecords(got: readonly { rec: CaptureRecord; data: Uint8Array }[] | readonly CaptureRecord[], f: Loaded, n: number): void {
  const same = (a: Uint8Array, b: Uint8Array): boolean => a.length === b.length && a.every((x, i) => x === b[i]);
  const keys = ['index', 'offset', 'interfaceId', 'sectionIndex', 'linkType', 'tsSec', 'tsNsec', 'origLen'] as const;
  const fast =
    got.length === n &&
    got.every((g, i) => {
      const [rec, data] = 'rec' in g ? [g.rec, g.data] : [g, g.data];
      const want = f.records[i]!;
      return keys.every((k) => rec[k] === want.rec[k]) && same(data, want.data);
    });
  if (fast) return;
  // a difference: let the deep comparison show it
  const norm = got.map((g) => ('rec' in g ? view(g.rec, g.data) : view(g)));
  expect(norm).toEqual(f.records.slice(0, n).map((r) => view(r.rec, r.data)));
  expect(norm.length).toBe(n);
}

const errorsOf = (ps: readonly Problem[]) => ps.filter((p) => p.severity === 'error');

/** What reading the first `len` bytes of `f` must give: how many records, and the error (if any). */
function expectedCut(f: Loaded, len: number): { records: number; error?: { start: number; code: string; message: RegExp } } {
  const records = f.records.filter((r) => r.end <= len).length;
  if (len === 0) return { records, error: { start: 0, code: 'truncated', message: /empty file \(0 bytes\): not a capture file/ } };
  if (len < 4) return { records, error: { start: 0, code: 'truncated', message: new RegExp(`not a capture file: only ${len} bytes?`) } };
  if (len === f.bytes.length || f.blocks.some((b) => b.end === len)) return { records };
  const cut = f.blocks.find((b) => b.start < len && len < b.end)!;
  return { records, error: { start: cut.start, code: 'truncated', message: new RegExp(`offset ${cut.start}\\b`) } };
}

function checkCut(f: Loaded, len: number, got: readonly { rec: CaptureRecord; data: Uint8Array }[] | readonly CaptureRecord[], problems: readonly Problem[]): void {
  const want = expectedCut(f, len);
  expectFirstRecords(got, f, want.records);
  const errs = errorsOf(problems);
  if (!want.error) {
    expect(errs).toEqual([]);
    return;
  }
  expect(errs).toHaveLength(1);
  expect(errs[0]).toMatchObject({ start: want.error.start, end: len, code: want.error.code });
  expect(errs[0]!.message).toMatch(want.error.message);
}

async function readStreaming(bytes: Uint8Array, chunk: number): Promise<{ got: { rec: CaptureRecord; data: Uint8Array }[]; problems: readonly Problem[] }> {
  async function* chunks(): AsyncGenerator<Uint8Array> {
    for (let o = 0; o < bytes.length; o += chunk) yield bytes.slice(o, o + chunk);
  }
  const cap = openCapture(chunks());
  const got: { rec: CaptureRecord; data: Uint8Array }[] = [];
  // record views are valid until the next record: copy as they come
  for await (const rec of cap) got.push({ rec, data: rec.data.slice() });
  return { got, problems: cap.problems };
}

// ---------------------------------------------------------------------------------------------------------------

describe('the fixtures are undamaged, and the oracle agrees with the reader', () => {
  for (const f of loaded) {
    it(f.name, () => {
      const full = readCaptureFile(f.bytes);
      expect(errorsOf(full.problems)).toEqual([]);
      expect(f.records.length).toBeGreaterThan(0);
      expect(f.blocks[f.blocks.length - 1]!.end).toBe(f.bytes.length);
      expect(f.records.every((r) => Number.isInteger(r.end) && r.end > r.rec.offset!)).toBe(true);
    });
  }
});

describe('every truncation point', () => {
  for (const f of loaded) {
    it(`${f.name}: all ${f.bytes.length + 1} lengths through the in-memory reader`, () => {
      let damaged = 0;
      for (let len = 0; len <= f.bytes.length; len++) {
        const r = readCaptureFile(f.bytes.subarray(0, len));
        checkCut(f, len, r.records, r.problems);
        if (errorsOf(r.problems).length) damaged++;
      }
      // most lengths cut a record or block; only block boundaries read cleanly
      expect(damaged).toBe(f.bytes.length + 1 - f.blocks.length);
    });

    it(`${f.name}: the streaming reader, fed in chunks of 1 to 61 bytes, at a dense sample of lengths`, async () => {
      const step = Math.max(1, Math.floor(f.bytes.length / 300));
      const lens = new Set<number>([0, 1, 3, 4, 5, 23, 24, 25, f.bytes.length - 1, f.bytes.length]);
      for (let len = 0; len <= f.bytes.length; len += step) lens.add(len);
      for (const b of f.blocks) for (const d of [-1, 0, 1, 8, 12]) lens.add(b.start + d);
      for (const len of [...lens].filter((l) => l >= 0 && l <= f.bytes.length)) {
        const chunk = 1 + (len % 61);
        const { got, problems } = await readStreaming(f.bytes.subarray(0, len), chunk);
        checkCut(f, len, got, problems);
      }
    });
  }
});

/** `f` with the 32-bit word at `at` replaced (in the byte order of the block). */
function patched(f: Loaded, at: number, value: number, le: boolean): Uint8Array {
  const b = f.bytes.slice();
  new DataView(b.buffer).setUint32(at, value >>> 0, le);
  return b;
}

/** A few blocks of each file to damage: the first record, one in the middle, the last. */
function targets(f: Loaded, kinds: readonly Block['kind'][]): Block[] {
  const all = f.blocks.filter((b) => kinds.includes(b.kind));
  return [...new Set([all[0]!, all[Math.floor(all.length / 2)]!, all[all.length - 1]!])];
}

const recordsBefore = (f: Loaded, at: number) => f.records.filter((r) => r.end <= at).length;

describe('corrupted record and block lengths', () => {
  for (const f of loaded.filter((x) => x.blocks[0]!.kind === 'file-header')) {
    const dv = new DataView(f.bytes.buffer, f.bytes.byteOffset);
    for (const t of targets(f, ['record'])) {
      const capLen = dv.getUint32(t.lenAt, t.le);
      const beyond = f.bytes.length - t.start; // the record then needs more bytes than the file holds
      it(`${f.name}, record at ${t.start}: captured length huge (0xffffffff, 0x7fffffff, 262145) is refused there, unallocated`, () => {
        for (const v of [0xffffffff, 0x7fffffff, 262145]) {
          const r = readCaptureFile(patched(f, t.lenAt, v, t.le));
          expectFirstRecords(r.records, f, recordsBefore(f, t.start));
          const errs = errorsOf(r.problems);
          expect(errs).toHaveLength(1);
          expect(errs[0]).toMatchObject({ code: 'bad-length', start: t.lenAt, end: t.lenAt + 4, field: 'frame.cap_len', actual: v });
          expect(errs[0]!.message).toContain(`at offset ${t.start}:`);
        }
      });
      it(`${f.name}, record at ${t.start}: captured length beyond the end of the file is a truncation there`, () => {
        const r = readCaptureFile(patched(f, t.lenAt, beyond, t.le));
        expectFirstRecords(r.records, f, recordsBefore(f, t.start));
        const errs = errorsOf(r.problems);
        expect(errs).toHaveLength(1);
        expect(errs[0]).toMatchObject({ code: 'truncated', start: t.start, end: f.bytes.length });
        expect(errs[0]!.message).toMatch(new RegExp(`file ends inside record \\d+ at offset ${t.start}:`));
      });
      it(`${f.name}, record at ${t.start}: captured length 0 or off by one (pcap cannot resync): the records before intact, every problem after them`, () => {
        for (const v of [0, capLen - 1, capLen + 1, capLen + 3]) {
          const r = readCaptureFile(patched(f, t.lenAt, v, t.le));
          // the records before are exact; the damaged one is read with its (wrong) length; what follows is the
          // reader's best reading of shifted bytes, and any problem lies at or after the damaged record
          const before = recordsBefore(f, t.start);
          expectFirstRecords(r.records.slice(0, before), f, before);
          const headerLen = t.end - t.start - capLen;
          if (t.start + headerLen + v <= f.bytes.length) {
            // it fits in the file: the damaged record is read with its (wrong) length
            expect(r.records.length).toBeGreaterThan(before);
            expect(r.records[before]!.data.length).toBe(v);
          } else {
            expect(r.records.length).toBe(before);
            expect(errorsOf(r.problems)).toMatchObject([{ code: 'truncated', start: t.start }]);
          }
          for (const p of r.problems) expect(p.start).toBeGreaterThanOrEqual(t.start);
        }
      });
    }
  }

  for (const f of loaded.filter((x) => x.blocks[0]!.kind === 'shb')) {
    const dv = new DataView(f.bytes.buffer, f.bytes.byteOffset);
    for (const t of targets(f, ['shb', 'idb', 'epb', 'other'])) {
      const len = dv.getUint32(t.lenAt, t.le);
      const kept = recordsBefore(f, t.start);
      const cases: [string, number, RegExp][] = [
        ['0', 0, /impossible block length 0 \(less than 12\)/],
        ['8 (less than the 12-byte minimum)', 8, /impossible block length 8 \(less than 12\)/],
        ['odd', len + 1, new RegExp(`impossible block length ${len + 1} \\(not a multiple of 4\\)`)],
        ['not a multiple of 4', len + 2, new RegExp(`impossible block length ${len + 2} \\(not a multiple of 4\\)`)],
        ['huge (0xfffffffc)', 0xfffffffc, /impossible block length 4294967292 \(larger than 256 MiB\)/],
        ['just over the 256 MiB bound', MAX_BLOCK + 4, /larger than 256 MiB/],
      ];
      for (const [what, v, message] of cases) {
        it(`${f.name}, ${t.kind} block at ${t.start}: block length ${what} is refused there, unallocated`, () => {
          const r = readCaptureFile(patched(f, t.lenAt, v, t.le));
          expectFirstRecords(r.records, f, kept);
          const errs = errorsOf(r.problems);
          expect(errs).toHaveLength(1);
          expect(errs[0]).toMatchObject({ code: 'bad-length', start: t.start + 4, end: t.start + 8, field: 'pcapng.block.length', actual: v });
          expect(errs[0]!.message).toMatch(message);
          expect(errs[0]!.message).toContain(`at offset ${t.start} `);
        });
      }
      it(`${f.name}, ${t.kind} block at ${t.start}: block length beyond the end of the file (but plausible) is a truncation there`, () => {
        const beyond = (f.bytes.length - t.start + 4 + 3) & ~3;
        const r = readCaptureFile(patched(f, t.lenAt, beyond, t.le));
        expectFirstRecords(r.records, f, kept);
        const errs = errorsOf(r.problems);
        expect(errs).toHaveLength(1);
        expect(errs[0]).toMatchObject({ code: 'truncated', start: t.start, end: f.bytes.length });
        expect(errs[0]!.message).toMatch(new RegExp(`file ends inside a pcapng block \\(type 0x[0-9a-f]{8}, ${beyond} bytes\\) at offset ${t.start}:`));
      });
      it(`${f.name}, ${t.kind} block at ${t.start}: a length 4 shorter, or a damaged trailing length, is a trailer mismatch there`, () => {
        for (const b of [patched(f, t.lenAt, len - 4, t.le), patched(f, t.end - 4, len + 4, t.le)]) {
          const r = readCaptureFile(b);
          expectFirstRecords(r.records, f, kept);
          const errs = errorsOf(r.problems);
          expect(errs).toHaveLength(1);
          expect(errs[0]).toMatchObject({ code: 'bad-length', field: 'pcapng.block.length_trailer' });
          expect(errs[0]!.message).toMatch(new RegExp(`block at offset ${t.start} \\(type 0x[0-9a-f]{8}\\): trailing length \\d+ differs from block length \\d+`));
        }
      });
    }
  }
});

/** `f` without the bytes of block `b`. */
function without(f: Loaded, b: Block): Uint8Array {
  const out = new Uint8Array(f.bytes.length - (b.end - b.start));
  out.set(f.bytes.subarray(0, b.start), 0);
  out.set(f.bytes.subarray(b.end), b.start);
  return out;
}

/**
 * The last interface description block of each section (removing it renumbers no other interface), with the first
 * packet of its section that names it: that packet is where the damage shows.
 */
function lastIdbs(f: Loaded): { idb: Block; victim: Loaded['records'][number] | undefined }[] {
  const out: { idb: Block; victim: Loaded['records'][number] | undefined }[] = [];
  const shbs = f.blocks.filter((b) => b.kind === 'shb');
  shbs.forEach((shb, section) => {
    const end = shbs[section + 1]?.start ?? f.bytes.length;
    const idbs = f.blocks.filter((b) => b.kind === 'idb' && b.start > shb.start && b.start < end);
    const idb = idbs[idbs.length - 1];
    if (!idb) return;
    const victim = f.records.find((x) => x.rec.offset! > idb.start && x.rec.offset! < end && x.rec.source !== 'custom' && x.rec.interfaceId === idbs.length - 1);
    out.push({ idb, victim });
  });
  return out;
}

describe('missing section header or interface description (pcapng)', () => {
  const ng = loaded.filter((x) => x.blocks[0]!.kind === 'shb');

  for (const f of ng) {
    it(`${f.name}: without its first section header block, nothing is read and the block at offset 0 is named`, () => {
      const r = readCaptureFile(without(f, f.blocks[0]!));
      expect(r.records).toEqual([]);
      const errs = errorsOf(r.problems);
      expect(errs).toHaveLength(1);
      expect(errs[0]!.start).toBe(0);
      expect(errs[0]!.message).toMatch(/at offset 0 before any section header block/);
    });

    it(`${f.name}: without the last interface description of a section, the packets before the first one that needs it are read, then the missing interface is named`, () => {
      const removals = lastIdbs(f);
      expect(removals.length).toBeGreaterThan(0);
      for (const { idb, victim } of removals) {
        const shift = idb.end - idb.start;
        const r = readCaptureFile(without(f, idb));
        const errs = errorsOf(r.problems);
        if (!victim) {
          // no packet uses it: the file reads on, whole
          expect(errs).toEqual([]);
          expect(r.records.length).toBe(f.records.length);
          continue;
        }
        const kept = f.records.filter((x) => x.rec.offset! < victim.rec.offset!);
        // records before the removed block are unchanged; later ones moved by its length (same data and times)
        expect(r.records.map((x) => [x.offset, x.interfaceId, x.linkType, x.tsSec, x.tsNsec, Array.from(x.data)])).toEqual(
          kept.map((o) => [o.rec.offset! < idb.start ? o.rec.offset : o.rec.offset! - shift, o.rec.interfaceId, o.rec.linkType, o.rec.tsSec, o.rec.tsNsec, Array.from(o.data)]),
        );
        expect(errs).toHaveLength(1);
        expect(errs[0]!.start).toBe(victim.rec.offset! - shift + 8);
        expect(errs[0]!.message).toMatch(new RegExp(`at offset ${victim.rec.offset! - shift}: interface ${victim.rec.interfaceId} not defined`));
      }
    });
  }

  it('a later section header removed: the blocks that follow, in the other byte order, are refused at their offset', () => {
    const f = loaded.find((x) => x.path.endsWith('mixed-endian.pcapng'))!;
    const second = f.blocks.filter((b) => b.kind === 'shb')[1]!;
    const r = readCaptureFile(without(f, second));
    expectFirstRecords(r.records, f, recordsBefore(f, second.start));
    const errs = errorsOf(r.problems);
    expect(errs).toHaveLength(1);
    expect(errs[0]!.start).toBeGreaterThanOrEqual(second.start);
    expect(errs[0]!.message).toMatch(new RegExp(`offset ${second.start}\\b`));
  });
});

describe('files that are not captures', () => {
  it('zero-length file', () => {
    const r = readCaptureFile(new Uint8Array(0));
    expect(r.format).toBeUndefined();
    expect(r.records).toEqual([]);
    expect(errorsOf(r.problems)).toMatchObject([{ start: 0, end: 0, message: 'empty file (0 bytes): not a capture file' }]);
  });
  it('text, and random bytes (seeded), whatever their length', () => {
    let seed = 12345;
    const rand = () => ((seed = (seed * 1103515245 + 12345) >>> 0) >>> 16) & 0xff;
    const samples = [new TextEncoder().encode('hello world, this is not a capture\n'.repeat(20))];
    for (let i = 0; i < 200; i++) samples.push(Uint8Array.from({ length: 4 + (i * 37) % 3000 }, rand));
    for (const b of samples) {
      const r = readCaptureFile(b);
      expect(r.format).toBeUndefined();
      expect(r.records).toEqual([]);
      const errs = errorsOf(r.problems);
      expect(errs).toHaveLength(1);
      expect(errs[0]).toMatchObject({ start: 0, end: 4, code: 'bad-value' });
      expect(errs[0]!.message).toMatch(/^not a capture file: magic 0x[0-9a-f]{8}$/);
    }
  });
});

// ---------------------------------------------------------------------------------------------------------------
// Through the command, as a separate process.

let cli = '';
beforeAll(async () => {
  // bin/wirelens.js exactly as shipped, with its import of dist/ pointed at the sources. rolldown is vite's bundler
  // (vitest -> vite 8 -> rolldown, in package-lock.json): about a second, and no stale dist/ can be tested.
  const bundle = await rolldown({
    input: join(root, 'bin/wirelens.js'),
    platform: 'node',
    resolve: { alias: { '../dist/cli/main.js': join(root, 'src/cli/main.ts') } },
    logLevel: 'silent',
  });
  cli = join(dir, 'wirelens.mjs');
  await bundle.write({ file: cli, format: 'esm' });
  await bundle.close();
}, 120_000);

// Each in-process run of the command adds an 'error' listener to process.stdout (one run per process in real use).
process.stdout.setMaxListeners(0);

const inProcess = runInProcess;

function wirelens(args: string[], stdin?: Uint8Array): Promise<{ code: number; out: string; err: string }> {
  return new Promise((resolve) => {
    const child = execFile(process.execPath, [cli, ...args], { encoding: 'utf8', maxBuffer: 64 << 20, env: { ...process.env, TZ: 'UTC' } }, (error, out, err) => {
      resolve({ code: error ? Number((error as { code?: number }).code ?? 70) : 0, out, err });
    });
    if (stdin) child.stdin!.end(stdin);
    else child.stdin!.end();
  });
}

/** Run the cases two at a time (the machine is shared). */
async function all<T, R>(items: readonly T[], fn: (x: T) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i]!);
    }
  };
  await Promise.all([worker(), worker()]);
  return out;
}

describe('through the command (spawned): stdout, stderr with the offset, exit status', () => {
  interface Case {
    readonly label: string;
    readonly f: Loaded;
    readonly bytes: Uint8Array;
    readonly records: number;
    readonly code: number;
    readonly offset?: number;
    readonly stdin?: boolean;
  }
  const cases: Case[] = [];
  const caseFor = (f: Loaded, len: number, label: string): Case => {
    const want = expectedCut(f, len);
    return { label: `${f.name}: ${label} (${len} bytes)`, f, bytes: f.bytes.subarray(0, len), records: want.records, code: want.error ? EXIT.damaged : EXIT.ok, ...(want.error ? { offset: want.error.start } : {}) };
  };
  const middle = (f: Loaded): Block => {
    const rec = f.blocks.filter((b) => b.kind === 'record' || b.kind === 'epb');
    return rec[Math.floor(rec.length / 2)]!;
  };
  // every fixture cut one byte before the end of its middle record; the other kinds of damage on a few
  for (const f of [loaded[0]!, loaded[1]!, loaded[3]!, loaded[4]!, loaded[5]!]) cases.push(caseFor(f, middle(f).end - 1, 'cut one byte before the end of a record'));
  {
    const [pcap, ng] = [loaded[0]!, loaded[5]!];
    cases.push(caseFor(pcap, 20, 'cut inside the file header'));
    cases.push(caseFor(ng, middle(ng).start + 10, 'cut inside a block header'));
    cases.push(caseFor(pcap, middle(pcap).end, 'cut exactly between two records'));
    const mid = middle(pcap);
    cases.push({ label: `${pcap.name}: huge length in the middle record`, f: pcap, bytes: patched(pcap, mid.lenAt, 0x7fffffff, mid.le), records: recordsBefore(pcap, mid.start), code: EXIT.damaged, offset: mid.start });
  }
  const multi = loaded.find((x) => x.path.endsWith('pcapng-multi-interface.pcapng'))!;
  const { idb, victim } = lastIdbs(multi)[0]!;
  const shift = idb.end - idb.start;
  cases.push({ label: 'pcapng without its second interface description', f: multi, bytes: without(multi, idb), records: multi.records.filter((x) => x.rec.offset! < victim!.rec.offset!).length, code: EXIT.damaged, offset: victim!.rec.offset! - shift });
  const mixed = loaded.find((x) => x.path.endsWith('mixed-endian.pcapng'))!;
  cases.push({ label: 'pcapng without its section header', f: mixed, bytes: without(mixed, mixed.blocks[0]!), records: 0, code: EXIT.damaged, offset: 0 });
  const start = loaded[loaded.length - 1]!;
  cases.push({ ...caseFor(start, 5000, 'cut, on standard input (-r -)'), stdin: true });

  /** The undamaged files' summary lines, from the command run in-process (the spawned runs are compared to them). */
  const fulls = new Map<Loaded, string[]>();
  beforeAll(async () => {
    for (const f of loaded) {
      const r = await inProcess(['-r', f.path]);
      expect([r.code, r.err]).toEqual([EXIT.ok, '']);
      fulls.set(f, r.out.split('\n').slice(0, -1));
    }
  });

  it('the same cases in-process, and every fixture at every block boundary and one byte either side of it', async () => {
    const more: Case[] = [...cases.filter((c) => !c.stdin)];
    for (const f of loaded) {
      for (const b of f.blocks) for (const len of [b.end - 1, b.end, b.end + 1]) if (len > 0 && len < f.bytes.length) more.push(caseFor(f, len, 'cut'));
    }
    for (const c of more) {
      const file = join(dir, `inproc${c.f.path.endsWith('.pcapng') ? '.pcapng' : '.pcap'}`);
      writeFileSync(file, c.bytes);
      const r = await inProcess(['-r', file]);
      expect({ label: c.label, code: r.code, lines: r.out.split('\n').slice(0, -1) }).toEqual({ label: c.label, code: c.code, lines: fulls.get(c.f)!.slice(0, c.records) });
      if (c.offset === undefined) expect(r.err).toBe('');
      else expect(r.err).toMatch(new RegExp(`^wirelens: .+: .*offset ${c.offset}\\b.* \\(at byte \\d+\\)\n$`));
    }
    expect(more.length).toBeGreaterThan(400);
  }, 300_000);

  it('damaged captures: the complete records (same lines as the undamaged file), one error with the offset, exit 3', async () => {
    // the undamaged output as the spawned command prints it, for one file
    const whole = await wirelens(['-r', start.path]);
    expect([whole.code, whole.err, whole.out.split('\n').slice(0, -1)]).toEqual([EXIT.ok, '', fulls.get(start)]);
    const results = await all(cases, async (c) => {
      const file = join(dir, `case-${cases.indexOf(c)}${c.f.path.endsWith('.pcapng') ? '.pcapng' : '.pcap'}`);
      writeFileSync(file, c.bytes);
      return c.stdin ? wirelens(['-r', '-'], c.bytes) : wirelens(['-r', file]);
    });
    cases.forEach((c, i) => {
      const r = results[i]!;
      const lines = r.out.split('\n').slice(0, -1);
      expect({ label: c.label, code: r.code, lines }).toEqual({ label: c.label, code: c.code, lines: fulls.get(c.f)!.slice(0, c.records) });
      if (c.offset === undefined) expect({ label: c.label, err: r.err }).toEqual({ label: c.label, err: '' });
      else {
        // one line: "wirelens: FILE: <what> ... offset N ... (at byte M)"
        expect({ label: c.label, errLines: r.err.trim().split('\n').length }).toEqual({ label: c.label, errLines: 1 });
        expect(r.err).toMatch(new RegExp(`^wirelens: .+: .*offset ${c.offset}\\b.* \\(at byte \\d+\\)\\n$`));
      }
    });
  }, 300_000);

  it('files that are not captures (empty, text, random bytes): the reason on stderr, exit 2, nothing on stdout', async () => {
    const empty = join(dir, 'empty.pcap');
    writeFileSync(empty, new Uint8Array(0));
    const text = join(dir, 'notes.pcap');
    writeFileSync(text, 'hello world, not a capture\n');
    const random = join(dir, 'random.pcapng');
    writeFileSync(random, Uint8Array.from({ length: 4096 }, (_, i) => (i * 7919 + 13) % 251));
    const [e, t, r, s] = await all([['-r', empty], ['-r', text], ['-r', random], ['-r', '-']], (a) => (a[1] === '-' ? wirelens(a, new Uint8Array(0)) : wirelens(a)));
    expect([e!.code, e!.out, e!.err]).toEqual([EXIT.badInput, '', `wirelens: ${empty}: empty file (0 bytes): not a capture file (at byte 0)\n`]);
    expect([t!.code, t!.out, t!.err]).toEqual([EXIT.badInput, '', `wirelens: ${text}: not a capture file: magic 0x68656c6c (at byte 0)\n`]);
    expect([r!.code, r!.out]).toEqual([EXIT.badInput, '']);
    expect(r!.err).toMatch(/^wirelens: .*random\.pcapng: not a capture file: magic 0x[0-9a-f]{8} \(at byte 0\)\n$/);
    expect([s!.code, s!.err]).toEqual([EXIT.badInput, 'wirelens: -: empty file (0 bytes): not a capture file (at byte 0)\n']);
  }, 120_000);

  it('-w from a damaged capture writes the complete records (a readable file), and exits 3', async () => {
    const f = loaded[0]!;
    const mid = f.blocks.filter((b) => b.kind === 'record')[10]!;
    const input = join(dir, 'damaged-in.pcap');
    writeFileSync(input, f.bytes.subarray(0, mid.end - 5));
    const out = join(dir, 'damaged-out.pcap');
    const r = await wirelens(['-r', input, '-w', out]);
    expect(r.code).toBe(EXIT.damaged);
    expect(r.err).toMatch(new RegExp(`offset ${mid.start}\\b`));
    expect(existsSync(out)).toBe(true);
    const w = readCaptureFile(new Uint8Array(readFileSync(out)));
    expect(w.problems).toEqual([]);
    expectFirstRecords(w.records, f, 10);
    // a cut file copied is byte for byte the undamaged prefix
    expect(new Uint8Array(readFileSync(out))).toEqual(f.bytes.subarray(0, mid.start));
  }, 120_000);
});
