/**
 * `-T json` and `-T ek` in tshark 4.0's shapes (epan/print.c write_json_proto_tree / write_ek_proto_tree), from the
 * same FieldNode trees as -V:
 *
 * - json: one object per packet (`_index`, `_type`, `_score`, `_source.layers`); each node is a member keyed by its
 *   filter name (text-only nodes by their label); a node with a value and children gives `name` then `name_tree`;
 *   repeated fields give repeated keys (tshark's default, no --no-duplicate-keys); `-x` adds `name_raw` arrays
 *   [hex, offset, length, bitmask, type]; `-j`/`-J` replace unlisted subtrees by `{"filtered": name}`.
 * - ek: a bulk `index` line and one line per packet; each protocol's fields are flattened into one object with
 *   member names `proto_field` (dots as underscores), repeats as arrays, booleans as true/false.
 */
import type { Frame } from '../dissect/frame.js';
import { protocolsPath } from '../dissect/frame.js';
import type { Prefs } from '../dissect/prefs.js';
import { toHex } from '../core/bytes.js';
import { fieldText } from '../fields/format.js';
import type { FieldDef, FieldNode, FieldType } from '../fields/types.js';
import { absoluteTimes, displayTree, ekTime, lineOf, topBytes, withExpertItems } from './text.js';
import type { InterfaceInfo } from './text.js';

// ---------------------------------------------------------------------------------------------------------------
// A tiny JSON model that allows repeated keys (tshark writes them) and prints like wsutil/json_dumper.

/** An object with ordered, possibly repeated members. */
export interface JObject {
  readonly members: [string, JValue][];
}
export type JValue = string | number | boolean | null | JObject | JValue[] | { readonly raw: string };

function obj(): JObject {
  return { members: [] };
}

function isObj(v: JValue): v is JObject {
  return typeof v === 'object' && v !== null && 'members' in v;
}

/** A JSON string as json_dumper writes it: `"` and `\` escaped, control characters as \b \t \n \f \r or \u00XX, `</` as `<\/`. */
export function jsonString(s: string, dotToUnderscore = false): string {
  let out = '"';
  for (let i = 0; i < s.length; i++) {
    const ch = s[i]!;
    const c = s.charCodeAt(i);
    if (c < 0x20) {
      out += c === 8 ? '\\b' : c === 9 ? '\\t' : c === 10 ? '\\n' : c === 12 ? '\\f' : c === 13 ? '\\r' : '\\u' + c.toString(16).padStart(4, '0');
    } else if (ch === '/' && i > 0 && s[i - 1] === '<') out += '\\/';
    else if (ch === '\\' || ch === '"') out += '\\' + ch;
    else if (dotToUnderscore && ch === '.') out += '_';
    else out += ch;
  }
  return out + '"';
}

function scalar(v: JValue): string {
  if (v === null) return 'null';
  if (typeof v === 'string') return jsonString(v);
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  if (!Array.isArray(v) && !isObj(v)) return v.raw;
  throw new Error('not a scalar');
}

/** Pretty-print with json_dumper's layout: 2 spaces per level, `"key": value`, one array element per line. */
export function prettyJson(v: JValue, indent: number, lines: string[], prefix: string, suffix: string): void {
  const pad = '  '.repeat(indent);
  if (isObj(v)) {
    if (v.members.length === 0) {
      lines.push(pad + prefix + '{}' + suffix);
      return;
    }
    lines.push(pad + prefix + '{');
    v.members.forEach(([k, m], i) => prettyJson(m, indent + 1, lines, jsonString(k) + ': ', i < v.members.length - 1 ? ',' : ''));
    lines.push(pad + '}' + suffix);
  } else if (Array.isArray(v)) {
    if (v.length === 0) {
      lines.push(pad + prefix + '[]' + suffix);
      return;
    }
    lines.push(pad + prefix + '[');
    v.forEach((m, i) => prettyJson(m, indent + 1, lines, '', i < v.length - 1 ? ',' : ''));
    lines.push(pad + ']' + suffix);
  } else lines.push(pad + prefix + scalar(v) + suffix);
}

/** Compact JSON (EK lines); `dotToUnderscore` applies to member names, as JSON_DUMPER_DOT_TO_UNDERSCORE does. */
export function compactJson(v: JValue, dotToUnderscore = false): string {
  if (isObj(v)) return '{' + v.members.map(([k, m]) => jsonString(k, dotToUnderscore) + ':' + compactJson(m, dotToUnderscore)).join(',') + '}';
  if (Array.isArray(v)) return '[' + v.map((m) => compactJson(m, dotToUnderscore)).join(',') + ']';
  return scalar(v);
}

