#!/usr/bin/env node
// Count the packets of a capture with our async file reader (dist/capture/node.js).
//   node bench/capture.count.mjs [--each|--batches] CAPTURE      prints: packets=N captured_bytes=B
// Default: `for await (const rec of openCapture(path))`; --each: `await openCapture(path).forEach(cb)`;
// --batches: `for await (const batch of openCapture(path).batches())`, as the command reads.
import { pathToFileURL } from 'node:url';

// WIRELENS_DIST: another build directory (default ../dist)
const dist = process.env.WIRELENS_DIST ? pathToFileURL(process.env.WIRELENS_DIST + '/') : new URL('../dist/', import.meta.url);
const { openCapture } = await import(new URL('capture/node.js', dist).href);

const args = process.argv.slice(2);
const each = args[0] === '--each';
const batches = args[0] === '--batches';
const path = each || batches ? args[1] : args[0];
if (!path) {
  console.error('usage: node bench/capture.count.mjs [--each] CAPTURE');
  process.exit(2);
}
let packets = 0;
let bytes = 0;
const cap = openCapture(path);
if (each) {
  await cap.forEach((r) => {
    packets++;
    bytes += r.data.length;
  });
} else if (batches) {
  for await (const batch of cap.batches()) {
    for (const r of batch) {
      packets++;
      bytes += r.data.length;
    }
  }
} else {
  for await (const r of cap) {
    packets++;
    bytes += r.data.length;
  }
}
for (const p of cap.problems) console.error(`${p.severity}: ${p.message}`);
console.log(`packets=${packets} captured_bytes=${bytes}`);
