/**
 * `-V` / `-O`: the packet details tree as tshark 4.0 prints it. Generic over FieldNode trees: protocol lines at
 * column 0, fields indented 4 spaces per level, bit fields drawn (`0100 .... = Version: 4`), generated fields in
 * `[...]`, hidden fields not shown. Also the Frame section (tshark's `frame` pseudo-protocol) with its Arrival Time in
 * the local time zone, which the inspectors share (text, JSON, EK, --explain).
 */
import { parseOptions } from '../capture/options.js';
import { arrivalTime, ekTime } from '../core/time.js';
import { readUint } from '../fields/compile.js';
import { displayedDelta, frameTable, protocolsPath, secText } from '../dissect/frame.js';
import type { Frame } from '../dissect/frame.js';
import type { Prefs } from '../dissect/prefs.js';
import { bitPattern, nodeLabel } from '../fields/format.js';
import { defineFields } from '../fields/types.js';
import type { FieldDef, FieldNode } from '../fields/types.js';
import { hexLines } from './hexdump.js';
import { frameTree } from './tree.js';
import { checksumExpert, LEVEL_NAMES } from './stats/expert.js';
import type { Level } from './stats/expert.js';
import { wsTable } from './expert.js';
import { registeredShortName } from './glossary.js';

/**
 * Frame fields tshark shows that src/dissect/frame.ts does not declare: declared once here (names from tshark's
 * glossary), listed by the glossary with the frame table.
 */
export const frameExtraTable = defineFields(
  { abbrev: 'frame', name: 'Frame', desc: 'One captured packet, as the capture file recorded it' },
  {
    offset_shift: { abbrev: 'frame.offset_shift', name: 'Time shift for this packet', type: 'RELATIVE_TIME', unit: ' seconds', desc: 'Time shift applied to the packet (wirelens never shifts: always 0)' },
    section_number: { abbrev: 'frame.section_number', name: 'Section number', type: 'UINT32', base: 'DEC', desc: 'Which pcapng section (counted from 1) holds the packet' },
    interface_name: { abbrev: 'frame.interface_name', name: 'Interface name', type: 'STRING', desc: 'Name of the capture interface (pcapng if_name)' },
    interface_description: { abbrev: 'frame.interface_description', name: 'Interface description', type: 'STRING', desc: 'Description of the capture interface (pcapng if_description)' },
    reception_type: { abbrev: 'frame.packet_flags_reception_type', name: 'Reception type', type: 'UINT32', base: 'DEC', bitmask: 0x1c, strings: { 0: 'Not specified', 1: 'Unicast', 2: 'Multicast', 3: 'Broadcast', 4: 'Promiscuous' }, desc: 'How the packet was addressed when received (pcapng EPB flags bits 2-4)' },
    fcs_length: { abbrev: 'frame.packet_flags_fcs_length', name: 'FCS length', type: 'UINT32', base: 'DEC', bitmask: 0x1e0, desc: 'Length of the frame check sequence, in bytes (EPB flags bits 5-8)' },
    flags_reserved: { abbrev: 'frame.packet_flags_reserved', name: 'Reserved', type: 'UINT32', base: 'DEC', bitmask: 0xfe00, desc: 'Reserved flag bits (9-15), zero' },
    crc_error: { abbrev: 'frame.packet_flags_crc_error', name: 'CRC error', type: 'BOOLEAN', bitmask: 0x1000000, width: 4, tfs: ['Set', 'Not set'], desc: 'The link layer saw a CRC error' },
    too_long: { abbrev: 'frame.packet_flags_packet_too_error', name: 'Packet too long error', type: 'BOOLEAN', bitmask: 0x2000000, width: 4, tfs: ['Set', 'Not set'], desc: 'The frame was longer than the link allows' },
    too_short: { abbrev: 'frame.packet_flags_packet_too_short_error', name: 'Packet too short error', type: 'BOOLEAN', bitmask: 0x4000000, width: 4, tfs: ['Set', 'Not set'], desc: 'The frame was shorter than the link allows' },
    gap: { abbrev: 'frame.packet_flags_wrong_inter_frame_gap_error', name: 'Wrong interframe gap error', type: 'BOOLEAN', bitmask: 0x8000000, width: 4, tfs: ['Set', 'Not set'], desc: 'The gap before the frame was wrong' },
    unaligned: { abbrev: 'frame.packet_flags_unaligned_frame_error', name: 'Unaligned frame error', type: 'BOOLEAN', bitmask: 0x10000000, width: 4, tfs: ['Set', 'Not set'], desc: 'The frame did not end on a byte boundary' },
    sfd: { abbrev: 'frame.packet_flags_start_frame_delimiter_error', name: 'Start frame delimiter error', type: 'BOOLEAN', bitmask: 0x20000000, width: 4, tfs: ['Set', 'Not set'], desc: 'The start frame delimiter was wrong' },
    preamble: { abbrev: 'frame.packet_flags_preamble_error', name: 'Preamble error', type: 'BOOLEAN', bitmask: 0x40000000, width: 4, tfs: ['Set', 'Not set'], desc: 'The preamble was wrong' },
    cb_pen: { abbrev: 'frame.cb_pen', name: 'Private Enterprise Number', type: 'UINT32', base: 'DEC', desc: 'Who defined a pcapng custom block (IANA Private Enterprise Number)' },
    cb_copy: { abbrev: 'frame.cb_copy', name: 'Copying', type: 'BOOLEAN', tfs: ['Allowed', 'Not allowed'], desc: 'Whether a tool rewriting the file may copy this custom block' },
    p2p_dir: { abbrev: 'frame.p2p_dir', name: 'Point-to-Point Direction', type: 'INT8', base: 'DEC', strings: { 0: 'Sent', 1: 'Received' }, desc: 'Whether the capturing host sent or received the packet (from the pcapng direction flag)' },
    drop_count: { abbrev: 'frame.drop_count', name: 'Drop Count', type: 'UINT64', base: 'DEC', desc: 'Packets lost between this one and the previous one on the same interface (pcapng epb_dropcount)' },
    symbol: { abbrev: 'frame.packet_flags_symbol_error', name: 'Symbol error', type: 'BOOLEAN', bitmask: 0x80000000, width: 4, tfs: ['Set', 'Not set'], desc: 'The link layer saw an invalid symbol' },
  },
);

