#!/usr/bin/env node
// Output equality of two builds of the command, for checking that an optimisation changed no byte of output:
// runs main() of build A and of build B in this process on each capture and each set of arguments, and compares
// standard output, standard error and the exit code.
//   node bench/compare.mjs DIST_A DIST_B [--every K] [--limit N] [CAPTURE...]
// Without captures: every K-th capture (default 10) of ../shared/captures/INDEX.tsv plus its malformed/ folder.
// A build is an outDir of `npx tsc -p tsconfig.json --outDir DIR` (e.g. of `git archive COMMIT src` for the
// baseline). Prints the differing cases and exits 1 if any.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

process.env.TZ = 'UTC';
// every run adds its own 'error' listener to stdout (one Output per run)
process.stdout.setMaxListeners(0);
process.stderr.setMaxListeners(0);
const argv = process.argv.slice(2);
const opt = (name, def) => {
  const i = argv.indexOf(name);
  if (i < 0) return def;
  const v = argv[i + 1];
  argv.splice(i, 2);
  return v;
};
const every = Number(opt('--every', '10'));
const limit = Number(opt('--limit', 'Infinity'));
const [distA, distB, ...files] = argv;
if (!distA || !distB) {
  console.error('usage: node bench/compare.mjs DIST_A DIST_B [--every K] [--limit N] [CAPTURE...]');
  process.exit(2);
}
const SHARED = resolve(import.meta.dirname, '..', '..', 'shared', 'captures');
let captures = files;
if (!captures.length) {
  const rows = readFileSync(join(SHARED, 'INDEX.tsv'), 'utf8').trim().split('\n').slice(1);
  captures = rows.filter((_, i) => i % every === 0).map((r) => join(SHARED, r.split('\t')[0]));
  const mal = join(SHARED, 'malformed');
  const walk = (d) => {
    for (const e of readdirSync(d)) {
      const p = join(d, e);
      if (statSync(p).isDirectory()) walk(p);
      else if (/\.(pcap|pcapng|cap)$/.test(e)) captures.push(p);
    }
  };
  if (existsSync(mal)) walk(mal);
  captures = captures.filter((_, i) => i % Math.max(1, Math.round(every / 5)) === 0 || !_.includes('/malformed/'));
}
captures = captures.slice(0, limit);

const FIELDS = ['-T', 'fields', '-E', 'occurrence=a', ...['frame.number', 'frame.time_relative', 'frame.protocols', 'eth.src', 'ip.src', 'ip.dst', 'ip.ttl', 'ip.flags', 'ipv6.src', 'tcp.srcport', 'tcp.flags', 'tcp.seq', 'tcp.len', 'tcp.options', 'udp.srcport', 'udp.length', 'dns.qry.name', 'dns.a', 'dns.flags.response', 'dhcp.option.dhcp', 'icmp.type', 'arp.opcode', 'data.len', '_ws.malformed', '_ws.expert', 'tcp.stream', 'tcp.time_relative', 'tcp.time_delta', 'udp.stream', 'udp.time_relative', 'udp.time_delta', 'tcp.seq_raw', 'tcp.ack', 'tcp.window_size', 'frame.time_delta'].flatMap((f) => ['-e', f])];
const MODES = [
  [],
  ['-V'],
  FIELDS,
  ['-T', 'fields', '-e', 'ip.src', '-e', 'ip.dst', '-e', 'tcp.srcport', '-e', 'udp.srcport', '-e', 'dns.qry.name', '-e', 'tcp.dstport', '-e', 'udp.dstport'],
  ['-Y', 'dns || tcp.port == 80 || ip.ttl > 60 || udp.length < 100'],
  ['-Y', 'dns.qry.name contains "a"'],
  ['-Y', 'frame.len > 100 && !arp'],
  ['-Y', 'tcp.flags.syn == 1 || icmp || ipv6.addr == ::/0 || eth.addr == ff:ff:ff:ff:ff:ff'],
  ['-T', 'json'],
  ['-x'],
  ['-O', 'ip,udp'],
];

const load = async (d) => (await import(pathToFileURL(resolve(d, 'cli/main.js')).href)).main;
const mainA = await load(distA);
const mainB = await load(distB);

async function run(main, args) {
  const out = [];
  const err = [];
  const ow = process.stdout.write;
  const ew = process.stderr.write;
  process.stdout.write = (c) => (out.push(typeof c === 'string' ? Buffer.from(c) : Buffer.from(c)), true);
  process.stderr.write = (c) => (err.push(typeof c === 'string' ? Buffer.from(c) : Buffer.from(c)), true);
  let code;
  try {
    code = await main(args);
  } catch (e) {
    code = `threw ${e && e.message}`;
  } finally {
    process.stdout.write = ow;
    process.stderr.write = ew;
  }
  return { out: Buffer.concat(out), err: Buffer.concat(err).toString(), code };
}

let bad = 0;
let cases = 0;
for (const f of captures) {
  for (const m of MODES) {
    const args = ['-r', f, ...m];
    const a = await run(mainA, args);
    const b = await run(mainB, args);
    cases++;
    if (!a.out.equals(b.out) || a.err !== b.err || a.code !== b.code) {
      bad++;
      let at = 0;
      while (at < a.out.length && a.out[at] === b.out[at]) at++;
      const ctx = (x) => JSON.stringify(x.out.subarray(Math.max(0, at - 80), at + 80).toString());
      console.log(`DIFF ${args.join(' ')}\n  code ${a.code} vs ${b.code}; stdout differs at byte ${at}\n  A: ${ctx(a)}\n  B: ${ctx(b)}${a.err !== b.err ? `\n  stderr A: ${a.err.slice(0, 200)}\n  stderr B: ${b.err.slice(0, 200)}` : ''}`);
    }
  }
}
console.log(`${cases} cases (${captures.length} captures × ${MODES.length} argument sets): ${bad} differ`);
process.exit(bad ? 1 : 0);
