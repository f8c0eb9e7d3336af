/**
 * IEEE 802.2 Logical-Link Control (LLC) and its SNAP extension (RFC 1042): the header that follows an 802.3 length
 * (Ethernet, 802.1Q), an FDDI or Token Ring MAC header, an ARCNET BACnet frame or a Linux cooked capture of
 * protocol type 4. DSAP and SSAP name the service access points; the control field (1 byte for unnumbered frames,
 * 2 bytes, little-endian, for information and supervisory frames) says what kind of frame it is. With DSAP = SSAP =
 * 0xAA, a SNAP header follows: an OUI and a protocol ID, an EtherType when the OUI is 00:00:00 (RFC 1042) or
 * 00:00:f8 (Cisco).
 * The payload of an information frame (I, or UI without the P bit) is dispatched on the EtherType (SNAP) or on
 * the DSAP (`llc.dsap`), as tshark 4.0 does; any other payload is data.
 */
import { problem, EncodeError } from '../core/problem.js';
import { bitPattern } from '../fields/format.js';
import { defineFields } from '../fields/types.js';
import type { FieldDef, FieldNode } from '../fields/types.js';
import { ETHERTYPES } from './ethernet.js';
import { defineProtocol } from './types.js';

/** SAP names (tshark's sap_vals: the SAP with its low bit clear, a few group variants). */
export const SAP_NAMES: Readonly<Record<number, string>> = {
  0x00: 'NULL LSAP',
  0x01: 'NULL LSAP',
  0x02: 'LLC Sub-Layer Management',
  0x04: 'SNA Path Control',
  0x06: 'TCP/IP',
  0x08: 'SNA',
  0x0c: 'SNA',
  0x0e: 'PROWAY (IEC955) Network Management and Initialization',
  0x10: 'NetWare (unofficial?)',
  0x14: 'ISO Network Layer (OSLAN 1)',
  0x18: 'Texas Instruments',
  0x20: 'ISO Network Layer (unofficial?)',
  0x34: 'ISO Network Layer (unofficial?)',
  0x42: 'Spanning Tree BPDU',
  0x4e: 'EIA RS-511 Manufacturing Message Service',
  0x54: 'ISO Network Layer (OSLAN 2)',
  0x7e: 'ISO 8208 (X.25 over 802.2)',
  0x7f: 'ISO 802.2',
  0x80: 'XNS',
  0x82: 'BACnet',
  0x86: 'Nestar',
  0x8e: 'PROWAY (IEC955) Active Station List Maintenance',
  0x98: 'ARP',
  0xaa: 'SNAP',
  0xb4: 'HP JetDirect Printer',
  0xba: 'Banyan Vines',
  0xbc: 'Banyan Vines',
  0xe0: 'NetWare',
  0xf0: 'NetBIOS',
  0xf4: 'IBM Net Management',
  0xf8: 'HP Extended LLC',
  0xfa: 'Ungermann-Bass',
  0xfc: 'Remote Program Load',
  0xfe: 'ISO Network Layer',
  0xff: 'Global LSAP',
};

/** Frame types (bits 0-1 of the control field). */
const FTYPES: Readonly<Record<number, string>> = { 0: 'Information frame', 1: 'Supervisory frame', 3: 'Unnumbered frame' };
/** Supervisory functions (bits 2-3). */
const STYPES: Readonly<Record<number, string>> = { 0: 'Receiver ready', 1: 'Receiver not ready', 2: 'Reject', 3: 'Selective reject' };
const STYPE_SHORT: Readonly<Record<number, string>> = { 0: 'RR', 1: 'RNR', 2: 'REJ', 3: 'SREJ' };
/** Unnumbered modifiers (control & 0xec), commands and responses: [short name, name]. */
const U_CMD: Readonly<Record<number, readonly [string, string]>> = {
  0x00: ['UI', 'Unnumbered Information'],
  0x20: ['UP', 'Unnumbered Poll'],
  0x40: ['DISC', 'Disconnect'],
  0x60: ['UA', 'Unnumbered Acknowledge'],
  0x80: ['SNRM', 'Set Normal Response Mode'],
  0xe0: ['TEST', 'Test'],
  0x04: ['SIM', 'Set Initialization Mode'],
  0x84: ['FRMR', 'Frame reject'],
  0xc4: ['CFGR', 'Configure'],
  0x0c: ['SARM', 'Set Asynchronous Response Mode'],
  0x2c: ['SABM', 'Set Asynchronous Balanced Mode'],
  0x4c: ['SARME', 'Set Asynchronous Response Mode Extended'],
  0x6c: ['SABME', 'Set Asynchronous Balanced Mode Extended'],
  0x8c: ['RESET', 'Reset'],
  0xac: ['XID', 'Exchange identification'],
  0xcc: ['SNRME', 'Set Normal Response Mode Extended'],
  0xec: ['BCN', 'Beacon'],
};
const U_RESP: Readonly<Record<number, readonly [string, string]>> = {
  ...U_CMD,
  0x40: ['RD', 'Request Disconnect'],
  0x04: ['RIM', 'Request Initialization Mode'],
  0x0c: ['DM', 'Disconnected mode'],
  // tshark's short response names have no SARM entry (DM takes 0x0c); the long ones keep SARME at 0x4c.
};
const byShifted = (t: Readonly<Record<number, readonly [string, string]>>): Record<number, string> =>
  Object.fromEntries(Object.entries(t).map(([k, v]) => [Number(k) >> 2, v[1]]));

