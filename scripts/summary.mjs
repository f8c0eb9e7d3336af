#!/usr/bin/env node
// Compare the default summary lines of `wirelens -r F` with `tshark -n -r F` (both with default preferences)
// over the capture corpus, line by line.
// usage: node scripts/summary.mjs [--root DIR] [--cache DIR] [--show N] [--proto P] [--jobs N] [--fixtures] [--causes]
//        [--bin wirelens.js] [capture paths ...]
// --fixtures: the well-formed fixture captures (fixtures/summary/FILES.txt) against the committed tshark lines
// (fixtures/summary/*.txt) instead of ../shared/captures.
// --causes: count the differing lines by cause (which column differs, and for the Info column, a known pattern such
// as ICMP request/response matching or TCP analysis flags) instead of by Protocol column; --show N samples each.
// Needs `npx tsc -p tsconfig.json` first (runs bin/wirelens.js, which reads dist/). tshark's outputs are cached under
// --cache (default /tmp/wl-summary-cache) so later runs only run wirelens. Prints how many lines are equal, and the
// differing lines counted per Protocol column (tshark's), with --show N samples each (--proto P: only that one).
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

const args = process.argv.slice(2);
let root = new URL('../../shared', import.meta.url).pathname;
let cache = '/tmp/wl-summary-cache';
let show = 0;
let onlyProto = null;
let jobs = 8;
let fixtures = false;
let causes = false;
let bin = new URL('../bin/wirelens.js', import.meta.url).pathname;
const paths = [];
for (let i = 0; i < args.length; i++) {
  if (args[i] === '--root') root = args[++i];
  else if (args[i] === '--cache') cache = args[++i];
  else if (args[i] === '--show') show = Number(args[++i]);
  else if (args[i] === '--proto') onlyProto = args[++i];
  else if (args[i] === '--jobs') jobs = Number(args[++i]);
  else if (args[i] === '--fixtures') fixtures = true;
  else if (args[i] === '--causes') causes = true;
  else if (args[i] === '--bin') bin = args[++i];
  else paths.push(args[i].replace(/^.*captures\//, ''));
}
const repo = new URL('..', import.meta.url).pathname;
const capDir = fixtures ? repo : join(root, 'captures');
const confDir = mkdtempSync(join(tmpdir(), 'wl-tshark-conf-'));

function run(cmd, argv, env) {
  return new Promise((resolve) => {
    execFile(cmd, argv, { maxBuffer: 1 << 30, env: { ...process.env, ...env } }, (err, stdout, stderr) => {
      resolve({ code: err ? (typeof err.code === 'number' ? err.code : 1) : 0, stdout, stderr });
    });
  });
}

let list = paths;
if (fixtures && !list.length) {
  list = readFileSync(join(repo, 'fixtures/summary/FILES.txt'), 'utf8').split('\n').filter(Boolean);
} else if (!list.length) {
  const idx = readFileSync(join(capDir, 'INDEX.tsv'), 'utf8').split('\n').slice(1).filter(Boolean);
  list = [...new Set(idx.map((l) => l.split('\t')[0]))];
  // captures tshark cannot read at all give no lines to compare
  const bad = new Set(idx.filter((l) => l.split('\t')[11]).map((l) => l.split('\t')[0]));
  list = list.filter((p) => !bad.has(p));
}

/** tshark's lines for a capture, cached. */
async function tsharkLines(rel) {
  if (fixtures) return split(readFileSync(join(repo, 'fixtures/summary', rel.replace('fixtures/', '').replaceAll('/', '__') + '.txt'), 'utf8'));
  const file = join(cache, rel + '.txt');
  if (!existsSync(file)) {
    const r = await run('tshark', ['-n', '-r', join(capDir, rel)], { WIRESHARK_CONFIG_DIR: confDir });
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, r.stdout);
  }
  return split(readFileSync(file, 'utf8'));
}

function split(text) {
  const lines = text.split('\n');
  if (lines.at(-1) === '') lines.pop();
  return lines;
}

/** A summary line's columns: number, time, source, destination, protocol, length, info (undefined if not parsable). */
export function columns(line) {
  const m = /^\s*(\d+) +(\S*) +(\S*) → (\S*) +(.+?) (\d+)(?: (.*))?$/.exec(line);
  if (!m) return undefined;
  return { number: m[1], time: m[2], src: m[3], dst: m[4], proto: m[5], len: m[6], info: m[7] ?? '' };
}

/** Protocols whose Info column wirelens writes (the others are application protocols it does not decode). */
const OURS = new Set(['Ethernet', 'ETHERTYPE', '802.1Q', 'SLL', 'ARP', 'RARP', 'IPv4', 'IPv6', 'ICMP', 'ICMPv6', 'TCP', 'UDP', 'DNS', 'MDNS', 'LLMNR', 'DHCP', 'BOOTP', 'LLC', 'FDDI', 'AH', 'ESP', 'Loopback', 'NULL']);

/** Why tshark's line `t` and ours `o` differ: a short label. */
export function cause(t, o) {
  if (o === undefined) return 'missing line';
  const a = columns(t);
  const b = columns(o);
  if (!a || !b) return 'unparsed line';
  const out = [];
  if (a.time !== b.time) out.push('time column');
  if (a.src !== b.src || a.dst !== b.dst) out.push(/\.|:/.test(a.src + a.dst) || !a.src ? 'source/destination columns' : `source/destination columns (${a.proto})`);
  if (a.proto !== b.proto) {
    if (!OURS.has(a.proto)) return [...out, `not decoded: ${a.proto}`].join(' + ');
    out.push(`protocol ${a.proto} vs ${b.proto}`);
  }
  if (a.info !== b.info) {
    const ti = a.info;
    const oi = b.info;
    if (/ \((request|reply) in \d+\)$/.test(ti) && ti.replace(/ \((request|reply) in \d+\)$/, '') === oi) out.push('ICMP request/response matching');
    else if (/\[TCP [^\]]*\]/.test(ti) && ti.replace(/\[(TCP [^\]]*|Illegal Segments?[^\]]*)\] ?/g, '').trim() === oi.replace(/\[(TCP [^\]]*)\] ?/g, '').trim()) {
      out.push(`TCP analysis: ${[...ti.matchAll(/\[(TCP [A-Za-z -]*?)(?: \d+#\d+)?\]/g)].map((m) => m[1]).filter((x, i, l) => l.indexOf(x) === i).join(', ')}`);
    } else if (ti.endsWith('[Packet size limited during capture]') && ti.replace('[Packet size limited during capture]', '') === oi) out.push('[Packet size limited during capture]');
    else if (ti.endsWith('[Malformed Packet]')) out.push('[Malformed Packet]');
    else if (/\[ETHERNET FRAME CHECK SEQUENCE INCORRECT\]/.test(ti)) out.push('Ethernet FCS');
    else out.push(`info (${a.proto})`);
  }
  return out.length ? out.join(' + ') : 'spacing';
}