/** What the capture file says about the interface a record came from (pcapng), for the Frame section. */
export interface InterfaceInfo {
  /** True for pcapng files: tshark then shows the section and interface lines. */
  readonly pcapng: boolean;
  readonly name?: string;
  readonly description?: string;
  /** Byte order of the record's pcapng section (to read its options, e.g. the drop count). */
  readonly littleEndian?: boolean;
}

/** LINKTYPE_ -> [Wireshark WTAP_ENCAP number, tshark's name] for the `Encapsulation type` line. */
const ENCAP: Readonly<Record<number, readonly [number, string]>> = {
  0: [15, 'NULL/Loopback'],
  1: [1, 'Ethernet'],
  8: [3, 'SLIP'],
  9: [4, 'PPP'],
  10: [6, 'FDDI with bit-swapped MAC addresses'],
  12: [7, 'Raw IP'],
  14: [7, 'Raw IP'],
  50: [4, 'PPP'],
  101: [7, 'Raw IP'],
  104: [28, 'Cisco HDLC'],
  105: [20, 'IEEE 802.11 Wireless LAN'],
  107: [26, 'Frame Relay'],
  108: [174, 'OpenBSD loopback'],
  113: [25, 'Linux cooked-mode capture v1'],
  123: [13, 'ATM PDUs'],
  127: [23, 'IEEE 802.11 plus radiotap radio header'],
  129: [9, 'Linux ARCNET'],
  140: [42, 'SS7 MTP2'],
  149: [47, 'USER 2'],
  160: [58, 'USER 13'],
  165: [63, 'BACnet MS/TP'],
  178: [83, 'Juniper Ethernet'],
  192: [97, 'Per-Packet Information header'],
  195: [104, 'IEEE 802.15.4 Wireless PAN'],
  226: [124, 'Solaris IPNET'],
  228: [129, 'Raw IPv4'],
  229: [130, 'Raw IPv6'],
  230: [127, 'IEEE 802.15.4 Wireless PAN with FCS not present'],
  231: [146, 'D-Bus'],
  239: [141, 'NFLOG'],
  242: [180, 'IP over IB'],
  258: [171, 'Apple PKTAP'],
  271: [185, 'Linux vsock'],
  276: [210, 'Linux cooked-mode capture v2'],
};

