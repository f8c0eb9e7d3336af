#!/usr/bin/env node
// Every capture of ../shared/captures (malformed/ included) through every output: -V, -T json (with -x), -T fields
// with every known field, --explain, the summary line, the hex dump, rebuild, and every -z statistic (expert,
// io,phs, io,stat, conv/endpoints, dns,tree, dhcp,stat: fed every frame, drawn at the end); no exception may escape,
// every problem's range lies in its buffer, and each file must finish within a time bound. Needs `npx tsc` first.
//
// The bound is on the CPU time the process spent on the file (not wall time: the machine is shared), and it scales
// with what the outputs are made of: --bound-ms for any file, plus --per-frame-ms a frame, plus --per-node-ms a field
// node (default 2,000 ms + 3 ms/frame + 0.1 ms/node). -V prints a line per node, JSON a member per node, --explain a
// line per node, -T fields looks every known field up in every frame: the work is linear in frames and nodes, and
// over the whole corpus it averages ~1.4 ms a frame and a few µs a node for all ten outputs together. A file over
// its bound is slower than its size explains. The slowest files are then re-run on the first half of their frames:
// a ratio full/half well above 2 would mean a cost that grows faster than the capture (a quadratic case).
//   node scripts/corpus-outputs.mjs [--bound-ms 2000] [--per-frame-ms 3] [--per-node-ms 0.1] [--top 5] [DIR|FILE]
import { readFileSync, readdirSync, statSync, existsSync } from 'node:fs';
import { join, relative } from 'node:path';
import { readCapture } from '../dist/capture/reader.js';
import { Dissector } from '../dist/dissect/dissect.js';
import { registerDefaults } from '../dist/protocols/index.js';
import { frameTree, walk } from '../dist/inspect/tree.js';
import { fieldsRow, DEFAULT_FIELDS_OPTIONS } from '../dist/inspect/fields.js';
import { summaryColumns, summaryLine } from '../dist/inspect/summary.js';
import { explainFrame } from '../dist/inspect/explain.js';
import { frameDetail } from '../dist/inspect/text.js';
import { frameHexDump } from '../dist/inspect/hexdump.js';
import { packetJson } from '../dist/inspect/json.js';
import { knownFieldNames } from '../dist/inspect/glossary.js';
import { rebuild } from '../dist/craft/build.js';
import { createStat, drawAll, statsContext } from '../dist/inspect/stats/index.js';

const argv = process.argv.slice(2);
const flag = (k, d) => (argv.includes(k) ? Number(argv[argv.indexOf(k) + 1]) : d);
const bound = flag('--bound-ms', 2000);
const perFrame = flag('--per-frame-ms', 3);
const perNode = flag('--per-node-ms', 0.1);
const top = flag('--top', 5);
const root = argv.find((a, i) => !a.startsWith('--') && !argv[i - 1]?.startsWith('--')) ?? new URL('../../shared/captures', import.meta.url).pathname;
if (!existsSync(root)) {
  console.error(`no captures at ${root}`);
  process.exit(2);
}
// io,stat over whole seconds would draw one row a second between a capture's first and last timestamps (tshark
// does the same): a capture with one wild timestamp would print billions of rows. io,stat,0 (one row) exercises the
// same collector.
const STATS = ['expert', 'io,phs', 'io,stat,0', 'conv,eth', 'conv,ip', 'conv,ipv6', 'conv,tcp', 'conv,udp', 'endpoints,eth', 'endpoints,ip', 'endpoints,ipv6', 'endpoints,tcp', 'endpoints,udp', 'dns,tree', 'dhcp,stat'];
const walkFiles = (p) => (statSync(p).isDirectory() ? readdirSync(p).flatMap((e) => walkFiles(join(p, e))) : [p]);
const files = walkFiles(root).filter((f) => !/\.(tsv|md|txt)$/.test(f));
const allFields = [...knownFieldNames()];
const names = new Set(allFields);
const OUTPUTS = ['read+dissect', 'tree', 'fields', 'summary', '-V', 'json', 'explain', 'hex', 'rebuild', 'stats'];
const cpuMs = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};
let frames = 0, nodesTotal = 0, problems = 0, failed = 0, slow = 0, bytesTotal = 0, expertLines = 0;
const perFile = [];
const t00 = Date.now();
const cpu00 = cpuMs();
/** Every output over the first `max` records of a file. Returns frames, field nodes, CPU ms, wall ms, ms per output. */
function runFile(f, max = Infinity) {
  const t0 = Date.now();
  const c0 = cpuMs();
  const spent = new Float64Array(OUTPUTS.length);
  let n = 0;
  let nodes = 0;
  let error;
  try {
    let t = performance.now();
    const lap = (i) => {
      const now = performance.now();
      spent[i] += now - t;
      t = now;
    };
    const reader = readCapture(new Uint8Array(readFileSync(f)));
    const d = new Dissector(registerDefaults());
    const ctx = statsContext(d.prefs);
    const stats = STATS.map((s) => {
      const c = createStat(s, ctx);
      if (c.error) throw new Error(`-z ${s}: ${c.error}`);
      return c;
    });
    for (let rec = reader.nextRecord(); rec && n < max; rec = reader.nextRecord()) {
      const frame = d.dissect(rec);
      n++;
      problems += frame.problems.length;
      for (const p of frame.problems) {
        const buf = p.source === undefined ? frame.data : frame.sources?.[p.source]?.data;
        if (!buf || p.start < 0 || p.end > buf.length || p.end < p.start) throw new Error(`problem range [${p.start},${p.end}) outside its buffer: ${p.layer} ${p.message}`);
        if (!p.layer) throw new Error(`problem without a layer: ${p.message}`);
      }
      lap(0);
      walk(frameTree(frame, d.prefs), () => void nodes++);
      lap(1);
      fieldsRow(frame, d.prefs, allFields, names, DEFAULT_FIELDS_OPTIONS);
      lap(2);
      summaryLine(summaryColumns(frame, d.prefs, 6));
      lap(3);
      frameDetail(frame, d.prefs, { hex: true });
      lap(4);
      JSON.stringify(packetJson(frame, d.prefs, { hex: true }));
      lap(5);
      explainFrame(frame, d.prefs, {});
      lap(6);
      frameHexDump(frame.data, frame.sources);
      lap(7);
      rebuild(frame);
      lap(8);
      for (const s of stats) s.add(frame);
      lap(9);
    }
    const lines = drawAll(stats);
    expertLines += stats[0].lines().length;
    if (!lines.length) throw new Error('the statistics drew nothing');
    lap(9);
  } catch (e) {
    error = e;
  }
  return { n, nodes, cpu: cpuMs() - c0, ms: Date.now() - t0, spent, error };
}

