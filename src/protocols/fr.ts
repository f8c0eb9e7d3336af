/**
 * Frame Relay (LINKTYPE_FRELAY 107), with a 2-byte Q.922 address (DLCI, congestion bits). What follows the address
 * is, as tshark reads it: a control byte 0x03 (UI) and an NLPID (RFC 2427 / FRF.3.2: 0xcc IPv4, 0x8e IPv6), or else
 * a Cisco-style EtherType. Longer (3- and 4-byte) addresses are not decoded: the rest is data, with a note.
 */
import { EncodeError, problem } from '../core/problem.js';
import { bitPattern } from '../fields/format.js';
import { defineFields } from '../fields/types.js';
import type { FieldDef, FieldNode } from '../fields/types.js';
import { ETHERTYPES } from './ethernet.js';
import { defineProtocol } from './types.js';
import type { Binding } from './types.js';

const NLPIDS: Readonly<Record<number, string>> = { 0x00: 'NULL', 0x08: 'Q.933', 0x80: 'IEEE SNAP', 0x81: 'ISO 8473 CLNP', 0x82: 'ISO 9542 ESIS', 0x83: 'ISO 10589 ISIS', 0x8e: 'IPv6', 0xb0: 'Data Link Layer Mgmt', 0xc0: 'PPP', 0xcc: 'IP', 0xcf: 'PPP' };

export const frTable = defineFields(
  { abbrev: 'fr', name: 'Frame Relay', desc: 'A virtual-circuit WAN link layer: a data link connection identifier (DLCI) and congestion bits' },
  {
    first_addr_octet: { abbrev: 'fr.first_addr_octet', name: 'First address octet', type: 'UINT8', base: 'HEX', desc: 'Upper DLCI bits, command/response, extension' },
    upper_dlci: { abbrev: 'fr.upper_dlci', name: 'Upper DLCI', type: 'UINT8', base: 'HEX', bitmask: 0xfc, desc: 'High 6 bits of the DLCI' },
    cr: { abbrev: 'fr.cr', name: 'CR', type: 'BOOLEAN', bitmask: 0x02, tfs: ['Command', 'Response'], desc: 'Command/response bit' },
    ea: { abbrev: 'fr.ea', name: 'EA', type: 'BOOLEAN', bitmask: 0x01, tfs: ['Last Octet', 'More Follows'], desc: 'Address extension: set on the last address octet' },
    second_addr_octet: { abbrev: 'fr.second_addr_octet', name: 'Second address octet', type: 'UINT8', base: 'HEX', desc: 'Lower DLCI bits and congestion bits' },
    second_dlci: { abbrev: 'fr.second_dlci', name: 'Second DLCI', type: 'UINT8', base: 'HEX', bitmask: 0xf0, desc: 'Low 4 bits of the DLCI' },
    fecn: { abbrev: 'fr.fecn', name: 'FECN', type: 'BOOLEAN', bitmask: 0x08, tfs: ['True', 'False'], desc: 'Forward explicit congestion notification' },
    becn: { abbrev: 'fr.becn', name: 'BECN', type: 'BOOLEAN', bitmask: 0x04, tfs: ['True', 'False'], desc: 'Backward explicit congestion notification' },
    de: { abbrev: 'fr.de', name: 'DE', type: 'BOOLEAN', bitmask: 0x02, tfs: ['True', 'False'], desc: 'Discard eligibility: dropped first under congestion' },
    dlci: { abbrev: 'fr.dlci', name: 'DLCI', type: 'UINT32', base: 'DEC', desc: 'Data link connection identifier: which virtual circuit' },
    control: { abbrev: 'fr.control', name: 'Control Field', type: 'UINT8', base: 'HEX', desc: 'Q.922 control field (0x03: unnumbered information)' },
    nlpid: { abbrev: 'fr.nlpid', name: 'NLPID', type: 'UINT8', base: 'HEX', strings: NLPIDS, desc: 'Network layer protocol identifier (0xcc IPv4, 0x8e IPv6)' },
    chdlctype: { abbrev: 'fr.chdlctype', name: 'Type', type: 'UINT16', base: 'HEX', strings: ETHERTYPES, desc: 'EtherType of the payload (Cisco encapsulation)' },
  },
);

const F = frTable.fields;

export interface FrValue {
  /** The two address octets. */
  address: number;
  /** IETF (RFC 2427) encapsulation: the control byte and NLPID. */
  control?: number;
  nlpid?: number;
  /** Cisco encapsulation: the EtherType. */
  etype?: number;
}

export interface FrInput {
  /** The two address octets (default: DLCI 16, EA set). */
  address?: number;
  /** IETF: control (0x03) and NLPID; undefined NLPID with an IETF control: from the inner layer. */
  control?: number;
  nlpid?: number;
  /** Cisco: the EtherType; undefined: the inner layer's. */
  etype?: number;
}

function bit(def: FieldDef, at: number, byte: number, mask: number): FieldNode {
  let shift = 0;
  while (((mask >> shift) & 1) === 0) shift++;
  const value = (byte & mask) >> shift;
  if (def.type === 'BOOLEAN') return { def, start: at, len: 1, value: value !== 0, bitmask: mask };
  const digits = Math.max(1, Math.ceil((32 - Math.clz32(mask >> shift)) / 4));
  return { def, start: at, len: 1, value, bitmask: mask, text: `${bitPattern(mask, 1, byte)}${def.name}: 0x${value.toString(16).padStart(digits, '0')}` };
}

