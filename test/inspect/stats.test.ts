/**
 * `-z` statistics: the command's output equals tshark 4.0.17's byte for byte on fixture captures
 * (fixtures/stats/CASES, expected outputs made by fixtures/stats/make-expected.sh), plus the pieces on their own:
 * printf rounding, sizes, the stats tree's sort and burst, conversation orientation, bounded state, order of
 * drawing, errors, and never throwing on arbitrary frames.
 */
process.env.TZ = 'UTC';

import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { main } from '../../src/cli/main.js';
import { readCaptureFile } from '../../src/capture/index.js';
import type { CaptureRecord } from '../../src/capture/types.js';
import { Dissector } from '../../src/dissect/dissect.js';
import type { Frame } from '../../src/dissect/frame.js';
import { DEFAULT_PREFS } from '../../src/dissect/prefs.js';
import { registerDefaults } from '../../src/protocols/index.js';
import { build } from '../../src/craft/build.js';
import { ether, ipv4, ipv6, udp } from '../../src/craft/index.js';
import { createStat, drawAll, isStatError, Progress, statsContext } from '../../src/inspect/stats/index.js';
import type { StatCollector } from '../../src/inspect/stats/index.js';
import { fixed, formatSize } from '../../src/inspect/stats/printf.js';
import { StatsTree } from '../../src/inspect/stats/statstree.js';
import { topLevelProtocols } from '../../src/inspect/stats/layers.js';

const root = fileURLToPath(new URL('../../', import.meta.url));

async function runCli(argv: string[]): Promise<{ stdout: string; stderr: string; code: number }> {
  let stdout = '';
  let stderr = '';
  const w = vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    stdout += typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8');
    return true;
  });
  const e = vi.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => {
    stderr += typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8');
    return true;
  });
  try {
    const code = await main(argv);
    return { stdout, stderr, code };
  } finally {
    w.mockRestore();
    e.mockRestore();
  }
}

afterEach(() => vi.restoreAllMocks());

interface Case {
  name: string;
  capture: string;
  specs: string[];
}

function parseCases(text: string): Case[] {
  const out: Case[] = [];
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (!line || line.startsWith('#')) continue;
    const [name, capture, ...specs] = line.split(/\s+/);
    if (!name || !capture || specs.length === 0) throw new Error(`bad CASES line: ${raw}`);
    out.push({ name, capture, specs });
  }
  return out;
}

const cases = parseCases(readFileSync(root + 'fixtures/stats/CASES', 'utf8'));

describe('-q -z output equals tshark 4.0.17 (fixtures/stats/CASES)', () => {
  it('has cases for every statistic', () => {
    const kinds = new Set(cases.flatMap((c) => c.specs.filter((s) => !s.startsWith('o=')).map((s) => s.split(',').slice(0, 2).join(','))));
    for (const k of ['io,phs', 'io,stat', 'conv,eth', 'conv,ip', 'conv,ipv6', 'conv,tcp', 'conv,udp', 'endpoints,eth', 'endpoints,ip', 'endpoints,ipv6', 'endpoints,tcp', 'endpoints,udp', 'dns,tree', 'dhcp,stat', 'expert']) {
      expect([...kinds].some((x) => x === k || x.startsWith(k)), k).toBe(true);
    }
  });
  for (const c of cases) {
    it(`${c.name}: ${c.capture} ${c.specs.join(' ')}`, async () => {
      const expected = readFileSync(`${root}fixtures/stats/expected/${c.name}.txt`, 'utf8');
      const args = ['-q', '-r', root + c.capture];
      for (const s of c.specs) {
        if (s.startsWith('o=')) args.push('-o', s.slice(2));
        else args.push('-z', s);
      }
      const r = await runCli(args);
      // (Node may warn about listeners after many in-process runs; the command itself must say nothing.)
      expect(r.stderr).not.toContain('wirelens');
      expect(r.code).toBe(0);
      expect(r.stdout).toBe(expected);
    });
  }
});

