/**
 * `-T fields` against tshark 4.0.17, cell by cell, on every committed capture that has a golden: the 110 fields of
 * the oracle (../shared/oracle/tshark-fields.sh) with its preferences (ORACLE_PREFS). fixtures/golden/INDEX.tsv
 * pairs each capture under fixtures/ with its golden: a copy of the oracle's golden of the same corpus capture, or,
 * for the project's crafted captures, the oracle script's output for them.
 *
 * Every cell must be equal, except the known differences below: each names a capture, a field and why (tshark
 * decodes a protocol wirelens does not, mostly). A known difference that no longer occurs fails the test too, so
 * the list stays exact. The agreement figure is printed.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { readCapture } from '../../src/capture/reader.js';
import { Dissector } from '../../src/dissect/dissect.js';
import { ORACLE_PREFS } from '../../src/dissect/prefs.js';
import { fieldsRow } from '../../src/inspect/fields.js';
import type { FieldsOptions } from '../../src/inspect/fields.js';
import { registerDefaults } from '../../src/protocols/index.js';

const FIXTURES = new URL('../../fixtures/', import.meta.url);
const GOLDEN = new URL('../../fixtures/golden/', import.meta.url);
const OPTS: FieldsOptions = { header: false, separator: '\t', occurrence: 'a', aggregator: ',', quote: '' };
/** Indicators: compared as booleans (present or not), as the oracle's documentation says. */
const BOOL = new Set(['_ws.malformed', '_ws.short']);

/**
 * Known differences, by capture (path under fixtures/) and field; `frames` lists the frame numbers concerned.
 * Reasons, shared by several entries, are spelled once.
 */
const TIME = 'frame.time_epoch of a timestamp tshark prints without normalising (a negative or out-of-range fraction): a capture-reading matter';
const DNS_CUT = 'DNS over TCP without desegmentation: tshark tolerates damage inside a message that continues in later segments (unreassembled), wirelens calls it malformed';
const TRAILER = 'tshark keeps these segment bytes inside TCP ("TCP segment data") without handing them to a decoder; wirelens shows them as data';
const KNOWN: readonly { capture: string; field: string; frames: string; why: string }[] = [
  { capture: 'capture/crafted/tsresol.pcapng', field: 'frame.time_epoch', frames: '4', why: TIME },
  { capture: 'capture/malformed/tcpdump/timestamp_invalid_micro.pcap', field: 'frame.time_epoch', frames: '2-3', why: TIME },
  { capture: 'capture/malformed/tcpdump/timestamp_invalid_nano.pcap', field: 'frame.time_epoch', frames: '2-3', why: TIME },
  { capture: 'capture/tcpdump/atm-oam-loopback-print-overrun.pcap', field: 'frame.len', frames: '1', why: 'SunATM link type: tshark takes its 4-byte pseudo-header out of the frame lengths (ATM not decoded)' },
  { capture: 'capture/tcpdump/atm-oam-loopback-print-overrun.pcap', field: 'frame.cap_len', frames: '1', why: 'SunATM pseudo-header (see frame.len)' },
  { capture: 'capture/tcpdump/atm-oam-loopback-print-overrun.pcap', field: 'frame.time_epoch', frames: '1', why: 'SunATM record with an out-of-range timestamp (see frame.len)' },
  { capture: 'capture/tcpdump/tcp_rst_diag_payload.pcap', field: 'frame.protocols', frames: '1', why: 'RST segment payload: tshark shows it as RST cause text inside TCP, wirelens as data' },
  { capture: 'protocols/link/tcp_rst_diag_payload.pcap', field: 'frame.protocols', frames: '1', why: 'RST segment payload (see capture/tcpdump/tcp_rst_diag_payload.pcap)' },
  { capture: 'dissect/tcp/dns-tkey.pcap', field: '_ws.malformed', frames: '5,7', why: DNS_CUT },
  { capture: 'protocols/dns/dns-invalid-names.pcap', field: '_ws.malformed', frames: '2', why: 'a compression pointer loop: wirelens reports it as damage, tshark only as an expert note' },
  { capture: 'protocols/dns/dns-tcp-multirequest-buffer.pcap', field: 'frame.protocols', frames: '4', why: 'many DNS messages in one segment: tshark lists dns once, wirelens once per message after the first cut one' },
  { capture: 'protocols/ip/tcpdump_ip_ts_opts_asan.pcap', field: 'frame.protocols', frames: '1', why: 'an IPv4 header whose options run past the capture: tshark still hands the payload to ICMP' },
  { capture: 'protocols/ip/tcpdump_ip_ts_opts_asan.pcap', field: '_ws.short', frames: '1', why: 'see frame.protocols of this frame' },
  { capture: 'protocols/ipv6/suricata-verify_defrag_bug-6887-defrag-ipv6-tcp_frag-ip-tcp.pcap', field: 'frame.protocols', frames: '1', why: TRAILER },
  { capture: 'protocols/tcp/zeek-tcp-window-scale-range.pcap', field: 'frame.protocols', frames: '4', why: TRAILER },
  { capture: 'protocols/link/crafted-raw228.pcap', field: 'ip.version', frames: '2', why: 'LINKTYPE_IPV4 (228) carrying IPv6: tshark\'s IPv4 decoder hands over to IPv6 without a field of its own, wirelens shows ip.version in both layers' },
  { capture: 'protocols/link/crafted-sll.pcap', field: '_ws.malformed', frames: '10', why: 'Linux cooked protocol 1 (raw 802.3, Novell IPX): tshark finds the IPX header malformed, wirelens has no IPX decoder' },
  { capture: 'protocols/link/icmpv6-length-zero.pcapng', field: 'frame.protocols', frames: '1', why: 'IPv6 payload length 0 without a jumbo option: tshark still hands the rest to ICMPv6 (and finds it malformed)' },
  { capture: 'protocols/link/icmpv6-length-zero.pcapng', field: '_ws.malformed', frames: '1', why: 'see frame.protocols of this frame' },
  { capture: 'protocols/mpls/mpls-in-vlan.pcap', field: 'frame.protocols', frames: '2', why: 'tshark hands the TCP payload (port 80) to HTTP, which takes it without a layer of its own; wirelens shows data' },
  { capture: 'protocols/tcp/zeek-ipv4-fragmented-syn.pcap', field: '_ws.malformed', frames: '1', why: 'a first IPv4 fragment cutting the TCP options: tshark does not call it malformed (a fragment), wirelens does' },
];

