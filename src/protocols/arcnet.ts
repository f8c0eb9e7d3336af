/**
 * ARCNET link headers: LINKTYPE_ARCNET_LINUX (129: source, destination, the 2-byte hardware offset, protocol ID)
 * and LINKTYPE_ARCNET_BSD (7: no offset, but an RFC 1201 exception header may appear). RFC 1201 protocol IDs are
 * followed by a split flag and a sequence number; RFC 1051 ones (0xf0 IP, 0xf1 ARP), diagnostics and BACnet are not.
 * The protocol ID names the payload: IPv4, ARP/RARP, IPv6, BACnet (over 802.2 LLC).
 */
import { EncodeError, problem } from '../core/problem.js';
import { defineFields } from '../fields/types.js';
import type { FieldNode } from '../fields/types.js';
import { defineProtocol } from './types.js';
import type { Binding, Protocol } from './types.js';

export const ARCNET_PROTOCOLS: Readonly<Record<number, string>> = {
  0xf0: 'RFC 1051 IP',
  0xf1: 'RFC 1051 ARP',
  0xd4: 'RFC 1201 IP',
  0xd5: 'RFC 1201 ARP',
  0xd6: 'RFC 1201 RARP',
  0xfa: 'IPX',
  0xec: 'Novell of some sort',
  0xc4: 'IPv6',
  0xe8: 'Encapsulated Ethernet',
  0x00: 'Datapoint boot',
  0x01: 'Datapoint mount',
  0x08: 'PowerLAN beacon',
  0xf3: 'PowerLAN beacon2',
  0xdd: 'Appletalk',
  0xf7: 'Banyan VINES',
  0x80: 'Diagnose',
  0xcd: 'BACnet',
};

export const arcnetTable = defineFields(
  { abbrev: 'arcnet', name: 'ARCNET', desc: 'The link layer of an ARCNET token bus: one-byte station addresses and a protocol ID' },
  {
    src: { abbrev: 'arcnet.src', name: 'Source', type: 'UINT8', base: 'HEX', desc: 'Station ID of the sender (1-255)' },
    dst: { abbrev: 'arcnet.dst', name: 'Dest', type: 'UINT8', base: 'HEX', desc: 'Station ID of the receiver (0 = broadcast)' },
    offset: { abbrev: 'arcnet.offset', name: 'Offset', type: 'BYTES', desc: 'Where the data starts in the hardware buffer (Linux captures keep it)' },
    protID: { abbrev: 'arcnet.protID', name: 'Protocol ID', type: 'UINT8', base: 'HEX', strings: ARCNET_PROTOCOLS, auto: 'next', desc: 'What the payload is (0xd4/0xf0 IPv4, 0xd5/0xf1 ARP, 0xcd BACnet)' },
    exception_flag: { abbrev: 'arcnet.exception_flag', name: 'Exception Flag', type: 'UINT8', base: 'HEX', desc: 'RFC 1201 exception packet (0xff): padding and the protocol ID again follow' },
    padding: { abbrev: 'arcnet.padding', name: 'Padding', type: 'UINT16', base: 'HEX', desc: 'Padding of an exception packet' },
    split_flag: { abbrev: 'arcnet.split_flag', name: 'Split Flag', type: 'UINT8', base: 'DEC', desc: 'RFC 1201 fragmentation: 0 for an unfragmented packet' },
    sequence: { abbrev: 'arcnet.sequence', name: 'Sequence', type: 'UINT16', base: 'DEC', desc: 'RFC 1201 packet sequence number' },
  },
);

const F = arcnetTable.fields;
/** Protocol IDs without RFC 1201 fragmentation fields. */
const NO_SPLIT = new Set([0xf0, 0xf1, 0x80, 0xcd]);
const NEXT: Readonly<Record<number, string>> = { 0xf0: 'ip', 0xd4: 'ip', 0xf1: 'arp', 0xd5: 'arp', 0xd6: 'arp', 0xc4: 'ipv6', 0xcd: 'llc' };

export interface ArcnetValue {
  src: number;
  dst: number;
  /** Linux captures: the 2 offset bytes. */
  offset?: Uint8Array;
  protID: number;
  /** BSD exception packets: padding and the repeated protocol ID. */
  exception?: { padding: number; protID: number };
  /** RFC 1201 fragmentation fields. */
  split?: number;
  sequence?: number;
}

export interface ArcnetInput {
  src?: number;
  dst?: number;
  /** Linux: default 2 zero bytes. */
  offset?: Uint8Array;
  /** Undefined: from the inner layer (RFC 1201 IPv4 0xd4, ARP 0xd5, IPv6 0xc4). */
  protID?: number;
  exception?: { padding: number; protID: number };
  split?: number;
  sequence?: number;
}

