import { readdirSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { CaptureRecord } from '../../src/capture/types.js';
import { ipv6ToString, parseIPv6 } from '../../src/core/addr.js';
import { EncodeError } from '../../src/core/problem.js';
import type { Problem } from '../../src/core/problem.js';
import { build, layer, rebuild } from '../../src/craft/build.js';
import { Dissector } from '../../src/dissect/dissect.js';
import type { Frame } from '../../src/dissect/frame.js';
import { protocolsPath } from '../../src/dissect/frame.js';
import { ORACLE_PREFS } from '../../src/dissect/prefs.js';
import type { Prefs } from '../../src/dissect/prefs.js';
import { DEFAULT_FIELDS_OPTIONS, fieldCell } from '../../src/inspect/fields.js';
import { collect, frameTree } from '../../src/inspect/tree.js';
import { data } from '../../src/protocols/data.js';
import { registerDefaults } from '../../src/protocols/index.js';
import { ah, esp, ipv6, ipv6EncodingLength } from '../../src/protocols/ipv6.js';
import type { EspValue, IPv6Ext, IPv6Input, IPv6Option, IPv6Value } from '../../src/protocols/ipv6.js';
import type { DecodeContext, Layer, TreeContext } from '../../src/protocols/types.js';
import { udp } from '../../src/protocols/udp.js';
import { fixtureFrames, tsharkRows as fixtureRows } from './net-helpers.js';

const DIR = new URL('../../fixtures/protocols/ipv6/', import.meta.url);
/** The options the tshark field values were made with (oracle/tshark-fields.sh). */
const PREFS: Prefs = { ...ORACLE_PREFS };
/** Protocols decoded by this part of wirelens (frame.protocols is compared up to the first other one). */
const OURS = new Set(['eth', 'ethertype', 'raw', 'null', 'sll', 'vlan', 'ip', 'ipv6', 'ipv6.hopopts', 'ipv6.routing', 'ipv6.fraghdr', 'ipv6.dstopts', 'ah', 'esp', 'icmp', 'icmpv6', 'udp', 'data']);

const frames = (name: string, prefs: Prefs = PREFS): Frame[] => fixtureFrames(DIR, name, prefs);

function cells(frame: Frame, header: readonly string[]): string[] {
  const found = collect(frameTree(frame, PREFS), new Set(header));
  return header.map((h) => (h === 'frame.protocols' ? protocolsPath(frame) : fieldCell(found.get(h), DEFAULT_FIELDS_OPTIONS)));
}

const tsharkRows = (name: string): { header: string[]; rows: string[][] } => fixtureRows(DIR, name);

/** frame.protocols up to the first protocol this part does not decode (TCP and others come from elsewhere). */
function ownPrefix(ours: string, theirs: string): [string, string] {
  const t = theirs.split(':');
  const k = t.findIndex((p) => !OURS.has(p));
  if (k < 0) return [ours, theirs];
  return [ours.split(':').slice(0, k).join(':'), t.slice(0, k).join(':')];
}

function ipv6Layer(f: Frame): Layer<IPv6Value> {
  const l = f.layers.find((x) => x.proto === ipv6);
  if (!l) throw new Error('no ipv6 layer');
  return l as Layer<IPv6Value>;
}

function ctxFor(frame: Uint8Array, wireLen = frame.length, problems: Problem[] = []): DecodeContext {
  return { frame, layers: [], problems, prefs: PREFS, wireLen, fcsLen: 0, inError: false };
}

function treeCtx(f: Frame, index: number): TreeContext {
  return { frame: f.data, layers: f.layers, index, prefs: PREFS };
}

const FIXTURES = readdirSync(DIR).filter((n) => n.endsWith('.pcap'));

describe('IPv6 against tshark 4.0 (fixtures/protocols/ipv6/*.fields.tsv)', () => {
  for (const name of FIXTURES) {
    it(`${name}: every field as tshark -T fields prints it`, () => {
      const { header, rows } = tsharkRows(name);
      const fs = frames(name);
      expect(fs.length).toBe(rows.length);
      fs.forEach((f, i) => {
        const ours = cells(f, header);
        header.forEach((h, c) => {
          let [a, b] = [ours[c] ?? '', rows[i]![c] ?? ''];
          if (h === 'frame.protocols') [a, b] = ownPrefix(a, b);
          expect(`#${i + 1} ${h}=${a}`).toBe(`#${i + 1} ${h}=${b}`);
        });
      });
    });
  }
});

describe('IPv6 header and extension chain, field by field', () => {
  it('decodes the fixed header (ipv6-routing-header.pcap frame 1) as tshark -V shows it', () => {
    const f = frames('tcpdump_ipv6-routing-header.pcap')[0]!;
    const l = ipv6Layer(f);
    expect(l.value).toMatchObject({ version: 6, tclass: 0, dscp: 0, ecn: 0, flow: 0, plen: 32, nxt: 43, hlim: 4, src: '2200::244:212:3fff:feae:22f7', dst: '2200::240:2:0:0:4', upper: 58 });
    const rt = l.value.ext[0]!;
    expect(rt).toMatchObject({ kind: 'routing', nxt: 58, len: 2, type: 0, segleft: 1 });
    const tree = ipv6.tree(l, treeCtx(f, f.layers.indexOf(l)));
    const texts = tree.map((n) => n.text ?? n.def.abbrev);
    expect(texts).toContain('.... 0000 0000 .... .... .... .... .... = Traffic Class: 0x00 (DSCP: CS0, ECN: Not-ECT)');
    expect(texts).toContain('.... 0000 0000 0000 0000 0000 = Flow Label: 0x00000');
    const rtNode = tree.find((n) => n.def.abbrev === 'ipv6.routing')!;
    expect(rtNode.text).toBe('Routing Header for IPv6 (Source Route)');
    expect(rtNode.children!.map((n) => n.text ?? `${n.def.abbrev}=${String(n.value)}`)).toEqual([
      'ipv6.routing.nxt=58',
      'ipv6.routing.len=2',
      '[Length: 24 bytes]',
      'ipv6.routing.type=0',
      'ipv6.routing.segleft=1',
      'ipv6.routing.src.reserved=0,0,0,0',
      'Address[1]: 2200::210:2:0:0:4',
    ]);
    // hidden fields tshark adds
    expect(tree.filter((n) => n.hidden).map((n) => n.def.abbrev)).toEqual(['ip.version', 'ipv6.addr', 'ipv6.src_host', 'ipv6.host', 'ipv6.addr', 'ipv6.dst_host', 'ipv6.host', 'ipv6.slaac_mac']);
    expect(ipv6.label!(l, treeCtx(f, 1))).toBe('Internet Protocol Version 6, Src: 2200::244:212:3fff:feae:22f7, Dst: 2200::240:2:0:0:4');
  });

  it('walks a long chain: hop-by-hop, routing, fragment, destination options (ipv6_ext_headers.pcap)', () => {
    const f = frames('libpcap_filter_ipv6_ext_headers.pcap')[0]!;
    const v = ipv6Layer(f).value;
    expect(v.ext[0]).toEqual({ kind: 'hopopts', nxt: 43, len: 0, options: [{ kind: 'padn', data: new Uint8Array([1, 2, 0, 0]) }] });
    expect(v.ext[2]).toMatchObject({ kind: 'fragment', nxt: 60, reserved: 0, offset: 0, resbits: 0, more: false, ident: 1 });
    expect(v.ext[3]).toMatchObject({ kind: 'dstopts', nxt: 43, len: 0 });
    expect(v.upper).toBe(17);
    expect(f.layers.map((l) => l.proto.name)).toEqual(['eth', 'ipv6', 'udp', 'data']);
    expect(protocolsPath(f).startsWith('eth:ethertype:ipv6:ipv6.hopopts:ipv6.routing:ipv6.fraghdr:ipv6.dstopts:ipv6.routing')).toBe(true);
    expect(f.problems).toEqual([]);
  });

  it('fragments: summary as tshark, later fragments are data, the defragment preference holds the first', () => {
    const fs = frames('suricata-verify_defrag_bug-6887-defrag-ipv6-tcp_frag-ip-tcp.pcap');
    const l2 = ipv6Layer(fs[1]!);
    expect(ipv6.summary!(l2, treeCtx(fs[1]!, 0))).toBe('IPv6 fragment (off=464 more=y ident=0xa1bc6572 nxt=6)');
    expect(protocolsPath(fs[1]!)).toBe('ipv6:ipv6.fraghdr:data');
    const withDefrag = frames('suricata-verify_defrag_bug-6887-defrag-ipv6-tcp_frag-ip-tcp.pcap', { ...PREFS, 'ipv6.defragment': true });
    expect(withDefrag[0]!.layers.map((l) => l.proto.name)).toEqual(['ipv6', 'data']);
  });

  it('AH is part of the chain (ipv6_ah_modes.pcap), with the tunnelled IPv6 after it', () => {
    const fs = frames('libpcap_filter_ipv6_ah_modes.pcap');
    expect(ipv6Layer(fs[0]!).value.ext[0]).toMatchObject({ kind: 'ah', nxt: 17, len: 3, spi: 0x12345678, sequence: 0 });
    expect(protocolsPath(fs[1]!)).toBe('eth:ethertype:ipv6:ah:ipv6:udp:data');
    const node = ipv6.tree(ipv6Layer(fs[0]!), treeCtx(fs[0]!, 1)).find((n) => n.def.abbrev === 'ah')!;
    expect(node.children!.find((n) => n.def.abbrev === 'ah.length')!.text).toBe('Length: 3 (20 bytes)');
  });

  it('ESP is an opaque layer with SPI and sequence, and tshark\'s Info', () => {
    const f = frames('tcpdump_02-sunrise-sunset-esp.pcap')[0]!;
    const l = f.layers.find((x) => x.proto === esp)! as Layer<EspValue>;
    expect(l.value).toMatchObject({ spi: 0x12345678, sequence: 1 });
    expect(esp.summary!(l, treeCtx(f, 2))).toBe('ESP (SPI=0x12345678)');
    expect(l.headerEnd).toBe(l.end);
  });

  it('segment routing header addresses (ipv6-srh-ext-header.pcap)', () => {
    const f = frames('tcpdump_ipv6-srh-ext-header.pcap')[0]!;
    const l = ipv6Layer(f);
    const node = ipv6.tree(l, treeCtx(f, 1)).find((n) => n.def.abbrev === 'ipv6.routing')!;
    expect(node.text).toBe('Routing Header for IPv6 (Segment Routing)');
    expect(node.children!.filter((n) => n.def.abbrev === 'ipv6.routing.srh.addr').map((n) => n.text)).toEqual(['Address[0]: a:b:c:3::d6', 'Address[1]: a:b:c:2::f1:0']);
  });
});

describe('IPv6 checksums of upper layers use the pseudo-header', () => {
  it('with a type 0 routing header the final destination is the last address (good and bad ICMPv6 checksums)', () => {
    const good = frames('zeek_chksums_ip6-route0-icmp6-good-chksum.pcap')[0]!;
    const bad = frames('zeek_chksums_ip6-route0-icmp6-bad-chksum.pcap')[0]!;
    const icmp = (f: Frame) => f.layers.find((l) => l.proto.name === 'icmpv6')!.value as { checksumStatus: string };
    expect(icmp(good).checksumStatus).toBe('good');
    expect(icmp(bad).checksumStatus).toBe('bad');
    expect(good.problems).toEqual([]);
    expect(bad.problems.map((p) => `${p.code} ${p.field}`)).toEqual(['bad-checksum icmpv6.checksum']);
  });

  it('a Home Address destination option replaces the source', () => {
    const f = frames('zeek_chksums_ip6-hoa-udp-good-chksum.pcap')[0]!;
    expect(ipv6Layer(f).value.ext[0]).toMatchObject({ kind: 'dstopts', options: [{ kind: 'padn' }, { kind: 'home-address', address: '2001:78:1:32::1' }] });
    expect((f.layers.find((l) => l.proto === udp)!.value as { checksumStatus: string }).checksumStatus).toBe('good');
  });

  it('pseudoHeaderSum of a crafting input agrees with layerPseudoSum of the decoded layer', () => {
    fc.assert(
      fc.property(arbInput(), fc.integer({ min: 0, max: 255 }), fc.integer({ min: 0, max: 0xffff }), (input, proto, len) => {
        const bytes = build([layer(ipv6, input)]);
        const l = ipv6.decode(bytes, 0, bytes.length, ctxFor(bytes));
        const lay: Layer<IPv6Value> = { proto: ipv6, start: 0, headerEnd: l.headerEnd, end: l.end, value: l.value };
        expect(ipv6.layerPseudoSum!(bytes, lay, proto, len)).toBe(ipv6.pseudoHeaderSum!(input, proto, len));
      }),
      { numRuns: 200 },
    );
  });
});

describe('IPv6 truncation and bad values never throw', () => {
  const samples = FIXTURES.flatMap((n) => frames(n).map((f) => ({ n, f })));

  it('every truncation length of the header and its extension chain reports truncated', () => {
    for (const { f } of samples) {
      const l = f.layers.find((x) => x.proto === ipv6);
      if (!l) continue;
      const whole = f.data.subarray(l.start, l.end);
      for (let p = 0; p < l.headerEnd - l.start; p++) {
        const cut = whole.slice(0, p);
        const problems: Problem[] = [];
        // A snapshot-length cut: the wire length is the whole datagram.
        const r = ipv6.decode(cut, 0, p, ctxFor(cut, whole.length, problems));
        expect(problems.some((x) => x.code === 'truncated'), `prefix ${p}`).toBe(true);
        for (const x of problems) expect(x.start >= 0 && x.end <= p && x.start <= x.end).toBe(true);
        expect(r.end).toBeLessThanOrEqual(p);
      }
    }
  });

  it('every prefix of real packets dissects without throwing, problems inside the frame', () => {
    const d = new Dissector(registerDefaults(), { prefs: PREFS });
    for (const { f } of samples) {
      for (let p = 0; p <= f.data.length; p++) {
        const data = f.data.slice(0, p);
        const fr = d.dissect({ ...f.record, data, origLen: f.record.origLen });
        for (const x of fr.problems) expect(x.start >= 0 && x.end <= p && x.start <= x.end, `${x.message} at ${p}`).toBe(true);
        frameTree(fr, PREFS);
      }
    }
  });

  it('random bytes as raw IPv6 never throw and keep problem ranges inside the frame', () => {
    const d = new Dissector(registerDefaults(), { prefs: PREFS });
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 200 }), fc.boolean(), (bytes, v6) => {
        if (v6 && bytes.length > 0) bytes[0] = (bytes[0]! & 0x0f) | 0x60;
        const rec: CaptureRecord = { index: 0, interfaceId: 0, linkType: 229, tsSec: 0, tsNsec: 0, origLen: bytes.length, data: bytes };
        const fr = d.dissect(rec);
        for (const x of fr.problems) expect(x.start >= 0 && x.end <= bytes.length && x.start <= x.end).toBe(true);
        frameTree(fr, PREFS);
      }),
      { numRuns: 500 },
    );
  });

  it('a bad version leaves the rest as data (tshark: only the version is shown)', () => {
    const bytes = build([layer(ipv6, { src: '::1', dst: '::2' }), layer(data, { data: new Uint8Array([1, 2, 3]) })]);
    bytes[0] = 0x40;
    const problems: Problem[] = [];
    const r = ipv6.decode(bytes, 0, bytes.length, ctxFor(bytes, bytes.length, problems));
    expect(r.headerEnd).toBe(0);
    expect(problems.map((p) => p.code)).toEqual(['bad-value']);
    // and it still re-encodes byte for byte (the layer keeps its undecodable header verbatim)
    const f = new Dissector(registerDefaults(), { prefs: PREFS }).dissect({ index: 0, interfaceId: 0, linkType: 229, tsSec: 0, tsNsec: 0, origLen: bytes.length, data: bytes });
    expect(f.layers.map((l) => l.proto.name)).toEqual(['ipv6', 'data']);
    expect(Buffer.from(rebuild(f).bytes).equals(Buffer.from(bytes))).toBe(true);
  });

  it('payload length past the data is bad-length limited by the frame; a snaplen cut is not', () => {
    const bytes = build([layer(ipv6, { plen: 100 }), layer(data, { data: new Uint8Array(8) })]);
    const problems: Problem[] = [];
    ipv6.decode(bytes, 0, bytes.length, ctxFor(bytes, bytes.length, problems));
    expect(problems).toMatchObject([{ code: 'bad-length', field: 'ipv6.plen', start: 4, end: 6 }]);
    const p2: Problem[] = [];
    ipv6.decode(bytes, 0, bytes.length, ctxFor(bytes, 140, p2));
    expect(p2).toEqual([]);
  });

  it('an option running past its header is kept raw with its length byte', () => {
    const input: IPv6Input = { ext: [{ kind: 'hopopts', len: 0, options: [{ kind: 'unknown', type: 0x3e, len: 200, data: new Uint8Array(4) }] }] };
    const bytes = build([layer(ipv6, input)]);
    const problems: Problem[] = [];
    const r = ipv6.decode(bytes, 0, bytes.length, ctxFor(bytes, bytes.length, problems));
    expect(r.value.ext[0]).toEqual({ kind: 'hopopts', nxt: 59, len: 0, options: [{ kind: 'unknown', type: 0x3e, len: 200, data: new Uint8Array(4) }] });
    expect(problems).toMatchObject([{ code: 'bad-length', field: 'ipv6.opt.length', start: 43, end: 44 }]);
  });
});

