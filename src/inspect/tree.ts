/** The field tree of a frame, built on demand: what -V, JSON, -T fields, filters and --explain read. */
import { frameNodes, frameTable } from '../dissect/frame.js';
import type { Frame } from '../dissect/frame.js';
import type { Prefs } from '../dissect/prefs.js';
import type { FieldNode } from '../fields/types.js';
import type { TreeContext } from '../protocols/types.js';
import { expertNodes } from './expert.js';

/** One protocol node per layer (plus the frame node first), each with its fields as children. */
export function frameTree(frame: Frame, prefs: Prefs): FieldNode[] {
  const out: FieldNode[] = [
    { def: frameTable.proto, start: 0, len: frame.data.length, value: null, text: frameLabel(frame), children: frameNodes(frame) },
  ];
  frame.layers.forEach((layer, index) => {
    const bytes = layer.source === undefined ? frame.data : (frame.sources?.[layer.source]?.data ?? frame.data);
    const ctx: TreeContext = { frame: bytes, layers: frame.layers, index, prefs };
    const p = layer.proto;
    out.push({
      def: p.table.proto,
      start: layer.start,
      len: layer.headerEnd - layer.start,
      value: null,
      text: p.label ? p.label(layer, ctx) : p.table.proto.name,
      children: p.tree(layer, ctx),
    });
  });
  for (const n of expertNodes(frame)) out.push(n);
  return out;
}

function frameLabel(frame: Frame): string {
  const r = frame.record;
  const bits = (n: number) => n * 8;
  return `Frame ${frame.number}: ${r.origLen} bytes on wire (${bits(r.origLen)} bits), ${frame.data.length} bytes captured (${bits(frame.data.length)} bits)`;
}

/** Depth-first walk in tree order (parents before children). */
export function walk(nodes: readonly FieldNode[], visit: (n: FieldNode, depth: number) => void, depth = 0): void {
  for (const n of nodes) {
    visit(n, depth);
    if (n.children) walk(n.children, visit, depth + 1);
  }
}

/** Every occurrence of the named fields, in tree order. */
export function collect(nodes: readonly FieldNode[], names: ReadonlySet<string>): Map<string, FieldNode[]> {
  const out = new Map<string, FieldNode[]>();
  walk(nodes, (n) => {
    const a = n.def.abbrev;
    if (!names.has(a)) return;
    let list = out.get(a);
    if (!list) out.set(a, (list = []));
    list.push(n);
  });
  return out;
}
