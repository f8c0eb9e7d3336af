import { readdirSync, readFileSync } from 'node:fs';
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
import { nodeLabel } from '../../src/fields/format.js';
import { DEFAULT_FIELDS_OPTIONS, fieldCell } from '../../src/inspect/fields.js';
import { summaryColumns } from '../../src/inspect/summary.js';
import { collect, frameTree } from '../../src/inspect/tree.js';
import { data } from '../../src/protocols/data.js';
import { icmpv6, icmpv6EncodingLength } from '../../src/protocols/icmpv6.js';
import type { Icmpv6Body, Icmpv6Input, Icmpv6Value, NdOption } from '../../src/protocols/icmpv6.js';
import { registerDefaults } from '../../src/protocols/index.js';
import { ipv6 } from '../../src/protocols/ipv6.js';
import type { DecodeContext, Layer, TreeContext } from '../../src/protocols/types.js';
import { udp } from '../../src/protocols/udp.js';
import { fixtureFrames, tsharkRows as fixtureRows } from './net-helpers.js';

const DIR = new URL('../../fixtures/protocols/icmpv6/', import.meta.url);
const PREFS: Prefs = { ...ORACLE_PREFS };
const FIXTURES = readdirSync(DIR).filter((n) => n.endsWith('.pcap'));

const frames = (name: string): Frame[] => fixtureFrames(DIR, name, PREFS);

const tsharkRows = (name: string): { header: string[]; rows: string[][] } => fixtureRows(DIR, name);

/** tshark's Info column without what wirelens adds elsewhere (request/response tracking, expert suffixes). */
/** tshark's Info column, with its request/response matching and exception markers. */
function tsharkInfo(name: string): string[] {
  return readFileSync(new URL(name + '.info.txt', DIR), 'utf8').split('\n');
}

function icmpLayer(f: Frame): Layer<Icmpv6Value> {
  return f.layers.find((l) => l.proto === icmpv6)! as Layer<Icmpv6Value>;
}

function treeCtx(f: Frame): TreeContext {
  return { frame: f.data, layers: f.layers, index: f.layers.findIndex((l) => l.proto === icmpv6), prefs: PREFS };
}

function labels(f: Frame): string[] {
  const out: string[] = [];
  const walk = (ns: readonly { text?: string; def: { abbrev: string }; value: unknown; hidden?: boolean; children?: unknown[] }[]) => {
    for (const n of ns) {
      if (!n.hidden) out.push(nodeLabel(n as never));
      if (n.children) walk(n.children as never);
    }
  };
  walk(icmpv6.tree(icmpLayer(f), treeCtx(f)));
  return out;
}

/** An ICMPv6 message inside an IPv6 header (the checksum needs the pseudo-header). */
function packet(input: Icmpv6Input, payload = new Uint8Array(0), src = 'fe80::1', dst = 'ff02::1'): Uint8Array {
  return build([layer(ipv6, { src, dst, hlim: 255 }), layer(icmpv6, input)], payload);
}

function dissectRaw(bytes: Uint8Array, origLen = bytes.length): Frame {
  const rec: CaptureRecord = { index: 0, interfaceId: 0, linkType: 229, tsSec: 0, tsNsec: 0, origLen, data: bytes };
  return new Dissector(registerDefaults(), { prefs: PREFS }).dissect(rec);
}

describe('ICMPv6 against tshark 4.0 (fixtures/protocols/icmpv6)', () => {
  for (const name of FIXTURES) {
    it(`${name}: every field as tshark -T fields prints it, and the Info column`, () => {
      const { header, rows } = tsharkRows(name);
      const info = tsharkInfo(name);
      const fs = frames(name);
      expect(fs.length).toBe(rows.length);
      fs.forEach((f, i) => {
        const found = collect(frameTree(f, PREFS), new Set(header));
        header.forEach((h, c) => {
          const ours = h === 'frame.protocols' ? protocolsPath(f) : fieldCell(found.get(h), DEFAULT_FIELDS_OPTIONS);
          expect(`#${i + 1} ${h}=${ours}`).toBe(`#${i + 1} ${h}=${rows[i]![c] ?? ''}`);
        });
        expect(`#${i + 1} ${summaryColumns(f, PREFS, 6).info}`).toBe(`#${i + 1} ${info[i]}`);
      });
    });
  }
});

