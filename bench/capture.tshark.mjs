#!/usr/bin/env node
// Check that files written by our writers open in tshark / capinfos with the same packets and
// timestamps, that editcap's conversions of them read back the same, and that reading from stdin
// works. Needs tshark, capinfos, editcap, and a build (`npx tsc -p tsconfig.json`).
//   node bench/capture.tshark.mjs
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  PcapngWriter,
  concatChunks,
  linkTypeDescription,
  readCaptureFile,
  recordEpochText,
  recordInterfaceIdText,
  writePcap,
} from '../dist/capture/index.js';

const HERE = dirname(fileURLToPath(import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'wirelens-tshark-'));
let failures = 0;
const ok = (cond, what) => {
  console.log(`${cond ? 'ok  ' : 'FAIL'} ${what}`);
  if (!cond) failures++;
};

// a few real-looking frames: Ethernet/IPv4/UDP, and the same without Ethernet (RAW)
const ip = Uint8Array.from(Buffer.from('4500001c000100004011f97ec0a80001c0a800ff30393039000800000000', 'hex').subarray(0, 28));
const eth = concatChunks([Uint8Array.from(Buffer.from('ffffffffffff0002030405060800', 'hex')), ip]);
const sll = concatChunks([Uint8Array.from(Buffer.from('0000000100060002030405060000' + '0800', 'hex')), ip]);

function tsharkRows(path, extra = []) {
  const r = spawnSync('tshark', ['-n', '-r', path, '-T', 'fields', '-E', 'separator=/t', '-e', 'frame.number', '-e', 'frame.len', '-e', 'frame.cap_len', '-e', 'frame.time_epoch', '-e', 'frame.interface_id', ...extra], {
    encoding: 'utf8',
  });
  if (r.status !== 0) return { error: r.stderr.trim(), rows: [] };
  return { rows: r.stdout.split('\n').filter((l) => l) };
}

function ourRows(bytes, extra) {
  return readCaptureFile(bytes).records.map((r) =>
    [String(r.index + 1), String(r.origLen), String(r.data.length), recordEpochText(r), recordInterfaceIdText(r), ...(extra ? extra(r) : [])].join('\t'),
  );
}

function capinfos(path) {
  const out = execFileSync('capinfos', ['-c', '-t', '-E', path], { encoding: 'utf8' });
  const get = (k) => new RegExp(`^${k}:\\s*(.*)$`, 'm').exec(out)?.[1]?.trim();
  return { packets: Number(get('Number of packets')), type: get('File type'), encap: get('File encapsulation') };
}

function check(name, bytes, { packets, encap, type, commentCol = false }) {
  const path = join(dir, name);
  writeFileSync(path, bytes);
  const extra = commentCol ? ['-e', 'frame.comment', '-e', 'frame.interface_name'] : [];
  const t = tsharkRows(path, extra);
  ok(!t.error, `${name}: tshark opens it${t.error ? ' — ' + t.error : ''}`);
  const ours = ourRows(bytes, commentCol ? (r) => [(r.comments ?? []).join(','), ''] : undefined);
  const theirs = commentCol ? t.rows.map((l) => l.split('\t').slice(0, 6).concat('').join('\t')) : t.rows;
  ok(JSON.stringify(theirs) === JSON.stringify(ours), `${name}: tshark frame.number/len/cap_len/time_epoch/interface_id${commentCol ? '/comment' : ''} equal ours (${t.rows.length} frames)`);
  if (JSON.stringify(theirs) !== JSON.stringify(ours)) console.log({ theirs, ours });
  const c = capinfos(path);
  ok(c.packets === packets, `${name}: capinfos counts ${c.packets} packets (expected ${packets})`);
  if (encap) ok(c.encap === encap, `${name}: capinfos encapsulation "${c.encap}" (expected "${encap}")`);
  if (type) ok(c.type === type, `${name}: capinfos file type "${c.type}" (expected "${type}")`);
  // editcap round trip: convert to the other format and read it back
  for (const [fmt, ext] of [
    ['pcapng', 'pcapng'],
    ['pcap', 'pcap'],
    ['nsecpcap', 'ns.pcap'],
  ]) {
    if (fmt === 'pcap' && (encap === 'Per packet' || type?.startsWith('Wireshark/... - pcapng'))) continue; // pcap cannot hold mixed link types
    const out = join(dir, `${name}.editcap.${ext}`);
    const r = spawnSync('editcap', ['-F', fmt, path, out], { encoding: 'utf8' });
    if (r.status !== 0) {
      ok(fmt !== 'pcapng', `${name}: editcap -F ${fmt}: ${r.stderr.trim()}`);
      continue;
    }
    const a = readCaptureFile(bytes).records;
    const b = readCaptureFile(new Uint8Array(readFileSync(out))).records;
    const key = (r) => [r.tsSec, fmt === 'pcap' ? Math.floor(r.tsNsec / 1000) : r.tsNsec, r.origLen, Buffer.from(r.data).toString('hex')].join(' ');
    // editcap converts 2^-n resolutions to its own units with a float multiply (one tick lower at
    // times): allow 1 µs there
    const near = (r, q) => r.tsSec === q.tsSec && Math.abs(r.tsNsec - q.tsNsec) < 1000 && key({ ...r, tsNsec: 0 }) === key({ ...q, tsNsec: 0 });
    const sameish = a.length === b.length && a.every((r, i) => key(r) === key(b[i]) || near(r, b[i]));
    ok(sameish, `${name}: editcap -F ${fmt} output reads back with the same ${a.length} packets`);
    if (!sameish) console.log(a.map(key), b.map(key));
  }
}

