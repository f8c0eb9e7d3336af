/**
 * FDDI (LINKTYPE_FDDI 10): a frame control byte and two MAC addresses, then (for asynchronous LLC frames) an
 * IEEE 802.2 LLC header. libpcap stores FDDI addresses in the ring's bit order; tshark (WTAP_ENCAP_FDDI_BITSWAPPED)
 * shows them with the bits of each byte reversed, and so do we (the raw address rebuilds the same bytes).
 */
import { macToString } from '../core/addr.js';
import { EncodeError, problem } from '../core/problem.js';
import { parseMAC } from '../core/addr.js';
import { bitPattern } from '../fields/format.js';
import { defineFields } from '../fields/types.js';
import type { FieldNode } from '../fields/types.js';
import { onlyDataInside } from './ethernet.js';
import { defineProtocol } from './types.js';

/** Class/length/format values (the upper 4 bits of the frame control). */
const CLF: Readonly<Record<number, string>> = {
  0x0: 'Void',
  0x4: 'SMT',
  0x5: 'Async LLC',
  0x6: 'Implementor Async',
  0x8: 'Nonrestricted Token',
  0xc: 'MAC',
  0xd: 'Sync LLC',
  0xe: 'Implementor Sync',
};

export const fddiTable = defineFields(
  { abbrev: 'fddi', name: 'Fiber Distributed Data Interface', desc: 'The MAC header of an FDDI token ring: frame control, then destination and source addresses' },
  {
    fc: { abbrev: 'fddi.fc', name: 'Frame Control', type: 'UINT8', base: 'HEX', offset: 0, width: 1, desc: 'What kind of frame this is (0x50-0x57: asynchronous LLC with a priority, 0x41 SMT, 0xc2 beacon ...)' },
    fc_clf: { abbrev: 'fddi.fc.clf', name: 'Class/Length/Format', type: 'UINT8', base: 'HEX', bitmask: 0xf0, strings: CLF, desc: 'Frame class: token, SMT, MAC, LLC (asynchronous or synchronous), implementor' },
    fc_prio: { abbrev: 'fddi.fc.prio', name: 'Priority', type: 'UINT8', base: 'DEC', bitmask: 0x07, desc: 'Priority of an asynchronous LLC frame (0-7)' },
    fc_smt_subtype: { abbrev: 'fddi.fc.smt_subtype', name: 'SMT Subtype', type: 'UINT8', base: 'DEC', bitmask: 0x0f, strings: { 1: 'Info', 15: 'Next Station Address' }, desc: 'Kind of station management frame' },
    fc_mac_subtype: { abbrev: 'fddi.fc.mac_subtype', name: 'MAC Subtype', type: 'UINT8', base: 'DEC', bitmask: 0x0f, strings: { 2: 'Beacon', 3: 'Claim' }, desc: 'Kind of MAC frame (beacon, claim token)' },
    dst: { abbrev: 'fddi.dst', name: 'Destination', type: 'ETHER', desc: 'MAC address of the station the frame is for, in canonical (bit-swapped) order' },
    src: { abbrev: 'fddi.src', name: 'Source', type: 'ETHER', desc: 'MAC address of the sending station, in canonical (bit-swapped) order' },
    addr: { abbrev: 'fddi.addr', name: 'Source or Destination Address', type: 'ETHER', desc: 'Either address (for filters)' },
  },
);

const F = fddiTable.fields;
const HDR = 13;

/** Reverse the bits of every byte (FDDI and Token Ring address order vs canonical order). */
export function bitSwap(b: Uint8Array): Uint8Array {
  const out = new Uint8Array(b.length);
  for (let i = 0; i < b.length; i++) {
    let x = b[i]!;
    let r = 0;
    for (let k = 0; k < 8; k++) {
      r = (r << 1) | (x & 1);
      x >>= 1;
    }
    out[i] = r;
  }
  return out;
}

/** tshark's description of a frame control value. */
export function fcText(fc: number): string {
  switch (fc) {
    case 0x00:
      return 'Void frame';
    case 0x80:
      return 'Nonrestricted token';
    case 0xc0:
      return 'Restricted token';
    case 0x41:
      return 'SMT info';
    case 0x4f:
      return 'SMT Next station address';
    case 0xc2:
      return 'MAC beacon';
    case 0xc3:
      return 'MAC claim token';
  }
  const z = (fc & 0x0f).toString(16);
  switch (fc & 0xf0) {
    case 0xc0:
      return `MAC frame, control ${z}`;
    case 0x40:
      return `SMT frame, control ${z}`;
    case 0x50:
      return fc & 0x08 ? `Async LLC frame, control ${z}` : `Async LLC frame, priority ${fc & 7}`;
    case 0xd0:
      return fc & 0x0f ? `Sync LLC frame, control ${z}` : 'Sync LLC frame';
    case 0x60:
      return `Implementor async frame, control ${z}`;
    case 0xe0:
      return `Implementor sync frame, control ${z}`;
    default:
      return 'Unknown frame type';
  }
}

