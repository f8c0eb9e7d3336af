// The fuzzing engine shared by `npm run fuzz` (scripts/fuzz.mjs, on dist/) and the CI pass (test/fuzz, on src/).
// Frames are random or mutated from real packets; each goes through dissect and every inspector. Checked:
// nothing throws; every problem's byte range lies inside its buffer (the frame, or the reassembled source it
// names); every frame finishes within a time bound. Seeded and repeatable: the same seed gives the same frames.

/** xorshift128+ style PRNG (32-bit), seeded. */
export function rng(seed) {
  let a = seed >>> 0 || 1, b = 0x9e3779b9, c = 0x85ebca6b, d = 0xc2b2ae35;
  return () => {
    const t = a ^ (a << 11);
    a = b; b = c; c = d;
    d = (d ^ (d >>> 19) ^ (t ^ (t >>> 8))) >>> 0;
    return d;
  };
}

const INTERESTING = [0x00, 0x01, 0x02, 0x7f, 0x80, 0xfe, 0xff];

/** One mutation of `seed` (a real frame), chosen by `r`. Returns a new array. */
export function mutate(seed, r) {
  const n = seed.length;
  const kind = r() % 9;
  const b = seed.slice();
  const at = n ? r() % n : 0;
  switch (kind) {
    case 0: { // bit flips
      const flips = 1 + (r() % 4);
      for (let i = 0; i < flips && n; i++) b[r() % n] ^= 1 << (r() % 8);
      return b;
    }
    case 1: // truncation at any length
      return b.subarray(0, n ? r() % (n + 1) : 0).slice();
    case 2: { // a length or count field (one or two bytes) set to 0, 1, max, or off by one
      if (!n) return b;
      const v = [0, 1, 0xffff, 0x7fff, 0x8000][r() % 5];
      if (r() & 1 && at + 1 < n) {
        const cur = (b[at] << 8) | b[at + 1];
        const w = r() % 3 === 0 ? (cur + (r() & 1 ? 1 : 0xffff)) & 0xffff : v;
        b[at] = w >> 8; b[at + 1] = w & 0xff;
      } else b[at] = r() % 3 === 0 ? (b[at] + (r() & 1 ? 1 : 255)) & 0xff : INTERESTING[r() % INTERESTING.length];
      return b;
    }
    case 3: { // DNS-style compression pointers aimed anywhere
      if (n < 2) return b;
      const target = r() % (n + 16);
      b[at] = 0xc0 | ((target >> 8) & 0x3f);
      if (at + 1 < n) b[at + 1] = target & 0xff;
      return b;
    }
    case 4: { // option-style length bytes 0 and 1
      if (n < 2) return b;
      b[at] = r() % 256;
      if (at + 1 < n) b[at + 1] = r() & 1;
      return b;
    }
    case 5: { // bytes inserted or removed in the middle (lengths no longer agree)
      const k = 1 + (r() % 8);
      if (r() & 1) {
        const out = new Uint8Array(n + k);
        out.set(b.subarray(0, at), 0);
        for (let i = 0; i < k; i++) out[at + i] = r() & 0xff;
        out.set(b.subarray(at), at + k);
        return out;
      }
      const head = b.subarray(0, at);
      const tail = b.subarray(Math.min(n, at + k));
      const out = new Uint8Array(head.length + tail.length);
      out.set(head, 0);
      out.set(tail, head.length);
      return out;
    }
    case 6: { // a run of one interesting value
      const k = 1 + (r() % 16);
      const v = INTERESTING[r() % INTERESTING.length];
      for (let i = 0; i < k && at + i < n; i++) b[at + i] = v;
      return b;
    }
    case 7: { // a long IPv6 extension-header chain after an Ethernet header
      const hops = 1 + (r() % 40);
      const out = new Uint8Array(14 + 40 + hops * 8 + 8);
      out.set(n >= 12 ? b.subarray(0, 12) : new Uint8Array(12), 0);
      out[12] = 0x86; out[13] = 0xdd;
      out[14] = 0x60;
      const plen = hops * 8 + 8;
      out[18] = plen >> 8; out[19] = plen & 0xff;
      const kinds = [0, 60, 43, 44, 51];
      let nh = kinds[r() % kinds.length];
      out[20] = nh; out[21] = 64;
      for (let h = 0, o = 54; h < hops; h++, o += 8) {
        const next = h === hops - 1 ? 17 : kinds[r() % kinds.length];
        out[o] = next; out[o + 1] = 0;
        if (nh === 51) out[o + 1] = 0; // AH length in 4-byte units minus 2
        for (let i = 2; i < 8; i++) out[o + i] = r() & 1 ? 0 : r() & 0xff;
        nh = next;
      }
      return out;
    }
    default: { // random bytes spliced over a random span
      const k = 1 + (r() % 32);
      for (let i = 0; i < k && at + i < n; i++) b[at + i] = r() & 0xff;
      return b;
    }
  }
}

