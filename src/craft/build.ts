/**
 * Crafting by encapsulation: layers are given outermost first and encoded innermost first, each wrapping the
 * bytes of the layers inside it. Lengths, checksums, counts and next-protocol fields left undefined are filled;
 * explicit values are written as given (to craft a broken packet on purpose).
 */
import type { Frame } from '../dissect/frame.js';
import { bytesEqual } from '../core/bytes.js';
import { EncodeError } from '../core/problem.js';
import { data } from '../protocols/data.js';
import { claimedEnd } from '../protocols/ethernet.js';
import type { EncodeContext, Layer, Protocol } from '../protocols/types.js';

/** One layer to build: a protocol and its crafting input. */
export interface CraftLayer<I = any> {
  readonly proto: Protocol<any, I>;
  readonly input: I;
}

/** Pair a protocol with an input: `layer(udp, { dstport: 53 })`. */
export function layer<I>(proto: Protocol<any, I>, input: I): CraftLayer<I> {
  return { proto, input };
}

const EMPTY = new Uint8Array(0);

/** Encode the layers (outermost first) into one packet. */
export function build(layers: readonly CraftLayer[], payload: Uint8Array = EMPTY): Uint8Array {
  return buildWithGaps(layers, payload);
}

/**
 * `gaps[i]`: bytes that follow layer i+1's PDU inside layer i's payload (a datagram shorter than the IP
 * payload that carries it). They are re-emitted after the inner bytes, before layer i wraps them.
 */
function buildWithGaps(layers: readonly CraftLayer[], payload: Uint8Array, gaps?: readonly (Uint8Array | undefined)[]): Uint8Array {
  let bytes = payload;
  for (let i = layers.length - 1; i >= 0; i--) {
    const { proto, input } = layers[i]!;
    const gap = gaps?.[i];
    if (gap && gap.length) {
      const joined = new Uint8Array(bytes.length + gap.length);
      joined.set(bytes, 0);
      joined.set(gap, bytes.length);
      bytes = joined;
    }
    if (!proto.encode) throw new TypeError(`protocol ${proto.name} cannot be encoded`);
    const ctx: EncodeContext = {
      outer: layers.slice(0, i),
      ...(layers[i + 1] ? { inner: layers[i + 1]! } : {}),
      pseudoHeaderSum(protocol: number, length: number): number | undefined {
        for (let j = i - 1; j >= 0; j--) {
          const o = layers[j]!;
          if (o.proto.pseudoHeaderSum) return o.proto.pseudoHeaderSum(o.input, protocol, length);
        }
        return undefined;
      },
    };
    bytes = proto.encode(input, bytes, ctx);
  }
  return bytes;
}

/** The crafting layers that rebuild a decoded frame (each layer's `toInput`); null if a layer cannot. */
export function frameToLayers(frame: Pick<Frame, 'layers' | 'data'>): CraftLayer[] | null {
  const out: CraftLayer[] = [];
  // Only the layers over the captured bytes: upper layers decoded from a reassembled datagram belong to it.
  const own = frame.layers.filter((l) => l.source === undefined);
  for (const l of own) {
    if (!l.proto.toInput || !l.proto.encode) return null;
    out.push({ proto: l.proto, input: l.proto.toInput(l, frame.data) });
  }
  // A fragment's payload went to reassembly: it is re-emitted as raw bytes.
  const last = own[own.length - 1];
  if (last && own.length < frame.layers.length && last.headerEnd < last.end) {
    out.push({ proto: data, input: { data: frame.data.subarray(last.headerEnd, last.end) } });
  }
  return out;
}

export interface RebuildResult {
  bytes: Uint8Array;
  /** False when some layer could not be re-encoded and the original bytes were returned. */
  rebuilt: boolean;
}

/**
 * Rebuild a frame from its decoded layers, after optional changes to their inputs (e.g. a NAT rewrite of
 * `ip.src` and `udp.srcport`): what depends on a changed field (checksums, lengths) is recomputed, every other
 * byte stays as it was.
 */
export function rebuild(
  frame: Pick<Frame, 'layers' | 'data'> & { problems?: Frame['problems'] },
  change?: (layers: CraftLayer[]) => CraftLayer[] | void,
): RebuildResult {
  const layers = frameToLayers(frame);
  if (!layers) return { bytes: frame.data, rebuilt: false };
  const changed = change ? (change(layers) ?? layers) : layers;
  // Bytes after the outermost layer's PDU (not claimed by any layer) are kept as they were.
  const first = frame.layers[0];
  const tail = first && first.end < frame.data.length ? frame.data.subarray(first.end) : EMPTY;
  const head = first && first.start > 0 ? frame.data.subarray(0, first.start) : EMPTY;
  // Bytes between an inner PDU's end and its outer layer's end that the outer layer does not keep itself.
  const own = frame.layers.filter((l) => l.source === undefined);
  const gaps = own.map((l, i) => {
    const inner = own[i + 1];
    if (!inner || l.proto.complete) return undefined;
    // An inner link layer (Ethernet in a tunnel) may own padding and a trailer past its PDU: those are its own.
    const innerEnd = claimedEnd(inner);
    if (innerEnd >= l.end) return undefined;
    return frame.data.subarray(innerEnd, l.end);
  });
  let body: Uint8Array;
  try {
    body = buildWithGaps(changed, EMPTY, changed.length === layers.length ? gaps : undefined);
  } catch (e) {
    // A decoded layer too damaged to re-encode (a header cut short): keep the frame as it was.
    if (!change && e instanceof EncodeError) return { bytes: frame.data, rebuilt: false };
    throw e;
  }
  let out = body;
  if (head.length || tail.length) {
    out = new Uint8Array(head.length + body.length + tail.length);
    out.set(head, 0);
    out.set(body, head.length);
    out.set(tail, head.length + body.length);
  }
  // A frame whose headers were cut short cannot come back byte for byte: keep it as it was, and say so.
  if (!change && frame.problems?.some((p) => p.code === 'truncated' && p.severity === 'error') && !bytesEqual(out, frame.data)) {
    return { bytes: frame.data, rebuilt: false };
  }
  return { bytes: out, rebuilt: true };
}

/** Find the crafting layer of a protocol by name (the first, or the n-th). */
export function findLayer<I = any>(layers: readonly CraftLayer[], name: string, nth = 0): CraftLayer<I> | undefined {
  let k = 0;
  for (const l of layers) if (l.proto.name === name && k++ === nth) return l as CraftLayer<I>;
  return undefined;
}

export type { Layer };