describe('IPv6 encoding', () => {
  it('fills payload length, next headers, extension lengths and padding', () => {
    const bytes = build([
      layer(ipv6, { src: 'fe80::1', dst: 'ff02::1', hlim: 1, ext: [{ kind: 'hopopts', options: [{ kind: 'router-alert', value: 0 }] }, { kind: 'fragment', reserved: 0, offset: 0, resbits: 0, more: false, ident: 7 }] }),
      layer(udp, { srcport: 1, dstport: 2 }),
    ]);
    expect(bytes.length).toBe(40 + 8 + 8 + 8);
    const r = ipv6.decode(bytes, 0, bytes.length, ctxFor(bytes));
    expect(r.value).toMatchObject({ plen: 24, nxt: 0, upper: 17 });
    expect(r.value.ext).toEqual([
      { kind: 'hopopts', nxt: 44, len: 0, options: [{ kind: 'router-alert', value: 0 }, { kind: 'padn', data: new Uint8Array(0) }] },
      { kind: 'fragment', nxt: 17, reserved: 0, offset: 0, resbits: 0, more: false, ident: 7 },
    ]);
  });

  it('writes explicit values verbatim and throws EncodeError naming the field for values that do not fit', () => {
    const bytes = build([layer(ipv6, { plen: 999, nxt: 250, flow: 0xfffff })]);
    expect(ipv6.decode(bytes, 0, bytes.length, ctxFor(bytes, 2000)).value).toMatchObject({ plen: 999, nxt: 250, flow: 0xfffff });
    const fails: [IPv6Input, string][] = [
      [{ hlim: 256 }, 'ipv6.hlim'],
      [{ flow: 0x100000 }, 'ipv6.flow'],
      [{ src: 'nope' }, 'ipv6.src'],
      [{ ext: [{ kind: 'hopopts', options: [{ kind: 'router-alert', value: 70000 }] }] }, 'ipv6.opt.router_alert'],
      [{ ext: [{ kind: 'routing', type: 0, segleft: 0, data: new Uint8Array(5) }] }, 'ipv6.routing.len'],
    ];
    for (const [input, field] of fails) {
      let err: unknown;
      try {
        build([layer(ipv6, input)]);
      } catch (e) {
        err = e;
      }
      expect(err).toBeInstanceOf(EncodeError);
      expect((err as EncodeError).field).toBe(field);
    }
    expect(() => build([layer(ipv6, {}), layer(data, { data: new Uint8Array(70000) })])).toThrow(/ipv6\.plen/);
  });

  it('decode(encode(v)) gives v back with the auto fields filled; encodingLength agrees', () => {
    fc.assert(
      fc.property(arbInput(), fc.uint8Array({ maxLength: 40 }), (input, payload) => {
        const bytes = build([layer(ipv6, input)], payload);
        expect(bytes.length).toBe(ipv6EncodingLength(input) + payload.length);
        const r = ipv6.decode(bytes, 0, bytes.length, ctxFor(bytes));
        const v = r.value;
        expect(v).toMatchObject({ version: 6, dscp: input.dscp, ecn: input.ecn, flow: input.flow, hlim: input.hlim, src: norm(input.src!), dst: norm(input.dst!), plen: bytes.length - 40 });
        expect(v.ext.map(stripAuto)).toEqual((input.ext ?? []).map(stripAuto));
        // auto fields: each next header names what follows
        v.ext.forEach((e, i) => {
          const following = v.ext[i + 1];
          if (following && e.kind !== 'raw') expect(e.nxt).toBe(codeOf(following));
        });
        expect(r.headerEnd).toBe(ipv6EncodingLength(input));
      }),
      { numRuns: 300 },
    );
  });

  it('decoding at an offset inside a larger buffer gives the same value and shifted offsets', () => {
    fc.assert(
      fc.property(arbInput(), fc.uint8Array({ maxLength: 16 }), fc.uint8Array({ maxLength: 16 }), (input, before, after) => {
        const bytes = build([layer(ipv6, input)]);
        const big = new Uint8Array(before.length + bytes.length + after.length);
        big.set(before, 0);
        big.set(bytes, before.length);
        big.set(after, before.length + bytes.length);
        const a = ipv6.decode(bytes, 0, bytes.length, ctxFor(bytes));
        const b = ipv6.decode(big, before.length, before.length + bytes.length, ctxFor(big));
        expect(b.value).toEqual(a.value);
        expect(b.headerEnd - before.length).toBe(a.headerEnd);
        expect(b.end - before.length).toBe(a.end);
      }),
      { numRuns: 200 },
    );
  });
});

