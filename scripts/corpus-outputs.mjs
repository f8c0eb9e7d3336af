#!/usr/bin/env node
// Every capture of ../shared/captures (malformed/ included) through every output: -V, -T json (with -x), -T fields
// with every known field, --explain, the summary line, the hex dump and rebuild; no exception may escape and each
// file must finish within a time bound. Prints per-file failures and the totals. Needs `npx tsc` first.
//   node scripts/corpus-outputs.mjs [--bound-ms 20000] [DIR]
import { readFileSync, readdirSync, statSync, existsSync } from 'node:fs';
import { join } from 'node:path';
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

const argv = process.argv.slice(2);
const bound = Number(argv.includes('--bound-ms') ? argv[argv.indexOf('--bound-ms') + 1] : 20000);
const root = argv.find((a, i) => !a.startsWith('--') && argv[i - 1] !== '--bound-ms') ?? new URL('../../shared/captures', import.meta.url).pathname;
if (!existsSync(root)) {
  console.error(`no captures at ${root}`);
  process.exit(2);
}
const walkFiles = (p) => (statSync(p).isDirectory() ? readdirSync(p).flatMap((e) => walkFiles(join(p, e))) : [p]);
const files = walkFiles(root).filter((f) => !/\.(tsv|md|txt)$/.test(f));
const allFields = [...knownFieldNames()];
const names = new Set(allFields);
let frames = 0, problems = 0, failed = 0, slow = 0, worst = 0, worstFile = '';
for (const f of files) {
  const t0 = Date.now();
  try {
    const reader = readCapture(new Uint8Array(readFileSync(f)));
    const d = new Dissector(registerDefaults());
    for (const rec of reader) {
      const frame = d.dissect(rec);
      frames++;
      problems += frame.problems.length;
      for (const p of frame.problems) {
        const buf = p.source === undefined ? frame.data : frame.sources?.[p.source]?.data;
        if (!buf || p.start < 0 || p.end > buf.length || p.end < p.start) throw new Error(`problem range [${p.start},${p.end}) outside its buffer: ${p.layer} ${p.message}`);
        if (!p.layer) throw new Error(`problem without a layer: ${p.message}`);
      }
      walk(frameTree(frame, d.prefs), () => {});
      fieldsRow(frame, d.prefs, allFields, names, DEFAULT_FIELDS_OPTIONS);
      summaryLine(summaryColumns(frame, d.prefs, 6));
      frameDetail(frame, d.prefs, { hex: true });
      JSON.stringify(packetJson(frame, d.prefs, { hex: true }));
      explainFrame(frame, d.prefs, {});
      frameHexDump(frame.data, frame.sources);
      rebuild(frame);
    }
  } catch (e) {
    failed++;
    console.log(`FAIL ${f}: ${String(e && e.stack || e).split('\n').slice(0, 3).join(' | ')}`);
  }
  const ms = Date.now() - t0;
  if (ms > worst) [worst, worstFile] = [ms, f];
  if (ms > bound) {
    slow++;
    console.log(`SLOW ${f}: ${ms} ms`);
  }
}
console.log(`files ${files.length}, frames ${frames}, problems reported ${problems}; files with an exception ${failed}; files over ${bound} ms ${slow}; slowest ${worst} ms (${worstFile})`);
process.exitCode = failed || slow ? 1 : 0;