/** Organisation codes tshark names in the SNAP header and Info (its manuf short names, for the common ones). */
export const OUI_NAMES: Readonly<Record<number, string>> = {
  0x000000: 'Officially Xerox, but',
  0x00000c: 'Cisco Systems, Inc',
  0x0000f8: 'Cisco 90-Compatible',
  0x0080c2: 'IEEE 802.1',
  0x00e02b: 'Extreme Networks, Inc.',
  0x080007: 'Apple, Inc.',
};

/** Cisco SNAP protocol IDs (OUI 00:00:0c, `llc.cisco_pid`). */
const CISCO_PIDS: Readonly<Record<number, string>> = {
  0x0102: 'DRiP',
  0x0104: 'PAgP',
  0x0111: 'UDLD',
  0x010b: 'PVSTP+',
  0x2000: 'CDP',
  0x2003: 'VTP',
  0x2004: 'DTP',
  0x200a: 'STP Uplink Fast',
  0x2010: 'WLCCP',
};

export const llcTable = defineFields(
  { abbrev: 'llc', name: 'Logical-Link Control', desc: 'IEEE 802.2 LLC: service access points and a control field, and a SNAP header naming the protocol carried' },
  {
    dsap: { abbrev: 'llc.dsap', name: 'DSAP', type: 'UINT8', base: 'HEX', strings: SAP_NAMES, offset: 0, width: 1, desc: 'Destination Service Access Point: which protocol on the receiver gets the frame (0xAA SNAP, 0x42 spanning tree, 0xFE OSI)' },
    dsap_sap: { abbrev: 'llc.dsap.sap', name: 'SAP', type: 'UINT8', base: 'CUSTOM', bitmask: 0xfe, desc: 'The SAP number (the upper seven bits)' },
    dsap_ig: { abbrev: 'llc.dsap.ig', name: 'IG Bit', type: 'BOOLEAN', bitmask: 0x01, tfs: ['Group', 'Individual'], desc: 'Individual (0) or group (1) destination SAP' },
    ssap: { abbrev: 'llc.ssap', name: 'SSAP', type: 'UINT8', base: 'HEX', strings: SAP_NAMES, offset: 1, width: 1, desc: 'Source Service Access Point: which protocol on the sender sent the frame' },
    ssap_sap: { abbrev: 'llc.ssap.sap', name: 'SAP', type: 'UINT8', base: 'CUSTOM', bitmask: 0xfe, desc: 'The SAP number (the upper seven bits)' },
    ssap_cr: { abbrev: 'llc.ssap.cr', name: 'CR Bit', type: 'BOOLEAN', bitmask: 0x01, tfs: ['Response', 'Command'], desc: 'Command (0) or response (1) frame' },
    control: { abbrev: 'llc.control', name: 'Control', type: 'UINT16', base: 'HEX', desc: 'Frame type and sequence numbers: 1 byte for unnumbered frames (UI = 0x03), 2 bytes (little-endian) for information and supervisory frames' },
    n_r: { abbrev: 'llc.control.n_r', name: 'N(R)', type: 'UINT16', base: 'DEC', bitmask: 0xfe00, desc: 'Receive sequence number: the next frame expected' },
    n_s: { abbrev: 'llc.control.n_s', name: 'N(S)', type: 'UINT16', base: 'DEC', bitmask: 0x00fe, desc: 'Send sequence number of this information frame' },
    p: { abbrev: 'llc.control.p', name: 'Poll', type: 'BOOLEAN', bitmask: 0x10, tfs: ['Set', 'Not set'], desc: 'Poll bit of a command: the receiver must answer' },
    p_ext: { abbrev: 'llc.control.p', name: 'Poll', type: 'BOOLEAN', bitmask: 0x0100, tfs: ['Set', 'Not set'], desc: 'Poll bit of a command: the receiver must answer' },
    f: { abbrev: 'llc.control.f', name: 'Final', type: 'BOOLEAN', bitmask: 0x10, tfs: ['Set', 'Not set'], desc: 'Final bit of a response: the answer to a poll' },
    f_ext: { abbrev: 'llc.control.f', name: 'Final', type: 'BOOLEAN', bitmask: 0x0100, tfs: ['Set', 'Not set'], desc: 'Final bit of a response: the answer to a poll' },
    s_ftype: { abbrev: 'llc.control.s_ftype', name: 'Supervisory frame type', type: 'UINT16', base: 'HEX', bitmask: 0x000c, strings: STYPES, desc: 'RR, RNR, REJ or SREJ' },
    u_modifier_cmd: { abbrev: 'llc.control.u_modifier_cmd', name: 'Command', type: 'UINT8', base: 'HEX', bitmask: 0xec, strings: byShifted(U_CMD), desc: 'What an unnumbered command frame asks (UI, XID, TEST, SABME ...)' },
    u_modifier_resp: { abbrev: 'llc.control.u_modifier_resp', name: 'Response', type: 'UINT8', base: 'HEX', bitmask: 0xec, strings: byShifted(U_RESP), desc: 'What an unnumbered response frame answers (UA, DM, FRMR ...)' },
    ftype_i: { abbrev: 'llc.control.ftype', name: 'Frame type', type: 'UINT16', base: 'HEX', bitmask: 0x0001, strings: FTYPES, desc: 'Information (0), supervisory (1) or unnumbered (3) frame' },
    ftype_s_u: { abbrev: 'llc.control.ftype', name: 'Frame type', type: 'UINT16', base: 'HEX', hexDigits: 2, bitmask: 0x03, strings: FTYPES, desc: 'Information (0), supervisory (1) or unnumbered (3) frame' },
    ftype_s_u_ext: { abbrev: 'llc.control.ftype', name: 'Frame type', type: 'UINT16', base: 'HEX', bitmask: 0x0003, strings: FTYPES, desc: 'Information (0), supervisory (1) or unnumbered (3) frame' },
    oui: { abbrev: 'llc.oui', name: 'Organization Code', type: 'UINT24', base: 'DEC', desc: 'SNAP: the organisation that defines the protocol ID (00:00:00 = the PID is an EtherType)' },
    type: { abbrev: 'llc.type', name: 'Type', type: 'UINT16', base: 'HEX', strings: ETHERTYPES, auto: 'next', desc: 'SNAP protocol ID read as an EtherType (0x0800 IPv4, 0x0806 ARP)' },
    pid: { abbrev: 'llc.pid', name: 'Protocol ID', type: 'UINT16', base: 'HEX', desc: 'SNAP protocol ID, defined by the organisation of the OUI' },
    cisco_pid: { abbrev: 'llc.cisco_pid', name: 'PID', type: 'UINT16', base: 'HEX', strings: CISCO_PIDS, desc: 'SNAP protocol ID of a Cisco protocol (CDP, VTP, DTP, UDLD ...)' },
  },
);

