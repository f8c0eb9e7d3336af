/** The default output: one summary line per frame, laid out as tshark 4.0 prints them. */
import type { Frame } from '../dissect/frame.js';
import type { Prefs } from '../dissect/prefs.js';
import type { Layer, TreeContext } from '../protocols/types.js';
import type { Problem } from '../core/problem.js';
import { isShortProblem } from './expert.js';

export interface SummaryColumns {
  number: number;
  time: string;
  source: string;
  destination: string;
  protocol: string;
  length: number;
  info: string;
}

/** Link layers whose header addresses become the Source/Destination columns (until a network layer replaces them). */
const LINK_ADDR_LAYERS = new Set(['eth', 'fddi']);

function str(v: unknown): string | undefined {
  return typeof v === 'string' ? v : undefined;
}

/** PENs of pcapng custom blocks, as tshark names them. */
const PENS: Readonly<Record<number, string>> = {
  32473: 'Example Enterprise Number for Documentation Use',
  36724: 'Kaplan Research and Application Prototyping',
};

/** Seconds with as many decimals as the capture's time resolution (6 for µs, 9 for ns). */
export function relTime(frame: Frame, decimals: number): string {
  const neg = frame.relSec < 0 || frame.relNsec < 0;
  let s = Math.abs(frame.relSec);
  let n = Math.abs(frame.relNsec);
  const unit = 10 ** (9 - decimals);
  n = Math.floor(n / unit);
  if (n >= 10 ** decimals) {
    s += 1;
    n -= 10 ** decimals;
  }
  return (neg ? '-' : '') + (decimals ? `${s}.${String(n).padStart(decimals, '0')}` : `${s}`);
}

export function summaryColumns(frame: Frame, prefs: Prefs, decimals: number): SummaryColumns {
  let source = '';
  let destination = '';
  let protocol = '';
  let info = '';
  const layers = frame.layers;
  const rec = frame.record;
  const time = rec.hasTimestamp === false ? '' : relTime(frame, decimals);
  if (rec.blockType !== undefined) {
    // a pcapng custom block, which tshark shows as a frame of its PCAPNG dissector
    const pen = rec.pen ?? 0;
    const copied = (rec.blockType & 0x40000000) === 0 ? 'will be copied' : 'will not be copied';
    return { number: frame.number, time, source, destination, protocol: 'PCAPNG', length: rec.origLen, info: `Custom Block: PEN = ${PENS[pen] ?? 'Unknown'} (${pen}), ${copied}` };
  }
  // text in front of the Info column that upper layers keep (TCP analysis flags)
  let fence = '';
  // Addresses: tshark's pinfo->src/dst, set by each link and network layer in turn (the innermost wins), but not by
  // a datagram quoted inside an ICMP error.
  for (let i = 0; i < layers.length; i++) {
    const l = layers[i]!;
    const ctx: TreeContext = { frame: frame.data, layers, index: i, prefs };
    const name = l.proto.name;
    if (name === 'ip' || name === 'ipv6') {
      const a = l.proto.addresses ? l.proto.addresses(l) : (l.value as { src?: unknown; dst?: unknown });
      // a header cut short: tshark sets the source, then stops before the destination
      const src = str(a.src);
      const dst = str(a.dst);
      if (src !== undefined) source = src;
      if (src !== undefined && dst !== undefined) destination = dst;
    } else if (LINK_ADDR_LAYERS.has(name)) {
      const v = l.value as { src?: unknown; dst?: unknown };
      source = str(v.src) ?? source;
      destination = str(v.dst) ?? destination;
    } else if (name === 'sll') {
      // Linux cooked capture knows only the sender: a MAC (6 bytes) or IPv4 (4 bytes) address
      const v = l.value as { halen?: unknown; src?: unknown };
      if ((v.halen === 6 || v.halen === 4) && typeof v.src === 'string') source = v.src;
    } else if (l.proto.shortName === 'N/A' && i === 0) {
      // raw IP and BSD loopback: tshark writes N/A in both columns until a network layer sets them
      source = destination = 'N/A';
    }
    if (name !== 'data') protocol = l.proto.column?.(l, ctx) ?? l.proto.shortName ?? name.toUpperCase();
    if (l.proto.summary) {
      const s = l.proto.summary(l, ctx);
      if (s) info = fence + s;
    }
    const p = l.proto.infoPrefix?.(l, ctx);
    if (p) {
      fence = p + fence;
      info = p + info;
    }
    if (l.quoting) break;
  }
  // tshark stops at the first exception and appends its marker to the Info column as it stood
  const marker = exceptionMarker(frame);
  if (marker) info += marker;
  return { number: frame.number, time, source, destination, protocol, length: rec.origLen, info };
}

/**
 * Whether tshark stops dissecting at this problem (an exception) rather than noting it and going on (expert info):
 * running out of bytes; a DHCP option too short for its value; an IP version nibble raw IP cannot dispatch on.
 */
function isException(p: Problem): boolean {
  return p.code === 'truncated' || (p.code === 'bad-length' && p.layer === 'dhcp') || (p.code === 'bad-value' && p.layer === 'raw');
}

/**
 * What tshark appends to the Info column when a dissector ran out of bytes: short capture, malformed packet, or the end
 * of a fragment not reassembled (tshark 4.0 writes that one as `[BoundErrorUnreassembled Packet]`).
 */
function exceptionMarker(frame: Frame): string {
  for (const p of frame.problems) {
    if (p.severity !== 'error' || !isException(p)) continue;
    if (p.limitedBy === 'ip.frag_offset') return '[BoundErrorUnreassembled Packet]';
    return isShortProblem(frame, p) ? '[Packet size limited during capture]' : '[Malformed Packet]';
  }
  return '';
}

/** `    1   0.000000 192.168.43.9 → 192.168.43.1 DNS 80 Standard query ...` */
export function summaryLine(c: SummaryColumns): string {
  const num = String(c.number).padStart(5);
  const time = c.time.padStart(10);
  const src = c.source.padStart(12);
  const dst = c.destination.padEnd(12);
  return `${num} ${time} ${src} → ${dst} ${c.protocol} ${c.length} ${c.info}`;
}