// ---------------------------------------------------------------------------------------------------------------
// Field values as tshark's JSON writers print them.

/** Wireshark's ftenum numbers (TShark 4.0), the last element of a `_raw` array. */
const FT_NUMBER: Readonly<Record<FieldType, number>> = {
  NONE: 0, PROTOCOL: 1, BOOLEAN: 2, CHAR: 3, UINT8: 4, UINT16: 5, UINT24: 6, UINT32: 7, UINT40: 8, UINT48: 9,
  UINT64: 11, INT8: 12, INT16: 13, INT32: 15, INT64: 19, FLOAT: 22, DOUBLE: 23, ABSOLUTE_TIME: 24,
  RELATIVE_TIME: 25, STRING: 26, STRINGZ: 27, UINT_STRING: 28, ETHER: 29, BYTES: 30, UINT_BYTES: 31, IPv4: 32,
  IPv6: 33, FRAMENUM: 35, EUI64: 38,
};

export function ftNumber(t: FieldType): number {
  return FT_NUMBER[t];
}

/** True for nodes that only carry a label (tshark's text items): a protocol-typed node inside a subtree of the
 * same protocol (how protocol modules write `Queries`, `Options: ...`), or a NONE node named `text`. */
export function isTextOnly(node: FieldNode, level: number, enclosingProto: string | undefined): boolean {
  if (node.def.type === 'PROTOCOL') return level > 0 && node.def.abbrev === enclosingProto;
  return node.def.type === 'NONE' && node.def.abbrev === 'text';
}

/** The label tshark keys a text item by: its text, without the brackets of a generated item. */
export function textKey(node: FieldNode, data: Uint8Array): string {
  let l = node.text ?? lineOf(node, data);
  if (node.generated && l.startsWith('[') && l.endsWith(']')) l = l.slice(1, -1);
  return l;
}

/** A node's value as the JSON writers print it (fvalue_to_string_repr): -T fields text, bytes with `:`. */
export function jsonValue(def: FieldDef, value: FieldNode['value']): string | null {
  if (def.type === 'PROTOCOL' || def.type === 'NONE' || value === null) return null;
  if ((def.type === 'BYTES' || def.type === 'UINT_BYTES') && value instanceof Uint8Array) {
    return toHex(value, 0, value.length, ':');
  }
  return fieldText(def, value);
}

function hexOf(data: Uint8Array, start: number, len: number): string {
  if (start < 0 || start + len > data.length) return 'field length invalid!';
  return toHex(data, start, start + len);
}

/**
 * Fields wirelens reads with a bitmask that tshark registers without one (it adds them from the whole byte or word):
 * their `_raw` entry is the bytes, with bitmask 0.
 */
const REGISTERED_WITHOUT_MASK = new Set(['ip/ip.version', 'ip/ip.hdr_len', 'ipv6/ipv6.version', 'tcp/tcp.hdr_len', 'dns/dns.qry.class', 'dns/dns.resp.class']);

function unmasked(node: FieldNode, proto: string | undefined): boolean {
  return REGISTERED_WITHOUT_MASK.has(`${proto}/${node.def.abbrev}`);
}

/** The bitmask tshark registers for a node's field (the 4th element of `_raw`). */
function rawMask(node: FieldNode, proto: string | undefined): number {
  return unmasked(node, proto) ? 0 : node.def.bitmask ?? 0;
}

/** The hex part of a `_raw` entry: the field's value in hex for bit fields, else its bytes. */
function rawHex(node: FieldNode, data: Uint8Array, proto?: string): string {
  const mask = unmasked(node, proto) ? 0 : node.def.bitmask ?? node.bitmask ?? 0;
  if (mask !== 0) {
    const v = node.value;
    if (typeof v === 'number' || typeof v === 'bigint') return v.toString(16).toUpperCase();
    if (typeof v === 'boolean') return v ? '1' : '0';
  }
  return hexOf(data, node.start, node.len);
}

// ---------------------------------------------------------------------------------------------------------------
// -T json

