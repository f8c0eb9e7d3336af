/** The default output: one summary line per frame, laid out as tshark 4.0 prints them. */
import type { Frame } from '../dissect/frame.js';
import type { Prefs } from '../dissect/prefs.js';
import type { Layer, TreeContext } from '../protocols/types.js';
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

const ADDR_LAYERS = new Set(['ip', 'ipv6']);

function addr(layer: Layer, key: 'src' | 'dst'): string {
  const v = layer.value as Record<string, unknown>;
  const a = v[key];
  return typeof a === 'string' ? a : '';
}

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
  // Addresses: the first network layer (tshark keeps the outer IP's when an ICMP error quotes another); else link.
  let haveNet = false;
  for (let i = 0; i < layers.length; i++) {
    const l = layers[i]!;
    const ctx: TreeContext = { frame: frame.data, layers, index: i, prefs };
    if (ADDR_LAYERS.has(l.proto.name) && !haveNet) {
      source = addr(l, 'src');
      destination = addr(l, 'dst');
      haveNet = true;
    } else if (!haveNet && (l.proto.name === 'eth' || l.proto.name === 'arp')) {
      if (l.proto.name === 'eth' || !source) {
        source = addr(l, 'src');
        destination = addr(l, 'dst');
      }
    }
    if (l.proto.name !== 'data') protocol = l.proto.column?.(l, ctx) ?? l.proto.shortName ?? l.proto.name.toUpperCase();
    if (l.proto.summary) {
      const s = l.proto.summary(l, ctx);
      if (s) info = s;
    }
    if (l.quoting) break;
  }
  // tshark stops at the first exception and appends its marker to the Info column as it stood
  const marker = exceptionMarker(frame);
  if (marker) info += marker;
  return { number: frame.number, time: relTime(frame, decimals), source, destination, protocol, length: frame.record.origLen, info };
}

/** What tshark appends to the Info column when a dissector ran out of bytes: short capture or malformed packet. */
function exceptionMarker(frame: Frame): string {
  for (const p of frame.problems) {
    if (p.severity !== 'error') continue;
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