describe('ICMPv6 messages, field by field', () => {
  it('router advertisement with prefix, RDNSS, MTU and link-layer options (icmpv6.pcap frame 1)', () => {
    const f = frames('tcpdump_icmpv6.pcap')[0]!;
    const v = icmpLayer(f).value;
    expect(v).toMatchObject({ type: 134, code: 0, checksum: 0x2401, checksumStatus: 'good' });
    expect(v.body).toMatchObject({ kind: 'ra', curHopLimit: 64, flags: 0x20, lifetime: 15, reachable: 0, retrans: 0 });
    const opts = (v.body as { options: NdOption[] }).options;
    expect(opts.map((o) => o.kind)).toEqual(['prefix', 'rdnss', 'unknown', 'mtu', 'lla', 'adv-interval', 'unknown']);
    expect(opts[0]).toMatchObject({ prefixLength: 72, flags: 0xc0, valid: 2592000, preferred: 604800, prefix: '2222:3333:4444:5555:6600::' });
    expect(opts[1]).toMatchObject({ lifetime: 5, servers: ['abcd::efef', '1234:5678::1'] });
    const ls = labels(f);
    expect(ls).toContain('Type: Router Advertisement (134)');
    expect(ls).toContain('Checksum: 0x2401 [correct]');
    expect(ls).toContain('Flags: 0x20, Home Agent, Prf (Default Router Preference): Medium');
    expect(ls).toContain('ICMPv6 Option (Prefix information : 2222:3333:4444:5555:6600::/72)');
    expect(ls).toContain('Flag: 0xc0, On-link flag(L), Autonomous address-configuration flag(A)');
    expect(ls).toContain('ICMPv6 Option (Recursive DNS Server abcd::efef 1234:5678::1)');
    expect(ls).toContain('ICMPv6 Option (MTU : 100)');
    expect(ls).toContain('ICMPv6 Option (Source link-layer address : b0:99:28:c8:d6:6c)');
    expect(ls).toContain('Length: 4 (32 bytes)');
    expect(icmpv6.summary!(icmpLayer(f), treeCtx(f))).toBe('Router Advertisement from b0:99:28:c8:d6:6c');
  });

  it('MLDv2 report records and an MLDv2 query', () => {
    const fs = frames('tcpdump_icmpv6.pcap');
    const rep = icmpLayer(fs[3]!).value.body;
    expect(rep).toMatchObject({ kind: 'mld2-report' });
    expect((rep as { records: { type: number; address: string }[] }).records.map((r) => `${r.type} ${r.address}`)).toEqual(['2 ff02::db8:1122:3344', '2 ff02::1:ffcc:e546', '2 ff02::1:ffa7:10ad', '2 ff02::1:ff00:2']);
    expect(labels(fs[3]!)).toContain('Multicast Address Record Exclude: ff02::db8:1122:3344');
    expect(icmpLayer(fs[2]!).value.body).toMatchObject({ kind: 'mld', maxDelay: 10000, address: '::', v2: { flags: 2, qqic: 60, sources: [] } });
    expect(labels(fs[2]!)).toContain('Maximum Response Code: 10000');
  });

  it('neighbor solicitation and advertisement (frag-1.pcap frames 12, 13)', () => {
    const fs = frames('suricata-verify_ipv6-evasion_ipv6-malformed-fragments-1_frag-1.pcap');
    expect(icmpLayer(fs[11]!).value.body).toEqual({ kind: 'ns', reserved: new Uint8Array(4), target: '2001:db8:1::2', options: [{ kind: 'lla', type: 1, data: new Uint8Array([0x64, 0x00, 0x6a, 0x5b, 0x8f, 0x4a]) }] });
    expect(icmpLayer(fs[12]!).value.body).toMatchObject({ kind: 'na', flags: 0xc0000000, target: '2001:db8:1::2', options: [] });
    expect(labels(fs[12]!)).toEqual([
      'Type: Neighbor Advertisement (136)',
      'Code: 0',
      'Checksum: 0xff0c [correct]',
      '[Checksum Status: Good]',
      'Flags: 0xc0000000, Router, Solicited',
      'Router: Set',
      'Solicited: Set',
      'Override: Not set',
      '...0 0000 0000 0000 0000 0000 0000 0000 = Reserved: 0',
      'Target Address: 2001:db8:1::2',
    ]);
  });

  it('echo request: identifier, sequence, the data after it, Info with the hop limit', () => {
    const f = frames('suricata-verify_ipv6-evasion_ipv6-malformed-fragments-1_frag-1.pcap')[0]!;
    expect(icmpLayer(f).value.body).toEqual({ kind: 'echo', ident: 0xface, seq: 47806 });
    expect(f.layers.map((l) => l.proto.name)).toEqual(['eth', 'ipv6', 'icmpv6', 'data']);
    expect(icmpv6.summary!(icmpLayer(f), treeCtx(f))).toBe('Echo (ping) request id=0xface, seq=47806, hop limit=255');
  });

  it('errors quote the offending packet as nested layers (time exceeded, parameter problem, too big)', () => {
    const pp = frames('zeek_icmp_icmp6-paramprob.pcap')[0]!;
    expect(pp.layers.map((l) => l.proto.name)).toEqual(['eth', 'ipv6', 'icmpv6', 'ipv6', 'udp', 'data']);
    expect(icmpLayer(pp).value).toMatchObject({ type: 4, code: 0, body: { kind: 'param-problem', pointer: 6 }, quoting: true });
    expect(pp.problems).toEqual([]);
    const tb = frames('zeek_icmp_icmp6-toobig.pcap')[0]!;
    expect(icmpLayer(tb).value.body).toEqual({ kind: 'too-big', mtu: 1280 });
    const du = frames('zeek_icmp_icmp6-destunreach-ip6ext-udp.pcap')[0]!;
    expect(protocolsPath(du)).toBe('eth:ethertype:ipv6:icmpv6:ipv6:ipv6.hopopts:udp:data');
    // the Info column keeps the outer message (tshark stops at the quoted packet)
    expect(summaryColumns(du, PREFS, 6).info).toBe('Destination Unreachable (no route to destination)');
  });

  it('a redirect decodes the redirected header option as the quoted packet', () => {
    const f = frames('zeek_icmp_icmp6-redirect-hdr-opt.pcap')[0]!;
    expect(icmpLayer(f).value.body).toMatchObject({ kind: 'redirect', target: 'fe80::cafe', destination: 'fe80::babe', options: [{ kind: 'redirected' }] });
    expect(f.layers.map((l) => l.proto.name)).toEqual(['eth', 'ipv6', 'icmpv6', 'ipv6', 'udp', 'data']);
    expect(labels(f)).toContain('Length: 8 (64 bytes)');
  });

  it('a bad checksum is reported (warning) and shown with the right value', () => {
    const f = frames('zeek_chksums_ip6-icmp6-bad-chksum.pcap')[0]!;
    const v = icmpLayer(f).value;
    expect(v.checksumStatus).toBe('bad');
    expect(f.problems).toMatchObject([{ code: 'bad-checksum', severity: 'warning', field: 'icmpv6.checksum', actual: v.checksum, expected: v.checksumCalculated }]);
    expect(labels(f)).toContain(`Checksum: 0x${v.checksum.toString(16).padStart(4, '0')} incorrect, should be 0x${v.checksumCalculated!.toString(16).padStart(4, '0')}`);
  });

  it('messages cut short show the fields present and report truncated (nd-short-options.pcap)', () => {
    const fs = frames('zeek_icmp_icmp6-nd-short-options.pcap');
    expect(fs[0]!.problems).toMatchObject([{ code: 'truncated', layer: 'icmpv6', severity: 'error' }]);
    expect(labels(fs[0]!)).toContain('Router lifetime (s): 1800');
  });
});

