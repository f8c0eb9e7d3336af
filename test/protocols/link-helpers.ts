/** Fixture helpers shared by the link-layer tests (Ethernet, VLAN, SLL, NULL, raw IP, ARP). */
import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { readCapture } from '../../src/capture/reader.js';
import type { CaptureRecord } from '../../src/capture/types.js';
import { bytesEqual, fromHex, toHex } from '../../src/core/bytes.js';
import { EncodeError } from '../../src/core/problem.js';
import { build, layer, rebuild } from '../../src/craft/build.js';
import { Dissector } from '../../src/dissect/dissect.js';
import type { Frame } from '../../src/dissect/frame.js';
import { protocolsPath } from '../../src/dissect/frame.js';
import { DEFAULT_PREFS } from '../../src/dissect/prefs.js';
import { nodeLabel } from '../../src/fields/format.js';
import type { FieldNode } from '../../src/fields/types.js';
import { DEFAULT_FIELDS_OPTIONS, fieldCell } from '../../src/inspect/fields.js';
import { summaryColumns } from '../../src/inspect/summary.js';
import { collect, frameTree } from '../../src/inspect/tree.js';
import { registerDefaults } from '../../src/protocols/index.js';
import type { DecodeContext } from '../../src/protocols/types.js';

export const LINK_DIR = new URL('../../fixtures/protocols/link/', import.meta.url);
export const ARP_DIR = new URL('../../fixtures/protocols/arp/', import.meta.url);
/** frame.protocols is compared up to the first protocol after the link layers (later ones belong to other decoders). */
export const LINK_PROTOS = new Set(['eth', 'ethertype', 'vlan', 'ieee8021ad', 'sll', 'null', 'raw', 'arp']);

export interface Fixture {
  records: CaptureRecord[];
  frames: Frame[];
  header: string[];
  rows: string[][];
  info: string[];
}

export function fixture(dir: URL, name: string): Fixture {
  const records = [...readCapture(new Uint8Array(readFileSync(new URL(name, dir))))].map((r) => ({ ...r, data: r.data.slice() }));
  const d = new Dissector(registerDefaults());
  const frames = records.map((r) => d.dissect(r));
  const lines = readFileSync(new URL(name + '.fields.tsv', dir), 'utf8').split('\n').filter((l) => l.length > 0);
  const info = readFileSync(new URL(name + '.info.tsv', dir), 'utf8').split('\n').map((l) => l.split('\t')[0]!);
  return { records, frames, header: lines[0]!.split('\t'), rows: lines.slice(1).map((l) => l.split('\t')), info };
}

/** Our `-T fields` cell for a field (all occurrences, joined with ','), as tshark's was made. */
export function cell(f: Frame, name: string): string {
  const found = collect(frameTree(f, DEFAULT_PREFS), new Set([name]));
  return fieldCell(found.get(name), DEFAULT_FIELDS_OPTIONS);
}

/**
 * Every difference between our field values and tshark's for the fields whose names start with one of `prefixes`
 * (plus frame.protocols up to the first non-link protocol, and the malformed/short indicators), as
 * `name#frame field: ours=... tshark=...`. `known` lists accepted differences with their reason.
 */
export function differences(name: string, fx: Fixture, prefixes: readonly string[], known: Readonly<Record<string, string>> = {}): string[] {
  const out: string[] = [];
  fx.frames.forEach((f, i) => {
    const row = fx.rows[i] ?? [];
    const tree = frameTree(f, DEFAULT_PREFS);
    const found = collect(tree, new Set(fx.header));
    fx.header.forEach((h, c) => {
      if (h !== 'frame.protocols' && !h.startsWith('_ws.') && !prefixes.some((p) => h.startsWith(p))) return;
      let theirs = row[c] ?? '';
      let ours = fieldCell(found.get(h), DEFAULT_FIELDS_OPTIONS);
      if (h === 'frame.protocols') {
        const tp = theirs.split(':');
        let k = 0;
        while (k < tp.length && LINK_PROTOS.has(tp[k]!)) k++;
        theirs = tp.slice(0, k + 1).join(':');
        ours = protocolsPath(f).split(':').slice(0, k + 1).join(':');
      } else if (h.startsWith('_ws.')) {
        theirs = theirs ? 'yes' : '';
        ours = found.get(h)?.length ? 'yes' : '';
      }
      const key = `${name}#${i + 1} ${h}`;
      if (ours !== theirs && !(key in known)) out.push(`${key}: ours=${JSON.stringify(ours)} tshark=${JSON.stringify(theirs)}`);
    });
  });
  return out;
}

/** Info column differences (with tshark's exception markers), for frames whose Info a link layer writes. */
export function infoDifferences(name: string, fx: Fixture, known: Readonly<Record<string, string>> = {}): string[] {
  const out: string[] = [];
  fx.frames.forEach((f, i) => {
    const theirs = fx.info[i] ?? '';
    const ours = summaryColumns(f, DEFAULT_PREFS, 6).info;
    const key = `${name}#${i + 1} info`;
    if (ours !== theirs && !(key in known)) out.push(`${key}: ours=${JSON.stringify(ours)} tshark=${JSON.stringify(theirs)}`);
  });
  return out;
}

export function ctxFor(frame: Uint8Array, extra: Partial<DecodeContext> = {}): DecodeContext {
  return { frame, layers: [], problems: [], prefs: DEFAULT_PREFS, wireLen: frame.length, fcsLen: 0, inError: false, ...extra };
}

export function record(data: Uint8Array, linkType: number, origLen = data.length, fcsLen?: number): CaptureRecord {
  return { index: 0, interfaceId: 0, linkType, tsSec: 0, tsNsec: 0, origLen, data, ...(fcsLen !== undefined ? { fcsLen } : {}) };
}

export function dissectOne(data: Uint8Array, linkType: number, origLen = data.length, fcsLen?: number): Frame {
  return new Dissector(registerDefaults()).dissect(record(data, linkType, origLen, fcsLen));
}

/** Problems must stay inside the frame; decoding must not throw. */
export function checkRanges(f: Frame): void {
  for (const p of f.problems) {
    expect(p.start).toBeGreaterThanOrEqual(0);
    expect(p.end).toBeLessThanOrEqual(f.data.length);
    expect(p.start).toBeLessThanOrEqual(p.end);
  }
}

/** The -V lines of one layer (hidden fields left out), indented by depth. */
export function labels(f: Frame, index: number): string[] {
  const out: string[] = [];
  const l = f.layers[index]!;
  const walk = (ns: readonly FieldNode[], depth: number) => {
    for (const n of ns) {
      if (!n.hidden) out.push('  '.repeat(depth) + nodeLabel(n));
      if (n.children) walk(n.children, depth + 1);
    }
  };
  walk(l.proto.tree(l, { frame: f.data, layers: f.layers, index, prefs: DEFAULT_PREFS }), 0);
  return out;
}

export function layerLabel(f: Frame, index: number): string {
  const l = f.layers[index]!;
  return l.proto.label ? l.proto.label(l, { frame: f.data, layers: f.layers, index, prefs: DEFAULT_PREFS }) : l.proto.table.proto.name;
}