/** frame.encap_type as tshark numbers it (Wireshark's WTAP_ENCAP, not the LINKTYPE) and its display name. */
export function encapType(linkType: number): { value: number; name: string } {
  const e = ENCAP[linkType];
  return e ? { value: e[0], name: e[1] } : { value: linkType, name: 'Unknown' };
}

export { arrivalTime, ekTime };

/** Absolute times of the frame.time nodes built here (EK prints them in UTC, not as their text). */
export const absoluteTimes = new WeakMap<FieldNode, { sec: number; nsec: number }>();

/** The Frame section as tshark 4.0 shows it: label and children (the packet's record-level facts). */
/** `1 byte`, `2 bytes`: tshark's plural(). */
function bytesText(n: number): string {
  return `${n} byte${n === 1 ? '' : 's'}`;
}

/** IANA Private Enterprise Numbers tshark names in custom-block labels (the one the test files use). */
const PEN_NAMES: Readonly<Record<number, string>> = { 32473: 'Example Enterprise Number for Documentation Use' };

/** A pcapng custom block shown as a frame (tshark 4.0's `PCAPNG Custom Block N` section). */
function customBlockSection(frame: Frame): FieldNode {
  const f = frameTable.fields;
  const x = frameExtraTable.fields;
  const r = frame.record;
  const cap = frame.data.length;
  const pen = r.pen ?? 0;
  const copy = r.blockType !== 0x40000bad;
  const penText = `${PEN_NAMES[pen] ?? 'Unknown'} (${pen})`;
  const nodes: FieldNode[] = [
    { def: x.section_number, start: 0, len: 0, value: (r.sectionIndex ?? 0) + 1 },
    { def: f.number, start: 0, len: 0, value: frame.number },
    { def: f.len, start: 0, len: 0, value: r.origLen, text: `Frame Length: ${bytesText(r.origLen)} (${r.origLen * 8} bits)` },
    { def: f.cap_len, start: 0, len: 0, value: cap, text: `Capture Length: ${bytesText(cap)} (${cap * 8} bits)` },
    { def: f.marked, start: 0, len: 0, value: false, generated: true, text: '[Frame is marked: False]' },
    { def: f.ignored, start: 0, len: 0, value: false, generated: true, text: '[Frame is ignored: False]' },
    { def: x.cb_pen, start: 0, len: 0, value: pen, text: `Private Enterprise Number: ${penText}` },
    { def: x.cb_copy, start: 0, len: 0, value: copy },
    { def: f.protocols, start: 0, len: 0, value: protocolsPath(frame), generated: true, text: `[Protocols in frame: ${protocolsPath(frame)}]` },
  ];
  const label = `PCAPNG Custom Block ${frame.number}: ${bytesText(r.origLen)} (${r.origLen * 8} bits) of custom data and options, PEN ${penText}, copying ${copy ? 'allowed' : 'not allowed'}`;
  return { def: frameTable.proto, start: 0, len: cap, value: null, text: label, children: nodes };
}

