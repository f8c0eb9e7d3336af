import { readFileSync, readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { readCapture } from '../../src/capture/reader.js';
import type { CaptureRecord } from '../../src/capture/types.js';
import { build, ether, ipv4, layer, payload, rebuild, udp as udpLayer } from '../../src/craft/index.js';
import { EncodeError } from '../../src/core/problem.js';
import type { Problem } from '../../src/core/problem.js';
import { Dissector } from '../../src/dissect/dissect.js';
import type { Frame } from '../../src/dissect/frame.js';
import { DEFAULT_PREFS, ORACLE_PREFS } from '../../src/dissect/prefs.js';
import type { Prefs } from '../../src/dissect/prefs.js';
import { DEFAULT_FIELDS_OPTIONS, fieldCell } from '../../src/inspect/fields.js';
import { summaryColumns } from '../../src/inspect/summary.js';
import { frameDetail } from '../../src/inspect/text.js';
import { collect, frameTree } from '../../src/inspect/tree.js';
import { ipv6, registerDefaults } from '../../src/protocols/index.js';
import { udp, udpEncodingLength } from '../../src/protocols/udp.js';
import type { UdpInput, UdpValue } from '../../src/protocols/udp.js';
import type { DecodeContext, Layer } from '../../src/protocols/types.js';

const DIR = new URL('../../fixtures/protocols/udp/', import.meta.url);
const FILES = readdirSync(DIR).filter((f) => f.endsWith('.pcap')).sort();
const FIELDS = readFileSync(new URL('fields.txt', DIR), 'utf8').trim().split(/\s+/);

const GOLDEN: Prefs = { ...ORACLE_PREFS };
const DEFAULTS: Prefs = {
  ...DEFAULT_PREFS,
  'tcp.desegment_tcp_streams': false,
  'dns.desegment_dns_messages': false,
  'ip.defragment': false,
  'ipv6.defragment': false,
  'tcp.check_checksum': true,
  'udp.check_checksum': true,
};

function records(file: string): CaptureRecord[] {
  return [...readCapture(new Uint8Array(readFileSync(new URL(file, DIR))))];
}

function frames(file: string, prefs: Prefs): Frame[] {
  const d = new Dissector(registerDefaults(), { prefs });
  return records(file).map((r) => d.dissect(r));
}

function tsv(file: string, kind: 'golden' | 'default'): string[][] {
  const lines = readFileSync(new URL(file.replace(/\.pcap$/, `.${kind}.tsv`), DIR), 'utf8').split('\n');
  if (lines.at(-1) === '') lines.pop();
  return lines.map((l) => l.split('\t'));
}

function udpOf(f: Frame): Layer<UdpValue> | undefined {
  return f.layers.find((l) => l.proto === udp) as Layer<UdpValue> | undefined;
}

/** Protocols on top of UDP that tshark decodes here and wirelens does not (their Info and path are theirs). */
const OTHER_APPS = /:(quic|nbdgm|nbns|smb|browser|ssdp)\b/;

describe('UDP against tshark 4.0 (-T fields, fixtures)', () => {
  for (const file of FILES) {
    for (const [kind, prefs] of [
      ['golden', GOLDEN],
      ['default', DEFAULTS],
    ] as const) {
      it(`${file}: every field as tshark prints it (${kind} preferences)`, () => {
        const theirs = tsv(file, kind);
        const ours = frames(file, prefs);
        expect(ours.length).toBe(theirs.length);
        const diffs: string[] = [];
        ours.forEach((f, i) => {
          const row = theirs[i]!;
          const found = collect(frameTree(f, prefs), new Set(FIELDS));
          const protocols = row[FIELDS.indexOf('frame.protocols')] ?? '';
          FIELDS.forEach((name, c) => {
            if ((name === 'frame.protocols' || name === '_ws.col.Info') && (OTHER_APPS.test(protocols) || !/:udp\b/.test(protocols))) return;
            const a = name === '_ws.col.Info' ? summaryColumns(f, prefs, 6).info : fieldCell(found.get(name), DEFAULT_FIELDS_OPTIONS);
            const b = row[c] ?? '';
            if (a !== b) diffs.push(`${file}#${i + 1} ${name}: ours=${JSON.stringify(a)} tshark=${JSON.stringify(b)}`);
          });
        });
        expect(diffs).toEqual([]);
      });
    }
  }
});

function sections(lines: readonly string[], title: string): string[][] {
  const out: string[][] = [];
  const indent = (l: string): number => l.length - l.trimStart().length;
  for (let i = 0; i < lines.length; i++) {
    if (!lines[i]!.trimStart().startsWith(title)) continue;
    const base = indent(lines[i]!);
    const sec = [lines[i]!.trim()];
    let skip = -1;
    for (let j = i + 1; j < lines.length && lines[j]!.trim() !== '' && indent(lines[j]!) > base; j++) {
      const line = lines[j]!;
      const depth = indent(line);
      if (skip >= 0 && depth > skip) continue;
      skip = -1;
      const t = line.trim();
      // expert subtrees (wirelens reports problems outside the tree)
      if (/^\[Expert Info \(/.test(t)) {
        skip = depth;
        continue;
      }
      sec.push(line.slice(base).trimEnd());
    }
    out.push(sec);
  }
  return out;
}

describe('UDP tree against tshark -V (golden preferences)', () => {
  for (const file of FILES) {
    it(`${file}: the UDP section of every frame, line by line (quoted ones in ICMP errors too)`, () => {
      const theirs = sections(readFileSync(new URL(file.replace(/\.pcap$/, '.golden.V.txt'), DIR), 'utf8').split('\n'), 'User Datagram Protocol');
      const ours: string[][] = [];
      for (const f of frames(file, GOLDEN)) ours.push(...sections(frameDetail(f, GOLDEN, { only: new Set(['udp', 'icmp', 'icmpv6']) }), 'User Datagram Protocol'));
      expect(ours).toEqual(theirs);
    });
  }
});

// ---------------------------------------------------------------------------------------------------------------

function ctxFor(frame: Uint8Array, problems: Problem[] = [], extra: Partial<DecodeContext> = {}): DecodeContext {
  return { frame, layers: [], problems, prefs: DEFAULT_PREFS, wireLen: frame.length, fcsLen: 0, inError: false, ...extra };
}

function decodeAt(b: Uint8Array, start = 0, end = b.length, extra: Partial<DecodeContext> = {}) {
  const problems: Problem[] = [];
  const r = udp.decode(b, start, end, ctxFor(b, problems, extra));
  return { ...r, problems };
}

function dissect(bytes: Uint8Array, prefs: Prefs = GOLDEN, origLen = bytes.length, linkType = 1): Frame {
  return new Dissector(registerDefaults(), { prefs }).dissect({ index: 0, interfaceId: 0, linkType, tsSec: 0, tsNsec: 0, origLen, data: bytes });
}

describe('UDP decoding, field by field', () => {
  it('zeek ip4-udp-good-chksum.pcap: ports, length, checksum, payload as tshark shows them', () => {
    const [f] = frames('zeek-chksums-ip4-udp-good-chksum.pcap', DEFAULTS);
    const l = udpOf(f!)!;
    const row = tsv('zeek-chksums-ip4-udp-good-chksum.pcap', 'default')[0]!;
    expect(String(l.value.srcport)).toBe(row[FIELDS.indexOf('udp.srcport')]);
    expect(String(l.value.dstport)).toBe(row[FIELDS.indexOf('udp.dstport')]);
    expect(String(l.value.length)).toBe(row[FIELDS.indexOf('udp.length')]);
    expect('0x' + l.value.checksum.toString(16).padStart(4, '0')).toBe(row[FIELDS.indexOf('udp.checksum')]);
    expect(l.value.checksumStatus).toBe('good');
    expect(l.end - l.start).toBe(l.value.length);
  });
  for (const [file, status] of [
    ['zeek-chksums-ip4-udp-good-chksum.pcap', 'good'],
    ['zeek-chksums-ip4-udp-bad-chksum.pcap', 'bad'],
    ['zeek-chksums-ip6-udp-good-chksum.pcap', 'good'],
    ['zeek-chksums-ip6-udp-bad-chksum.pcap', 'bad'],
    ['zeek-chksums-ip6-route0-udp-good-chksum.pcap', 'good'],
  ] as const) {
    it(`${file}: checksum ${status} over the pseudo-header; a problem only with udp.check_checksum`, () => {
      const [f] = frames(file, DEFAULTS);
      expect(udpOf(f!)!.value.checksumStatus).toBe(status);
      expect(f!.problems.filter((p) => p.code === 'bad-checksum').length).toBe(status === 'bad' ? 1 : 0);
      if (status === 'bad') expect(summaryColumns(f!, DEFAULTS, 6).info).toMatch(/\[UDP CHECKSUM INCORRECT\]$/);
      const [g] = frames(file, GOLDEN);
      expect(g!.problems.filter((p) => p.code === 'bad-checksum')).toEqual([]);
    });
  }
  it('IPv6 payload length 0 with UDP length 0: a jumbogram, the length from the frame (tcpdump quic_32_bit_pointer_overflow.pcap)', () => {
    const [f] = frames('malformed-tcpdump-quic_32_bit_pointer_overflow.pcap', GOLDEN);
    const l = udpOf(f!)!;
    expect(l.value.length).toBe(0);
    expect(l.value.jumboLength).toBe(f!.record.origLen - l.start);
    expect(summaryColumns(f!, GOLDEN, 6).info).toBe(`0 → 443 Len=${f!.record.origLen - l.start - 8} [Jumbogram]`);
  });
});

describe('UDP truncation and bad lengths', () => {
  const good = build([ipv4({ src: '10.0.0.1', dst: '10.0.0.2' }), udpLayer({ srcport: 1234, dstport: 9999 }), payload('hello')]).subarray(20);
  for (let k = 0; k < 8; k++) {
    it(`${k} bytes of header: truncated, never throws, ranges inside`, () => {
      const r = decodeAt(good.subarray(0, k));
      expect(r.problems.map((p) => p.code)).toEqual(['truncated']);
      for (const p of r.problems) expect(p.end).toBeLessThanOrEqual(k);
      const l: Layer<UdpValue> = { proto: udp, start: 0, headerEnd: r.headerEnd, end: r.end, value: r.value };
      const ctx = { frame: good.subarray(0, k), layers: [l], index: 0, prefs: GOLDEN };
      expect(() => udp.tree(l, ctx)).not.toThrow();
      expect(() => udp.summary!(l, ctx)).not.toThrow();
    });
  }
  it('length below 8: bogus, nothing more dissected (no data layer), bytes kept for re-encoding', () => {
    for (const length of [0, 4, 7]) {
      const raw = build([ether({}), ipv4({ src: '10.0.0.1', dst: '10.0.0.2' }), udpLayer({ srcport: 1234, dstport: 9999, length, extra: new Uint8Array([104, 105]) })]);
      const f = dissect(raw);
      expect(f.layers.map((l) => l.proto.name)).toEqual(['eth', 'ip', 'udp']);
      const l = udpOf(f)!;
      expect(l.value.bogusLength).toBe('short');
      expect(summaryColumns(f, GOLDEN, 6).info).toBe(`1234 → 9999 [BAD UDP LENGTH ${length} < 8]`);
      const found = collect(frameTree(f, GOLDEN), new Set(['udp.length', 'udp.checksum']));
      expect(found.get('udp.length')![0]!.text).toBe(`Length: ${length} (bogus, must be >= 8)`);
      expect(found.get('udp.checksum')).toBeUndefined();
      expect(f.problems.find((p) => p.field === 'udp.length')).toMatchObject({ code: 'bad-length', severity: 'error', start: l.start + 4, end: l.start + 6 });
      expect(rebuild(f).bytes).toEqual(raw);
    }
  });
  it('length past the IP payload: labelled with the payload length, Info says so, the rest dissected', () => {
    const raw = build([ether({}), ipv4({ src: '10.0.0.1', dst: '10.0.0.2' }), udpLayer({ srcport: 1234, dstport: 9999, length: 30 }), payload('hello')]);
    const f = dissect(raw);
    const found = collect(frameTree(f, GOLDEN), new Set(['udp.length']));
    expect(found.get('udp.length')![0]!.text).toBe('Length: 30 (bogus, payload length 13)');
    expect(summaryColumns(f, GOLDEN, 6).info).toBe('1234 → 9999 [BAD UDP LENGTH 30 > IP PAYLOAD LENGTH] Len=22');
    expect(f.layers.at(-1)!.proto.name).toBe('data');
    expect(rebuild(f).bytes).toEqual(raw);
  });
  it('a snaplen cut is not a bad length', () => {
    const raw = build([ether({}), ipv4({ src: '10.0.0.1', dst: '10.0.0.2' }), udpLayer({ srcport: 1234, dstport: 9999 }), payload('a datagram long enough to need no Ethernet padding')]);
    const f = dissect(raw.subarray(0, raw.length - 4), GOLDEN, raw.length);
    expect(f.problems.filter((p) => p.layer === 'udp')).toEqual([]);
    expect(udpOf(f)!.value.bogusLength).toBeUndefined();
    expect(udpOf(f)!.value.checksumStatus).toBe('unchecked');
  });
  it('checksum 0: not present over IPv4 (status nested under the checksum as tshark 4.0 does), illegal over IPv6', () => {
    const f = dissect(build([ether({}), ipv4({ src: '10.0.0.1', dst: '10.0.0.2' }), udpLayer({ srcport: 1, dstport: 2, checksum: 0 }), payload('x')]));
    expect(udpOf(f)!.value.checksumStatus).toBe('none');
    const cks = collect(frameTree(f, GOLDEN), new Set(['udp.checksum'])).get('udp.checksum')![0]!;
    expect(cks.text).toBe('Checksum: 0x0000 [zero-value ignored]');
    expect(cks.children![0]!.text).toBe('[Checksum Status: Not present]');
    const g = dissect(build([ether({}), layer(ipv6, { src: '2001:db8::1', dst: '2001:db8::2' }), udpLayer({ srcport: 1, dstport: 2, checksum: 0 }), payload('x')]));
    expect(udpOf(g)!.value.checksumStatus).toBe('illegal');
    expect(summaryColumns(g, GOLDEN, 6).info).toBe('1 → 2 Len=1 [ILLEGAL CHECKSUM (0)]');
    expect(g.problems.find((p) => p.layer === 'udp')).toMatchObject({ code: 'bad-checksum', severity: 'warning' });
  });
  it('an explicit wrong checksum is written verbatim; verified, tshark labels it "incorrect, should be"', () => {
    const f = dissect(build([ether({}), ipv4({ src: '10.0.0.1', dst: '10.0.0.2' }), udpLayer({ srcport: 1, dstport: 2, checksum: 0x1234 }), payload('xy')]), DEFAULTS);
    const v = udpOf(f)!.value;
    expect(v.checksum).toBe(0x1234);
    const cks = collect(frameTree(f, DEFAULTS), new Set(['udp.checksum'])).get('udp.checksum')![0]!;
    expect(cks.text).toBe(`Checksum: 0x1234 incorrect, should be 0x${v.checksumCalculated!.toString(16).padStart(4, '0')} (maybe caused by "UDP checksum offload"?)`);
    expect(cks.children![0]!.def.abbrev).toBe('udp.checksum_calculated');
  });
  it('payload dispatch: lower port first, port 0 never', () => {
    expect(decodeAt(build([udpLayer({ srcport: 5353, dstport: 53 })])).next).toEqual([
      { table: 'udp.port', key: 53 },
      { table: 'udp.port', key: 5353 },
    ]);
    expect(decodeAt(build([udpLayer({ srcport: 0, dstport: 67 })])).next).toEqual([{ table: 'udp.port', key: 67 }]);
  });
  it('values that cannot fit throw EncodeError naming the field', () => {
    const cases: [UdpInput, string][] = [
      [{ srcport: 70000 }, 'udp.srcport'],
      [{ length: 65536 }, 'udp.length'],
    ];
    for (const [input, field] of cases) {
      let err: unknown;
      try {
        build([udpLayer(input)]);
      } catch (e) {
        err = e;
      }
      expect(err).toBeInstanceOf(EncodeError);
      expect((err as EncodeError).field).toBe(field);
    }
    expect(() => build([udpLayer({})], new Uint8Array(65535))).toThrow(EncodeError);
  });
});

describe('UDP properties', () => {
  const inputArb = fc.record({ srcport: fc.integer({ min: 0, max: 0xffff }), dstport: fc.integer({ min: 0, max: 0xffff }) });
  it('decode(encode(v)) equals v with length and checksum filled (IPv4 and IPv6)', () => {
    fc.assert(
      fc.property(inputArb, fc.uint8Array({ maxLength: 64 }), fc.boolean(), (input, data, v6) => {
        const ip = v6 ? layer(ipv6, { src: '2001:db8::1', dst: '2001:db8::2' }) : ipv4({ src: '10.0.0.1', dst: '10.0.0.2' });
        const bytes = build([ether({}), ip, udpLayer(input), ...(data.length ? [payload(data)] : [])]);
        const f = dissect(bytes, DEFAULTS);
        const v = udpOf(f)!.value;
        expect(v).toMatchObject({ srcport: input.srcport, dstport: input.dstport, length: 8 + data.length, checksumStatus: 'good' });
        expect(v.checksum).not.toBe(0);
        expect(f.problems.filter((p) => p.layer === 'udp')).toEqual([]);
      }),
      { numRuns: 200 },
    );
  });
  it('udpEncodingLength agrees with encode', () => {
    fc.assert(
      fc.property(inputArb, fc.uint8Array({ maxLength: 64 }), fc.option(fc.uint8Array({ maxLength: 4 }), { nil: undefined }), (input, data, extra) => {
        const i: UdpInput = { ...input, ...(extra ? { extra } : {}) };
        expect(udp.encode!(i, data, { outer: [], pseudoHeaderSum: () => undefined }).length).toBe(udpEncodingLength(i, data.length));
      }),
    );
  });
  it('decoding at an offset inside a larger buffer gives the same value', () => {
    fc.assert(
      fc.property(inputArb, fc.uint8Array({ maxLength: 16 }), fc.uint8Array({ maxLength: 16 }), fc.uint8Array({ maxLength: 16 }), (input, data, before, after) => {
        const dg = udp.encode!(input, data, { outer: [], pseudoHeaderSum: () => undefined });
        const big = new Uint8Array(before.length + dg.length + after.length);
        big.set(before, 0);
        big.set(dg, before.length);
        big.set(after, before.length + dg.length);
        const a = decodeAt(dg);
        const b = decodeAt(big, before.length, before.length + dg.length);
        expect(b.value).toEqual(a.value);
        expect(b.end - before.length).toBe(a.end);
      }),
    );
  });
  it('random bytes never throw; problems inside the frame; tree and summary work', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 40 }), fc.boolean(), (bytes, inError) => {
        const r = decodeAt(bytes, 0, bytes.length, { inError });
        for (const p of r.problems) {
          expect(p.start).toBeGreaterThanOrEqual(0);
          expect(p.end).toBeLessThanOrEqual(bytes.length);
        }
        const l: Layer<UdpValue> = { proto: udp, start: 0, headerEnd: r.headerEnd, end: r.end, value: r.value };
        const ctx = { frame: bytes, layers: [l], index: 0, prefs: DEFAULTS };
        udp.tree(l, ctx);
        udp.summary!(l, ctx);
      }),
      { numRuns: 2000 },
    );
  });
});

