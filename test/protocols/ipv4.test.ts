import { readdirSync, readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { CaptureRecord } from '../../src/capture/types.js';
import { EncodeError } from '../../src/core/problem.js';
import type { Problem } from '../../src/core/problem.js';
import { build, layer, rebuild } from '../../src/craft/build.js';
import { Dissector } from '../../src/dissect/dissect.js';
import type { Frame } from '../../src/dissect/frame.js';
import { protocolsPath } from '../../src/dissect/frame.js';
import { ORACLE_PREFS } from '../../src/dissect/prefs.js';
import type { Prefs } from '../../src/dissect/prefs.js';
import { nodeLabel } from '../../src/fields/format.js';
import type { FieldNode } from '../../src/fields/types.js';
import { DEFAULT_FIELDS_OPTIONS, fieldCell } from '../../src/inspect/fields.js';
import { summaryColumns } from '../../src/inspect/summary.js';
import { collect, frameTree } from '../../src/inspect/tree.js';
import { data } from '../../src/protocols/data.js';
import { registerDefaults } from '../../src/protocols/index.js';
import { ipv4, ipv4EncodingLength } from '../../src/protocols/ipv4.js';
import type { IPv4Input, IPv4Option, IPv4Value } from '../../src/protocols/ipv4.js';
import { ipv6 } from '../../src/protocols/ipv6.js';
import type { DecodeContext, Layer, TreeContext } from '../../src/protocols/types.js';
import { udp } from '../../src/protocols/udp.js';
import { fixtureFrames, tsharkRows as fixtureRows } from './net-helpers.js';

const DIR = new URL('../../fixtures/protocols/ip/', import.meta.url);
const PREFS: Prefs = { ...ORACLE_PREFS };
const FIXTURES = readdirSync(DIR).filter((n) => n.endsWith('.pcap'));
/**
 * Known differences, each with its reason: tshark hands an upper layer a payload of zero captured bytes (and then
 * reports it cut short); the wirelens layer loop stops when no byte is left.
 */
const KNOWN: Readonly<Record<string, string>> = {
  'tcpdump_ip_ts_opts_asan.pcap#1 frame.protocols': 'eth:ethertype:ip:icmp',
  'tcpdump_ip_ts_opts_asan.pcap#1 info': '[Packet size limited during capture]',
};
/** frame.protocols is compared up to the first protocol another part of wirelens decodes (igmp, tcp). */
const OURS = new Set(['eth', 'ethertype', 'raw', 'ip', 'ipv6', 'icmp', 'udp', 'data']);

const frames = (name: string, prefs: Prefs = PREFS): Frame[] => fixtureFrames(DIR, name, prefs);

const tsharkRows = (name: string): { header: string[]; rows: string[][] } => fixtureRows(DIR, name);

/** tshark's Info column, with its request/response matching and exception markers. */
function tsharkInfo(name: string): string[] {
  return readFileSync(new URL(name + '.info.txt', DIR), 'utf8').split('\n');
}

function ipLayer(f: Frame): Layer<IPv4Value> {
  return f.layers.find((l) => l.proto === ipv4)! as Layer<IPv4Value>;
}

function treeCtx(f: Frame): TreeContext {
  return { frame: f.data, layers: f.layers, index: f.layers.findIndex((l) => l.proto === ipv4), prefs: PREFS };
}

/** The -V lines of the IPv4 layer (hidden fields left out). */
function labels(f: Frame): string[] {
  const out: string[] = [];
  const walk = (ns: readonly FieldNode[], depth: number) => {
    for (const n of ns) {
      if (!n.hidden) out.push('  '.repeat(depth) + nodeLabel(n));
      if (n.children) walk(n.children, depth + 1);
    }
  };
  walk(ipv4.tree(ipLayer(f), treeCtx(f)), 0);
  return out;
}

function ctxFor(frame: Uint8Array, wireLen = frame.length, problems: Problem[] = []): DecodeContext {
  return { frame, layers: [], problems, prefs: PREFS, wireLen, fcsLen: 0, inError: false };
}

function dissectRaw(bytes: Uint8Array, origLen = bytes.length): Frame {
  const rec: CaptureRecord = { index: 0, interfaceId: 0, linkType: 228, tsSec: 0, tsNsec: 0, origLen, data: bytes };
  return new Dissector(registerDefaults(), { prefs: PREFS }).dissect(rec);
}

describe('IPv4 against tshark 4.0 (fixtures/protocols/ip)', () => {
  for (const name of FIXTURES) {
    it(`${name}: every field as tshark -T fields prints it, and the Info column`, () => {
      const { header, rows } = tsharkRows(name);
      const info = tsharkInfo(name);
      const fs = frames(name);
      expect(fs.length).toBe(rows.length);
      fs.forEach((f, i) => {
        const found = collect(frameTree(f, PREFS), new Set(header));
        header.forEach((h, c) => {
          let ours = h === 'frame.protocols' ? protocolsPath(f) : fieldCell(found.get(h), DEFAULT_FIELDS_OPTIONS);
          let theirs = rows[i]![c] ?? '';
          if (h === 'frame.protocols') {
            const t = theirs.split(':');
            const k = t.findIndex((p) => !OURS.has(p));
            if (k >= 0) [ours, theirs] = [ours.split(':').slice(0, k).join(':'), t.slice(0, k).join(':')];
          }
          if (KNOWN[`${name}#${i + 1} ${h}`] === theirs) return;
          expect(`#${i + 1} ${h}=${ours}`).toBe(`#${i + 1} ${h}=${theirs}`);
        });
        if (!/igmp/.test(rows[i]![0]!) && KNOWN[`${name}#${i + 1} info`] !== info[i]) expect(`#${i + 1} ${summaryColumns(f, PREFS, 6).info}`).toBe(`#${i + 1} ${info[i]}`);
      });
    });
  }
});

describe('IPv4 header and options as tshark -V shows them', () => {
  it('the fixed header and a router alert option (IGMP_V1.pcap frame 1)', () => {
    const f = frames('tcpdump_IGMP_V1.pcap')[0]!;
    expect(ipLayer(f).value).toMatchObject({ version: 4, hdr_len: 24, dsfield: 0, len: 32, id: 2, df: false, mf: false, frag_offset: 0, ttl: 1, proto: 2, checksum: 0x723d, src: '10.0.200.151', dst: '224.0.0.1', options: [{ kind: 'router-alert', value: 0 }] });
    expect(labels(f)).toEqual([
      'Version: 4',
      '.... 0110 = Header Length: 24 bytes (6)',
      'Differentiated Services Field: 0x00 (DSCP: CS0, ECN: Not-ECT)',
      '  Differentiated Services Codepoint: Default (0)',
      '  Explicit Congestion Notification: Not ECN-Capable Transport (0)',
      'Total Length: 32',
      'Identification: 0x0002 (2)',
      '000. .... = Flags: 0x0',
      '  Reserved bit: Not set',
      "  Don't fragment: Not set",
      '  More fragments: Not set',
      '...0 0000 0000 0000 = Fragment Offset: 0',
      'Time to Live: 1',
      'Protocol: IGMP (2)',
      'Header Checksum: 0x723d [validation disabled]',
      '[Header checksum status: Unverified]',
      'Source Address: 10.0.200.151',
      'Destination Address: 224.0.0.1',
      'Options: (4 bytes), Router Alert',
      '  IP Option - Router Alert (4 bytes): Router shall examine packet (0)',
      '    Type: 148',
      '      Copy on fragmentation: Yes',
      '      Class: Control (0)',
      '      Number: Router Alert (20)',
      '    Length: 4',
      '    Router Alert: Router shall examine packet (0)',
    ]);
  });

  it('source routes: Current Route replaces the destination until the route is finished', () => {
    const fs = frames('crafted-options.pcap');
    const lsrr = fs[1]!;
    expect(ipLayer(lsrr).value.options[0]).toEqual({ kind: 'route', type: 131, pointer: 4, addresses: ['192.168.1.1', '192.168.1.2'] });
    expect(ipv4.label!(ipLayer(lsrr), treeCtx(lsrr))).toBe('Internet Protocol Version 4, Src: 10.0.0.1, Dst: 192.168.1.2, Via: 10.0.0.2');
    expect(labels(lsrr)).toContain('Current Route: 10.0.0.2');
    expect(labels(lsrr)).toContain('    Source Route: 192.168.1.1 <- (next)');
    const done = fs[3]!;
    expect(labels(done)).toContain('Destination Address: 10.0.0.2');
    expect(labels(done).filter((x) => x.includes('Recorded Route'))).toHaveLength(2);
  });

  it('time stamps, security and unknown or broken options', () => {
    const fs = frames('crafted-options.pcap');
    expect(labels(fs[4]!)).toContain('    .... 0001 = Flag: Time stamp and address (0x1)');
    expect(labels(fs[4]!)).toContain('    Address: -');
    expect(labels(fs[8]!)).toContain('    Security: Restricted (0xaf13)');
    expect(labels(fs[10]!)).toContain('  Unknown (0x9e) (4 bytes)');
    const broken = fs[11]!;
    expect(labels(broken)).toContain('  Time Stamp (option length = 40 bytes says option goes past end of options)');
    // tshark treats it as a protocol warning, not a malformed packet
    expect(broken.problems).toMatchObject([{ code: 'bad-length', severity: 'warning', field: 'ip.opt.len', start: 14 + 20 + 3, end: 14 + 20 + 4 }]);
    expect(ipLayer(fs[12]!).value).toMatchObject({ options: [{ kind: 'eol' }], optPadding: new Uint8Array([1, 2, 3]) });
  });

  it('a cut options area hides the destination; a bad version hands over to IPv6', () => {
    const cut = frames('zeek_trunc_ipv4-internally-truncated-header.pcap')[0]!;
    expect(ipv4.label!(ipLayer(cut), treeCtx(cut))).toBe('Internet Protocol Version 4, Src: 163.253.48.183');
    expect(cut.problems).toMatchObject([{ code: 'truncated', layer: 'ip', field: 'ip.hdr_len', limitedBy: 'frame.cap_len' }]);
    const v6 = build([layer(ipv6, { src: '::1', dst: '::2' })]);
    const f = dissectRaw(v6);
    expect(f.layers.map((l) => l.proto.name)).toEqual(['ip', 'ipv6']);
    expect(f.problems).toMatchObject([{ code: 'bad-value', field: 'ip.version', severity: 'warning' }]);
    expect(Buffer.from(rebuild(f).bytes).equals(Buffer.from(v6))).toBe(true);
    // a header length under 20 ends the dissection, and the bytes still come back as they were
    const bad = build([layer(ipv4, { src: '10.0.0.1' }), layer(udp, { srcport: 1, dstport: 2 })]);
    bad[0] = 0x44;
    const g = dissectRaw(bad);
    expect(g.layers.map((l) => l.proto.name)).toEqual(['ip']);
    expect(g.problems).toMatchObject([{ code: 'bad-length', field: 'ip.hdr_len' }]);
    expect(Buffer.from(rebuild(g).bytes).equals(Buffer.from(bad))).toBe(true);
  });

  it('fragments: Info as tshark; later fragments and reassembly leave the payload as data', () => {
    const fs = frames('suricata-verify_exception-policy-defrag-01_ipv4frags.pcap');
    expect(ipLayer(fs[1]!).value).toMatchObject({ mf: false, frag_offset: 122, proto: 1 });
    expect(summaryColumns(fs[1]!, PREFS, 6).info).toBe('Fragmented IP protocol (proto=ICMP 1, off=976, ID=b5d0)');
    expect(fs[1]!.layers.map((l) => l.proto.name)).toEqual(['eth', 'ip', 'data']);
    const reasm = frames('suricata-verify_exception-policy-defrag-01_ipv4frags.pcap', { ...PREFS, 'ip.defragment': true });
    expect(reasm[0]!.layers.map((l) => l.proto.name)).toEqual(['eth', 'ip', 'data']);
  });
});

describe('IPv4 checksum, lengths and truncation', () => {
  it('verifies the header checksum; a wrong one is reported only when checking is on', () => {
    const f = frames('crafted-options.pcap')[16]!;
    expect(ipLayer(f).value).toMatchObject({ checksum: 0xbeef, checksumStatus: 'bad' });
    expect(f.problems.filter((p) => p.layer === 'ip')).toEqual([]);
    const checking = new Dissector(registerDefaults(), { prefs: { ...PREFS, 'ip.check_checksum': true } }).dissect(f.record);
    expect(checking.problems).toMatchObject([{ code: 'bad-checksum', field: 'ip.checksum', actual: 0xbeef, start: 24, end: 26 }]);
    const t = frameTree(checking, { ...PREFS, 'ip.check_checksum': true });
    const ip = t.find((n) => n.def.abbrev === 'ip')!;
    expect(ip.children!.find((n) => n.def.abbrev === 'ip.checksum.status')!.value).toBe(0);
  });

  it('every truncation length of a header with options reports truncated, ranges inside the bytes', () => {
    for (const f of frames('crafted-options.pcap')) {
      const l = ipLayer(f);
      const whole = f.data.subarray(l.start, l.end);
      for (let p = 0; p < l.headerEnd - l.start; p++) {
        const cut = whole.slice(0, p);
        const problems: Problem[] = [];
        ipv4.decode(cut, 0, p, ctxFor(cut, whole.length, problems));
        expect(problems.some((x) => x.code === 'truncated'), `cut at ${p}`).toBe(true);
        for (const x of problems) expect(x.start >= 0 && x.end <= p && x.start <= x.end).toBe(true);
      }
    }
  });

  it('a total length past the data is bad-length unless the snapshot length cut it; zero is TSO', () => {
    const bytes = build([layer(ipv4, { len: 400 }), layer(data, { data: new Uint8Array(10) })]);
    const p1: Problem[] = [];
    ipv4.decode(bytes, 0, bytes.length, ctxFor(bytes, bytes.length, p1));
    expect(p1).toMatchObject([{ code: 'bad-length', field: 'ip.len', start: 2, end: 4, limitedBy: 'frame.len' }]);
    const p2: Problem[] = [];
    ipv4.decode(bytes, 0, bytes.length, ctxFor(bytes, 400, p2));
    expect(p2).toEqual([]);
    const tso = build([layer(ipv4, { len: 0 }), layer(data, { data: new Uint8Array(10) })]);
    const f = dissectRaw(tso, 9000);
    expect(ipLayer(f).value.tsoLength).toBe(9000);
    expect(collect(frameTree(f, PREFS), new Set(['ip.len'])).get('ip.len')![0]!.value).toBe(9000);
  });

  it('every prefix of the real packets and random bytes never throw', () => {
    const d = new Dissector(registerDefaults(), { prefs: PREFS });
    for (const name of FIXTURES)
      for (const f of frames(name))
        for (let p = 0; p <= f.data.length; p++) {
          const g = d.dissect({ ...f.record, data: f.data.slice(0, p) });
          for (const x of g.problems) expect(x.start >= 0 && x.end <= p).toBe(true);
          frameTree(g, PREFS);
          summaryColumns(g, PREFS, 6);
        }
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 80 }), fc.boolean(), (bytes, v4) => {
        if (v4 && bytes.length) bytes[0] = 0x40 | (bytes[0]! & 0x0f);
        const f = dissectRaw(bytes);
        for (const x of f.problems) expect(x.start >= 0 && x.end <= bytes.length && x.start <= x.end).toBe(true);
        frameTree(f, PREFS);
        summaryColumns(f, PREFS, 6);
      }),
      { numRuns: 1000 },
    );
  });
});

