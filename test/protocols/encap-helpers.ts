/**
 * Helpers shared by the tests of the encapsulation protocols (LLC, FDDI, GRE, ERSPAN, PPP, PPPoE, VXLAN, Geneve,
 * MPLS). Each fixture capture under fixtures/protocols/<name>/ comes with `<capture>.fields.tsv`: tshark 4.0.17's
 * `-T fields` output (the oracle's options, occurrence=a, aggregator=',') for frame.protocols, every field of the
 * protocol's table and the malformed/short indicators (the command is in that folder's README).
 */
import { readFileSync } from 'node:fs';
import { expect } from 'vitest';
import { readCapture } from '../../src/capture/reader.js';
import type { CaptureRecord } from '../../src/capture/types.js';
import { rebuild } from '../../src/craft/build.js';
import { Dissector } from '../../src/dissect/dissect.js';
import type { Frame } from '../../src/dissect/frame.js';
import { protocolsPath } from '../../src/dissect/frame.js';
import { ORACLE_PREFS } from '../../src/dissect/prefs.js';
import { nodeLabel } from '../../src/fields/format.js';
import type { FieldNode } from '../../src/fields/types.js';
import { DEFAULT_FIELDS_OPTIONS, fieldCell } from '../../src/inspect/fields.js';
import { summaryColumns } from '../../src/inspect/summary.js';
import { collect, frameTree } from '../../src/inspect/tree.js';
import { registerDefaults } from '../../src/protocols/index.js';
import type { Protocol } from '../../src/protocols/types.js';

export const OPTS = DEFAULT_FIELDS_OPTIONS;
const REGISTRY = registerDefaults();

export interface EncapFixture {
  name: string;
  records: CaptureRecord[];
  frames: Frame[];
  header: string[];
  rows: string[][];
}

/** Read a fixture capture (records copied out of the read buffer) and dissect it with the oracle's preferences. */
export function encapFixture(dir: string, name: string): EncapFixture {
  const base = new URL(`../../fixtures/protocols/${dir}/`, import.meta.url);
  const records = [...readCapture(new Uint8Array(readFileSync(new URL(name, base))))].map((r) => ({ ...r, data: r.data.slice() }));
  const d = new Dissector(registerDefaults(), { prefs: ORACLE_PREFS });
  const frames = records.map((r) => d.dissect(r));
  const lines = readFileSync(new URL(name + '.fields.tsv', base), 'utf8').split('\n').filter((l) => l.length > 0);
  return { name, records, frames, header: lines[0]!.split('\t'), rows: lines.slice(1).map((l) => l.split('\t')) };
}

/** Our `-T fields` cell for a field of a frame (all occurrences, joined with ','). */
export function cellOf(f: Frame, name: string): string {
  const found = collect(frameTree(f, ORACLE_PREFS), new Set([name]));
  return fieldCell(found.get(name), OPTS);
}

/**
 * Every cell of the fixture's tshark output that differs from ours, as `name#frame field: ours=... tshark=...`;
 * `known` lists accepted differences (key `name#frame field`) with their reason. The indicators compare as booleans.
 */
export function cellDifferences(fx: EncapFixture, known: Readonly<Record<string, string>> = {}): string[] {
  const out: string[] = [];
  const names = new Set(fx.header);
  fx.frames.forEach((f, i) => {
    const row = fx.rows[i] ?? [];
    const found = collect(frameTree(f, ORACLE_PREFS), names);
    fx.header.forEach((h, c) => {
      let theirs = row[c] ?? '';
      let ours = h === 'frame.protocols' ? protocolsPath(f) : fieldCell(found.get(h), OPTS);
      if (h === 'frame.protocols') {
        // Compared up to the first protocol wirelens has no decoder for (where tshark goes deeper than we do).
        const parts = theirs.split(':');
        const k = parts.findIndex((p) => p !== 'ethertype' && !REGISTRY.protocol(p));
        if (k >= 0) {
          theirs = parts.slice(0, k).join(':');
          ours = ours.split(':').slice(0, k).join(':');
        }
      }
      if (h.startsWith('_ws.')) {
        theirs = theirs ? 'yes' : '';
        ours = found.get(h)?.length ? 'yes' : '';
      }
      const key = `${fx.name}#${i + 1} ${h}`;
      if (ours !== theirs && !(key in known)) out.push(`${key}: ours=${JSON.stringify(ours)} tshark=${JSON.stringify(theirs)}`);
    });
  });
  return out;
}

