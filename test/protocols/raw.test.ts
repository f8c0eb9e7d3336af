import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { readCapture } from '../../src/capture/reader.js';
import type { CaptureRecord } from '../../src/capture/types.js';
import { bytesEqual, fromHex, toHex } from '../../src/core/bytes.js';
import { EncodeError } from '../../src/core/problem.js';
import { build, layer, rebuild } from '../../src/craft/build.js';
import { Dissector } from '../../src/dissect/dissect.js';
import type { Frame } from '../../src/dissect/frame.js';
import { protocolsPath } from '../../src/dissect/frame.js';
import { DEFAULT_PREFS } from '../../src/dissect/prefs.js';
import { nodeLabel } from '../../src/fields/format.js';
import type { FieldNode } from '../../src/fields/types.js';
import { DEFAULT_FIELDS_OPTIONS, fieldCell } from '../../src/inspect/fields.js';
import { summaryColumns } from '../../src/inspect/summary.js';
import { collect, frameTree } from '../../src/inspect/tree.js';
import { registerDefaults } from '../../src/protocols/index.js';
import type { DecodeContext } from '../../src/protocols/types.js';

import { raw } from '../../src/protocols/raw.js';
import type { RawValue } from '../../src/protocols/raw.js';
import { ipv4 } from '../../src/protocols/ipv4.js';
import { ipv6 } from '../../src/protocols/ipv6.js';
import { udp } from '../../src/protocols/udp.js';
import type { Layer } from '../../src/protocols/types.js';

// ---- fixture helpers (the same in each link-layer test file) ----
const LINK_DIR = new URL('../../fixtures/protocols/link/', import.meta.url);
const ARP_DIR = new URL('../../fixtures/protocols/arp/', import.meta.url);
/** frame.protocols is compared up to the first protocol after the link layers (later ones belong to other decoders). */
const LINK_PROTOS = new Set(['eth', 'ethertype', 'vlan', 'ieee8021ad', 'sll', 'null', 'raw', 'arp']);

interface Fixture {
  records: CaptureRecord[];
  frames: Frame[];
  header: string[];
  rows: string[][];
  info: string[];
}

function fixture(dir: URL, name: string): Fixture {
  const records = [...readCapture(new Uint8Array(readFileSync(new URL(name, dir))))].map((r) => ({ ...r, data: r.data.slice() }));
  const d = new Dissector(registerDefaults());
  const frames = records.map((r) => d.dissect(r));
  const lines = readFileSync(new URL(name + '.fields.tsv', dir), 'utf8').split('\n').filter((l) => l.length > 0);
  const info = readFileSync(new URL(name + '.info.tsv', dir), 'utf8').split('\n').map((l) => l.split('\t')[0]!);
  return { records, frames, header: lines[0]!.split('\t'), rows: lines.slice(1).map((l) => l.split('\t')), info };
}

/** Our `-T fields` cell for a field (all occurrences, joined with ','), as tshark's was made. */
function cell(f: Frame, name: string): string {
  const found = collect(frameTree(f, DEFAULT_PREFS), new Set([name]));
  return fieldCell(found.get(name), DEFAULT_FIELDS_OPTIONS);
}

/**
 * Every difference between our field values and tshark's for the fields whose names start with one of `prefixes`
 * (plus frame.protocols up to the first non-link protocol, and the malformed/short indicators), as
 * `name#frame field: ours=... tshark=...`. `known` lists accepted differences with their reason.
 */
function differences(name: string, fx: Fixture, prefixes: readonly string[], known: Readonly<Record<string, string>> = {}): string[] {
  const out: string[] = [];
  fx.frames.forEach((f, i) => {
    const row = fx.rows[i] ?? [];
    const tree = frameTree(f, DEFAULT_PREFS);
    const found = collect(tree, new Set(fx.header));
    fx.header.forEach((h, c) => {
      if (h !== 'frame.protocols' && !h.startsWith('_ws.') && !prefixes.some((p) => h.startsWith(p))) return;
      let theirs = row[c] ?? '';
      let ours = fieldCell(found.get(h), DEFAULT_FIELDS_OPTIONS);
      if (h === 'frame.protocols') {
        const tp = theirs.split(':');
        let k = 0;
        while (k < tp.length && LINK_PROTOS.has(tp[k]!)) k++;
        theirs = tp.slice(0, k + 1).join(':');
        ours = protocolsPath(f).split(':').slice(0, k + 1).join(':');
      } else if (h.startsWith('_ws.')) {
        theirs = theirs ? 'yes' : '';
        ours = found.get(h)?.length ? 'yes' : '';
      }
      const key = `${name}#${i + 1} ${h}`;
      if (ours !== theirs && !(key in known)) out.push(`${key}: ours=${JSON.stringify(ours)} tshark=${JSON.stringify(theirs)}`);
    });
  });
  return out;
}

/** Info column differences (tshark's exception notes left out), for frames whose Info a link layer writes. */
function infoDifferences(name: string, fx: Fixture, known: Readonly<Record<string, string>> = {}): string[] {
  const out: string[] = [];
  fx.frames.forEach((f, i) => {
    const theirs = (fx.info[i] ?? '').replace(/\[(Malformed Packet|Packet size limited during capture)[^\]]*\]/g, '').trimEnd();
    const ours = summaryColumns(f, DEFAULT_PREFS, 6).info;
    const key = `${name}#${i + 1} info`;
    if (ours !== theirs && !(key in known)) out.push(`${key}: ours=${JSON.stringify(ours)} tshark=${JSON.stringify(theirs)}`);
  });
  return out;
}

function ctxFor(frame: Uint8Array, extra: Partial<DecodeContext> = {}): DecodeContext {
  return { frame, layers: [], problems: [], prefs: DEFAULT_PREFS, wireLen: frame.length, fcsLen: 0, inError: false, ...extra };
}

function record(data: Uint8Array, linkType: number, origLen = data.length, fcsLen?: number): CaptureRecord {
  return { index: 0, interfaceId: 0, linkType, tsSec: 0, tsNsec: 0, origLen, data, ...(fcsLen !== undefined ? { fcsLen } : {}) };
}

function dissectOne(data: Uint8Array, linkType: number, origLen = data.length, fcsLen?: number): Frame {
  return new Dissector(registerDefaults()).dissect(record(data, linkType, origLen, fcsLen));
}

/** Problems must stay inside the frame; decoding must not throw. */
function checkRanges(f: Frame): void {
  for (const p of f.problems) {
    expect(p.start).toBeGreaterThanOrEqual(0);
    expect(p.end).toBeLessThanOrEqual(f.data.length);
    expect(p.start).toBeLessThanOrEqual(p.end);
  }
}

/** The -V lines of one layer (hidden fields left out), indented by depth. */
function labels(f: Frame, index: number): string[] {
  const out: string[] = [];
  const l = f.layers[index]!;
  const walk = (ns: readonly FieldNode[], depth: number) => {
    for (const n of ns) {
      if (!n.hidden) out.push('  '.repeat(depth) + nodeLabel(n));
      if (n.children) walk(n.children, depth + 1);
    }
  };
  walk(l.proto.tree(l, { frame: f.data, layers: f.layers, index, prefs: DEFAULT_PREFS }), 0);
  return out;
}

function layerLabel(f: Frame, index: number): string {
  const l = f.layers[index]!;
  return l.proto.label ? l.proto.label(l, { frame: f.data, layers: f.layers, index, prefs: DEFAULT_PREFS }) : l.proto.table.proto.name;
}
// ---- end of fixture helpers ----


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
    expect(summaryColumns(bad, DEFAULT_PREFS, 6).info).toBe('Raw packet data');
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
