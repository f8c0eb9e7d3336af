/**
 * The DHCP field tree, built on demand from the message bytes in the order and shape `tshark -V` shows it
 * (tshark 4.0's packet-dhcp.c: a first pass for the message type, overload and RFC 3396 counts, then the tree).
 */
import { ipv4ToString, macToString } from '../../core/addr.js';
import { toHex } from '../../core/bytes.js';
import type { FieldDef, FieldNode, FieldValue } from '../../fields/types.js';
import {
  AGENT_SUBOPTIONS, BASIC_OPTIONS, CHADDR_OFFSET, CLIENT_ARCH, COOKIE_OFFSET, DUID_TYPES, ENTERPRISES, F, FILE_LEN,
  FILE_OFFSET, HW_TYPES, MAGIC_COOKIE, MESSAGE_TYPES, OPTION_NAMES, SNAME_LEN, SNAME_OFFSET, VENDOR_LEN, dhcpTable,
} from './table.js';
import { readDnsName, scanArea } from './options.js';
import type { ScannedArea } from './options.js';

type MNode = { -readonly [P in keyof FieldNode]: FieldNode[P] };

/** tshark's text of an ASCII string field: bytes up to the first NUL, non-ASCII bytes as U+FFFD. */
export function asciiText(b: Uint8Array, start: number, end: number): string {
  let s = '';
  for (let i = start; i < end; i++) {
    const c = b[i]!;
    if (c === 0) break;
    s += c < 0x80 ? String.fromCharCode(c) : '\ufffd';
  }
  return s;
}

function bits(n: number): string {
  return n.toString(2).padStart(4, '0');
}

function plural(n: number, unit: string): string {
  return `${n} ${unit}${n === 1 ? '' : 's'}`;
}

/** Wireshark's time_secs_to_str: `195 days, 16 hours, 57 minutes, 40 seconds`, `-5 hours`, `0 seconds`. */
export function timeSecsText(v: number): string {
  if (v === 0) return '0 seconds';
  let sign = v < 0 ? '-' : '';
  let t = Math.abs(v);
  const secs = t % 60;
  t = Math.floor(t / 60);
  const mins = t % 60;
  t = Math.floor(t / 60);
  const hours = t % 24;
  const days = Math.floor(t / 24);
  const parts: string[] = [];
  for (const [n, unit] of [[days, 'day'], [hours, 'hour'], [mins, 'minute'], [secs, 'second']] as const) {
    if (n === 0) continue;
    parts.push(sign + plural(n, unit));
    sign = '';
  }
  return parts.join(', ');
}

/** `Unknown Message Type (0x63)` for codes tshark has no name for. */
export function messageTypeName(t: number): string {
  return MESSAGE_TYPES[t] ?? `Unknown Message Type (0x${t.toString(16).padStart(2, '0')})`;
}

function hwAddrText(b: Uint8Array, off: number, len: number, htype: number): string {
  if (len === 0) return '<No address>';
  if ((htype === 1 || htype === 6) && len === 6) return macToString(b, off, 6);
  return toHex(b, off, off + len);
}

function node(def: FieldDef, start: number, len: number, value: FieldValue, extra?: Partial<FieldNode>): MNode {
  return { def, start, len, value, ...extra };
}

/** What the first pass over the main options learns (tshark: message type, overload, RFC 3396 block counts). */
export interface FirstPass {
  /** Where the options start (after the cookie, or after the 64-byte BOOTP vendor area). */
  voff: number;
  cookie: boolean;
  /** Name of the last complete message type option, if any (the message is then DHCP, not BOOTP). */
  messageType?: string;
  overload: number;
  searchBlocks: number;
  /** Text of the last vendor class identifier (option 60): tshark picks option 43's format by it. */
  vendorClass?: string;
  /** The main options as scanned (empty when they start at or after the end). */
  scan: ScannedArea;
}

export function firstPass(b: Uint8Array, s: number, e: number): FirstPass {
  const cookie = s + COOKIE_OFFSET + 4 <= e && ((b[s + 236]! << 24) | (b[s + 237]! << 16) | (b[s + 238]! << 8) | b[s + 239]!) >>> 0 === MAGIC_COOKIE;
  const voff = s + COOKIE_OFFSET + (cookie ? 4 : VENDOR_LEN);
  const fp: FirstPass = { voff, cookie, overload: 0, searchBlocks: 0, scan: { instances: [], ended: false, next: voff } };
  if (voff >= e) return fp;
  fp.scan = scanArea(b, voff, e);
  for (const x of fp.scan.instances) {
    if (x.type !== 'tlv') continue;
    // tshark reads the byte after the length even for an empty option 52/53 (when it was captured)
    const first = x.start + 2 < e ? b[x.start + 2]! : undefined;
    if (x.code === 52 && first !== undefined) fp.overload = first;
    else if (x.code === 53 && first !== undefined) fp.messageType = messageTypeName(first);
    else if (x.code === 119) fp.searchBlocks++;
    else if (x.code === 60) fp.vendorClass = asciiText(x.data, 0, x.data.length);
  }
  return fp;
}

