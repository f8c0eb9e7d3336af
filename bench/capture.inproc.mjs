#!/usr/bin/env node
// Steady-state comparison in one process (no start-up, JIT warm, best CPU time of N rounds):
// the split.js floor (its loop, inlined), the floor plus one Uint8Array view per packet,
// our reader (forEach and for-await), and pcap-parser.
//   node bench/capture.inproc.mjs CAPTURE [ROUNDS]
// (imports ../dist, or WIRELENS_DIST; pcap-parser from our node_modules)
import { closeSync, openSync, readSync } from 'node:fs';
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';

const dist = process.env.WIRELENS_DIST ? pathToFileURL(process.env.WIRELENS_DIST + '/') : new URL('../dist/', import.meta.url);
const { openCapture } = await import(new URL('capture/node.js', dist).href);
const pcapParser = createRequire(import.meta.url)('pcap-parser');
const path = process.argv[2];
const rounds = Number(process.argv[3] ?? 7);

// split.js's pcap loop (bench/peers/split.js), with and without a view per packet
function split(view) {
  const fd = openSync(path, 'r');
  let buf = Buffer.allocUnsafe(1 << 20);
  let have = 0;
  let off = 0;
  let eof = false;
  function fill(need) {
    if (off > 0) {
      buf.copy(buf, 0, off, have);
      have -= off;
      off = 0;
    }
    if (need > buf.length) {
      const bigger = Buffer.allocUnsafe(Math.max(need, buf.length * 2));
      buf.copy(bigger, 0, 0, have);
      buf = bigger;
    }
    while (have < buf.length && !eof) {
      const n = readSync(fd, buf, have, buf.length - have, null);
      if (n === 0) eof = true;
      have += n;
      if (have >= need) break;
    }
    return have - off >= need;
  }
  fill(24);
  off = 24;
  let packets = 0;
  let sink = 0;
  for (;;) {
    while (have - off >= 16) {
      const cap = buf.readUInt32LE(off + 8);
      if (have - off < 16 + cap) break;
      packets++;
      if (view) sink += new Uint8Array(buf.buffer, buf.byteOffset + off + 16, cap).length;
      off += 16 + cap;
    }
    if (eof && have - off < 16) break;
    const cap = have - off >= 16 ? buf.readUInt32LE(off + 8) : 0;
    if (!fill(16 + cap)) break;
  }
  closeSync(fd);
  return packets + (sink & 0);
}

const runs = {
  'split-js floor': async () => split(false),
  'floor + view': async () => split(true),
  'ours forEach': async () => {
    let n = 0;
    await openCapture(path).forEach((r) => {
      n += r.data.length >= 0 ? 1 : 0;
    });
    return n;
  },
  'ours for-await': async () => {
    let n = 0;
    for await (const r of openCapture(path)) n += r.data.length >= 0 ? 1 : 0;
    return n;
  },
  'ours batches': async () => {
    let n = 0;
    for await (const batch of openCapture(path).batches()) for (const r of batch) n += r.data.length >= 0 ? 1 : 0;
    return n;
  },
  'pcap-parser': () =>
    new Promise((resolve) => {
      let n = 0;
      const p = pcapParser.parse(path);
      p.on('packet', (pk) => (n += pk.data.length >= 0 ? 1 : 0));
      p.on('end', () => resolve(n));
    }),
};

const best = {};
let count;
for (let r = 0; r < rounds; r++) {
  for (const [k, f] of Object.entries(runs)) {
    const t = process.cpuUsage();
    const n = await f();
    const u = process.cpuUsage(t);
    if (count === undefined) count = n;
    else if (n !== count) throw new Error(`${k} counted ${n}, expected ${count}`);
    best[k] = Math.min(best[k] ?? Infinity, (u.user + u.system) / 1000);
  }
}
const floor = best['split-js floor'];
console.log(`${path}: ${count} packets; best CPU ms of ${rounds} rounds, in one warm process`);
for (const [k, ms] of Object.entries(best)) {
  console.log(`  ${k.padEnd(15)} ${ms.toFixed(1).padStart(8)} ms  ${Math.round((count / ms) * 1000).toLocaleString('en').padStart(11)} packets/s  ${(ms / floor).toFixed(2)}x floor`);
}
console.log(`  pcap-parser / ours forEach: ${(best['pcap-parser'] / best['ours forEach']).toFixed(2)}x; / ours for-await: ${(best['pcap-parser'] / best['ours for-await']).toFixed(2)}x`);
