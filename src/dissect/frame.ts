/** The `frame` pseudo-protocol: what tshark shows about a record before any layer. */
import { defineFields } from '../fields/types.js';
import type { FieldNode } from '../fields/types.js';
import type { CaptureRecord } from '../capture/types.js';
import type { Problem } from '../core/problem.js';
import type { Layer } from '../protocols/types.js';

export const frameTable = defineFields(
  { abbrev: 'frame', name: 'Frame', desc: 'One captured packet, as the capture file recorded it' },
  {
    interface_id: { abbrev: 'frame.interface_id', name: 'Interface id', type: 'UINT32', base: 'DEC', desc: 'Which capture interface saw the packet (pcapng)' },
    encap_type: { abbrev: 'frame.encap_type', name: 'Encapsulation type', type: 'INT16', base: 'DEC', desc: 'The link-layer type of the capture interface' },
    time: { abbrev: 'frame.time', name: 'Arrival Time', type: 'ABSOLUTE_TIME', desc: 'When the packet was captured' },
    time_epoch: { abbrev: 'frame.time_epoch', name: 'Epoch Time', type: 'RELATIVE_TIME', unit: ' seconds', desc: 'Capture time as seconds since 1970-01-01 00:00:00 UTC' },
    time_delta: { abbrev: 'frame.time_delta', name: 'Time delta from previous captured frame', type: 'RELATIVE_TIME', unit: ' seconds', desc: 'Time since the previous packet in the file' },
    time_delta_displayed: { abbrev: 'frame.time_delta_displayed', name: 'Time delta from previous displayed frame', type: 'RELATIVE_TIME', unit: ' seconds', desc: 'Time since the previous packet shown' },
    time_relative: { abbrev: 'frame.time_relative', name: 'Time since reference or first frame', type: 'RELATIVE_TIME', unit: ' seconds', desc: 'Time since the first packet in the file' },
    number: { abbrev: 'frame.number', name: 'Frame Number', type: 'UINT32', base: 'DEC', desc: 'Position of the packet in the file, from 1' },
    len: { abbrev: 'frame.len', name: 'Frame Length', type: 'UINT32', base: 'DEC', unit: ' bytes', desc: 'Bytes the packet had on the wire' },
    cap_len: { abbrev: 'frame.cap_len', name: 'Capture Length', type: 'UINT32', base: 'DEC', unit: ' bytes', desc: 'Bytes saved in the file (less than frame.len when cut by the snapshot length)' },
    marked: { abbrev: 'frame.marked', name: 'Frame is marked', type: 'BOOLEAN', desc: 'Marked by the user in Wireshark' },
    ignored: { abbrev: 'frame.ignored', name: 'Frame is ignored', type: 'BOOLEAN', desc: 'Ignored by the user in Wireshark' },
    protocols: { abbrev: 'frame.protocols', name: 'Protocols in frame', type: 'STRING', desc: 'The layers decoded, outermost first' },
    comment: { abbrev: 'frame.comment', name: 'Comment', type: 'STRING', desc: 'A comment stored with the packet (pcapng opt_comment)' },
    packet_flags: { abbrev: 'frame.packet_flags', name: 'Packet flags', type: 'UINT32', base: 'HEX', desc: 'pcapng EPB flags word' },
    packet_flags_direction: { abbrev: 'frame.packet_flags_direction', name: 'Direction', type: 'UINT32', base: 'HEX', bitmask: 0x3, strings: { 0: 'Unknown', 1: 'Inbound', 2: 'Outbound' }, desc: 'Inbound or outbound, as the capturing host saw it' },
  },
);

/** A decoded frame: its record, layers in order (outermost first) and problems. */
export interface Frame {
  /** frame.number, from 1. */
  readonly number: number;
  readonly record: CaptureRecord;
  /** The captured bytes (the record's view, or a reassembled copy for upper layers). */
  readonly data: Uint8Array;
  readonly layers: Layer[];
  readonly problems: Problem[];
  /** Time since the first frame and since the previous one, as [seconds, nanoseconds] (exact). */
  readonly relSec: number;
  readonly relNsec: number;
  readonly deltaSec: number;
  readonly deltaNsec: number;
  /** Reassembled datagrams or streams this frame's upper layers were decoded from, if any. */
  readonly sources?: readonly { readonly name: string; readonly data: Uint8Array }[];
}