describe('printf as glibc', () => {
  it('rounds exact ties to even, everything else to nearest', () => {
    expect(fixed(0.03125, 4)).toBe('0.0312');
    expect(fixed(0.09375, 4)).toBe('0.0938');
    expect(fixed(0.5, 0)).toBe('0');
    expect(fixed(1.5, 0)).toBe('2');
    expect(fixed(2.5, 0)).toBe('2');
    expect(fixed(-0.125, 2)).toBe('-0.12');
    // 2.675 is 2.67499999... in binary: not a tie.
    expect(fixed(2.675, 2)).toBe('2.67');
    expect(fixed(6, 9)).toBe('6.000000000');
    expect(fixed(5.783000000000001, 4)).toBe('5.7830');
  });
  it('agrees with toFixed away from ties', () => {
    fc.assert(
      fc.property(fc.double({ min: -1e9, max: 1e9, noNaN: true }), fc.integer({ min: 0, max: 9 }), (x, d) => {
        const s = fixed(x, d);
        const t = x.toFixed(d);
        if (s !== t) {
          // Only an exact tie may differ, and then by one unit in the last place, towards even.
          const last = Number(s[s.length - 1]);
          expect(last % 2).toBe(0);
        }
      }),
    );
  });
  it('formats sizes as Wireshark format_size (SI, integer division, prefix from 10 units)', () => {
    expect(formatSize(0)).toBe('0 bytes');
    expect(formatSize(4418)).toBe('4418 bytes');
    expect(formatSize(9999)).toBe('9999 bytes');
    expect(formatSize(10000)).toBe('10 kB');
    expect(formatSize(15999)).toBe('15 kB');
    expect(formatSize(1349123)).toBe('1349 kB');
    expect(formatSize(9_999_999)).toBe('9999 kB');
    expect(formatSize(10_000_000)).toBe('10 MB');
    expect(formatSize(12_345_678_901)).toBe('12 GB');
  });
});

function frames(path: string): Frame[] {
  const file = readCaptureFile(new Uint8Array(readFileSync(root + path)));
  const d = new Dissector(registerDefaults());
  return file.records.map((r) => d.dissect({ ...r, data: r.data.slice() }));
}

function collect(spec: string, fs: readonly Frame[]): StatCollector {
  const s = createStat(spec, statsContext(DEFAULT_PREFS));
  if (isStatError(s)) throw new Error(s.error);
  for (const f of fs) s.add(f);
  return s;
}

function record(data: Uint8Array, i: number, tsSec = 1000 + i, tsNsec = 0): CaptureRecord {
  return { index: i, interfaceId: 0, linkType: 1, tsSec, tsNsec, origLen: data.length, data };
}

function dissectAll(packets: readonly Uint8Array[]): Frame[] {
  const d = new Dissector(registerDefaults());
  return packets.map((p, i) => d.dissect(record(p, i)));
}

describe('conversations and endpoints', () => {
  const a = '10.0.0.1';
  const b = '10.0.0.2';
  const pkt = (src: string, dst: string, sport: number, dport: number, extra = 0): Uint8Array =>
    build([ether({ src: '02:00:00:00:00:01', dst: '02:00:00:00:00:02' }), ipv4({ src, dst }), udp({ srcport: sport, dstport: dport })], new Uint8Array(extra));

  it('keeps the first packet\'s orientation: -> counts that direction, <- the other', () => {
    const fs = dissectAll([pkt(b, a, 53, 40000, 10), pkt(a, b, 40000, 53), pkt(a, b, 40000, 53)]);
    const lines = collect('conv,udp', fs).lines();
    const row = lines.find((l) => l.includes('<->'))!;
    expect(row.startsWith('10.0.0.2:53')).toBe(true);
    expect(row).toMatch(/10\.0\.0\.1:40000\s+2 \d+ bytes\s+1 \d+ bytes\s+3 /);
  });

  it('sorts by total frames, ties in order of first appearance', () => {
    const fs = dissectAll([pkt(a, '10.0.0.9', 1, 2), pkt(a, b, 1, 2), pkt(a, b, 1, 2), pkt(a, '10.0.0.8', 1, 2)]);
    const rows = collect('conv,ip', fs).lines().filter((l) => l.includes('<->'));
    expect(rows.map((r) => r.split(/\s+/)[2])).toEqual([b, '10.0.0.9', '10.0.0.8']);
  });

  it('counts an endpoint talking to itself as sender and receiver', () => {
    const fs = dissectAll([pkt(a, a, 7, 7)]);
    const rows = collect('endpoints,udp', fs).lines().filter((l) => l.startsWith(a));
    expect(rows).toHaveLength(1);
    expect(rows[0]!.trim().split(/\s+/)).toEqual([a, '7', '2', String(2 * fs[0]!.record.origLen), '1', String(fs[0]!.record.origLen), '1', String(fs[0]!.record.origLen)]);
  });

  it('IPv6 conversations print the addresses as tshark does', () => {
    const p = build([ether(), ipv6({ src: '2001:db8::1', dst: '2001:db8::2' }), udp({ srcport: 5, dstport: 6 })]);
    const lines = collect('conv,ipv6', dissectAll([p])).lines();
    expect(lines[1]).toBe('IPv6 Conversations');
    expect(lines.some((l) => l.startsWith('2001:db8::1          <-> 2001:db8::2'))).toBe(true);
  });

  it('holds one entry per conversation, however many packets', () => {
    const base = [pkt(a, b, 1, 2), pkt(b, a, 2, 1), pkt(a, '10.0.0.3', 1, 2)];
    const once = collect('conv,udp', dissectAll(base)).lines().length;
    const many: Uint8Array[] = [];
    for (let i = 0; i < 200; i++) many.push(...base);
    const c = collect('conv,udp', dissectAll(many));
    expect(c.lines().length).toBe(once);
    expect((c as unknown as { list: unknown[] }).list.length).toBe(2);
  });

  it('honours a tap filter and prints it', () => {
    const fs = dissectAll([pkt(a, b, 1, 53), pkt(a, '10.0.0.3', 1, 2)]);
    const lines = collect('conv,ip,udp.port==53', fs).lines();
    expect(lines[2]).toBe('Filter:udp.port==53');
    expect(lines.filter((l) => l.includes('<->'))).toHaveLength(1);
  });
});

