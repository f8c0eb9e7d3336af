import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.js';
import { readCapture } from '../../src/capture/reader.js';
import { Dissector } from '../../src/dissect/dissect.js';
import { DEFAULT_PREFS } from '../../src/dissect/prefs.js';
import { registerDefaults } from '../../src/protocols/index.js';
import { craft } from '../../src/index.js';
import { summaryColumns } from '../../src/inspect/summary.js';
import { shiftedChecksum } from '../../src/protocols/icmp-match.js';
import { analyseSegment, analysisInfo, newFlowAnalysis, TCP_A } from '../../src/protocols/tcp-analysis.js';
import type { TcpAnalysis } from '../../src/protocols/tcp-analysis.js';

// One test per cause of difference fixed in the default output: real fixture frames, each compared with the line
// tshark 4.0.17 printed for it (fixtures/summary/<capture>.txt, `tshark -n -r <capture>`).
const root = new URL('../..', import.meta.url).pathname;

async function ours(file: string, args: string[] = []): Promise<string[]> {
  let out = '';
  const ow = process.stdout.write.bind(process.stdout);
  const ew = process.stderr.write.bind(process.stderr);
  process.stdout.write = ((s: string | Uint8Array) => ((out += String(s)), true)) as typeof process.stdout.write;
  process.stderr.write = (() => true) as typeof process.stderr.write;
  try {
    await main(['-r', `${root}${file}`, ...args]);
  } finally {
    process.stdout.write = ow;
    process.stderr.write = ew;
  }
  return out.split('\n').filter((l) => l.length > 0);
}

function theirs(file: string): string[] {
  return readFileSync(`${root}fixtures/summary/${file.replace('fixtures/', '').replaceAll('/', '__')}.txt`, 'utf8').split('\n').filter(Boolean);
}

/** Our lines and tshark's for the given frame numbers (1-based), side by side. */
async function lines(file: string, frames: number[]): Promise<{ mine: string[]; want: string[] }> {
  const m = await ours(file);
  const t = theirs(file);
  return { mine: frames.map((n) => m[n - 1] ?? ''), want: frames.map((n) => t[n - 1] ?? '') };
}

async function expectLines(file: string, frames: number[], mustContain?: RegExp): Promise<void> {
  const { mine, want } = await lines(file, frames);
  if (mustContain) for (const w of want) expect(w).toMatch(mustContain);
  expect(mine).toEqual(want);
}

