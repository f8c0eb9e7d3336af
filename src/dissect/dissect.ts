/** The layer loop: a record in, a frame of decoded layers out. Streaming: state is per capture and bounded. */
import type { CaptureRecord } from '../capture/types.js';
import { problem } from '../core/problem.js';
import type { Problem } from '../core/problem.js';
import type { DecodeContext, Layer, Protocol } from '../protocols/types.js';
import { DEFAULT_PREFS } from './prefs.js';
import type { Prefs } from './prefs.js';
import type { Frame } from './frame.js';
import type { Registry } from './registry.js';

/** Upper bound on layers per frame (tunnels inside tunnels): beyond it the rest is data. */
export const MAX_LAYERS = 64;

export interface DissectorOptions {
  prefs?: Partial<Prefs>;
}

/** Per-capture dissection state: frame numbering, times, (later) reassembly and TCP stream tracking. */
export class Dissector {
  readonly prefs: Prefs;
  private count = 0;
  private firstSec = 0;
  private firstNsec = 0;
  private prevSec = 0;
  private prevNsec = 0;

  constructor(
    readonly registry: Registry,
    opts: DissectorOptions = {},
  ) {
    this.prefs = { ...DEFAULT_PREFS, ...opts.prefs };
  }

  dissect(record: CaptureRecord): Frame {
    const number = ++this.count;
    if (number === 1) {
      this.firstSec = this.prevSec = record.tsSec;
      this.firstNsec = this.prevNsec = record.tsNsec;
    }
    const [relSec, relNsec] = diff(record.tsSec, record.tsNsec, this.firstSec, this.firstNsec);
    const [deltaSec, deltaNsec] = diff(record.tsSec, record.tsNsec, this.prevSec, this.prevNsec);
    this.prevSec = record.tsSec;
    this.prevNsec = record.tsNsec;
    const data = record.data;
    const layers: Layer[] = [];
    const problems: Problem[] = [];
    const first = this.registry.lookup('linktype', record.linkType);
    if (first) {
      decodeChain(this.registry, first, data, 0, data.length, layers, problems, this.prefs, record.origLen, record.fcsLen ?? 0, false);
    } else if (data.length > 0) {
      problems.push(problem('frame', 'unsupported', 0, data.length, `link type ${record.linkType} is not supported`));
      decodeData(this.registry, data, 0, data.length, layers, problems, this.prefs, record.origLen);
    }
    return { number, record, data, layers, problems, relSec, relNsec, deltaSec, deltaNsec };
  }
}

function diff(s1: number, n1: number, s0: number, n0: number): [number, number] {
  let s = s1 - s0;
  let n = n1 - n0;
  if (n < 0 && s > 0) {
    s -= 1;
    n += 1e9;
  } else if (n > 0 && s < 0) {
    s += 1;
    n -= 1e9;
  }
  return [s, n];
}

function decodeData(
  registry: Registry,
  data: Uint8Array,
  start: number,
  end: number,
  layers: Layer[],
  problems: Problem[],
  prefs: Prefs,
  wireLen: number,
): void {
  const dataProto = registry.protocol('data');
  if (!dataProto || start >= end) return;
  const ctx: DecodeContext = { frame: data, layers, problems, prefs, wireLen, fcsLen: 0, inError: false };
  const r = dataProto.decode(data, start, end, ctx);
  layers.push({ proto: dataProto, start, headerEnd: r.headerEnd, end: r.end, value: r.value });
}

/**
 * Decode `proto` at [start, end) and whatever its payload dispatches to, appending layers. Exported so that
 * reassembly can decode a reassembled datagram's upper layers with the same loop.
 */
export function decodeChain(
  registry: Registry,
  proto: Protocol<any, any>,
  data: Uint8Array,
  start: number,
  end: number,
  layers: Layer[],
  problems: Problem[],
  prefs: Prefs,
  wireLen: number,
  fcsLen: number,
  inError: boolean,
): void {
  const chainStart = layers.length;
  let cur: Protocol<any, any> | undefined = proto;
  let ctx: DecodeContext = { frame: data, layers, problems, prefs, wireLen, fcsLen, inError };
  while (cur) {
    if (layers.length >= MAX_LAYERS) {
      problems.push(problem(cur.name, 'unsupported', start, end, `more than ${MAX_LAYERS} layers; the rest is data`));
      decodeData(registry, data, start, end, layers, problems, prefs, wireLen);
      break;
    }
    const r = cur.decode(data, start, end, ctx);
    const headerEnd = Math.min(Math.max(r.headerEnd, start), end);
    const pduEnd = Math.min(Math.max(r.end, headerEnd), end);
    layers.push({ proto: cur, start, headerEnd, end: pduEnd, value: r.value, ...(r.via ? { via: r.via } : {}) });
    if (r.quoting && !ctx.inError) ctx = { ...ctx, inError: true };
    let next: Protocol<any, any> | undefined;
    for (const cand of r.next ?? []) {
      next = registry.resolve(cand);
      if (next) break;
    }
    if (headerEnd >= pduEnd) break;
    if (!next) {
      decodeData(registry, data, headerEnd, pduEnd, layers, problems, prefs, wireLen);
      break;
    }
    cur = next;
    start = headerEnd;
    end = pduEnd;
  }
  // Let each layer see where its inner layers stopped (trailers, padding), innermost first.
  for (let i = layers.length - 1; i >= chainStart; i--) {
    const l = layers[i]!;
    if (!l.proto.complete) continue;
    const inner = layers[i + 1];
    const innerEnd = inner ? innerExtent(layers, i + 1) : l.headerEnd;
    const value = l.proto.complete(l, innerEnd, ctx);
    if (value !== l.value) layers[i] = { ...l, value };
  }
}

/** End of the bytes claimed by layer `i` and the layers after it (the furthest PDU end). */
function innerExtent(layers: readonly Layer[], i: number): number {
  return layers[i]!.end;
}
