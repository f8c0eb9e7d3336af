/**
 * Stream reassembly (TCP desegmentation, as tshark does it with `tcp.desegment_tcp_streams`): when the protocol a
 * segment's payload dispatches to says (through `Protocol.streamPdu`) that its PDU goes on past the segment, the
 * rest of the PDU is collected from the following segments of the same direction, in sequence order (tolerating
 * retransmissions and segments that arrive early), and the PDU is decoded on the frame that completes it.
 *
 * The state is one pending PDU per direction of a connection, bounded in count, bytes, PDU size and age; what goes
 * past a bound is dropped and reported by the dissector. Protocol-neutral: the length of a PDU comes only from the
 * `pduLength` function it is given.
 */

export interface StreamLimits {
  /** Directions with a PDU waiting, at once (the oldest is dropped first). */
  maxStreams: number;
  /** Bytes held by all waiting PDUs (their collected bytes and early segments). */
  maxBytes: number;
  /** Largest PDU collected (a larger length is decoded as far as the segment goes). */
  maxPduSize: number;
  /** Seconds a waiting PDU is kept after its first segment. */
  maxAgeSec: number;
  /** Early (out-of-order) segments kept per waiting PDU. */
  maxEarly: number;
}

export const DEFAULT_STREAM_LIMITS: Readonly<StreamLimits> = Object.freeze({
  maxStreams: 4096,
  maxBytes: 64 * 1024 * 1024,
  maxPduSize: 16 * 1024 * 1024,
  maxAgeSec: 600,
  maxEarly: 64,
});

/** Bytes the PDU at `start` needs, or undefined when [start, end) is too short to tell (`Protocol.streamPdu`). */
export type PduLength = (b: Uint8Array, start: number, end: number) => number | undefined;

/** One segment's part in a reassembled PDU (tshark's `[Frame: 4, payload: 0-1459 (1460 bytes)]`). */
export interface SegmentPart {
  readonly frame: number;
  /** Offset of the part in the reassembled PDU. */
  readonly offset: number;
  readonly length: number;
}

/** What to do with one segment's payload. Offsets are relative to the payload's first byte. */
export interface SegmentPlan {
  /** A PDU started in earlier segments that this one completes. */
  readonly completed?: { readonly data: Uint8Array; readonly parts: readonly SegmentPart[] };
  /** Bytes at the start of the payload that belong to a PDU begun earlier (completed here or still waiting). */
  readonly head: number;
  /** Whole PDUs lie in [head, bodyEnd): they are decoded from the frame's own bytes. */
  readonly bodyEnd: number;
  /** Bytes of this segment wait for later segments ([bodyEnd, end), or the whole payload). */
  readonly waiting: boolean;
  /** Size of the PDU the waiting bytes belong to, when known (tshark's `[PDU Size: N]`). */
  readonly pduSize?: number;
  /** Limits that made the reassembler give something up (for a Problem). */
  readonly dropped: readonly string[];
}

interface Early {
  seq: number;
  data: Uint8Array;
  frame: number;
}

interface Pending {
  /** Sequence number of the PDU's first byte. */
  startSeq: number;
  /** Bytes the PDU needs, when known. */
  need: number | undefined;
  /** Bytes collected so far, in order. */
  chunks: Uint8Array[];
  have: number;
  parts: SegmentPart[];
  early: Early[];
  earlyBytes: number;
  firstSec: number;
}

/** Signed distance a - b between two 32-bit sequence numbers. */
function seqDiff(a: number, b: number): number {
  return (a - b) | 0;
}

function concat(chunks: readonly Uint8Array[], total: number): Uint8Array {
  const out = new Uint8Array(total);
  let at = 0;
  for (const c of chunks) {
    out.set(c.subarray(0, Math.min(c.length, total - at)), at);
    at += c.length;
    if (at >= total) break;
  }
  return out;
}

export class StreamReassembler {
  private readonly pending = new Map<string, Pending>();
  private held = 0;
  /** Per direction, the sequence number after the last reassembled PDU (to recognise retransmissions). */
  private readonly done = new Map<string, number>();

  constructor(readonly limits: StreamLimits = DEFAULT_STREAM_LIMITS) {}

  /** Directions with a PDU waiting. */
  get size(): number {
    return this.pending.size;
  }

  /** Bytes held for waiting PDUs. */
  get heldBytes(): number {
    return this.held;
  }

  /** Forget what waits in one direction (a SYN or RST starts it again). */
  reset(key: string): void {
    this.drop(key);
    this.done.delete(key);
  }