export function frameSection(frame: Frame, iface?: InterfaceInfo): FieldNode {
  if (frame.record.source === 'custom') return customBlockSection(frame);
  const f = frameTable.fields;
  const x = frameExtraTable.fields;
  const r = frame.record;
  const cap = frame.data.length;
  const nodes: FieldNode[] = [];
  const pcapng = iface?.pcapng ?? (r.source === 'epb' || r.source === 'spb' || r.source === 'pb');
  if (pcapng) {
    nodes.push({ def: x.section_number, start: 0, len: 0, value: (r.sectionIndex ?? 0) + 1 });
    // tshark names an interface without if_name `unknown`.
    const name = iface?.name ?? 'unknown';
    const ifChildren: FieldNode[] = [{ def: x.interface_name, start: 0, len: 0, value: name }];
    if (iface?.description !== undefined) ifChildren.push({ def: x.interface_description, start: 0, len: 0, value: iface.description });
    nodes.push({ def: f.interface_id, start: 0, len: 0, value: r.interfaceId, text: `Interface id: ${r.interfaceId} (${name})`, children: ifChildren });
  }
  if (pcapng && r.flags !== undefined) nodes.push(packetFlagsNode(r.flags >>> 0));
  const enc = encapType(r.linkType);
  nodes.push({ def: f.encap_type, start: 0, len: 0, value: enc.value, text: `Encapsulation type: ${enc.name} (${enc.value})` });
  if (r.hasTimestamp !== false) {
    const at = arrivalTime(r.tsSec, r.tsNsec);
    const timeNode: FieldNode = { def: f.time, start: 0, len: 0, value: at, text: `Arrival Time: ${at}` };
    absoluteTimes.set(timeNode, { sec: r.tsSec, nsec: r.tsNsec });
    nodes.push(timeNode);
    nodes.push({ def: x.offset_shift, start: 0, len: 0, value: secText(0, 0), generated: true, text: `[Time shift for this packet: ${secText(0, 0)} seconds]` });
    const epoch = secText(r.tsSec, r.tsNsec);
    nodes.push({ def: f.time_epoch, start: 0, len: 0, value: epoch, text: `Epoch Time: ${epoch} seconds` });
    const rel = (def: typeof f.time_delta, t: string): void => {
      nodes.push({ def, start: 0, len: 0, value: t, generated: true, text: `[${def.name}: ${t} seconds]` });
    };
    rel(f.time_delta, secText(frame.deltaSec, frame.deltaNsec));
    rel(f.time_delta_displayed, displayedDelta.get(frame) ?? secText(frame.deltaSec, frame.deltaNsec));
    rel(f.time_relative, secText(frame.relSec, frame.relNsec));
  }
  nodes.push({ def: f.number, start: 0, len: 0, value: frame.number });
  nodes.push({ def: f.len, start: 0, len: 0, value: r.origLen, text: `Frame Length: ${bytesText(r.origLen)} (${r.origLen * 8} bits)` });
  nodes.push({ def: f.cap_len, start: 0, len: 0, value: cap, text: `Capture Length: ${bytesText(cap)} (${cap * 8} bits)` });
  const drops = pcapng && r.options && iface?.littleEndian !== undefined ? dropCount(r.options, iface.littleEndian) : undefined;
  if (drops !== undefined) nodes.push({ def: x.drop_count, start: 0, len: 0, value: drops });
  nodes.push({ def: f.marked, start: 0, len: 0, value: false, generated: true, text: '[Frame is marked: False]' });
  nodes.push({ def: f.ignored, start: 0, len: 0, value: false, generated: true, text: '[Frame is ignored: False]' });
  // the pcapng direction flag: tshark's point-to-point direction (1 received, 0 sent), and the label says which
  const direction = pcapng && r.flags !== undefined ? r.flags & 3 : 0;
  if (direction === 1 || direction === 2) nodes.push({ def: x.p2p_dir, start: 0, len: 0, value: direction === 1 ? 1 : 0 });
  nodes.push({ def: f.protocols, start: 0, len: 0, value: protocolsPath(frame), generated: true, text: `[Protocols in frame: ${protocolsPath(frame)}]` });
  let label = `Frame ${frame.number}: ${bytesText(r.origLen)} on wire (${r.origLen * 8} bits), ${bytesText(cap)} captured (${cap * 8} bits)`;
  if (pcapng) label += ` on interface ${iface?.name ?? 'unknown'}, id ${r.interfaceId}`;
  if (direction === 1) label += ' (inbound)';
  else if (direction === 2) label += ' (outbound)';
  return { def: frameTable.proto, start: 0, len: cap, value: null, text: label, children: nodes };
}