describe('ICMPv6 truncation and random bytes never throw', () => {
  it('every truncation length of a message reports truncated, problems inside the bytes', () => {
    const inputs: Icmpv6Input[] = [
      { type: 128, body: { kind: 'echo', ident: 1, seq: 2 } },
      { type: 135, body: { kind: 'ns', reserved: new Uint8Array(4), target: 'fe80::2', options: [] } },
      { type: 134, body: { kind: 'ra', curHopLimit: 64, flags: 0, lifetime: 1800, reachable: 0, retrans: 0, options: [] } },
      { type: 137, body: { kind: 'redirect', reserved: new Uint8Array(4), target: 'fe80::3', destination: 'fe80::4', options: [] } },
      { type: 131, body: { kind: 'mld', maxDelay: 0, reserved: new Uint8Array(2), address: 'ff02::fb' } },
    ];
    for (const input of inputs) {
      const whole = packet(input);
      for (let p = 40; p < whole.length; p++) {
        const bytes = whole.slice(0, p);
        const f = dissectRaw(bytes, p);
        // the IPv6 payload length now runs past the data, and ICMPv6 itself is short
        expect(f.problems.length, `${input.type} at ${p}`).toBeGreaterThan(0);
        expect(f.problems.some((x) => x.code === 'truncated' || x.code === 'bad-length')).toBe(true);
        for (const x of f.problems) expect(x.start >= 0 && x.end <= p && x.start <= x.end).toBe(true);
        frameTree(f, PREFS);
      }
    }
  });

  it('random bytes after an IPv6 header never throw and keep problem ranges inside the frame', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 120 }), fc.integer({ min: 0, max: 255 }), (body, type) => {
        if (body.length > 0) body[0] = type;
        const bytes = build([layer(ipv6, { src: 'fe80::1', dst: 'fe80::2', nxt: 58 })], body);
        const f = dissectRaw(bytes);
        for (const x of f.problems) expect(x.start >= 0 && x.end <= bytes.length && x.start <= x.end).toBe(true);
        frameTree(f, PREFS);
        summaryColumns(f, PREFS, 6);
      }),
      { numRuns: 1000 },
    );
  });

  it('every prefix of the real packets dissects without throwing', () => {
    for (const name of FIXTURES) {
      for (const f of frames(name)) {
        for (let p = 0; p <= f.data.length; p++) {
          const g = new Dissector(registerDefaults(), { prefs: PREFS }).dissect({ ...f.record, data: f.data.slice(0, p) });
          for (const x of g.problems) expect(x.start >= 0 && x.end <= p).toBe(true);
          frameTree(g, PREFS);
        }
      }
    }
  });
});

