/** The layer loop: a record in, a frame of decoded layers out. Streaming: state is per capture and bounded. */
import type { CaptureRecord } from '../capture/types.js';
import { problem } from '../core/problem.js';
import type { Problem } from '../core/problem.js';
import type { DecodeContext, FragmentInfo, Layer, Protocol } from '../protocols/types.js';
import { DEFAULT_PREFS } from './prefs.js';
import type { Prefs } from './prefs.js';
import type { Frame } from './frame.js';
import type { Registry } from './registry.js';
import { DEFAULT_REASSEMBLY_LIMITS, Reassembler } from './reassembly.js';
import type { ReassemblyLimits } from './reassembly.js';
import { DEFAULT_STREAM_LIMITS, StreamReassembler } from './tcp-reassembly.js';
import type { StreamLimits } from './tcp-reassembly.js';
import type { PrefName } from './prefs.js';

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

/** Upper bound on layers per frame (tunnels inside tunnels): beyond it the rest is data. */
export const MAX_LAYERS = 64;

export interface DissectorOptions {
  prefs?: Partial<Prefs>;
  reassembly?: Partial<ReassemblyLimits>;
  /** Bounds of TCP stream reassembly (src/dissect/tcp-reassembly.ts). */
  streams?: Partial<StreamLimits>;
}

/** What one decoding pass over a frame shares. */
interface Chain {
  readonly registry: Registry;
  readonly prefs: Prefs;
  readonly layers: Layer[];
  readonly problems: Problem[];
  readonly wireLen: number;
  readonly fcsLen: number;
  readonly sources: { name: string; data: Uint8Array }[];
  /** Called for a fragment when its reassembly preference is on: the datagram when complete, else undefined. */
  readonly fragment?: (f: FragmentInfo, bytes: Uint8Array, at: { start: number; end: number; source: number | undefined }) => Uint8Array | undefined;
  /** Stream reassembly state and the frame's number and time (for TCP desegmentation). */
  readonly streams?: StreamReassembler;
  readonly number?: number;
  readonly tsSec?: number;
}

/** Per-capture dissection state: frame numbering, times, reassembly and per-protocol tracking. */
export class Dissector {
  readonly prefs: Prefs;
  private count = 0;
  private firstSec = 0;
  private firstNsec = 0;
  private prevSec = 0;
  private prevNsec = 0;
  readonly reassembler: Reassembler;
  readonly streams: StreamReassembler;
  private readonly states = new Map<Protocol<any, any>, unknown>();

  constructor(
    readonly registry: Registry,
    opts: DissectorOptions = {},
  ) {
    this.prefs = { ...DEFAULT_PREFS, ...opts.prefs };
    this.reassembler = new Reassembler({ ...DEFAULT_REASSEMBLY_LIMITS, ...opts.reassembly });
    this.streams = new StreamReassembler({ ...DEFAULT_STREAM_LIMITS, ...opts.streams });
  }

