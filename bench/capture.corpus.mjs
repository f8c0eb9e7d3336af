#!/usr/bin/env node
// Corpus check for src/capture (run after `npx tsc -p tsconfig.json`):
//   node bench/capture.corpus.mjs [CORPUS_DIR] [GOLDEN_DIR]
// Defaults: /work/shared/captures and /work/shared/oracle/golden.
// For every file (recursively, malformed/ included):
//   - reading it (sync, and async in 4 KiB chunks) never throws, and both give the same records;
//   - outside malformed/: writeCaptureLike(read(file)) equals the file byte for byte;
//   - where a golden exists: frame.number/len/cap_len/time_epoch/interface_id equal tshark's.
// Prints counts and every failure; exit status 1 if any.
import { readdirSync, readFileSync, statSync, existsSync } from 'node:fs';
import { join, relative } from 'node:path';
import { readCaptureFile, writeCaptureLike, recordEpochText, recordInterfaceIdText, tsharkFrameLengths } from '../dist/capture/index.js';
import { openCapture } from '../dist/capture/node.js';

const corpus = process.argv[2] ?? '/work/shared/captures';
const goldenDir = process.argv[3] ?? '/work/shared/oracle/golden';
if (!existsSync(corpus)) {
  console.log(`corpus ${corpus} not found: nothing to do`);
  process.exit(0);
}

function* walk(dir) {
  for (const e of readdirSync(dir).sort()) {
    const p = join(dir, e);
    if (statSync(p).isDirectory()) yield* walk(p);
    else if (!/\.(tsv|md)$/.test(e)) yield p;
  }
}

const FRAME_COLS = ['frame.number', 'frame.len', 'frame.cap_len', 'frame.time_epoch', 'frame.interface_id'];
function goldenFrames(path) {
  if (!existsSync(path)) return undefined;
  const lines = readFileSync(path, 'utf8').split('\n').filter((l) => l.length > 0);
  if (lines.length === 0) return null; // tshark could not open the file at all
  const head = lines[0].split('\t');
  const idx = FRAME_COLS.map((c) => head.indexOf(c));
  return lines.slice(1).map((l) => {
    const cells = l.split('\t');
    return idx.map((i) => cells[i] ?? '').join('\t');
  });
}

function eq(a, b) {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

const n = { files: 0, wellFormed: 0, malformed: 0, readErrors: 0, roundTripOk: 0, roundTripFail: 0, goldenFiles: 0, goldenOk: 0, goldenFail: 0, goldenEmpty: 0, asyncMismatch: 0, records: 0, withProblems: 0 };
const failures = [];
for (const path of walk(corpus)) {
  const rel = relative(corpus, path);
  const malformed = rel.startsWith('malformed/');
  n.files++;
  if (malformed) n.malformed++;
  else n.wellFormed++;
  const bytes = new Uint8Array(readFileSync(path));
  let file;
  try {
    file = readCaptureFile(bytes);
  } catch (e) {
    n.readErrors++;
    failures.push(`${rel}: read threw ${e && e.stack}`);
    continue;
  }
  n.records += file.records.length;
  const fatal = file.problems.filter((p) => p.severity === 'error');
  if (file.problems.length) n.withProblems++;
  if (!malformed) {
    try {
      const out = writeCaptureLike(file);
      if (eq(out, bytes) && fatal.length === 0) n.roundTripOk++;
      else {
        n.roundTripFail++;
        let d = 0;
        while (d < out.length && d < bytes.length && out[d] === bytes[d]) d++;
        failures.push(`${rel}: round trip differs at byte ${d} (wrote ${out.length}, original ${bytes.length}); problems: ${fatal.map((p) => p.message).join('; ')}`);
      }
    } catch (e) {
      n.roundTripFail++;
      failures.push(`${rel}: write threw ${e && e.stack}`);
    }
  }
  // async reader, small chunks (exercises stitching)
  try {
    const cap = openCapture(path, { chunkSize: 4096 });
    let i = 0;
    let bad = '';
    for await (const r of cap) {
      const s = file.records[i];
      if (!s || s.tsSec !== r.tsSec || s.tsNsec !== r.tsNsec || s.origLen !== r.origLen || !eq(s.data, r.data) || s.offset !== r.offset) {
        bad ||= `record ${i}`;
      }
      i++;
    }
    if (i !== file.records.length) bad ||= `count ${i} vs ${file.records.length}`;
    if (cap.problems.length !== file.problems.length) bad ||= `problems ${cap.problems.length} vs ${file.problems.length}`;
    if (bad) {
      n.asyncMismatch++;
      failures.push(`${rel}: async reader differs: ${bad}`);
    }
  } catch (e) {
    n.asyncMismatch++;
    failures.push(`${rel}: async read threw ${e && e.stack}`);
  }
  const golden = goldenFrames(join(goldenDir, rel + '.tsv'));
  if (golden === null) n.goldenEmpty++;
  if (golden) {
    n.goldenFiles++;
    const ours = file.records.map((r) => {
      const { len, capLen } = tsharkFrameLengths(r);
      return [String(r.index + 1), String(len), String(capLen), recordEpochText(r), recordInterfaceIdText(r)].join('\t');
    });
    if (eq(ours, golden)) n.goldenOk++;
    else {
      n.goldenFail++;
      let k = 0;
      while (k < ours.length && k < golden.length && ours[k] === golden[k]) k++;
      failures.push(
        `${rel}: frame columns differ at frame ${k + 1} (ours ${ours.length} frames, tshark ${golden.length}): ours [${ours[k] ?? '-'}] tshark [${golden[k] ?? '-'}]; problems: ${file.problems.map((p) => p.message).join('; ')}`,
      );
    }
  }
}
for (const f of failures) console.log('FAIL ' + f);
console.log(
  `files ${n.files} (well-formed ${n.wellFormed}, malformed/ ${n.malformed}), records ${n.records}, files with problems ${n.withProblems}\n` +
    `read exceptions ${n.readErrors}\n` +
    `round trip (well-formed): ${n.roundTripOk} identical, ${n.roundTripFail} failed\n` +
    `async reader (4 KiB chunks) mismatches: ${n.asyncMismatch}\n` +
    `tshark frame columns: ${n.goldenOk}/${n.goldenFiles} files equal, ${n.goldenFail} differ (${n.goldenEmpty} empty goldens: tshark could not open the file)`,
);
process.exit(failures.length ? 1 : 0);