/** The Protocol column of a summary line. */
export function protoOf(line) {
  const m = /^\s*\d+\s+\S+\s+.*?→\s*.*?\s(\S+)\s+\d+(?:\s|$)/.exec(line);
  return m ? m[1] : '?';
}

let files = 0, filesEqual = 0, lines = 0, linesEqual = 0, countDiff = 0, failures = 0;
const perProto = new Map();
const samples = new Map();

async function one(rel) {
  const theirs = await tsharkLines(rel);
  const r = await run('node', [bin, '-r', join(capDir, rel)]);
  if (r.code !== 0 && !r.stdout) {
    failures++;
    return;
  }
  const ours = split(r.stdout);
  files++;
  if (ours.length !== theirs.length) countDiff++;
  let eq = ours.length === theirs.length;
  const n = Math.max(ours.length, theirs.length);
  for (let i = 0; i < n; i++) {
    const t = theirs[i];
    const o = ours[i];
    if (t === undefined) continue;
    lines++;
    if (t === o) {
      linesEqual++;
      continue;
    }
    eq = false;
    const p = causes ? cause(t, o) : protoOf(t);
    perProto.set(p, (perProto.get(p) ?? 0) + 1);
    const s = samples.get(p) ?? [];
    if (s.length < show && (!onlyProto || onlyProto === p)) s.push(`${rel}#${i + 1}\n      tshark: ${t}\n      ours:   ${o ?? '(missing)'}`);
    samples.set(p, s);
  }
  if (eq) filesEqual++;
}

const queue = [...list];
await Promise.all(
  Array.from({ length: jobs }, async () => {
    for (let rel = queue.shift(); rel !== undefined; rel = queue.shift()) await one(rel);
  }),
);
console.log(`files ${files} (all lines equal ${filesEqual}, line count differs ${countDiff}, wirelens failed ${failures}); lines ${lines} (equal ${linesEqual}, ${((100 * linesEqual) / Math.max(1, lines)).toFixed(2)}%)`);
for (const [p, c] of [...perProto].sort((a, b) => b[1] - a[1])) {
  if (onlyProto && p !== onlyProto) continue;
  console.log(`${String(c).padStart(7)}  ${p}`);
  for (const s of samples.get(p) ?? []) console.log(`    ${s}`);
}
