import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { build, dhcp, dhcpMessages, dns, ether, icmp, icmpv6, ipv4, ipv6, layer, payload, qinq, tcp, udp, vlan } from '../../src/craft/index.js';
import type { CraftLayer } from '../../src/craft/index.js';
import { sll } from '../../src/protocols/sll.js';
import { raw } from '../../src/protocols/raw.js';
import { Dissector } from '../../src/dissect/dissect.js';
import { registerDefaults } from '../../src/protocols/index.js';
import { protocolsPath } from '../../src/dissect/frame.js';
import { PcapngWriter } from '../../src/capture/writer.js';

/** A random stack: link (Ethernet, raw IP, SLL), 0-2 tags, IPv4 with options or IPv6 with extension headers,
 * TCP with options / UDP / ICMP / ICMPv6, and DNS, DHCP or raw payload. `path` is what frame.protocols should say. */
interface Stack {
  linkType: number;
  layers: CraftLayer[];
  path: string;
}

const port = fc.integer({ min: 1024, max: 60000 });
const ipv4Arb = fc.record({ src: fc.ipV4(), dst: fc.ipV4(), ttl: fc.integer({ min: 1, max: 255 }), id: fc.integer({ min: 0, max: 0xffff }), df: fc.boolean(), dscp: fc.integer({ min: 0, max: 63 }) });
const ipv4Opts = fc.constantFrom(
  [],
  [{ kind: 'tlv' as const, type: 148, data: new Uint8Array([0, 0]) }],
  [{ kind: 'nop' as const }, { kind: 'tlv' as const, type: 7, data: new Uint8Array([4, 0, 0, 0, 0, 0, 0, 0, 0]) }, { kind: 'eol' as const }],
);
const ipv6Arb = fc.record({ src: fc.ipV6(), dst: fc.ipV6(), hlim: fc.integer({ min: 1, max: 255 }), flow: fc.integer({ min: 0, max: 0xfffff }) });
const extArb = fc.constantFrom(
  [],
  [{ kind: 'hopopts' as const, options: [{ kind: 'router-alert' as const, value: 0 }, { kind: 'padn' as const, data: new Uint8Array(0) }] }],
  [{ kind: 'dstopts' as const, options: [{ kind: 'padn' as const, data: new Uint8Array(4) }] }],
);
const tcpOpts = fc.constantFrom(
  [],
  [{ kind: 'mss' as const, mss: 1460 }],
  [{ kind: 'mss' as const, mss: 1460 }, { kind: 'sack_perm' as const }, { kind: 'timestamp' as const, tsval: 1, tsecr: 0 }, { kind: 'nop' as const }, { kind: 'wscale' as const, shift: 7 }],
);

const stackArb: fc.Arbitrary<Stack> = fc
  .record({
    link: fc.constantFrom('eth', 'raw', 'sll'),
    tags: fc.integer({ min: 0, max: 2 }),
    v6: fc.boolean(),
    ip4: ipv4Arb,
    ip4opts: ipv4Opts,
    ip6: ipv6Arb,
    ext: extArb,
    l4: fc.constantFrom('tcp', 'udp', 'icmp'),
    app: fc.constantFrom('dns', 'dhcp', 'data', 'none'),
    sport: port,
    dport: port,
    seq: fc.nat(),
    opts: tcpOpts,
    body: fc.uint8Array({ minLength: 1, maxLength: 64 }),
    qname: fc.constantFrom('example.com', 'a.b.example.org', 'x'),
    id: fc.integer({ min: 0, max: 0xffff }),
  })
  .map((r) => {
    const layers: CraftLayer[] = [];
    const path: string[] = [];
    let linkType = 1;
    if (r.link === 'eth') {
      layers.push(ether({ src: '02:00:00:00:00:01', dst: '02:00:00:00:00:02', padding: new Uint8Array(0) }));
      path.push('eth', 'ethertype');
      if (r.tags === 2) {
        layers.push(qinq({ id: 100 }));
        path.push('ieee8021ad', 'ethertype');
      }
      if (r.tags >= 1) {
        layers.push(vlan({ id: 42, priority: 3 }));
        path.push('vlan', 'ethertype');
      }
    } else if (r.link === 'sll') {
      linkType = 113;
      layers.push(layer(sll, { addr: '02:00:00:00:00:01' }));
      path.push('sll', 'ethertype');
    } else {
      linkType = 101;
      layers.push(layer(raw, {}));
      path.push('raw');
    }
    if (r.v6) {
      layers.push(ipv6({ ...r.ip6, ext: r.ext }));
      path.push('ipv6');
      for (const e of r.ext) path.push(e.kind === 'hopopts' ? 'ipv6.hopopts' : 'ipv6.dstopts');
    } else {
      layers.push(ipv4({ ...r.ip4, options: r.ip4opts }));
      path.push('ip');
    }
    if (r.l4 === 'icmp') {
      layers.push(r.v6 ? icmpv6({ type: 128, code: 0, body: { kind: 'echo', ident: r.id, seq: 1 } } as never) : icmp({ type: 8, code: 0, body: { kind: 'echo', ident: r.id, seq: 1 } }));
      path.push(r.v6 ? 'icmpv6' : 'icmp');
      layers.push(payload(r.body));
      path.push('data');
      return { linkType, layers, path: path.join(':') };
    }
    const app = r.app === 'dhcp' && r.v6 ? 'dns' : r.app;
    if (r.l4 === 'tcp') {
      layers.push(tcp({ srcport: r.sport, dstport: app === 'dns' ? 53 : r.dport, seq: r.seq, flags: 0x018, options: r.opts }));
      path.push('tcp');
    } else {
      const [s, d] = app === 'dhcp' ? [68, 67] : app === 'dns' ? [r.sport, 53] : [r.sport, r.dport];
      layers.push(udp({ srcport: s, dstport: d }));
      path.push('udp');
    }
    if (app === 'dns') {
      layers.push(dns({ id: r.id, recdesired: true, questions: [{ name: r.qname, type: 'A' }] }));
      path.push('dns');
    } else if (app === 'dhcp' && r.l4 === 'udp') {
      layers.push(dhcp(dhcpMessages.discover({ mac: '02:00:00:00:00:01', xid: r.id })));
      path.push('dhcp');
    } else if (app === 'data' || (app === 'dhcp' && r.l4 === 'tcp')) {
      layers.push(payload(r.body));
      path.push('data');
    }
    return { linkType, layers, path: path.join(':') };
  });

