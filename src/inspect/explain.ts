/**
 * `--explain[=FIELD]`: the annotated hex dump that teaches. For each packet:
 *
 *   - the hex and ASCII dump with each layer's bytes set off: in plain text by brackets (`[` where a layer's bytes
 *     begin, `]` where they end, `|` where one ends and the next begins), on a terminal by colour;
 *   - bytes a Problem points at, marked `^^` on the line under them (red on a terminal);
 *   - every field, layer by layer in tree order, with its byte range, its bits when it is a bit field, its filter
 *     name and value, and its one-line description from the field table:
 *       `0x0016         ip.ttl = 64  Time to Live: hops left before a router drops the datagram`
 *   - the problems (layer, field, byte range, message, expected/actual, which length set the limit).
 *
 * `--explain=ip.ttl` narrows the listing to that field's occurrences (and brackets only their bytes); a protocol
 * name (`--explain=udp`) narrows it to that layer. Generic over FieldNode trees: nothing here knows a protocol.
 */
import type { Frame } from '../dissect/frame.js';
import type { Prefs } from '../dissect/prefs.js';
import { bitPattern, displayValue, fieldText } from '../fields/format.js';
import type { FieldNode } from '../fields/types.js';
import type { Problem } from '../core/problem.js';
import { PLAIN } from './color.js';
import type { Palette } from './color.js';
import { asciiChar, offsetDigits } from './hexdump.js';
import { containerValue, displayTree, lineOf, topBytes } from './text.js';
import type { InterfaceInfo } from './text.js';

export interface ExplainOptions {
  /** Narrow to one field (filter name) or one protocol. */
  readonly field?: string;
  readonly palette?: Palette;
  readonly iface?: InterfaceInfo;
}

/** One listed field: what the listing and the tests read. */
export interface ExplainedField {
  readonly node: FieldNode;
  /** Index of the top-level node (0 = Frame, 1.. = layers) the field belongs to. */
  readonly top: number;
  /** Depth under its protocol node (1 = a field of the layer). */
  readonly depth: number;
  /** Absolute byte range [start, end) in the bytes it refers to. */
  readonly start: number;
  readonly end: number;
  /** Name of the reassembled buffer the range refers to, when not the captured frame. */
  readonly source?: string;
}

/** `0x0016` or `0x001a-0x001d` (inclusive end, as byte offsets are read in a hex dump). */
export function rangeText(start: number, end: number): string {
  const h = (n: number): string => '0x' + n.toString(16).padStart(4, '0');
  return end - start <= 1 ? h(start) : `${h(start)}-${h(end - 1)}`;
}

function isTextNode(n: FieldNode, top: FieldNode): boolean {
  return n.def.type === 'PROTOCOL' && n.def.abbrev === top.def.abbrev;
}

/** The fields the explain view lists for a frame's tree, in tree order (hidden and generated ones left out). */
export function explainedFields(frame: Frame, tree: readonly FieldNode[], field?: string): ExplainedField[] {
  const out: ExplainedField[] = [];
  tree.forEach((top, i) => {
    if (i === 0) return; // the Frame section has no bytes of its own
    const layer = frame.layers[i - 1];
    const source = layer?.source !== undefined ? frame.sources?.[layer.source]?.name ?? 'reassembled data' : undefined;
    const wholeLayer = field !== undefined && top.def.abbrev === field;
    const visit = (nodes: readonly FieldNode[], depth: number): void => {
      for (const n of nodes) {
        if (n.hidden || n.generated) continue;
        const selected = field === undefined || wholeLayer || n.def.abbrev === field;
        if (selected && n.len > 0) out.push({ node: n, top: i, depth, start: n.start, end: n.start + n.len, ...(source !== undefined ? { source } : {}) });
        if (n.children) visit(n.children, depth + 1);
      }
    };
    visit(top.children ?? [], 1);
  });
  return out;
}

/** The value as the listing shows it: the display form, booleans as `1 (Set)`. */
function valueText(n: FieldNode): string {
  if (n.def.type === 'BOOLEAN') {
    const tfs = n.def.tfs ?? ['True', 'False'];
    return `${n.value ? 1 : 0} (${n.value ? tfs[0] : tfs[1]})`;
  }
  if (n.def.type === 'STRING' || n.def.type === 'STRINGZ' || n.def.type === 'UINT_STRING') return `"${fieldText(n.def, n.value)}"`;
  return displayValue(n.def, n.value);
}