const LINKTYPES = [1, 0, 101, 113, 276, 228, 229, 108, 147];

/** The `-z` statistics fed every frame when `mods.createStat` is given (io,stat over whole seconds). */
export const FUZZ_STATS = ['io,phs', 'io,stat,1', 'expert', 'dns,tree', 'dhcp,stat', 'conv,eth', 'conv,ip', 'conv,ipv6', 'conv,tcp', 'conv,udp', 'endpoints,eth', 'endpoints,ip', 'endpoints,ipv6', 'endpoints,tcp', 'endpoints,udp'];

/** Fresh statistics collectors (or none when the modules do not include them). */
export function makeStats(mods, prefs) {
  if (!mods.createStat || !mods.statsContext) return [];
  const ctx = mods.statsContext(prefs);
  return FUZZ_STATS.map((spec) => {
    const s = mods.createStat(spec, ctx);
    if (!s || s.error) throw new Error(`statistic ${spec}: ${s && s.error}`);
    return s;
  });
}

/**
 * One record through dissect and every inspector (and the statistics given). Throws when anything throws, when a
 * problem's range is outside its buffer or lacks its layer/code/message, or when a field has a negative range.
 * Returns the number of problems reported and of field nodes in the frame's tree.
 */
export function checkFrame(mods, d, record, stats = []) {
  const frame = d.dissect(record);
  const prefs = d.prefs;
  for (const p of frame.problems) {
    const buf = p.source === undefined ? frame.data : frame.sources?.[p.source]?.data;
    if (!buf) throw new Error(`problem names a missing source ${p.source}: ${p.message}`);
    if (!(p.start >= 0 && p.end >= p.start && p.end <= buf.length)) throw new Error(`problem range [${p.start},${p.end}) outside its buffer of ${buf.length} bytes: ${p.layer} ${p.field ?? ''} ${p.message}`);
    if (!p.layer || !p.code || !p.message) throw new Error(`problem without layer/code/message: ${JSON.stringify(p)}`);
  }
  const tree = mods.frameTree(frame, prefs);
  let nodes = 0;
  mods.walk(tree, (n) => {
    nodes++;
    mods.fieldText(n.def, n.value);
    if (n.start < 0 || n.len < 0) throw new Error(`field ${n.def.abbrev} has a negative range`);
  });
  mods.summaryLine(mods.summaryColumns(frame, prefs, 6));
  if (mods.packetJson) JSON.stringify(mods.packetJson(frame, prefs, { hex: true }));
  if (mods.frameDetail) mods.frameDetail(frame, prefs, { hex: false });
  if (mods.explainFrame) mods.explainFrame(frame, prefs, {});
  if (mods.frameHexDump) mods.frameHexDump(frame.data, frame.sources);
  if (mods.rebuild) mods.rebuild(frame);
  for (const s of stats) s.add(frame);
  return { problems: frame.problems.length, nodes };
}

/**
 * A frame's time bound: `frameMs`, plus `nodeMs` for each field node of its tree. Every output is linear in the
 * nodes (-V a line each, JSON a member each, --explain a line each), and one 64 KiB frame can hold 60,000 of them
 * (a DNS message of 10,000 six-byte questions).
 */
export const boundMs = (frameMs, nodeMs, nodes) => frameMs + nodeMs * nodes;

/** Saved inputs: bytes as `hex` (or, in older files, a `data` array of numbers). */
export function inputBytes(j) {
  if (typeof j.hex === 'string') {
    const out = new Uint8Array(j.hex.length >> 1);
    for (let i = 0; i < out.length; i++) out[i] = parseInt(j.hex.slice(2 * i, 2 * i + 2), 16);
    return out;
  }
  return new Uint8Array(j.data);
}

/** Draw every statistic (their `lines()` must not throw either). */
export function drawStats(stats) {
  let n = 0;
  for (const s of stats) n += s.lines().length;
  return n;
}

/**
 * Run `count` frames (or until `seconds` pass). `mods` gives the modules: { Dissector, registerDefaults,
 * frameTree, walk, fieldText, summaryColumns, summaryLine, explainFrame, frameDetail, frameHexDump, packetJson,
 * rebuild, createStat?, statsContext? }. `seeds`: array of { data, linkType } real frames. Returns the statistics,
 * the failures (with their input) and the frames slower than `frameMs` (with their input: the `keepSlow` slowest).
 */
