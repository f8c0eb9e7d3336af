/**
 * `--encap`: the encapsulation figure of a networking course, drawn from a frame's layers. The innermost message
 * is at the top; each layer below it is drawn as its header followed by its payload (which is exactly the whole row
 * above it) and, where the layer has bytes after its payload (Ethernet padding, trailer, FCS), a trailer:
 *
 *                                   +-------------------+
 *                                   | DNS               |   dns   0x002a-0x004f
 *                                   | 38 bytes          |
 *                      +------------+-------------------+
 *                      | UDP header | UDP payload       |   udp   0x0022-0x004f
 *                      | 8 bytes    | 38 bytes          |
 *         +------------+------------+-------------------+
 *         | ...
 *
 * Generic: it reads only each layer's start, header end and PDU end (and the frame length).
 */
import type { Frame } from '../dissect/frame.js';
import { PLAIN } from './color.js';
import type { Palette } from './color.js';
import { rangeText } from './explain.js';

/** One row of the figure: a layer's parts, in bytes. */
export interface EncapRow {
  readonly name: string;
  readonly abbrev: string;
  readonly start: number;
  readonly header: number;
  /** Bytes of the payload (the row above), 0 for the innermost layer. */
  readonly payload: number;
  /** Bytes after the payload that still belong to this layer (padding, trailer, FCS). */
  readonly trailer: number;
  readonly end: number;
  /** True when the layer has an inner layer drawn above it. */
  readonly hasInner: boolean;
}

/** The rows of a frame, outermost first. Layers decoded from a reassembled buffer are left out. */
export function encapRows(frame: Frame): EncapRow[] {
  const layers = frame.layers.filter((l) => l.source === undefined);
  const rows: EncapRow[] = [];
  layers.forEach((l, i) => {
    const inner = layers[i + 1];
    // The outermost layer owns every captured byte (its FCS and trailer included).
    const end = i === 0 ? Math.max(l.end, frame.data.length) : l.end;
    const headerEnd = Math.min(l.headerEnd, end);
    const innerEnd = inner ? Math.min(Math.max(inner.end, headerEnd), end) : end;
    const short = l.proto.shortName ?? l.proto.name.toUpperCase();
    rows.push({
      name: short,
      abbrev: l.proto.name,
      start: l.start,
      header: headerEnd - l.start,
      payload: inner ? innerEnd - headerEnd : 0,
      trailer: inner ? end - innerEnd : 0,
      end,
      hasInner: !!inner,
    });
  });
  return rows;
}

const bytesText = (n: number): string => `${n} byte${n === 1 ? '' : 's'}`;

/** The figure's lines. */
export function encapFigure(frame: Frame, pal: Palette = PLAIN): string[] {
  const rows = encapRows(frame);
  const out: string[] = [
    pal.bold(`Frame ${frame.number}: ${frame.record.origLen} bytes on wire, ${frame.data.length} captured, ${rows.length} layer${rows.length === 1 ? '' : 's'}`),
  ];
  if (rows.length === 0) return out;
  const n = rows.length;
  // Cell labels (two lines each) and widths.
  const headLabel = rows.map((r) => (r.hasInner ? [`${r.name} header`, bytesText(r.header)] : [r.name, bytesText(r.header)]));
  const payLabel = rows.map((r) => [`${r.name} payload`, bytesText(r.payload)]);
  const trailLabel = rows.map((r) => ['trailer', bytesText(r.trailer)]);
  const w = (l: string[]): number => Math.max(...l.map((s) => s.length)) + 2;
  const hw = headLabel.map(w);
  const tw = rows.map((r, i) => (r.trailer > 0 ? w(trailLabel[i]!) : 0));
  // Widths of each row's interior span, innermost first; widen an inner header when a payload label needs room.
  const span = new Array<number>(n).fill(0);
  for (let i = n - 1; i >= 0; i--) {
    const inner = i + 1 < n ? span[i + 1]! : -1;
    if (i + 1 < n) {
      const need = w(payLabel[i]!);
      if (inner < need) {
        hw[i + 1] = hw[i + 1]! + (need - inner);
        span[i + 1] = need;
        // re-propagate the widening to nothing else: rows above i+1 keep their widths (they sit in its payload)
      }
    }
    span[i] = hw[i]! + (i + 1 < n ? 1 + span[i + 1]! : 0) + (tw[i]! ? 1 + tw[i]! : 0);
  }
  // Left border column of each row.
  const left = new Array<number>(n).fill(0);
  for (let i = 1; i < n; i++) left[i] = left[i - 1]! + hw[i - 1]! + 1;
  const right = rows.map((_, i) => left[i]! + span[i]! + 1);
  const borders = (i: number): number[] => {
    const b = [left[i]!, right[i]!];
    if (i + 1 < n) b.push(left[i + 1]!, right[i + 1]!);
    return b;
  };
  const total = Math.max(...right) + 1;
  const rule = (i: number, alsoAbove: boolean): string => {
    const c = new Array<string>(total).fill(' ');
    const lo = Math.min(left[i]!, alsoAbove && i + 1 < n ? left[i + 1]! : Infinity);
    for (let x = lo; x <= right[i]!; x++) c[x] = '-';
    for (const x of borders(i)) c[x] = '+';
    if (alsoAbove && i + 1 < n) for (const x of borders(i + 1)) c[x] = '+';
    return c.join('').trimEnd();
  };
  const content = (i: number, k: 0 | 1): string => {
    const c = new Array<string>(total).fill(' ');
    const put = (x: number, s: string): void => {
      for (let j = 0; j < s.length && x + j < total; j++) c[x + j] = s[j]!;
    };
    for (const x of borders(i)) c[x] = '|';
    put(left[i]! + 2, headLabel[i]![k]!);
    if (i + 1 < n) put(left[i + 1]! + 2, payLabel[i]![k]!);
    if (tw[i]) put(right[i]! - tw[i]! + 1, trailLabel[i]![k]!);
    return c.join('');
  };
  for (let i = n - 1; i >= 0; i--) {
    out.push(i === n - 1 ? rule(i, false) : rule(i, true));
    const r = rows[i]!;
    const note = `   ${r.abbrev.padEnd(Math.max(...rows.map((x) => x.abbrev.length)))}  ${rangeText(r.start, r.end)} (${bytesText(r.end - r.start)})`;
    out.push(pal.layer(i + 1, content(i, 0)) + pal.dim(note));
    out.push(pal.layer(i + 1, content(i, 1).trimEnd()));
  }
  out.push(rule(0, false));
  return out;
}
