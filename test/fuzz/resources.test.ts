/**
 * Resources (issue #8): nothing is allocated for what a length field claims beyond the bytes present, and what a
 * packet makes the decoder hold stays in proportion to its bytes.
 */
import { describe, expect, it } from 'vitest';
import { readCaptureFile } from '../../src/capture/reader.js';
import { openCapture } from '../../src/capture/node.js';
import { MAX_BLOCK } from '../../src/capture/parser.js';
import { writePcap, writePcapng } from '../../src/capture/index.js';
import { build, ether, ipv4, udp } from '../../src/craft/index.js';
import { Dissector } from '../../src/dissect/dissect.js';
import { registerDefaults } from '../../src/protocols/index.js';
import { readName } from '../../src/protocols/dns/names.js';
import type { DnsValue } from '../../src/protocols/dns/message.js';

/** ArrayBuffer bytes allocated while `f` runs (what a claimed length would make a reader allocate). */
async function arrayBufferGrowth(f: () => unknown): Promise<number> {
  const before = process.memoryUsage().arrayBuffers;
  let peak = before;
  const timer = setInterval(() => (peak = Math.max(peak, process.memoryUsage().arrayBuffers)), 1);
  try {
    await f();
  } finally {
    clearInterval(timer);
  }
  return Math.max(peak, process.memoryUsage().arrayBuffers) - before;
}

describe('claimed lengths beyond the bytes present are not allocated', () => {
  const MiB = 1 << 20;
  // a pcapng whose second block claims 256 MiB - 4 (the largest length accepted), in a file of a few hundred bytes
  const ng = writePcapng({ interfaces: [{ linkType: 1 }] }, [{ tsSec: 1, tsNsec: 0, data: new Uint8Array(60) }]);
  const ngClaim = ng.slice();
  const idbAt = new DataView(ngClaim.buffer).getUint32(4, true); // the IDB follows the SHB
  new DataView(ngClaim.buffer).setUint32(idbAt + 4, MAX_BLOCK - 4, true);
  // a pcap whose record claims 262,144 captured bytes (the largest accepted for its snaplen)
  const pc = writePcap({ linkType: 1, snapLen: 262144 }, [{ tsSec: 1, tsNsec: 0, data: new Uint8Array(60) }]);
  const pcClaim = pc.slice();
  new DataView(pcClaim.buffer).setUint32(24 + 8, 262144, true);

  for (const [what, bytes, claimed] of [
    ['a pcapng block of 256 MiB', ngClaim, MAX_BLOCK - 4],
    ['a pcap record of 256 KiB', pcClaim, 262144],
  ] as const) {
    it(`${what} in a ${bytes.length}-byte file: in-memory reader`, async () => {
      let problems: readonly { code: string; start: number }[] = [];
      const grew = await arrayBufferGrowth(() => (problems = readCaptureFile(bytes).problems));
      expect(problems.map((p) => p.code)).toEqual(['truncated']);
      expect(grew).toBeLessThan(Math.min(claimed / 2, 8 * MiB));
    });
    it(`${what} in a ${bytes.length}-byte file: streaming reader, 16-byte chunks`, async () => {
      let problems: readonly { code: string }[] = [];
      const grew = await arrayBufferGrowth(async () => {
        async function* chunks(): AsyncGenerator<Uint8Array> {
          for (let o = 0; o < bytes.length; o += 16) yield bytes.slice(o, o + 16);
        }
        const cap = openCapture(chunks());
        for await (const _ of cap) void _;
        problems = cap.problems;
      });
      expect(problems.map((p) => p.code)).toEqual(['truncated']);
      expect(grew).toBeLessThan(Math.min(claimed / 2, 8 * MiB));
    });
  }
});

describe('DNS names reached through pointers', () => {
  /** A DNS message: a first question whose name runs 130 one-byte labels (too long), then `n` questions `b` + pointer to it. */
  function message(n: number): Uint8Array {
    const head = [0x12, 0x34, 0x01, 0x00, (n + 1) >> 8, (n + 1) & 0xff, 0, 0, 0, 0, 0, 0];
    const first: number[] = [];
    for (let i = 0; i < 130; i++) first.push(1, 0x61);
    first.push(0, 0, 1, 0, 1);
    const rest: number[] = [];
    for (let i = 0; i < n; i++) rest.push(1, 0x62, 0xc0, 12, 0, 1, 0, 1);
    return Uint8Array.from([...head, ...first, ...rest]);
  }

  it('a name too long keeps only the labels at its own position (not the up to 255 bytes it points to)', () => {
    const m = message(3);
    const r = readName(m, 0, m.length, 12 + 130 * 2 + 5, [], 'dns', 'dns.qry.name');
    expect(r.text).toBe('<Name too long>');
    expect(r.name.bad).toBe('too-long');
    expect(r.name.labels.map((l) => Array.from(l))).toEqual([[0x62]]);
    expect(r.name.ptr).toBe(12);
    expect(r.name.inline).toBe(1);
  });

  it('5,000 such questions in one frame: every one decoded, what they hold in proportion to the frame', () => {
    const n = 5000;
    const dnsBytes = message(n);
    const frameBytes = build([ether(), ipv4({ src: '10.0.0.1', dst: '10.0.0.2' }), udp({ srcport: 53, dstport: 5353 })], dnsBytes);
    const d = new Dissector(registerDefaults());
    const f = d.dissect({ index: 0, interfaceId: 0, linkType: 1, tsSec: 0, tsNsec: 0, origLen: frameBytes.length, data: frameBytes });
    const dns = f.layers.find((l) => l.proto.name === 'dns');
    expect(dns).toBeDefined();
    const v = dns!.value as DnsValue;
    expect(v.questions).toHaveLength(n + 1);
    const labels = v.questions.reduce((a, q) => a + q.name.labels.length, 0);
    // 1 label a question at its position, and the first question's own (up to 127 within 255 bytes)
    expect(labels).toBeLessThanOrEqual(n + 127);
    expect(f.problems.filter((p) => p.code === 'bad-length' && /name longer than 255 bytes/.test(p.message))).toHaveLength(n + 1);
  });
});
