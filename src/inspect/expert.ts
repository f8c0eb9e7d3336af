/** tshark's expert indicators derived from a frame's problems: `_ws.malformed` and `_ws.short`. */
import type { Frame } from '../dissect/frame.js';
import { defineFields } from '../fields/types.js';
import type { FieldNode } from '../fields/types.js';

export const wsTable = defineFields(
  { abbrev: '_ws.expert', name: 'Expert Info', desc: 'Problems found while decoding' },
  {
    malformed: { abbrev: '_ws.malformed', name: 'Malformed Packet', type: 'PROTOCOL', desc: 'A layer is inconsistent: a length or value that cannot be right' },
    short: { abbrev: '_ws.short', name: 'Packet size limited during capture', type: 'PROTOCOL', desc: 'The capture cut the packet (snapshot length) before every layer was complete' },
  },
);

/** True when the problem comes from bytes the capture did not keep (snaplen), not from the packet itself. */
export function isShortProblem(frame: Frame, p: { code: string; end: number }): boolean {
  return p.code === 'truncated' && frame.data.length < frame.record.origLen && p.end >= frame.data.length;
}

/** The indicator nodes for a frame (appended after its layers). */
export function expertNodes(frame: Frame): FieldNode[] {
  let malformed = false;
  let short = false;
  for (const p of frame.problems) {
    if (p.severity !== 'error') continue;
    if (isShortProblem(frame, p)) short = true;
    else malformed = true;
  }
  const out: FieldNode[] = [];
  if (short) out.push({ def: wsTable.fields.short, start: 0, len: 0, value: null, text: `[Packet size limited during capture: ${lastLayerName(frame)} truncated]` });
  if (malformed) out.push({ def: wsTable.fields.malformed, start: 0, len: 0, value: null, text: `[Malformed Packet: ${lastLayerName(frame)}]` });
  return out;
}

function lastLayerName(frame: Frame): string {
  const l = frame.layers[frame.layers.length - 1];
  return l ? (l.proto.shortName ?? l.proto.name.toUpperCase()) : 'Frame';
}
