/**
 * DNS / mDNS / LLMNR: real captures decoded field by field against what tshark 4.0 shows (fixtures/protocols/dns/
 * expected/*.tsv, recorded by make-expected.sh), the Info column, lossless re-encoding, truncation at every length,
 * compression pointers of every broken shape, DNS over TCP, crafting and encode errors.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { readCapture } from '../../src/capture/reader.js';
import type { CaptureRecord } from '../../src/capture/types.js';
import { bytesEqual, fromHex } from '../../src/core/bytes.js';
import { EncodeError } from '../../src/core/problem.js';
import type { Problem } from '../../src/core/problem.js';
import { build, ether, ipv4, layer, udp } from '../../src/craft/index.js';
import { Dissector } from '../../src/dissect/dissect.js';
import type { Frame } from '../../src/dissect/frame.js';
import { ORACLE_PREFS } from '../../src/dissect/prefs.js';
import type { Prefs } from '../../src/dissect/prefs.js';
import { fieldText } from '../../src/fields/format.js';
import type { FieldNode } from '../../src/fields/types.js';
import { collect, frameTree } from '../../src/inspect/tree.js';
import {
  MAX_JUMPS,
  decodeMessage,
  dns,
  dnsTable,
  edns,
  encodeMessage,
  llmnr,
  mdns,
  nameText,
  looksLikeDns,
  readName,
  tcpMessageLength,
} from '../../src/protocols/dns.js';
import type { DnsInput, DnsValue } from '../../src/protocols/dns.js';
import { registerDefaults } from '../../src/protocols/index.js';
import type { DecodeContext, Layer, Protocol, TreeContext } from '../../src/protocols/types.js';

const DIR = new URL('../../fixtures/protocols/dns/', import.meta.url);
const CAPTURES = readdirSync(DIR).filter((f) => f.endsWith('.pcap')).sort();
const DNS_NAMES = new Set(['dns', 'mdns', 'llmnr']);

/** The preferences of the recorded tshark output: no reassembly, every segment on its own. */
const PREFS: Prefs = { ...ORACLE_PREFS };

function records(file: string): CaptureRecord[] {
  const out: CaptureRecord[] = [];
  for (const r of readCapture(new Uint8Array(readFileSync(new URL(file, DIR))))) out.push({ ...r, data: r.data.slice() });
  return out;
}

function dissectAll(file: string): Frame[] {
  const d = new Dissector(registerDefaults(), { prefs: PREFS });
  return records(file).map((r) => d.dissect(r));
}

function expected(file: string): { header: string[]; rows: string[][] } {
  const lines = readFileSync(new URL(`expected/${file}.tsv`, DIR), 'utf8').split('\n');
  if (lines.at(-1) === '') lines.pop();
  return { header: lines.shift()!.split('\t'), rows: lines.map((l) => l.split('\t')) };
}

const dnsLayers = (f: Frame): Layer<DnsValue>[] => f.layers.filter((l) => DNS_NAMES.has(l.proto.name)) as Layer<DnsValue>[];

function ctxFor(frame: Uint8Array, layers: Layer[] = []): DecodeContext {
  return { frame, layers, problems: [], prefs: PREFS, wireLen: frame.length, fcsLen: 0, inError: false };
}

function expectInside(problems: readonly Problem[], start: number, end: number): void {
  for (const p of problems) {
    expect(p.start).toBeGreaterThanOrEqual(start);
    expect(p.end).toBeLessThanOrEqual(end);
    expect(p.end).toBeGreaterThanOrEqual(p.start);
  }
}

/** A fake TCP layer so a DNS layer decodes with its length prefix without a TCP decoder. */
const TCP_LAYER: Layer = { proto: { name: 'tcp' } as Protocol<unknown>, start: 0, headerEnd: 0, end: 0, value: {} };

// -----------------------------------------------------------------------------------------------------------