/** epb_dropcount (option 4, 64 bits) from a packet block's raw option bytes. */
function dropCount(options: Uint8Array, le: boolean): bigint | undefined {
  const dv = new DataView(options.buffer, options.byteOffset, options.byteLength);
  const parsed = parseOptions(options, dv, 0, options.length, le, false);
  const o = parsed.options.find((x) => x.code === 4 && x.value.length >= 8);
  if (!o) return undefined;
  return new DataView(o.value.buffer, o.value.byteOffset, 8).getBigUint64(0, le);
}

/** pcapng EPB flags (epb_flags) as tshark shows them: the word, then each part with its bits drawn. */
function packetFlagsNode(fl: number): FieldNode {
  const f = frameTable.fields;
  const x = frameExtraTable.fields;
  const part = (def: FieldDef, mask: number, value: number | boolean, shown: string): FieldNode => ({
    def,
    start: 0,
    len: 0,
    value,
    text: `${bitPattern(mask, 4, fl)}${def.name}: ${shown}`,
  });
  const dir = fl & 3;
  const rec = (fl >>> 2) & 7;
  const children: FieldNode[] = [
    part(f.packet_flags_direction, 0x3, dir, `${f.packet_flags_direction.strings?.[dir] ?? 'Unknown'} (0x${dir.toString(16)})`),
    part(x.reception_type, 0x1c, rec, `${x.reception_type.strings?.[rec] ?? 'Unknown'} (${rec})`),
    part(x.fcs_length, 0x1e0, (fl >>> 5) & 15, String((fl >>> 5) & 15)),
    part(x.flags_reserved, 0xfe00, (fl >>> 9) & 0x7f, String((fl >>> 9) & 0x7f)),
  ];
  for (const def of [x.crc_error, x.too_long, x.too_short, x.gap, x.unaligned, x.sfd, x.preamble, x.symbol]) {
    const set = ((fl & def.bitmask!) >>> 0) !== 0;
    children.push(part(def, def.bitmask!, set, set ? 'Set' : 'Not set'));
  }
  return { def: f.packet_flags, start: 0, len: 0, value: fl, text: `Packet flags: 0x${fl.toString(16).padStart(8, '0')}`, children };
}

/** The frame's tree as the inspectors show it: frameTree with tshark's Frame section in front. */
export function displayTree(frame: Frame, prefs: Prefs, iface?: InterfaceInfo): FieldNode[] {
  const tree = frameTree(frame, prefs);
  tree[0] = frameSection(frame, iface);
  return tree;
}

/** The big-endian value of a node's bytes, for drawing its bits (undefined when not captured or too wide). */
export function containerValue(node: FieldNode, data: Uint8Array): number | undefined {
  if (node.bitmask === undefined || node.len < 1 || node.len > 6 || node.start < 0 || node.start + node.len > data.length) return undefined;
  return readUint(data, node.start, node.len);
}

/** tshark's label length limit (ITEM_LABEL_LENGTH - 1 bytes); longer labels are cut and marked. */
const LABEL_MAX = 239;

function clip(label: string): string {
  if (label.length <= LABEL_MAX) return label;
  // tshark 4.0 (label_mark_truncated): `[truncated] ` in front, the label cut to fit.
  return '[truncated] ' + label.slice(0, LABEL_MAX - 12);
}

/** The -V line of a node, without indentation: label, bit drawing, `[...]` for generated fields. */
export function lineOf(node: FieldNode, data: Uint8Array): string {
  let label = nodeLabel(node, containerValue(node, data));
  if (node.generated && !label.startsWith('[')) label = `[${label}]`;
  return clip(label);
}

/** True for the node of the `data` pseudo-protocol (tshark dumps its bytes under -V without -x). */
export function isDataNode(node: FieldNode): boolean {
  return node.def.abbrev === 'data' && node.def.type === 'PROTOCOL';
}

export interface DetailOptions {
  /** -O: protocols shown expanded; others as their one line. Undefined: all expanded. */
  readonly only?: ReadonlySet<string>;
  /** -x is on too: `data` layers are not dumped inside the tree (the whole frame is dumped after it). */
  readonly hex?: boolean;
}

/**
 * The bytes each top-level node's offsets refer to: the frame for the Frame node and for layers decoded from the
 * captured bytes, the reassembled buffer (Frame.sources) for layers decoded from one. `tree` is a frameTree /
 * displayTree: the Frame node, one node per layer, then the expert indicators.
 */