/** `frame.protocols` as tshark writes it: `eth:ethertype:ip:udp:dns`. */
export function protocolsPath(frame: Frame): string {
  let s = '';
  let prev: Frame['layers'][number] | undefined;
  for (const l of frame.layers) {
    // Several PDUs of one protocol side by side (DNS messages in one TCP segment) are listed once, as tshark does;
    // one nested in the other (IP in IP) is listed twice.
    const sibling = prev !== undefined && prev.proto === l.proto && l.source === prev.source && l.start >= prev.end;
    if (!sibling) {
      s += s ? ':' + l.proto.name : l.proto.name;
      if (l.via) s += ':' + l.via;
    }
    prev = l;
  }
  return s;
}

/** Seconds with 9 decimals (`1234.000123000`), exact from integer seconds and nanoseconds. */
export function secText(sec: number, nsec: number): string {
  if (!Number.isFinite(sec) || !Number.isFinite(nsec)) return 'NaN';
  // Normalise to one sign: sec and nsec may differ in sign after a subtraction.
  let neg = false;
  let s = sec;
  let n = nsec;
  if (s < 0 || (s === 0 && n < 0)) {
    neg = true;
    s = -s;
    n = -n;
  }
  while (n < 0) {
    s -= 1;
    n += 1e9;
  }
  while (n >= 1e9) {
    s += 1;
    n -= 1e9;
  }
  return `${neg ? '-' : ''}${s}.${String(n).padStart(9, '0')}`;
}

/**
 * `secText` of the time (s1, n1) minus (s0, n0): exactly the text of the nanosecond difference computed on BigInts
 * (`nsText(BigInt(s1) * 10n ** 9n + BigInt(n1) - ...)`), without BigInts for the usual values (safe integers,
 * nanosecond parts less than a second apart; test/perf/time.test.ts).
 */
export function timeDiffText(s1: number, n1: number, s0: number, n0: number): string {
  const ds = s1 - s0;
  const dn = n1 - n0;
  if (Math.abs(s1) < 2 ** 50 && Math.abs(s0) < 2 ** 50 && Math.abs(dn) < 1e9 && Number.isInteger(ds) && Number.isInteger(dn)) return secText(ds, dn);
  const ns = (BigInt(s1) - BigInt(s0)) * 1_000_000_000n + BigInt(n1) - BigInt(n0);
  const neg = ns < 0n;
  const a = neg ? -ns : ns;
  return `${neg ? '-' : ''}${a / 1_000_000_000n}.${String(a % 1_000_000_000n).padStart(9, '0')}`;
}

/**
 * frame.time_delta_displayed when the command shows only some frames (-Y): the time since the previous displayed
 * frame (0 before the first), set by the command before the frame is filtered. Without an entry it is the time since
 * the previous captured frame (every frame is displayed).
 */
export const displayedDelta = new WeakMap<Frame, string>();

export function frameNodes(frame: Frame): FieldNode[] {
  const f = frameTable.fields;
  const r = frame.record;
  const len = frame.data.length;
  const nodes: FieldNode[] = [];
  const g = (def: (typeof f)[keyof typeof f], value: FieldNode['value'], text?: string): void => {
    nodes.push(text === undefined ? { def, start: 0, len: 0, value, generated: true } : { def, start: 0, len: 0, value, generated: true, text });
  };
  if (r.comments) for (const c of r.comments) g(f.comment, c);
  // tshark shows an interface only for pcapng packet blocks, and no time for blocks without one (SPB).
  const fromPcapng = r.source === undefined || r.source === 'epb' || r.source === 'spb' || r.source === 'pb';
  if (fromPcapng) g(f.interface_id, r.interfaceId);
  g(f.encap_type, r.linkType);
  if (r.hasTimestamp !== false) {
    const epoch = secText(r.tsSec, r.tsNsec);
    // frame.time carries the epoch text: filters compare it as a time, -T fields prints it as tshark's date.
    nodes.push({ def: f.time, start: 0, len: 0, value: epoch });
    g(f.time_epoch, epoch, `Epoch Time: ${epoch} seconds`);
  }
  g(f.time_delta, secText(frame.deltaSec, frame.deltaNsec));
  g(f.time_delta_displayed, displayedDelta.get(frame) ?? secText(frame.deltaSec, frame.deltaNsec));
  g(f.time_relative, secText(frame.relSec, frame.relNsec));
  g(f.number, frame.number);
  g(f.len, r.origLen);
  g(f.cap_len, len);
  g(f.marked, false);
  g(f.ignored, false);
  g(f.protocols, protocolsPath(frame));
  return nodes;
}