describe('UDP on real captures: every prefix never throws, re-encoding is lossless', () => {
  for (const file of FILES) {
    it(`${file}: every prefix of the first frames`, () => {
      for (const rec of records(file).slice(0, 6)) {
        const d = new Dissector(registerDefaults(), { prefs: DEFAULTS });
        for (let k = 0; k <= Math.min(rec.data.length, 200); k++) {
          const f = d.dissect({ ...rec, data: rec.data.subarray(0, k) });
          for (const p of f.problems) expect(p.end).toBeLessThanOrEqual(k);
          summaryColumns(f, DEFAULTS, 6);
        }
      }
    });
    it(`${file}: re-encoding each decoded UDP layer reproduces its bytes`, () => {
      let n = 0;
      for (const f of frames(file, GOLDEN)) {
        const l = udpOf(f);
        if (!l || f.problems.some((p) => p.code === 'truncated' && p.layer === 'udp') || l.end - l.start < l.value.length) continue;
        const ip = f.layers[f.layers.indexOf(l) - 1]!;
        const ipInput = ip.proto.toInput!(ip, f.data);
        const out = udp.encode!(udp.toInput!(l, f.data), f.data.subarray(l.headerEnd, l.end), {
          outer: [{ proto: ip.proto, input: ipInput }],
          pseudoHeaderSum: (proto, len) => ip.proto.pseudoHeaderSum?.(ipInput, proto, len),
        });
        expect(out).toEqual(f.data.subarray(l.start, l.end));
        n++;
      }
      expect(n).toBeGreaterThan(0);
    });
  }
});
