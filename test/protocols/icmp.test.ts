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
import { icmp, icmpEncodingLength } from '../../src/protocols/icmp.js';
import type { IcmpBody, IcmpInput, IcmpValue } from '../../src/protocols/icmp.js';
import { registerDefaults } from '../../src/protocols/index.js';
import { ipv4 } from '../../src/protocols/ipv4.js';
import type { DecodeContext, Layer, TreeContext } from '../../src/protocols/types.js';
import { udp } from '../../src/protocols/udp.js';
import { fixtureFrames, tsharkRows as fixtureRows } from './net-helpers.js';

const DIR = new URL('../../fixtures/protocols/icmp/', import.meta.url);
const PREFS: Prefs = { ...ORACLE_PREFS };
const FIXTURES = readdirSync(DIR).filter((n) => n.endsWith('.pcap'));
/** frame.protocols is compared up to the first protocol another part of wirelens decodes (dns here). */
const OURS = new Set(['eth', 'ethertype', 'ip', 'ipv6', 'icmp', 'icmpv6', 'udp', 'data']);

const frames = (name: string): Frame[] => fixtureFrames(DIR, name, PREFS);

const tsharkRows = (name: string): { header: string[]; rows: string[][] } => fixtureRows(DIR, name);

/** tshark's Info column, with its request/response matching and exception markers. */
function tsharkInfo(name: string): string[] {
  return readFileSync(new URL(name + '.info.txt', DIR), 'utf8').split('\n');
}

function icmpLayer(f: Frame): Layer<IcmpValue> {
  return f.layers.find((l) => l.proto === icmp)! as Layer<IcmpValue>;
}

function treeCtx(f: Frame): TreeContext {
  return { frame: f.data, layers: f.layers, index: f.layers.findIndex((l) => l.proto === icmp), prefs: PREFS };
}

function labels(f: Frame): string[] {
  const out: string[] = [];
  const walk = (ns: readonly FieldNode[]) => {
    for (const n of ns) {
      if (!n.hidden) out.push(nodeLabel(n));
      if (n.children) walk(n.children);
    }
  };
  walk(icmp.tree(icmpLayer(f), treeCtx(f)));
  return out;
}

function dissectRaw(bytes: Uint8Array, origLen = bytes.length): Frame {
  const rec: CaptureRecord = { index: 0, interfaceId: 0, linkType: 228, tsSec: 0, tsNsec: 0, origLen, data: bytes };
  return new Dissector(registerDefaults(), { prefs: PREFS }).dissect(rec);
}

function packet(input: IcmpInput, payload: Uint8Array = new Uint8Array(0)): Uint8Array {
  return build([layer(ipv4, { src: '10.0.0.1', dst: '10.0.0.2', ttl: 64 }), layer(icmp, input)], payload);
}

describe('ICMP against tshark 4.0 (fixtures/protocols/icmp)', () => {
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
          expect(`#${i + 1} ${h}=${ours}`).toBe(`#${i + 1} ${h}=${theirs}`);
        });
        // Info of the ICMP frames (the DNS frames of dns_icmp.pcap belong to the DNS decoder)
        if (f.layers.some((l) => l.proto === icmp)) expect(`#${i + 1} ${summaryColumns(f, PREFS, 6).info}`).toBe(`#${i + 1} ${info[i]}`);
      });
    });
  }
});