describe('protocol hierarchy', () => {
  it('nests what tshark nests: echo data and quoted datagrams inside ICMP; a quoted UDP payload back on top', () => {
    const fs = frames('fixtures/protocols/icmp/zeek_icmp_icmp-destunreach-udp.pcap');
    expect(topLevelProtocols(fs[0]!).slice(0, 4)).toEqual(['eth', 'ip', 'icmp', 'dns']);
    const echo = frames('fixtures/start.pcapng').find((f) => f.layers.some((l) => l.proto.name === 'icmp'))!;
    expect(topLevelProtocols(echo)).toEqual(['eth', 'ip', 'icmp']);
  });
  it('lists the segments of a PDU reassembled from TCP after its protocols (tcp.segments)', () => {
    const fs = frames('fixtures/dissect/tcp/dns-tkey.pcap');
    const reassembled = fs.find((f) => f.layers.some((l) => l.source !== undefined))!;
    expect(topLevelProtocols(reassembled)).toEqual(['eth', 'ip', 'tcp', 'dns', 'tcp.segments']);
  });
  it('starts a commented packet with pkt_comment', () => {
    const fs = frames('fixtures/capture/crafted/mixed-endian.pcapng');
    expect(topLevelProtocols(fs[0]!)[0]).toBe('pkt_comment');
  });
  it('counts every frame at the root level once', () => {
    const fs = frames('fixtures/start.pcapng');
    const lines = collect('io,phs', fs).lines();
    const top = lines.filter((l) => /^\S+\s+frames:/.test(l));
    const total = top.reduce((n, l) => n + Number(/frames:(\d+)/.exec(l)![1]), 0);
    expect(total).toBe(fs.length);
  });
});

describe('stats tree', () => {
  it('sorts children by count, then by name in reverse byte order; top level in creation order', () => {
    const t = new StatsTree('T');
    const top = t.root.child('Zed');
    t.root.child('Alpha');
    t.packet(0, 0);
    top.pivot('b');
    top.pivot('a');
    top.pivot('C');
    top.pivot('a');
    const lines = t.lines().filter((l) => /^ ?\S/.test(l) && !l.startsWith('=') && !l.startsWith('-'));
    expect(lines.map((l) => l.trim().split(/\s+/)[0])).toEqual(['T:', 'Topic', 'Zed', 'a', 'b', 'C', 'Alpha']);
  });
  it('burst: the most ticks within 100 ms, and when that window started', () => {
    const t = new StatsTree('T');
    const n = t.root.child('n');
    for (const ms of [0, 50, 99, 150, 160, 170]) {
      t.packet(0, ms * 1e6);
      n.tick();
    }
    // 50, 99, 150 are within 100 ms (buckets 10..30), and 99, 150, 160, 170 too: 4 ticks from 99 ms (bucket 19).
    expect(n.maxBurst).toBe(4);
    expect(n.burstTime).toBe(99);
    const row = t.lines().find((l) => l.startsWith('n '))!;
    expect(row.trim().split(/\s+/).slice(-2)).toEqual(['0.0400', '0.099']);
  });
});

