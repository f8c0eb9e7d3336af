#!/usr/bin/env node
// Lossless check: every frame of every capture, dissected then rebuilt from its decoded layers, must equal its
// original bytes. usage: node scripts/rebuild.mjs [--show N] [DIR or files...]  (default ../shared/captures, then fixtures/)
// Needs `npx tsc` first (reads dist/). Prints the count of frames checked and each failure (up to --show).
import { readFileSync, readdirSync, statSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { readCapture } from '../dist/capture/reader.js';
import { Dissector } from '../dist/dissect/dissect.js';
import { rebuild } from '../dist/craft/build.js';
import { registerDefaults } from '../dist/protocols/index.js';

const args = process.argv.slice(2);
let show = 20;
const roots = [];
for (let i = 0; i < args.length; i++) {
  if (args[i] === '--show') show = Number(args[++i]);
  else roots.push(args[i]);
}
if (!roots.length) {
  const shared = new URL('../../shared/captures', import.meta.url).pathname;
  roots.push(existsSync(shared) ? shared : new URL('../fixtures', import.meta.url).pathname);
}
function walk(p) {
  if (!statSync(p).isDirectory()) return [p];
  return readdirSync(p).flatMap((e) => walk(join(p, e)));
}
const files = roots.flatMap(walk).filter((p) => !/\.(tsv|md|txt|json)$/.test(p));
let frames = 0, equal = 0, notRebuilt = 0, failed = 0, exceptions = 0, shown = 0;
const byTop = new Map();
for (const f of files) {
  let reader;
  try { reader = readCapture(new Uint8Array(readFileSync(f))); } catch { continue; }
  const d = new Dissector(registerDefaults());
  for (const rec of reader) {
    frames++;
    let frame;
    try {
      frame = d.dissect(rec);
      const r = rebuild(frame);
      if (!r.rebuilt) { notRebuilt++; continue; }
      const a = r.bytes, b = rec.data;
      let same = a.length === b.length;
      let at = -1;
      for (let i = 0; same && i < a.length; i++) if (a[i] !== b[i]) { same = false; at = i; }
      if (same) { equal++; continue; }
      failed++;
      const where = at < 0 ? `length ${a.length} vs ${b.length}` : `first difference at byte ${at}`;
      const layerAt = frame.layers.find((l) => at >= l.start && at < l.end)?.proto.name ?? '?';
      const key = frame.layers.map((l) => l.proto.name).join(':');
      byTop.set(layerAt, (byTop.get(layerAt) ?? 0) + 1);
      if (shown++ < show) console.log(`DIFF ${f}#${rec.index + 1} [${key}]: ${where} (in ${layerAt})`);
    } catch (e) {
      exceptions++;
      if (shown++ < show) console.log(`EXCEPTION ${f}#${rec.index + 1}: ${e && e.stack}`);
    }
  }
}
console.log(`frames ${frames}: rebuilt equal ${equal}, differ ${failed}, not rebuildable ${notRebuilt}, exceptions ${exceptions}`);
for (const [k, v] of [...byTop].sort((a, b) => b[1] - a[1])) console.log(`  differences in ${k}: ${v}`);
