#!/usr/bin/env node
// npm run fuzz: seeded, time-bounded, repeatable. Frames random and mutated from real packets (fixtures/ and,
// when present, ../shared/captures) through dissect and every inspector. Failing inputs are written to
// fixtures/fuzz/ as regression fixtures (test/fuzz replays them).
//   node scripts/fuzz.mjs [--seed N] [--count N] [--seconds S]     (defaults: seed 1, 1,000,000 frames, 900 s)
import { mkdirSync, readFileSync, readdirSync, statSync, writeFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { fuzz } from './fuzz-engine.mjs';
import { readCapture } from '../dist/capture/reader.js';
import { Dissector } from '../dist/dissect/dissect.js';
import { registerDefaults } from '../dist/protocols/index.js';
import { frameTree, walk } from '../dist/inspect/tree.js';
import { fieldText } from '../dist/fields/format.js';
import { summaryColumns, summaryLine } from '../dist/inspect/summary.js';
import { explainFrame } from '../dist/inspect/explain.js';
import { frameDetail } from '../dist/inspect/text.js';
import { frameHexDump } from '../dist/inspect/hexdump.js';
import { packetJson } from '../dist/inspect/json.js';
import { rebuild } from '../dist/craft/build.js';

const argv = process.argv.slice(2);
const opt = (k, d) => (argv.includes(k) ? argv[argv.indexOf(k) + 1] : d);
const seed = Number(opt('--seed', '1'));
const count = Number(opt('--count', '1000000'));
const seconds = Number(opt('--seconds', '900'));
const root = new URL('..', import.meta.url).pathname;

function files(dir) {
  if (!existsSync(dir)) return [];
  return readdirSync(dir).flatMap((e) => {
    const p = join(dir, e);
    return statSync(p).isDirectory() ? files(p) : [p];
  });
}
const seeds = [];
for (const f of [...files(join(root, 'fixtures')), ...files(join(root, '..', 'shared', 'captures'))]) {
  if (/\.(tsv|md|json|txt|pdml|out)$/.test(f)) continue;
  try {
    for (const r of readCapture(new Uint8Array(readFileSync(f)))) if (seeds.length < 200000) seeds.push({ data: r.data.slice(), linkType: r.linkType });
  } catch {}
}
const outDir = join(root, 'fixtures', 'fuzz');
const mods = { Dissector, registerDefaults, frameTree, walk, fieldText, summaryColumns, summaryLine, explainFrame, frameDetail, frameHexDump, packetJson, rebuild };
const t0 = Date.now();
const res = fuzz(mods, seeds, {
  seed,
  count,
  seconds,
  onFailure(f) {
    mkdirSync(outDir, { recursive: true });
    const name = join(outDir, `seed${seed}-frame${f.index}.json`);
    writeFileSync(name, JSON.stringify({ linkType: f.linkType, origLen: f.origLen, data: f.data, error: f.error.split('\n')[0] }) + '\n');
    console.log(`FAIL frame ${f.index} (saved ${name}): ${f.error.split('\n').slice(0, 3).join(' | ')}`);
  },
});
const s = (Date.now() - t0) / 1000;
console.log(`seed ${seed}: ${res.frames} frames from ${seeds.length} real seeds in ${s.toFixed(1)} s (${Math.round(res.frames / s)} frames/s); problems reported ${res.problems}; failures ${res.failures.length}; frames over 250 ms ${res.slow}; slowest ${res.maxMs.toFixed(1)} ms`);
process.exitCode = res.failures.length ? 1 : 0;