  dissect(record: CaptureRecord): Frame {
    const number = ++this.count;
    if (number === 1) {
      this.firstSec = this.prevSec = record.tsSec;
      this.firstNsec = this.prevNsec = record.tsNsec;
    }
    let relSec = record.tsSec - this.firstSec;
    let relNsec = record.tsNsec - this.firstNsec;
    if (relNsec < 0 && relSec > 0) {
      relSec -= 1;
      relNsec += 1e9;
    } else if (relNsec > 0 && relSec < 0) {
      relSec += 1;
      relNsec -= 1e9;
    }
    let deltaSec = record.tsSec - this.prevSec;
    let deltaNsec = record.tsNsec - this.prevNsec;
    if (deltaNsec < 0 && deltaSec > 0) {
      deltaSec -= 1;
      deltaNsec += 1e9;
    } else if (deltaNsec > 0 && deltaSec < 0) {
      deltaSec += 1;
      deltaNsec -= 1e9;
    }
    this.prevSec = record.tsSec;
    this.prevNsec = record.tsNsec;
    const data = record.data;
    const chain: Chain = {
      registry: this.registry,
      prefs: this.prefs,
      layers: [],
      problems: [],
      wireLen: record.origLen,
      fcsLen: record.fcsLen ?? 0,
      sources: [],
      streams: this.streams,
      number,
      tsSec: record.tsSec,
      fragment: (f, bytes, at) => {
        const evictedBefore = this.reassembler.evicted;
        const r = this.reassembler.add(f.key, f.offset, f.more, bytes, number, record.tsSec);
        if (this.reassembler.evicted > evictedBefore) {
          chain.problems.push(
            problem('frame', 'reassembly-limit', at.start, at.end, `reassembly limits reached: ${this.reassembler.evicted - evictedBefore} incomplete datagram(s) dropped`, at.source === undefined ? {} : { source: at.source }),
          );
        }
        if (r.status === 'dropped') {
          chain.problems.push(problem('frame', 'reassembly-limit', at.start, at.end, `fragment not reassembled: ${r.reason}`, at.source === undefined ? {} : { source: at.source }));
          return undefined;
        }
        return r.status === 'complete' ? r.data : undefined;
      },
    };
    const first = this.registry.lookup('linktype', record.linkType);
    if (first) decodeChain(chain, first, data, 0, data.length, false, undefined);
    else if (data.length > 0) {
      // Not an error of the packet: wirelens has no decoder for it (pcapng custom blocks, -1, are plain data).
      if (record.linkType >= 0) chain.problems.push({ ...problem('frame', 'unsupported', 0, data.length, `link type ${record.linkType} is not supported`), severity: 'note' });
      decodeData(chain, data, 0, data.length, undefined);
    }
    const frame: { -readonly [K in keyof Frame]: Frame[K] } = { number, record, data, layers: chain.layers, problems: chain.problems, relSec, relNsec, deltaSec, deltaNsec };
    if (chain.sources.length) frame.sources = chain.sources;
    this.track(frame);
    return frame;
  }

  /** Per-protocol state across frames (TCP streams...): each stateful protocol annotates its layers. */
  private track(frame: Frame): void {
    const layers = frame.layers;
    for (let i = 0; i < layers.length; i++) {
      const l = layers[i]!;
      const st = l.proto.stateful;
      if (!st) continue;
      let state = this.states.get(l.proto);
      if (state === undefined) this.states.set(l.proto, (state = st.create()));
      const notes = st.track(state, l, frame);
      // The layer was made by this call and nothing else holds it yet: its notes are set in place.
      if (notes) (l as { notes?: Record<string, unknown> }).notes = l.notes ? { ...l.notes, ...notes } : notes;
    }
  }
}

function decodeData(chain: Chain, data: Uint8Array, start: number, end: number, source: number | undefined): void {
  const dataProto = chain.registry.protocol('data');
  if (!dataProto || start >= end) return;
  const ctx: DecodeContext = { frame: data, layers: chain.layers, problems: chain.problems, prefs: chain.prefs, wireLen: chain.wireLen, fcsLen: 0, inError: false };
  const r = dataProto.decode(data, start, end, ctx);
  const layer: Mutable<Layer> = { proto: dataProto, start, headerEnd: r.headerEnd, end: r.end, value: r.value, bytes: data };
  if (source !== undefined) layer.source = source;
  chain.layers.push(layer);
}

/**
 * Decode `proto` at [start, end) of `data` and whatever its payload dispatches to, appending layers.
 * `source` says which buffer `data` is (undefined: the captured frame).
 */