const F = llcTable.fields;
const SNAP = 0xaa;

export interface LlcValue {
  dsap: number;
  ssap: number;
  /** The control field (little-endian when 2 bytes); undefined when not captured. */
  control?: number;
  /** Bytes of the control field: 1 (unnumbered) or 2 (information, supervisory). */
  controlLength: 1 | 2;
  /** SNAP header (DSAP = SSAP = 0xAA). */
  oui?: number;
  pid?: number;
}

export interface LlcInput {
  /** Undefined: 0xAA (SNAP) when the payload has an EtherType, else the payload's `llc.dsap` binding. */
  dsap?: number;
  /** Undefined: the DSAP. */
  ssap?: number;
  /** Undefined: 0x03 (UI). A control of an information or supervisory frame is written in 2 bytes. */
  control?: number;
  /** SNAP: undefined = 0 (an EtherType follows). */
  oui?: number;
  /** SNAP: undefined = the inner layer's EtherType. */
  pid?: number;
}

/** The control field is an information or UI frame: the only ones whose payload is handed on. */
export function isInformation(control: number): boolean {
  return (control & 1) === 0 || control === 0x03;
}

/** Bytes of a control field whose first byte is `first`: unnumbered frames 1, others 2 (802.2 extended). */
function controlLengthOf(first: number): 1 | 2 {
  return (first & 3) === 3 ? 1 : 2;
}