describe('dns.* fields and the Info column equal tshark on real captures', () => {
  const declared = new Set(Object.values(dnsTable.fields).map((f) => f.abbrev));
  const noneTyped = new Set(Object.values(dnsTable.fields).filter((f) => f.type === 'NONE').map((f) => f.abbrev));
  for (const file of CAPTURES) {
    it(file, () => {
      const frames = dissectAll(file);
      const { header, rows } = expected(file);
      expect(frames.length).toBe(rows.length);
      // FT_NONE fields (dns.opt, dns.svcb.svcparam) print as 1 in tshark -T fields: a format.ts matter, not DNS's.
      // dns.opt.chain.fqdn: tshark -T fields writes its control bytes raw (\u0003), -V escapes them; we escape.
      const cols = header.map((h, i) => [h, i] as const).filter(([h]) => declared.has(h) && !noneTyped.has(h) && h !== 'dns.opt.chain.fqdn');
      const names = new Set(cols.map(([h]) => h));
      const protoCol = header.indexOf('frame.protocols');
      const infoCol = header.indexOf('_ws.col.Info');
      let compared = 0;
      frames.forEach((frame, i) => {
        const row = rows[i]!;
        const theirs = row[protoCol]!.split(':');
        const hasDns = theirs.some((p) => DNS_NAMES.has(p));
        expect(dnsLayers(frame).length > 0, `frame ${i + 1}: dns layer`).toBe(hasDns);
        const got = collect(frameTree(frame, PREFS), names);
        for (const [name, col] of cols) {
          const text = (got.get(name) ?? []).map((n) => fieldText(n.def, n.value)).join(',');
          expect(`${i + 1} ${name}=${text}`).toBe(`${i + 1} ${name}=${row[col]}`);
          compared++;
        }
        if (hasDns && DNS_NAMES.has(theirs.at(-1)!)) {
          // the Info column of a DNS frame is the DNS summary (of the last message of a TCP segment)
          const last = dnsLayers(frame).at(-1)!;
          const ctx: TreeContext = { frame: frame.data, layers: frame.layers, index: frame.layers.indexOf(last), prefs: PREFS };
          const info = row[infoCol]!.replace(/\[Malformed Packet\]$/, '');
          expect(`${i + 1} ${last.proto.summary!(last, ctx)}`).toBe(`${i + 1} ${info}`);
        }
      });
      expect(compared).toBeGreaterThan(0);
    });
  }
});

describe('byte ranges of every dns.* field equal tshark PDML pos/size', () => {
  const declared = new Set(Object.values(dnsTable.fields).map((f) => f.abbrev));
  // generated fields tshark places oddly (zero-length, after unrelated bytes): not compared
  const skip = new Set(['dns.dnskey.key_id', 'dns.extraneous.length']);
  const keep = (name: string) => declared.has(name) && !skip.has(name);
  for (const file of CAPTURES) {
    it(file, () => {
      const lines = readFileSync(new URL(`expected/${file}.pos.tsv`, DIR), 'utf8').split('\n').filter(Boolean);
      const theirs = new Map<number, string[]>();
      for (const l of lines) {
        const [frame, name, pos, size] = l.split('\t');
        if (!keep(name!)) continue;
        const list = theirs.get(Number(frame)) ?? [];
        list.push(`${name} ${pos}+${size}`);
        theirs.set(Number(frame), list);
      }
      let compared = 0;
      for (const f of dissectAll(file)) {
        const ours: string[] = [];
        const visit = (nodes: readonly FieldNode[]) => {
          for (const n of nodes) {
            if (!n.hidden && n.def.abbrev.startsWith('dns.') && keep(n.def.abbrev)) ours.push(`${n.def.abbrev} ${n.start}+${n.len}`);
            if (n.children) visit(n.children);
          }
        };
        visit(frameTree(f, PREFS));
        expect(ours, `${file} frame ${f.number}`).toEqual(theirs.get(f.number) ?? []);
        compared += ours.length;
      }
      expect(compared).toBeGreaterThan(0);
    });
  }
});

