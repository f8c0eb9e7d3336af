/**
 * Echo request/reply matching for ICMP and ICMPv6, as tshark 4.0 does it in one pass (packet-icmp.c and
 * packet-icmpv6.c, transaction_start / transaction_end):
 *
 * - requests and replies are grouped by conversation: the pair of IP addresses, in either direction;
 * - within it, a transaction is keyed by (a checksum, identifier, sequence number). The checksum part is the one the
 *   reply must carry: echo request and reply differ only in the type byte, so a reply with the same identifier,
 *   sequence and data has the request's checksum shifted by that byte's difference (0x0800 for ICMP, 0x0100 for
 *   ICMPv6). A reply whose data differs from the request's is therefore not matched, as in tshark;
 * - a request records (or replaces) the unmatched transaction of its key; a reply finds it, takes it if no reply
 *   took it before, and gets "(request in N)", the request's frame number and the time since it (`resp_to`,
 *   `resptime`). A request cannot know its reply on a single pass: tshark shows `resp_in` and "(no response
 *   found!)" only when it reads the capture twice (-2), which wirelens does not do.
 *
 * State is bounded: at most MAX_TRANSACTIONS transactions are remembered, the oldest forgotten first.
 */
import type { Layer } from './types.js';

/** What a matched echo reply learns (`layer.notes.echo`). */
export interface EchoNotes {
  /** Frame number of the request (icmp.resp_to / icmpv6.resp_to). */
  respTo: number;
  /** Milliseconds since the request (icmp.resptime / icmpv6.resptime), as tshark computes it (nstime_to_msec). */
  respTime: number;
}

interface Transaction {
  request: number;
  sec: number;
  nsec: number;
  answered: boolean;
}

export interface EchoState {
  /** `conversation key ␟ checksum key ␟ identifier ␟ sequence` → the latest request with that key. */
  readonly transactions: Map<string, Transaction>;
}

/** Transactions remembered at most (oldest dropped first). */
export const MAX_TRANSACTIONS = 100_000;

export function createEchoState(): EchoState {
  return { transactions: new Map() };
}

/** One's-complement 16-bit sum. */
function onesAdd(a: number, b: number): number {
  const s = a + b;
  return (s & 0xffff) + (s >>> 16);
}

/**
 * The checksum a reply to a message with checksum `cksum` carries when only the type byte changed by `delta`
 * (tshark: `~in_cksum({~cksum, ~delta})`, 0 written as 0xffff).
 */
export function shiftedChecksum(cksum: number, delta: number): number {
  const k = ~onesAdd(~cksum & 0xffff, ~delta & 0xffff) & 0xffff;
  return k === 0 ? 0xffff : k;
}

/** The addresses of the IP layer right outside `layer` (tshark's pinfo->src/dst), or undefined. */
function conversation(layer: Layer, layers: readonly Layer[]): string | undefined {
  const i = layers.indexOf(layer);
  for (let j = i - 1; j >= 0; j--) {
    const l = layers[j]!;
    // A message quoted inside an ICMP error is not tracked.
    if (l.quoting) return undefined;
  }
  const ip = i > 0 ? layers[i - 1] : undefined;
  if (!ip || (ip.proto.name !== 'ip' && ip.proto.name !== 'ipv6')) return undefined;
  const v = ip.value as { src?: unknown; dst?: unknown };
  if (typeof v.src !== 'string' || typeof v.dst !== 'string') return undefined;
  return v.src < v.dst ? `${v.src}\u241f${v.dst}` : `${v.dst}\u241f${v.src}`;
}

export interface EchoFrame {
  readonly number: number;
  readonly layers: readonly Layer[];
  readonly record?: { readonly tsSec: number; readonly tsNsec: number };
}

/**
 * Track one echo message. `key` is the checksum part of the transaction key as tshark computes it for this message
 * (already shifted for the side that needs it); returns the notes of a matched reply.
 */
export function trackEcho(state: EchoState, layer: Layer, frame: EchoFrame, request: boolean, key: number, ident: number, seq: number): EchoNotes | undefined {
  const conv = conversation(layer, frame.layers);
  if (conv === undefined) return undefined;
  const id = `${conv}\u241f${key}\u241f${ident}\u241f${seq}`;
  const sec = frame.record?.tsSec ?? 0;
  const nsec = frame.record?.tsNsec ?? 0;
  const t = state.transactions;
  if (request) {
    t.delete(id);
    t.set(id, { request: frame.number, sec, nsec, answered: false });
    if (t.size > MAX_TRANSACTIONS) t.delete(t.keys().next().value!);
    return undefined;
  }
  const tr = t.get(id);
  if (!tr || tr.answered) return undefined;
  tr.answered = true;
  // nstime_delta then nstime_to_msec: seconds * 1000 + nanoseconds / 1e6, in floating point
  let ds = sec - tr.sec;
  let dn = nsec - tr.nsec;
  if (dn < 0 && ds > 0) {
    ds -= 1;
    dn += 1e9;
  } else if (dn > 0 && ds < 0) {
    ds += 1;
    dn -= 1e9;
  }
  // tshark prints the double with %.15g (-T fields); keeping 15 significant digits makes ours print the same
  return { respTo: tr.request, respTime: Number((ds * 1000 + dn / 1e6).toPrecision(15)) };
}