function decodeChain(
  chain: Chain,
  proto: Protocol<any, any>,
  data: Uint8Array,
  start: number,
  end: number,
  inError: boolean,
  source: number | undefined,
): void {
  const { layers, registry } = chain;
  const chainStart = layers.length;
  const firstProblem = chain.problems.length;
  let cur: Protocol<any, any> | undefined = proto;
  // A reassembled buffer is not cut by the snaplen: its whole length is "on the wire".
  const wireLen = source === undefined ? chain.wireLen : data.length;
  let ctx: DecodeContext = { frame: data, layers, problems: chain.problems, prefs: chain.prefs, wireLen, fcsLen: source === undefined ? chain.fcsLen : 0, inError };
  while (cur) {
    if (layers.length >= MAX_LAYERS) {
      chain.problems.push(problem(cur.name, 'unsupported', start, end, `more than ${MAX_LAYERS} layers; the rest is data`));
      decodeData(chain, data, start, end, source);
      break;
    }
    const before = chain.problems.length;
    const r = cur.decode(data, start, end, ctx);
    // A datagram quoted by an ICMP error is cut short on purpose: running out of bytes there is a note, not damage.
    if (ctx.inError) {
      for (let i = before; i < chain.problems.length; i++) {
        const p = chain.problems[i]!;
        if (p.code === 'truncated' && p.severity === 'error') chain.problems[i] = { ...p, severity: 'note' };
      }
    }
    const headerEnd = Math.min(Math.max(r.headerEnd, start), end);
    const pduEnd = Math.min(Math.max(r.end, headerEnd), end);
    const layer: Mutable<Layer> = { proto: cur, start, headerEnd, end: pduEnd, value: r.value, bytes: data };
    if (r.via) layer.via = r.via;
    if (r.quoting) layer.quoting = true;
    if (source !== undefined) layer.source = source;
    layers.push(layer);
    if (r.quoting && !ctx.inError) ctx = { ...ctx, inError: true };
    if (r.fragment && chain.fragment && chain.prefs[r.fragment.pref] && !ctx.inError) {
      // Fragments are reassembled; the upper layers are decoded on the frame that completes the datagram.
      const whole = chain.fragment(r.fragment, data.subarray(headerEnd, pduEnd), { start: headerEnd, end: pduEnd, source });
      if (whole === undefined) {
        decodeData(chain, data, headerEnd, pduEnd, source);
      } else {
        const index = chain.sources.push({ name: `Reassembled ${cur.shortName ?? cur.name}`, data: whole }) - 1;
        layers[layers.length - 1] = { ...layers[layers.length - 1]!, notes: { reassembled: index } };
        const next = resolve(registry, r.fragment.next);
        if (next) decodeChain(chain, next, whole, 0, whole.length, false, index);
        else decodeData(chain, whole, 0, whole.length, index);
      }
      break;
    }
    const next = resolve(registry, r.next ?? []);
    if (r.stream && chain.streams && !ctx.inError) {
      if (r.stream.restart) chain.streams.reset(r.stream.key);
      if (next?.streamPdu && headerEnd < pduEnd && wantsStream(chain, r.stream.pref, next) && !(source === undefined && pduEnd === data.length && data.length < chain.wireLen)) {
        decodeStream(chain, r.stream, next, data, headerEnd, pduEnd, source);
        break;
      }
    }
    if (headerEnd >= pduEnd) break;
    if (!next) {
      decodeData(chain, data, headerEnd, pduEnd, source);
      break;
    }
    cur = next;
    start = headerEnd;
    end = pduEnd;
  }
  // Problems found in a reassembled buffer say so.
  if (source !== undefined) {
    for (let i = firstProblem; i < chain.problems.length; i++) {
      const p = chain.problems[i]!;
      if (p.source === undefined) chain.problems[i] = { ...p, source };
    }
  }
  // Let each layer see where its inner layers stopped (trailers, padding), innermost first.
  for (let i = layers.length - 1; i >= chainStart; i--) {
    const l = layers[i]!;
    if (!l.proto.complete) continue;
    const inner = layers[i + 1];
    const innerEnd = inner && inner.source === l.source ? inner.end : l.headerEnd;
    const value = l.proto.complete(l, innerEnd, ctx);
    if (value !== l.value) layers[i] = { ...l, value };
  }
}