describe('ICMPv6 encoding', () => {
  it('computes the checksum over the pseudo-header; explicit values are written verbatim', () => {
    const bytes = packet({ type: 128, body: { kind: 'echo', ident: 0x1234, seq: 1 } }, new Uint8Array([1, 2, 3]));
    const f = dissectRaw(bytes);
    expect(icmpLayer(f).value.checksumStatus).toBe('good');
    const bad = packet({ type: 128, checksum: 0xdead, body: { kind: 'echo', ident: 0x1234, seq: 1 } });
    const g = dissectRaw(bad);
    expect(icmpLayer(g).value).toMatchObject({ checksum: 0xdead, checksumStatus: 'bad' });
  });

  it('throws EncodeError naming the field for values that do not fit', () => {
    const cases: [Icmpv6Input, string][] = [
      [{ type: 300 }, 'icmpv6.type'],
      [{ type: 128, body: { kind: 'echo', ident: 70000, seq: 0 } }, 'icmpv6.echo.identifier'],
      [{ type: 135, body: { kind: 'ns', reserved: new Uint8Array(4), target: 'bogus', options: [] } }, 'icmpv6.nd.ns.target_address'],
      [{ type: 135, body: { kind: 'ns', reserved: new Uint8Array(4), target: '::', options: [{ kind: 'lla', type: 1, data: new Uint8Array(5) }] } }, 'icmpv6.opt.length'],
      [{ type: 2, body: { kind: 'too-big', mtu: -1 } }, 'icmpv6.mtu'],
    ];
    for (const [input, field] of cases) {
      let err: unknown;
      try {
        packet(input);
      } catch (e) {
        err = e;
      }
      expect(err).toBeInstanceOf(EncodeError);
      expect((err as EncodeError).field).toBe(field);
    }
  });

  it('decode(encode(v)) gives v back, encodingLength agrees, and decoding at an offset is the same', () => {
    fc.assert(
      fc.property(arbInput(), fc.uint8Array({ maxLength: 8 }), (input, pre) => {
        const bytes = packet(input);
        expect(bytes.length - 40).toBe(icmpv6EncodingLength(input));
        const f = dissectRaw(bytes);
        const v = icmpLayer(f).value;
        expect(v).toMatchObject({ type: input.type, code: input.code, checksumStatus: 'good' });
        expect(v.body).toEqual(input.body);
        // the same message inside a larger buffer, at an offset
        const msg = bytes.subarray(40);
        const big = new Uint8Array(pre.length + msg.length + 3);
        big.set(pre, 0);
        big.set(msg, pre.length);
        const ctx: DecodeContext = { frame: big, layers: [], problems: [] as Problem[], prefs: PREFS, wireLen: big.length, fcsLen: 0, inError: false };
        const r = icmpv6.decode(big, pre.length, pre.length + msg.length, ctx);
        expect(r.value.body).toEqual(input.body);
        expect(r.end - pre.length).toBe(msg.length);
      }),
      { numRuns: 300 },
    );
  });

  it('an error message wraps the quoted packet given as inner layers', () => {
    const bytes = build([
      layer(ipv6, { src: 'fe80::1', dst: 'fe80::2' }),
      layer(icmpv6, { type: 1, code: 4, body: { kind: 'error', reserved: new Uint8Array(4) } }),
      layer(ipv6, { src: 'fe80::2', dst: 'fe80::1', plen: 100 }),
      layer(udp, { srcport: 40000, dstport: 40001, length: 100 }),
      layer(data, { data: new Uint8Array([7, 7, 7]) }),
    ]);
    const f = dissectRaw(bytes);
    expect(f.layers.map((l) => l.proto.name)).toEqual(['ipv6', 'icmpv6', 'ipv6', 'udp', 'data']);
    expect(f.problems).toEqual([]);
    expect(summaryColumns(f, PREFS, 6).info).toBe('Destination Unreachable (Port unreachable)');
  });
});