describe('drawing, errors, progress', () => {
  it('draws the statistics last-given first, as tshark does', async () => {
    const r = await runCli(['-q', '-r', root + 'fixtures/start.pcapng', '-z', 'io,phs', '-z', 'conv,ip']);
    expect(r.stdout.indexOf('IPv4 Conversations')).toBeLessThan(r.stdout.indexOf('Protocol Hierarchy Statistics'));
  });
  it('sees every frame whatever -Y keeps', async () => {
    const all = await runCli(['-q', '-r', root + 'fixtures/start.pcapng', '-z', 'io,phs']);
    const filtered = await runCli(['-q', '-r', root + 'fixtures/start.pcapng', '-Y', 'dns', '-z', 'io,phs']);
    expect(filtered.stdout).toBe(all.stdout);
  });
  it('prints packets first without -q', async () => {
    const r = await runCli(['-r', root + 'fixtures/start.pcapng', '-c', '2', '-z', 'io,phs']);
    expect(r.stdout.split('\n')[0]).toMatch(/^\s+1\s/);
    expect(r.stdout).toContain('eth                                      frames:2 bytes:664');
  });
  it('rejects an unknown statistic and a bad filter', async () => {
    const bad = await runCli(['-q', '-r', root + 'fixtures/start.pcapng', '-z', 'conv,foo']);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain('Invalid -z argument "conv,foo"');
    const badFilter = await runCli(['-q', '-r', root + 'fixtures/start.pcapng', '-z', 'conv,ip,ip.ttl ==']);
    expect(badFilter.code).toBe(4);
    const badInterval = await runCli(['-q', '-r', root + 'fixtures/start.pcapng', '-z', 'io,stat,x']);
    expect(badInterval.code).toBe(1);
  });
  it('shows progress only on a terminal, every 100k packets', () => {
    let s = '';
    const p = new Progress((x) => (s += x), true, 2);
    for (let i = 1; i <= 5; i++) p.tick(i);
    p.done();
    expect(s).toBe('\r2 packets\r4 packets\r\x1b[K');
    let quiet = '';
    const q = new Progress((x) => (quiet += x), false, 1);
    q.tick(1);
    q.done();
    expect(quiet).toBe('');
  });
});

describe('never throws', () => {
  const specs = ['io,phs', 'io,stat,0.01', 'io,stat,0,COUNT(ip.ttl)ip,SUM(udp.length)udp,MIN(ip.ttl),MAX(ip.ttl),AVG(ip.ttl)', 'conv,eth', 'conv,ip', 'conv,ipv6', 'conv,tcp', 'conv,udp', 'endpoints,eth', 'endpoints,ip', 'endpoints,ipv6', 'endpoints,tcp', 'endpoints,udp', 'expert', 'dns,tree', 'dhcp,stat'];
  it('on arbitrary frames (any link type, bytes, times) and draws lines', () => {
    fc.assert(
      fc.property(
        fc.array(fc.record({ link: fc.constantFrom(1, 0, 101, 113, 228, 229), bytes: fc.uint8Array({ maxLength: 120 }), sec: fc.integer({ min: 0, max: 5 }), nsec: fc.integer({ min: 0, max: 999_999_999 }) }), { maxLength: 12 }),
        (pkts) => {
          const d = new Dissector(registerDefaults());
          const stats = specs.map((s) => {
            const c = createStat(s, statsContext(DEFAULT_PREFS));
            if (isStatError(c)) throw new Error(c.error);
            return c;
          });
          pkts.forEach((p, i) => {
            const f = d.dissect({ index: i, interfaceId: 0, linkType: p.link, tsSec: p.sec, tsNsec: p.nsec, origLen: p.bytes.length, data: p.bytes });
            for (const s of stats) s.add(f);
          });
          for (const l of drawAll(stats)) expect(typeof l).toBe('string');
        },
      ),
      { numRuns: 150 },
    );
  });
  it('on every prefix of real packets', () => {
    const file = readCaptureFile(new Uint8Array(readFileSync(root + 'fixtures/start.pcapng')));
    const stats = specs.map((s) => createStat(s, statsContext(DEFAULT_PREFS)) as StatCollector);
    const d = new Dissector(registerDefaults());
    let i = 0;
    for (const r of file.records) {
      for (let n = 0; n <= r.data.length; n += 3) {
        const f = d.dissect({ ...r, index: i++, data: r.data.slice(0, n) });
        for (const s of stats) s.add(f);
      }
    }
    expect(drawAll(stats).length).toBeGreaterThan(0);
  });
});
