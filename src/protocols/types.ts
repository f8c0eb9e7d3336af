/**
 * The per-protocol contract. Each `src/protocols/<name>.ts` exports one `Protocol` built from its field table.
 */
import type { Problem } from '../core/problem.js';
import type { FieldNode, FieldTable } from '../fields/types.js';
import type { Prefs } from '../dissect/prefs.js';

/** A dispatch-table key: `{ table: 'ip.proto', key: 17 }`. Table names are Wireshark's. */
export interface Binding {
  readonly table: string;
  readonly key: number;
}

/** A decoded layer of a frame. */
export interface Layer<V = unknown> {
  readonly proto: Protocol<V, any>;
  /** Absolute offset of the layer's first byte in the frame. */
  readonly start: number;
  /** End of the layer's own header: its payload starts here. */
  readonly headerEnd: number;
  /** End of the layer's PDU (header + payload) as its length fields set it, clipped to the captured bytes. */
  readonly end: number;
  readonly value: V;
  /** Pseudo-layer names tshark lists after this one in frame.protocols (e.g. `ethertype`). */
  readonly via?: string;
  /** The payload is a datagram quoted by an ICMP/ICMPv6 error (from DecodeResult.quoting). */
  readonly quoting?: boolean;
  /** Layer-specific facts the dissector adds (reassembly, stream tracking): see `Protocol.stateful`. */
  readonly notes?: Record<string, unknown>;
  /**
   * Which bytes the offsets refer to: undefined for the captured frame, else an index into `Frame.sources`
   * (a reassembled datagram or stream).
   */
  readonly source?: number;
  /** The buffer the offsets refer to (the captured frame, or the reassembled data of `source`). */
  readonly bytes?: Uint8Array;
}

/** A fragment of a datagram (IPv4 MF/offset, IPv6 fragment header): the dissector reassembles them. */
export interface FragmentInfo {
  /** Identifies the datagram: fragments with the same key belong together. */
  readonly key: string;
  /** Byte offset of this fragment's payload in the datagram. */
  readonly offset: number;
  /** More fragments follow (false on the last one). */
  readonly more: boolean;
  /** What decodes the reassembled payload. */
  readonly next: readonly Binding[];
  /** The preference that turns reassembly on (`ip.defragment`). */
  readonly pref: 'ip.defragment' | 'ipv6.defragment';
}

export interface DecodeContext {
  /** The whole captured frame. */
  readonly frame: Uint8Array;
  /** Layers decoded so far, outermost first (the enclosing IP layer for a checksum, etc.). */
  readonly layers: readonly Layer[];
  /** Problems found: push with absolute byte ranges. */
  readonly problems: Problem[];
  readonly prefs: Prefs;
  /** frame.len: bytes on the wire. Bytes in [frame.length, wireLen) were cut by the snaplen. */
  readonly wireLen: number;
  /** FCS bytes at the end of the frame, when the capture says so (eth.fcs). */
  readonly fcsLen: number;
  /** True while decoding a datagram quoted inside an ICMP/ICMPv6 error (lengths are expected to be short). */
  readonly inError: boolean;
}

export interface DecodeResult<V> {
  readonly value: V;
  /** Where the payload starts (end of this layer's header). */
  readonly headerEnd: number;
  /** End of this layer's PDU; bytes between it and the outer PDU's end are the outer layer's trailer. */
  readonly end: number;
  /**
   * What decodes the payload: candidates tried in order (the first bound one wins), or a protocol by name.
   * Undefined or empty: the payload (if any) becomes a `data` layer.
   */
  readonly next?: readonly (Binding | { readonly proto: string })[];
  /** Pseudo-layer tshark inserts in frame.protocols after this one (`ethertype`). */
  readonly via?: string;
  /** The payload is a datagram quoted by an ICMP/ICMPv6 error: inner layers set `ctx.inError`. */
  readonly quoting?: boolean;
  /** The payload [headerEnd, end) is a fragment of a larger datagram. */
  readonly fragment?: FragmentInfo;
  /** The payload [headerEnd, end) is a piece of a byte stream (TCP): PDUs split over segments are joined. */
  readonly stream?: StreamSegment;
}

/** Where a segment's payload sits in its byte stream (src/dissect/tcp-reassembly.ts joins them). */
export interface StreamSegment {
  /** One direction of one connection (`10.0.0.1|1234>10.0.0.2|53`). */
  readonly key: string;
  /** Sequence number of the payload's first byte (after the SYN). */
  readonly seq: number;
  /** SYN or RST: the direction starts again, whatever was waiting is dropped. */
  readonly restart: boolean;
  /** The preference that turns desegmentation on (`tcp.desegment_tcp_streams`). */
  readonly pref: 'tcp.desegment_tcp_streams';
}

export interface TreeContext {
  readonly frame: Uint8Array;
  readonly layers: readonly Layer[];
  readonly index: number;
  readonly prefs: Prefs;
}

