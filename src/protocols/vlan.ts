/**
 * IEEE 802.1Q VLAN tags (EtherType 0x8100, and the old Q-in-Q 0x9100) and IEEE 802.1ad service tags (0x88a8).
 * Each tag is its own layer, as tshark shows them: `eth:ethertype:ieee8021ad:ethertype:vlan:ethertype:ip`.
 * The innermost tag owns what follows its payload: `eth.padding` up to frame offset 60, then its trailer.
 */
import { problem } from '../core/problem.js';
import { compileHeader } from '../fields/compile.js';
import { defineFields } from '../fields/types.js';
import type { FieldNode, FieldTable } from '../fields/types.js';
import { ETHERTYPES, MAX_8023_LEN, claimedEnd, ieee8023Next, linkTail, linkTailLength, linkTailNodes, onlyDataInside } from './ethernet.js';
import type { LinkTail } from './ethernet.js';
import { EncodeError } from '../core/problem.js';
import { defineProtocol } from './types.js';
import type { DecodeContext, DecodeResult, EncodeContext, Protocol } from './types.js';

/** User priority names (IEEE 802.1D-2004 recommendations, tshark's default 8P0D table). */
export const VLAN_PRIORITIES: Readonly<Record<number, string>> = {
  0: 'Best Effort (default)',
  1: 'Background',
  2: 'Excellent Effort',
  3: 'Critical Applications',
  4: 'Video, < 100ms latency and jitter',
  5: 'Voice, < 10ms latency and jitter',
  6: 'Internetwork Control',
  7: 'Network Control',
};

export const vlanTable = defineFields(
  { abbrev: 'vlan', name: '802.1Q Virtual LAN', desc: 'A 4-byte tag that puts an Ethernet frame on one virtual LAN of a shared link (IEEE 802.1Q)' },
  {
    priority: { abbrev: 'vlan.priority', name: 'Priority', type: 'UINT16', base: 'DEC', bitmask: 0xe000, strings: VLAN_PRIORITIES, offset: 0, width: 2, desc: 'Priority Code Point (0-7): which traffic class the frame belongs to; switches queue by it' },
    dei: { abbrev: 'vlan.dei', name: 'DEI', type: 'BOOLEAN', bitmask: 0x1000, tfs: ['Eligible', 'Ineligible'], offset: 0, width: 2, desc: 'Drop Eligible Indicator: the frame may be dropped first under congestion' },
    id: { abbrev: 'vlan.id', name: 'ID', type: 'UINT16', base: 'DEC', bitmask: 0x0fff, offset: 0, width: 2, desc: 'VLAN identifier (1-4094; 0 = priority tag only, 4095 reserved)' },
    etype: { abbrev: 'vlan.etype', name: 'Type', type: 'UINT16', base: 'HEX', strings: ETHERTYPES, offset: 2, width: 2, auto: 'next', desc: 'EtherType of the tagged payload (another tag, IPv4, ARP, ...)' },
    len: { abbrev: 'vlan.len', name: 'Length', type: 'UINT16', base: 'DEC', desc: 'IEEE 802.3 length of the payload, when the value after the tag is 1500 or less' },
    trailer: { abbrev: 'vlan.trailer', name: 'Trailer', type: 'BYTES', desc: 'Bytes after the tagged payload that are not padding' },
  },
);

export const ieee8021adTable = defineFields(
  { abbrev: 'ieee8021ad', name: 'IEEE 802.1AD', desc: 'A service (outer) VLAN tag of a provider bridge, IEEE 802.1ad "Q-in-Q"' },
  {
    priority: { abbrev: 'ieee8021ad.priority', name: 'Priority', type: 'UINT16', base: 'DEC', bitmask: 0xe000, offset: 0, width: 2, desc: 'Priority Code Point (0-7) of the service tag' },
    dei: { abbrev: 'ieee8021ad.dei', name: 'DEI', type: 'UINT16', base: 'DEC', bitmask: 0x1000, offset: 0, width: 2, desc: 'Drop Eligible Indicator of the service tag' },
    id: { abbrev: 'ieee8021ad.id', name: 'ID', type: 'UINT16', base: 'DEC', bitmask: 0x0fff, offset: 0, width: 2, desc: 'Service VLAN identifier (S-VID)' },
    etype: { abbrev: 'ieee8021ah.etype', name: 'Type', type: 'UINT16', base: 'HEX', strings: ETHERTYPES, offset: 2, width: 2, auto: 'next', desc: 'EtherType of the payload (usually 0x8100, the customer tag)' },
    trailer: { abbrev: 'ieee8021ah.trailer', name: 'Trailer', type: 'BYTES', desc: 'Bytes after the payload that are not padding' },
  },
);