const t0 = 1700000000;
const pk = (i, data) => ({ tsSec: t0 + i, tsNsec: i * 111_111_111 + 7, data, origLen: data.length + (i % 3) * 10 });

check('us-le.pcap', writePcap({ linkType: 1 }, [0, 1, 2].map((i) => pk(i, eth))), { packets: 3, encap: 'Ethernet', type: 'Wireshark/tcpdump/... - pcap' });
check('ns-be.pcap', writePcap({ linkType: 113, nanosecond: true, littleEndian: false }, [0, 1, 2, 3].map((i) => pk(i, sll))), {
  packets: 4,
  encap: linkTypeDescription(113),
  type: 'Wireshark/tcpdump/... - nanosecond pcap',
});
check('modified.pcap', writePcap({ linkType: 101, modified: true }, [0, 1].map((i) => ({ ...pk(i, ip), ifIndex: 2, protocol: 0x0800, pktType: 4 }))), {
  packets: 2,
  encap: 'Raw IP',
  type: 'Modified tcpdump - pcap',
});

for (const littleEndian of [true, false]) {
  const w = new PcapngWriter({
    littleEndian,
    section: { comments: ['written by wirelens'], userApplication: 'wirelens bench/capture.tshark.mjs' },
    interfaces: [
      { linkType: 1, name: 'eth0', tsresol: 9, description: 'first' },
      { linkType: 101, name: 'raw0' },
      { linkType: 113, name: 'any', tsresol: 0x80 | 20, filter: 'udp' },
    ],
    names: [
      { address: '192.168.0.1', names: ['gw.example'] },
      { address: '2001:db8::1', names: ['v6.example'] },
    ],
  });
  const bytes = concatChunks([
    w.add({ interfaceId: 0, ...pk(0, eth), flags: 1, comments: ['first packet', 'two comments'] }),
    w.add({ interfaceId: 1, ...pk(1, ip), flags: 2 }),
    w.add({ interfaceId: 2, ...pk(2, sll), comments: ['on any'] }),
    w.add({ interfaceId: 0, ...pk(3, eth) }),
    w.finish(),
  ]);
  check(`multi-${littleEndian ? 'le' : 'be'}.pcapng`, bytes, { packets: 4, encap: 'Per packet', type: 'Wireshark/... - pcapng', commentCol: true });
}

// stdin
{
  const path = join(dir, 'us-le.pcap');
  const r = spawnSync('sh', ['-c', `cat ${path} | ${process.execPath} ${join(HERE, 'capture.count.mjs')} -`], { encoding: 'utf8' });
  ok(/packets=3 /.test(r.stdout), `stdin ('-'): ${r.stdout.trim()}`);
}

rmSync(dir, { recursive: true, force: true });
console.log(failures ? `${failures} FAILED` : 'all ok');
process.exit(failures ? 1 : 0);