export interface JsonOptions {
  /** -x: add the `_raw` members. */
  readonly hex?: boolean;
  /** -j / -J: the names whose subtrees are written; others become `{"filtered": name}`. */
  readonly filter?: ReadonlySet<string>;
  /** -J: once a name matches, write its whole subtree. */
  readonly includeChildren?: boolean;
  /**
   * The frame's protocols (frame.protocols): a protocol item of one of them inside a layer (an IPv6 extension header)
   * is written like a layer, as an object without a value; other protocol items (IP and TCP options) get their bytes.
   */
  readonly layerNames?: ReadonlySet<string>;
}

/** `packets-YYYY-MM-DD` from the packet's local date, as tshark names the index. */
export function indexName(frame: Frame): string {
  const d = new Date(frame.record.tsSec * 1000);
  if (!Number.isFinite(d.getTime())) return 'packets-XXXX-XX-XX';
  const two = (n: number): string => String(n).padStart(2, '0');
  return `packets-${d.getFullYear()}-${two(d.getMonth() + 1)}-${two(d.getDate())}`;
}

function jsonMembers(
  nodes: readonly FieldNode[],
  level: number,
  proto: string | undefined,
  data: Uint8Array,
  opts: JsonOptions,
  filter: ReadonlySet<string> | undefined,
): JObject {
  const out = obj();
  for (const n of nodes) {
    const textOnly = isTextOnly(n, level, proto);
    const key = textOnly ? textKey(n, data) : n.def.abbrev;
    const filtered = filter !== undefined && !filter.has(key);
    // a protocol item inside a layer (an IP or TCP option) has its bytes as value, like a BYTES field
    const nestedProto = level > 0 && !textOnly && n.def.type === 'PROTOCOL' && !LAYER_NODES.has(n) && !(opts.layerNames?.has(n.def.abbrev) ?? false);
    const value = textOnly ? null : nestedProto ? (n.len > 0 ? toHex(data, n.start, Math.min(data.length, n.start + n.len), ':') : null) : jsonValue(n.def, n.value);
    const hasValue = value !== null;
    const children = n.children ?? [];
    const innerProto = n.def.type === 'PROTOCOL' && !textOnly ? n.def.abbrev : proto;
    if (opts.hex && n.len > 0 && !textOnly) out.members.push([key + '_raw', [rawHex(n, data, proto), n.start, n.len, rawMask(n, proto), ftNumber(n.def.type)]]);
    if (hasValue) out.members.push([key, value]);
    if (children.length) {
      const k = hasValue ? key + '_tree' : key;
      if (filtered) out.members.push([k, { members: [['filtered', key]] }]);
      else out.members.push([k, jsonMembers(children, level + 1, innerProto, data, opts, opts.includeChildren ? undefined : filter)]);
    }
    if (!hasValue && !children.length) out.members.push([key, n.def.type === 'PROTOCOL' && !textOnly ? lineOf(n, data) : '']);
  }
  return out;
}

/** Protocols that hand their payload to the next dissector inside their own tree (tshark: the ICMP and ICMPv6
 * dissectors pass `icmp_tree` to the quoted IP datagram and to the echo data). */
const NESTING = new Set(['icmp', 'icmpv6']);
const QUOTED = new Set(['ip', 'ipv6', 'udp', 'tcp', 'icmp', 'icmpv6']);
/** Layer nodes nestedTree put inside another layer's node: objects like top-level layers, without a value. */
const LAYER_NODES = new WeakSet<FieldNode>();

/**
 * The top-level nodes as tshark's tree has them: the layers after an ICMP or ICMPv6 layer (a quoted datagram, echo
 * data) become its children, and its node covers the whole message. When ICMP read a timestamp from the echo data,
 * the data starts after it.
 */
export function nestedTree(frame: Frame, tree: readonly FieldNode[], bytes: readonly Uint8Array[]): { nodes: FieldNode[]; bytes: Uint8Array[] } {
  const layers = frame.layers;
  const at = layers.findIndex((l) => NESTING.has(l.proto.name));
  if (at < 0 || tree.length < layers.length + 1) return { nodes: [...tree], bytes: [...bytes] };
  const outer = layers[at]!;
  // the quoted datagram's network and transport layers, or the echo data; the application a quoted UDP or TCP
  // header leads to is dissected into the top-level tree again (tshark: `dns` after `icmp` in -T json)
  let last = at;
  while (last + 1 < layers.length && layers[last + 1]!.source === outer.source) {
    const name = layers[last + 1]!.proto.name;
    if (!(QUOTED.has(name) || (name === 'data' && last === at))) break;
    last++;
  }
  if (last === at) return { nodes: [...tree], bytes: [...bytes] };
  const node = tree[at + 1]!;
  let inner = tree.slice(at + 2, last + 2);
  const stamped = (node.children ?? []).some((c) => c.def.abbrev === 'icmp.data_time');
  if (stamped && inner[0]?.def.abbrev === 'data' && layers[at + 1]!.start === outer.headerEnd) inner = [skipData(inner[0], 8), ...inner.slice(1)];
  for (const n of inner) LAYER_NODES.add(n);
  const whole: FieldNode = { ...node, len: Math.max(node.len, outer.end - outer.start), children: [...(node.children ?? []), ...inner] };
  return { nodes: [...tree.slice(0, at + 1), whole, ...tree.slice(last + 2)], bytes: [...bytes.slice(0, at + 2), ...bytes.slice(last + 2)] };
}

