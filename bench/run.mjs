#!/usr/bin/env node
// npm run bench: wirelens side by side with tcpdump, tshark, dpkt, scapy and pcap-parser, on the same capture,
// in alternation, several rounds; medians of packets/s, the median of the per-round ratios, peak RSS.
// Writes the table to bench/RESULTS.md (newest first, earlier results kept below).
//
//   node bench/run.mjs [--runs N] [--packets N] [--rows a,b,...] [--no-write] [--memory-5m] [--note TEXT]
//
// Captures are made with ../shared/bench/make-capture.py (deterministic; a smaller N is a prefix of a larger one)
// into $BENCH_DIR (default /tmp) when missing. Needs `npx tsc` (dist/) and the peers (tcpdump, tshark,
// python3-dpkt, python3-scapy: `apt-get install tcpdump tshark python3-dpkt python3-scapy time`).
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const HERE = dirname(fileURLToPath(import.meta.url));
const ROOT = join(HERE, '..');
const SHARED = process.env.SHARED_BENCH ?? join(ROOT, '..', 'shared', 'bench');
const DIR = process.env.BENCH_DIR ?? '/tmp';
const PY = process.env.PYTHON ?? '/usr/bin/python3';

const argv = process.argv.slice(2);
const opt = (name, def) => {
  const i = argv.indexOf(name);
  return i >= 0 ? argv[i + 1] : def;
};
const RUNS = Number(opt('--runs', '3'));
const N = Number(opt('--packets', '1000000'));
const ROWS = opt('--rows', 'read,summary,fields,filter,detail,dissect,craft,memory').split(',');
const WRITE = !argv.includes('--no-write');
const NOTE = opt('--note', ''); // a line written under the date (what this run measured)
const SCAPY_N = Math.min(20000, N);
const CRAFT_N = Math.min(5000, N); // scapy builds ~700 packets/s

if (!existsSync(join(ROOT, 'dist/cli/main.js'))) {
  console.error('dist/ missing: run `npx tsc -p tsconfig.json` first');
  process.exit(2);
}
function capture(n, ext = 'pcap') {
  const f = join(DIR, `wirelens-bench-${n}.${ext}`);
  if (!existsSync(f)) {
    console.error(`generating ${f} (${n} packets)...`);
    execFileSync('python3', [join(SHARED, 'make-capture.py'), ...(ext === 'pcapng' ? ['--pcapng'] : []), f, String(n)], { stdio: ['ignore', 'ignore', 'inherit'] });
  }
  return f;
}
const have = (cmd) => spawnSync('sh', ['-c', `command -v ${cmd}`]).status === 0;
const pyHas = (mod) => spawnSync(PY, ['-c', `import ${mod}`]).status === 0;

