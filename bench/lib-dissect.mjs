#!/usr/bin/env node
// Library row: dissect every layer of every packet in-process, touching a few fields per layer (like dpkt_decode.py).
//   node bench/lib-dissect.mjs CAPTURE     prints: packets=N layers=L touched=T
import { openCapture } from '../dist/capture/node.js';
import { Dissector } from '../dist/dissect/dissect.js';
import { registerDefaults } from '../dist/protocols/index.js';

const path = process.argv[2];
if (!path) {
  console.error('usage: node bench/lib-dissect.mjs CAPTURE');
  process.exit(2);
}
const d = new Dissector(registerDefaults());
let packets = 0;
let layers = 0;
let touched = 0;
for await (const rec of openCapture(path)) {
  const frame = d.dissect(rec);
  packets++;
  for (const l of frame.layers) {
    layers++;
    const v = l.value;
    // a few fields per layer, as dpkt_decode.py reads them
    if (v && typeof v === 'object') {
      let k = 0;
      for (const key in v) {
        if (v[key] !== undefined) touched++;
        if (++k === 3) break;
      }
    }
  }
}
console.log(`packets=${packets} layers=${layers} touched=${touched}`);
