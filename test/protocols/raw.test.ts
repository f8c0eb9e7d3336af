import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { bytesEqual } from '../../src/core/bytes.js';
import { build, layer, rebuild } from '../../src/craft/build.js';
import type { Frame } from '../../src/dissect/frame.js';
import { protocolsPath } from '../../src/dissect/frame.js';
import { DEFAULT_PREFS } from '../../src/dissect/prefs.js';
import { summaryColumns } from '../../src/inspect/summary.js';
import { frameTree } from '../../src/inspect/tree.js';

import { raw } from '../../src/protocols/raw.js';
import type { RawValue } from '../../src/protocols/raw.js';
import { ipv4 } from '../../src/protocols/ipv4.js';
import { ipv6 } from '../../src/protocols/ipv6.js';
import { udp } from '../../src/protocols/udp.js';
import type { Layer } from '../../src/protocols/types.js';
import { LINK_DIR, fixture, differences, infoDifferences, record, dissectOne, checkRanges, labels, layerLabel } from './link-helpers.js';




/** No accepted difference for the raw link types. */
const KNOWN: Readonly<Record<string, string>> = {};
const FILES = ['LINKTYPE_RAW_ipv4.pcap', 'LINKTYPE_RAW_ipv6.pcap', 'LINKTYPE_IPV4.pcap', 'LINKTYPE_IPV6.pcap', 'heap-overflow-1.pcap', 'crafted-raw.pcap', 'crafted-raw228.pcap'];

describe('Raw IP link types against tshark 4.0.17', () => {
  for (const name of FILES) {
    it(`${name}: frame.protocols, indicators and Info as tshark prints them`, () => {
      const fx = fixture(LINK_DIR, name);
      expect(fx.frames.length).toBe(fx.rows.length);
      expect(differences(name, fx, [], KNOWN)).toEqual([]);
      expect(infoDifferences(name, fx, KNOWN)).toEqual([]);
    });
  }

  it('LINKTYPE_RAW: a `raw` layer without fields, then IPv4 or IPv6 by the version nibble', () => {
    const [v4] = fixture(LINK_DIR, 'LINKTYPE_RAW_ipv4.pcap').frames as [Frame];
    const [v6] = fixture(LINK_DIR, 'LINKTYPE_RAW_ipv6.pcap').frames as [Frame];
    expect(protocolsPath(v4)).toBe('raw:ip:udp:dns');
    expect(protocolsPath(v6).startsWith('raw:ipv6:udp')).toBe(true);
    expect((v4.layers[0] as Layer<RawValue>).value).toEqual({ version: 4 });
    expect([v4.layers[0]!.start, v4.layers[0]!.headerEnd, v4.layers[0]!.end]).toEqual([0, 0, v4.data.length]);
    expect(v4.layers[1]!.proto).toBe(ipv4);
    expect(v6.layers[1]!.proto).toBe(ipv6);
    expect(labels(v4, 0)).toEqual([]);
    expect(layerLabel(v4, 0)).toBe('Raw packet data');
  });

  it('LINKTYPE_IPV4 (228) and LINKTYPE_IPV6 (229) start with the IP header: no raw layer', () => {
    expect(protocolsPath(fixture(LINK_DIR, 'LINKTYPE_IPV4.pcap').frames[0]!)).toBe('ip:udp:dns');
    expect(protocolsPath(fixture(LINK_DIR, 'LINKTYPE_IPV6.pcap').frames[0]!).startsWith('ipv6:udp')).toBe(true);
  });

  it('reports a packet that is not IPv4 or IPv6, and one too short to tell, keeping their bytes', () => {
    const fx = fixture(LINK_DIR, 'crafted-raw.pcap');
    const bad = fx.frames[2]!;
    expect(protocolsPath(bad)).toBe('raw');
    expect(bad.problems).toEqual([expect.objectContaining({ layer: 'raw', code: 'bad-value', start: 0, end: 1, actual: 5 })]);
    expect(summaryColumns(bad, DEFAULT_PREFS, 6).info).toBe('Raw packet data[Malformed Packet]');
    for (const n of [0, 1]) {
      const f = dissectOne(new Uint8Array([0x45]).subarray(0, n), 101);
      expect(f.problems).toEqual([expect.objectContaining({ layer: 'raw', code: 'truncated', start: 0, end: n })]);
      checkRanges(f);
    }
    expect(rebuild(bad).bytes).toEqual(bad.data);
  });
});

describe('Raw IP encoding', () => {
  it('writes nothing of its own: the IP packet is the frame', () => {
    const b = build([layer(raw, {}), layer(ipv4, { src: '10.0.0.1', dst: '10.0.0.2' }), layer(udp, { dstport: 53 })]);
    expect(b[0]).toBe(0x45);
    expect(b.length).toBe(28);
    const f = dissectOne(b, 101);
    expect(protocolsPath(f)).toBe('raw:ip:udp');
  });

  it('property: random bytes and every prefix of the fixtures never throw and keep problems inside the frame', () => {
    fc.assert(
      fc.property(fc.constantFrom(101, 228, 229), fc.uint8Array({ maxLength: 80 }), (lt, b) => {
        const f = dissectOne(b, lt);
        checkRanges(f);
        frameTree(f, DEFAULT_PREFS);
        summaryColumns(f, DEFAULT_PREFS, 6);
      }),
    );
    for (const name of FILES) {
      for (const f0 of fixture(LINK_DIR, name).frames) {
        for (let n = 0; n <= f0.data.length; n++) checkRanges(dissectOne(f0.data.slice(0, n), f0.record.linkType, f0.record.origLen));
      }
    }
  });

  it('property: any IPv4 packet under LINKTYPE_RAW rebuilds to its bytes', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 4, maxLength: 4 }), fc.integer({ min: 1, max: 255 }), fc.uint8Array({ maxLength: 30 }), (src, ttl, payload) => {
        const b = build([layer(raw, {}), layer(ipv4, { src: [...src].join('.'), dst: '10.0.0.2', ttl, proto: 253 })], payload);
        const f = dissectOne(b, 101);
        expect(protocolsPath(f).startsWith('raw:ip')).toBe(true);
        expect(rebuild(f).bytes).toEqual(b);
      }),
    );
  });

  it('lossless: every frame of the fixtures rebuilds to its original bytes', () => {
    let count = 0;
    for (const name of FILES) {
      for (const f of fixture(LINK_DIR, name).frames) {
        const r = rebuild(f);
        if (!r.rebuilt) continue;
        count++;
        expect(bytesEqual(r.bytes, f.data), `${name}#${f.number}`).toBe(true);
      }
    }
    expect(count).toBeGreaterThanOrEqual(8);
  });
});
