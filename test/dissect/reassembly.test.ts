import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { Dissector } from '../../src/dissect/dissect.js';
import { Reassembler } from '../../src/dissect/reassembly.js';
import { registerDefaults } from '../../src/protocols/index.js';
import { build, ether, ipv4, payload, udp, rebuild } from '../../src/craft/index.js';
import type { CaptureRecord } from '../../src/capture/types.js';

const rec = (data: Uint8Array, i = 0, tsSec = 0): CaptureRecord => ({ index: i, interfaceId: 0, linkType: 1, tsSec, tsNsec: 0, origLen: data.length, data });

/** A UDP datagram over IPv4, cut into fragments of `size` bytes (a multiple of 8), as frames. */
function fragments(body: Uint8Array, size: number, id: number): Uint8Array[] {
  const udpBytes = build([udp({ srcport: 1234, dstport: 9999 }), payload(body)]);
  // the UDP checksum needs the pseudo-header: build the whole datagram once, then cut its payload
  const whole = build([ipv4({ src: '10.0.0.1', dst: '10.0.0.2', id }), udp({ srcport: 1234, dstport: 9999 }), payload(body)]);
  const ipPayload = whole.subarray(20);
  expect(ipPayload.length).toBe(udpBytes.length);
  const out: Uint8Array[] = [];
  for (let off = 0; off < ipPayload.length; off += size) {
    const part = ipPayload.subarray(off, Math.min(ipPayload.length, off + size));
    const more = off + size < ipPayload.length;
    out.push(build([ether({ src: '02:00:00:00:00:01' }), ipv4({ src: '10.0.0.1', dst: '10.0.0.2', id, proto: 17, mf: more, frag_offset: off / 8 }), payload(part)]));
  }
  return out;
}

describe('IPv4 reassembly', () => {
  it('decodes the upper layers on the frame that completes the datagram', () => {
    const body = new Uint8Array(3000).map((_, i) => i & 0xff);
    const frames = fragments(body, 1480, 0x4242);
    expect(frames.length).toBe(3);
    const d = new Dissector(registerDefaults());
    const out = frames.map((f, i) => d.dissect(rec(f, i)));
    expect(out[0]!.layers.map((l) => l.proto.name)).toEqual(['eth', 'ip', 'data']);
    expect(out[1]!.layers.map((l) => l.proto.name)).toEqual(['eth', 'ip', 'data']);
    const last = out[2]!;
    expect(last.layers.map((l) => l.proto.name)).toEqual(['eth', 'ip', 'udp', 'data']);
    const udpLayer = last.layers[2]!;
    expect(udpLayer.source).toBe(0);
    expect(last.sources![0]!.data.length).toBe(3008);
    expect((udpLayer.value as { checksumStatus: string }).checksumStatus).toBe('good');
    expect(last.layers[3]!.value).toEqual({ data: body });
    // each fragment frame still rebuilds to its own bytes
    out.forEach((f, i) => expect(rebuild(f).bytes).toEqual(frames[i]));
  });

  it('with ip.defragment off, later fragments stay data and the first is decoded as far as it goes', () => {
    const frames = fragments(new Uint8Array(2000), 1480, 7);
    const d = new Dissector(registerDefaults(), { prefs: { 'ip.defragment': false } });
    const [a, b] = frames.map((f, i) => d.dissect(rec(f, i)));
    expect(a!.layers.map((l) => l.proto.name)).toEqual(['eth', 'ip', 'udp', 'data']);
    expect(b!.layers.map((l) => l.proto.name)).toEqual(['eth', 'ip', 'data']);
  });

  it('fragments of random datagrams in random order reassemble to the datagram', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 1, maxLength: 4000 }), fc.integer({ min: 1, max: 60 }), fc.integer({ min: 0, max: 0xffff }), fc.infiniteStream(fc.nat()), (body, units, id, rnd) => {
        const frames = fragments(body, units * 8, id);
        const order = frames.map((_, i) => i);
        const it = rnd[Symbol.iterator]();
        for (let i = order.length - 1; i > 0; i--) {
          const j = it.next().value % (i + 1);
          [order[i], order[j]] = [order[j]!, order[i]!];
        }
        const d = new Dissector(registerDefaults());
        const results = order.map((k, n) => d.dissect(rec(frames[k]!, n)));
        const done = results.filter((f) => f.sources?.length);
        // a datagram that fits in one piece is not fragmented at all
        expect(done.length).toBe(frames.length > 1 ? 1 : 0);
        const f = results[results.length - 1]!;
        if (frames.length > 1) expect(done[0]).toBe(f);
        expect(f.layers.map((l) => l.proto.name)).toEqual(['eth', 'ip', 'udp', 'data']);
        expect((f.layers[3]!.value as { data: Uint8Array }).data).toEqual(body);
      }),
      { numRuns: 60 },
    );
  });
});

describe('reassembly bounds', () => {
  it('drops the oldest incomplete datagram beyond the count limit and says so', () => {
    const r = new Reassembler({ maxDatagrams: 2, maxBytes: 1 << 20, maxDatagramSize: 65535, maxAgeSec: 30 });
    r.add('a', 0, true, new Uint8Array(8), 1, 0);
    r.add('b', 0, true, new Uint8Array(8), 2, 0);
    r.add('c', 0, true, new Uint8Array(8), 3, 0);
    expect(r.size).toBe(2);
    expect(r.evicted).toBe(1);
    // 'a' is gone: its last fragment no longer completes anything
    expect(r.add('a', 8, false, new Uint8Array(8), 4, 0).status).toBe('incomplete');
  });

  it('bounds the bytes held and the age', () => {
    const r = new Reassembler({ maxDatagrams: 100, maxBytes: 100, maxDatagramSize: 65535, maxAgeSec: 30 });
    expect(r.add('a', 0, true, new Uint8Array(80), 1, 0).status).toBe('incomplete');
    expect(r.add('b', 0, true, new Uint8Array(80), 2, 0).status).toBe('incomplete');
    expect(r.heldBytes).toBeLessThanOrEqual(100);
    expect(r.add('c', 0, true, new Uint8Array(8), 3, 100).status).toBe('incomplete');
    expect(r.size).toBe(1); // 'b' expired after 30 s
    expect(r.add('d', 65530, false, new Uint8Array(16), 4, 100).status).toBe('dropped');
  });

  it('reports a reassembly limit as a problem on the frame', () => {
    const d = new Dissector(registerDefaults(), { reassembly: { maxDatagrams: 1 } });
    const f1 = fragments(new Uint8Array(100), 64, 1)[0]!;
    const f2 = fragments(new Uint8Array(100), 64, 2)[0]!;
    d.dissect(rec(f1, 0));
    const second = d.dissect(rec(f2, 1));
    expect(second.problems.some((p) => p.code === 'reassembly-limit')).toBe(true);
  });
});
