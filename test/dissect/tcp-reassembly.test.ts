import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { readCapture } from '../../src/capture/reader.js';
import type { CaptureRecord } from '../../src/capture/types.js';
import { build, dns, ether, ipv6, payload, rebuild, tcp, udp } from '../../src/craft/index.js';
import { Dissector } from '../../src/dissect/dissect.js';
import type { Frame } from '../../src/dissect/frame.js';
import { protocolsPath } from '../../src/dissect/frame.js';
import { DEFAULT_PREFS } from '../../src/dissect/prefs.js';
import { StreamReassembler } from '../../src/dissect/tcp-reassembly.js';
import { summaryColumns, summaryLine } from '../../src/inspect/summary.js';
import { tcpMessageLength } from '../../src/protocols/dns.js';
import type { DnsValue } from '../../src/protocols/dns.js';
import { registerDefaults } from '../../src/protocols/index.js';

const DIR = new URL('../../fixtures/dissect/tcp/', import.meta.url).pathname;

function frames(file: string, opts: ConstructorParameters<typeof Dissector>[1] = {}): Frame[] {
  const d = new Dissector(registerDefaults(), opts);
  return [...readCapture(new Uint8Array(readFileSync(DIR + file)))].map((r) => d.dissect(r));
}

function lines(file: string): string[] {
  return readFileSync(DIR + file, 'utf8').split('\n').filter(Boolean);
}

const names = (f: Frame): string[] => f.layers.map((l) => l.proto.name);

/** Every problem range lies inside its buffer (the frame, or the reassembled source it names). */
function rangesInside(f: Frame): void {
  for (const p of f.problems) {
    const len = p.source === undefined ? f.data.length : f.sources![p.source]!.data.length;
    expect(p.start).toBeGreaterThanOrEqual(0);
    expect(p.end).toBeLessThanOrEqual(len);
  }
}

describe('DNS over TCP split over segments (real captures, tshark defaults)', () => {
  it('dns-tkey.pcap: a 3247-byte query in three segments is decoded on the frame that completes it', () => {
    const out = frames('dns-tkey.pcap');
    expect(out.length).toBe(12);
    const want = lines('dns-tkey.pcap.summary.txt');
    out.forEach((f, i) => expect(summaryLine(summaryColumns(f, DEFAULT_PREFS, 6))).toBe(want[i]));
    // the two first segments only wait: TCP with its payload kept as data (tshark: eth:ethertype:ip:tcp)
    for (const i of [3, 4]) {
      expect(names(out[i]!)).toEqual(['eth', 'ip', 'tcp', 'data']);
      expect(out[i]!.layers[2]!.notes?.reassembly).toMatchObject({ partial: true, pduSize: 3247 });
      expect(out[i]!.sources).toBeUndefined();
    }
    const done = out[6]!;
    expect(names(done)).toEqual(['eth', 'ip', 'tcp', 'dns']);
    expect(done.sources!.length).toBe(1);
    expect(done.sources![0]!.name).toBe('Reassembled TCP');
    expect(done.sources![0]!.data.length).toBe(3247);
    const d = done.layers[3]!;
    expect(d.source).toBe(0);
    const v = d.value as DnsValue;
    expect(v.id).toBe(0xcda0);
    expect(v.length).toBe(3245);
    expect(v.questions[0]!.name.text ?? v.questions[0]!.name).toBeDefined();
    const notes = done.layers[2]!.notes!.reassembly as { parts: { frame: number; offset: number; length: number }[] };
    // tshark: [Frame: 4, payload: 0-1459 (1460 bytes)] [Frame: 5, payload: 1460-2919] [Frame: 7, payload: 2920-3246]
    expect(notes.parts).toEqual([
      { frame: 4, offset: 0, length: 1460 },
      { frame: 5, offset: 1460, length: 1460 },
      { frame: 7, offset: 2920, length: 327 },
    ]);
    // the reassembled bytes are the three payloads joined
    const joined = new Uint8Array(3247);
    joined.set(out[3]!.data.subarray(54), 0);
    joined.set(out[4]!.data.subarray(54), 1460);
    joined.set(out[6]!.data.subarray(54), 2920);
    expect(done.sources![0]!.data).toEqual(joined);
    for (const f of out) rangesInside(f);
  });

  it('dns-tkey.pcap: frame.protocols and DNS fields as tshark shows them (partial segments aside)', () => {
    const out = frames('dns-tkey.pcap');
    const rows = lines('dns-tkey.pcap.fields.tsv').map((l) => l.split('\t'));
    out.forEach((f, i) => {
      const row = rows[i]!;
      // tshark lists no layer for bytes held for reassembly; wirelens keeps them as a data layer
      // (tshark goes on into GSS-API inside the TKEY record: wirelens stops at DNS)
      expect(row[1]!.startsWith(protocolsPath(f).replace(/:data$/, ''))).toBe(true);
      const dnsLayer = f.layers.find((l) => l.proto.name === 'dns');
      expect(dnsLayer ? `0x${(dnsLayer.value as DnsValue).id.toString(16).padStart(4, '0')}` : '').toBe(row[2]);
      expect(dnsLayer ? String((dnsLayer.value as DnsValue).length) : '').toBe(row[4]);
    });
  });

  it('dns-incomplete.pcap: a query split 14 + 16 bytes on TCP 5353', () => {
    const out = frames('dns-incomplete.pcap');
    const want = lines('dns-incomplete.pcap.summary.txt');
    out.forEach((f, i) => {
      // frame 4 is a "[TCP Window Update]" (TCP sequence analysis)
      expect(summaryLine(summaryColumns(f, DEFAULT_PREFS, 6))).toBe(want[i]!);
    });
    expect(out[8]!.layers[2]!.notes?.reassembly).toMatchObject({ partial: true, pduSize: 30 });
    const done = out[10]!;
    expect(names(done)).toEqual(['null', 'ip', 'tcp', 'dns']);
    expect(done.sources![0]!.data.length).toBe(30);
    expect((done.layers[3]!.value as DnsValue).id).toBe(0x1032);
  });

  it('re-encoding each frame gives its original bytes', () => {
    for (const file of ['dns-tkey.pcap', 'dns-incomplete.pcap']) {
      for (const f of frames(file)) {
        const r = rebuild(f);
        expect(r.bytes).toEqual(f.data);
      }
    }
  });

  it('with tcp.desegment_tcp_streams or dns.desegment_dns_messages off, each segment is decoded alone', () => {
    for (const prefs of [{ 'tcp.desegment_tcp_streams': false }, { 'dns.desegment_dns_messages': false }]) {
      const out = frames('dns-tkey.pcap', { prefs });
      expect(names(out[3]!)).toEqual(['eth', 'ip', 'tcp', 'dns']);
      expect(out[3]!.problems.some((p) => p.layer === 'dns' && p.code === 'truncated')).toBe(true);
      expect(out.some((f) => f.sources !== undefined)).toBe(false);
    }
  });
});