describe('IPv6 lossless re-encoding', () => {
  for (const name of FIXTURES) {
    it(`${name}: every decoded frame re-encodes to its original bytes`, () => {
      for (const f of frames(name)) {
        const r = rebuild(f);
        expect(r.rebuilt).toBe(true);
        expect(Buffer.from(r.bytes).toString('hex')).toBe(Buffer.from(f.data).toString('hex'));
      }
    });
  }

  it('a changed address gets the upper-layer checksum recomputed over the new pseudo-header', () => {
    const f = frames('zeek_chksums_ip6-route0-icmp6-good-chksum.pcap')[0]!;
    const r = rebuild(f, (ls) => {
      const ip = ls.find((l) => l.proto === ipv6)!;
      (ip.input as IPv6Input).src = '2001:db8::99';
    });
    const again = new Dissector(registerDefaults(), { prefs: PREFS }).dissect({ ...f.record, data: r.bytes });
    expect((again.layers.find((l) => l.proto.name === 'icmpv6')!.value as { checksumStatus: string }).checksumStatus).toBe('good');
    expect(Buffer.from(r.bytes).equals(Buffer.from(f.data))).toBe(false);
  });

  it('AH over IPv4 is a layer of its own that re-encodes', () => {
    const bytes = build([layer(ah, { spi: 0x100, sequence: 5, icv: new Uint8Array(12).fill(0xab) }), layer(udp, { srcport: 9, dstport: 9 })]);
    const r = ah.decode(bytes, 0, bytes.length, ctxFor(bytes));
    expect(r.value).toMatchObject({ nxt: 17, len: 4, spi: 0x100, sequence: 5 });
    expect(r.headerEnd).toBe(24);
    expect(r.next).toEqual([{ table: 'ip.proto', key: 17 }]);
    expect(ah.encode!(ah.toInput!({ proto: ah, start: 0, headerEnd: r.headerEnd, end: r.end, value: r.value }, bytes), bytes.subarray(24), { outer: [], pseudoHeaderSum: () => undefined })).toEqual(bytes);
  });
});

