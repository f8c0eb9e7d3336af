import { readFileSync, readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { readCapture } from '../../src/capture/reader.js';
import type { CaptureRecord } from '../../src/capture/types.js';
import { build, ether, ipv4, layer, payload, rebuild } from '../../src/craft/index.js';
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
import { flagsText, tcp, tcpEncodingLength, tcpTable, TCP_FLAGS } from '../../src/protocols/tcp.js';
import type { TcpInput, TcpNotes, TcpOption, TcpValue } from '../../src/protocols/tcp.js';
import type { DecodeContext, Layer } from '../../src/protocols/types.js';

const DIR = new URL('../../fixtures/protocols/tcp/', import.meta.url);
const FILES = readdirSync(DIR).filter((f) => f.endsWith('.pcap')).sort();
const FIELDS = readFileSync(new URL('fields.txt', DIR), 'utf8').trim().split(/\s+/);

/** The preferences of the goldens (fixtures/protocols/tcp/README.md). */
const GOLDEN: Prefs = { ...ORACLE_PREFS };
/** tshark's defaults (relative numbers, analysis on) with checksums verified and no reassembly. */
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

function cells(f: Frame, prefs: Prefs): Map<string, string> {
  const found = collect(frameTree(f, prefs), new Set(FIELDS));
  const out = new Map<string, string>();
  for (const name of FIELDS) out.set(name, fieldCell(found.get(name), DEFAULT_FIELDS_OPTIONS));
  out.set('_ws.col.Info', summaryColumns(f, prefs, 6).info);
  return out;
}

function tcpLayer(f: Frame): Layer<TcpValue> | undefined {
  return f.layers.find((l) => l.proto === tcp) as Layer<TcpValue> | undefined;
}

/** Application protocols tshark decodes and we do not: their frames' Info and protocol path are theirs. */
const OTHER_APPS = /:(http|smtp|imf|data-text-lines|media|xml|tls|ssh|bgp|mptcp|nbdgm|smb|browser|etch)\b/;

function compareFile(file: string, kind: 'golden' | 'default', prefs: Prefs): string[] {
  const theirs = tsv(file, kind);
  const ours = frames(file, prefs);
  expect(ours.length, file).toBe(theirs.length);
  const diffs: string[] = [];
  ours.forEach((f, i) => {
    const row = theirs[i]!;
    const mine = cells(f, prefs);
    const protocols = row[FIELDS.indexOf('frame.protocols')] ?? '';
    // tshark flagged the segment in its sequence analysis (retransmission, out-of-order): it then gives the data
    // to no subdissector (tcp.no_subdissector_on_error), which wirelens does not do
    const analysed = /^\[TCP /.test(row[FIELDS.indexOf('_ws.col.Info')] ?? '');
    FIELDS.forEach((name, c) => {
      if ((name === 'frame.protocols' || name === '_ws.col.Info') && OTHER_APPS.test(protocols)) return;
      if (name === 'frame.protocols' && analysed) return;
      const a = mine.get(name) ?? '';
      // the Info column whole: sequence-analysis prefixes ([TCP Retransmission] ...) and exception markers included
      const b = row[c] ?? '';
      if (a !== b) diffs.push(`${file}#${i + 1} ${name}: ours=${JSON.stringify(a)} tshark=${JSON.stringify(b)}`);
    });
  });
  return diffs;
}

/**
 * Differences we accept, each with its reason:
 * - tshark hands port-80 data to HTTP, which with desegmentation off claims 5 bytes of non-HTTP without adding a
 *   layer; we have no HTTP dissector, so the bytes are a `data` layer.
 */
const ACCEPTED: RegExp[] = [
  /^zeek-tcp-window-scale-range\.pcap#4 frame\.protocols: ours="eth:ethertype:ip:tcp:data" tshark="eth:ethertype:ip:tcp"$/,
];

describe('TCP against tshark 4.0 (-T fields, fixtures)', () => {
  for (const file of FILES) {
    it(`${file}: every field as tshark prints it with the goldens' preferences`, () => {
      const diffs = compareFile(file, 'golden', GOLDEN).filter((d) => !ACCEPTED.some((r) => r.test(d)));
      expect(diffs).toEqual([]);
    });
    it(`${file}: relative numbers, stream tracking and checksum verification with tshark's defaults`, () => {
      const diffs = compareFile(file, 'default', DEFAULTS).filter((d) => !ACCEPTED.some((r) => r.test(d)));
      expect(diffs).toEqual([]);
    });
  }
});

/**
 * The TCP sections of tshark -V lines (also those nested in an ICMP error), each without its indent, and without
 * the expert-info subtrees and sequence analysis that wirelens does not produce.
 */
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
      if (/^\[Expert Info \(/.test(t) || /^\[(SEQ\/ACK analysis|iRTT|Bytes in flight|Bytes sent since last PSH flag|This is an ACK to the segment in frame|The RTT to ACK the segment was)/.test(t)) {
        skip = depth;
        continue;
      }
      sec.push(line.slice(base).trimEnd());
    }
    out.push(sec);
  }
  return out;
}

describe('TCP tree against tshark -V (golden preferences)', () => {
  for (const file of FILES) {
    it(`${file}: the TCP section of every frame, line by line (quoted ones in ICMP errors too)`, () => {
      const theirs = sections(readFileSync(new URL(file.replace(/\.pcap$/, '.golden.V.txt'), DIR), 'utf8').split('\n'), 'Transmission Control Protocol');
      const ours: string[][] = [];
      for (const f of frames(file, GOLDEN)) ours.push(...sections(frameDetail(f, GOLDEN, { only: new Set(['tcp', 'icmp']) }), 'Transmission Control Protocol'));
      expect(ours).toEqual(theirs);
    });
  }
});

// ---------------------------------------------------------------------------------------------------------------
// Hand-checked decoding
// ---------------------------------------------------------------------------------------------------------------

function ctxFor(frame: Uint8Array, problems: Problem[] = [], extra: Partial<DecodeContext> = {}): DecodeContext {
  return { frame, layers: [], problems, prefs: DEFAULT_PREFS, wireLen: frame.length, fcsLen: 0, inError: false, ...extra };
}

function decodeAt(b: Uint8Array, start = 0, end = b.length, extra: Partial<DecodeContext> = {}) {
  const problems: Problem[] = [];
  const r = tcp.decode(b, start, end, ctxFor(b, problems, extra));
  return { ...r, problems };
}

describe('TCP decoding, field by field (zeek syn-synack.pcap, as tshark shows it)', () => {
  const [syn, synack] = frames('zeek-tcp-syn-synack.pcap', GOLDEN);
  it('SYN: ports, numbers, header length, flags, window, checksum, options in wire order', () => {
    const v = tcpLayer(syn!)!.value;
    expect(v.srcport).toBe(59856);
    expect(v.dstport).toBe(80);
    expect(v.seq).toBe(4263588410);
    expect(v.ack).toBe(0);
    expect(v.hdr_len).toBe(44);
    expect(v.flags).toBe(TCP_FLAGS.SYN);
    expect(v.window).toBe(65535);
    expect(v.checksum).toBe(0x3bc0);
    expect(v.urgent_pointer).toBe(0);
    expect(v.seglen).toBe(0);
    expect(v.options).toEqual([
      { kind: 'mss', mss: 1460 },
      { kind: 'nop' },
      { kind: 'wscale', shift: 4 },
      { kind: 'nop' },
      { kind: 'nop' },
      { kind: 'timestamp', tsval: 374005024, tsecr: 0 },
      { kind: 'sack_perm' },
      { kind: 'eol' },
      { kind: 'eol' },
    ]);
    expect(v.checksumStatus).toBe('good');
  });
  it('Info column as tshark 4.0 prints it, raw numbers with analysis off', () => {
    expect(summaryColumns(syn!, GOLDEN, 6).info).toBe('59856 → 80 [SYN] Seq=4263588410 Win=65535 Len=0 MSS=1460 WS=16 TSval=374005024 TSecr=0 SACK_PERM');
    expect(summaryColumns(synack!, GOLDEN, 6).info).toBe('80 → 59856 [SYN, ACK] Seq=2779762238 Ack=4263588411 Win=14480 Len=0 MSS=1460 SACK_PERM TSval=797524569 TSecr=374005024 WS=128');
  });
  it('relative numbers with the default preferences', () => {
    const [a, b] = frames('zeek-tcp-syn-synack.pcap', DEFAULTS);
    expect(summaryColumns(a!, DEFAULTS, 6).info).toBe('59856 → 80 [SYN] Seq=0 Win=65535 Len=0 MSS=1460 WS=16 TSval=374005024 TSecr=0 SACK_PERM');
    expect(summaryColumns(b!, DEFAULTS, 6).info).toBe('80 → 59856 [SYN, ACK] Seq=0 Ack=1 Win=14480 Len=0 MSS=1460 SACK_PERM TSval=797524569 TSecr=374005024 WS=128');
    const notes = tcpLayer(b!)!.notes?.tcp as TcpNotes;
    expect(notes.stream).toBe(0);
    expect(notes.seqBase).toBe(2779762238);
    expect(notes.ackBase).toBe(4263588410);
  });
  it('the hidden tcp.port twice, generated tcp.len / tcp.nxtseq, hidden raw numbers', () => {
    const tree = frameTree(syn!, GOLDEN);
    const found = collect(tree, new Set(['tcp.port', 'tcp.len', 'tcp.nxtseq', 'tcp.seq_raw', 'tcp.ack_raw', 'tcp.flags.str']));
    expect(found.get('tcp.port')!.map((n) => [n.value, n.hidden])).toEqual([
      [59856, true],
      [80, true],
    ]);
    expect(found.get('tcp.len')![0]!.generated).toBe(true);
    expect(found.get('tcp.nxtseq')![0]!.value).toBe(4263588411);
    expect(found.get('tcp.seq_raw')![0]!.hidden).toBe(true);
    // no ACK flag: the raw acknowledgment number is shown
    expect(found.get('tcp.ack_raw')![0]!.hidden).toBeUndefined();
    expect(found.get('tcp.flags.str')![0]!.value).toBe('··········S·');
  });
  it('field byte ranges: options and their parts where the bytes are', () => {
    const l = tcpLayer(syn!)!;
    const tree = frameTree(syn!, GOLDEN);
    const found = collect(tree, new Set(['tcp.options', 'tcp.options.mss_val', 'tcp.options.timestamp.tsval', 'tcp.checksum', 'tcp.hdr_len']));
    expect(found.get('tcp.options')![0]).toMatchObject({ start: l.start + 20, len: 24 });
    expect(found.get('tcp.options.mss_val')![0]).toMatchObject({ start: l.start + 22, len: 2 });
    expect(found.get('tcp.options.timestamp.tsval')![0]).toMatchObject({ start: l.start + 32, len: 4 });
    expect(found.get('tcp.checksum')![0]).toMatchObject({ start: l.start + 16, len: 2 });
    expect(found.get('tcp.hdr_len')![0]).toMatchObject({ start: l.start + 12, len: 1, bitmask: 0xf0 });
  });
});

describe('TCP checksums over the IPv4 and IPv6 pseudo-headers', () => {
  for (const [file, status] of [
    ['zeek-chksums-ip4-tcp-good-chksum.pcap', 'good'],
    ['zeek-chksums-ip4-tcp-bad-chksum.pcap', 'bad'],
    ['zeek-chksums-ip6-tcp-good-chksum.pcap', 'good'],
    ['zeek-chksums-ip6-tcp-bad-chksum.pcap', 'bad'],
    ['zeek-chksums-ip6-route0-tcp-good-chksum.pcap', 'good'],
  ] as const) {
    it(`${file}: ${status}`, () => {
      const [f] = frames(file, DEFAULTS);
      const l = tcpLayer(f!)!;
      expect(l.value.checksumStatus).toBe(status);
      const bad = f!.problems.filter((p) => p.code === 'bad-checksum' && p.layer === 'tcp');
      expect(bad.length).toBe(status === 'bad' ? 1 : 0);
      if (status === 'bad') {
        expect(bad[0]).toMatchObject({ field: 'tcp.checksum', start: l.start + 16, end: l.start + 18, severity: 'warning' });
        expect(summaryColumns(f!, DEFAULTS, 6).info).toContain('[TCP CHECKSUM INCORRECT]');
      }
      // with verification off (the default), a bad checksum is not a problem
      const [g] = frames(file, GOLDEN);
      expect(g!.problems.filter((p) => p.code === 'bad-checksum' && p.layer === 'tcp')).toEqual([]);
    });
  }
});

describe('TCP inside IP fragments and ICMP errors', () => {
  it('first fragment: no tcp.len, no checksum verification, payload dispatched', () => {
    const [f] = frames('zeek-ipv4-fragmented-syn.pcap', DEFAULTS);
    const l = tcpLayer(f!)!;
    expect(l.value.seglen).toBeUndefined();
    expect(l.value.checksumStatus).toBe('unchecked');
  });
  it('an ICMP error quoting a segment: sequence number first, no tcp.len, tracked in the same stream', () => {
    const all = frames('node-pcap-parser-smtp.pcap', GOLDEN);
    const quoted = all.filter((f) => f.layers.some((l) => l.proto.name === 'icmp') && tcpLayer(f));
    expect(quoted.length).toBeGreaterThan(0);
    for (const f of quoted) {
      const l = tcpLayer(f)!;
      expect(l.value.quoted).toBe(true);
      expect(l.value.seglen).toBeUndefined();
      const found = collect(frameTree(f, GOLDEN), new Set(['tcp.seq_raw', 'tcp.len', 'tcp.seq', 'tcp.stream']));
      expect(found.get('tcp.seq_raw')).toBeUndefined();
      expect(found.get('tcp.len')).toBeUndefined();
      expect(found.get('tcp.seq')![0]!.value).toBe(l.value.seq);
      expect(found.get('tcp.stream')![0]!.value).toBe(0);
    }
  });
});

// ---------------------------------------------------------------------------------------------------------------
// Truncation, edge values, bad lengths
// ---------------------------------------------------------------------------------------------------------------

/** The TCP bytes (header and data) of the first frame of a fixture. */
function segmentOf(file: string, n = 0): { bytes: Uint8Array; hl: number } {
  const f = frames(file, GOLDEN)[n]!;
  const l = tcpLayer(f)!;
  return { bytes: f.data.slice(l.start, l.end), hl: l.value.hdr_len };
}

describe('TCP truncation: every length of the header', () => {
  const { bytes, hl } = segmentOf('zeek-tcp-syn-synack.pcap');
  it('the fixture has options (44-byte header)', () => expect(hl).toBe(44));
  for (let k = 0; k < hl; k++) {
    it(`${k} bytes: reports truncated, never throws, ranges inside`, () => {
      const b = bytes.subarray(0, k);
      const r = decodeAt(b);
      const t = r.problems.filter((p) => p.code === 'truncated');
      expect(t.length).toBe(1);
      expect(t[0]!.layer).toBe('tcp');
      expect(t[0]!.field).toBe(k < 20 ? undefined : 'tcp.hdr_len');
      for (const p of r.problems) {
        expect(p.start).toBeGreaterThanOrEqual(0);
        expect(p.end).toBeLessThanOrEqual(k);
      }
      expect(r.headerEnd).toBeLessThanOrEqual(k);
      expect(r.end).toBe(k);
      // the tree and summary of a short layer do not throw either
      const layerObj: Layer<TcpValue> = { proto: tcp, start: 0, headerEnd: r.headerEnd, end: r.end, value: r.value };
      const tctx = { frame: b, layers: [layerObj], index: 0, prefs: GOLDEN };
      expect(() => tcp.tree(layerObj, tctx)).not.toThrow();
      expect(() => tcp.summary!(layerObj, tctx)).not.toThrow();
      if (k >= 4) expect(tcp.summary!(layerObj, tctx)).toMatch(/^59856 → 80/);
    });
  }
  it('snaplen cut inside the options (tcpdump heapoverflow-tcp_print.pcap): tshark shows kind and length, then stops', () => {
    const [f] = frames('malformed-tcpdump-heapoverflow-tcp_print.pcap', GOLDEN);
    const l = tcpLayer(f!)!;
    expect(l.value.options).toHaveLength(1);
    expect(l.value.options[0]).toMatchObject({ kind: 'unknown', type: 48, len: 40, cut: true });
    const t = f!.problems.find((p) => p.code === 'truncated' && p.layer === 'tcp')!;
    expect(t.limitedBy).toBe('frame.cap_len');
    expect(t.end).toBe(f!.data.length);
    // tcp.len comes from the IP length: the segment was longer on the wire
    expect(l.value.seglen).toBe(12256);
  });
});

/** Build a segment with given fields over IPv4, then decode it through the whole dissector. */
function dissectBuilt(input: TcpInput, data: Uint8Array = new Uint8Array(0), prefs: Prefs = GOLDEN): Frame {
  const bytes = build([ether({}), ipv4({ src: '10.0.0.1', dst: '10.0.0.2' }), layer(tcp, input), ...(data.length ? [payload(data)] : [])]);
  const d = new Dissector(registerDefaults(), { prefs });
  return d.dissect({ index: 0, interfaceId: 0, linkType: 1, tsSec: 0, tsNsec: 0, origLen: bytes.length, data: bytes });
}

describe('TCP edge values', () => {
  it('extreme numbers: ports 0 and 65535, seq/ack 2^32-1, window 0, all 12 flag bits', () => {
    const f = dissectBuilt({ srcport: 0, dstport: 65535, seq: 0xffffffff, ack: 0xffffffff, flags: 0xfff, window: 0, urgent_pointer: 0xffff });
    const v = tcpLayer(f)!.value;
    expect(v).toMatchObject({ srcport: 0, dstport: 65535, seq: 0xffffffff, ack: 0xffffffff, flags: 0xfff, window: 0, urgent_pointer: 0xffff, hdr_len: 20 });
    expect(v.checksumStatus).toBe('good');
    expect(flagsText(v.flags)).toBe('FIN, SYN, RST, PSH, ACK, URG, ECE, CWR, AE, Reserved');
    // nxtseq wraps around 2^32 (SYN and FIN count one each... tshark adds one)
    const found = collect(frameTree(f, GOLDEN), new Set(['tcp.nxtseq', 'tcp.flags', 'tcp.flags.res']));
    expect(found.get('tcp.nxtseq')![0]!.value).toBe(0);
    expect(fieldCell(found.get('tcp.flags'), DEFAULT_FIELDS_OPTIONS)).toBe('0x0fff');
    expect(found.get('tcp.flags.res')![0]!.value).toBe(true);
  });
  it('no flags: <None>', () => expect(flagsText(0)).toBe('<None>'));
  it('a 60-byte header: 40 bytes of options', () => {
    const opts: TcpOption[] = [{ kind: 'mss', mss: 1460 }, { kind: 'sack', blocks: [{ le: 1, re: 2 }, { le: 3, re: 4 }, { le: 5, re: 6 }, { le: 7, re: 8 }] }, { kind: 'nop' }, { kind: 'nop' }];
    const f = dissectBuilt({ flags: TCP_FLAGS.ACK, ack: 100, options: opts });
    const v = tcpLayer(f)!.value;
    expect(v.hdr_len).toBe(60);
    expect(v.options).toEqual(opts);
    expect(summaryColumns(f, GOLDEN, 6).info).toBe('0 → 0 [ACK] Seq=0 Ack=100 Win=65535 Len=0 MSS=1460 SLE=1 SRE=2 SLE=3 SRE=4 SLE=5 SRE=6 SLE=7 SRE=8');
  });
  it('options that do not fit 40 bytes throw EncodeError naming tcp.hdr_len', () => {
    expect(() => dissectBuilt({ options: Array.from({ length: 41 }, () => ({ kind: 'nop' }) as TcpOption) })).toThrow(EncodeError);
    try {
      dissectBuilt({ options: Array.from({ length: 41 }, () => ({ kind: 'nop' }) as TcpOption) });
    } catch (e) {
      expect((e as EncodeError).field).toBe('tcp.hdr_len');
    }
  });
  it('values that cannot fit throw EncodeError naming the field', () => {
    const cases: [TcpInput, string][] = [
      [{ srcport: 65536 }, 'tcp.srcport'],
      [{ seq: 2 ** 32 }, 'tcp.seq_raw'],
      [{ flags: 0x1000 }, 'tcp.flags'],
      [{ hdr_len: 64 }, 'tcp.hdr_len'],
      [{ hdr_len: 22 }, 'tcp.hdr_len'],
      [{ options: [{ kind: 'mss', mss: 70000 }] }, 'tcp.options.mss_val'],
      [{ options: [{ kind: 'unknown', type: 99, data: new Uint8Array(2), len: 256 }] }, 'tcp.option_len'],
      [{ options: [{ kind: 'unknown', type: 300, data: new Uint8Array(0) }] }, 'tcp.option_kind'],
      [{ checksum: -1 }, 'tcp.checksum'],
    ];
    for (const [input, field] of cases) {
      let err: unknown;
      try {
        build([ipv4({}), layer(tcp, input)]);
      } catch (e) {
        err = e;
      }
      expect(err, field).toBeInstanceOf(EncodeError);
      expect((err as EncodeError).field).toBe(field);
    }
  });
  it('an explicit wrong checksum is written verbatim and reported bad', () => {
    const f = dissectBuilt({ checksum: 0x1234 }, new Uint8Array(0), DEFAULTS);
    const v = tcpLayer(f)!.value;
    expect(v.checksum).toBe(0x1234);
    expect(v.checksumStatus).toBe('bad');
    const tree = frameTree(f, DEFAULTS);
    const found = collect(tree, new Set(['tcp.checksum', 'tcp.checksum.status', 'tcp.checksum_calculated']));
    expect(found.get('tcp.checksum')![0]!.text).toBe(`Checksum: 0x1234 incorrect, should be 0x${v.checksumCalculated!.toString(16).padStart(4, '0')}(maybe caused by "TCP checksum offload"?)`);
    expect(found.get('tcp.checksum.status')![0]!.value).toBe(0);
  });
  it('header length below 20: bogus (tshark stops after the sequence number), bytes kept, no data layer', () => {
    const raw = build([ether({}), ipv4({ src: '10.0.0.1', dst: '10.0.0.2' }), layer(tcp, { hdr_len: 16, flags: TCP_FLAGS.ACK, ack: 9, extra: new Uint8Array([1, 2]) })]);
    const f = new Dissector(registerDefaults(), { prefs: GOLDEN }).dissect({ index: 0, interfaceId: 0, linkType: 1, tsSec: 0, tsNsec: 0, origLen: raw.length, data: raw });
    const l = tcpLayer(f)!;
    expect(f.layers.map((x) => x.proto.name)).toEqual(['eth', 'ip', 'tcp']);
    expect(l.value.hdr_len).toBe(16);
    expect(l.value.extra).toEqual(new Uint8Array([1, 2]));
    expect(l.value.seglen).toBe(6);
    expect(f.problems.find((p) => p.field === 'tcp.hdr_len')).toMatchObject({ code: 'bad-length', severity: 'warning' });
    expect(summaryColumns(f, GOLDEN, 6).info).toBe('0 → 0 [ACK] Seq=0 Ack=9 Win=65535, bogus TCP header length (16, must be at least 20)');
    const found = collect(frameTree(f, GOLDEN), new Set(['tcp.ack', 'tcp.hdr_len', 'tcp.len']));
    expect(found.get('tcp.ack')).toBeUndefined();
    expect(found.get('tcp.len')![0]!.value).toBe(6);
    expect(rebuild(f).bytes).toEqual(raw);
  });
  it('option lengths: too short, past the end, missing length byte, wrong fixed length, non-zero padding', () => {
    const seg = (opts: number[]): Frame => {
      const raw = build([ether({}), ipv4({ src: '10.0.0.1', dst: '10.0.0.2' }), layer(tcp, { options: [], padding: new Uint8Array(opts), hdr_len: 20 + opts.length })]);
      return new Dissector(registerDefaults(), { prefs: GOLDEN }).dissect({ index: 0, interfaceId: 0, linkType: 1, tsSec: 0, tsNsec: 0, origLen: raw.length, data: raw });
    };
    const cases: [number[], Partial<TcpOption>, string][] = [
      [[2, 1, 5, 180], { kind: 'unknown', type: 2, len: 1 }, 'Maximum segment size (with too-short option length = 1 byte)'],
      [[2, 40, 5, 180], { kind: 'unknown', type: 2, len: 40 }, 'Maximum segment size (option length = 40 bytes says option goes past end of options)'],
      [[1, 1, 1, 2], { kind: 'unknown', type: 2, len: null }, 'Maximum segment size (length byte past end of options)'],
    ];
    for (const [bytes, opt, text] of cases) {
      const f = seg(bytes);
      const l = tcpLayer(f)!;
      expect(l.value.options.at(-1)).toMatchObject(opt);
      const found = collect(frameTree(f, GOLDEN), new Set(['tcp.option.len.invalid']));
      expect(found.get('tcp.option.len.invalid')![0]!.text).toBe(text);
      // a note in tshark: not malformed
      expect(f.problems.filter((p) => p.layer === 'tcp').every((p) => p.severity === 'warning')).toBe(true);
      expect(rebuild(f).bytes).toEqual(f.data);
    }
    const wrong = seg([2, 3, 5, 0]);
    expect(tcpLayer(wrong)!.value.options).toEqual([{ kind: 'unknown', type: 2, data: new Uint8Array([5]) }, { kind: 'eol' }]);
    const padded = seg([0, 0, 1, 0]);
    expect(tcpLayer(padded)!.value.options).toEqual([{ kind: 'eol' }, { kind: 'eol' }]);
    expect(tcpLayer(padded)!.value.padding).toEqual(new Uint8Array([1, 0]));
    expect(rebuild(padded).bytes).toEqual(padded.data);
    // a SACK without blocks makes tshark throw: malformed, and nothing after it is shown
    const sack = seg([5, 2, 1, 1]);
    expect(sack.problems.some((p) => p.layer === 'tcp' && p.severity === 'error')).toBe(true);
    const kinds = collect(frameTree(sack, GOLDEN), new Set(['tcp.option_kind']));
    expect(fieldCell(kinds.get('tcp.option_kind'), DEFAULT_FIELDS_OPTIONS)).toBe('5');
  });
  it('D-SACK: the first block below the acknowledgment number, or inside the second block', () => {
    const f1 = dissectBuilt({ flags: TCP_FLAGS.ACK, ack: 500, options: [{ kind: 'nop' }, { kind: 'nop' }, { kind: 'sack', blocks: [{ le: 100, re: 400 }] }] });
    const d1 = collect(frameTree(f1, GOLDEN), new Set(['tcp.options.sack.dsack_le', 'tcp.options.sack.dsack_re']));
    expect(d1.get('tcp.options.sack.dsack_le')![0]!.value).toBe(100);
    expect(d1.get('tcp.options.sack.dsack_re')![0]!.value).toBe(400);
    const f2 = dissectBuilt({ flags: TCP_FLAGS.ACK, ack: 9, options: [{ kind: 'nop' }, { kind: 'nop' }, { kind: 'sack', blocks: [{ le: 100, re: 200 }, { le: 50, re: 300 }] }] });
    expect(collect(frameTree(f2, GOLDEN), new Set(['tcp.options.sack.dsack_le'])).get('tcp.options.sack.dsack_le')![0]!.value).toBe(100);
    const f3 = dissectBuilt({ flags: TCP_FLAGS.ACK, ack: 9, options: [{ kind: 'nop' }, { kind: 'nop' }, { kind: 'sack', blocks: [{ le: 100, re: 200 }] }] });
    expect(collect(frameTree(f3, GOLDEN), new Set(['tcp.options.sack.dsack_le'])).get('tcp.options.sack.dsack_le')).toBeUndefined();
  });
  it('window scale shift above 14: the multiplier stays 2^14 as tshark computes it', () => {
    const f = dissectBuilt({ options: [{ kind: 'wscale', shift: 15 }, { kind: 'eol' }] });
    const found = collect(frameTree(f, GOLDEN), new Set(['tcp.options.wscale.multiplier']));
    expect(found.get('tcp.options.wscale.multiplier')![0]!.value).toBe(16384);
    expect(summaryColumns(f, GOLDEN, 6).info).toBe('0 → 0 [SYN] Seq=0 Win=65535 Len=0 WS=16384');
  });
  it('TCP Fast Open: cookie request and cookie, kind 34 and the experimental form', () => {
    const req = dissectBuilt({ options: [{ kind: 'tfo', cookie: new Uint8Array(0) }, { kind: 'nop' }, { kind: 'nop' }] });
    expect(summaryColumns(req, GOLDEN, 6).info).toBe('0 → 0 [SYN] Seq=0 Win=65535 Len=0 TFO=R');
    const cookie = dissectBuilt({ options: [{ kind: 'unknown', type: 254, data: new Uint8Array([0xf9, 0x89, 1, 2, 3, 4, 5, 6, 7, 8]) }] });
    expect(summaryColumns(cookie, GOLDEN, 6).info).toBe('0 → 0 [SYN] Seq=0 Win=65535 Len=0 TFO=C');
    const found = collect(frameTree(cookie, GOLDEN), new Set(['tcp.options.tfo.cookie', 'tcp.options.experimental.exid']));
    expect(fieldCell(found.get('tcp.options.tfo.cookie'), DEFAULT_FIELDS_OPTIONS)).toBe('0102030405060708');
    expect(fieldCell(found.get('tcp.options.experimental.exid'), DEFAULT_FIELDS_OPTIONS)).toBe('0xf989');
  });
  it('payload dispatch: the lower port first, then the higher, never port 0', () => {
    const r = decodeAt(build([layer(tcp, { srcport: 53, dstport: 40000 })]));
    expect(r.next).toEqual([
      { table: 'tcp.port', key: 53 },
      { table: 'tcp.port', key: 40000 },
    ]);
    expect(decodeAt(build([layer(tcp, { srcport: 0, dstport: 80 })])).next).toEqual([{ table: 'tcp.port', key: 80 }]);
    expect(decodeAt(build([layer(tcp, { srcport: 443, dstport: 443 })])).next).toEqual([{ table: 'tcp.port', key: 443 }]);
  });
  it('crafting: dstport from the inner protocol binding, flags by payload, checksum over the pseudo-header', () => {
    const dns = registerDefaults().lookup('tcp.port', 53)!;
    const bytes = build([ipv4({ src: '192.0.2.1', dst: '192.0.2.2' }), layer(tcp, { srcport: 40000 }), layer(dns, { id: 1, questions: [] })]);
    const l = decodeAt(bytes, 20, bytes.length);
    expect(l.value.dstport).toBe(53);
    expect(l.value.flags).toBe(TCP_FLAGS.PSH | TCP_FLAGS.ACK);
  });
});

// ---------------------------------------------------------------------------------------------------------------
// Properties
// ---------------------------------------------------------------------------------------------------------------

const u32 = fc.integer({ min: 0, max: 0xffffffff });
const optionArb: fc.Arbitrary<TcpOption> = fc.oneof(
  fc.constant<TcpOption>({ kind: 'nop' }),
  fc.integer({ min: 0, max: 0xffff }).map((mss): TcpOption => ({ kind: 'mss', mss })),
  fc.integer({ min: 0, max: 14 }).map((shift): TcpOption => ({ kind: 'wscale', shift })),
  fc.constant<TcpOption>({ kind: 'sack_perm' }),
  fc.array(fc.record({ le: u32, re: u32 }), { minLength: 1, maxLength: 3 }).map((blocks): TcpOption => ({ kind: 'sack', blocks })),
  fc.record({ tsval: u32, tsecr: u32 }).map(({ tsval, tsecr }): TcpOption => ({ kind: 'timestamp', tsval, tsecr })),
  fc.uint8Array({ maxLength: 8 }).map((cookie): TcpOption => ({ kind: 'tfo', cookie })),
  fc
    .record({ type: fc.constantFrom(9, 10, 14, 15, 16, 17, 18, 24, 25, 26, 29, 30, 76, 78, 99, 200, 253), data: fc.uint8Array({ maxLength: 6 }) })
    .map(({ type, data }): TcpOption => ({ kind: 'unknown', type, data })),
);
const optionsArb = fc.array(optionArb, { maxLength: 6 }).filter((o) => {
  let n = 0;
  for (const x of o) n += x.kind === 'sack' ? 2 + 8 * x.blocks.length : x.kind === 'timestamp' ? 10 : x.kind === 'mss' ? 4 : x.kind === 'wscale' ? 3 : x.kind === 'sack_perm' ? 2 : x.kind === 'tfo' ? 2 + x.cookie.length : x.kind === 'unknown' ? 2 + x.data.length : 1;
  return n <= 40;
});
const inputArb: fc.Arbitrary<TcpInput> = fc.record(
  {
    srcport: fc.integer({ min: 0, max: 0xffff }),
    dstport: fc.integer({ min: 0, max: 0xffff }),
    seq: u32,
    ack: u32,
    flags: fc.integer({ min: 0, max: 0xfff }),
    window: fc.integer({ min: 0, max: 0xffff }),
    urgent_pointer: fc.integer({ min: 0, max: 0xffff }),
    options: optionsArb,
  },
  { requiredKeys: ['srcport', 'dstport', 'seq', 'ack', 'flags', 'window', 'urgent_pointer', 'options'] },
);

/** Options as decoded: padding to 4 bytes comes back as EOLs. */
function paddedOptions(opts: readonly TcpOption[]): TcpOption[] {
  let n = 0;
  for (const o of opts) n += tcpEncodingLength({ options: [o], padding: new Uint8Array(0) }, 0) - 20;
  const out = [...opts];
  while (n % 4 !== 0) {
    out.push({ kind: 'eol' });
    n++;
  }
  return out;
}

describe('TCP properties', () => {
  it('decode(encode(v)) equals v with the header length, checksum and options padding filled', () => {
    fc.assert(
      fc.property(inputArb, fc.uint8Array({ maxLength: 64 }), (input, data) => {
        const bytes = build([ipv4({ src: '10.1.2.3', dst: '10.3.2.1' }), layer(tcp, input), ...(data.length ? [payload(data)] : [])]);
        const f = new Dissector(registerDefaults(), { prefs: GOLDEN }).dissect({ index: 0, interfaceId: 0, linkType: 228, tsSec: 0, tsNsec: 0, origLen: bytes.length, data: bytes });
        const l = tcpLayer(f)!;
        const v = l.value;
        expect(v).toMatchObject({ srcport: input.srcport, dstport: input.dstport, seq: input.seq, ack: input.ack, flags: input.flags, window: input.window, urgent_pointer: input.urgent_pointer });
        expect(v.options).toEqual(paddedOptions(input.options!));
        expect(v.hdr_len).toBe(tcpEncodingLength(input, 0));
        expect(v.checksumStatus).toBe('good');
        expect(v.seglen).toBe(data.length);
        expect(f.problems.filter((p) => p.layer === 'tcp')).toEqual([]);
      }),
      { numRuns: 300 },
    );
  });
  it('tcpEncodingLength agrees with encode', () => {
    fc.assert(
      fc.property(inputArb, fc.uint8Array({ maxLength: 32 }), (input, data) => {
        const out = tcp.encode!(input, data, { outer: [], pseudoHeaderSum: () => undefined });
        expect(out.length).toBe(tcpEncodingLength(input, data.length));
      }),
    );
  });
  it('decoding at an offset inside a larger buffer gives the same value', () => {
    fc.assert(
      fc.property(inputArb, fc.uint8Array({ maxLength: 16 }), fc.uint8Array({ maxLength: 16 }), fc.uint8Array({ maxLength: 16 }), (input, data, before, after) => {
        const seg = tcp.encode!(input, data, { outer: [], pseudoHeaderSum: () => undefined });
        const big = new Uint8Array(before.length + seg.length + after.length);
        big.set(before, 0);
        big.set(seg, before.length);
        big.set(after, before.length + seg.length);
        const a = decodeAt(seg);
        const b = decodeAt(big, before.length, before.length + seg.length);
        expect(b.value).toEqual(a.value);
        expect(b.headerEnd - before.length).toBe(a.headerEnd);
        expect(b.problems.map((p) => ({ ...p, start: p.start - before.length, end: p.end - before.length }))).toEqual(a.problems);
      }),
    );
  });
  it('random bytes never throw; problems stay inside the frame; tree, label and summary work', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 80 }), fc.boolean(), (bytes, inError) => {
        const r = decodeAt(bytes, 0, bytes.length, { inError });
        for (const p of r.problems) {
          expect(p.start).toBeGreaterThanOrEqual(0);
          expect(p.end).toBeLessThanOrEqual(bytes.length);
          expect(p.start).toBeLessThanOrEqual(p.end);
        }
        const l: Layer<TcpValue> = { proto: tcp, start: 0, headerEnd: r.headerEnd, end: r.end, value: r.value };
        const ctx = { frame: bytes, layers: [l], index: 0, prefs: DEFAULTS };
        tcp.tree(l, ctx);
        tcp.label!(l, ctx);
        tcp.summary!(l, ctx);
      }),
      { numRuns: 2000 },
    );
  });
  it('random TCP segments inside real IPv4 framing never throw through the dissector (with stream tracking)', () => {
    const d = new Dissector(registerDefaults(), { prefs: DEFAULTS });
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 0, maxLength: 80 }), fc.integer({ min: 0, max: 100 }), (seg, cut) => {
        const bytes = build([ether({}), ipv4({ src: '10.0.0.1', dst: '10.0.0.2', proto: 6 }), payload(seg)]);
        const capped = bytes.subarray(0, Math.max(0, bytes.length - cut));
        const f = d.dissect({ index: 0, interfaceId: 0, linkType: 1, tsSec: 0, tsNsec: 0, origLen: bytes.length, data: capped });
        for (const p of f.problems) expect(p.end).toBeLessThanOrEqual(capped.length);
        frameDetail(f, DEFAULTS);
        summaryColumns(f, DEFAULTS, 6);
      }),
      { numRuns: 1000 },
    );
  });
});