// ---------------------------------------------------------------------------------------------------------------
// Crafted streams
// ---------------------------------------------------------------------------------------------------------------

const rec = (data: Uint8Array, i = 0, tsSec = 0): CaptureRecord => ({ index: i, interfaceId: 0, linkType: 1, tsSec, tsNsec: 0, origLen: data.length, data });

/** Ethernet/IPv6/TCP frames carrying `stream` cut at `cuts`, from sequence number `isn` + 1. */
function segments(stream: Uint8Array, cuts: number[], isn: number, sport = 40000): { seq: number; bytes: Uint8Array }[] {
  const edges = [0, ...cuts.filter((c) => c > 0 && c < stream.length).sort((a, b) => a - b), stream.length];
  const out: { seq: number; bytes: Uint8Array }[] = [];
  for (let i = 0; i + 1 < edges.length; i++) {
    if (edges[i] === edges[i + 1]) continue;
    const seq = (isn + 1 + edges[i]!) >>> 0;
    const body = stream.subarray(edges[i]!, edges[i + 1]!);
    out.push({ seq, bytes: build([ether(), ipv6({ src: '2001:db8::1', dst: '2001:db8::2' }), tcp({ srcport: sport, dstport: 53, seq, ack: 1, flags: 0x18, window: 1000 }), payload(body)]) });
  }
  return out;
}

function dnsOverTcp(id: number, name: string): Uint8Array {
  return build([dns({ id, questions: [{ name, type: 'A' }], tcp: true })]);
}