describe('decoded field by field', () => {
  it('dns_udp.pcap: a query with EDNS cookie and its authoritative response', () => {
    const [q, r] = dissectAll('dns_udp.pcap').map((f) => dnsLayers(f)[0]!.value);
    expect(q!.id).toBe(0x5934);
    expect(q!.flags).toBe(0x0120);
    expect([q!.response, q!.opcode, q!.recdesired, q!.authenticated, q!.checkdisable]).toEqual([false, 0, true, true, false]);
    expect(q!.questions.map((x) => [nameText(x.name), x.type, x.class])).toEqual([['www.tcpdump.org', 1, 1]]);
    const opt = q!.additionals[0]!;
    expect([nameText(opt.name), opt.type, opt.class, opt.ttl, opt.rdlength]).toEqual(['<Root>', 41, 4096, 0, 12]);
    expect(opt.data).toEqual({ kind: 'opt', options: [{ kind: 'cookie', client: fromHex('42f5d00996f90b13') }] });

    expect([r!.flags, r!.response, r!.authoritative, r!.rcode, r!.qdcount, r!.ancount, r!.nscount, r!.arcount]).toEqual([0x8500, true, true, 0, 1, 2, 2, 5]);
    expect(r!.answers.map((a) => [nameText(a.name), a.ttl, a.data])).toEqual([
      ['www.tcpdump.org', 60, { kind: 'a', address: '192.139.46.66' }],
      ['www.tcpdump.org', 60, { kind: 'a', address: '198.199.88.104' }],
    ]);
    expect(r!.authorities.map((a) => a.data.kind === 'ns' && nameText(a.data.target))).toEqual(['sns.cooperix.net', 'nic.sandelman.ca']);
    expect(r!.additionals.map((a) => a.data.kind)).toEqual(['a', 'aaaa', 'a', 'aaaa', 'opt']);
    expect(r!.additionals[1]!.data).toEqual({ kind: 'aaaa', address: '2607:f0b0:f::babe:f00d' });
    // the answer owner name is a pointer to the question name (offset 12)
    expect(r!.answers[0]!.name.ptr).toBe(12);
    expect(r!.answers[0]!.name.inline).toBe(0);
  });

  it('dns-https.pcap: HTTPS SvcParams', () => {
    const r = dnsLayers(dissectAll('dns-https.pcap')[1]!)[0]!.value;
    const d = r.answers[0]!.data;
    expect(d.kind).toBe('https');
    if (d.kind !== 'https') return;
    expect(d.priority).toBe(1);
    expect(nameText(d.target)).toBe('<Root>');
    expect(d.params.map((p) => p.kind)).toEqual(['alpn', 'ipv4hint', 'ipv6hint']);
    expect(d.params[1]).toEqual({ kind: 'ipv4hint', addresses: ['104.16.132.229', '104.16.133.229'] });
    const alpn = d.params[0]!;
    expect(alpn.kind === 'alpn' && alpn.ids.map((x) => new TextDecoder().decode(x))).toEqual(['h3', 'h3-29', 'h3-28', 'h3-27', 'h2']);
  });

  it('naptr, caa, hinfo, ds, dnskey, nsec, nsec3, nsec3param', () => {
    const kind = (file: string, frame: number, i = 0) => dnsLayers(dissectAll(file)[frame]!)[0]!.value.answers[i]!.data;
    const naptr = kind('naptr.pcap', 1);
    expect(naptr.kind === 'naptr' && [naptr.order, naptr.preference, new TextDecoder().decode(naptr.services), nameText(naptr.replacement)]).toEqual([
      100,
      100,
      'SIPS+D2T',
      '_sips._tcp.fp-de-carrier-vodafone.rcs.telephony.goog',
    ]);
    const caa = kind('dns-caa.pcap', 1);
    expect(caa.kind === 'caa' && [caa.flags, new TextDecoder().decode(caa.tag), new TextDecoder().decode(caa.value)]).toEqual([0, 'issue', 'symantec.com']);
    const hinfo = kind('hinfo.pcap', 1);
    expect(hinfo.kind === 'hinfo' && [new TextDecoder().decode(hinfo.cpu), new TextDecoder().decode(hinfo.os)]).toEqual(['INTEL-386', 'Windows']);
    const ds = dissectAll('ds.pcap')[1]!;
    const dsr = dnsLayers(ds)[0]!.value.answers.find((a) => a.data.kind === 'ds')!.data;
    expect(dsr.kind === 'ds' && [dsr.keyTag, dsr.algorithm, dsr.digestType, dsr.digest.length]).toEqual([0x481f, 5, 1, 20]);
    const key = kind('dnskey.pcap', 1);
    expect(key.kind === 'dnskey' && [key.flags, key.protocol, key.algorithm]).toEqual([256, 3, 5]);
    const n3p = kind('nsec3param.pcap', 1);
    expect(n3p.kind === 'nsec3param' && [n3p.algorithm, n3p.flags, n3p.iterations, n3p.salt.length]).toEqual([1, 0, 20, 16]);
  });

  it('mDNS: QU bit and cache-flush bit of the class field, shown under mdns', () => {
    const frames = dissectAll('crafted.pcap');
    const f = frames[10]!;
    const l = dnsLayers(f)[0]!;
    expect(l.proto).toBe(mdns);
    expect(l.value.questions.map((q) => q.class)).toEqual([0x8001, 0x0001]);
    expect(l.value.answers.map((a) => (a.class & 0x8000) !== 0)).toEqual([true, false, true, true, true]);
    const got = collect(frameTree(f, PREFS), new Set(['dns.qry.qu', 'dns.resp.cache_flush', 'dns.qry.class', 'dns.rr.udp_payload_size']));
    expect(got.get('dns.qry.qu')!.map((n) => n.value)).toEqual([true, false]);
    expect(got.get('dns.resp.cache_flush')!.map((n) => n.value)).toEqual([true, false, true, true, true, false]);
    expect(got.get('dns.qry.class')!.map((n) => fieldText(n.def, n.value))).toEqual(['0x0001', '0x0001']);
    expect(got.get('dns.rr.udp_payload_size')!.map((n) => fieldText(n.def, n.value))).toEqual(['0x05a0']);
    expect(dnsLayers(frames[11]!)[0]!.proto).toBe(llmnr);
  });
});