for (const f of files) {
  const size = statSync(f).size;
  bytesTotal += size;
  const r = runFile(f);
  if (r.error) {
    failed++;
    console.log(`FAIL ${f}: ${String((r.error && r.error.stack) || r.error).split('\n').slice(0, 3).join(' | ')}`);
  }
  frames += r.n;
  nodesTotal += r.nodes;
  const limit = bound + perFrame * r.n + perNode * r.nodes;
  perFile.push({ f, size, ...r, limit });
  if (r.cpu > limit) {
    slow++;
    console.log(`SLOW ${f}: ${r.cpu.toFixed(0)} ms CPU (${r.ms} ms wall) for ${r.n} frames, ${r.nodes} nodes; bound ${limit.toFixed(0)} ms`);
  }
}
const wall = (Date.now() - t00) / 1000;
const cpuAll = (cpuMs() - cpu00) / 1000;
const fmt = (x) => x.toFixed(0);
console.log(`slowest files (CPU ms; wall ms; per output ms):`);
const slowest = perFile.sort((a, b) => b.cpu - a.cpu).slice(0, top);
let superlinear = 0;
for (const p of slowest) {
  const parts = OUTPUTS.map((o, i) => `${o} ${fmt(p.spent[i])}`).join(', ');
  console.log(`  ${relative(root, p.f) || p.f}: ${(p.size / 2 ** 20).toFixed(2)} MiB, ${p.n} frames, ${p.nodes} nodes: ${fmt(p.cpu)} CPU, ${p.ms} wall (bound ${fmt(p.limit)}; ${(p.cpu / Math.max(p.n, 1)).toFixed(2)} ms/frame, ${((1000 * p.cpu) / Math.max(p.nodes, 1)).toFixed(1)} µs/node) — ${parts}`);
  if (p.n >= 20) {
    // scaling: the first half of the frames should cost about half (ratio ~2; a quadratic cost gives ~4)
    const half = runFile(p.f, Math.floor(p.n / 2));
    const again = runFile(p.f);
    const ratio = again.cpu / Math.max(half.cpu, 1);
    if (ratio > 3) superlinear++;
    console.log(`    scaling: first ${half.n} frames ${fmt(half.cpu)} ms CPU, all ${again.n} frames ${fmt(again.cpu)} ms CPU: ratio ${ratio.toFixed(2)}${ratio > 3 ? ' SUPERLINEAR' : ''}`);
  }
}
const totals = OUTPUTS.map((o, i) => `${o} ${(perFile.reduce((a, p) => a + p.spent[i], 0) / 1000).toFixed(1)} s`).join(', ');
console.log(`time per output over the corpus: ${totals}`);
console.log(
  `files ${files.length} (${(bytesTotal / 2 ** 20).toFixed(1)} MiB), frames ${frames}, field nodes ${nodesTotal}, problems reported ${problems}, expert lines ${expertLines}; files with an exception ${failed}; files over their bound ${slow}; superlinear among the slowest ${superlinear}; ${wall.toFixed(0)} s wall, ${cpuAll.toFixed(0)} s CPU (${((1000 * cpuAll) / Math.max(frames, 1)).toFixed(2)} ms a frame)`,
);
process.exitCode = failed || slow || superlinear ? 1 : 0;