describe('IPv4 encoding', () => {
  it('throws EncodeError naming the field for values that do not fit', () => {
    const cases: [IPv4Input, string][] = [
      [{ ttl: 256 }, 'ip.ttl'],
      [{ dscp: 64 }, 'ip.dsfield.dscp'],
      [{ frag_offset: 8192 }, 'ip.frag_offset'],
      [{ src: '1.2.3.400' }, 'ip.src'],
      [{ options: [{ kind: 'router-alert', value: -1 }] }, 'ip.opt.ra'],
      [{ options: [{ kind: 'route', type: 7, pointer: 4, addresses: ['x'] }] }, 'ip.rec_rt'],
      [{ options: [{ kind: 'tlv', type: 9, data: new Uint8Array(60) }] }, 'ip.hdr_len'],
      [{ hdr_len: 60, options: [{ kind: 'tlv', type: 9, data: new Uint8Array(300) }] }, 'ip.opt.len'],
    ];
    for (const [input, field] of cases) {
      let err: unknown;
      try {
        build([layer(ipv4, input)]);
      } catch (e) {
        err = e;
      }
      expect(err, field).toBeInstanceOf(EncodeError);
      expect((err as EncodeError).field).toBe(field);
    }
  });

  it('decode(encode(v)) gives v back with lengths and checksum filled; encodingLength agrees; same at an offset', () => {
    fc.assert(
      fc.property(arbInput(), fc.uint8Array({ maxLength: 30 }), fc.uint8Array({ maxLength: 8 }), (input, payload, pre) => {
        const bytes = build([layer(ipv4, input)], payload);
        expect(bytes.length).toBe(ipv4EncodingLength(input) + payload.length);
        const problems: Problem[] = [];
        const r = ipv4.decode(bytes, 0, bytes.length, ctxFor(bytes, bytes.length, problems));
        expect(problems).toEqual([]);
        const { options, ...fixedPart } = input;
        expect(r.value).toMatchObject({ ...fixedPart, version: 4, len: bytes.length, hdr_len: ipv4EncodingLength(input), checksumStatus: 'good' });
        expect(r.value.options).toEqual(options);
        const big = new Uint8Array(pre.length + bytes.length + 4);
        big.set(pre);
        big.set(bytes, pre.length);
        const r2 = ipv4.decode(big, pre.length, pre.length + bytes.length, ctxFor(big));
        expect(r2.value).toEqual(r.value);
        expect(r2.headerEnd - pre.length).toBe(r.headerEnd);
      }),
      { numRuns: 300 },
    );
  });
});