describe('lossless: every DNS message of the fixtures re-encodes to its original bytes', () => {
  for (const file of CAPTURES) {
    it(file, () => {
      let n = 0;
      for (const f of dissectAll(file)) {
        for (const l of dnsLayers(f)) {
          const input = l.proto.toInput!(l, f.data);
          const malformed = f.problems.some((p) => DNS_NAMES.has(p.layer) && p.start >= l.start && p.end <= l.end);
          // well-formed messages re-encode from their parts, not from a raw copy
          if (!malformed && l.value.flags !== undefined) expect(input.raw, `${file} frame ${f.number}`).toBeUndefined();
          const ctx = { outer: f.layers.slice(0, f.layers.indexOf(l)).map((x) => ({ proto: x.proto, input: {} })), pseudoHeaderSum: () => undefined };
          const out = l.proto.encode!(input, new Uint8Array(0), ctx);
          expect(bytesEqual(out, f.data.subarray(l.start, l.headerEnd)), `${file} frame ${f.number}`).toBe(true);
          n++;
        }
      }
      expect(n).toBeGreaterThan(0);
    });
  }

  it('a decoded message whose pointers no longer fit is compressed anew after a change', () => {
    const f = dissectAll('dns_udp.pcap')[1]!;
    const l = dnsLayers(f)[0]!;
    const input = dns.toInput!(l, f.data);
    input.questions![0]!.name = 'www.example.org'; // the answers pointed at the old question name
    const bytes = encodeMessage(input);
    const v = decodeMessage(bytes, 0, bytes.length, [], 'dns');
    expect(nameText(v.questions[0]!.name)).toBe('www.example.org');
    expect(v.answers.map((a) => nameText(a.name))).toEqual(['www.tcpdump.org', 'www.tcpdump.org']);
    expect(v.authorities.map((a) => nameText(a.name))).toEqual(['tcpdump.org', 'tcpdump.org']);
  });
});

describe('truncation: every prefix of every message reports truncated and never throws', () => {
  for (const file of ['dns_udp.pcap', 'dns-https.pcap', 'edns-opts.pcap', 'nsec3.pcap', 'crafted.pcap']) {
    it(file, () => {
      for (const f of dissectAll(file).slice(0, 12)) {
        for (const l of dnsLayers(f)) {
          const msg = f.data.slice(l.start, l.headerEnd);
          const recordsEnd = msg.length - (l.value.extraneous?.length ?? 0);
          for (let n = 0; n < msg.length; n++) {
            if (n >= recordsEnd) continue;
            const problems: Problem[] = [];
            const v = decodeMessage(msg, 0, n, problems, 'dns');
            expect(problems.some((p) => p.code === 'truncated'), `${file} #${f.number} prefix ${n}`).toBe(true);
            expectInside(problems, 0, n);
            expect(v.questions.length + v.answers.length + v.authorities.length + v.additionals.length).toBeLessThanOrEqual(msg.length);
          }
          const problems: Problem[] = [];
          decodeMessage(msg, 0, msg.length, problems, 'dns');
          expect(problems.filter((p) => p.code === 'truncated')).toEqual([]);
        }
      }
    });
  }

  it('a whole frame cut at every length dissects without throwing, problems inside the frame', () => {
    const rec = records('dns_udp.pcap')[1]!;
    const d = new Dissector(registerDefaults(), { prefs: PREFS });
    for (let n = 0; n <= rec.data.length; n++) {
      const f = d.dissect({ ...rec, data: rec.data.subarray(0, n) });
      expectInside(f.problems, 0, n);
      if (n > 42 && n < rec.data.length) expect(f.problems.some((p) => p.layer === 'dns' && p.code === 'truncated')).toBe(true);
    }
  });

  it('TCP: a short length prefix, and a message longer than the segment', () => {
    const msg = encodeMessage({ id: 7, questions: [{ name: 'example.com' }] });
    const seg = new Uint8Array(2 + msg.length);
    seg[0] = 0;
    seg[1] = msg.length + 10;
    seg.set(msg, 2);
    for (let n = 0; n < seg.length; n++) {
      const ctx = ctxFor(seg.subarray(0, n), [TCP_LAYER]);
      const r = dns.decode(seg, 0, n, ctx);
      expect(ctx.problems.some((p) => p.code === 'truncated')).toBe(true);
      expectInside(ctx.problems, 0, n);
      expect(r.headerEnd).toBeLessThanOrEqual(n);
    }
    const ctx = ctxFor(seg, [TCP_LAYER]);
    const r = dns.decode(seg, 0, seg.length, ctx);
    expect(r.value.length).toBe(msg.length + 10);
    expect(ctx.problems.find((p) => p.field === 'dns.length')?.limitedBy).toBe('tcp.len');
    expect(nameText(r.value.questions[0]!.name)).toBe('example.com');
  });
});

