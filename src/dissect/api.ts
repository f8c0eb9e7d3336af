/**
 * The two ways to dissect: one-shot over a capture held in memory (browsers too), and streaming (records in,
 * frames out, constant memory apart from the bounded reassembly state).
 */
import { readCapture } from '../capture/reader.js';
import type { CaptureRecord } from '../capture/types.js';
import type { Problem } from '../core/problem.js';
import { registerDefaults } from '../protocols/index.js';
import { Dissector } from './dissect.js';
import type { DissectorOptions } from './dissect.js';
import type { Frame } from './frame.js';
import type { Registry } from './registry.js';

/** Every frame of a capture file's bytes (pcap or pcapng), with the file's problems. Frames keep their bytes. */
export function dissectCapture(bytes: Uint8Array, opts: DissectorOptions & { registry?: Registry } = {}): { frames: Frame[]; problems: readonly Problem[] } {
  const reader = readCapture(bytes);
  const d = new Dissector(opts.registry ?? registerDefaults(), opts);
  const frames: Frame[] = [];
  for (const r of reader) frames.push(d.dissect(r));
  return { frames, problems: reader.problems };
}

/**
 * Frames from records, one at a time: `for await (const frame of dissectStream(openCapture(path)))`. A frame's
 * bytes are valid until the next one is requested (copy `frame.data` to keep it).
 */
export async function* dissectStream(
  records: AsyncIterable<CaptureRecord> | Iterable<CaptureRecord>,
  opts: DissectorOptions & { registry?: Registry } = {},
): AsyncGenerator<Frame> {
  const d = new Dissector(opts.registry ?? registerDefaults(), opts);
  for await (const r of records) yield d.dissect(r);
}