describe('IPv4 lossless re-encoding', () => {
  for (const name of FIXTURES) {
    it(`${name}: each frame re-encodes to its original bytes`, () => {
      for (const f of frames(name)) {
        if (f.problems.some((p) => p.code === 'truncated')) continue;
        const r = rebuild(f);
        expect(r.rebuilt).toBe(true);
        expect(Buffer.from(r.bytes).toString('hex')).toBe(Buffer.from(f.data).toString('hex'));
      }
    });
  }

  it('a changed TTL gets the header checksum recomputed, options kept as they were', () => {
    const f = frames('crafted-options.pcap')[0]!;
    const r = rebuild(f, (ls) => {
      (ls.find((l) => l.proto === ipv4)!.input as IPv4Input).ttl = 3;
    });
    const g = dissectRaw(r.bytes.subarray(14));
    expect(ipLayer(g).value).toMatchObject({ ttl: 3, checksumStatus: 'good', options: ipLayer(f).value.options });
    expect(g.layers.find((l) => l.proto === udp)).toBeDefined();
  });
});

// ---- arbitraries ------------------------------------------------------------------------------------------

function arbOption(): fc.Arbitrary<IPv4Option> {
  return fc.oneof(
    fc.constant({ kind: 'nop' as const }),
    fc.record({ kind: fc.constant('route' as const), type: fc.constantFrom(7 as const, 131 as const, 137 as const), pointer: fc.integer({ min: 4, max: 40 }), addresses: fc.array(fc.ipV4(), { minLength: 1, maxLength: 3 }) }),
    fc.record({ kind: fc.constant('router-alert' as const), value: fc.integer({ min: 0, max: 0xffff }) }),
    fc.record({ kind: fc.constant('stream-id' as const), id: fc.integer({ min: 0, max: 0xffff }) }),
    fc.record({ kind: fc.constant('timestamp' as const), pointer: fc.integer({ min: 5, max: 40 }), overflow: fc.integer({ min: 0, max: 15 }), flag: fc.constantFrom(0, 1, 3), data: fc.integer({ min: 0, max: 2 }).map((n) => new Uint8Array(4 * n).fill(7)) }),
    fc.record({ kind: fc.constant('tlv' as const), type: fc.constantFrom(130, 134, 0x9e, 82), data: fc.uint8Array({ maxLength: 6 }) }),
  );
}

function arbInput(): fc.Arbitrary<IPv4Input> {
  return fc
    .record({
      dscp: fc.integer({ min: 0, max: 63 }),
      ecn: fc.integer({ min: 0, max: 3 }),
      id: fc.integer({ min: 0, max: 0xffff }),
      rb: fc.boolean(),
      df: fc.boolean(),
      mf: fc.boolean(),
      ttl: fc.integer({ min: 0, max: 255 }),
      proto: fc.constantFrom(6, 17, 47, 200),
      src: fc.ipV4(),
      dst: fc.ipV4(),
      options: fc.array(arbOption(), { maxLength: 3 }),
    })
    .filter((x) => {
      // the options must fit the 40-byte area, and end on a 4-byte boundary (no implicit padding to compare)
      const n = x.options.reduce((k, o) => k + (o.kind === 'nop' ? 1 : o.kind === 'route' ? 3 + 4 * o.addresses.length : o.kind === 'timestamp' ? 4 + o.data.length : o.kind === 'tlv' ? 2 + o.data.length : 4), 0);
      return n <= 40 && n % 4 === 0;
    });
}