describe('names: compression pointers of every broken shape are problems, never hangs', () => {
  const HDR = '0000010000010000000000000'.slice(0, 24); // id 0, flags 0x0100, qdcount 1, other counts 0
  function question(nameHex: string): Uint8Array {
    return fromHex(HDR + nameHex + '00010001');
  }
  const cases: [string, string, string][] = [
    ['pointer to itself', 'c00c', 'pointer-loop'],
    ['two pointers pointing at each other', 'c00e' + 'c00c', 'pointer-loop'],
    ['a label then a pointer back to it', '0161c00c', 'pointer-loop'],
    ['a three-step cycle through labels', '0161c0100162c0140163c00c', 'pointer-loop'],
    ['pointer past the end', 'c0ff', 'bad-pointer'],
    ['pointer into the middle of a pointer (its low byte read as a label length)', 'c00d', 'truncated'],
    ['extended label type 0x40', '4101', 'bad-value'],
    ['reserved label type 0x80', '8001', 'bad-value'],
  ];
  for (const [what, hex, code] of cases) {
    it(what, () => {
      const b = question(hex);
      const problems: Problem[] = [];
      const v = decodeMessage(b, 0, b.length, problems, 'dns');
      expect(problems.map((p) => p.code)).toContain(code);
      expectInside(problems, 0, b.length);
      if (code === 'pointer-loop' && v.questions[0]) expect(nameText(v.questions[0].name)).toBe('<Name contains a pointer that loops>');
    });
  }

  it('a chain of more than MAX_JUMPS backward pointers stops with pointer-loop', () => {
    // name at 12: "a" root; then a chain: each pointer points at the previous pointer
    const parts = ['0161' + '00'];
    let prev = 12;
    let off = 15;
    for (let i = 0; i < MAX_JUMPS + 2; i++) {
      parts.push('c0' + prev.toString(16).padStart(2, '0'));
      prev = off;
      off += 2;
    }
    const b = fromHex('000001000001000000000000' + parts.join(''));
    const problems: Problem[] = [];
    const r = readName(b, 0, b.length, prev, problems, 'dns', 'dns.qry.name');
    expect(r.ok).toBe(false);
    expect(problems.map((p) => p.code)).toContain('pointer-loop');
    const ok = readName(b, 0, b.length, 15 + 2 * 10, [], 'dns', 'dns.qry.name');
    expect(ok.ok && nameText(ok.name)).toBe('a');
  });

  it('forward pointers are followed as tshark does, with a warning', () => {
    const f = dissectAll('dns-forward-pointer.pcap')[0]!;
    expect(f.problems.some((p) => p.code === 'bad-pointer' && p.severity === 'warning')).toBe(true);
    expect(dnsLayers(f)[0]!.value.questions.map((q) => nameText(q.name))).toEqual(['codemonkey.net', 'codemonkey.net']);
  });

  it('names longer than 255 bytes are reported and shown as tshark shows them', () => {
    const labels = Array.from({ length: 5 }, () => '3f' + '61'.repeat(63)).join('');
    const b = question(labels + '00');
    const problems: Problem[] = [];
    const v = decodeMessage(b, 0, b.length, problems, 'dns');
    expect(problems.some((p) => p.code === 'bad-length' && p.field === 'dns.qry.name')).toBe(true);
    expect(nameText(v.questions[0]!.name)).toBe('<Name too long>');
  });

  it('random bytes never throw and keep problems inside the message', () => {
    let seed = 12345;
    const rnd = () => (seed = (seed * 1103515245 + 12345) & 0x7fffffff) & 0xff;
    for (let i = 0; i < 3000; i++) {
      const len = rnd() + (rnd() & 1) * 256;
      const b = new Uint8Array(len);
      for (let j = 0; j < len; j++) b[j] = rnd() < 40 ? 0xc0 : rnd();
      const problems: Problem[] = [];
      decodeMessage(b, 0, len, problems, 'dns');
      expectInside(problems, 0, len);
    }
  });
});