export interface EncodeContext {
  /** The crafting inputs of the enclosing layers, outermost first, with their protocols. */
  readonly outer: readonly { readonly proto: Protocol<any, any>; readonly input: any }[];
  /** The next inner layer, if any (to fill a next-protocol field from its bindings). */
  readonly inner?: { readonly proto: Protocol<any, any>; readonly input: any };
  /**
   * One's-complement sum of the pseudo-header of the nearest enclosing IPv4/IPv6 layer for an upper-layer
   * protocol number and length (undefined when there is no enclosing IP layer).
   */
  pseudoHeaderSum(protocol: number, length: number): number | undefined;
}

export interface Protocol<V, I = V> {
  /** Filter name (`ip`, `udp`, `dns`). */
  readonly name: string;
  /** The Protocol column text tshark shows (`DNS`, `ICMPv6`, `IPv4`); default: the name in upper case. */
  readonly shortName?: string;
  /** Field table: the one declaration of every field of this protocol. */
  readonly table: FieldTable;
  /** Bindings: where this protocol is dispatched from, and what an outer layer writes when it encloses it. */
  readonly bindings?: readonly Binding[];
  /** Decode the layer starting at `start`; `end` is the end of what the outer layer gives it. Never throws. */
  decode(b: Uint8Array, start: number, end: number, ctx: DecodeContext): DecodeResult<V>;
  /**
   * Called once the layers inside this one are decoded, with the end of the innermost PDU they claimed:
   * returns the value updated with what follows it (Ethernet padding and trailer). Optional.
   */
  complete?(layer: Layer<V>, innerEnd: number, ctx: DecodeContext): V;
  /** The field tree, built only on demand (children of the protocol node). */
  tree(layer: Layer<V>, ctx: TreeContext): FieldNode[];
  /** The protocol node's label (`Internet Protocol Version 4, Src: 10.0.0.1, Dst: 10.0.0.2`). */
  label?(layer: Layer<V>, ctx: TreeContext): string;
  /** Its part of the Info column. */
  summary?(layer: Layer<V>, ctx: TreeContext): string;
  /**
   * Text tshark puts in front of the Info column behind a fence (TCP's `[TCP Retransmission] `): it stays in front of
   * whatever the layers above write there.
   */
  infoPrefix?(layer: Layer<V>, ctx: TreeContext): string;
  /** The Protocol column when it depends on the layer (DHCP's `BOOTP` without a message type); default `shortName`. */
  column?(layer: Layer<V>, ctx: TreeContext): string;
  /**
   * For network layers: the addresses tshark puts in the Source and Destination columns (its pinfo->src/dst) when they
   * are not the header's own (a source route's final destination, an IPv6 home address). Undefined: `value.src/dst`.
   */
  addresses?(layer: Layer<V>): { src?: string; dst?: string };
  /**
   * Encode `input` around `payload` (the already-encoded inner layers): returns this layer's whole PDU.
   * Undefined auto fields (lengths, checksums, next-protocol, counts) are computed; explicit ones are written verbatim.
   */
  encode?(input: I, payload: Uint8Array, ctx: EncodeContext): Uint8Array;
  /**
   * The crafting input that rebuilds this decoded layer: auto fields that were consistent on the wire are left
   * undefined (so they are recomputed after a change), inconsistent ones are kept verbatim.
   */
  toInput?(layer: Layer<V>, frame: Uint8Array): I;
  /**
   * Per-capture state across frames (TCP streams and relative sequence numbers, request/response matching):
   * `create` is called once per Dissector, `track` once per layer of this protocol, in frame order; what it
   * returns becomes `layer.notes` (read by tree() and summary()).
   */
  readonly stateful?: {
    create(): unknown;
    track(state: any, layer: Layer<V>, frame: { readonly number: number; readonly layers: readonly Layer[]; readonly data: Uint8Array }): Record<string, unknown> | undefined;
  };
  /**
   * For a protocol carried over a byte stream (DNS over TCP): the bytes the PDU starting at `start` needs (header
   * included), or undefined when [start, end) holds too few bytes to tell. Lets the dissector join PDUs split over
   * segments; `streamPduPref` names the protocol's own preference for it (`dns.desegment_dns_messages`).
   */
  streamPdu?(b: Uint8Array, start: number, end: number): number | undefined;
  readonly streamPduPref?: string;
  /** For IP layers: the pseudo-header sum of a crafting input (see EncodeContext.pseudoHeaderSum). */
  pseudoHeaderSum?(input: I, protocol: number, length: number): number;
  /** For IP layers: the pseudo-header sum of a decoded layer, to verify an upper-layer checksum. */
  layerPseudoSum?(b: Uint8Array, layer: Layer<V>, protocol: number, length: number): number;
}

/** The pseudo-header sum from the nearest enclosing IP layer of a decoded frame, if any. */
export function enclosingPseudoSum(b: Uint8Array, layers: readonly Layer[], protocol: number, length: number): number | undefined {
  for (let i = layers.length - 1; i >= 0; i--) {
    const l = layers[i]!;
    if (l.proto.layerPseudoSum) return l.proto.layerPseudoSum(l.bytes ?? b, l, protocol, length);
  }
  return undefined;
}

/** Helper for protocol modules to declare their object with type inference. */
export function defineProtocol<V, I = V>(p: Protocol<V, I>): Protocol<V, I> {
  return p;
}