export function topBytes(frame: Frame, tree: readonly FieldNode[]): Uint8Array[] {
  return tree.map((_, i) => {
    const layer = i > 0 ? frame.layers[i - 1] : undefined;
    if (!layer || layer.source === undefined) return frame.data;
    return frame.sources?.[layer.source]?.data ?? frame.data;
  });
}

/** The detail lines of a frame's tree (no trailing blank line). `bytes[i]`: the bytes of top-level node i. */
export function detailLines(tree: readonly FieldNode[], bytes: readonly Uint8Array[], opts: DetailOptions = {}): string[] {
  const out: string[] = [];
  const visit = (nodes: readonly FieldNode[], level: number, data: Uint8Array): void => {
    for (const n of nodes) {
      if (n.hidden) continue;
      out.push('    '.repeat(level) + lineOf(n, data));
      if (level === 0 && opts.only && !opts.only.has(n.def.abbrev)) continue;
      if (isDataNode(n) && !opts.hex && n.len > 0) {
        out.push('');
        for (const l of hexLines(data, n.start, Math.min(data.length, n.start + n.len))) out.push(l);
      }
      if (n.children && n.children.length) visit(n.children, level + 1, data);
    }
  };
  tree.forEach((n, i) => visit([n], 0, bytes[i] ?? bytes[0] ?? new Uint8Array(0)));
  return out;
}

/** The fields of tshark's expert items (`_ws.expert`): the message is hidden in the tree. */
export const expertItemTable = defineFields(
  { abbrev: '_ws.expert', name: 'Expert Info', desc: 'Problems found while decoding' },
  {
    message: { abbrev: '_ws.expert.message', name: 'Message', type: 'STRING', desc: 'What the expert item says' },
    severity: { abbrev: '_ws.expert.severity', name: 'Severity level', type: 'UINT32', base: 'NONE', desc: 'How bad it is: Error, Warning, Note, Chat, Comment' },
    group: { abbrev: '_ws.expert.group', name: 'Group', type: 'UINT32', base: 'NONE', desc: 'What kind of item it is: Checksum, Malformed, Sequence...' },
  },
);

/** tshark's severity and group codes (epan/proto.h PI_*), the values of the severity and group fields. */
const SEVERITY_CODES: Readonly<Record<Level, number>> = { comment: 0x00100000, chat: 0x00200000, note: 0x00400000, warn: 0x00600000, error: 0x00800000 };
const GROUP_CHECKSUM = 0x01000000;

/**
 * The expert items tshark puts in the tree that wirelens has a counterpart for: a bad checksum, as a child of the
 * checksum field (`[Expert Info (Error/Checksum): Bad checksum [should be 0x7cca]]` and its three lines).
 */
export function withExpertItems(frame: Frame, tree: readonly FieldNode[]): FieldNode[] {
  const out = [...tree];
  for (const p of frame.problems) {
    if (p.code !== 'bad-checksum' || p.field === undefined) continue;
    const e = checksumExpert(p);
    const title = `Expert Info (${LEVEL_NAMES[e.level]}/Checksum): ${e.summary}`;
    const bad: FieldDef = { abbrev: `${p.layer}.checksum_bad.expert`, name: 'Bad checksum', type: 'NONE', desc: 'The checksum does not match the bytes it covers' };
    const x = expertItemTable.fields;
    const item: FieldNode = {
      def: expertItemTable.proto,
      start: p.start,
      len: 0,
      value: null,
      generated: true,
      text: `[${title}]`,
      children: [
        { def: bad, start: p.start, len: 0, value: null, generated: true, text: `[${e.summary}]` },
        { def: x.message, start: p.start, len: 0, value: e.summary, generated: true, hidden: true },
        { def: x.severity, start: p.start, len: 0, value: SEVERITY_CODES[e.level], generated: true, text: `[Severity level: ${LEVEL_NAMES[e.level]}]` },
        { def: x.group, start: p.start, len: 0, value: GROUP_CHECKSUM, generated: true, text: '[Group: Checksum]' },
      ],
    };
    // the checksum field of the layer that found it (in the bytes the layer was decoded from)
    const attach = (n: FieldNode): FieldNode | undefined => {
      if (n.def.abbrev === p.field && n.start === p.start) return { ...n, children: [item, ...(n.children ?? [])] };
      for (const [i, c] of (n.children ?? []).entries()) {
        const changed = attach(c);
        if (changed) return { ...n, children: n.children!.map((o, j) => (j === i ? changed : o)) };
      }
      return undefined;
    };
    frame.layers.forEach((l, i) => {
      const top = out[i + 1];
      if (!top || l.proto.name !== p.layer || (l.source ?? undefined) !== (p.source ?? undefined)) return;
      const changed = attach(top);
      if (changed) out[i + 1] = changed;
    });
  }
  return out;
}