describe('ICMP messages, field by field', () => {
  it('echo request (dns_icmp.pcap frame 3): identifier and sequence both ways, data after, Info with the TTL', () => {
    const f = frames('dpkt_dns_icmp.pcap')[2]!;
    const l = icmpLayer(f);
    expect(l.value).toMatchObject({ type: 8, code: 0, checksum: 0xbbb3, checksumStatus: 'good', body: { kind: 'echo', ident: 0xd73b, seq: 0 } });
    expect(labels(f)).toEqual([
      'Type: 8 (Echo (ping) request)',
      'Code: 0',
      'Checksum: 0xbbb3 [correct]',
      '[Checksum Status: Good]',
      'Identifier (BE): 55099 (0xd73b)',
      'Identifier (LE): 15319 (0x3bd7)',
      'Sequence Number (BE): 0 (0x0000)',
      'Sequence Number (LE): 0 (0x0000)',
      // the send time ping put in the data, as tshark -V shows it
      'Timestamp from icmp data: May 30, 2013 22:45:17.283108000 UTC',
      '[Timestamp from icmp data (relative): 0.000079000 seconds]',
    ]);
    expect(f.layers.map((x) => x.proto.name)).toEqual(['eth', 'ip', 'icmp', 'data']);
    expect(icmp.summary!(l, treeCtx(f))).toBe('Echo (ping) request  id=0xd73b, seq=0/0, ttl=64');
    const reply = frames('dpkt_dns_icmp.pcap')[5]!;
    expect(icmp.summary!(icmpLayer(reply), treeCtx(reply))).toBe('Echo (ping) reply    id=0xd73b, seq=1/256, ttl=40 (request in 5)');
  });

  it('destination unreachable quotes the datagram: nested IPv4 and UDP without length errors', () => {
    const f = frames('zeek_icmp_icmp-destunreach-udp.pcap')[0]!;
    const l = icmpLayer(f);
    expect(l.value).toMatchObject({ type: 3, code: 3, body: { kind: 'error', unused: new Uint8Array(4) }, quoting: true });
    expect(labels(f).slice(0, 2)).toEqual(['Type: 3 (Destination unreachable)', 'Code: 3 (Port unreachable)']);
    expect(f.layers.map((x) => x.proto.name).slice(0, 5)).toEqual(['eth', 'ip', 'icmp', 'ip', 'udp']);
    const inner = f.layers[3]!.value as { len: number; src: string };
    expect(inner).toMatchObject({ len: 163, src: '192.168.1.1' });
    expect(f.problems.filter((p) => ['ip', 'icmp', 'udp'].includes(p.layer))).toEqual([]);
    // the summary stops at the quoted datagram
    expect(summaryColumns(f, PREFS, 6).info).toBe('Destination unreachable (Port unreachable)');
  });

  it('time exceeded and a header cut by the snapshot length', () => {
    const te = frames('zeek_icmp_icmp-timeexceeded.pcap')[0]!;
    expect(icmpLayer(te).value).toMatchObject({ type: 11, code: 0 });
    expect(icmp.summary!(icmpLayer(te), treeCtx(te))).toBe('Time-to-live exceeded (Time to live exceeded in transit)');
    const tr = frames('zeek_trunc_icmp-header-trunc.pcap')[0]!;
    expect(icmpLayer(tr).value.checksumStatus).toBe('unchecked');
    expect(labels(tr)).toContain('Checksum: 0xd9db [unverified] [fragmented datagram]');
    expect(labels(tr)).toContain('Identifier (BE): 27103 (0x69df)');
    expect(labels(tr).some((x) => x.startsWith('Sequence'))).toBe(false);
    expect(tr.problems.some((p) => p.code === 'truncated' && p.layer === 'icmp')).toBe(true);
  });

  it('a bad checksum is a warning with the value it should have', () => {
    const bytes = packet({ type: 8, checksum: 0x1234, body: { kind: 'echo', ident: 1, seq: 1 } });
    const f = dissectRaw(bytes);
    const v = icmpLayer(f).value;
    expect(v.checksumStatus).toBe('bad');
    expect(f.problems).toMatchObject([{ code: 'bad-checksum', severity: 'warning', field: 'icmp.checksum', actual: 0x1234, expected: v.checksumCalculated }]);
    expect(labels(f)).toContain(`Checksum: 0x1234 [incorrect, should be 0x${v.checksumCalculated!.toString(16).padStart(4, '0')}]`);
  });

  it('redirect, parameter problem, fragmentation needed, timestamp and address mask bodies', () => {
    const cases: [IcmpInput, string[], string][] = [
      [{ type: 5, code: 1, body: { kind: 'redirect', gateway: '10.0.0.254' } }, ['Gateway Address: 10.0.0.254'], 'Redirect (Redirect for host)'],
      [{ type: 12, code: 0, body: { kind: 'param-problem', pointer: 9, unused: new Uint8Array(3) } }, ['Pointer: 9'], 'Parameter problem (Pointer indicates the error)'],
      [{ type: 3, code: 4, body: { kind: 'error', unused: new Uint8Array(2), mtu: 1492 } }, ['MTU of next hop: 1492'], 'Destination unreachable (Fragmentation needed)'],
      [{ type: 13, body: { kind: 'timestamp', ident: 1, seq: 2, originate: 3, receive: 4, transmit: 5 } }, ['Originate Timestamp: 3', 'Transmit Timestamp: 5'], 'Timestamp request'],
      [{ type: 18, body: { kind: 'mask', ident: 1, seq: 2, mask: '255.255.255.0' } }, ['Address Mask: 255.255.255.0'], 'Address mask reply'],
    ];
    for (const [input, want, info] of cases) {
      const f = dissectRaw(packet(input, ERROR_TYPES.has(input.type) ? quoted() : new Uint8Array(0)));
      expect(icmpLayer(f).value.body).toEqual(input.body);
      for (const w of want) expect(labels(f)).toContain(w);
      expect(summaryColumns(f, PREFS, 6).info).toBe(info);
      expect(f.problems).toEqual([]);
    }
  });
});