/** Desegmentation is on for the stream's protocol (`tcp.desegment_tcp_streams`) and the payload's (`dns.desegment_dns_messages`). */
function wantsStream(chain: Chain, pref: PrefName, next: Protocol<any, any>): boolean {
  if (!chain.prefs[pref]) return false;
  const own = next.streamPduPref;
  return own === undefined || (chain.prefs as unknown as Record<string, boolean | undefined>)[own] !== false;
}

/**
 * A segment's payload [start, end) whose protocol can say how long its PDUs are: a PDU begun in earlier segments
 * and completed here is decoded from a reassembled source; whole PDUs from the frame's own bytes; bytes that wait
 * for later segments are kept as data (the stream layer's notes say `partial`, tshark's "TCP segment of a
 * reassembled PDU").
 */
function decodeStream(
  chain: Chain,
  seg: import('../protocols/types.js').StreamSegment,
  proto: Protocol<any, any>,
  data: Uint8Array,
  start: number,
  end: number,
  source: number | undefined,
): void {
  const streams = chain.streams!;
  const layers = chain.layers;
  const streamIndex = layers.length - 1;
  const streamLayer = layers[streamIndex]!;
  const plan = streams.segment(seg.key, seg.seq, data.subarray(start, end), (b, s, e) => proto.streamPdu!(b, s, e), chain.number ?? 0, chain.tsSec ?? 0);
  for (const why of plan.dropped) {
    chain.problems.push({ ...problem(streamLayer.proto.name, 'reassembly-limit', start, end, why, source === undefined ? {} : { source }), severity: 'note' });
  }
  const head = start + plan.head;
  const bodyEnd = start + plan.bodyEnd;
  const notes: Record<string, unknown> = {
    partial: plan.waiting && !plan.completed && plan.bodyEnd === plan.head,
    ...(plan.pduSize !== undefined ? { pduSize: plan.pduSize } : {}),
  };
  if (plan.completed) {
    const index = chain.sources.push({ name: `Reassembled ${streamLayer.proto.shortName ?? streamLayer.proto.name.toUpperCase()}`, data: plan.completed.data }) - 1;
    notes.reassembled = index;
    notes.parts = plan.completed.parts;
  }
  layers[streamIndex] = { ...streamLayer, notes: { ...streamLayer.notes, reassembly: notes } };
  if (plan.completed) {
    const whole = plan.completed.data;
    decodeChain(chain, proto, whole, 0, whole.length, false, notes.reassembled as number);
  }
  // The layers over the frame's own bytes must cover the payload for re-encoding: bytes that completed an earlier
  // PDU, when more follow them, are a data layer around the rest; bytes that only wait are a data layer.
  if (bodyEnd > head) {
    // Decoded first (the PDUs see the stream layer as their outer one), the data layer then put before them.
    const at = layers.length;
    decodeChain(chain, proto, data, head, bodyEnd, false, source);
    if (head > start) {
      pushData(chain, data, start, head, end, source);
      layers.splice(at, 0, layers.pop()!);
    }
  } else if (head > start && head < end) {
    pushData(chain, data, start, head, end, source);
  } else if (!plan.completed) {
    pushData(chain, data, start, end, end, source);
  }
}

/** A data layer over [start, headerEnd) whose PDU runs to `end` (what follows is re-emitted as its trailer). */
function pushData(chain: Chain, data: Uint8Array, start: number, headerEnd: number, end: number, source: number | undefined): void {
  const dataProto = chain.registry.protocol('data');
  if (!dataProto || start >= end) return;
  chain.layers.push({ proto: dataProto, start, headerEnd, end, value: { data: data.subarray(start, headerEnd) }, bytes: data, ...(source !== undefined ? { source } : {}) });
}

function resolve(registry: Registry, cands: readonly (import('../protocols/types.js').Binding | { readonly proto: string })[]): Protocol<any, any> | undefined {
  for (const c of cands) {
    const p = registry.resolve(c);
    if (p) return p;
  }
  return undefined;
}