const dir = mkdtempSync(join(tmpdir(), 'wirelens-stacks-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('random layer stacks', () => {
  it('built, dissected, and the same stack comes back with good checksums and no problem', () => {
    fc.assert(
      fc.property(stackArb, (s) => {
        const bytes = build(s.layers);
        const d = new Dissector(registerDefaults(), { prefs: { 'ip.check_checksum': true, 'tcp.check_checksum': true, 'udp.check_checksum': true } });
        const f = d.dissect({ index: 0, interfaceId: 0, linkType: s.linkType, tsSec: 0, tsNsec: 0, origLen: bytes.length, data: bytes });
        expect(protocolsPath(f)).toBe(s.path);
        expect(f.problems.filter((p) => p.severity === 'error' || p.code === 'bad-checksum')).toEqual([]);
        for (const l of f.layers) {
          const v = l.value as { checksumStatus?: string };
          if (v && typeof v === 'object' && 'checksumStatus' in v) expect([l.proto.name, v.checksumStatus]).toEqual([l.proto.name, 'good']);
        }
      }),
      { numRuns: 300 },
    );
  });

  it('crafted packets written to pcapng open in tshark with no malformed packet and no bad checksum', () => {
    const stacks = fc.sample(stackArb, { numRuns: 200, seed: 7 });
    const ifaces = [1, 101, 113];
    const w = new PcapngWriter({ interfaces: ifaces.map((linkType) => ({ linkType, tsresol: 9 })) });
    const chunks = stacks.map((s, i) => w.add({ interfaceId: ifaces.indexOf(s.linkType), tsSec: 1700000000 + i, tsNsec: 0, data: build(s.layers) }));
    const file = join(dir, 'crafted.pcapng');
    writeFileSync(file, Buffer.concat(chunks));
    const tshark = spawnSync('tshark', ['-n', '-r', file, '-o', 'ip.check_checksum:TRUE', '-o', 'tcp.check_checksum:TRUE', '-o', 'udp.check_checksum:TRUE', '-T', 'fields', '-e', 'frame.number', '-e', 'frame.protocols', '-e', '_ws.malformed', '-e', '_ws.expert.severity', '-e', 'ip.checksum.status', '-e', 'udp.checksum.status', '-e', 'tcp.checksum.status', '-e', 'icmp.checksum.status', '-e', 'icmpv6.checksum.status'], { encoding: 'utf8' });
    expect(tshark.error, 'tshark must be installed (.ci/run installs it)').toBeUndefined();
    const rows = tshark.stdout.trim().split('\n').map((l) => l.split('\t'));
    expect(rows.length).toBe(stacks.length);
    const bad = rows.filter((r) => r[2] !== '' || (r[3] ?? '').split(',').some((x) => x && Number(x) >= 0x800000) || r.slice(4).some((c) => c.split(',').includes('0')));
    expect(bad).toEqual([]);
    // and tshark sees the same layers we built
    rows.forEach((r, i) => expect(r[1]).toBe(stacks[i]!.path));
  });
});