export function fuzz(mods, seeds, { seed = 1, count = 100000, seconds = Infinity, frameMs = 250, nodeMs = 0.1, keepSlow = 50, onFailure, onProgress, choose } = {}) {
  const r = rng(seed);
  const registry = mods.registerDefaults();
  let d = new mods.Dissector(registry);
  const prefsOn = { ...d.prefs, 'ip.check_checksum': true, 'tcp.check_checksum': true, 'udp.check_checksum': true };
  let stats = [];
  const deadline = Date.now() + seconds * 1000;
  const failures = [];
  const slowFrames = [];
  let frames = 0, problems = 0, slow = 0, maxMs = 0, maxIndex = -1, statLines = 0;
  const fail = (f) => {
    failures.push(f);
    if (onFailure) onFailure(f);
  };
  const flushStats = (i) => {
    try {
      statLines += drawStats(stats);
    } catch (e) {
      fail({ index: i, linkType: -1, origLen: 0, data: [], error: `statistics: ${String(e && e.stack || e)}` });
    }
  };
  for (let i = 0; i < count && Date.now() < deadline; i++) {
    if (i % 5000 === 0) {
      flushStats(i);
      d = new mods.Dissector(registry, i % 10000 === 0 ? {} : { prefs: prefsOn }); // bounded state, both pref sets
      stats = makeStats(mods, d.prefs);
      if (onProgress && i) onProgress({ frames, problems, failures: failures.length, slow, maxMs });
    }
    let data, linkType;
    const pick = r() % 10;
    if (pick === 0 || seeds.length === 0) {
      data = new Uint8Array(r() % 300);
      for (let k = 0; k < data.length; k++) data[k] = r() & 0xff;
      linkType = LINKTYPES[r() % LINKTYPES.length];
    } else {
      const s = seeds[r() % seeds.length];
      data = s.data;
      const rounds = 1 + (r() % 3);
      for (let k = 0; k < rounds; k++) data = mutate(data, r);
      linkType = r() % 50 === 0 ? LINKTYPES[r() % LINKTYPES.length] : s.linkType;
    }
    const origLen = r() % 8 === 0 ? data.length + (r() % 100) : data.length;
    const fcs = r() % 20 === 0;
    const record = { index: i, interfaceId: 0, linkType, tsSec: 1_600_000_000 + i, tsNsec: (r() % 1e9) | 0, origLen, data, ...(fcs ? { fcsLen: 4 } : {}) };
    // `choose(i)`: generate every frame (same sequence) but hand back only the chosen ones, unchecked
    if (choose) {
      if (choose(i)) choose(i, { linkType, origLen, ...(fcs ? { fcsLen: 4 } : {}), data: Array.from(data) });
      continue;
    }
    const t0 = performance.now();
    let nodes = 0;
    try {
      const c = checkFrame(mods, d, record, stats);
      problems += c.problems;
      nodes = c.nodes;
    } catch (e) {
      fail({ index: i, linkType, origLen, ...(fcs ? { fcsLen: 4 } : {}), data: Array.from(data), error: String(e && e.stack || e) });
    }
    const ms = performance.now() - t0;
    if (ms > maxMs) [maxMs, maxIndex] = [ms, i];
    if (ms > boundMs(frameMs, nodeMs, nodes)) {
      slow++;
      // keep the `keepSlow` slowest (a pause on a busy machine makes many frames slow once; the slowest are re-timed)
      const entry = { index: i, ms, nodes, linkType, origLen, ...(fcs ? { fcsLen: 4 } : {}), data: Array.from(data) };
      if (slowFrames.length < keepSlow) slowFrames.push(entry);
      else {
        let min = 0;
        for (let k = 1; k < slowFrames.length; k++) if (slowFrames[k].ms < slowFrames[min].ms) min = k;
        if (slowFrames[min].ms < ms) slowFrames[min] = entry;
      }
    }
    frames++;
  }
  flushStats(count);
  return { frames, problems, failures, slow, slowFrames, maxMs, maxIndex, statLines };
}

/**
 * Replay saved inputs exactly (each one alone, on a fresh Dissector, through every inspector and statistic).
 * Returns the failures as `{ input, error }`, the slowest time in ms and the field nodes of that frame.
 */
export function replay(mods, inputs) {
  const registry = mods.registerDefaults();
  const failures = [];
  let maxMs = 0;
  let maxNodes = 0;
  inputs.forEach((j, i) => {
    const d = new mods.Dissector(registry);
    const stats = makeStats(mods, d.prefs);
    const data = inputBytes(j);
    const record = { index: 0, interfaceId: 0, linkType: j.linkType, tsSec: 1_600_000_000, tsNsec: 0, origLen: j.origLen ?? data.length, data, ...(j.fcsLen ? { fcsLen: j.fcsLen } : {}) };
    const t0 = performance.now();
    let nodes = 0;
    try {
      nodes = checkFrame(mods, d, record, stats).nodes;
      drawStats(stats);
    } catch (e) {
      failures.push({ input: i, error: String(e && e.stack || e) });
    }
    const ms = performance.now() - t0;
    if (ms > maxMs) [maxMs, maxNodes] = [ms, nodes];
  });
  return { failures, maxMs, maxNodes };
}