/** Per byte of the frame: which group (layer index, or 0 for the selection) it belongs to, -1 for none. */
function byteOwners(frame: Frame, tree: readonly FieldNode[], bytes: readonly Uint8Array[], selection: readonly ExplainedField[] | undefined): Int32Array {
  const owner = new Int32Array(frame.data.length).fill(-1);
  const mark = (start: number, end: number, who: number): void => {
    for (let b = Math.max(0, start); b < Math.min(end, owner.length); b++) if (owner[b] === -1) owner[b] = who;
  };
  if (selection) {
    for (const f of selection) if (f.source === undefined) mark(f.start, f.end, 0);
    return owner;
  }
  // Headers first (they define the layers), then any other bytes a layer's fields cover (padding, trailers, FCS).
  tree.forEach((top, i) => {
    if (i > 0 && bytes[i] === frame.data) mark(top.start, top.start + top.len, i);
  });
  tree.forEach((top, i) => {
    if (i === 0 || bytes[i] !== frame.data) return;
    const visit = (nodes: readonly FieldNode[]): void => {
      for (const n of nodes) {
        if (n.hidden || n.generated) continue;
        if (n.len > 0) mark(n.start, n.start + n.len, i);
        if (n.children) visit(n.children);
      }
    };
    visit(top.children ?? []);
  });
  return owner;
}

/** The dump lines with layer brackets (plain) or colours, and `^^` marker lines under problem bytes. */
export function annotatedDump(data: Uint8Array, owner: Int32Array, problems: readonly Problem[], pal: Palette, names: readonly string[] = []): string[] {
  const out: string[] = [];
  const bad = new Uint8Array(data.length);
  for (const p of problems) for (let b = Math.max(0, p.start); b < Math.min(p.end, data.length); b++) bad[b] = 1;
  const digits = offsetDigits(data.length);
  const own = (b: number): number => (b >= 0 && b < data.length ? owner[b]! : -1);
  for (let off = 0; off < data.length; off += 16) {
    const n = Math.min(16, data.length - off);
    let line = off.toString(16).padStart(digits, '0') + ' ';
    let marks = ' '.repeat(digits + 1);
    let anyBad = false;
    let ascii = '';
    for (let i = 0; i <= 16; i++) {
      const b = off + i;
      // Each line is self-contained: a layer running on from the previous line opens again at the line start,
      // and one running on to the next line closes at the line end.
      const prev = i === 0 || i > n ? -1 : own(b - 1);
      const cur = i < n ? own(b) : -1;
      let sep = ' ';
      if (!pal.color) {
        const ends = prev !== -1 && prev !== cur;
        const starts = cur !== -1 && cur !== prev;
        sep = ends && starts ? '|' : ends ? ']' : starts ? '[' : ' ';
      }
      if (i === 16) {
        line += sep;
        break;
      }
      if (i >= n) {
        line += sep + '  ';
        marks += '   ';
        continue;
      }
      const c = data[b]!;
      let hex = c.toString(16).padStart(2, '0');
      let ch = asciiChar(c);
      if (pal.color) {
        if (bad[b]) {
          hex = pal.problem(hex);
          ch = pal.problem(ch);
        } else if (cur !== -1) {
          hex = pal.layer(cur, hex);
          ch = pal.layer(cur, ch);
        }
      }
      line += sep + hex;
      ascii += ch;
      marks += bad[b] ? ' ^^' : '   ';
      if (bad[b]) anyBad = true;
    }
    // Plain text: name the groups the line's brackets delimit, in order (`eth | ip`).
    let legend = '';
    if (!pal.color && names.length) {
      const seen: number[] = [];
      for (let i = 0; i < n; i++) {
        const o = own(off + i);
        if (o !== -1 && seen[seen.length - 1] !== o) seen.push(o);
      }
      if (seen.length) legend = '   ' + ' '.repeat(16 - n) + seen.map((o) => names[o] ?? '?').join(' | ');
    }
    out.push(line + '  ' + ascii + legend);
    if (anyBad && !pal.color) out.push(marks.trimEnd());
  }
  return out;
}

function problemLine(p: Problem): string {
  const where = p.field ? `${p.field}` : p.layer;
  let s = `${rangeText(p.start, p.end).padEnd(13)}  ${where}  ${p.code}: ${p.message}`;
  const extra: string[] = [];
  if (p.expected !== undefined) extra.push(`expected ${p.expected}`);
  if (p.actual !== undefined) extra.push(`found ${p.actual}`);
  if (p.limitedBy) extra.push(`limited by ${p.limitedBy}`);
  if (extra.length) s += ` (${extra.join(', ')})`;
  return s;
}