describe('ICMPv6 lossless re-encoding', () => {
  for (const name of FIXTURES) {
    it(`${name}: each frame re-encodes to its original bytes`, () => {
      for (const f of frames(name)) {
        const r = rebuild(f);
        if (f.problems.some((p) => p.code === 'truncated')) continue;
        expect(r.rebuilt).toBe(true);
        expect(Buffer.from(r.bytes).toString('hex')).toBe(Buffer.from(f.data).toString('hex'));
      }
    });
  }
});

// ---- arbitraries ------------------------------------------------------------------------------------------

const addr = fc.ipV6().map((a) => ipv6ToString(parseIPv6(a)!));
const u32 = fc.integer({ min: 0, max: 0xffffffff });

function arbOption(): fc.Arbitrary<NdOption> {
  return fc.oneof(
    fc.record({ kind: fc.constant('lla' as const), type: fc.constantFrom(1 as const, 2 as const), data: fc.uint8Array({ minLength: 6, maxLength: 6 }) }),
    fc.record({ kind: fc.constant('prefix' as const), prefixLength: fc.integer({ min: 0, max: 128 }), flags: fc.integer({ min: 0, max: 255 }), valid: u32, preferred: u32, reserved: fc.uint8Array({ minLength: 4, maxLength: 4 }), prefix: addr }),
    fc.record({ kind: fc.constant('mtu' as const), reserved: fc.uint8Array({ minLength: 2, maxLength: 2 }), mtu: u32 }),
    fc.record({ kind: fc.constant('rdnss' as const), reserved: fc.uint8Array({ minLength: 2, maxLength: 2 }), lifetime: u32, servers: fc.array(addr, { minLength: 1, maxLength: 3 }) }),
    fc.record({ kind: fc.constant('unknown' as const), type: fc.constantFrom(14, 31, 200), data: fc.integer({ min: 0, max: 3 }).map((n) => new Uint8Array(6 + 8 * n).fill(n)) }),
  );
}