/** tshark's text for a control field (`U, func=UI`, `S P, func=RR, N(R)=0`, `I, N(R)=1, N(S)=2`). */
export function controlText(control: number, response: boolean): string {
  switch (control & 3) {
    case 3: {
      const m = (response ? U_RESP : U_CMD)[control & 0xec]?.[0] ?? 'Unknown';
      return `U${control & 0x10 ? (response ? ' F' : ' P') : ''}, func=${m}`;
    }
    case 1:
      return `S${control & 0x100 ? (response ? ' F' : ' P') : ''}, func=${STYPE_SHORT[(control >> 2) & 3]}, N(R)=${control >> 9}`;
    default:
      return `I${control & 0x100 ? ' P' : ''}, N(R)=${control >> 9}, N(S)=${(control >> 1) & 0x7f}`;
  }
}

/** A bit-field node whose label shows the hex value with as many digits as the mask is wide (tshark's labels). */
function maskedNode(def: FieldDef, at: number, len: number, raw: number, mask: number): FieldNode {
  let shift = 0;
  while (((mask >> shift) & 1) === 0) shift++;
  const value = (raw & mask) >>> shift;
  const node: FieldNode = { def, start: at, len, value: def.type === 'BOOLEAN' ? value !== 0 : value, bitmask: mask };
  if (def.type === 'BOOLEAN' || def.base !== 'HEX') return node;
  const width = 32 - Math.clz32(mask >>> shift);
  const hex = `0x${value.toString(16).padStart(Math.max(1, Math.ceil(width / 4)), '0')}`;
  const name = def.strings?.[value];
  return { ...node, text: `${bitPattern(mask, len, raw)}${def.name}: ${name !== undefined ? `${name} (${hex})` : hex}` };
}

function sapNode(which: 'dsap' | 'ssap', at: number, sap: number): FieldNode {
  const def = F[which];
  const sub = which === 'dsap' ? F.dsap_sap : F.ssap_sap;
  const bit = which === 'dsap' ? F.dsap_ig : F.ssap_cr;
  return {
    def,
    start: at,
    len: 1,
    value: sap,
    children: [
      { def: sub, start: at, len: 1, value: sap >> 1, bitmask: 0xfe, text: `${bitPattern(0xfe, 1, sap)}SAP: ${SAP_NAMES[sap & 0xfe] ?? 'Unknown'}` },
      { def: bit, start: at, len: 1, value: (sap & 1) !== 0, bitmask: 0x01 },
    ],
  };
}

/** The field that shows the SNAP protocol ID, for an OUI: an EtherType (RFC 1042), a Cisco PID, or a plain PID. */
function pidField(oui: number, control: number): FieldDef {
  if (oui === 0x000000 || oui === 0x0000f8) return isInformation(control) ? F.type : F.pid;
  return oui === 0x00000c ? F.cisco_pid : F.pid;
}