describe('stream reassembly (crafted)', () => {
  it('messages cut anywhere, delivered in order, decode whole on the completing frames', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.integer({ min: 0, max: 0xffff }), fc.stringMatching(/^[a-z]{1,20}(\.[a-z]{1,10}){0,3}$/)), { minLength: 1, maxLength: 4 }),
        fc.array(fc.nat(), { maxLength: 8 }),
        fc.integer({ min: 0, max: 0xffffffff }),
        (msgs, rawCuts, isn) => {
          const parts = msgs.map(([id, n]) => dnsOverTcp(id, n));
          const total = parts.reduce((s, p) => s + p.length, 0);
          const stream = new Uint8Array(total);
          let at = 0;
          for (const p of parts) {
            stream.set(p, at);
            at += p.length;
          }
          const segs = segments(stream, rawCuts.map((c) => c % total), isn);
          const d = new Dissector(registerDefaults());
          const out = segs.map((s, i) => d.dissect(rec(s.bytes, i)));
          const ids = out.flatMap((f) => f.layers.filter((l) => l.proto.name === 'dns').map((l) => (l.value as DnsValue).id));
          expect(ids).toEqual(msgs.map(([id]) => id));
          for (const f of out) {
            expect(f.problems.filter((p) => p.severity === 'error')).toEqual([]);
            expect(rebuild(f).bytes).toEqual(f.data);
            rangesInside(f);
          }
        },
      ),
      { numRuns: 150 },
    );
  });

  it('out-of-order segments and retransmissions are tolerated', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 0xffff }), fc.array(fc.nat(), { minLength: 1, maxLength: 6 }), fc.infiniteStream(fc.nat()), fc.integer({ min: 0, max: 0xffffffff }), (id, rawCuts, rnd, isn) => {
        const msg = dnsOverTcp(id, 'a-rather-long-name.example.org');
        const segs = segments(msg, rawCuts.map((c) => 1 + (c % (msg.length - 1))), isn);
        // the first segment first (it starts the PDU), the rest shuffled, with some sent twice
        const it = rnd[Symbol.iterator]();
        const rest = segs.slice(1);
        for (let i = rest.length - 1; i > 0; i--) {
          const j = it.next().value! % (i + 1);
          [rest[i], rest[j]] = [rest[j]!, rest[i]!];
        }
        const order = [segs[0]!, ...rest.flatMap((s) => (it.next().value! % 3 === 0 ? [s, s] : [s]))];
        const d = new Dissector(registerDefaults());
        const out = order.map((s, i) => d.dissect(rec(s.bytes, i)));
        const found = out.flatMap((f) => f.layers.filter((l) => l.proto.name === 'dns'));
        expect(found.length).toBe(1);
        expect((found[0]!.value as DnsValue).id).toBe(id);
        for (const f of out) rangesInside(f);
      }),
      { numRuns: 150 },
    );
  });

  it('a SYN starts the direction again: what waited is dropped', () => {
    const msg = dnsOverTcp(7, 'example.com');
    const segs = segments(msg, [5], 1000);
    const d = new Dissector(registerDefaults());
    d.dissect(rec(segs[0]!.bytes));
    expect(d.streams.size).toBe(1);
    d.dissect(rec(build([ether(), ipv6({ src: '2001:db8::1', dst: '2001:db8::2' }), tcp({ srcport: 40000, dstport: 53, seq: 5, flags: 0x02, window: 1000 })])));
    expect(d.streams.size).toBe(0);
  });

  it('memory is bounded: streams, bytes, PDU size and age, each reported', () => {
    const d = new Dissector(registerDefaults(), { streams: { maxStreams: 2 } });
    for (let p = 0; p < 4; p++) {
      const f = d.dissect(rec(segments(dnsOverTcp(p, 'example.com'), [3], 1, 41000 + p)[0]!.bytes, p));
      if (p >= 2) expect(f.problems.some((x) => x.code === 'reassembly-limit' && /stream limit/.test(x.message))).toBe(true);
    }
    expect(d.streams.size).toBe(2);

    const big = new Dissector(registerDefaults(), { streams: { maxPduSize: 10 } });
    const f = big.dissect(rec(segments(dnsOverTcp(1, 'example.com'), [20], 1)[0]!.bytes));
    expect(f.problems.some((x) => x.code === 'reassembly-limit' && /larger than/.test(x.message))).toBe(true);
    expect(names(f)).toEqual(['eth', 'ipv6', 'tcp', 'dns']);

    const old = new Dissector(registerDefaults(), { streams: { maxAgeSec: 5 } });
    const segs = segments(dnsOverTcp(1, 'example.com'), [4], 1);
    old.dissect(rec(segs[0]!.bytes, 0, 100));
    const late = old.dissect(rec(segs[1]!.bytes, 1, 200));
    expect(late.problems.some((x) => /older than/.test(x.message))).toBe(true);
    expect(late.sources).toBeUndefined();

    const r = new StreamReassembler({ maxStreams: 10, maxBytes: 100, maxPduSize: 1000, maxAgeSec: 60, maxEarly: 4 });
    const plan = r.segment('k', 0, new Uint8Array([0x01, 0x00, 1, 2, 3]), tcpMessageLength, 1, 0);
    expect(plan.waiting).toBe(true);
    const more = r.segment('k', 5, new Uint8Array(200), tcpMessageLength, 2, 0);
    expect(more.dropped.some((m) => /memory limit/.test(m))).toBe(true);
    expect(r.heldBytes).toBeLessThanOrEqual(100);
  });

  it('random payloads on port 53 never throw and keep problem ranges inside the frame', () => {
    fc.assert(
      fc.property(fc.array(fc.uint8Array({ maxLength: 80 }), { minLength: 1, maxLength: 6 }), fc.array(fc.integer({ min: -40, max: 200 }), { minLength: 6, maxLength: 6 }), (bodies, jumps) => {
        const d = new Dissector(registerDefaults(), { streams: { maxBytes: 500 } });
        let seq = 1;
        bodies.forEach((b, i) => {
          const bytes = build([ether(), ipv6({ src: '2001:db8::1', dst: '2001:db8::2' }), tcp({ srcport: 1, dstport: 53, seq: seq >>> 0, flags: 0x10, window: 1 }), payload(b)]);
          const f = d.dissect(rec(bytes, i));
          rangesInside(f);
          expect(rebuild(f).bytes).toEqual(bytes);
          seq += b.length + jumps[i]!;
        });
        expect(d.streams.heldBytes).toBeLessThanOrEqual(500);
      }),
      { numRuns: 200 },
    );
  });
});