/** A data node without its first `n` bytes (they were read as another field). */
function skipData(node: FieldNode, n: number): FieldNode {
  const cut = (c: FieldNode): FieldNode => {
    if (c.value instanceof Uint8Array) return { ...c, start: c.start + n, len: Math.max(0, c.len - n), value: c.value.subarray(n) };
    if (typeof c.value === 'number' && c.def.abbrev === 'data.len') return { ...c, value: c.value - n };
    return c;
  };
  return { ...node, start: node.start + n, len: Math.max(0, node.len - n), children: (node.children ?? []).map(cut) };
}

/** The JSON object of one packet (what tshark writes between the `[` `]` of -T json). */
export function packetJson(frame: Frame, prefs: Prefs, opts: JsonOptions = {}, iface?: InterfaceInfo): JObject {
  const full = withExpertItems(frame, displayTree(frame, prefs, iface));
  const { nodes: tree, bytes } = nestedTree(frame, full, topBytes(frame, full));
  const layers = obj();
  const o: JsonOptions = { ...opts, layerNames: new Set(protocolsPath(frame).split(':')) };
  tree.forEach((n, i) => {
    const m = jsonMembers([n], 0, undefined, bytes[i] ?? frame.data, o, o.filter);
    for (const e of m.members) layers.members.push(e);
  });
  return {
    members: [
      ['_index', indexName(frame)],
      ['_type', 'doc'],
      ['_score', null],
      ['_source', { members: [['layers', layers]] }],
    ],
  };
}

/**
 * Streaming -T json: `packet()` for each packet, `end()` after the last; both return lines to print. tshark prints
 * `[`, the packets separated by `,` (after the closing brace), then `]`; `[]` when there is no packet.
 */
export class JsonWriter {
  private count = 0;
  /** The last line of the previous packet, held until we know whether a comma follows it. */
  private pending = '';

  constructor(private readonly opts: JsonOptions = {}) {}

  packet(frame: Frame, prefs: Prefs, iface?: InterfaceInfo): string[] {
    const lines: string[] = [];
    prettyJson(packetJson(frame, prefs, this.opts, iface), 1, lines, '', '');
    const out = [this.count === 0 ? '[' : this.pending + ','];
    for (let i = 0; i < lines.length - 1; i++) out.push(lines[i]!);
    this.pending = lines[lines.length - 1]!;
    this.count++;
    return out;
  }

  end(): string[] {
    return this.count === 0 ? ['[]'] : [this.pending, ']'];
  }
}

/** The complete -T json text of a list of packets (lines). */
export function jsonDocument(packets: readonly JObject[]): string[] {
  if (packets.length === 0) return ['[]'];
  const lines: string[] = ['['];
  packets.forEach((p, i) => prettyJson(p, 1, lines, '', i < packets.length - 1 ? ',' : ''));
  lines.push(']');
  return lines;
}

// ---------------------------------------------------------------------------------------------------------------
// -T ek

function ekFilterMatch(filter: ReadonlySet<string>, abbrev: string): boolean {
  return filter.has(abbrev) || filter.has(abbrev.replace(/\./g, '_'));
}

interface EkAttr {
  /** Member name before dots become underscores: `ip_ip.src`, `text`. */
  name: string;
  nodes: FieldNode[];
  protos: (string | undefined)[];
}

interface EkState {
  readonly data: Uint8Array;
  readonly hex: boolean;
  filter: ReadonlySet<string> | undefined;
  readonly includeChildren: boolean;
}