/** tshark's `pkt_comment` protocol: the packet's comments, shown before the Frame section. */
const pktCommentProto: FieldDef = { abbrev: 'pkt_comment', name: 'Packet comments', type: 'PROTOCOL', desc: 'The comments stored with the packet (pcapng opt_comment)' };
const commentExpertDef: FieldDef = { abbrev: 'frame.comment.expert', name: 'Formatted comment', type: 'NONE', desc: 'A packet comment as an expert item' };
const malformedExpertDef: FieldDef = { abbrev: '_ws.malformed.expert', name: 'Malformed Packet (Exception occurred)', type: 'NONE', desc: 'Decoding stopped on bytes that cannot be right' };

/** An expert item node as tshark draws it: `[Expert Info (Severity/Group): summary]` and its three lines. */
function expertNode(level: Level, group: string, groupCode: number, summary: string, own: FieldDef, start: number): FieldNode {
  const x = expertItemTable.fields;
  return {
    def: expertItemTable.proto,
    start,
    len: 0,
    value: null,
    generated: true,
    text: `[Expert Info (${LEVEL_NAMES[level]}/${group}): ${summary}]`,
    children: [
      { def: own, start, len: 0, value: null, generated: true, text: `[${summary}]` },
      { def: x.message, start, len: 0, value: summary, generated: true, hidden: true },
      { def: x.severity, start, len: 0, value: SEVERITY_CODES[level], generated: true, text: `[Severity level: ${LEVEL_NAMES[level]}]` },
      { def: x.group, start, len: 0, value: groupCode, generated: true, text: `[Group: ${group}]` },
    ],
  };
}

const GROUP_COMMENT = 0x0b000000;
const GROUP_MALFORMED = 0x07000000;

/** The whole -V text of one frame (lines, without the blank line tshark prints after each packet). */
export function frameDetail(frame: Frame, prefs: Prefs, opts: DetailOptions = {}, iface?: InterfaceInfo): string[] {
  const tree = withExpertItems(frame, displayTree(frame, prefs, iface));
  const bytes = topBytes(frame, tree);
  // tshark: the malformed marker names the protocol by its registered short name and carries its expert item
  const m = tree.findIndex((n) => n.def === wsTable.fields.malformed);
  const malformed = tree[m];
  if (malformed) {
    const last = frame.layers[frame.layers.length - 1];
    const name = last ? registeredShortName(last.proto.name) : undefined;
    tree[m] = {
      ...malformed,
      ...(name !== undefined ? { text: `[Malformed Packet: ${name}]` } : {}),
      children: [expertNode('error', 'Malformed', GROUP_MALFORMED, 'Malformed Packet (Exception occurred)', malformedExpertDef, 0), ...(malformed.children ?? [])],
    };
  }
  // tshark: a packet's comments come first, as their own section, each with its expert item
  const comments = frame.record.comments ?? [];
  if (comments.length) {
    const f = frameTable.fields;
    tree.unshift({
      def: pktCommentProto,
      start: 0,
      len: 0,
      value: null,
      text: 'Packet comments',
      children: comments.map((c) => ({ def: f.comment, start: 0, len: 0, value: c, text: c, children: [expertNode('comment', 'Comment', GROUP_COMMENT, c, commentExpertDef, 0)] })),
    });
    bytes.unshift(frame.data);
  }
  return detailLines(tree, bytes, opts);
}