export const fr = defineProtocol<FrValue, FrInput>({
  name: 'fr',
  shortName: 'FR',
  table: frTable,
  bindings: [{ table: 'linktype', key: 107 }],
  decode(b, start, end, ctx) {
    const avail = end - start;
    const v: FrValue = { address: avail >= 2 ? (b[start]! << 8) | b[start + 1]! : avail === 1 ? b[start]! << 8 : 0 };
    if (avail < 2) {
      ctx.problems.push(problem('fr', 'truncated', start, end, `Frame Relay address needs 2 bytes, ${avail} present`, { field: 'fr.second_addr_octet', expected: 2, actual: avail, limitedBy: 'frame.cap_len' }));
      return { value: v, headerEnd: end, end };
    }
    if ((b[start]! & 1) !== 0 || (b[start + 1]! & 1) === 0) {
      ctx.problems.push({ ...problem('fr', 'unsupported', start, start + 2, 'only 2-byte Frame Relay addresses are decoded'), severity: 'note' });
      return { value: v, headerEnd: start + 2, end };
    }
    let at = start + 2;
    if (at < end && b[at] === 0x03) {
      v.control = 0x03;
      at++;
      if (at >= end) {
        ctx.problems.push(problem('fr', 'truncated', start, end, 'NLPID missing after the control field', { field: 'fr.nlpid', expected: 4, actual: avail, limitedBy: 'frame.cap_len' }));
        return { value: v, headerEnd: end, end };
      }
      v.nlpid = b[at]!;
      at++;
      const next: (Binding | { proto: string })[] = [{ table: 'fr.nlpid', key: v.nlpid }];
      if (v.nlpid === 0xcc) next.push({ proto: 'ip' });
      if (v.nlpid === 0x8e) next.push({ proto: 'ipv6' });
      return { value: v, headerEnd: at, end, next };
    }
    if (at + 2 > end) {
      ctx.problems.push(problem('fr', 'truncated', start, end, `Frame Relay type needs 4 bytes, ${avail} present`, { field: 'fr.chdlctype', expected: 4, actual: avail, limitedBy: 'frame.cap_len' }));
      return { value: v, headerEnd: end, end };
    }
    v.etype = (b[at]! << 8) | b[at + 1]!;
    return { value: v, headerEnd: at + 2, end, next: [{ table: 'ethertype', key: v.etype }] };
  },
  tree(layer) {
    const v = layer.value;
    const s = layer.start;
    const out: FieldNode[] = [];
    if (layer.headerEnd - s < 2) return out;
    const a = v.address >> 8;
    const c = v.address & 0xff;
    out.push({ def: F.first_addr_octet, start: s, len: 1, value: a, children: [bit(F.upper_dlci, s, a, 0xfc), bit(F.cr, s, a, 0x02), bit(F.ea, s, a, 0x01)] });
    out.push({
      def: F.second_addr_octet,
      start: s + 1,
      len: 1,
      value: c,
      text: `Second address octet: 0x${c.toString(16).padStart(2, '0')}${c & 1 ? ', EA' : ''}`,
      children: [bit(F.second_dlci, s + 1, c, 0xf0), bit(F.fecn, s + 1, c, 0x08), bit(F.becn, s + 1, c, 0x04), bit(F.de, s + 1, c, 0x02), bit(F.ea, s + 1, c, 0x01)],
    });
    if ((a & 1) !== 0 || (c & 1) === 0) return out;
    out.push({ def: F.dlci, start: s, len: 2, value: ((a >> 2) << 4) | (c >> 4) });
    if (v.control !== undefined) {
      out.push({ def: F.control, start: s + 2, len: 1, value: v.control, text: 'Control Field: U, func=UI (0x03)' });
      if (v.nlpid !== undefined) out.push({ def: F.nlpid, start: s + 3, len: 1, value: v.nlpid });
    } else if (v.etype !== undefined) out.push({ def: F.chdlctype, start: s + 2, len: 2, value: v.etype });
    return out;
  },
  encode(input, payload, ctx) {
    const address = input.address ?? 0x0401;
    if (!Number.isInteger(address) || address < 0 || address > 0xffff) throw new EncodeError('fr.dlci', `address ${address} does not fit in 2 bytes`);
    const ietf = input.control !== undefined || input.nlpid !== undefined;
    const inner = ctx.inner?.proto.name;
    let head: number[];
    if (ietf) {
      const nlpid = input.nlpid ?? (inner === 'ip' ? 0xcc : inner === 'ipv6' ? 0x8e : 0);
      if (!Number.isInteger(nlpid) || nlpid < 0 || nlpid > 255) throw new EncodeError('fr.nlpid', `${nlpid} does not fit in 8 bits`);
      head = [address >> 8, address & 0xff, input.control ?? 0x03, nlpid];
    } else {
      const etype = input.etype ?? ctx.inner?.proto.bindings?.find((x) => x.table === 'ethertype')?.key ?? 0;
      if (!Number.isInteger(etype) || etype < 0 || etype > 0xffff) throw new EncodeError('fr.chdlctype', `${etype} does not fit in 16 bits`);
      head = [address >> 8, address & 0xff, etype >> 8, etype & 0xff];
    }
    const out = new Uint8Array(head.length + payload.length);
    out.set(head, 0);
    out.set(payload, head.length);
    return out;
  },
  toInput(layer) {
    const v = layer.value;
    return { address: v.address, ...(v.control !== undefined ? { control: v.control, nlpid: v.nlpid ?? 0 } : {}), ...(v.etype !== undefined ? { etype: v.etype } : {}) };
  },
});
