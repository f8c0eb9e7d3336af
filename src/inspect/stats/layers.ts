/**
 * What the statistics read from a decoded frame, generically: a layer's field values by filter name (through its
 * field table, never a second list of names), a layer's field nodes, the layers tshark's taps see, and the protocol
 * nodes tshark places at the top of its tree.
 */
import type { Frame } from '../../dissect/frame.js';
import type { Prefs } from '../../dissect/prefs.js';
import type { FieldNode, FieldTable } from '../../fields/types.js';
import type { Layer, TreeContext } from '../../protocols/types.js';
import { expertNodes } from '../expert.js';

const keysByTable = new WeakMap<FieldTable, Map<string, string>>();

function keysOf(table: FieldTable): Map<string, string> {
  let m = keysByTable.get(table);
  if (!m) {
    m = new Map();
    for (const [key, def] of Object.entries(table.fields)) if (!m.has(def.abbrev)) m.set(def.abbrev, key);
    keysByTable.set(table, m);
  }
  return m;
}

/**
 * The value of a field of a layer, by its filter name (`ip.src`, `tcp.stream`): the decoded value under the
 * table's key for that name, else what the dissector's tracking noted under the same key. Undefined when the
 * layer's table does not declare the name or the layer has no such value.
 */
export function layerField(layer: Layer, abbrev: string): unknown {
  const table = layer.proto.table;
  const key = keysOf(table).get(abbrev);
  if (key === undefined) return undefined;
  // A field at a fixed place that the captured header does not reach has no value.
  const def = table.fields[key]!;
  if (def.offset !== undefined && layer.start + def.offset + (def.width ?? 0) > layer.headerEnd) return undefined;
  const v = layer.value as Record<string, unknown> | null;
  if (v && typeof v === 'object' && v[key] !== undefined) return v[key];
  const notes = layer.notes?.[layer.proto.name] as Record<string, unknown> | undefined;
  return notes && typeof notes === 'object' ? notes[key] : undefined;
}

/** Trees already built for a frame (several statistics read the same layers); dropped with the frame. */
const built = new WeakMap<Frame, Map<number, FieldNode[]>>();

/** The field nodes of one layer (its protocol node's children), built on demand, once per frame and layer. */
export function layerNodes(frame: Frame, index: number, prefs: Prefs): FieldNode[] {
  let m = built.get(frame);
  if (!m) built.set(frame, (m = new Map()));
  let nodes = m.get(index);
  if (!nodes) m.set(index, (nodes = buildLayerNodes(frame, index, prefs)));
  return nodes;
}

/**
 * The first value of a field in a layer's tree, by filter name: what tshark shows and its taps use (`ip.dst` is
 * the final destination of a source-routed datagram, not the header's next hop).
 */
export function treeField(frame: Frame, index: number, abbrev: string, prefs: Prefs): FieldNode['value'] | undefined {
  return nodesNamed(layerNodes(frame, index, prefs), abbrev)[0]?.value;
}

function buildLayerNodes(frame: Frame, index: number, prefs: Prefs): FieldNode[] {
  const layer = frame.layers[index];
  if (!layer) return [];
  const bytes = layer.source === undefined ? frame.data : (frame.sources?.[layer.source]?.data ?? frame.data);
  const ctx: TreeContext = { frame: bytes, layers: frame.layers, index, prefs };
  try {
    return layer.proto.tree(layer, ctx);
  } catch {
    return [];
  }
}

/** Every occurrence of a field in a list of nodes (depth first, tree order). */
export function nodesNamed(nodes: readonly FieldNode[], abbrev: string, out: FieldNode[] = []): FieldNode[] {
  for (const n of nodes) {
    if (n.def.abbrev === abbrev) out.push(n);
    if (n.children) nodesNamed(n.children, abbrev, out);
  }
  return out;
}

/** The layer quotes the datagram that caused an error (ICMP/ICMPv6 errors): what follows is that datagram. */
export function isQuoting(layer: Layer): boolean {
  const v = layer.value as { quoting?: unknown } | null;
  return !!v && typeof v === 'object' && v.quoting === true;
}

/**
 * The indexes of the layers tshark's protocol taps see: every layer except those of a datagram quoted inside an
 * ICMP/ICMPv6 error (tshark dissects them with `in_error_pkt` set, and the conversation taps skip them).
 */
export function tappedLayers(frame: Frame): number[] {
  const out: number[] = [];
  for (let i = 0; i < frame.layers.length; i++) {
    out.push(i);
    if (isQuoting(frame.layers[i]!)) break;
  }
  return out;
}

/**
 * Layers whose payload tshark dissects inside their own subtree rather than at the top of the tree: ICMP and
 * ICMPv6 (echo data, the quoted datagram). Inside such a subtree, the payload of a quoted UDP datagram goes back
 * to the top (UDP hands it to the next dissector on the top-level tree), nothing else does. IPv6's AH header is
 * shown inside the IPv6 subtree, like the other extension headers.
 */
const SUBTREE_OWNERS: ReadonlySet<string> = new Set(['icmp', 'icmpv6']);
const BACK_TO_TOP_AFTER = 'udp';
const INSIDE_PREVIOUS: Readonly<Record<string, string>> = { ah: 'ipv6' };
/**
 * A PDU reassembled from a stream's segments: tshark adds the list of segments (`tcp.segments`) to the top of the
 * tree after the PDU's own protocols.
 */
const SEGMENTS_NODE: Readonly<Record<string, string>> = { tcp: 'tcp.segments' };

/** tshark's protocol node for the comments of a packet (pcapng opt_comment). */
const PKT_COMMENT = 'pkt_comment';

/** The filter names of the protocol nodes at the top of tshark's tree for a frame, after `frame` (io,phs). */
export function topLevelProtocols(frame: Frame): string[] {
  // A packet with comments: tshark's tree starts with its `pkt_comment` node, before the frame.
  const out: string[] = frame.record.comments?.length ? [PKT_COMMENT] : [];
  let nested = false;
  let prevName = '';
  let prevTop = '';
  let segments: string | undefined;
  frame.layers.forEach((layer, i) => {
    const name = layer.proto.table.proto.abbrev;
    const before = frame.layers[i - 1];
    if (layer.source !== undefined && before && before.source !== layer.source) segments = SEGMENTS_NODE[before.proto.name];
    if (nested) {
      if (prevName === BACK_TO_TOP_AFTER) {
        nested = false;
        out.push(name);
        prevTop = name;
      }
    } else {
      const owner = INSIDE_PREVIOUS[name];
      if (owner === undefined || owner !== prevTop) {
        out.push(name);
        prevTop = name;
      }
      if (SUBTREE_OWNERS.has(name)) nested = true;
    }
    prevName = name;
    const after = frame.layers[i + 1];
    if (segments && (!after || after.source !== layer.source)) {
      out.push(segments);
      segments = undefined;
    }
  });
  for (const n of expertNodes(frame)) out.push(n.def.abbrev);
  return out;
}