export const llc = defineProtocol<LlcValue, LlcInput>({
  name: 'llc',
  shortName: 'LLC',
  table: llcTable,
  // Linux cooked protocol type 4 (LINUX_SLL_P_802_2). (Not bound to an EtherType: on Ethernet an 802.3 length
  // precedes LLC, and an encoder of the outer layer must write that length, not an EtherType.)
  bindings: [{ table: 'sll.ltype', key: 4 }],
  decode(b, start, end, ctx) {
    const avail = end - start;
    const v: LlcValue = { dsap: avail > 0 ? b[start]! : 0, ssap: avail > 1 ? b[start + 1]! : 0, controlLength: 1 };
    const cut = (need: number, field: string) => {
      ctx.problems.push(problem('llc', 'truncated', start, end, `LLC header needs ${need} bytes, ${avail} present`, { field, expected: need, actual: avail, limitedBy: 'eth.len' }));
      return { value: v, headerEnd: end, end };
    };
    if (avail < 3) return cut(3, avail < 1 ? 'llc.dsap' : avail < 2 ? 'llc.ssap' : 'llc.control');
    v.controlLength = controlLengthOf(b[start + 2]!);
    if (v.controlLength === 1) v.control = b[start + 2]!;
    else if (avail >= 4) v.control = b[start + 2]! | (b[start + 3]! << 8);
    else return cut(4, 'llc.control');
    let hdr = 2 + v.controlLength;
    const snap = v.dsap === SNAP && v.ssap === SNAP;
    if (snap) {
      // tshark reads the protocol ID first: a SNAP header cut short shows neither field.
      if (avail < hdr + 5) return cut(hdr + 5, avail < hdr + 3 ? 'llc.oui' : 'llc.pid');
      v.oui = (b[start + hdr]! << 16) | (b[start + hdr + 1]! << 8) | b[start + hdr + 2]!;
      v.pid = (b[start + hdr + 3]! << 8) | b[start + hdr + 4]!;
      hdr += 5;
      const etype = (v.oui === 0 || v.oui === 0xf8) && isInformation(v.control!);
      return { value: v, headerEnd: start + hdr, end, ...(etype ? { next: [{ table: 'ethertype', key: v.pid }] } : {}) };
    }
    // Non-SNAP: information frames go to the DSAP's protocol.
    return { value: v, headerEnd: start + hdr, end, ...(isInformation(v.control!) ? { next: [{ table: 'llc.dsap', key: v.dsap }] } : {}) };
  },
  tree(layer, ctx) {
    const v = layer.value;
    const s = layer.start;
    const out: FieldNode[] = [];
    const n = layer.headerEnd - s;
    if (n >= 1) out.push(sapNode('dsap', s, v.dsap));
    if (n >= 2) out.push(sapNode('ssap', s + 1, v.ssap));
    if (v.control === undefined || n < 2 + v.controlLength) return out;
    const c = v.control;
    const response = (v.ssap & 1) !== 0;
    const len = v.controlLength;
    const kids: FieldNode[] = [];
    const at = s + 2;
    // The 2-byte field is little-endian: bits are drawn over the value, not the bytes as they lie.
    const pf = (ext: boolean) => (ext ? (response ? F.f_ext : F.p_ext) : response ? F.f : F.p);
    if ((c & 3) === 3) {
      if (c & 0x10) kids.push(maskedNode(pf(false), at, 1, c, 0x10));
      kids.push(maskedNode(response ? F.u_modifier_resp : F.u_modifier_cmd, at, 1, c, 0xec));
      kids.push(maskedNode(F.ftype_s_u, at, 1, c, 0x03));
    } else if ((c & 3) === 1) {
      kids.push(maskedNode(F.n_r, at, 2, c, 0xfe00));
      if (c & 0x100) kids.push(maskedNode(pf(true), at, 2, c, 0x0100));
      kids.push(maskedNode(F.s_ftype, at, 2, c, 0x000c));
      kids.push(maskedNode(F.ftype_s_u_ext, at, 2, c, 0x0003));
    } else {
      kids.push(maskedNode(F.n_r, at, 2, c, 0xfe00));
      kids.push(maskedNode(F.n_s, at, 2, c, 0x00fe));
      if (c & 0x100) kids.push(maskedNode(F.p_ext, at, 2, c, 0x0100));
      kids.push(maskedNode(F.ftype_i, at, 2, c, 0x0001));
    }
    // Bit drawings of a little-endian field are over its value: the nodes carry them in their text.
    for (let i = 0; i < kids.length; i++) {
      const k = kids[i]!;
      if (k.text === undefined) kids[i] = { ...k, text: `${bitPattern(k.bitmask!, len, c)}${k.def.name}: ${k.value === true ? k.def.tfs![0] : k.value === false ? k.def.tfs![1] : String(k.value)}` };
    }
    const hex = c.toString(16).toUpperCase().padStart(2 * len, '0');
    out.push({ def: F.control, start: at, len, value: c, text: `Control field: ${controlText(c, response)} (0x${hex})`, children: kids });
    if (v.oui !== undefined && v.pid !== undefined) {
      const o = s + 2 + len;
      const ouiText = [v.oui >> 16, (v.oui >> 8) & 0xff, v.oui & 0xff].map((x) => x.toString(16).padStart(2, '0')).join(':');
      const name = OUI_NAMES[v.oui];
      // tshark 4.0 prints 00:00:00's manufacturer name cut off, without its closing parenthesis.
      out.push({ def: F.oui, start: o, len: 3, value: v.oui, text: `Organization Code: ${ouiText}${name ? ` (${name}${v.oui === 0 ? '' : ')'}` : ''}` });
      out.push({ def: pidField(v.oui, c), start: o + 3, len: 2, value: v.pid });
    }
    void ctx;
    return out;
  },
  summary(layer, ctx) {
    const v = layer.value;
    if (v.control === undefined) return '';
    const next = ctx.layers[ctx.index + 1];
    if (next && next.proto.name !== 'data') return '';
    const base = controlText(v.control, (v.ssap & 1) !== 0);
    if (v.oui !== undefined && v.pid !== undefined) {
      return `${base}; SNAP, OUI 0x${v.oui.toString(16).toUpperCase().padStart(6, '0')} (${OUI_NAMES[v.oui] ?? 'Unknown'}), PID 0x${v.pid.toString(16).toUpperCase().padStart(4, '0')}`;
    }
    if (v.dsap === SNAP && v.ssap === SNAP) return base;
    const sap = (x: number) => SAP_NAMES[x & 0xfe] ?? `0x${(x & 0xfe).toString(16).padStart(2, '0')}`;
    return `${base}; DSAP ${sap(v.dsap)} ${v.dsap & 1 ? 'Group' : 'Individual'}, SSAP ${sap(v.ssap)} ${v.ssap & 1 ? 'Response' : 'Command'}`;
  },
  encode(input, payload, ctx) {
    const etype = ctx.inner?.proto.bindings?.find((x) => x.table === 'ethertype');
    const sapBind = ctx.inner?.proto.bindings?.find((x) => x.table === 'llc.dsap');
    const dsap = input.dsap ?? (input.oui !== undefined || input.pid !== undefined || etype || !sapBind ? SNAP : sapBind.key);
    const ssap = input.ssap ?? dsap;
    const control = input.control ?? 0x03;
    for (const [name, val, max] of [
      ['llc.dsap', dsap, 0xff],
      ['llc.ssap', ssap, 0xff],
      ['llc.control', control, 0xffff],
    ] as const) {
      if (!Number.isInteger(val) || val < 0 || val > max) throw new EncodeError(name, `${val} does not fit`);
    }
    const clen = controlLengthOf(control & 0xff);
    if (clen === 1 && control > 0xff) throw new EncodeError('llc.control', `an unnumbered frame's control field is 1 byte, got 0x${control.toString(16)}`);
    const snap = dsap === SNAP && ssap === SNAP;
    const hdr = 2 + clen + (snap ? 5 : 0);
    const out = new Uint8Array(hdr + payload.length);
    out[0] = dsap;
    out[1] = ssap;
    out[2] = control & 0xff;
    if (clen === 2) out[3] = control >> 8;
    if (snap) {
      const oui = input.oui ?? 0;
      const pid = input.pid ?? etype?.key ?? 0;
      if (!Number.isInteger(oui) || oui < 0 || oui > 0xffffff) throw new EncodeError('llc.oui', `${oui} does not fit in 24 bits`);
      if (!Number.isInteger(pid) || pid < 0 || pid > 0xffff) throw new EncodeError('llc.pid', `${pid} does not fit in 16 bits`);
      const o = 2 + clen;
      out[o] = oui >> 16;
      out[o + 1] = (oui >> 8) & 0xff;
      out[o + 2] = oui & 0xff;
      out[o + 3] = pid >> 8;
      out[o + 4] = pid & 0xff;
    }
    out.set(payload, hdr);
    return out;
  },
  toInput(layer) {
    const v = layer.value;
    return { dsap: v.dsap, ssap: v.ssap, ...(v.control !== undefined ? { control: v.control } : {}), ...(v.oui !== undefined ? { oui: v.oui } : {}), ...(v.pid !== undefined ? { pid: v.pid } : {}) };
  },
});
