/** Differential test against npm pcap-parser (classic microsecond pcap only) on the fixtures. */
import { createRequire } from 'node:module';
import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { readCaptureFile } from '../../src/capture/index.js';
import { FIXTURE_FILES, fixture, hex } from './helpers.js';

const require = createRequire(import.meta.url);
const pcapParser = require('pcap-parser') as {
  parse(input: Readable): NodeJS.EventEmitter;
};

interface PeerPacket {
  header: { timestampSeconds: number; timestampMicroseconds: number; capturedLength: number; originalLength: number };
  data: Uint8Array;
}

function peerRead(bytes: Uint8Array): Promise<{ packets: PeerPacket[]; error?: Error }> {
  return new Promise((resolve) => {
    const packets: PeerPacket[] = [];
    let error: Error | undefined;
    const parser = pcapParser.parse(Readable.from([Buffer.from(bytes)]));
    parser.on('packet', (p: PeerPacket) => packets.push({ header: p.header, data: Uint8Array.from(p.data) }));
    parser.on('error', (e: Error) => (error = e));
    parser.on('end', () => resolve({ packets, error }));
  });
}

const classicUsec = FIXTURE_FILES.filter((rel) => {
  const f = readCaptureFile(fixture(rel));
  return (
    f.format === 'pcap' &&
    f.pcapHeader !== undefined &&
    !f.pcapHeader.nanosecond &&
    !f.pcapHeader.modified &&
    // pcap-parser has no notion of these header checks: compare only files we accept
    !f.problems.some((p) => p.code === 'unsupported' || (p.severity === 'error' && p.start < 24))
  );
});

describe('differential against pcap-parser (classic µs pcap)', () => {
  it('covers several fixtures, both byte orders', () => {
    expect(classicUsec.length).toBeGreaterThanOrEqual(10);
    expect(classicUsec).toContain('node-pcap-parser/be.pcap');
    expect(classicUsec).toContain('node-pcap-parser/smtp.pcap');
  });

  for (const rel of classicUsec) {
    it(rel, async () => {
      const bytes = fixture(rel);
      const ours = readCaptureFile(bytes).records;
      const peer = await peerRead(bytes);
      expect(peer.error).toBeUndefined();
      expect(ours.length).toBe(peer.packets.length);
      ours.forEach((r, i) => {
        const p = peer.packets[i]!;
        expect([r.tsSec, r.tsNsec, r.data.length, r.origLen]).toEqual([
          p.header.timestampSeconds,
          p.header.timestampMicroseconds * 1000,
          p.header.capturedLength,
          p.header.originalLength,
        ]);
        expect(hex(r.data)).toBe(hex(p.data));
      });
    });
  }
});