// ---- arbitraries ------------------------------------------------------------------------------------------

/** An address in tshark's text form. */
function norm(a: string): string {
  return ipv6ToString(parseIPv6(a)!);
}

function codeOf(e: IPv6Ext): number {
  switch (e.kind) {
    case 'hopopts':
      return 0;
    case 'routing':
      return 43;
    case 'fragment':
      return 44;
    case 'dstopts':
      return 60;
    case 'ah':
      return 51;
    case 'raw':
      return e.code;
  }
}

/** An extension header without its auto fields, and options without the padding the encoder adds. */
function stripAuto(e: IPv6Ext): unknown {
  const { nxt: _n, ...rest } = e as { nxt?: number } & Record<string, unknown>;
  void _n;
  if (e.kind === 'hopopts' || e.kind === 'dstopts') {
    const opts = e.options.slice();
    const last = opts[opts.length - 1];
    if (last && (last.kind === 'pad1' || (last.kind === 'padn' && last.data.every((x) => x === 0)))) opts.pop();
    return { kind: e.kind, options: opts };
  }
  if (e.kind === 'routing' || e.kind === 'ah') {
    const { len: _l, ...r2 } = rest as { len?: number };
    void _l;
    return r2;
  }
  return rest;
}

function arbOption(): fc.Arbitrary<IPv6Option> {
  return fc.oneof(
    fc.record({ kind: fc.constant('router-alert' as const), value: fc.integer({ min: 0, max: 0xffff }) }),
    fc.record({ kind: fc.constant('tel' as const), limit: fc.integer({ min: 0, max: 255 }) }),
    fc.record({ kind: fc.constant('home-address' as const), address: fc.ipV6().map((a) => norm(a)) }),
    // unknown types whose layout is not one of the typed cases
    fc.record({ kind: fc.constant('unknown' as const), type: fc.constantFrom(0x3e, 0x7e, 0x9e, 0x08), data: fc.uint8Array({ minLength: 0, maxLength: 12 }) }),
  );
}

