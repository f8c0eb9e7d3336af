/** Field accessors over decoded frames: what a compiled filter reads, built lazily from the field tree. */
import { frameNodes, frameTable } from '../dissect/frame.js';
import type { Frame } from '../dissect/frame.js';
import type { Prefs } from '../dissect/prefs.js';
import type { FieldNode } from '../fields/types.js';
import { partialTree, walk } from '../inspect/tree.js';
import type { CompiledFilter, FieldAccessor } from './compile.js';
import type { FieldIndex } from './fields.js';

/**
 * An accessor for one frame. The frame's own fields (`frame.*`) come without building the layers' trees,
 * and so do protocols (`dns`, `!arp`) when `known` says the name is a protocol: their nodes are the ones the
 * tree would have at its top, made from the layers. The whole tree is built on the first request for
 * anything else, once. `layer` numbers an occurrence by the protocol layer it is in (1 for the first IPv4
 * layer, 2 for an inner one); `extent` gives where a protocol occurrence's PDU ends (for `contains`).
 */
export function frameAccessor(frame: Frame, prefs: Prefs, known?: FieldIndex, wanted?: ReadonlySet<string>): FieldAccessor {
  let byName: Map<string, FieldNode[]> | undefined;
  let frameOnly: Map<string, FieldNode[]> | undefined;
  let protoOnly: Map<string, FieldNode[]> | undefined;
  const layers = new WeakMap<FieldNode, number>();
  const extents = new WeakMap<FieldNode, number>();

  const add = (m: Map<string, FieldNode[]>, n: FieldNode): void => {
    const a = n.def.abbrev;
    let list = m.get(a);
    if (!list) m.set(a, (list = []));
    list.push(n);
  };

  const buildFrameOnly = (): Map<string, FieldNode[]> => {
    const m = new Map<string, FieldNode[]>();
    for (const n of frameNodes(frame)) add(m, n);
    return m;
  };

  /** The top of the tree without the fields: the frame node and one node per layer, as frameTree makes them. */
  const buildProtocols = (): Map<string, FieldNode[]> => {
    const m = new Map<string, FieldNode[]>();
    const counts = new Map<string, number>();
    const put = (n: FieldNode, end: number): void => {
      const k = (counts.get(n.def.abbrev) ?? 0) + 1;
      counts.set(n.def.abbrev, k);
      layers.set(n, k);
      extents.set(n, end);
      add(m, n);
    };
    put({ def: frameTable.proto, start: 0, len: frame.data.length, value: null }, frame.data.length);
    for (const l of frame.layers) put({ def: l.proto.table.proto, start: l.start, len: l.headerEnd - l.start, value: null }, l.end);
    return m;
  };

  // `wanted` (a filter's fields): only the parts of the tree that can hold them are built (partialTree).
  let partial = wanted !== undefined;
  const build = (): Map<string, FieldNode[]> => {
    const m = new Map<string, FieldNode[]>();
    const top = partialTree(frame, prefs, partial ? wanted : undefined);
    const counts = new Map<string, number>();
    top.forEach((p, i) => {
      const proto = p.def.abbrev;
      const k = (counts.get(proto) ?? 0) + 1;
      counts.set(proto, k);
      extents.set(p, i === 0 ? frame.data.length : (frame.layers[i - 1]?.end ?? p.start + p.len));
      walk([p], (n, depth) => {
        layers.set(n, k);
        // Each layer's protocol node is at the top; a protocol definition deeper down only labels a subtree
        // (DNS's `Queries`), it is not another occurrence of the protocol.
        if (depth > 0 && n.def.type === 'PROTOCOL') return;
        add(m, n);
      });
    });
    return m;
  };

  const get = (abbrev: string): readonly FieldNode[] | undefined => {
    if (byName && (!partial || wanted!.has(abbrev))) return byName.get(abbrev);
    if (abbrev.startsWith('frame.')) return (frameOnly ??= buildFrameOnly()).get(abbrev);
    if (known?.get(abbrev)?.type === 'PROTOCOL') return (protoOnly ??= buildProtocols()).get(abbrev);
    // a name outside `wanted`: the whole tree
    if (partial && !wanted!.has(abbrev)) partial = false;
    byName = build();
    return byName.get(abbrev);
  };
  return Object.assign(get, {
    data: frame.data,
    layer: (n: FieldNode) => layers.get(n) ?? 1,
    extent: (n: FieldNode) => extents.get(n) ?? n.start + n.len,
  });
}

/** Does a decoded frame match a compiled filter? */
export function matchFrame(filter: CompiledFilter, frame: Frame, prefs: Prefs): boolean {
  return filter.ast === null || filter.match(frameAccessor(frame, prefs, filter.index, filter.fields));
}

/** An accessor over a plain list of field nodes (tests, fast paths): occurrences by name, in list order. */
export function nodesAccessor(nodes: readonly FieldNode[], data: Uint8Array = new Uint8Array(0)): FieldAccessor {
  const m = new Map<string, FieldNode[]>();
  walk(nodes, (n) => {
    let list = m.get(n.def.abbrev);
    if (!list) m.set(n.def.abbrev, (list = []));
    list.push(n);
  });
  return Object.assign((abbrev: string) => m.get(abbrev), { data });
}
