/** `-T fields`: one line per frame with the values of the `-e` fields, formatted as tshark 4.0 does. */
import type { Frame } from '../dissect/frame.js';
import type { Prefs } from '../dissect/prefs.js';
import { fieldText } from '../fields/format.js';
import type { FieldNode } from '../fields/types.js';
import type { FieldDef } from '../fields/types.js';
import type { Layer } from '../protocols/types.js';
import { ipTable } from '../protocols/ipv4.js';
import type { IPv4Value } from '../protocols/ipv4.js';
import { tcpTable } from '../protocols/tcp.js';
import type { TcpValue } from '../protocols/tcp.js';
import { udpTable } from '../protocols/udp.js';
import type { UdpValue } from '../protocols/udp.js';
import { dnsTable } from '../protocols/dns/table.js';
import { HEADER_LEN } from '../protocols/dns/message.js';
import type { DnsValue } from '../protocols/dns/message.js';
import { nameText } from '../protocols/dns/names.js';
import { expertNodes } from './expert.js';
import { collectInto, frameNode, layerNode, mayHold, TREE_PREFIXES } from './tree.js';

export interface FieldsOptions {
  /** -E header=y */
  header: boolean;
  /** -E separator=/t|/s|c */
  separator: string;
  /** -E occurrence=f|l|a */
  occurrence: 'f' | 'l' | 'a';
  /** -E aggregator=c */
  aggregator: string;
  /** -E quote=d|s|n */
  quote: '' | '"' | "'";
}

export const DEFAULT_FIELDS_OPTIONS: FieldsOptions = { header: false, separator: '\t', occurrence: 'a', aggregator: ',', quote: '' };

/** Apply one `-E key=value`; returns an error message or null. */
export function applyFieldsOption(opts: FieldsOptions, spec: string): string | null {
  const i = spec.indexOf('=');
  if (i < 0) return `Invalid -E option "${spec}"`;
  const k = spec.slice(0, i);
  const v = spec.slice(i + 1);
  switch (k) {
    case 'header':
      if (v !== 'y' && v !== 'n') return `Invalid -E header value "${v}"`;
      opts.header = v === 'y';
      return null;
    case 'separator':
      opts.separator = v === '/t' ? '\t' : v === '/s' ? ' ' : v;
      return null;
    case 'occurrence':
      if (v !== 'f' && v !== 'l' && v !== 'a') return `Invalid -E occurrence value "${v}"`;
      opts.occurrence = v;
      return null;
    case 'aggregator':
      opts.aggregator = v === '/t' ? '\t' : v === '/s' ? ' ' : v;
      return null;
    case 'quote':
      if (v === 'd') opts.quote = '"';
      else if (v === 's') opts.quote = "'";
      else if (v === 'n') opts.quote = '';
      else return `Invalid -E quote value "${v}"`;
      return null;
    case 'bom':
    case 'escape':
      return null;
    default:
      return `Invalid -E option "${spec}"`;
  }
}

/** One occurrence as -T fields prints it: a protocol-type item (`_ws.malformed`) prints its label. */
function cellText(n: FieldNode): string {
  if (n.def.type === 'PROTOCOL') return n.text ?? n.def.name;
  // a present FT_NONE item (dns.opt) prints as 1
  if (n.def.type === 'NONE') return '1';
  return fieldText(n.def, n.value);
}

/** The cell for one field from its occurrences (tree order). */
export function fieldCell(nodes: readonly FieldNode[] | undefined, opts: FieldsOptions): string {
  if (!nodes || nodes.length === 0) return '';
  let text: string;
  if (opts.occurrence === 'f') text = cellText(nodes[0]!);
  else if (opts.occurrence === 'l') text = cellText(nodes[nodes.length - 1]!);
  else {
    text = '';
    for (let i = 0; i < nodes.length; i++) {
      if (i) text += opts.aggregator;
      text += cellText(nodes[i]!);
    }
  }
  return opts.quote ? opts.quote + text + opts.quote : text;
}

/**
 * Occurrences of a field in one layer read from its decoded value, without building the layer's tree: the nodes the
 * tree would hold for that field (in tree order), or undefined when the value is not the plain case the extractor
 * knows (the tree is built then). Proven equal to the tree over every committed frame (test/perf/tree.test.ts).
 */
type Extractor = (layer: Layer) => FieldNode[] | undefined;

const node = (def: FieldDef, start: number, len: number, value: FieldNode['value']): FieldNode => ({ def, start, len, value });

/** IPv4 without options (20-byte header) and a sane total length: src and dst are plain fixed fields. */
function plainIp(l: Layer): IPv4Value | undefined {
  const v = l.value as IPv4Value;
  return v.version === 4 && v.hdr_len === 20 && !(v.len !== undefined && v.len !== 0 && v.len < 20) ? v : undefined;
}

