import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { afterAll, describe, expect, it } from 'vitest';
import { readCaptureFile, writeCaptureLike, writePcap, type CaptureRecord } from '../../src/capture/index.js';
import { copyCapture, openCapture, readFileBytes, writeFileAtomic } from '../../src/capture/node.js';
import { FIXTURES, FIXTURE_FILES, fixture, hex } from './helpers.js';

const dir = mkdtempSync(join(tmpdir(), 'wirelens-capture-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const view = (r: CaptureRecord) => [r.index, r.offset, r.interfaceId, r.linkType, r.tsSec, r.tsNsec, r.origLen, hex(r.data), r.comments, r.flags];

describe('openCapture (async, chunked)', () => {
  for (const chunkSize of [1, 64, 4096, 1 << 20]) {
    it(`file path, chunk size ${chunkSize}: same records, events and problems as the sync reader`, async () => {
      for (const rel of FIXTURE_FILES) {
        if (chunkSize === 1 && fixture(rel).length > 5000) continue; // keep the 1-byte run quick
        const sync = readCaptureFile(fixture(rel));
        const cap = openCapture(join(FIXTURES, rel), { chunkSize });
        const recs: unknown[] = [];
        for await (const r of cap) recs.push(view(r)); // compare while the view is valid
        expect(recs, rel).toEqual(sync.records.map(view));
        expect(cap.problems, rel).toEqual(sync.problems);
        expect(cap.interfaces.length).toBe(sync.interfaces.length);
        expect(cap.sections.length).toBe(sync.sections.length);
        expect(cap.format).toBe(sync.format);
        expect(cap.blocks.map((b) => b.kind)).toEqual(sync.events.filter((e) => e.kind !== 'packet').map((e) => e.kind));
      }
    });
  }

  it('a Readable stream of odd-sized chunks, with events()', async () => {
    const bytes = fixture('hadrielk-pcapng/output_le/difficult/test202.pcapng');
    const chunks: Buffer[] = [];
    for (let i = 0; i < bytes.length; i += 37) chunks.push(Buffer.from(bytes.subarray(i, i + 37)));
    const cap = openCapture(Readable.from(chunks));
    const kinds: string[] = [];
    const copies: CaptureRecord[] = [];
    for await (const e of cap.events()) {
      kinds.push(e.kind);
      if (e.kind === 'packet') copies.push({ ...e.record, data: e.record.data.slice() });
    }
    const sync = readCaptureFile(bytes);
    expect(kinds).toEqual(sync.events.map((e) => e.kind));
    // copies kept across reads: a CaptureFile made of them writes the original back
    const events = sync.events.map((e) => (e.kind === 'packet' ? { kind: 'packet' as const, record: copies[e.record.index]! } : e));
    expect(hex(writeCaptureLike({ ...sync, events }))).toBe(hex(bytes));
  });

  it('a truncated file: every complete record, then the truncation problem', async () => {
    const bytes = fixture('node-pcap-parser/smtp.pcap');
    const cut = bytes.length - 100;
    const path = join(dir, 'cut.pcap');
    writeFileSync(path, bytes.subarray(0, cut));
    const sync = readCaptureFile(bytes.subarray(0, cut));
    const cap = openCapture(path, { chunkSize: 512 });
    let n = 0;
    for await (const _ of cap) n++;
    expect(n).toBe(sync.records.length);
    expect(cap.problems).toEqual(sync.problems);
    expect(cap.problems[0]).toMatchObject({ code: 'truncated', end: cut });
  });

  it('not a capture file, empty file', async () => {
    const a = join(dir, 'index.html');
    writeFileSync(a, '<html></html>');
    const cap = openCapture(a);
    for await (const _ of cap) throw new Error('no records expected');
    expect(cap.problems[0]!.message).toBe('not a capture file: magic 0x3c68746d');
    const b = join(dir, 'empty');
    writeFileSync(b, '');
    const cap2 = openCapture(b);
    for await (const _ of cap2) throw new Error('no records expected');
    expect(cap2.problems[0]!.code).toBe('truncated');
  });

  it('memory stays bounded: a file much larger than the chunk size is read with small buffers', async () => {
    const packets = Array.from({ length: 3000 }, (_, i) => ({ tsSec: i, tsNsec: i * 1000, data: new Uint8Array(500 + (i % 700)).fill(i & 0xff) }));
    const bytes = writePcap({ linkType: 1 }, packets);
    const path = join(dir, 'big.pcap');
    writeFileSync(path, bytes);
    const cap = openCapture(path, { chunkSize: 8192 });
    let n = 0;
    let maxBuffer = 0;
    for await (const r of cap) {
      expect(r.data.length).toBe(packets[n]!.data.length);
      expect(r.data[0]).toBe(n & 0xff);
      expect(r.data[r.data.length - 1]).toBe(n & 0xff);
      maxBuffer = Math.max(maxBuffer, r.data.buffer.byteLength);
      n++;
    }
    expect(n).toBe(3000);
    expect(bytes.length).toBeGreaterThan(2_000_000);
    expect(maxBuffer).toBeLessThanOrEqual(8192); // views into 8 KiB read buffers or record-sized stitches
  });
});

describe('writeFileAtomic', () => {
  it('writes one buffer or chunks, leaves no temporary file', async () => {
    const p = join(dir, 'out.pcap');
    const bytes = fixture('dpkt/dns_icmp.pcap');
    await writeFileAtomic(p, bytes);
    expect(hex(await readFileBytes(p))).toBe(hex(bytes));
    const chunks = [bytes.subarray(0, 100), bytes.subarray(100)];
    await writeFileAtomic(p, chunks);
    expect(hex(new Uint8Array(readFileSync(p)))).toBe(hex(bytes));
    async function* gen() {
      yield bytes.subarray(0, 10);
      yield bytes.subarray(10);
    }
    await writeFileAtomic(p, gen());
    expect(hex(new Uint8Array(readFileSync(p)))).toBe(hex(bytes));
    expect(readdirSync(dir).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  });

  it('a failure leaves the target untouched and no temporary file', async () => {
    const p = join(dir, 'keep.pcap');
    writeFileSync(p, 'old');
    async function* bad() {
      yield new Uint8Array(3);
      throw new Error('boom');
    }
    await expect(writeFileAtomic(p, bad())).rejects.toThrow('boom');
    expect(readFileSync(p, 'utf8')).toBe('old');
    expect(readdirSync(dir).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  });
});

describe('copyCapture (streaming byte-exact copy)', () => {
  it('copies every fixture byte for byte, through small chunks', async () => {
    for (const rel of ['hadrielk-pcapng/output_be/difficult/test202.pcapng', 'node-pcap-parser/smtp.pcap', 'crafted/modified.pcap', 'crafted/mixed-endian.pcapng']) {
      const out = join(dir, 'copy.out');
      const problems = await copyCapture(join(FIXTURES, rel), out, undefined, { chunkSize: 100 });
      expect(problems).toEqual([]);
      expect(hex(new Uint8Array(readFileSync(out))), rel).toBe(hex(fixture(rel)));
    }
  });

  it('keeps only the selected packets (and every other block)', async () => {
    const out = join(dir, 'filtered.pcapng');
    await copyCapture(join(FIXTURES, 'hadrielk-pcapng/output_le/difficult/test202.pcapng'), out, (r) => r.source === 'epb');
    const f = readCaptureFile(new Uint8Array(readFileSync(out)));
    expect(f.problems).toEqual([]);
    expect(f.records.map((r) => r.source)).toEqual(['epb', 'epb', 'epb', 'epb', 'epb', 'epb']);
    expect(f.interfaces.length).toBe(5);
    expect(f.events.filter((e) => e.kind === 'stats').length).toBe(4);
  });
});

describe('batches()', () => {
  it('yields every record, in batches whose views are valid until the next batch', async () => {
    for (const rel of ['node-pcap-parser/smtp.pcap', 'hadrielk-pcapng/output_le/difficult/test202.pcapng', 'crafted/modified.pcap']) {
      const sync = readCaptureFile(fixture(rel));
      const cap = openCapture(join(FIXTURES, rel), { chunkSize: 256 });
      const seen: unknown[] = [];
      let batches = 0;
      for await (const batch of cap.batches()) {
        batches++;
        for (const r of batch) seen.push(view(r));
      }
      expect(seen, rel).toEqual(sync.records.map(view));
      expect(batches).toBeGreaterThan(1);
      expect(cap.problems).toEqual(sync.problems);
    }
  });
});