describe('DNS over TCP', () => {
  it('several messages in one segment are one dns layer each', () => {
    const frames = dissectAll('dns-tcp-multirequest-buffer.pcap');
    const f = frames[3]!;
    const ls = dnsLayers(f);
    expect(ls.length).toBe(20);
    expect(ls.map((l) => l.value.id)).toEqual(Array.from({ length: 20 }, (_, i) => i));
    expect(ls.every((l) => l.value.length === l.headerEnd - l.start - 2)).toBe(true);
    for (let i = 1; i < ls.length; i++) expect(ls[i]!.start).toBe(ls[i - 1]!.headerEnd);
  });

  it('tcpMessageLength tells the reassembler how many bytes the next message needs', () => {
    const f = dissectAll('dns_tcp.pcap').find((x) => dnsLayers(x).length > 0)!;
    const l = dnsLayers(f)[0]!;
    expect(tcpMessageLength(f.data, l.start, l.end)).toBe(l.headerEnd - l.start);
    expect(tcpMessageLength(f.data, l.start, l.start + 1)).toBeUndefined();
  });

  it('encodes the length prefix when enclosed by TCP (or asked to)', () => {
    const input: DnsInput = { id: 1, questions: [{ name: 'a.example' }] };
    const msg = encodeMessage(input);
    const out = dns.encode!({ ...input, tcp: true }, new Uint8Array(0), { outer: [], pseudoHeaderSum: () => undefined });
    expect(out.length).toBe(msg.length + 2);
    expect((out[0]! << 8) | out[1]!).toBe(msg.length);
    const wrong = dns.encode!({ ...input, tcp: true, length: 3 }, new Uint8Array(0), { outer: [], pseudoHeaderSum: () => undefined });
    expect((wrong[0]! << 8) | wrong[1]!).toBe(3);
  });
});

describe('looksLikeDns (the UDP heuristic stand-in)', () => {
  it('accepts real queries and responses, rejects zeros, text and counts no DNS message has', () => {
    for (const file of ['dns_udp.pcap', 'test_dns.pcap']) {
      for (const f of dissectAll(file)) for (const l of dnsLayers(f)) expect(looksLikeDns(f.data, l.start, l.headerEnd)).toBe(true);
    }
    const no = ['00000000000000000000000000000000', '48656c6c6f2c207468697320697320612074657374', '08000000000064000030880100020016', '303030300000000030303030303030', '0102030405'];
    for (const hex of no) {
      const b = fromHex(hex);
      expect(looksLikeDns(b, 0, b.length), hex).toBe(false);
    }
  });
});

