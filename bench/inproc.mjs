#!/usr/bin/env node
// In-process timing of the per-packet stages, for finding where the time goes (CPU time, so a busy machine
// disturbs it less than wall time). The capture is read into memory once; each mode runs over every packet.
//   node bench/inproc.mjs CAPTURE [MODES] [ROUNDS]
// MODES (comma-separated, default all): read dissect summary fields filter detail tree
// Prints, per mode, the best CPU time of ROUNDS (default 3) rounds and packets/s.
import { readFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
// WIRELENS_DIST: another build directory (default ../dist), e.g. a private `npx tsc --outDir /tmp/wl`
const dist = process.env.WIRELENS_DIST ? pathToFileURL(process.env.WIRELENS_DIST + '/') : new URL('../dist/', import.meta.url);
const load = (p) => import(new URL(p, dist).href);
const { readCapture } = await load('capture/reader.js');
const { Dissector } = await load('dissect/dissect.js');
const { registerDefaults, PROTOCOLS } = await load('protocols/index.js');
const { DEFAULT_PREFS } = await load('dissect/prefs.js');
const { summaryColumns, summaryLine } = await load('inspect/summary.js');
const { DEFAULT_FIELDS_OPTIONS, fieldsRow } = await load('inspect/fields.js');
const { frameTree } = await load('inspect/tree.js');
const { frameDetail } = await load('inspect/text.js');
const { compileFilter, fieldIndex, matchFrame } = await load('filter/index.js');

const [path, modeArg, roundsArg] = process.argv.slice(2);
if (!path) {
  console.error('usage: node bench/inproc.mjs CAPTURE [read,dissect,summary,fields,filter,detail,tree] [ROUNDS]');
  process.exit(2);
}
const bytes = readFileSync(path);
const modes = (modeArg ?? 'read,dissect,summary,fields,filter,detail,tree').split(',');
const rounds = Number(roundsArg ?? 3);
const FIELDS = ['ip.src', 'ip.dst', 'tcp.srcport', 'udp.srcport', 'dns.qry.name'];
const names = new Set(FIELDS);
const filter = compileFilter('dns.qry.name contains "a"', fieldIndex(PROTOCOLS));

function run(mode) {
  const d = new Dissector(registerDefaults(), { prefs: DEFAULT_PREFS });
  const prefs = d.prefs;
  let n = 0;
  let sink = 0;
  for (const rec of readCapture(bytes)) {
    n++;
    if (mode === 'read') {
      sink += rec.data.length;
      continue;
    }
    const f = d.dissect(rec);
    switch (mode) {
      case 'dissect':
        sink += f.layers.length;
        break;
      case 'summary':
        sink += summaryLine(summaryColumns(f, prefs, 6)).length;
        break;
      case 'fields':
        sink += fieldsRow(f, prefs, FIELDS, names, DEFAULT_FIELDS_OPTIONS).length;
        break;
      case 'filter':
        if (matchFrame(filter, f, prefs)) sink += summaryLine(summaryColumns(f, prefs, 6)).length;
        break;
      case 'tree':
        sink += frameTree(f, prefs).length;
        break;
      case 'detail':
        for (const l of frameDetail(f, prefs, { hex: false })) sink += l.length;
        break;
    }
  }
  return { n, sink };
}

for (const mode of modes) {
  let best = Infinity;
  let n = 0;
  for (let r = 0; r < rounds; r++) {
    const t0 = process.cpuUsage();
    ({ n } = run(mode));
    const t = process.cpuUsage(t0);
    best = Math.min(best, (t.user + t.system) / 1e6);
  }
  console.log(`${mode.padEnd(8)} ${best.toFixed(3).padStart(8)} s cpu  ${Math.round(n / best).toLocaleString('en-US').padStart(10)} packets/s  (${n} packets)`);
}
