#!/usr/bin/env node
// Compare `wirelens -T fields` (in-process) with the tshark goldens of ../shared/oracle/golden, per field.
// usage: node scripts/golden.mjs [--fields a,b,c] [--show N] [--causes] [--root DIR] [capture paths relative to captures/ ...]
//        node scripts/golden.mjs --index-fixtures   (copy the goldens of the captures under fixtures/ that are copies of
//        corpus captures, matched by SHA-256 in PROVENANCE.tsv, into fixtures/golden/, and rewrite fixtures/golden/INDEX.tsv;
//        crafted entries already in the index are kept)
// Needs `npx tsc` first (reads dist/). Prints per-field mismatch counts and, with --show, sample differences.
import { readFileSync, readdirSync, statSync, existsSync, copyFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { dirname, join, relative } from 'node:path';
import { readCapture } from '../dist/capture/reader.js';
import { Dissector } from '../dist/dissect/dissect.js';
import { ORACLE_PREFS } from '../dist/dissect/prefs.js';
import { fieldsRow } from '../dist/inspect/fields.js';
import { registerDefaults } from '../dist/protocols/index.js';

const args = process.argv.slice(2);
let only = null;
let show = 0;
let causes = false;
let root = new URL('../../shared', import.meta.url).pathname;
const paths = [];
for (let i = 0; i < args.length; i++) {
  if (args[i] === '--fields') only = new Set(args[++i].split(','));
  else if (args[i] === '--show') show = Number(args[++i]);
  else if (args[i] === '--causes') causes = true;
  else if (args[i] === '--root') root = args[++i];
  else paths.push(args[i]);
}
const goldenDir = join(root, 'oracle/golden');
const capDir = join(root, 'captures');
if (args.includes('--index-fixtures')) {
  const fixtures = new URL('../fixtures/', import.meta.url).pathname;
  const bySha = new Map();
  for (const line of readFileSync(join(capDir, 'PROVENANCE.tsv'), 'utf8').split('\n').slice(1)) {
    const c = line.split('\t');
    if (c.length > 4 && !bySha.has(c[4])) bySha.set(c[4], c[0]);
  }
  const indexPath = join(fixtures, 'golden/INDEX.tsv');
  const old = existsSync(indexPath) ? readFileSync(indexPath, 'utf8').split('\n').filter((l) => l) : [];
  const head = old.filter((l) => l.startsWith('#'));
  const rows = new Map(old.filter((l) => !l.startsWith('#') && l.split('\t')[2]?.startsWith('crafted')).map((l) => [l.split('\t')[0], l]));
  const walkAll = (d) => readdirSync(d).flatMap((e) => (statSync(join(d, e)).isDirectory() ? walkAll(join(d, e)) : [join(d, e)]));
  for (const p of walkAll(fixtures)) {
    if (!/\.(pcap|pcapng|cap)$/.test(p) || /\/(cli\/expected|fuzz)\//.test(p)) continue;
    const rel = relative(fixtures, p);
    if (rows.has(rel)) continue;
    const src = bySha.get(createHash('sha256').update(readFileSync(p)).digest('hex'));
    if (!src || !existsSync(join(goldenDir, src + '.tsv'))) continue;
    const dst = join(fixtures, 'golden', src + '.tsv');
    mkdirSync(dirname(dst), { recursive: true });
    copyFileSync(join(goldenDir, src + '.tsv'), dst);
    rows.set(rel, `${rel}\t${src}.tsv\t${src}`);
  }
  writeFileSync(indexPath, [...head, ...[...rows.keys()].sort().map((k) => rows.get(k))].join('\n') + '\n');
  console.log(`fixtures/golden/INDEX.tsv: ${rows.size} captures`);
  process.exit(0);
}
if (!existsSync(goldenDir)) {
  console.error(`no goldens at ${goldenDir}`);
  process.exit(2);
}
function walk(dir) {
  const out = [];
  for (const e of readdirSync(dir)) {
    const p = join(dir, e);
    if (statSync(p).isDirectory()) out.push(...walk(p));
    else if (p.endsWith('.tsv')) out.push(p);
  }
  return out;
}
const goldens = paths.length
  ? paths.map((p) => join(goldenDir, p.replace(/^.*captures\//, '') + '.tsv'))
  : walk(goldenDir).filter((p) => !/\/(SKIPPED|VERSION)/.test(p));

// goldens made with these preferences (oracle/tshark-fields.sh)
const prefs = ORACLE_PREFS;
const fopts = { header: false, separator: '\t', occurrence: 'a', aggregator: ',', quote: '' };
const BOOL = new Set(['_ws.malformed', '_ws.short']);

const perField = new Map();
// --causes: each mismatching cell is charged to where our frame.protocols first leaves tshark's
// ("tcp>http": tshark decodes http after tcp, we do not), or to "same protocols" when both decoded the same layers.
const perCause = new Map();
const causeFields = new Map();
const causeSamples = new Map();
function causeOf(ours, theirs) {
  if (ours === theirs) return 'same protocols';
  const a = ours.split(':');
  const b = theirs.split(':');
  let i = 0;
  while (i < a.length && i < b.length && a[i] === b[i]) i++;
  return `${b[i - 1] ?? ''}>${b[i] ?? '(end)'} (ours ${a[i] ?? '(end)'})`;
}
const samples = new Map();
let files = 0, filesEqual = 0, rows = 0, rowsEqual = 0, cells = 0, cellsEqual = 0, errors = 0, rowCountDiff = 0;
// Frames whose protocols (as tshark lists them) all have a wirelens decoder: how equal are their cells?
const registry = registerDefaults();
const decodable = (path) => path.split(':').every((p) => p === 'ethertype' || registry.protocol(p));
let dRows = 0, dCells = 0, dEqual = 0;
for (const g of goldens) {
  const rel = relative(goldenDir, g).replace(/\.tsv$/, '');
  const capPath = join(capDir, rel);
  if (!existsSync(capPath)) continue;
  const lines = readFileSync(g, 'utf8').split('\n');
  if (lines.at(-1) === '') lines.pop();
  if (lines.length === 0) continue;
  const header = lines.shift().split('\t');
  const names = new Set(header);
  let ours = [];
  try {
    const reader = readCapture(new Uint8Array(readFileSync(capPath)));
    const d = new Dissector(registerDefaults(), { prefs });
    for (const rec of reader) ours.push(fieldsRow(d.dissect(rec), prefs, header, names, fopts));
  } catch (e) {
    errors++;
    console.log(`EXCEPTION ${rel}: ${e && e.stack}`);
    continue;
  }
  files++;
  if (ours.length !== lines.length) rowCountDiff++;
  let fileEq = ours.length === lines.length;
  const n = Math.min(ours.length, lines.length);
  for (let r = 0; r < n; r++) {
    rows++;
    const a = ours[r].split('\t');
    const b = lines[r].split('\t');
    let rowEq = true;
    const pc = header.indexOf('frame.protocols');
    const ours1 = pc >= 0 && decodable(b[pc] ?? '');
    if (ours1) dRows++;
    const cause = causes && pc >= 0 ? causeOf(a[pc] ?? '', b[pc] ?? '') : '';
    for (let c = 0; c < header.length; c++) {
      const f = header[c];
      if (only && !only.has(f)) continue;
      cells++;
      let x = a[c] ?? '';
      let y = b[c] ?? '';
      if (BOOL.has(f)) { x = x === '' ? '' : '1'; y = y === '' ? '' : '1'; }
      if (ours1) dCells++;
      if (x === y) { cellsEqual++; if (ours1) dEqual++; continue; }
      rowEq = false;
      if (causes) {
        perCause.set(cause, (perCause.get(cause) ?? 0) + 1);
        const cf = causeFields.get(cause) ?? new Map();
        cf.set(f, (cf.get(f) ?? 0) + 1);
        causeFields.set(cause, cf);
        const cs = causeSamples.get(cause) ?? new Set();
        if (cs.size < 3) cs.add(`${rel}#${r + 1}`);
        causeSamples.set(cause, cs);
      }
      perField.set(f, (perField.get(f) ?? 0) + 1);
      const s = samples.get(f) ?? [];
      if (s.length < show) s.push(`${rel}#${r + 1}: ours=${JSON.stringify(x)} tshark=${JSON.stringify(y)}`);
      samples.set(f, s);
    }
    if (rowEq) rowsEqual++;
    else fileEq = false;
  }
  if (fileEq) filesEqual++;
}
console.log(`files ${files} (equal ${filesEqual}, row count differs ${rowCountDiff}, exceptions ${errors}); rows ${rows} (equal ${rowsEqual}); cells ${cells} (equal ${cellsEqual}, ${(100 * cellsEqual / Math.max(1, cells)).toFixed(2)}%)`);
console.log(`frames whose protocols wirelens all decodes: ${dRows}; their cells ${dCells} (equal ${dEqual}, ${(100 * dEqual / Math.max(1, dCells)).toFixed(3)}%)`);
for (const [f, c] of [...perField].sort((a, b) => b[1] - a[1])) {
  console.log(`${String(c).padStart(7)}  ${f}`);
  for (const s of samples.get(f) ?? []) console.log(`           ${s}`);
}
if (causes) {
  console.log('\nby cause (where our frame.protocols first leaves tshark\'s): cells, then the fields most affected');
  for (const [c, n] of [...perCause].sort((a, b) => b[1] - a[1])) {
    const top = [...causeFields.get(c)].sort((a, b) => b[1] - a[1]).slice(0, 6).map(([f, k]) => `${f} ${k}`).join(', ');
    console.log(`${String(n).padStart(7)}  ${c}: ${top}  [${[...causeSamples.get(c)].join(' ')}]`);
  }
}
