#!/usr/bin/env node
// npm run fuzz: seeded, time-bounded, repeatable. Frames random and mutated from real packets (fixtures/ and,
// when present, ../shared/captures) through dissect and every inspector. Failing inputs are written to
// fixtures/fuzz/ as regression fixtures (test/fuzz replays them).
// Every -z statistic is fed every frame too. A frame's time bound is --frame-ms plus --node-ms per field node of its
// tree (every output is linear in the nodes). The slowest frames over their bound are timed again alone (best of 3,
// fresh Dissector): only one still over it is a failure (one slow time on a shared machine is often a pause).
//   node scripts/fuzz.mjs [--seed N] [--count N] [--seconds S] [--frame-ms MS] [--node-ms MS]
//   (defaults: seed 1, 1,000,000 frames, 900 s, 250 ms, 0.1 ms)
import { mkdirSync, readFileSync, readdirSync, statSync, writeFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { boundMs, fuzz, replay } from './fuzz-engine.mjs';
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
import { createStat, statsContext } from '../dist/inspect/stats/index.js';

const argv = process.argv.slice(2);
const opt = (k, d) => (argv.includes(k) ? argv[argv.indexOf(k) + 1] : d);
const seed = Number(opt('--seed', '1'));
const count = Number(opt('--count', '1000000'));
const seconds = Number(opt('--seconds', '900'));
const frameMs = Number(opt('--frame-ms', '250'));
const nodeMs = Number(opt('--node-ms', '0.1'));
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
const mods = { Dissector, registerDefaults, frameTree, walk, fieldText, summaryColumns, summaryLine, explainFrame, frameDetail, frameHexDump, packetJson, rebuild, createStat, statsContext };
const t0 = Date.now();
const save = (name, f, error) => {
  mkdirSync(outDir, { recursive: true });
  const file = join(outDir, name);
  const hex = f.data.map((x) => x.toString(16).padStart(2, '0')).join('');
  writeFileSync(file, JSON.stringify({ linkType: f.linkType, origLen: f.origLen, ...(f.fcsLen ? { fcsLen: f.fcsLen } : {}), hex, error: error.split('\n')[0] }) + '\n');
  return file;
};
const res = fuzz(mods, seeds, {
  seed,
  count,
  seconds,
  frameMs,
  nodeMs,
  onFailure(f) {
    const file = f.data.length ? save(`seed${seed}-frame${f.index}.json`, f, f.error) : '(statistics)';
    console.log(`FAIL frame ${f.index} (saved ${file}): ${f.error.split('\n').slice(0, 3).join(' | ')}`);
  },
  onProgress(p) {
    if (p.frames % 100000 === 0) console.log(`  ${p.frames} frames, ${((Date.now() - t0) / 1000).toFixed(0)} s, failures ${p.failures}, slow ${p.slow}`);
  },
});
const s = (Date.now() - t0) / 1000;
// Frames over the bound once: timed again alone; still slow (best of 3) is a failure, saved like the others.
let slowFailures = 0;
for (const f of res.slowFrames) {
  let best = Infinity;
  for (let k = 0; k < 3; k++) best = Math.min(best, replay(mods, [f]).maxMs);
  const bound = boundMs(frameMs, nodeMs, f.nodes);
  if (best > bound) {
    slowFailures++;
    const file = save(`seed${seed}-frame${f.index}-slow.json`, f, `frame took ${best.toFixed(0)} ms alone (bound ${bound.toFixed(0)} ms for ${f.nodes} nodes)`);
    console.log(`SLOW frame ${f.index}: ${f.ms.toFixed(0)} ms in the run, ${best.toFixed(0)} ms alone, ${f.nodes} nodes (saved ${file})`);
  } else console.log(`slow once: frame ${f.index} ${f.ms.toFixed(0)} ms in the run, ${best.toFixed(1)} ms alone, ${f.nodes} nodes`);
}
console.log(`seed ${seed}: ${res.frames} frames from ${seeds.length} real seeds in ${s.toFixed(1)} s (${Math.round(res.frames / s)} frames/s); problems reported ${res.problems}; statistics lines drawn ${res.statLines}; failures ${res.failures.length}; frames over ${frameMs} ms + ${nodeMs} ms/node ${res.slow} (still over alone: ${slowFailures}); slowest ${res.maxMs.toFixed(1)} ms (frame ${res.maxIndex})`);
process.exitCode = res.failures.length || slowFailures ? 1 : 0;