interface WalkState {
  fp: FirstPass;
  /** Suffixes appended to the protocol node's label (` (Discover)`). */
  protoSuffix: string[];
  /** RFC 3396 domain search state: index of the current block, and the data so far. */
  searchIndex: number;
  searchData: Uint8Array[];
  top: boolean;
  /** tshark would have thrown: stop adding nodes. */
  stopped: boolean;
}

/** The nodes of the DHCP header and options for a message in [s, e) of the frame. */
export function dhcpNodes(b: Uint8Array, s: number, e: number): { nodes: FieldNode[]; protoSuffix: string } {
  const out: MNode[] = [];
  const fp = firstPass(b, s, e);
  const st: WalkState = { fp, protoSuffix: [], searchIndex: 0, searchData: [], top: true, stopped: false };
  const has = (off: number, len: number) => s + off + len <= e;
  const u8 = (off: number) => b[s + off]!;
  if (has(0, 1)) out.push(node(F.op, s, 1, u8(0)));
  if (has(1, 1)) out.push(node(F.htype, s + 1, 1, u8(1)));
  if (has(2, 1)) out.push(node(F.hlen, s + 2, 1, u8(2)));
  if (has(3, 1)) out.push(node(F.hops, s + 3, 1, u8(3)));
  if (has(4, 4)) out.push(node(F.xid, s + 4, 4, ((u8(4) << 24) | (u8(5) << 16) | (u8(6) << 8) | u8(7)) >>> 0));
  if (has(8, 2)) {
    const le = u8(8) | (u8(9) << 8);
    // Windows sends secs little-endian: tshark shows the LE value when it is 1..255.
    out.push(node(F.secs, s + 8, 2, le > 0 && le <= 0xff ? le : (u8(8) << 8) | u8(9)));
  }
  if (has(10, 2)) {
    const flags = (u8(10) << 8) | u8(11);
    const bc = (flags & 0x8000) !== 0;
    out.push(
      node(F.flags, s + 10, 2, flags, {
        text: `Bootp flags: 0x${flags.toString(16).padStart(4, '0')}${bc ? ', Broadcast flag' : ''} (${bc ? 'Broadcast' : 'Unicast'})`,
        children: [node(F.broadcast, s + 10, 2, bc, { bitmask: 0x8000 }), node(F.flagsReserved, s + 10, 2, flags & 0x7fff, { bitmask: 0x7fff })],
      }),
    );
  }
  const addrs = [F.ciaddr, F.yiaddr, F.siaddr, F.giaddr];
  addrs.forEach((def, k) => {
    if (has(12 + 4 * k, 4)) out.push(node(def, s + 12 + 4 * k, 4, ipv4ToString(b, s + 12 + 4 * k)));
  });
  if (!has(CHADDR_OFFSET, 16)) return { nodes: out, protoSuffix: '' };
  const htype = u8(1);
  const hlen = u8(2);
  const ch = s + CHADDR_OFFSET;
  if (hlen > 0 && hlen <= 16) {
    if ((htype === 1 || htype === 6) && hlen === 6) out.push(node(F.mac_addr, ch, 6, macToString(b, ch, 6)));
    else out.push(node(F.hw_addr, ch, 16, b.subarray(ch, ch + 16), { text: `${F.hw_addr.name}: ${hwAddrText(b, ch, hlen, htype)}` }));
    if (hlen < 16) out.push(node(F.hw_addr_padding, ch + hlen, 16 - hlen, b.subarray(ch + hlen, ch + 16)));
  } else out.push(node(dhcpTable.proto, ch, 16, null, { text: 'Client address not given' }));
  if (!has(SNAME_OFFSET, SNAME_LEN)) return { nodes: out, protoSuffix: '' };
  const sn = s + SNAME_OFFSET;
  if (fp.overload & 2) out.push(node(dhcpTable.proto, sn, SNAME_LEN, null, { text: 'Server name option overloaded by DHCP' }));
  else if (b[sn] !== 0) out.push(node(F.sname, sn, SNAME_LEN, asciiText(b, sn, sn + SNAME_LEN)));
  else out.push(node(F.sname, sn, SNAME_LEN, '', { text: 'Server host name not given' }));
  if (!has(FILE_OFFSET, FILE_LEN)) return { nodes: out, protoSuffix: '' };
  const fl = s + FILE_OFFSET;
  if (fp.overload & 1) out.push(node(dhcpTable.proto, fl, FILE_LEN, null, { text: 'Boot file name option overloaded by DHCP' }));
  else if (b[fl] !== 0) out.push(node(F.file, fl, FILE_LEN, asciiText(b, fl, fl + FILE_LEN)));
  else out.push(node(F.file, fl, FILE_LEN, '', { text: 'Boot file name not given' }));
  if (!fp.messageType) out.push(node(F.bootp, s, 0, true, { hidden: true }));
  const cs = s + COOKIE_OFFSET;
  if (fp.cookie) out.push(node(F.cookie, cs, 4, ipv4ToString(b, cs), { text: 'Magic cookie: DHCP' }));
  else {
    if (cs + VENDOR_LEN > e) return { nodes: out, protoSuffix: '' };
    out.push(node(F.vendor_specific_options, cs, VENDOR_LEN, b.subarray(cs, cs + VENDOR_LEN)));
  }
  const r = walkOptions(b, s, fp.voff, e, st);
  out.push(...r.nodes);
  if (!r.stopped && r.next < e) out.push(node(F.option_padding, r.next, e - r.next, b.subarray(r.next, e)));
  return { nodes: out, protoSuffix: st.protoSuffix.join('') };
}