describe('TCP on real captures: every prefix never throws, re-encoding is lossless', () => {
  for (const file of FILES) {
    it(`${file}: every prefix of every frame (at most the first 12 frames)`, () => {
      for (const rec of records(file).slice(0, 12)) {
        const d = new Dissector(registerDefaults(), { prefs: DEFAULTS });
        for (let k = 0; k <= rec.data.length; k++) {
          const data = rec.data.subarray(0, k);
          const f = d.dissect({ ...rec, data });
          for (const p of f.problems) {
            expect(p.start).toBeGreaterThanOrEqual(0);
            expect(p.end).toBeLessThanOrEqual(k);
          }
          summaryColumns(f, DEFAULTS, 6);
        }
      }
    });
    it(`${file}: re-encoding each decoded TCP layer reproduces its bytes`, () => {
      for (const f of frames(file, GOLDEN)) {
        const l = tcpLayer(f);
        if (!l || f.problems.some((p) => p.code === 'truncated' && p.layer === 'tcp')) continue;
        const ipIndex = f.layers.indexOf(l) - 1;
        const ip = f.layers[ipIndex]!;
        const ipInput = ip.proto.toInput!(ip, f.data);
        const out = tcp.encode!(tcp.toInput!(l, f.data), f.data.subarray(l.headerEnd, l.end), {
          outer: [{ proto: ip.proto, input: ipInput }],
          pseudoHeaderSum: (proto, len) => ip.proto.pseudoHeaderSum?.(ipInput, proto, len),
        });
        expect(out).toEqual(f.data.subarray(l.start, l.end));
        // and the whole frame through the crafting layer
        if (!f.problems.some((p) => p.code === 'truncated')) expect(rebuild(f).bytes).toEqual(f.data);
      }
    });
  }
  it('a changed layer gets its checksum recomputed', () => {
    const [f] = frames('zeek-tcp-syn-synack.pcap', GOLDEN);
    const r = rebuild(f!, (layers) => {
      (layers[2]!.input as TcpInput).srcport = 12345;
    });
    const g = new Dissector(registerDefaults(), { prefs: DEFAULTS }).dissect({ ...f!.record, data: r.bytes });
    expect(tcpLayer(g)!.value.srcport).toBe(12345);
    expect(tcpLayer(g)!.value.checksumStatus).toBe('good');
  });
});

describe('TCP field table', () => {
  it('declares tshark 4.0 names (no tcp.flags.ns in 4.0: tcp.flags.ae)', () => {
    const names = Object.values(tcpTable.fields).map((d) => d.abbrev);
    expect(names).toContain('tcp.flags.ae');
    expect(names).not.toContain('tcp.flags.ns');
    expect(new Set(names).size).toBe(names.length);
    for (const d of Object.values(tcpTable.fields)) expect(d.desc.length, d.abbrev).toBeGreaterThan(10);
  });
  it('IPv6 is the enclosing layer for IPv6 captures (pseudo-header from ipv6.ts)', () => {
    const [f] = frames('zeek-chksums-ip6-tcp-good-chksum.pcap', GOLDEN);
    expect(f!.layers.map((l) => l.proto)).toContain(ipv6);
  });
});