const ERROR_TYPES = new Set([3, 4, 5, 11, 12]);

/** The start of a UDP datagram, as an error quotes it. */
function quoted(): Uint8Array {
  return build([layer(ipv4, { src: '10.0.0.2', dst: '10.0.0.9', len: 300 }), layer(udp, { srcport: 40000, dstport: 40001, length: 280 })]);
}

describe('ICMP truncation and random bytes never throw', () => {
  it('every truncation length of the header reports truncated', () => {
    const bodies: IcmpInput[] = [
      { type: 8, body: { kind: 'echo', ident: 7, seq: 9 } },
      { type: 13, body: { kind: 'timestamp', ident: 1, seq: 2, originate: 3, receive: 4, transmit: 5 } },
      { type: 17, body: { kind: 'mask', ident: 1, seq: 2, mask: '255.0.0.0' } },
    ];
    for (const input of bodies) {
      const whole = packet(input);
      for (let p = 21; p < whole.length; p++) {
        const f = dissectRaw(whole.slice(0, p), whole.length);
        expect(f.problems.some((x) => x.code === 'truncated' && x.layer === 'icmp'), `type ${input.type} cut at ${p}`).toBe(true);
        for (const x of f.problems) expect(x.start >= 0 && x.end <= p && x.start <= x.end).toBe(true);
        frameTree(f, PREFS);
        summaryColumns(f, PREFS, 6);
      }
    }
  });

  it('random messages after an IPv4 header never throw, problems inside the frame', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 100 }), fc.integer({ min: 0, max: 255 }), (body, type) => {
        if (body.length) body[0] = type;
        const bytes = build([layer(ipv4, { proto: 1 })], body);
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

describe('ICMP encoding', () => {
  it('throws EncodeError naming the field for values that do not fit', () => {
    const cases: [IcmpInput, string][] = [
      [{ type: 256 }, 'icmp.type'],
      [{ type: 8, code: -1 }, 'icmp.code'],
      [{ type: 8, body: { kind: 'echo', ident: 65536, seq: 0 } }, 'icmp.ident'],
      [{ type: 5, body: { kind: 'redirect', gateway: '1.2.3' } }, 'icmp.redir_gw'],
      [{ type: 3, body: { kind: 'error', unused: new Uint8Array(3) } }, 'icmp.unused'],
      [{ type: 8, checksum: 0x10000 }, 'icmp.checksum'],
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

  it('decode(encode(v)) gives v back with the checksum filled; encodingLength agrees; same at an offset', () => {
    fc.assert(
      fc.property(arbInput(), fc.uint8Array({ maxLength: 24 }), fc.uint8Array({ maxLength: 8 }), (input, payload, pre) => {
        const msg = build([layer(icmp, input)], payload);
        expect(msg.length).toBe(icmpEncodingLength(input) + payload.length);
        const f = dissectRaw(packet(input, payload));
        const v = icmpLayer(f).value;
        expect(v).toMatchObject({ type: input.type, code: input.code, checksumStatus: 'good' });
        expect(v.body).toEqual(input.body);
        const big = new Uint8Array(pre.length + msg.length + 5);
        big.set(pre);
        big.set(msg, pre.length);
        const ctx: DecodeContext = { frame: big, layers: [], problems: [] as Problem[], prefs: PREFS, wireLen: big.length, fcsLen: 0, inError: false };
        const r = icmp.decode(big, pre.length, pre.length + msg.length, ctx);
        expect(r.value.body).toEqual(input.body);
        expect(r.end - pre.length).toBe(msg.length);
      }),
      { numRuns: 300 },
    );
  });

  it('the quoted datagram and bytes after it come back byte for byte', () => {
    const extra = new Uint8Array([0x20, 0, 0, 0]);
    const bytes = build([layer(ipv4, { src: '10.0.0.1', dst: '10.0.0.2' }), layer(icmp, { type: 11, body: { kind: 'error', unused: new Uint8Array(4) } }), layer(ipv4, { src: '10.0.0.2', dst: '10.0.0.9', len: 28 }), layer(udp, { srcport: 40000, dstport: 40001, length: 8 })], new Uint8Array(0));
    const withTail = new Uint8Array(bytes.length + extra.length);
    withTail.set(bytes);
    withTail.set(extra, bytes.length);
    withTail[3] = withTail.length; // ip.len of the outer datagram covers the extension bytes
    const f = dissectRaw(withTail);
    expect(icmpLayer(f).value.trailer).toEqual(extra);
    const r = rebuild(f);
    expect(r.rebuilt).toBe(true);
    expect(Buffer.from(r.bytes).toString('hex')).toBe(Buffer.from(withTail).toString('hex'));
  });
});

describe('ICMP lossless re-encoding', () => {
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
});

// ---- arbitraries ------------------------------------------------------------------------------------------

const u16 = fc.integer({ min: 0, max: 0xffff });
const u32 = fc.integer({ min: 0, max: 0xffffffff });

function arbInput(): fc.Arbitrary<IcmpInput> {
  const body: fc.Arbitrary<[number, IcmpBody]> = fc.oneof(
    fc.record({ ident: u16, seq: u16 }).chain((x) => fc.constantFrom(0, 8, 15, 16).map((t): [number, IcmpBody] => [t, { kind: 'echo', ...x }])),
    fc.record({ ident: u16, seq: u16, originate: u32, receive: u32, transmit: u32 }).chain((x) => fc.constantFrom(13, 14).map((t): [number, IcmpBody] => [t, { kind: 'timestamp', ...x }])),
    fc.record({ ident: u16, seq: u16, mask: fc.ipV4() }).chain((x) => fc.constantFrom(17, 18).map((t): [number, IcmpBody] => [t, { kind: 'mask', ...x }])),
    fc.ipV4().map((g): [number, IcmpBody] => [5, { kind: 'redirect', gateway: g }]),
    fc.record({ pointer: fc.integer({ min: 0, max: 255 }), unused: fc.uint8Array({ minLength: 3, maxLength: 3 }) }).map((x): [number, IcmpBody] => [12, { kind: 'param-problem', ...x }]),
    fc.uint8Array({ minLength: 4, maxLength: 4 }).chain((u) => fc.constantFrom(4, 11).map((t): [number, IcmpBody] => [t, { kind: 'error', unused: u }])),
    fc.uint8Array({ minLength: 4, maxLength: 4 }).chain((rest) => fc.constantFrom(7, 99, 200).map((t): [number, IcmpBody] => [t, { kind: 'unknown', rest }])),
  );
  return fc.tuple(body, fc.integer({ min: 0, max: 255 })).map(([[type, b], code]) => ({ type, code: type === 3 ? code & 3 : code, body: b }));
}

void data;