  /**
   * Take one segment's payload (`payload`, whose first byte has sequence number `seq`) of direction `key`, and say
   * which of its bytes complete a waiting PDU, which hold whole PDUs, and which wait.
   */
  segment(key: string, seq: number, payload: Uint8Array, pduLength: PduLength, frame: number, tsSec: number): SegmentPlan {
    const dropped: string[] = [];
    this.expire(tsSec, dropped);
    this.currentLength = pduLength;
    const len = payload.length;
    const p = this.pending.get(key);
    const doneEnd = this.done.get(key);
    if (!p && doneEnd !== undefined && seqDiff((seq + len) >>> 0, doneEnd) <= 0) {
      // A retransmission of bytes already reassembled: not decoded again (tshark: [TCP Retransmission]).
      return { head: len, bodyEnd: len, waiting: false, dropped };
    }
    if (!p) return this.scan(key, seq, payload, 0, pduLength, frame, tsSec, dropped, undefined);
    if (p.need !== undefined && seqDiff(seq, p.startSeq) >= p.need) {
      // Past the end of the waiting PDU (its missing bytes were not captured): a fresh start, as tshark does.
      this.drop(key);
      dropped.push(`an incomplete PDU of ${p.need} bytes (${p.have} collected) given up: later data arrived`);
      return this.scan(key, seq, payload, 0, pduLength, frame, tsSec, dropped, undefined);
    }
    const expected = (p.startSeq + p.have) >>> 0;
    const ahead = seqDiff(seq, expected);
    if (ahead > 0) {
      // Early: a segment after a gap. Kept until the gap is filled.
      if (ahead > this.limits.maxPduSize || p.early.length >= this.limits.maxEarly || !this.reserve(key, len, dropped)) {
        dropped.push(`segment ${ahead} bytes past the data expected in this direction not kept`);
        return { head: len, bodyEnd: len, waiting: true, dropped };
      }
      p.early.push({ seq, data: payload.slice(), frame });
      p.earlyBytes += len;
      return { head: len, bodyEnd: len, waiting: true, dropped };
    }
    // A retransmission: only the bytes not seen before count.
    const skip = Math.min(len, -ahead);
    if (skip >= len) return { head: len, bodyEnd: len, waiting: true, ...(p.need !== undefined ? { pduSize: p.need } : {}), dropped };
    const used = this.feed(key, p, payload.subarray(skip), frame, dropped);
    if (used < 0) {
      // Still incomplete: perhaps early segments now follow on.
      const done = this.drainEarly(key, p, pduLength, dropped);
      if (done) return { completed: done, head: len, bodyEnd: len, waiting: false, dropped };
      if (!this.pending.has(key)) return { head: len, bodyEnd: len, waiting: false, dropped };
      return { head: len, bodyEnd: len, waiting: true, ...(p.need !== undefined ? { pduSize: p.need } : {}), dropped };
    }
    const completed = this.finish(key, p);
    const head = skip + used;
    return this.scan(key, (seq + head) >>> 0, payload, head, pduLength, frame, tsSec, dropped, completed, seq);
  }

  /** Whole PDUs from `from` on; a last partial one starts waiting. */
  private scan(
    key: string,
    seq: number,
    payload: Uint8Array,
    from: number,
    pduLength: PduLength,
    frame: number,
    tsSec: number,
    dropped: string[],
    completed: SegmentPlan['completed'],
    segSeq = seq,
  ): SegmentPlan {
    const len = payload.length;
    let o = from;
    while (o < len) {
      const n = pduLength(payload, o, len);
      if (n !== undefined && n <= 0) break;
      if (n !== undefined && o + n <= len) {
        o += n;
        continue;
      }
      if (n !== undefined && n > this.limits.maxPduSize) {
        dropped.push(`PDU of ${n} bytes is larger than the reassembly limit (${this.limits.maxPduSize})`);
        break;
      }
      if (!this.reserve(key, len - o, dropped)) break;
      const part = payload.slice(o);
      const p: Pending = { startSeq: (segSeq + o) >>> 0, need: n, chunks: [part], have: part.length, parts: [{ frame, offset: 0, length: part.length }], early: [], earlyBytes: 0, firstSec: tsSec };
      this.pending.set(key, p);
      return { ...(completed ? { completed } : {}), head: from, bodyEnd: o, waiting: true, ...(n !== undefined ? { pduSize: n } : {}), dropped };
    }
    void seq;
    return { ...(completed ? { completed } : {}), head: from, bodyEnd: len, waiting: false, dropped };
  }