/** ek_fill_attr: the node's descendants, flattened through non-protocol nodes, grouped by parent_field key. */
function ekFill(parent: FieldNode | undefined, nodes: readonly FieldNode[], level: number, proto: string | undefined, attrs: EkAttr[], byKey: Map<string, EkAttr>, st: EkState): void {
  for (const n of nodes) {
    const textOnly = isTextOnly(n, level, proto);
    const abbrev = textOnly ? 'text' : n.def.abbrev;
    const parentAbbrev = parent ? (isTextOnly(parent, level - 1, proto) ? 'text' : parent.def.abbrev) : undefined;
    const key = parentAbbrev === undefined ? abbrev : parentAbbrev + '_' + abbrev;
    let a = byKey.get(key);
    if (!a) {
      const isProto = n.def.type === 'PROTOCOL' && !textOnly;
      a = { name: isProto || textOnly || proto === undefined ? abbrev : proto + '_' + abbrev, nodes: [], protos: [] };
      byKey.set(key, a);
      attrs.push(a);
    }
    a.nodes.push(n);
    a.protos.push(proto);
    const isProtocol = n.def.type === 'PROTOCOL' && !textOnly;
    if (!isProtocol && n.children && n.children.length) {
      if (st.filter !== undefined) {
        if (ekFilterMatch(st.filter, n.def.abbrev)) {
          const saved = st.filter;
          if (st.includeChildren) st.filter = undefined;
          ekFill(n, n.children, level + 1, proto, attrs, byKey, st);
          st.filter = saved;
        }
      } else ekFill(n, n.children, level + 1, proto, attrs, byKey, st);
    }
  }
}

function ekValue(n: FieldNode, textOnly: boolean, st: EkState): JValue {
  if (textOnly) return textKey(n, st.data);
  switch (n.def.type) {
    case 'NONE':
      return null;
    case 'BOOLEAN':
      return !!n.value;
    case 'ABSOLUTE_TIME': {
      const t = absoluteTimes.get(n);
      if (t) return ekTime(t.sec, t.nsec);
      break;
    }
    default:
      break;
  }
  return jsonValue(n.def, n.value) ?? '';
}

function ekObject(nodes: readonly FieldNode[], level: number, proto: string | undefined, st: EkState): JObject {
  const attrs: EkAttr[] = [];
  ekFill(undefined, nodes, level, proto, attrs, new Map(), st);
  const out = obj();
  for (const a of attrs) {
    const first = a.nodes[0]!;
    const firstText = isTextOnly(first, level, proto);
    const many = a.nodes.length > 1;
    if (st.hex && first.len > 0 && !firstText) {
      const raws = a.nodes.map((n): JValue => rawHex(n, st.data));
      out.members.push([a.name + '_raw', many ? raws : raws[0]!]);
    }
    const values: JValue[] = a.nodes.map((n) => {
      const textOnly = isTextOnly(n, level, proto);
      if (n.def.type !== 'PROTOCOL' || textOnly) {
        if (st.filter !== undefined && !textOnly && !ekFilterMatch(st.filter, n.def.abbrev)) return { members: [['filtered', n.def.abbrev]] };
        return ekValue(n, textOnly, st);
      }
      if (st.filter !== undefined) {
        if (!ekFilterMatch(st.filter, n.def.abbrev)) return { members: [['filtered', n.def.abbrev]] };
        const saved = st.filter;
        if (st.includeChildren) st.filter = undefined;
        const o = ekObject(n.children ?? [], 1, n.def.abbrev, st);
        st.filter = saved;
        return o;
      }
      return ekObject(n.children ?? [], 1, n.def.abbrev, st);
    });
    out.members.push([a.name, many ? values : values[0]!]);
  }
  return out;
}

/** The two -T ek lines of a packet: the bulk `index` action and the document. */
export function packetEk(frame: Frame, prefs: Prefs, opts: JsonOptions = {}, iface?: InterfaceInfo): string[] {
  const tree = displayTree(frame, prefs, iface);
  const bytes = topBytes(frame, tree);
  const head: JObject = { members: [['index', { members: [['_index', indexName(frame)], ['_type', 'doc']] }]] };
  const layers = obj();
  tree.forEach((n, i) => {
    const st: EkState = { data: bytes[i] ?? frame.data, hex: !!opts.hex, filter: opts.filter, includeChildren: !!opts.includeChildren };
    for (const m of ekObject([n], 0, undefined, st).members) layers.members.push(m);
  });
  const r = frame.record;
  const ms = String(Math.floor(r.tsNsec / 1e6)).padStart(3, '0');
  const doc: JObject = { members: [['timestamp', { raw: `"${r.tsSec}${ms}"` }], ['layers', layers]] };
  return [compactJson(head, true), compactJson(doc, true)];
}