const TAG = 4;

/** Bytes a VLAN or 802.1ad tag encodes to around a payload of `payloadLength` bytes. */
export function vlanEncodingLength(input: VlanInput, payloadLength: number): number {
  return TAG + payloadLength + linkTailLength(input);
}

export interface VlanValue extends LinkTail {
  priority: number;
  dei: boolean;
  id: number;
  /** EtherType of the payload, or an 802.3 length (1500 or less; 802.1Q only). */
  etype: number;
}

export interface VlanInput {
  priority?: number;
  dei?: boolean;
  id?: number;
  /** Undefined: from the inner layer's `ethertype` binding. */
  etype?: number;
  /** Padding after the payload (eth.padding): written as given. */
  padding?: Uint8Array;
  trailer?: Uint8Array;
}

interface TagShape {
  name: string;
  shortName: string;
  table: FieldTable<'priority' | 'dei' | 'id' | 'etype' | 'trailer'>;
  keys: readonly number[];
  /** 802.1Q reads a value of 1500 or less as an 802.3 length; 802.1ad treats every value as an EtherType. */
  lengths: boolean;
  label(v: VlanValue): string;
  info(v: VlanValue): string;
}

function tagProtocol(shape: TagShape): Protocol<VlanValue, VlanInput> {
  const fixed = compileHeader(shape.table);
  const F = shape.table.fields;
  const lenDef = vlanTable.fields.len;
  return defineProtocol<VlanValue, VlanInput>({
    name: shape.name,
    shortName: shape.shortName,
    table: shape.table,
    bindings: shape.keys.map((key) => ({ table: 'ethertype', key })),
    decode(b: Uint8Array, start: number, end: number, ctx: DecodeContext): DecodeResult<VlanValue> {
      const v = { priority: 0, dei: false, id: 0, etype: 0 } as VlanValue;
      const raw: Record<string, unknown> = {};
      fixed.read(b, start, end, raw);
      if (typeof raw['priority'] === 'number') v.priority = raw['priority'];
      if (raw['dei'] !== undefined) v.dei = raw['dei'] === true || raw['dei'] === 1;
      if (typeof raw['id'] === 'number') v.id = raw['id'];
      if (typeof raw['etype'] === 'number') v.etype = raw['etype'];
      const avail = end - start;
      if (avail < TAG) {
        ctx.problems.push(
          problem(shape.name, 'truncated', start, end, `${shape.name === 'vlan' ? '802.1Q' : '802.1ad'} tag needs ${TAG} bytes, ${avail} present`, {
            field: avail < 2 ? `${shape.name}.id` : F.etype.abbrev,
            expected: TAG,
            actual: avail,
            limitedBy: 'frame.cap_len',
          }),
        );
        return { value: v, headerEnd: end, end };
      }
      const hdrEnd = start + TAG;
      if (shape.lengths && v.etype <= MAX_8023_LEN) {
        // 802.3 length: an LLC header follows (decoded as data); past the length is this tag's padding and trailer.
        const lenEnd = hdrEnd + v.etype;
        if (lenEnd > end && !(end === b.length && b.length < ctx.wireLen)) {
          ctx.problems.push(problem(shape.name, 'bad-length', start + 2, start + 4, `802.3 length ${v.etype} goes past the end of the payload (${end - hdrEnd} bytes)`, { field: lenDef.abbrev, expected: end - hdrEnd, actual: v.etype, limitedBy: 'eth' }));
        }
        const payloadEnd = Math.min(lenEnd, end);
        Object.assign(v, linkTail(b, ctx.wireLen, start, payloadEnd, end, 'none'));
        return { value: v, headerEnd: hdrEnd, end: payloadEnd, ...ieee8023Next(b, hdrEnd, payloadEnd) };
      }
      return { value: v, headerEnd: hdrEnd, end, next: [{ table: 'ethertype', key: v.etype }], ...(hdrEnd < end ? { via: 'ethertype' } : {}) };
    },
    complete(layer, innerEnd, ctx) {
      const v = layer.value;
      if (v.tailAt !== undefined || layer.headerEnd - layer.start < TAG || innerEnd >= layer.end) return v;
      const i = ctx.layers.indexOf(layer);
      const inner = i >= 0 ? ctx.layers[i + 1] : undefined;
      const from = inner ? claimedEnd(inner) : innerEnd;
      if (from >= layer.end) return v;
      const tail = linkTail(ctx.frame, ctx.wireLen, layer.start, from, layer.end, 'none');
      return tail.tailAt === undefined ? v : { priority: v.priority, dei: v.dei, id: v.id, etype: v.etype, ...tail };
    },
    tree(layer, ctx) {
      const v = layer.value;
      const out: FieldNode[] = [];
      for (const n of fixed.nodes(ctx.frame, layer.start, layer.headerEnd, v as unknown as Record<string, unknown>)) {
        if (n.def === F.etype && shape.lengths && v.etype <= MAX_8023_LEN) out.push({ ...n, def: lenDef });
        else if (n.def === F.dei && shape.name === 'ieee8021ad') out.push({ ...n, value: v.dei ? 1 : 0 });
        else out.push(n);
      }
      out.push(...linkTailNodes(v, F.trailer));
      return out;
    },
    label(layer) {
      return shape.label(layer.value);
    },
    summary(layer, ctx) {
      if (layer.headerEnd - layer.start < 2) return '';
      return onlyDataInside(ctx) ? shape.info(layer.value) : '';
    },
    encode(input: VlanInput, payload: Uint8Array, ctx: EncodeContext): Uint8Array {
      let etype = input.etype;
      if (etype === undefined) {
        const bind = ctx.inner?.proto.bindings?.find((x) => x.table === 'ethertype');
        etype = bind ? bind.key : shape.lengths ? payload.length : 0;
      }
      const padding = input.padding ?? new Uint8Array(0);
      const trailer = input.trailer ?? new Uint8Array(0);
      const out = new Uint8Array(vlanEncodingLength(input, payload.length));
      const id = input.id ?? 0;
      if (!Number.isInteger(id) || id < 0 || id > 0xfff) throw new EncodeError(F.id.abbrev, `${id} does not fit in 12 bits`);
      fixed.write(out, 0, { priority: input.priority ?? 0, dei: shape.name === 'vlan' ? (input.dei ?? false) : input.dei ? 1 : 0, id, etype });
      out.set(payload, TAG);
      out.set(padding, TAG + payload.length);
      out.set(trailer, TAG + payload.length + padding.length);
      return out;
    },
    toInput(layer) {
      const v = layer.value;
      return {
        priority: v.priority,
        dei: v.dei,
        id: v.id,
        etype: v.etype,
        ...(v.padding ? { padding: v.padding } : {}),
        ...(v.trailer ? { trailer: v.trailer } : {}),
      };
    },
  });
}

/** 802.1Q customer tag (0x8100) and the pre-standard Q-in-Q EtherType 0x9100. */
export const vlan = tagProtocol({
  name: 'vlan',
  shortName: 'VLAN',
  table: vlanTable,
  keys: [0x8100, 0x9100],
  lengths: true,
  label: (v) => `802.1Q Virtual LAN, PRI: ${v.priority}, DEI: ${v.dei ? 1 : 0}, ID: ${v.id}`,
  info: (v) => `PRI: ${v.priority}  DEI: ${v.dei ? 1 : 0}  ID: ${v.id}`,
});

/** 802.1ad service tag (0x88a8). */
export const ieee8021ad = tagProtocol({
  name: 'ieee8021ad',
  shortName: '802.1ad',
  table: ieee8021adTable,
  keys: [0x88a8],
  lengths: false,
  label: (v) => `IEEE 802.1ad, ID: ${v.id}`,
  info: (v) => `PRI: ${v.priority}  DROP: ${v.dei ? 1 : 0} ID: ${v.id}`,
});