describe('crafting', () => {
  it('a question with everything else defaulted', () => {
    const bytes = encodeMessage({ id: 0x1a2b, recdesired: true, questions: [{ name: 'example.com', type: 'A' }] });
    expect(bytes).toEqual(fromHex('1a2b01000001000000000000076578616d706c6503636f6d0000010001'));
  });

  it('names are compressed in owner names and well-known RDATA, never in SRV or SVCB targets', () => {
    const bytes = encodeMessage({
      id: 1,
      response: true,
      questions: [{ name: 'example.com', type: 'SRV' }],
      answers: [
        { name: 'example.com', data: { kind: 'cname', target: 'www.example.com' } },
        { name: 'example.com', data: { kind: 'srv', priority: 0, weight: 0, port: 1, target: 'www.example.com' } },
        { name: 'example.com', data: { kind: 'https', priority: 1, target: 'www.example.com', params: [] } },
      ],
    });
    const v = decodeMessage(bytes, 0, bytes.length, [], 'dns');
    const [cname, srv, https] = v.answers.map((a) => a.data);
    expect(v.answers.every((a) => a.name.ptr === 12 && a.name.inline === 0)).toBe(true);
    expect(cname!.kind === 'cname' && [cname.target.inline, cname.target.ptr]).toEqual([1, 12]);
    expect(srv!.kind === 'srv' && srv.target.ptr).toBe(null);
    expect(https!.kind === 'https' && https.target.ptr).toBe(null);
    expect(srv!.kind === 'srv' && nameText(srv.target)).toBe('www.example.com');
  });

  it('explicit wrong counts and lengths are written as given', () => {
    const bytes = encodeMessage({
      id: 1,
      qdcount: 5,
      arcount: 0,
      questions: [{ name: 'x' }],
      additionals: [{ name: 'x', rdlength: 9, data: { kind: 'a', address: '1.2.3.4' } }],
    });
    expect((bytes[4]! << 8) | bytes[5]!).toBe(5);
    expect((bytes[10]! << 8) | bytes[11]!).toBe(0);
    expect((bytes[bytes.length - 6]! << 8) | bytes[bytes.length - 5]!).toBe(9);
  });

  it('flags: the whole word, then any bit field over it', () => {
    const bytes = encodeMessage({ flags: 0x8180, rcode: 3, recavail: false });
    expect((bytes[2]! << 8) | bytes[3]!).toBe(0x8103);
  });

  it('EDNS helper', () => {
    const bytes = encodeMessage({ additionals: [edns({ udpPayloadSize: 1232, do: true, version: 1, extRcode: 2, options: [{ kind: 'padding', data: new Uint8Array(3) }] })] });
    const v = decodeMessage(bytes, 0, bytes.length, [], 'dns');
    const o = v.additionals[0]!;
    expect([o.type, o.class, o.ttl.toString(16), o.rdlength]).toEqual([41, 1232, '2018000', 7]);
  });

  it('values that cannot fit throw EncodeError naming the field', () => {
    const cases: [DnsInput, string][] = [
      [{ id: 0x10000 }, 'dns.id'],
      [{ rcode: 16 }, 'dns.flags.rcode'],
      [{ questions: [{ name: 'a'.repeat(64) + '.com' }] }, 'dns.qry.name'],
      [{ questions: [{ name: 'x', type: 'NOPE' }] }, 'dns.qry.type'],
      [{ answers: [{ name: 'x', data: { kind: 'txt', strings: ['y'.repeat(256)] } }] }, 'dns.txt'],
      [{ answers: [{ name: 'x', data: { kind: 'a', address: '1.2.3' } }] }, 'dns.a'],
      [{ answers: [{ name: 'x', type: 999, data: { kind: 'unknown', data: new Uint8Array(70000) } }] }, 'dns.resp.len'],
      [{ answers: [{ name: 'x', data: { kind: 'unknown', data: new Uint8Array(1) } }] }, 'dns.resp.type'],
      [{ answers: [{ name: 'x', data: { kind: 'srv', priority: 70000, weight: 0, port: 0, target: '' } }] }, 'dns.srv.priority'],
    ];
    for (const [input, field] of cases) {
      let err: unknown;
      try {
        encodeMessage(input);
      } catch (e) {
        err = e;
      }
      expect(err, field).toBeInstanceOf(EncodeError);
      expect((err as EncodeError).field).toBe(field);
    }
  });

  it('builds a whole frame that dissects back, with UDP port 53 from the binding', () => {
    const bytes = build([ether(), ipv4({ src: '10.0.0.1', dst: '10.0.0.2' }), udp({ srcport: 5000 }), layer(dns, { id: 9, questions: [{ name: 'example.org', type: 'AAAA' }] })]);
    const f = new Dissector(registerDefaults()).dissect({ index: 0, interfaceId: 0, linkType: 1, tsSec: 0, tsNsec: 0, origLen: bytes.length, data: bytes });
    const l = dnsLayers(f)[0]!;
    expect(l.proto).toBe(dns);
    const ctx: TreeContext = { frame: f.data, layers: f.layers, index: f.layers.indexOf(l), prefs: PREFS };
    expect(dns.summary!(l, ctx)).toBe('Standard query 0x0009 AAAA example.org');
    expect(dns.label!(l, ctx)).toBe('Domain Name System (query)');
  });
});
