#!/usr/bin/env node
// Compare the default summary lines of `wirelens -r F` with `tshark -n -r F` (both with default preferences)
// over the capture corpus, line by line.
// usage: node scripts/summary.mjs [--root DIR] [--cache DIR] [--show N] [--proto P] [--jobs N] [capture paths ...]
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
const paths = [];
for (let i = 0; i < args.length; i++) {
  if (args[i] === '--root') root = args[++i];
  else if (args[i] === '--cache') cache = args[++i];
  else if (args[i] === '--show') show = Number(args[++i]);
  else if (args[i] === '--proto') onlyProto = args[++i];
  else if (args[i] === '--jobs') jobs = Number(args[++i]);
  else paths.push(args[i].replace(/^.*captures\//, ''));
}
const capDir = join(root, 'captures');
const bin = new URL('../bin/wirelens.js', import.meta.url).pathname;
const confDir = mkdtempSync(join(tmpdir(), 'wl-tshark-conf-'));

function run(cmd, argv, env) {
  return new Promise((resolve) => {
    execFile(cmd, argv, { maxBuffer: 1 << 30, env: { ...process.env, ...env } }, (err, stdout, stderr) => {
      resolve({ code: err ? (typeof err.code === 'number' ? err.code : 1) : 0, stdout, stderr });
    });
  });
}

let list = paths;
if (!list.length) {
  const idx = readFileSync(join(capDir, 'INDEX.tsv'), 'utf8').split('\n').slice(1).filter(Boolean);
  list = [...new Set(idx.map((l) => l.split('\t')[0]))];
  // captures tshark cannot read at all give no lines to compare
  const bad = new Set(idx.filter((l) => l.split('\t')[11]).map((l) => l.split('\t')[0]));
  list = list.filter((p) => !bad.has(p));
}

/** tshark's lines for a capture, cached. */
async function tsharkLines(rel) {
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
    const p = protoOf(t);
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