/** Fields the -T fields fast path reads from values, by protocol name then field name. */
const EXTRACTORS: Readonly<Record<string, Readonly<Record<string, Extractor>>>> = {
  ip: {
    'ip.src': (l) => {
      const v = plainIp(l);
      if (!v) return undefined;
      return l.headerEnd >= l.start + 16 ? [node(ipTable.fields.src, l.start + 12, 4, v.src)] : [];
    },
    'ip.dst': (l) => {
      const v = plainIp(l);
      if (!v) return undefined;
      return l.headerEnd >= l.start + 20 ? [node(ipTable.fields.dst, l.start + 16, 4, v.dst)] : [];
    },
  },
  tcp: {
    'tcp.srcport': (l) => (l.headerEnd >= l.start + 2 ? [node(tcpTable.fields.srcport, l.start, 2, (l.value as TcpValue).srcport)] : []),
    'tcp.dstport': (l) => (l.headerEnd >= l.start + 4 ? [node(tcpTable.fields.dstport, l.start + 2, 2, (l.value as TcpValue).dstport)] : []),
  },
  udp: {
    'udp.srcport': (l) => (l.headerEnd >= l.start + 2 ? [node(udpTable.fields.srcport, l.start, 2, (l.value as UdpValue).srcport)] : []),
    'udp.dstport': (l) => (l.headerEnd >= l.start + 4 ? [node(udpTable.fields.dstport, l.start + 2, 2, (l.value as UdpValue).dstport)] : []),
  },
  dns: {
    // one node per question decoded, when the header is whole and counts a question (dnsTreeNodes)
    'dns.qry.name': (l) => {
      const v = l.value as DnsValue;
      const base = v.length !== undefined ? l.start + 2 : l.start;
      const limit = v.length !== undefined ? Math.min(l.headerEnd, base + v.length) : l.headerEnd;
      if (limit - base < HEADER_LEN || !v.qdcount) return [];
      const out: FieldNode[] = [];
      for (const q of v.questions) out.push(node(dnsTable.fields.qry_name, 0, 0, nameText(q.name)));
      return out;
    },
  },
};

/**
 * The occurrences of `names` in a frame, as `collect(frameTree(frame, prefs), names)` finds them (same fields, values
 * and order; what -T fields prints): only the parts of the tree that can hold the names are built (TREE_PREFIXES),
 * and fields with an extractor come from the decoded values (their nodes carry the field and value, not always the
 * byte range).
 */
export function collectFields(frame: Frame, prefs: Prefs, names: ReadonlySet<string>): Map<string, FieldNode[]> {
  const found = new Map<string, FieldNode[]>();
  let frameFields = false;
  let expert = false;
  for (const n of names) {
    if (n.startsWith('frame')) frameFields = true;
    if (n.startsWith('_ws')) expert = true;
  }
  if (frameFields) collectInto([frameNode(frame)], names, found);
  const layers = frame.layers;
  for (let i = 0; i < layers.length; i++) {
    const l = layers[i]!;
    const prefixes = TREE_PREFIXES[l.proto.name];
    if (prefixes && !mayHold(prefixes, names)) continue;
    const ex = prefixes ? EXTRACTORS[l.proto.name] : undefined;
    let done = false;
    if (ex) {
      // every name this layer may hold must have an extractor that knows the case
      const got: [string, FieldNode[]][] = [];
      done = true;
      for (const n of names) {
        let held = false;
        for (const p of prefixes!) if (n.startsWith(p)) held = true;
        if (!held) continue;
        const f = ex[n];
        const r = f ? f(l) : undefined;
        if (r === undefined) {
          done = false;
          break;
        }
        got.push([n, r]);
      }
      if (done) {
        for (const [n, r] of got) {
          if (!r.length) continue;
          const list = found.get(n);
          if (list) for (const x of r) list.push(x);
          else found.set(n, r);
        }
      }
    }
    if (!done) collectInto([layerNode(frame, prefs, i)], names, found);
  }
  if (expert) collectInto(expertNodes(frame), names, found);
  return found;
}

/**
 * One `-T fields` line for a frame. `names` is the set of `fields` (computed once by the caller). Only what can
 * hold those fields is built (collectFields; equal to collecting over the whole tree).
 */
export function fieldsRow(frame: Frame, prefs: Prefs, fields: readonly string[], names: ReadonlySet<string>, opts: FieldsOptions): string {
  const found = collectFields(frame, prefs, names);
  let line = '';
  for (let i = 0; i < fields.length; i++) {
    if (i) line += opts.separator;
    line += fieldCell(found.get(fields[i]!), opts);
  }
  return line;
}
