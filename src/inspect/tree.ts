/** The field tree of a frame, built on demand: what -V, JSON, -T fields, filters and --explain read. */
import { frameNodes, frameTable } from '../dissect/frame.js';
import type { Frame } from '../dissect/frame.js';
import type { Prefs } from '../dissect/prefs.js';
import type { FieldNode } from '../fields/types.js';
import type { TreeContext } from '../protocols/types.js';
import { expertNodes } from './expert.js';

/** One protocol node per layer (plus the frame node first), each with its fields as children. */
export function frameTree(frame: Frame, prefs: Prefs): FieldNode[] {
  return partialTree(frame, prefs, undefined);
}

/**
 * Field-name prefixes each protocol's tree() emits (its fields, protocol definitions labelling subtrees, fields of
 * tables it shows, e.g. IPv6 extension headers and `ip.version`). Checked against every fixture frame by
 * test/perf/tree.test.ts. A layer of a protocol not listed always gets its tree.
 */
export const TREE_PREFIXES: Readonly<Record<string, readonly string[]>> = {
  eth: ['eth'],
  vlan: ['vlan', 'eth'],
  ip: ['ip', '_ws.expert'],
  ipv6: ['ip', 'ah', '_ws.expert'],
  // TCP's sequence analysis and the bad-checksum items carry expert items inside the TCP/UDP/ICMP trees.
  tcp: ['tcp', '_ws.expert'],
  udp: ['udp', '_ws.expert'],
  dns: ['dns'],
  dhcp: ['dhcp'],
  arp: ['arp'],
  icmp: ['icmp', '_ws.expert'],
  icmpv6: ['icmpv6', '_ws.expert'],
  data: ['data'],
};

/** Could a tree made of `prefixes` hold one of `names`? */
export function mayHold(prefixes: readonly string[], names: ReadonlySet<string>): boolean {
  for (const n of names) for (const p of prefixes) if (n.startsWith(p)) return true;
  return false;
}

/**
 * frameTree for a reader that wants only the fields `names` (`-T fields -e`, a display filter): the same top-level
 * nodes, but the Frame fields, the expert indicators and the fields of layers that cannot hold one of the names
 * (TREE_PREFIXES) are left out (children: []). `collect(partialTree(f, p, names), names)` equals
 * `collect(frameTree(f, p), names)` (test/perf/tree.test.ts); undefined `names`: the whole tree.
 */
export function partialTree(frame: Frame, prefs: Prefs, names: ReadonlySet<string> | undefined): FieldNode[] {
  let frameFields = true;
  let expert = true;
  if (names) {
    frameFields = false;
    expert = false;
    for (const n of names) {
      if (n.startsWith('frame')) frameFields = true;
      if (n.startsWith('_ws')) expert = true;
    }
  }
  const out: FieldNode[] = [
    frameFields
      ? frameNode(frame)
      : { def: frameTable.proto, start: 0, len: frame.data.length, value: null, text: frameTable.proto.name, children: [] },
  ];
  const layers = frame.layers;
  for (let index = 0; index < layers.length; index++) {
    const layer = layers[index]!;
    const p = layer.proto;
    const prefixes = names ? TREE_PREFIXES[p.name] : undefined;
    if (names && prefixes && !mayHold(prefixes, names)) {
      out.push({ def: p.table.proto, start: layer.start, len: layer.headerEnd - layer.start, value: null, text: p.table.proto.name, children: [] });
      continue;
    }
    out.push(layerNode(frame, prefs, index));
  }
  if (expert) for (const n of expertNodes(frame)) out.push(n);
  return out;
}

/** The protocol node of layer `index`, with its fields: frameTree's node for that layer. */
export function layerNode(frame: Frame, prefs: Prefs, index: number): FieldNode {
  const layer = frame.layers[index]!;
  const p = layer.proto;
  const bytes = layer.source === undefined ? frame.data : (frame.sources?.[layer.source]?.data ?? frame.data);
  const ctx: TreeContext = { frame: bytes, layers: frame.layers, index, prefs };
  return {
    def: p.table.proto,
    start: layer.start,
    len: layer.headerEnd - layer.start,
    value: null,
    text: p.label ? p.label(layer, ctx) : p.table.proto.name,
    children: p.tree(layer, ctx),
  };
}

/** The Frame node with its fields, as frameTree makes it. */
export function frameNode(frame: Frame): FieldNode {
  return { def: frameTable.proto, start: 0, len: frame.data.length, value: null, text: frameLabel(frame), children: frameNodes(frame) };
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
  collectInto(nodes, names, out);
  return out;
}

/** collect() into an existing map (occurrences appended in tree order). */
export function collectInto(nodes: readonly FieldNode[], names: ReadonlySet<string>, out: Map<string, FieldNode[]>): void {
  for (let i = 0; i < nodes.length; i++) {
    const n = nodes[i]!;
    const a = n.def.abbrev;
    if (names.has(a)) {
      const list = out.get(a);
      if (list) list.push(n);
      else out.set(a, [n]);
    }
    if (n.children) collectInto(n.children, names, out);
  }
}