  /** Append bytes to a waiting PDU: how many of them it took to complete it, or -1 when it still waits. */
  private feed(key: string, p: Pending, bytes: Uint8Array, frame: number, dropped: string[]): number {
    let need = p.need;
    if (need === undefined) {
      // The length was not known yet: look at what is collected plus the new bytes.
      const probe = concat([...p.chunks, bytes], p.have + bytes.length);
      const n = this.pduLengthOf(p, probe);
      if (n !== undefined) need = p.need = n;
    }
    if (need !== undefined && need > this.limits.maxPduSize) {
      dropped.push(`PDU of ${need} bytes is larger than the reassembly limit (${this.limits.maxPduSize})`);
      this.drop(key);
      return -1;
    }
    const take = need === undefined ? bytes.length : Math.min(bytes.length, need - p.have);
    if (take > 0) {
      if (!this.reserve(key, take, dropped)) {
        this.drop(key);
        return -1;
      }
      p.chunks.push(bytes.slice(0, take));
      p.parts.push({ frame, offset: p.have, length: take });
      p.have += take;
    }
    if (need !== undefined && p.have >= need) return take;
    return -1;
  }

  /** The length function is fixed per call of `segment`; kept here for `feed` of early segments. */
  private currentLength: PduLength | undefined;

  private pduLengthOf(_p: Pending, probe: Uint8Array): number | undefined {
    return this.currentLength ? this.currentLength(probe, 0, probe.length) : undefined;
  }

  /** Feed early segments that now follow on; the PDU if one completes. */
  private drainEarly(key: string, p: Pending, pduLength: PduLength, dropped: string[]): SegmentPlan['completed'] {
    this.currentLength = pduLength;
    for (let progress = true; progress && p.early.length; ) {
      progress = false;
      const expected = (p.startSeq + p.have) >>> 0;
      for (let i = 0; i < p.early.length; i++) {
        const e = p.early[i]!;
        const ahead = seqDiff(e.seq, expected);
        if (ahead > 0) continue;
        p.early.splice(i, 1);
        p.earlyBytes -= e.data.length;
        this.held -= e.data.length;
        progress = true;
        const skip = -ahead;
        if (skip >= e.data.length) break;
        const used = this.feed(key, p, e.data.subarray(skip), e.frame, dropped);
        if (used >= 0) {
          if (skip + used < e.data.length) dropped.push(`${e.data.length - skip - used} bytes of frame ${e.frame} after the reassembled PDU not decoded`);
          return this.finish(key, p);
        }
        if (!this.pending.has(key)) return undefined;
        break;
      }
    }
    return undefined;
  }

  private finish(key: string, p: Pending): NonNullable<SegmentPlan['completed']> {
    this.done.delete(key);
    this.done.set(key, (p.startSeq + (p.need ?? p.have)) >>> 0);
    if (this.done.size > this.limits.maxStreams) this.done.delete(this.done.keys().next().value!);
    const data = concat(p.chunks, p.need ?? p.have);
    const parts = p.parts;
    const early = p.early;
    this.drop(key);
    // Early segments beyond this PDU are given up: the PDUs they start cannot be shown on past frames.
    void early;
    return { data, parts };
  }

  private reserve(key: string, n: number, dropped: string[]): boolean {
    while (this.held + n > this.limits.maxBytes && this.pending.size > 1) {
      if (!this.evictOldest(key)) break;
      dropped.push(`reassembly memory limit (${this.limits.maxBytes} bytes): an incomplete PDU dropped`);
    }
    if (this.held + n > this.limits.maxBytes) {
      dropped.push(`reassembly memory limit (${this.limits.maxBytes} bytes) reached`);
      return false;
    }
    if (!this.pending.has(key) && this.pending.size >= this.limits.maxStreams) {
      this.evictOldest(key);
      dropped.push(`reassembly stream limit (${this.limits.maxStreams}): an incomplete PDU dropped`);
    }
    this.held += n;
    return true;
  }

  private drop(key: string): void {
    const p = this.pending.get(key);
    if (!p) return;
    this.held -= p.have + p.earlyBytes;
    this.pending.delete(key);
  }

  private evictOldest(except: string): boolean {
    for (const k of this.pending.keys()) {
      if (k === except) continue;
      this.drop(k);
      return true;
    }
    return false;
  }

  private expire(nowSec: number, dropped: string[]): void {
    for (const [k, p] of this.pending) {
      if (nowSec - p.firstSec <= this.limits.maxAgeSec) continue;
      this.drop(k);
      dropped.push(`an incomplete PDU older than ${this.limits.maxAgeSec} s dropped`);
    }
  }
}