/** The -V lines of one layer (hidden fields left out), indented two spaces a level. */
export function layerLines(f: Frame, index: number): string[] {
  const out: string[] = [];
  const l = f.layers[index]!;
  const walk = (ns: readonly FieldNode[], depth: number) => {
    for (const n of ns) {
      if (!n.hidden) out.push('  '.repeat(depth) + nodeLabel(n, n.bitmask !== undefined ? raw(f.data, n.start, n.len) : undefined));
      if (n.children) walk(n.children, depth + 1);
    }
  };
  walk(l.proto.tree(l, { frame: f.data, layers: f.layers, index, prefs: ORACLE_PREFS }), 0);
  return out;
}

function raw(b: Uint8Array, start: number, len: number): number {
  let v = 0;
  for (let i = 0; i < len && start + i < b.length; i++) v = v * 256 + b[start + i]!;
  return v;
}

/** The layer of a protocol in a frame (the first, or the n-th). */
export function layerOf(f: Frame, name: string, nth = 0): Frame['layers'][number] {
  const found = f.layers.filter((l) => l.proto.name === name)[nth];
  if (!found) throw new Error(`no ${name} layer in frame ${f.number}: ${protocolsPath(f)}`);
  return found;
}

export function labelOf(f: Frame, name: string, nth = 0): string {
  const l = layerOf(f, name, nth);
  const index = f.layers.indexOf(l);
  return l.proto.label ? l.proto.label(l, { frame: f.data, layers: f.layers, index, prefs: ORACLE_PREFS }) : l.proto.table.proto.name;
}

/**
 * Every prefix of every frame, once as cut by the snapshot length (frame.len kept) and once as a frame that is
 * really that short: dissecting and every inspector never throw, problems stay inside the frame, and the layers of
 * `proto` report a truncation (or decode whole) without reading past what was captured. `fixedHeader`: for a
 * protocol made of a list of attributes, the bytes of its fixed part. Returns how many prefixes of frames holding
 * `proto` were checked.
 */
export function everyPrefix(frames: readonly Frame[], proto: string, fixedHeader = Infinity): number {
  let checked = 0;
  for (const f0 of frames) {
    const l = f0.layers.find((x) => x.proto.name === proto && x.source === undefined);
    if (!l) continue;
    for (let n = 0; n <= f0.data.length; n++) {
      for (const origLen of [f0.record.origLen, n]) {
        const data = f0.data.slice(0, n);
        const d = new Dissector(registerDefaults(), { prefs: ORACLE_PREFS });
        const f = d.dissect({ ...f0.record, data, origLen: Math.max(origLen, n) });
        for (const p of f.problems) {
          expect(p.start).toBeGreaterThanOrEqual(0);
          expect(p.end).toBeLessThanOrEqual(p.source === undefined ? n : (f.sources?.[p.source]?.data.length ?? Infinity));
          expect(p.start).toBeLessThanOrEqual(p.end);
        }
        for (const x of f.layers) if (x.source === undefined) expect(x.end).toBeLessThanOrEqual(n);
        frameTree(f, ORACLE_PREFS);
        summaryColumns(f, ORACLE_PREFS, 6);
        // A header of this protocol cut before its end says so (for a frame that is really that short, only within
        // its fixed part: a list of attributes may end anywhere between two of them).
        const mine = f.layers.find((x) => x.proto.name === proto);
        const cut = origLen > n || n < (mine?.start ?? 0) + fixedHeader;
        if (mine && cut && n < l.headerEnd && n > mine.start) expect(f.problems.some((p) => p.code === 'truncated' || p.code === 'bad-length')).toBe(true);
        checked++;
      }
    }
  }
  return checked;
}

/** Every frame that holds `proto` rebuilds from its decoded layers to its original bytes. Returns how many. */
export function rebuildsAll(frames: readonly Frame[], proto: string): number {
  let n = 0;
  for (const f of frames) {
    if (!f.layers.some((l) => l.proto.name === proto)) continue;
    const r = rebuild(f);
    if (!r.rebuilt) {
      // Only a frame whose decoding found damage may be left as it was.
      expect(f.problems.length).toBeGreaterThan(0);
      continue;
    }
    expect(Buffer.from(r.bytes).toString('hex')).toBe(Buffer.from(f.data).toString('hex'));
    n++;
  }
  return n;
}

/** Encode with no context (no inner or outer layer). */
export function encodeAlone<I>(p: Protocol<any, I>, input: I, payload: Uint8Array = new Uint8Array(0)): Uint8Array {
  return p.encode!(input, payload, { outer: [], pseudoHeaderSum: () => undefined });
}