function arcnetProtocol(linux: boolean): Protocol<ArcnetValue, ArcnetInput> {
  const base = linux ? 5 : 3;
  return defineProtocol<ArcnetValue, ArcnetInput>({
    name: 'arcnet',
    shortName: 'ARCNET',
    table: arcnetTable,
    bindings: [{ table: 'linktype', key: linux ? 129 : 7 }],
    decode(b, start, end, ctx) {
      const avail = end - start;
      const v: ArcnetValue = { src: avail > 0 ? b[start]! : 0, dst: avail > 1 ? b[start + 1]! : 0, protID: avail >= base ? b[start + base - 1]! : 0 };
      if (linux && avail >= 4) v.offset = b.subarray(start + 2, start + 4);
      const cut = (need: number, field: string) => {
        ctx.problems.push(problem('arcnet', 'truncated', start, end, `ARCNET header needs ${need} bytes, ${avail} present`, { field, expected: need, actual: avail, limitedBy: 'frame.cap_len' }));
        return { value: v, headerEnd: end, end };
      };
      if (avail < base) return cut(base, avail < 1 ? 'arcnet.src' : avail < 2 ? 'arcnet.dst' : linux && avail < 4 ? 'arcnet.offset' : 'arcnet.protID');
      let at = start + base;
      if (!NO_SPLIT.has(v.protID)) {
        if (at >= end) return cut(at - start + 3, 'arcnet.split_flag');
        if (!linux && b[at] === 0xff) {
          if (at + 4 > end) return cut(at - start + 7, 'arcnet.padding');
          v.exception = { padding: (b[at + 1]! << 8) | b[at + 2]!, protID: b[at + 3]! };
          at += 4;
        }
        if (at + 3 > end) return cut(at - start + 3, 'arcnet.sequence');
        v.split = b[at]!;
        v.sequence = (b[at + 1]! << 8) | b[at + 2]!;
        at += 3;
      }
      const next: (Binding | { proto: string })[] = [{ table: 'arcnet.protocol_id', key: v.protID }];
      const name = NEXT[v.protID];
      if (name) next.push({ proto: name });
      return { value: v, headerEnd: at, end, next };
    },
    tree(layer) {
      const v = layer.value;
      let at = layer.start;
      const out: FieldNode[] = [];
      const n = layer.headerEnd - at;
      if (n < 1) return out;
      out.push({ def: F.src, start: at, len: 1, value: v.src });
      if (n < 2) return out;
      out.push({ def: F.dst, start: at + 1, len: 1, value: v.dst });
      at += 2;
      if (v.offset) {
        out.push({ def: F.offset, start: at, len: 2, value: v.offset, text: `Offset: ${[...v.offset].map((x) => x.toString(16).padStart(2, '0')).join('')}` });
        at += 2;
      }
      if (at >= layer.headerEnd) return out;
      out.push({ def: F.protID, start: at, len: 1, value: v.protID });
      at += 1;
      if (v.exception) {
        out.push({ def: F.exception_flag, start: at, len: 1, value: 0xff });
        out.push({ def: F.padding, start: at + 1, len: 2, value: v.exception.padding });
        out.push({ def: F.protID, start: at + 3, len: 1, value: v.exception.protID });
        at += 4;
      }
      if (v.split !== undefined) {
        out.push({ def: F.split_flag, start: at, len: 1, value: v.split });
        out.push({ def: F.sequence, start: at + 1, len: 2, value: v.sequence ?? 0 });
      }
      return out;
    },
    label() {
      return 'ARCNET';
    },
    summary(layer, ctx) {
      const next = ctx.layers[ctx.index + 1];
      return !next || next.proto.name === 'data' ? 'ARCNET' : '';
    },
    encode(input, payload, ctx) {
      const inner = ctx.inner?.proto.name;
      const protID = input.protID ?? (inner === 'ip' ? 0xd4 : inner === 'arp' ? 0xd5 : inner === 'ipv6' ? 0xc4 : inner === 'llc' ? 0xcd : 0);
      const split = NO_SPLIT.has(protID) ? undefined : (input.split ?? 0);
      for (const [name, val, max] of [
        ['arcnet.src', input.src ?? 0, 0xff],
        ['arcnet.dst', input.dst ?? 0, 0xff],
        ['arcnet.protID', protID, 0xff],
        ['arcnet.split_flag', split ?? 0, 0xff],
        ['arcnet.sequence', input.sequence ?? 0, 0xffff],
      ] as const) {
        if (!Number.isInteger(val) || val < 0 || val > max) throw new EncodeError(name, `${val} does not fit`);
      }
      const offset = input.offset ?? new Uint8Array(2);
      if (linux && offset.length !== 2) throw new EncodeError('arcnet.offset', `the offset is 2 bytes, got ${offset.length}`);
      const hdr = base + (input.exception && !linux ? 4 : 0) + (split !== undefined ? 3 : 0);
      const out = new Uint8Array(hdr + payload.length);
      out[0] = input.src ?? 0;
      out[1] = input.dst ?? 0;
      if (linux) out.set(offset, 2);
      out[base - 1] = protID;
      let at = base;
      if (input.exception && !linux) {
        out[at] = 0xff;
        out[at + 1] = input.exception.padding >> 8;
        out[at + 2] = input.exception.padding & 0xff;
        out[at + 3] = input.exception.protID;
        at += 4;
      }
      if (split !== undefined) {
        out[at] = split;
        out[at + 1] = (input.sequence ?? 0) >> 8;
        out[at + 2] = (input.sequence ?? 0) & 0xff;
        at += 3;
      }
      out.set(payload, at);
      return out;
    },
    toInput(layer) {
      const v = layer.value;
      return {
        src: v.src,
        dst: v.dst,
        ...(v.offset ? { offset: v.offset } : {}),
        protID: v.protID,
        ...(v.exception ? { exception: v.exception } : {}),
        ...(v.split !== undefined ? { split: v.split, sequence: v.sequence ?? 0 } : {}),
      };
    },
  });
}

/** LINKTYPE_ARCNET_LINUX (129). */
export const arcnetLinux = arcnetProtocol(true);
/** LINKTYPE_ARCNET_BSD (7). */
export const arcnetBsd = arcnetProtocol(false);