export interface FddiValue {
  fc: number;
  /** Addresses as tshark shows them (canonical order: the captured bytes bit-swapped). */
  dst: string;
  src: string;
}

export interface FddiInput {
  /** Undefined: 0x50 (asynchronous LLC, priority 0). */
  fc?: number;
  /** Canonical order, as shown; written bit-swapped. */
  dst?: string;
  src?: string;
}

function swappedMac(b: Uint8Array, at: number): string {
  return macToString(bitSwap(b.subarray(at, at + 6)), 0);
}

export const fddi = defineProtocol<FddiValue, FddiInput>({
  name: 'fddi',
  shortName: 'FDDI',
  table: fddiTable,
  bindings: [{ table: 'linktype', key: 10 }],
  decode(b, start, end, ctx) {
    const avail = end - start;
    const v: FddiValue = { fc: avail > 0 ? b[start]! : 0, dst: '', src: '' };
    if (avail >= 7) v.dst = swappedMac(b, start + 1);
    if (avail >= 13) v.src = swappedMac(b, start + 7);
    if (avail < HDR) {
      ctx.problems.push(problem('fddi', 'truncated', start, end, `FDDI header needs ${HDR} bytes, ${avail} present`, { field: avail < 1 ? 'fddi.fc' : avail < 7 ? 'fddi.dst' : 'fddi.src', expected: HDR, actual: avail, limitedBy: 'frame.cap_len' }));
      return { value: v, headerEnd: end, end };
    }
    // Only asynchronous LLC frames carry an LLC header (tshark: 0x50-0x5f); anything else is data.
    const llcFrame = (v.fc & 0xf0) === 0x50;
    return { value: v, headerEnd: start + HDR, end, ...(llcFrame ? { next: [{ proto: 'llc' }] } : {}) };
  },
  tree(layer) {
    const v = layer.value;
    const s = layer.start;
    const n = layer.headerEnd - s;
    const out: FieldNode[] = [];
    if (n < 1) return out;
    const kids: FieldNode[] = [{ def: F.fc_clf, start: s, len: 1, value: v.fc >> 4, bitmask: 0xf0, text: `${bitPattern(0xf0, 1, v.fc)}Class/Length/Format: ${CLF[v.fc >> 4] ?? 'Unknown'} (0x${(v.fc >> 4).toString(16)})` }];
    const cls = v.fc & 0xf0;
    if (cls === 0x40) kids.push({ def: F.fc_smt_subtype, start: s, len: 1, value: v.fc & 0x0f, bitmask: 0x0f });
    else if (cls === 0xc0 && v.fc !== 0xc0) kids.push({ def: F.fc_mac_subtype, start: s, len: 1, value: v.fc & 0x0f, bitmask: 0x0f });
    else if (cls === 0x50 && !(v.fc & 0x08)) kids.push({ def: F.fc_prio, start: s, len: 1, value: v.fc & 0x07, bitmask: 0x07 });
    out.push({ def: F.fc, start: s, len: 1, value: v.fc, text: `Frame Control: 0x${v.fc.toString(16).padStart(2, '0')} (${fcText(v.fc)})`, children: kids });
    // tshark adds each address twice more, hidden (bit-swapped "just in case": the same text once swapped back).
    for (const [def, at, mac] of [
      [F.dst, s + 1, v.dst],
      [F.src, s + 7, v.src],
    ] as const) {
      if (at + 6 > layer.headerEnd) break;
      out.push({ def, start: at, len: 6, value: mac });
      out.push({ def: F.addr, start: at, len: 6, value: mac, hidden: true });
      out.push({ def, start: at, len: 6, value: mac, hidden: true });
      out.push({ def: F.addr, start: at, len: 6, value: mac, hidden: true });
    }
    return out;
  },
  label(layer) {
    return layer.headerEnd > layer.start ? `Fiber Distributed Data Interface, ${fcText(layer.value.fc)}` : 'Fiber Distributed Data Interface';
  },
  summary(layer, ctx) {
    if (layer.headerEnd - layer.start < 1) return '';
    return onlyDataInside(ctx) ? fcText(layer.value.fc) : '';
  },
  encode(input, payload) {
    const fc = input.fc ?? 0x50;
    if (!Number.isInteger(fc) || fc < 0 || fc > 0xff) throw new EncodeError('fddi.fc', `${fc} does not fit in 8 bits`);
    const out = new Uint8Array(HDR + payload.length);
    out[0] = fc;
    for (const [name, text, at] of [
      ['fddi.dst', input.dst ?? 'ff:ff:ff:ff:ff:ff', 1],
      ['fddi.src', input.src ?? '00:00:00:00:00:00', 7],
    ] as const) {
      const mac = parseMAC(text);
      if (!mac) throw new EncodeError(name, `not a MAC address: ${text}`);
      out.set(bitSwap(mac), at);
    }
    out.set(payload, HDR);
    return out;
  },
  toInput(layer) {
    const v = layer.value;
    return { fc: v.fc, dst: v.dst, src: v.src };
  },
});
