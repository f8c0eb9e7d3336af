/** `data`: bytes no decoder claims, as tshark shows them (`data.data`, `data.len`). */
import { defineFields } from '../fields/types.js';
import type { FieldNode } from '../fields/types.js';
import { defineProtocol } from './types.js';

export const dataTable = defineFields(
  { abbrev: 'data', name: 'Data', desc: 'Bytes that no decoder claimed' },
  {
    data: { abbrev: 'data.data', name: 'Data', type: 'BYTES', desc: 'The undecoded bytes' },
    len: { abbrev: 'data.len', name: 'Length', type: 'INT32', base: 'DEC', desc: 'How many undecoded bytes there are' },
  },
);

export interface DataValue {
  data: Uint8Array;
}

export const data = defineProtocol<DataValue>({
  name: 'data',
  table: dataTable,
  decode(b, start, end) {
    return { value: { data: b.subarray(start, end) }, headerEnd: end, end };
  },
  tree(layer) {
    const f = dataTable.fields;
    const n = layer.end - layer.start;
    const nodes: FieldNode[] = [
      { def: f.data, start: layer.start, len: n, value: layer.value.data },
      // generated with no bytes of its own (tshark adds it with length 0: no _raw in -x JSON)
      { def: f.len, start: layer.start, len: 0, value: n, generated: true, text: `[Length: ${n}]` },
    ];
    return nodes;
  },
  label(layer) {
    return `Data (${layer.end - layer.start} bytes)`;
  },
  encode(input, payload) {
    const out = new Uint8Array(input.data.length + payload.length);
    out.set(input.data, 0);
    out.set(payload, input.data.length);
    return out;
  },
  toInput(layer) {
    return { data: layer.value.data };
  },
});