function walkOptions(b: Uint8Array, s: number, voff: number, eoff: number, st: WalkState): { nodes: MNode[]; atEnd: boolean; next: number; stopped: boolean } {
  const nodes: MNode[] = [];
  let i = voff;
  st.searchIndex = 0;
  while (i < eoff) {
    const r = optionNode(b, s, i, eoff, st);
    nodes.push(r.node);
    if (r.stop) {
      st.stopped = true;
      return { nodes, atEnd: false, next: eoff, stopped: true };
    }
    i += r.consumed;
    if (r.atEnd) return { nodes, atEnd: true, next: i, stopped: false };
  }
  return { nodes, atEnd: false, next: i, stopped: false };
}

/**
 * Whether tshark 4.0's dissector for option `code` reads past its data (an exception: the packet is malformed and
 * nothing after it is shown). Domain search (119) is decided on the concatenated data of all its instances.
 */
export function optionThrows(code: number, d: Uint8Array): boolean {
  switch (code) {
    case 53:
      return d.length === 0;
    case 119: {
      let i = 0;
      while (i < d.length) {
        const r = readDnsName(d, i);
        if (!r) return true;
        i = r.next;
      }
      return false;
    }
    case 121:
    case 249: {
      if (d.length < 5) return false;
      let i = 0;
      while (i < d.length) {
        const w = d[i]!;
        if (w > 32) return false;
        const sig = (w + 7) >> 3;
        if (i + 1 + sig + 4 > d.length) return true;
        i += 1 + sig + 4;
      }
      return false;
    }
    case 81:
      return d.length > 3 && (d[0]! & 4) !== 0 && readDnsName(d.subarray(3), 0) === null;
    default:
      return false;
  }
}

/** One option at `voff`: its node, bytes consumed, END reached, and `stop` when tshark would throw (cut option). */
function optionNode(b: Uint8Array, s: number, voff: number, eoff: number, st: WalkState): { node: MNode; consumed: number; atEnd: boolean; stop: boolean } {
  const code = b[voff]!;
  if (code === 0) {
    let j = voff + 1;
    while (j < eoff && b[j] === 0) j++;
    return {
      node: node(F.option_type, voff, 1, 0, { text: 'Option: (0) Padding', children: [node(F.option_padding, voff, j - voff, b.subarray(voff, j))] }),
      consumed: j - voff,
      atEnd: false,
      stop: false,
    };
  }
  if (code === 255) {
    return {
      node: node(F.option_type, voff, 1, 0, { text: 'Option: (255) End', children: [node(F.option_end, voff, 1, 255)] }),
      consumed: 1,
      atEnd: true,
      stop: false,
    };
  }
  const name = OPTION_NAMES[code] ?? 'Unknown';
  const opt = node(F.option_type, voff, Math.min(2, eoff - voff), code, { text: `Option: (${code}) ${name}`, children: [] });
  if (voff + 1 >= eoff) return { node: opt, consumed: 1, atEnd: false, stop: true };
  const len = b[voff + 1]!;
  const d0 = voff + 2;
  opt.children!.push(node(F.option_length, voff + 1, 1, len));
  if (d0 + len > eoff) {
    opt.len = eoff - voff;
    return { node: opt, consumed: len + 2, atEnd: false, stop: true };
  }
  opt.len = len + 2;
  const data = b.subarray(d0, d0 + len);
  const valueNode = node(F.option_value, d0, len, data, { hidden: true });
  opt.children!.push(valueNode);
  const kids: MNode[] = [];
  const suffix = { text: '' };
  const visible = optionChildren(b, s, code, d0, len, kids, suffix, st, eoff);
  if (visible) delete valueNode.hidden;
  opt.children!.push(...kids);
  opt.text += suffix.text;
  // Where tshark's option dissector runs off the option data it throws: the rest of the message is not shown.
  const stop = code !== 119 && optionThrows(code, data);
  return { node: opt, consumed: len + 2, atEnd: false, stop: stop || st.stopped };
}