interface Cell {
  capture: string;
  frame: number;
  field: string;
  ours: string;
  theirs: string;
}

const REGISTRY = registerDefaults();

/**
 * A frame.protocols cell that differs only because tshark goes deeper than wirelens can: both paths agree up to the
 * first protocol wirelens has no decoder for, and from there wirelens has at most `data`. (Anything else, a layer
 * decoded differently, must be a listed known difference.)
 */
export function deeperThanUs(ours: string, theirs: string): boolean {
  const t = theirs.split(':');
  const k = t.findIndex((p) => p !== 'ethertype' && !REGISTRY.protocol(p));
  if (k < 0) return false;
  const o = ours.split(':');
  return o.slice(0, k).join(':') === t.slice(0, k).join(':') && (o.length === k || (o.length === k + 1 && o[k] === 'data'));
}

function compare(): { cells: number; equal: number; diffs: Cell[]; deeper: number; captures: number; rowCounts: string[] } {
  const index = readFileSync(new URL('INDEX.tsv', GOLDEN), 'utf8')
    .split('\n')
    .filter((l) => l && !l.startsWith('#'))
    .map((l) => l.split('\t'));
  let cells = 0;
  let equal = 0;
  let captures = 0;
  let deeper = 0;
  const diffs: Cell[] = [];
  const rowCounts: string[] = [];
  for (const [fixture, golden] of index) {
    const lines = readFileSync(new URL(golden!, GOLDEN), 'utf8').split('\n');
    if (lines.at(-1) === '') lines.pop();
    if (lines.length === 0) continue; // tshark could not read the file at all
    const header = lines.shift()!.split('\t');
    const names = new Set(header);
    const d = new Dissector(registerDefaults(), { prefs: ORACLE_PREFS });
    const ours: string[] = [];
    try {
      for (const rec of readCapture(new Uint8Array(readFileSync(new URL(fixture!, FIXTURES))))) ours.push(fieldsRow(d.dissect(rec), ORACLE_PREFS, header, names, OPTS));
    } catch {
      // a damaged capture: the records before the damage are compared (the capture tests cover the damage itself)
    }
    captures++;
    if (ours.length !== lines.length) rowCounts.push(`${fixture}: ${ours.length} rows, tshark ${lines.length}`);
    for (let r = 0; r < Math.min(ours.length, lines.length); r++) {
      const a = ours[r]!.split('\t');
      const b = lines[r]!.split('\t');
      header.forEach((field, c) => {
        let x = a[c] ?? '';
        let y = b[c] ?? '';
        if (BOOL.has(field)) {
          x = x ? '1' : '';
          y = y ? '1' : '';
        }
        cells++;
        if (x === y) equal++;
        else if (field === 'frame.protocols' && deeperThanUs(x, y)) deeper++;
        else diffs.push({ capture: fixture!, frame: r + 1, field, ours: x, theirs: y });
      });
    }
  }
  return { cells, equal, diffs, deeper, captures, rowCounts };
}

function frameList(ns: number[]): string {
  const out: string[] = [];
  for (let i = 0; i < ns.length; i++) {
    let j = i;
    while (j + 1 < ns.length && ns[j + 1] === ns[j]! + 1) j++;
    out.push(i === j ? `${ns[i]}` : `${ns[i]}-${ns[j]}`);
    i = j;
  }
  return out.join(',');
}

describe('-T fields against tshark 4.0.17 on every committed capture with a golden', () => {
  it('every cell is equal but the known differences, and every known difference still occurs', () => {
    const { cells, equal, diffs, deeper, captures, rowCounts } = compare();
    const groups = new Map<string, number[]>();
    const wholeFrames = new Set(KNOWN.filter((k) => k.field === '*').map((k) => k.capture));
    for (const d of diffs) {
      const k = `${d.capture}\t${wholeFrames.has(d.capture) ? '*' : d.field}`;
      groups.set(k, [...(groups.get(k) ?? []), d.frame]);
    }
    const found = [...groups].map(([k, ns]) => {
      const [capture, field] = k.split('\t');
      return `${capture} ${field} ${frameList([...new Set(ns)])}`;
    });
    const known = KNOWN.map((k) => `${k.capture} ${k.field} ${k.frames}`);
    console.log(
      `golden corpus: ${captures} captures, ${cells} cells, ${equal} equal (${((100 * equal) / cells).toFixed(3)}%); ` +
        `${deeper} frame.protocols cells where tshark decodes a protocol wirelens has no decoder for; ` +
        `${diffs.length} other known differences in ${KNOWN.length} groups`,
    );
    expect(rowCounts).toEqual([]);
    expect(found.filter((f) => !known.includes(f))).toEqual([]);
    expect(known.filter((k) => !found.includes(k))).toEqual([]);
    expect(captures).toBeGreaterThan(200);
  });
});
