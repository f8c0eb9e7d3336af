#!/usr/bin/env node
// npm buffer-layout (the struct decoder the design brief names) against our field-table compiler
// (src/fields/compile.ts) decoding the same header: the IPv4 + UDP fixed parts of the IPv4/UDP frames of the
// benchmark capture. Measures decodes per second (best of ROUNDS), bytes allocated per decode (V8's sampling heap
// profiler, collected objects included), and behaviour on every truncation of a header.
//   node bench/buffer-layout.mjs [CAPTURE] [ROUNDS]      (needs `npx tsc` and the buffer-layout devDependency)
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { Session } from 'node:inspector/promises';
import { pathToFileURL } from 'node:url';

const require = createRequire(process.env.BL_FROM ? pathToFileURL(process.env.BL_FROM) : import.meta.url);
const BL = require('buffer-layout');
const blVersion = require('buffer-layout/package.json').version;
const dist = process.env.WIRELENS_DIST ? pathToFileURL(process.env.WIRELENS_DIST + '/') : new URL('../dist/', import.meta.url);
const load = (p) => import(new URL(p, dist).href);
const { compileHeader } = await load('fields/compile.js');
const { ipTable } = await load('protocols/ipv4.js');
const { udpTable } = await load('protocols/udp.js');
const { readCapture } = await load('capture/reader.js');

const path = process.argv[2] ?? '/tmp/wirelens-bench-100000.pcap';
const ROUNDS = Number(process.argv[3] ?? 5);

// The IPv4 (no options) + UDP headers of the capture: their offsets in one Buffer holding every frame.
const frames = [];
for (const r of readCapture(new Uint8Array(readFileSync(path)))) {
  const d = r.data;
  if (r.linkType === 1 && d.length >= 42 && d[12] === 0x08 && d[13] === 0x00 && d[14] === 0x45 && d[23] === 17) frames.push(Buffer.from(d));
}
const all = Buffer.concat(frames);
const offsets = [];
for (let i = 0, at = 0; i < frames.length; at += frames[i].length, i++) offsets.push(at + 14);
const N = offsets.length;

// buffer-layout: the same fields, bit fields included, addresses as 4-byte blobs (its natural form)
function blLayout(addr) {
  const vihl = BL.bits(BL.u8(), true, 'vihl');
  vihl.addField(4, 'version');
  vihl.addField(4, 'ihl');
  const ds = BL.bits(BL.u8(), true, 'ds');
  ds.addField(6, 'dscp');
  ds.addField(2, 'ecn');
  const frag = BL.bits(BL.u16be(), true, 'frag');
  frag.addBoolean('rb');
  frag.addBoolean('df');
  frag.addBoolean('mf');
  frag.addField(13, 'frag_offset');
  return BL.struct([
    vihl, ds, BL.u16be('len'), BL.u16be('id'), frag, BL.u8('ttl'), BL.u8('proto'), BL.u16be('checksum'), addr('src'), addr('dst'),
    BL.u16be('srcport'), BL.u16be('dstport'), BL.u16be('length'), BL.u16be('udpchecksum'),
  ]);
}
const blBlob = blLayout((p) => BL.blob(4, p));
const blU32 = blLayout((p) => BL.u32be(p));

const ip = compileHeader(ipTable);
const udp = compileHeader(udpTable);
const ipGeneric = compileHeader(ipTable, 'generic');
const udpGeneric = compileHeader(udpTable, 'generic');
const makeIp = ip.creator([]);
const makeUdp = udp.creator([]);

const decoders = {
  'wirelens compiled (creator)': (b, o) => {
    const v = makeIp(b, o, b.length);
    return makeUdp(b, o + 20, b.length).srcport + v.ttl;
  },
  'wirelens generic table walk': (b, o) => {
    const v = {};
    ipGeneric.read(b, o, b.length, v);
    const u = {};
    udpGeneric.read(b, o + 20, b.length, u);
    return u.srcport + v.ttl;
  },
  'buffer-layout (addresses as Buffer blobs)': (b, o) => {
    const v = blBlob.decode(b, o);
    return v.srcport + v.ttl;
  },
  'buffer-layout (addresses as u32be)': (b, o) => {
    const v = blU32.decode(b, o);
    return v.srcport + v.ttl;
  },
};

function speed(fn) {
  let best = Infinity;
  let sink = 0;
  for (let r = 0; r < ROUNDS; r++) {
    const t0 = process.hrtime.bigint();
    for (let i = 0; i < N; i++) sink += fn(all, offsets[i]);
    best = Math.min(best, Number(process.hrtime.bigint() - t0) / 1e9);
  }
  return { opsPerSec: N / best, sink };
}

const session = new Session();
session.connect();
await session.post('HeapProfiler.enable');
async function allocation(fn) {
  await session.post('HeapProfiler.startSampling', { samplingInterval: 256, includeObjectsCollectedByMajorGC: true, includeObjectsCollectedByMinorGC: true });
  let sink = 0;
  for (let i = 0; i < N; i++) sink += fn(all, offsets[i]);
  const { profile } = await session.post('HeapProfiler.stopSampling');
  let total = 0;
  const walk = (n) => {
    total += n.selfSize;
    for (const c of n.children) walk(c);
  };
  walk(profile.head);
  return { bytesPerOp: total / N, sink };
}

/** Every truncation of one header (0..27 bytes): thrown or decoded, and what the decode kept. */
function short(fn) {
  const whole = all.subarray(offsets[0], offsets[0] + 28);
  let threw = 0;
  let errors = new Set();
  for (let len = 0; len < 28; len++) {
    const b = Buffer.from(whole.subarray(0, len));
    try {
      fn(b, 0);
    } catch (e) {
      threw++;
      errors.add(`${e.constructor.name}${e.code ? ' ' + e.code : ''}`);
    }
  }
  return { threw, errors: [...errors] };
}

console.log(`${path}: ${N} IPv4+UDP headers (28 bytes each: IPv4 without options, UDP), ${ROUNDS} rounds; buffer-layout ${blVersion}, Node ${process.version}`);
console.log('| decoder | decodes/s (best round) | bytes allocated per decode | truncations 0-27 bytes that throw |');
console.log('|---|---:|---:|---|');
for (const [name, fn] of Object.entries(decoders)) {
  speed(fn); // warm up
  const s = speed(fn);
  const a = await allocation(fn);
  const sh = short(fn);
  console.log(`| ${name} | ${Math.round(s.opsPerSec).toLocaleString('en-US')} | ${Math.round(a.bytesPerOp)} | ${sh.threw} of 28${sh.errors.length ? ' (' + sh.errors.join(', ') + ')' : ''} |`);
}