/** Children of option `code` with data [d0, d0+len); returns true when the raw Value stays visible (tshark: not dissected). */
function optionChildren(b: Uint8Array, s: number, code: number, d0: number, len: number, kids: MNode[], suffix: { text: string }, st: WalkState, _eoff: number): boolean {
  const d1 = d0 + len;
  const u16 = (at: number) => (b[at]! << 8) | b[at + 1]!;
  const u32 = (at: number) => ((b[at]! << 24) | (b[at + 1]! << 16) | (b[at + 2]! << 8) | b[at + 3]!) >>> 0;
  switch (code) {
    case 21:
    case 33: {
      for (let i = d0; i + 8 <= d1; i += 8) {
        kids.push(node(code === 21 ? F.policy_filter_ip : F.static_route_ip, i, 4, ipv4ToString(b, i)));
        kids.push(node(code === 21 ? F.policy_filter_subnet_mask : F.static_route_router, i + 4, 4, ipv4ToString(b, i + 4)));
      }
      return len === 0;
    }
    case 43: {
      const vc = st.fp.vendorClass;
      if (vc?.startsWith('PXEClient')) {
        suffix.text = ' (PXEClient)';
        pxeNodes(b, d0, d1, kids);
        return false;
      }
      if (vc?.startsWith('ArubaAP')) {
        suffix.text = ' (Aruba AP)';
        kids.push(node(F.arubaap_controllerip, d0, len, asciiText(b, d0, d1)));
        return false;
      }
      kids.push(node(F.vendor_value, d0, len, b.subarray(d0, d1)));
      return len === 0;
    }
    case 52: {
      if (len < 1) return false;
      const v = b[d0]!;
      kids.push(node(F.option_overload, d0, 1, v));
      if (st.fp.overload >= 1 && st.fp.overload <= 3) {
        const saved = st.top;
        st.top = false;
        for (const [bit, off, size, label] of [
          [2, SNAME_OFFSET, SNAME_LEN, 'Server host name option overload'],
          [1, FILE_OFFSET, FILE_LEN, 'Boot file name option overload'],
        ] as const) {
          if (!(v & bit)) continue;
          const r = walkOptions(b, s, s + off, s + off + size, st);
          kids.push(node(dhcpTable.proto, s + off, size, null, { text: label, children: r.nodes }));
          if (r.stopped) break;
        }
        st.top = saved;
      }
      return false;
    }
    case 53: {
      if (len < 1) return false;
      const t = b[d0]!;
      kids.push(node(F.dhcp, d0, 1, t));
      suffix.text = ` (${messageTypeName(t)})`;
      if (st.top) st.protoSuffix.push(` (${messageTypeName(t)})`);
      return false;
    }
    case 55:
      for (let i = d0; i < d1; i++) {
        const c = b[i]!;
        kids.push(node(F.request_list_item, i, 1, c, { text: `Parameter Request List Item: (${c}) ${OPTION_NAMES[c] ?? 'Unknown'}` }));
      }
      return len === 0;
    case 60:
      kids.push(node(F.vendor_class_id, d0, len, asciiText(b, d0, d1)));
      return len === 0;
    case 61:
      clientIdNodes(b, d0, len, kids);
      return len === 0;
    case 77: {
      if (len < 2) return false;
      let i = d0;
      let remaining = len;
      let idx = 0;
      while (i < d1) {
        const cl = b[i]!;
        if (cl >= remaining) {
          kids.push(node(F.user_class_text, i, remaining, asciiText(b, i, i + remaining)));
          break;
        }
        const inst = node(F.user_class, i, cl + 1, idx, { text: `Instance of User Class: [${idx}]`, children: [node(F.user_class_length, i, 1, cl)] });
        kids.push(inst);
        i++;
        if (cl === 0) break;
        inst.children!.push(node(F.user_class_data, i, cl, b.subarray(i, i + cl)));
        i += cl;
        remaining -= cl + 1;
        idx++;
      }
      return false;
    }
    case 81: {
      if (len < 3) return false;
      const flags = b[d0]!;
      const names = [flags & 8 ? 'Server DDNS' : '', flags & 4 ? 'Encoding' : '', flags & 2 ? 'Server overrides' : '', flags & 1 ? 'Server' : ''].filter(Boolean);
      kids.push(
        node(F.fqdn_flags, d0, 1, flags, {
          text: `Flags: 0x${flags.toString(16).padStart(2, '0')}${names.length ? ', ' + names.join(', ') : ''}`,
          children: [
            node(F.fqdn_mbz, d0, 1, flags >> 4, { bitmask: 0xf0, text: `${bits(flags >> 4)} .... = Reserved flags: 0x${(flags >> 4).toString(16)}` }),
            node(F.fqdn_n, d0, 1, (flags & 8) !== 0, { bitmask: 0x08 }),
            node(F.fqdn_e, d0, 1, (flags & 4) !== 0, { bitmask: 0x04 }),
            node(F.fqdn_o, d0, 1, (flags & 2) !== 0, { bitmask: 0x02 }),
            node(F.fqdn_s, d0, 1, (flags & 1) !== 0, { bitmask: 0x01 }),
          ],
        }),
      );
      kids.push(node(F.fqdn_rcode1, d0 + 1, 1, b[d0 + 1]!));
      kids.push(node(F.fqdn_rcode2, d0 + 2, 1, b[d0 + 2]!));
      if (len > 3) {
        if (flags & 4) {
          const r = readDnsName(b.subarray(d0 + 3, d1), 0);
          if (r) kids.push(node(F.fqdn_name, d0 + 3, len - 3, r.name === '' ? '<Root>' : r.name));
        } else kids.push(node(F.fqdn_name, d0 + 3, len - 3, asciiText(b, d0 + 3, d1)));
      }
      return false;
    }
    case 82:
      agentInfoNodes(b, d0, d1, kids);
      return len === 0;
    case 93:
      for (let i = d0; i + 2 <= d1; i += 2) kids.push(node(F.client_system_architecture, i, 2, u16(i)));
      return len === 0;
    case 94:
      if (len >= 1 && b[d0] === 1 && len >= 3) {
        kids.push(node(F.client_network_id_major, d0 + 1, 1, b[d0 + 1]!));
        kids.push(node(F.client_network_id_minor, d0 + 2, 1, b[d0 + 2]!));
      }
      return len === 0;
    case 114:
    case 160:
      kids.push(node(F.captive_portal, d0, len, asciiText(b, d0, d1)));
      return len === 0;
    case 119: {
      st.searchIndex++;
      const total = st.fp.searchBlocks;
      if (total > 1) {
        kids.push(node(F.ds_rfc3396_detected, d0, len, `${st.searchIndex}/${total}`));
        if (st.searchIndex !== total) kids.push(node(F.ds_refer_last_option, d0, len, `${total}/${total}`));
      }
      if (len) st.searchData.push(b.subarray(d0, d1));
      if (st.searchIndex === total && st.searchData.length) {
        const all = concat(st.searchData);
        st.searchData = [];
        let i = 0;
        while (i < all.length) {
          const r = readDnsName(all, i);
          if (!r) {
            st.stopped = true;
            break;
          }
          const text = r.name === '' ? '<Root>' : r.name;
          if (total === 1) kids.push(node(F.ds_fqdn, d0 + i, r.next - i, text));
          else kids.push(node(F.ds_fqdn, d0, 0, text));
          i = r.next;
        }
      }
      return len === 0;
    }
    case 121:
    case 249: {
      if (len < 5) return false;
      let i = d0;
      while (i < d1) {
        const width = b[i]!;
        if (width > 32) break;
        const sig = (width + 7) >> 3;
        if (i + 1 + sig + 4 > d1) break;
        let dest = 'default';
        if (width !== 0) {
          const parts: number[] = [];
          for (let k = 0; k < 4; k++) parts.push(k < sig ? b[i + 1 + k]! : 0);
          dest = `${parts.join('.')}/${width}`;
        }
        kids.push(node(F.classless_static_route, i, 1 + sig + 4, b.subarray(i, i + 1 + sig + 4), { text: ` ${dest}-${ipv4ToString(b, i + 1 + sig)}` }));
        i += 1 + sig + 4;
      }
      return false;
    }
    case 125: {
      if (len < 5) return false;
      let i = d0;
      while (d1 - i >= 5) {
        const ent = u32(i);
        const vl = b[i + 4]!;
        const vnode = node(F.vi_enterprise, i, 4, ent, { text: `Enterprise: ${ENTERPRISES[ent] ?? 'Unknown'} (${ent})`, children: [node(F.vi_length, i + 4, 1, vl)] });
        kids.push(vnode);
        let k = i + 5;
        const vend = Math.min(i + 5 + vl, d1);
        while (k + 2 <= vend) {
          const sc = b[k]!;
          const sl = b[k + 1]!;
          const send = Math.min(k + 2 + sl, vend);
          vnode.children!.push(node(F.vendor_suboption, k, send - k, sc, { children: [node(F.suboption_length, k + 1, 1, sl), node(F.vendor_data, k + 2, send - k - 2, b.subarray(k + 2, send))] }));
          k += 2 + sl;
        }
        i += 5 + vl;
      }
      return false;
    }
    case 124: {
      if (len === 1) {
        kids.push(node(F.vi_class_cl_address_mode, d0, 1, b[d0]!));
        return false;
      }
      let i = d0;
      while (d1 - i >= 5) {
        const ent = u32(i);
        kids.push(node(F.vi_class_enterprise, i, 4, ent, { text: `Enterprise: ${ENTERPRISES[ent] ?? 'Unknown'} (${ent})` }));
        const dl = b[i + 4]!;
        kids.push(node(F.vi_class_length, i + 4, 1, dl));
        kids.push(node(F.vi_class_data, i + 5, Math.min(dl, d1 - i - 5), asciiText(b, i + 5, Math.min(i + 5 + dl, d1))));
        i += 5 + dl;
      }
      return len === 0;
    }
    case 159:
      if (len !== 4) return false;
      kids.push(node(F.portparams_offset, d0, 1, b[d0]!));
      kids.push(node(F.portparams_psid_length, d0 + 1, 1, b[d0 + 1]!));
      kids.push(node(F.portparams_psid, d0 + 2, 2, b.subarray(d0 + 2, d0 + 4)));
      return false;
    case 145:
      for (let i = d0; i < d1; i++) kids.push(node(F.forcerenew_nonce_algorithm, i, 1, b[i]!));
      return len === 0;
    default:
      break;
  }
  const basic = BASIC_OPTIONS[code];
  if (!basic) return true;
  const [kind, key] = basic;
  const def = F[key];
  switch (kind) {
    case 'ipv4':
      if (len !== 4) return true;
      kids.push(node(def, d0, 4, ipv4ToString(b, d0)));
      suffix.text = ` (${ipv4ToString(b, d0)})`;
      return false;
    case 'ipv4_list':
      for (let i = d0; i + 4 <= d1; i += 4) kids.push(node(def, i, 4, ipv4ToString(b, i)));
      return len < 4;
    case 'string':
      kids.push(node(def, d0, len, asciiText(b, d0, d1)));
      return len === 0;
    case 'bool':
      if (len !== 1) return true;
      kids.push(node(def, d0, 1, b[d0]! !== 0));
      return false;
    case 'u8':
      if (len !== 1) return true;
      kids.push(node(def, d0, 1, b[d0]!));
      return false;
    case 'u16':
      if (len !== 2) return true;
      kids.push(node(def, d0, 2, u16(d0)));
      return false;
    case 'u16_list':
      for (let i = d0; i + 2 <= d1; i += 2) kids.push(node(def, i, 2, u16(i)));
      return len < 2;
    case 'time_u': {
      if (len !== 4) return true;
      const v = u32(d0);
      kids.push(node(def, d0, 4, v, { text: `${def.name}: (${v}s) ${v === 0xffffffff ? 'infinity' : timeSecsText(v)}` }));
      return false;
    }
    case 'time_s': {
      if (len !== 4) return true;
      const v = u32(d0) | 0;
      kids.push(node(def, d0, 4, v, { text: `${def.name}: (${v}s) ${timeSecsText(v)}` }));
      return false;
    }
  }
}