function arbExt(): fc.Arbitrary<IPv6Ext> {
  return fc.oneof(
    fc.record({ kind: fc.constantFrom('hopopts' as const, 'dstopts' as const), options: fc.array(arbOption(), { maxLength: 3 }) }),
    fc.record({ kind: fc.constant('routing' as const), type: fc.constantFrom(0, 2, 4, 253), segleft: fc.integer({ min: 0, max: 3 }), data: fc.integer({ min: 0, max: 3 }).chain((n) => fc.uint8Array({ minLength: 4 + 8 * n, maxLength: 4 + 8 * n })) }),
    fc.record({ kind: fc.constant('fragment' as const), reserved: fc.integer({ min: 0, max: 255 }), offset: fc.constant(0), resbits: fc.integer({ min: 0, max: 3 }), more: fc.boolean(), ident: fc.integer({ min: 0, max: 0xffffffff }) }),
    fc.record({ kind: fc.constant('ah' as const), reserved: fc.uint8Array({ minLength: 2, maxLength: 2 }), spi: fc.integer({ min: 0, max: 0xffffffff }), sequence: fc.integer({ min: 0, max: 0xffffffff }), icv: fc.integer({ min: 0, max: 4 }).chain((n) => fc.uint8Array({ minLength: 4 * n, maxLength: 4 * n })) }),
  );
}

function arbInput(): fc.Arbitrary<IPv6Input> {
  return fc.record({
    dscp: fc.integer({ min: 0, max: 63 }),
    ecn: fc.integer({ min: 0, max: 3 }),
    flow: fc.integer({ min: 0, max: 0xfffff }),
    hlim: fc.integer({ min: 0, max: 255 }),
    src: fc.ipV6(),
    dst: fc.ipV6(),
    ext: fc.array(arbExt(), { maxLength: 4 }),
  });
}