function arbBody(): fc.Arbitrary<[number, Icmpv6Body]> {
  const opts = fc.array(arbOption(), { maxLength: 3 });
  return fc.oneof(
    fc.record({ ident: fc.integer({ min: 0, max: 0xffff }), seq: fc.integer({ min: 0, max: 0xffff }) }).map((x): [number, Icmpv6Body] => [128, { kind: 'echo', ...x }]),
    u32.map((mtu): [number, Icmpv6Body] => [2, { kind: 'too-big', mtu }]),
    fc.record({ reserved: fc.uint8Array({ minLength: 4, maxLength: 4 }), target: addr, options: opts }).map((x): [number, Icmpv6Body] => [135, { kind: 'ns', ...x }]),
    fc.record({ flags: u32, target: addr, options: opts }).map((x): [number, Icmpv6Body] => [136, { kind: 'na', ...x }]),
    fc.record({ reserved: fc.uint8Array({ minLength: 4, maxLength: 4 }), options: opts }).map((x): [number, Icmpv6Body] => [133, { kind: 'rs', ...x }]),
    fc.record({ curHopLimit: fc.integer({ min: 0, max: 255 }), flags: fc.integer({ min: 0, max: 255 }), lifetime: fc.integer({ min: 0, max: 0xffff }), reachable: u32, retrans: u32, options: opts }).map((x): [number, Icmpv6Body] => [134, { kind: 'ra', ...x }]),
    fc.record({ reserved: fc.uint8Array({ minLength: 4, maxLength: 4 }), target: addr, destination: addr, options: opts }).map((x): [number, Icmpv6Body] => [137, { kind: 'redirect', ...x }]),
    fc.record({ maxDelay: fc.integer({ min: 0, max: 0xffff }), reserved: fc.uint8Array({ minLength: 2, maxLength: 2 }), address: addr }).map((x): [number, Icmpv6Body] => [131, { kind: 'mld', ...x }]),
    fc.record({ reserved: fc.uint8Array({ minLength: 2, maxLength: 2 }), records: fc.array(fc.record({ type: fc.integer({ min: 1, max: 6 }), address: addr, sources: fc.array(addr, { maxLength: 2 }), auxLen: fc.constant(1), aux: fc.uint8Array({ minLength: 4, maxLength: 4 }) }), { maxLength: 3 }) }).map((x): [number, Icmpv6Body] => [143, { kind: 'mld2-report', ...x }]),
  );
}

function arbInput(): fc.Arbitrary<Icmpv6Input> {
  return fc.tuple(arbBody(), fc.integer({ min: 0, max: 255 })).map(([[type, body], code]) => ({ type, code, body }));
}