function concat(parts: Uint8Array[]): Uint8Array {
  let n = 0;
  for (const p of parts) n += p.length;
  const out = new Uint8Array(n);
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

function clientIdNodes(b: Uint8Array, d0: number, len: number, kids: MNode[]): void {
  const t = len > 0 ? b[d0]! : 0;
  if (len === 7 && t > 0 && t < 48) {
    kids.push(node(F.htype, d0, 1, t));
    if (t === 1 || t === 6) kids.push(node(F.mac_addr, d0 + 1, 6, macToString(b, d0 + 1, 6)));
    else kids.push(node(F.client_hardware_address, d0 + 1, 6, hwAddrText(b, d0 + 1, 6, t)));
  } else if (len === 17 && t === 0) {
    // A UUID (tshark: dhcp.client_id.uuid, an FT_GUID field our field types do not have): not shown.
  } else if (t === 255) {
    if (len < 7) return;
    kids.push(node(F.client_id_iaid, d0 + 1, 4, toHex(b, d0 + 1, d0 + 5)));
    const o = d0 + 5;
    const duid = (b[o]! << 8) | b[o + 1]!;
    kids.push(node(F.client_id_duid_type, o, 2, duid, { text: `DUID Type: ${DUID_TYPES[duid] ?? 'Unknown'} (${duid})` }));
    const end = d0 + len;
    if (duid === 1 && len >= 13) {
      const hw = (b[o + 2]! << 8) | b[o + 3]!;
      kids.push(node(F.client_id_duid_llt_hw_type, o + 2, 2, hw, { text: `Hardware type: ${HW_TYPES[hw] ?? 'Unknown'} (${hw})` }));
      kids.push(node(F.client_id_time, o + 4, 4, ((b[o + 4]! << 24) | (b[o + 5]! << 16) | (b[o + 6]! << 8) | b[o + 7]!) >>> 0));
      if (end > o + 8) kids.push(node(F.client_id_link_layer_address, o + 8, end - o - 8, hwAddrText(b, o + 8, end - o - 8, hw)));
    } else if (duid === 3 && len >= 9) {
      const hw = (b[o + 2]! << 8) | b[o + 3]!;
      kids.push(node(F.client_id_duid_ll_hw_type, o + 2, 2, hw, { text: `Hardware type: ${HW_TYPES[hw] ?? 'Unknown'} (${hw})` }));
      if (end > o + 4) kids.push(node(F.client_id_link_layer_address, o + 4, end - o - 4, hwAddrText(b, o + 4, end - o - 4, hw)));
    } else if (duid === 2 && len >= 11) {
      kids.push(node(F.client_id_enterprise_num, o + 2, 4, ((b[o + 2]! << 24) | (b[o + 3]! << 16) | (b[o + 4]! << 8) | b[o + 5]!) >>> 0));
      if (end > o + 6) kids.push(node(F.client_id, o + 6, end - o - 6, b.subarray(o + 6, end)));
    }
  } else if (t === 0 && len > 1) {
    kids.push(node(F.client_id_type, d0, 1, 0));
    kids.push(node(F.client_id_undef, d0 + 1, len - 1, asciiText(b, d0 + 1, d0 + len)));
  }
}

const PXE_SUBOPTIONS: Readonly<Record<number, string>> = {
  0: 'Padding', 1: 'PXE mtftp IP', 2: 'PXE mtftp client port', 3: 'PXE mtftp server port', 4: 'PXE mtftp timeout',
  5: 'PXE mtftp delay', 6: 'PXE discovery control', 7: 'PXE multicast address', 8: 'PXE boot servers', 9: 'PXE boot menu',
  10: 'PXE menu prompt', 11: 'PXE multicast address alloc', 12: 'PXE credential types', 71: 'PXE boot item',
  179: 'PXE LCM Server', 180: 'PXE LCM Domain', 181: 'PXE LCM NIC option 0', 190: 'PXE LCM Workgroup', 191: 'PXE Discovery',
  192: 'PXE Configured', 193: 'PXE LCM version', 194: 'PXE LCM Serial Number', 255: 'PXE End',
};

/** Option 43 of a PXE client or server (Intel PXE 2.1), as tshark's PXEClient vendor heuristic shows it. */
function pxeNodes(b: Uint8Array, d0: number, d1: number, kids: MNode[]): void {
  let i = d0;
  while (i < d1) {
    const sub = b[i]!;
    if (sub === 0) {
      kids.push(node(F.pxe_padding, i, 1, 0));
      i++;
      continue;
    }
    if (sub === 255) {
      kids.push(node(F.pxe_end, i, 1, 255));
      return;
    }
    if (i + 1 >= d1) return;
    const sl = b[i + 1]!;
    const s0 = i + 2;
    const s1 = Math.min(s0 + sl, d1);
    const sn = node(F.pxe_suboption, i, s1 - i, sub, {
      text: `Option 43 Suboption: (${sub}) ${PXE_SUBOPTIONS[sub] ?? 'Unknown'}`,
      children: [node(F.suboption_length, i + 1, 1, sl), node(F.vendor_value, s0, s1 - s0, b.subarray(s0, s1), { hidden: true })],
    });
    kids.push(sn);
    const c = sn.children!;
    const u16 = (at: number) => (b[at]! << 8) | b[at + 1]!;
    switch (sub) {
      case 1:
      case 7:
        for (let k = s0; k + 4 <= s1; k += 4) c.push(node(sub === 1 ? F.pxe_mtftp_ip : F.pxe_multicast_address, k, 4, ipv4ToString(b, k)));
        break;
      case 2:
      case 3:
        if (sl === 2) c.push(node(sub === 2 ? F.pxe_mtftp_client_port : F.pxe_mtftp_server_port, s0, 2, b[s0]! | (b[s0 + 1]! << 8)));
        break;
      case 4:
      case 5:
        if (sl === 1) c.push(node(sub === 4 ? F.pxe_mtftp_timeout : F.pxe_mtftp_delay, s0, 1, b[s0]!));
        break;
      case 6: {
        if (s0 >= s1) break;
        const v = b[s0]!;
        const names = [v & 1 ? 'Disable Broadcast' : '', v & 2 ? 'Disable Multicast' : '', v & 4 ? 'Serverlist only' : '', v & 8 ? 'Bootstrap override' : ''].filter(Boolean);
        c.push(
          node(F.pxe_discovery_control, s0, 1, v, {
            text: `discovery control: 0x${v.toString(16).padStart(2, '0')}${names.length ? ', ' + names.join(', ') : ''}`,
            children: [
              node(F.pxe_dc_broadcast, s0, 1, (v & 1) !== 0, { bitmask: 0x01 }),
              node(F.pxe_dc_multicast, s0, 1, (v & 2) !== 0, { bitmask: 0x02 }),
              node(F.pxe_dc_serverlist, s0, 1, (v & 4) !== 0, { bitmask: 0x04 }),
              node(F.pxe_dc_bstrap, s0, 1, (v & 8) !== 0, { bitmask: 0x08 }),
            ],
          }),
        );
        break;
      }
      case 8: {
        const bs = node(F.pxe_boot_servers, s0, s1 - s0, b.subarray(s0, s1), { children: [] });
        c.push(bs);
        let k = s0;
        while (k - s0 < sl - 1 && k + 3 <= s1) {
          bs.children!.push(node(F.pxe_boot_server_type, k, 2, u16(k)));
          const n = b[k + 2]!;
          bs.children!.push(node(F.pxe_boot_server_count, k + 2, 1, n));
          k += 3;
          for (let j = 0; j < n && k + 4 <= s1; j++, k += 4) bs.children!.push(node(F.pxe_boot_server_ip, k, 4, ipv4ToString(b, k)));
        }
        break;
      }
      case 9: {
        const bm = node(F.pxe_boot_menu, s0, s1 - s0, b.subarray(s0, s1), { children: [] });
        c.push(bm);
        let k = s0;
        while (k - s0 < sl - 1 && k + 3 <= s1) {
          bm.children!.push(node(F.pxe_boot_menu_type, k, 2, u16(k)));
          const n = b[k + 2]!;
          bm.children!.push(node(F.pxe_boot_menu_length, k + 2, 1, n));
          k += 3;
          const e = Math.min(k + n, s1);
          bm.children!.push(node(F.pxe_boot_menu_desc, k, e - k, asciiText(b, k, e)));
          k += n;
        }
        break;
      }
      case 10:
        if (sl >= 1) {
          c.push(
            node(F.pxe_menu_prompt, s0, s1 - s0, b.subarray(s0, s1), {
              children: [node(F.pxe_menu_prompt_timeout, s0, 1, b[s0]!), node(F.pxe_menu_prompt_prompt, s0 + 1, s1 - s0 - 1, asciiText(b, s0 + 1, s1))],
            }),
          );
        }
        break;
      case 11:
      case 12:
        c.push(node(sub === 11 ? F.pxe_multicast_address_alloc : F.pxe_credential_types, s0, s1 - s0, b.subarray(s0, s1)));
        break;
      case 71:
        if (sl >= 4) c.push(node(F.pxe_boot_item, s0, s1 - s0, b.subarray(s0, s1), { children: [node(F.pxe_boot_item_type, s0, 2, u16(s0)), node(F.pxe_boot_item_layer, s0 + 2, 2, b.subarray(s0 + 2, s0 + 4))] }));
        break;
      default:
        break;
    }
    i = s0 + sl;
  }
}

const AGENT_FIELDS: Readonly<Record<number, { def: FieldDef; kind: 'bytes' | 'ipv4' | 'string' | 'u8' | 'u32' }>> = {
  1: { def: F.agent_circuit_id, kind: 'bytes' },
  2: { def: F.agent_remote_id, kind: 'bytes' },
  3: { def: F.ai_reserved, kind: 'bytes' },
  4: { def: F.ai_docsis_device_class, kind: 'u32' },
  5: { def: F.link_selection, kind: 'ipv4' },
  6: { def: F.subscriber_id, kind: 'string' },
  7: { def: F.radius_attributes, kind: 'bytes' },
  8: { def: F.ai_authentication, kind: 'bytes' },
  10: { def: F.ai_flags, kind: 'u8' },
  11: { def: F.server_id_override, kind: 'ipv4' },
  12: { def: F.relay_agent_id, kind: 'bytes' },
  14: { def: F.ani_network_name, kind: 'string' },
  15: { def: F.ani_ap_name, kind: 'string' },
  17: { def: F.ani_operator_id, kind: 'bytes' },
  18: { def: F.ani_operator_realm, kind: 'string' },
  150: { def: F.link_selection_cisco, kind: 'ipv4' },
  152: { def: F.server_id_override_cisco, kind: 'ipv4' },
};

function agentInfoNodes(b: Uint8Array, d0: number, d1: number, kids: MNode[]): void {
  let i = d0;
  while (i < d1) {
    const sub = b[i]!;
    if (i + 1 >= d1) return;
    const sl = b[i + 1]!;
    const sn = node(F.ai_suboption, i, Math.min(sl + 2, d1 - i), sub, {
      text: `Option 82 Suboption: (${sub}) ${AGENT_SUBOPTIONS[sub] ?? 'Unknown'}`,
      children: [node(F.suboption_length, i + 1, 1, sl)],
    });
    kids.push(sn);
    const s0 = i + 2;
    const s1 = s0 + sl;
    if (s1 > d1) return;
    const known = sub >= 1 && AGENT_SUBOPTIONS[sub] !== undefined;
    sn.children!.push(node(F.ai_value, s0, sl, b.subarray(s0, s1), known ? { hidden: true } : {}));
    const f = AGENT_FIELDS[sub];
    if (known && f) {
      switch (f.kind) {
        case 'bytes':
          sn.children!.push(node(f.def, s0, sl, b.subarray(s0, s1)));
          break;
        case 'string':
          sn.children!.push(node(f.def, s0, sl, asciiText(b, s0, s1)));
          break;
        case 'ipv4':
          if (sl === 4) {
            sn.children!.push(node(f.def, s0, 4, ipv4ToString(b, s0)));
            sn.text += ` (${ipv4ToString(b, s0)})`;
          }
          break;
        case 'u8':
          if (sl === 1) sn.children!.push(node(f.def, s0, 1, b[s0]!));
          break;
        case 'u32':
          if (sl === 4) sn.children!.push(node(f.def, s0, 4, ((b[s0]! << 24) | (b[s0 + 1]! << 16) | (b[s0 + 2]! << 8) | b[s0 + 3]!) >>> 0));
          break;
      }
    } else if (known && sub === 9) {
      let k = s0;
      while (k + 5 <= s1) {
        const ent = ((b[k]! << 24) | (b[k + 1]! << 16) | (b[k + 2]! << 8) | b[k + 3]!) >>> 0;
        const dl = b[k + 4]!;
        sn.children!.push(node(F.ai_vi_enterprise, k, 4, ent, { text: `Enterprise: ${ENTERPRISES[ent] ?? 'Unknown'} (${ent})`, children: [node(F.ai_vi_data_length, k + 4, 1, dl)] }));
        k += 5;
        const e2 = Math.min(k + dl, s1);
        sn.children!.push(node(F.ai_value, k, e2 - k, b.subarray(k, e2)));
        k += dl;
      }
    }
    i = s1;
  }
}