const F = capture(N);
const FS = capture(SCAPY_N);
const W = `node ${join(ROOT, 'bin/wirelens.js')}`;
const q = (s) => `'${s.replace(/'/g, `'\\''`)}'`;
const FIELDS = '-T fields -e ip.src -e ip.dst -e tcp.srcport -e udp.srcport -e dns.qry.name';
const FILTER = `-Y ${q('dns.qry.name contains "a"')}`;
const peerNode = (script) => `env NODE_PATH=${join(ROOT, 'node_modules')} node ${join(SHARED, 'peers', script)}`;

/** Each row: our command, the peers, the target (ratio of packets/s), packets per command. */
const rows = {
  read: {
    title: 'capture reading (records only)',
    // records read in batches, as the command reads them (one promise per read, not per record)
    ours: { cmd: `node ${join(HERE, 'capture.count.mjs')} --batches ${F}`, n: N },
    peers: [
      { name: 'pcap-parser', cmd: `${peerNode('pcap-parser.js')} ${F}`, n: N, target: '≥ 3×' },
      { name: 'split-js (floor)', cmd: `node ${join(SHARED, 'peers/split.js')} ${F}`, n: N, target: 'time ≤ 1.5× floor (ratio ≥ 0.67)' },
    ],
  },
  summary: {
    title: 'summary lines',
    ours: { cmd: `${W} -r ${F}`, n: N },
    peers: [
      { name: 'tcpdump -n', cmd: `tcpdump -n -r ${F}`, n: N, target: '≥ 1.0×', need: 'tcpdump' },
      { name: 'tshark -n', cmd: `tshark -n -r ${F}`, n: N, target: '≥ 5×', need: 'tshark' },
    ],
  },
  fields: {
    title: 'field columns',
    ours: { cmd: `${W} -r ${F} ${FIELDS}`, n: N },
    peers: [{ name: 'tshark -T fields', cmd: `tshark -n -r ${F} ${FIELDS}`, n: N, target: '≥ 10×', need: 'tshark' }],
  },
  filter: {
    title: 'display filter',
    ours: { cmd: `${W} -r ${F} ${FILTER}`, n: N },
    peers: [{ name: 'tshark -Y', cmd: `tshark -n -r ${F} ${FILTER}`, n: N, target: '≥ 10×', need: 'tshark' }],
  },
  detail: {
    title: 'detail tree',
    ours: { cmd: `${W} -r ${F} -V`, n: N },
    peers: [
      { name: 'tshark -V', cmd: `tshark -n -r ${F} -V`, n: N, target: '≥ 5×', need: 'tshark' },
      { name: 'tcpdump -v', cmd: `tcpdump -n -v -r ${F}`, n: N, target: '(reference)', need: 'tcpdump' },
    ],
  },
  dissect: {
    title: 'library: dissect every layer in-process',
    ours: { cmd: `node ${join(HERE, 'lib-dissect.mjs')} ${F}`, n: N },
    peers: [
      { name: 'dpkt', cmd: `${PY} ${join(SHARED, 'peers/dpkt_decode.py')} ${F}`, n: N, target: '≥ 10×', py: 'dpkt' },
      { name: `scapy (${SCAPY_N} packets)`, cmd: `${PY} ${join(SHARED, 'peers/scapy_decode.py')} ${FS}`, n: SCAPY_N, target: '≥ 100×', py: 'scapy' },
    ],
  },
  craft: {
    title: 'library: crafting Ethernet/IPv4/UDP/DNS queries',
    ours: { cmd: `node ${join(HERE, 'lib-craft.mjs')} ${N}`, n: N },
    peers: [{ name: `scapy (${CRAFT_N} packets)`, cmd: `${PY} ${join(HERE, "peers/scapy_craft.py")} ${CRAFT_N}`, n: CRAFT_N, target: '≥ 100×', py: 'scapy' }],
  },
};

function timed(cmd) {
  const r = spawnSync('/usr/bin/time', ['-f', '%e %U %S %M', 'sh', '-c', `${cmd} > /dev/null 2>/tmp/wirelens-bench.err`], { encoding: 'utf8' });
  const last = r.stderr.trim().split('\n').pop() ?? '';
  const [wall, user, sys, rss] = last.split(' ').map(Number);
  if (r.status !== 0) {
    const err = existsSync('/tmp/wirelens-bench.err') ? readFileSync('/tmp/wirelens-bench.err', 'utf8').slice(0, 500) : '';
    throw new Error(`failed (${r.status}): ${cmd}\n${err}`);
  }
  return { wall, cpu: user + sys, rssMiB: rss / 1024 };
}
const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};
const fmt = (x, d = 0) => x.toLocaleString('en-US', { maximumFractionDigits: d, minimumFractionDigits: d });

const lines = [];
const out = (s) => {
  console.log(s);
  lines.push(s);
};
out(`| row | wirelens packets/s | peer | peer packets/s | ratio (wirelens ÷ peer) | ratio by CPU time | target | wirelens peak RSS | peer peak RSS |`);
out(`|---|---:|---|---:|---:|---:|---|---:|---:|`);

for (const key of ROWS) {
  if (key === 'memory') continue;
  const row = rows[key];
  if (!row) continue;
  const peers = row.peers.filter((p) => (!p.need || have(p.need)) && (!p.py || pyHas(p.py)));
  const ours = [];
  const theirs = peers.map(() => []);
  const ratios = peers.map(() => []);
  const cpuRatios = peers.map(() => []);
  for (let r = 0; r < RUNS; r++) {
    const o = timed(row.ours.cmd);
    ours.push(o);
    peers.forEach((p, i) => {
      const t = timed(p.cmd);
      theirs[i].push(t);
      ratios[i].push((row.ours.n / o.wall) / (p.n / t.wall));
      cpuRatios[i].push((row.ours.n / o.cpu) / (p.n / t.cpu));
    });
  }
  const oPps = row.ours.n / median(ours.map((x) => x.wall));
  const oRss = Math.max(...ours.map((x) => x.rssMiB));
  if (!peers.length) out(`| ${row.title} | ${fmt(oPps)} | (no peer installed) | | | | | ${fmt(oRss)} MiB | |`);
  peers.forEach((p, i) => {
    const pPps = p.n / median(theirs[i].map((x) => x.wall));
    out(`| ${row.title} | ${fmt(oPps)} | ${p.name} | ${fmt(pPps)} | ${fmt(median(ratios[i]), 2)}× | ${fmt(median(cpuRatios[i]), 2)}× | ${p.target} | ${fmt(oRss)} MiB | ${fmt(Math.max(...theirs[i].map((x) => x.rssMiB)))} MiB |`);
  });
}

if (ROWS.includes('memory')) {
  const sizes = [N];
  if (argv.includes('--memory-5m')) sizes.push(5 * N);
  else if (N >= 1000000) sizes.unshift(N / 10);
  for (const n of sizes) {
    const f = capture(n);
    for (const [what, args] of [['summary', ''], ['-T fields', FIELDS]]) {
      const o = timed(`${W} -r ${f} ${args}`);
      const peerCmd = what === 'summary' ? `tcpdump -n -r ${f}` : `tshark -n -r ${f} ${FIELDS}`;
      const peerName = what === 'summary' ? 'tcpdump -n' : 'tshark -T fields';
      const need = what === 'summary' ? 'tcpdump' : 'tshark';
      const p = have(need) ? timed(peerCmd) : null;
      out(`| memory: ${what}, ${fmt(n)} packets | ${fmt(n / o.wall)} | ${peerName} | ${p ? fmt(n / p.wall) : ''} | ${p ? fmt((n / o.wall) / (n / p.wall), 2) + '×' : ''} | ${p ? fmt(p.cpu / o.cpu, 2) + '×' : ''} | ≤ 100 MB, flat | ${fmt(o.rssMiB)} MiB | ${p ? fmt(p.rssMiB) + ' MiB' : ''} |`);
    }
  }
}

if (WRITE) {
  const path = join(HERE, 'RESULTS.md');
  const prev = existsSync(path) ? readFileSync(path, 'utf8').replace(/^# Benchmark results\n+/, '') : '';
  const cpu = cpus()[0]?.model ?? 'unknown cpu';
  const head = [
    '# Benchmark results',
    '',
    `## ${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC`,
    '',
    ...(NOTE ? [NOTE, ''] : []),
    `Machine: ${cpus().length} × ${cpu}, ${fmt(totalmem() / 2 ** 30)} GiB, Node ${process.version}. Capture: \`make-capture.py\` ${fmt(N)} packets (${F}); ${RUNS} rounds, commands alternated, medians; ratio = median of per-round ratios of packets/s (wall time; by CPU time: user+sys, less disturbed by other load). Commands: \`node bench/run.mjs ${argv.map((a, i) => (argv[i - 1] === '--note' ? '"…"' : a)).join(' ')}\`, see the row table in the script.`,
    '',
    ...lines,
    '',
  ].join('\n');
  writeFileSync(path, head + (prev ? '\n' + prev : ''));
  console.error(`written to ${path}`);
}
