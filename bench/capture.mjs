#!/usr/bin/env node
// Benchmark of the capture reader (run `npx tsc -p tsconfig.json` first: it imports dist/, or
// WIRELENS_DIST=<outDir> to use a private build, e.g. `npx tsc -p tsconfig.json --outDir /tmp/wl`).
//   node bench/capture.mjs [ROUNDS]
// Generates /tmp/bench-100k.pcap and /tmp/bench-1m.pcap with /work/shared/bench/make-capture.py
// when missing (set BENCH_DIR to put them elsewhere), then for each file runs, alternating, ROUNDS
// (default 5) rounds of:
//   ours         node bench/capture.count.mjs F          (for await over openCapture(F))
//   ours-each    node bench/capture.count.mjs --each F   (openCapture(F).forEach(cb))
//   pcap-parser  node /work/shared/bench/peers/pcap-parser.js F   (pcap-parser from our node_modules)
//   split-js     node /work/shared/bench/peers/split.js F         (record-splitting floor)
// each under /usr/bin/time (wall, user+sys CPU, peak RSS), and prints medians, packets/s, and the
// median of the per-round ratios. Targets: >= 3x pcap-parser, <= 1.5x split-js's time.
// Then the same readers in one warm process (bench/capture.inproc.mjs: best CPU time per reader).
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const HERE = dirname(fileURLToPath(import.meta.url));
const ROOT = join(HERE, '..');
const SHARED = '/work/shared/bench';
const DIR = process.env.BENCH_DIR ?? '/tmp';
const ROUNDS = Number(process.argv[2] ?? 5);

const DIST = process.env.WIRELENS_DIST ?? join(ROOT, 'dist');
if (!existsSync(join(DIST, 'capture/node.js'))) {
  console.error(`${DIST}/capture/node.js missing: run \`npx tsc -p tsconfig.json\` first (or set WIRELENS_DIST)`);
  process.exit(2);
}

const files = [
  [join(DIR, 'bench-100k.pcap'), 100000],
  [join(DIR, 'bench-1m.pcap'), 1000000],
];
for (const [f, n] of files) {
  if (!existsSync(f)) {
    console.error(`generating ${f} (${n} packets)...`);
    execFileSync('python3', [join(SHARED, 'make-capture.py'), f, String(n)], { stdio: ['ignore', 'inherit', 'ignore'] });
  }
}

const hasTime = existsSync('/usr/bin/time');
const env = { ...process.env, NODE_PATH: join(ROOT, 'node_modules'), WIRELENS_DIST: DIST };
const peers = (f) => [
  ['ours', [process.execPath, join(HERE, 'capture.count.mjs'), f]],
  ['ours-each', [process.execPath, join(HERE, 'capture.count.mjs'), '--each', f]],
  ['pcap-parser', [process.execPath, join(SHARED, 'peers/pcap-parser.js'), f]],
  ['split-js', [process.execPath, join(SHARED, 'peers/split.js'), f]],
];

function run(cmd) {
  const t0 = process.hrtime.bigint();
  const r = hasTime
    ? spawnSync('/usr/bin/time', ['-f', 'TIME %e %U %S %M', ...cmd], { env, encoding: 'utf8', maxBuffer: 1 << 24 })
    : spawnSync(cmd[0], cmd.slice(1), { env, encoding: 'utf8', maxBuffer: 1 << 24 });
  const wall = Number(process.hrtime.bigint() - t0) / 1e9;
  if (r.status !== 0) throw new Error(`${cmd.join(' ')} failed: ${r.stderr}`);
  const packets = Number(/packets=(\d+)/.exec(r.stdout)?.[1]);
  let cpu = NaN;
  let rss = NaN;
  const m = /TIME ([\d.]+) ([\d.]+) ([\d.]+) (\d+)/.exec(r.stderr);
  if (m) {
    cpu = Number(m[2]) + Number(m[3]);
    rss = Number(m[4]) / 1024; // KiB -> MiB
  }
  return { wall, cpu, rss, packets };
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const k = s.length >> 1;
  return s.length % 2 ? s[k] : (s[k - 1] + s[k]) / 2;
};

for (const [f] of files) {
  const ps = peers(f);
  const results = Object.fromEntries(ps.map(([name]) => [name, []]));
  run(ps[0][1]); // warm the page cache
  for (let round = 0; round < ROUNDS; round++) {
    for (const [name, cmd] of ps) results[name].push(run(cmd));
  }
  const counts = new Set(ps.map(([name]) => results[name][0].packets));
  console.log(`\n${f}: ${[...counts].join('/')} packets, ${ROUNDS} rounds (medians; wall includes node start-up)`);
  if (counts.size !== 1) console.log('  WARNING: the readers disagree on the packet count');
  console.log('  reader        wall s   cpu s   packets/s   peak RSS MiB');
  for (const [name] of ps) {
    const rs = results[name];
    const wall = median(rs.map((r) => r.wall));
    console.log(
      `  ${name.padEnd(12)} ${wall.toFixed(3).padStart(7)} ${median(rs.map((r) => r.cpu)).toFixed(2).padStart(7)} ${Math.round(rs[0].packets / wall)
        .toLocaleString('en')
        .padStart(11)} ${median(rs.map((r) => r.rss)).toFixed(1).padStart(10)}`,
    );
  }
  const ratio = (a, b) => median(results[a].map((r, i) => results[b][i].wall / r.wall));
  console.log(`  ours vs pcap-parser: ${ratio('ours', 'pcap-parser').toFixed(2)}x faster (ours-each ${ratio('ours-each', 'pcap-parser').toFixed(2)}x)  [target >= 3x]`);
  console.log(
    `  ours vs split-js floor: ${(1 / ratio('ours', 'split-js')).toFixed(2)}x its time (ours-each ${(1 / ratio('ours-each', 'split-js')).toFixed(2)}x)  [target <= 1.5x]`,
  );
}

// Steady state in one warm process (start-up excluded; less sensitive to a busy machine)
for (const [f] of files) {
  console.log('');
  const r = spawnSync(process.execPath, [join(HERE, 'capture.inproc.mjs'), f, String(ROUNDS)], { env, encoding: 'utf8' });
  process.stdout.write(r.stdout + r.stderr);
}