describe('summary lines: causes of difference fixed, against tshark 4.0.17', () => {
  it('ICMP echo replies name their request, "(request in N)"; requests show nothing on one pass', async () => {
    await expectLines('fixtures/capture/crafted/modified.pcap', [3, 4, 5, 6], /Echo/);
    // frame 11 has no reply; 12's reply is 13
    await expectLines('fixtures/capture/crafted/modified.pcap', [11, 12, 13]);
    // replies in another order than their requests, and through a router (ttl 63)
    await expectLines('fixtures/protocols/filter/gateway_or_not.pcap', [1, 2, 10, 12], /Echo/);
  });

  it('ICMPv6 echo replies name their request, matched per address pair, identifier, sequence and data', async () => {
    await expectLines('fixtures/protocols/filter/gateway_or_not.pcap', [5, 6, 7, 8, 13, 14], /ICMPv6/);
    await expectLines('fixtures/capture/zeek/linux_dlt_sll2.pcap', [1, 2, 3, 4]);
  });

  it('an echo reply matches only a request whose reply checksum it carries (same data), once', () => {
    const mac = '02:00:00:00:00:01';
    const echo = (type: number, data: string) =>
      craft.build([craft.ether({ src: mac }), craft.ipv4({ src: type === 8 ? '10.0.0.1' : '10.0.0.2', dst: type === 8 ? '10.0.0.2' : '10.0.0.1' }), craft.icmp({ type, body: { kind: 'echo', ident: 1, seq: 1 } }), craft.payload(data)]);
    const d = new Dissector(registerDefaults());
    const frames = [echo(8, 'abcd'), echo(0, 'abce'), echo(0, 'abcd'), echo(0, 'abcd')].map((data, i) =>
      d.dissect({ index: i, interfaceId: 0, linkType: 1, tsSec: 10, tsNsec: i * 1000, origLen: data.length, data }),
    );
    const info = frames.map((f) => summaryColumns(f, DEFAULT_PREFS, 6).info);
    expect(info[1]).not.toContain('request in');
    expect(info[2]).toMatch(/\(request in 1\)$/);
    expect(info[3]).not.toContain('request in');
    // the reply key is the request's checksum moved by the type byte (8 -> 0), as tshark computes it
    expect(shiftedChecksum(0xf7fe, 0x0800)).toBe(0xfffe);
    expect(shiftedChecksum(0xf7ff, 0x0800)).toBe(0xffff);
  });

  it('BOOTP in the Protocol column when the message has no DHCP message type', async () => {
    await expectLines('fixtures/protocols/dhcp/crafted-special.pcap', [1, 9, 10, 11, 12, 13, 14], /BOOTP|DHCP/);
  });

  it('exception markers: [Packet size limited during capture], [Malformed Packet] (DHCP option overrun, ARP cut short, raw IP version)', async () => {
    await expectLines('fixtures/capture/hadrielk-pcapng/output_be/advanced/test102.pcapng', [2, 6], /\[Packet size limited during capture\]$/);
    await expectLines('fixtures/protocols/dhcp/crafted-special.pcap', [4, 7], /\[Malformed Packet\]$/);
    await expectLines('fixtures/protocols/arp/crafted-arp.pcap', [26, 27], /\[Malformed Packet\]$/);
    await expectLines('fixtures/protocols/link/crafted-raw.pcap', [3, 5], /\[Malformed Packet\]$/);
    // an expert note, not an exception: no marker
    await expectLines('fixtures/protocols/link/crafted-eth2.pcap', [5], /BAD UDP LENGTH/);
  });

  it('source and destination columns: SLL sender, N/A for raw and loopback, source routes, IPv6 routing and home address, innermost IP', async () => {
    await expectLines('fixtures/capture/zeek/linux_dlt_sll2.pcap', [5, 6], /→  {13}/);
    await expectLines('fixtures/protocols/link/crafted-loop.pcap', [2, 4], /N\/A → N\/A/);
    await expectLines('fixtures/protocols/ip/crafted-options.pcap', [1, 2, 3]);
    await expectLines('fixtures/protocols/ipv6/tcpdump_ipv6-routing-header.pcap', [1, 2, 3, 4]);
    await expectLines('fixtures/protocols/ipv6/tcpdump_ipv6-srh-ext-header.pcap', [1]);
    await expectLines('fixtures/protocols/ipv6/zeek_chksums_ip6-hoa-udp-good-chksum.pcap', [1]);
    await expectLines('fixtures/protocols/ipv6/libpcap_filter_ipv6_ah_modes.pcap', [2]);
    // options cut short: tshark set the source, then stopped before the destination (left the Ethernet one)
    await expectLines('fixtures/protocols/ip/zeek_trunc_ipv4-internally-truncated-header.pcap', [1], /→ d4:04:ff:ea:c8:f0/);
  });

  it('ARP operations name the Protocol column: RARP, DRARP, Inverse ARP', async () => {
    await expectLines('fixtures/protocols/arp/crafted-arp.pcap', [7, 8, 9, 10, 12, 13], /RARP|DRARP|Inverse ARP/);
    await expectLines('fixtures/protocols/arp/rarp_req_reply.pcapng', [1, 2], /RARP/);
  });

  it('time column: decimals of binary resolutions (2^-8 s: 2), none for records without a timestamp, custom blocks', async () => {
    await expectLines('fixtures/capture/crafted/tsresol.pcapng', [1, 2, 3, 4, 5, 6, 7]);
    await expectLines('fixtures/capture/gopacket/pcapgo/tests/be/test902.pcapng', [1]);
    await expectLines('fixtures/capture/hadrielk-pcapng/output_be/basic/test010.pcapng', [1, 2, 3, 4], /^ +\d {12}/);
    await expectLines('fixtures/capture/hadrielk-pcapng/output_be/advanced/test102.pcapng', [1, 3, 8], /PCAPNG \d+ Custom Block: PEN = /);
  });

  it('TCP sequence analysis flags in front of the Info column', async () => {
    const smtp = 'fixtures/capture/node-pcap-parser/smtp.pcap';
    // frame 25 is SMTP for tshark (not decoded by wirelens): the flag stays in front of the upper layer's Info
    const full = await lines(smtp, [25]);
    expect(full.want[0]).toContain(' SMTP 1514 [TCP Window Full] C: DATA');
    expect(full.mine[0]).toContain(' TCP 1514 [TCP Window Full] 1470 → 25 [ACK]');
    await expectLines(smtp, [27], /\[TCP Out-Of-Order\]/);
    await expectLines(smtp, [32, 33, 35, 36], /\[TCP Retransmission\]/);
    await expectLines(smtp, [43], /\[TCP ACKed unseen segment\]/);
    // an ACK beyond a hole is reported once: later ACKs of the same stream are not flagged
    await expectLines(smtp, [46, 47, 48, 49, 50, 51, 53, 55, 57, 58, 59]);
    const t300 = 'fixtures/capture/gopacket/pcapgo/tests/le/test300.pcapng';
    await expectLines(t300, [11, 24], /\[TCP Spurious Retransmission\]/);
    await expectLines(t300, [12], /\[TCP Dup ACK 9#1\]/);
  });

  it('TCP analysis: window update, and no flags with tcp.analyze_sequence_numbers off', async () => {
    const file = 'fixtures/dissect/tcp/dns-incomplete.pcap';
    const want = readFileSync(`${root}${file}.summary.txt`, 'utf8').split('\n').filter(Boolean);
    const mine = await ours(file);
    expect(want[3]).toContain('[TCP Window Update]');
    expect(mine[3]).toBe(want[3]);
    const off = await ours(file, ['-o', 'tcp.analyze_sequence_numbers:FALSE']);
    expect(off[3]).not.toContain('[TCP Window Update]');
    expect(off.some((l) => /\[TCP (?!segment of a reassembled PDU)/.test(l))).toBe(false);
  });

  it('TCP analysis: the unit cases (keep-alive, zero window, dup ACK count, previous segment not captured)', () => {
    const fwd = newFlowAnalysis();
    const rev = newFlowAnalysis();
    const t = (ms: number) => ({ sec: 1, nsec: ms * 1e6 });
    const seg = (frame: number, seq: number, ack: number, seglen: number, window = 1000, flags = 0x010): TcpAnalysis => {
      const ta: TcpAnalysis = { created: false, flags: 0 };
      analyseSegment(fwd, rev, -2, {}, { frame, time: t(frame), seq, ack, seglen, flags, window }, ta);
      return ta;
    };
    expect(seg(1, 1000, 5000, 100).flags).toBe(0);
    // a pure ACK with a new acknowledgment number, then the same again: duplicates of frame 2
    expect(seg(2, 1100, 5001, 0).flags).toBe(0);
    const dup = seg(3, 1100, 5001, 0);
    expect(analysisInfo(dup)).toBe('[TCP Dup ACK 2#1] ');
    expect(seg(4, 1100, 5001, 0).dupackNum).toBe(2);
    expect(analysisInfo(seg(5, 1099, 5001, 1))).toBe('[TCP Keep-Alive] ');
    expect(analysisInfo(seg(6, 1300, 5001, 10))).toBe('[TCP Previous segment not captured] ');
    expect(seg(7, 1310, 5001, 0, 0).flags & TCP_A.ZERO_WINDOW).toBeTruthy();
    // a segment the other side already acknowledged is a spurious retransmission
    const back: TcpAnalysis = { created: false, flags: 0 };
    analyseSegment(rev, fwd, -2, {}, { frame: 8, time: t(8), seq: 5000, ack: 1310, seglen: 1, flags: 0x018, window: 1000 }, back);
    expect(back.frameAcked).toBe(6);
    const spurious = seg(9, 1000, 5001, 100);
    expect(analysisInfo(spurious)).toBe('[TCP Spurious Retransmission] ');
  });
});

describe('summary columns keep working on crafted frames', () => {
  it('a frame read from bytes gives the same line through the library as through the command', async () => {
    const file = 'fixtures/capture/crafted/modified.pcap';
    const d = new Dissector(registerDefaults());
    const info = [...readCapture(new Uint8Array(readFileSync(`${root}${file}`)))].map((r) => summaryColumns(d.dissect(r), DEFAULT_PREFS, 6).info);
    const cli = await ours(file);
    info.forEach((s, i) => expect(cli[i]!.endsWith(s)).toBe(true));
  });
});