// ---------------------------------------------------------------------------------------------------------------
// IPv6 fragments
// ---------------------------------------------------------------------------------------------------------------

/** A UDP datagram over IPv6 cut into fragments of `size` bytes (a multiple of 8), as Ethernet frames. */
function v6fragments(body: Uint8Array, size: number, ident: number): Uint8Array[] {
  const whole = build([ipv6({ src: '2001:db8::1', dst: '2001:db8::2' }), udp({ srcport: 1234, dstport: 9999 }), payload(body)]);
  const upper = whole.subarray(40);
  const out: Uint8Array[] = [];
  for (let off = 0; off < upper.length; off += size) {
    const part = upper.subarray(off, Math.min(upper.length, off + size));
    const more = off + size < upper.length;
    out.push(build([ether(), ipv6({ src: '2001:db8::1', dst: '2001:db8::2', ext: [{ kind: 'fragment', nxt: 17, reserved: 0, offset: off / 8, resbits: 0, more, ident }] }), payload(part)]));
  }
  return out;
}

describe('IPv6 reassembly', () => {
  it('fragments in random order reassemble; the upper layers decode on the completing frame', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 1, maxLength: 3000 }), fc.integer({ min: 1, max: 40 }), fc.integer({ min: 0, max: 0xffffffff }), fc.infiniteStream(fc.nat()), (body, units, ident, rnd) => {
        const frs = v6fragments(body, units * 8, ident);
        const order = frs.map((_, i) => i);
        const it = rnd[Symbol.iterator]();
        for (let i = order.length - 1; i > 0; i--) {
          const j = it.next().value! % (i + 1);
          [order[i], order[j]] = [order[j]!, order[i]!];
        }
        const d = new Dissector(registerDefaults());
        const out = order.map((k, i) => d.dissect(rec(frs[k]!, i)));
        const last = out[out.length - 1]!;
        if (frs.length > 1) {
          for (const f of out.slice(0, -1)) expect(names(f)).toEqual(['eth', 'ipv6', 'data']);
          expect(last.sources![0]!.name).toBe('Reassembled IPv6');
          const u = last.layers.find((l) => l.proto.name === 'udp')!;
          expect(u.source).toBe(0);
          expect((u.value as { checksumStatus: string }).checksumStatus).toBe('good');
          expect(last.layers[last.layers.length - 1]!.value).toEqual({ data: body });
        }
        out.forEach((f, i) => expect(rebuild(f).bytes).toEqual(frs[order[i]!]));
      }),
      { numRuns: 100 },
    );
  });

  it('with ipv6.defragment off, fragments are not joined', () => {
    const frs = v6fragments(new Uint8Array(100), 48, 9);
    const d = new Dissector(registerDefaults(), { prefs: { 'ipv6.defragment': false } });
    const out = frs.map((f, i) => d.dissect(rec(f, i)));
    expect(names(out[0]!)).toEqual(['eth', 'ipv6', 'udp', 'data']);
    expect(names(out[1]!)).toEqual(['eth', 'ipv6', 'data']);
    expect(out.some((f) => f.sources)).toBe(false);
  });
});
