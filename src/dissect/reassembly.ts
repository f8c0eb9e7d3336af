/**
 * Datagram reassembly (IPv4 fragments, IPv6 fragment headers): fragments are kept until their datagram is
 * complete, under bounds on count, bytes and age; what exceeds them is dropped and reported.
 */

export interface ReassemblyLimits {
  /** Incomplete datagrams kept at once. */
  maxDatagrams: number;
  /** Bytes held by all incomplete datagrams. */
  maxBytes: number;
  /** Largest datagram accepted (IPv4 and IPv6 without jumbograms: 65535). */
  maxDatagramSize: number;
  /** Seconds an incomplete datagram is kept after its first fragment (Linux ipfrag_time: 30). */
  maxAgeSec: number;
}

export const DEFAULT_REASSEMBLY_LIMITS: Readonly<ReassemblyLimits> = Object.freeze({
  maxDatagrams: 4096,
  maxBytes: 64 * 1024 * 1024,
  maxDatagramSize: 65535,
  maxAgeSec: 30,
});

interface Pending {
  /** Fragments: offset, bytes (copied: the capture buffer is reused), in arrival order. */
  parts: { offset: number; data: Uint8Array }[];
  /** Total length, once the last fragment (more = false) is seen. */
  total: number;
  bytes: number;
  firstSec: number;
  frames: number[];
}

export type AddResult =
  | { status: 'incomplete' }
  | { status: 'complete'; data: Uint8Array; frames: readonly number[] }
  | { status: 'dropped'; reason: string };

export class Reassembler {
  private readonly pending = new Map<string, Pending>();
  private held = 0;
  /** How many datagrams were given up because of a limit (reported by the dissector). */
  evicted = 0;

  constructor(readonly limits: ReassemblyLimits = DEFAULT_REASSEMBLY_LIMITS) {}

  get size(): number {
    return this.pending.size;
  }

  get heldBytes(): number {
    return this.held;
  }

  add(key: string, offset: number, more: boolean, data: Uint8Array, frame: number, tsSec: number): AddResult {
    this.expire(tsSec);
    const end = offset + data.length;
    if (end > this.limits.maxDatagramSize) {
      return { status: 'dropped', reason: `fragment ends at byte ${end}, beyond the largest datagram (${this.limits.maxDatagramSize})` };
    }
    let p = this.pending.get(key);
    if (!p) {
      if (this.pending.size >= this.limits.maxDatagrams) {
        this.evictOldest();
        this.evicted++;
      }
      p = { parts: [], total: -1, bytes: 0, firstSec: tsSec, frames: [] };
      this.pending.set(key, p);
    }
    while (this.held + data.length > this.limits.maxBytes && this.pending.size > 1) {
      this.evictOldest(key);
      this.evicted++;
    }
    if (this.held + data.length > this.limits.maxBytes) {
      this.drop(key);
      return { status: 'dropped', reason: `reassembly memory limit (${this.limits.maxBytes} bytes) reached` };
    }
    p.parts.push({ offset, data: data.slice() });
    p.bytes += data.length;
    this.held += data.length;
    p.frames.push(frame);
    if (!more) p.total = end;
    if (p.total < 0) return { status: 'incomplete' };
    // Complete when the parts cover [0, total) without holes.
    const sorted = [...p.parts].sort((a, b) => a.offset - b.offset);
    let covered = 0;
    for (const part of sorted) {
      if (part.offset > covered) return { status: 'incomplete' };
      covered = Math.max(covered, part.offset + part.data.length);
    }
    if (covered < p.total) return { status: 'incomplete' };
    const out = new Uint8Array(p.total);
    // Later fragments overwrite earlier ones where they overlap (arrival order), as the data arrived.
    for (const part of p.parts) out.set(part.data.subarray(0, Math.max(0, Math.min(part.data.length, p.total - part.offset))), part.offset);
    const frames = p.frames;
    this.drop(key);
    return { status: 'complete', data: out, frames };
  }

  private drop(key: string): void {
    const p = this.pending.get(key);
    if (!p) return;
    this.held -= p.bytes;
    this.pending.delete(key);
  }

  private evictOldest(except?: string): void {
    for (const k of this.pending.keys()) {
      if (k === except) continue;
      this.drop(k);
      return;
    }
  }

  private expire(nowSec: number): void {
    // Map iteration is insertion order: the oldest datagrams come first.
    for (const [k, p] of this.pending) {
      if (nowSec - p.firstSec <= this.limits.maxAgeSec) break;
      this.drop(k);
      this.evicted++;
    }
  }
}