/** The listing line of one field. */
export function fieldLine(f: ExplainedField, data: Uint8Array, pal: Palette = PLAIN): string {
  const n = f.node;
  const indent = '  '.repeat(Math.max(0, f.depth - 1));
  const range = rangeText(f.start, f.end).padEnd(13);
  const raw = f.source === undefined ? containerValue(n, data) : undefined;
  const bits = n.bitmask !== undefined && raw !== undefined ? bitPattern(n.bitmask, n.len, raw).replace(/ = $/, '') + '  ' : '';
  const src = f.source !== undefined ? ` (in ${f.source})` : '';
  if (n.def.type === 'PROTOCOL' || n.def.type === 'NONE' || n.value === null) {
    // a label-only node (a group such as `Queries` or an option): its label, and what the group is
    return `${pal.dim(range)}  ${indent}${pal.layer(f.top, lineOf(n, data))}${src}`;
  }
  return `${pal.dim(range)}  ${indent}${bits}${pal.layer(f.top, n.def.abbrev)} = ${valueText(n)}  ${pal.dim(n.def.desc)}${src}`;
}

/** The whole --explain block of one frame (lines; the caller separates packets with a blank line). */
export function explainFrame(frame: Frame, prefs: Prefs, opts: ExplainOptions = {}): string[] {
  const pal = opts.palette ?? PLAIN;
  const tree = displayTree(frame, prefs, opts.iface);
  const bytes = topBytes(frame, tree);
  const fields = explainedFields(frame, tree, opts.field);
  const selection = opts.field !== undefined ? fields : undefined;
  const out: string[] = [pal.bold(tree[0]?.text ?? `Frame ${frame.number}`)];

  // Layers line: what the brackets delimit.
  const layerParts: string[] = [];
  tree.forEach((top, i) => {
    if (i === 0 || i > frame.layers.length) return;
    const len = top.len;
    const where = bytes[i] === frame.data ? rangeText(top.start, top.start + len) : `in ${frame.sources?.[frame.layers[i - 1]!.source ?? -1]?.name ?? 'reassembled data'}`;
    layerParts.push(pal.layer(i, `${top.def.abbrev} ${where} (${len} byte${len === 1 ? '' : 's'})`));
  });
  if (layerParts.length) out.push('Layers: ' + layerParts.join('  '));
  if (opts.field !== undefined && fields.length === 0) out.push(`(no ${opts.field} in this packet)`);
  out.push('');

  const problems = frame.problems;
  const names = selection ? [opts.field ?? ''] : tree.map((t) => t.def.abbrev);
  for (const l of annotatedDump(frame.data, byteOwners(frame, tree, bytes, selection), problems, pal, names)) out.push(l);
  if (!pal.color) {
    out.push(
      selection
        ? `[ ] the bytes of ${opts.field}${problems.length ? '; ^^ bytes with a problem' : ''}`
        : `[ ] a layer's bytes, | where one layer ends and the next begins${problems.length ? '; ^^ bytes with a problem' : ''}`,
    );
  }

  // Field listing, layer by layer.
  let lastTop = -1;
  for (const f of fields) {
    if (f.top !== lastTop) {
      lastTop = f.top;
      const top = tree[f.top]!;
      out.push('');
      const data = bytes[f.top] ?? frame.data;
      out.push(`${pal.layer(f.top, pal.bold(lineOf(top, data)))}`);
      out.push(`${' '.repeat(13)}  ${pal.dim(top.def.abbrev + ': ' + top.def.desc)}`);
    }
    if (isTextNode(f.node, tree[f.top]!) && f.node.children === undefined && f.node.len === 0) continue;
    out.push(fieldLine(f, bytes[f.top] ?? frame.data, pal));
  }

  if (problems.length && opts.field === undefined) {
    out.push('');
    out.push(pal.bold('Problems:'));
    for (const p of problems) out.push(pal.problem(problemLine(p)));
  } else if (opts.field !== undefined) {
    const mine = problems.filter((p) => p.field === opts.field || p.layer === opts.field);
    if (mine.length) {
      out.push('');
      out.push(pal.bold('Problems:'));
      for (const p of mine) out.push(pal.problem(problemLine(p)));
    }
  }
  return out;
}
