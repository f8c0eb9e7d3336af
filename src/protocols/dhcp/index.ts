/**
 * DHCP (RFC 2131) and BOOTP (RFC 951, 1542) on UDP ports 67 and 68: the fixed header, the magic cookie, the options
 * (RFC 2132 and later, typed by code, raw otherwise), option overload into sname/file (option 52) and RFC 3396 long
 * options. Lossless: PAD runs, END, the bytes after END and split options all come back as they were.
 */
import { parseMAC } from '../../core/addr.js';
import { concatBytes } from '../../core/bytes.js';
import { EncodeError, problem } from '../../core/problem.js';
import type { Problem } from '../../core/problem.js';
import { compileHeader } from '../../fields/compile.js';
import { defineProtocol } from '../types.js';
import type { Layer } from '../types.js';
import { buildOptions, encodeAreas, optionCode, scanArea, textToBytes } from './options.js';
import type { DhcpOption, ScannedArea, TlvOption } from './options.js';
import {
  BASIC_OPTIONS, CHADDR_OFFSET, COOKIE_OFFSET, FILE_LEN, FILE_OFFSET, MAGIC_COOKIE, SNAME_LEN, SNAME_OFFSET, VENDOR_LEN, dhcpTable,
} from './table.js';
import { dhcpNodes, firstPass, messageTypeName, optionThrows } from './tree.js';

export * from './options.js';
export {
  AGENT_SUBOPTIONS, BOOTP_OP, DHCP, ENTERPRISES, HW_TYPES, MAGIC_COOKIE, MESSAGE_TYPES, OPTION_NAMES, dhcpTable,
} from './table.js';
export { messageTypeName, timeSecsText } from './tree.js';

const fixed = compileHeader(dhcpTable);
/** `{ options }` with the fixed fields read after it, in one allocation. */
const makeValue = fixed.creator(['options']);
/** Bytes of the fixed BOOTP header (op .. file). */
export const BOOTP_HEADER_LEN = COOKIE_OFFSET;

export interface DhcpValue {
  /** 1 = BOOTREQUEST, 2 = BOOTREPLY. */
  op: number;
  htype: number;
  hlen: number;
  hops: number;
  xid: number;
  secs: number;
  /** The whole 16-bit flags field; `broadcast` and `flagsReserved` are its parts. */
  flags: number;
  broadcast: boolean;
  flagsReserved: number;
  ciaddr: string;
  yiaddr: string;
  siaddr: string;
  giaddr: string;
  /** chaddr: all 16 bytes (the first hlen are the hardware address). */
  chaddr: Uint8Array;
  /** sname: the 64 bytes as they are (a NUL-terminated name, or options when overloaded). */
  sname: Uint8Array;
  /** file: the 128 bytes as they are. */
  file: Uint8Array;
  /** The magic cookie 99.130.83.99 is present (a DHCP/RFC 2132 vendor area). */
  cookie: boolean;
  /** Without the cookie: the BOOTP vendor area (up to 64 bytes) as it is. */
  vendor?: Uint8Array;
  /** The options in wire order, PAD runs and END included. */
  options: DhcpOption[];
  /** Bytes after END (usually zero padding to the 300-byte BOOTP minimum). */
  trailing?: Uint8Array;
  /** Options carried in file / sname when option 52 says so, and the bytes after their END. */
  fileOptions?: DhcpOption[];
  fileTrailing?: Uint8Array;
  snameOptions?: DhcpOption[];
  snameTrailing?: Uint8Array;
  /** The message type (option 53), when there is one: the message is DHCP, else BOOTP. */
  messageType?: number;
}

export interface DhcpInput {
  /** Undefined: 2 (BOOTREPLY) for OFFER, ACK and NAK and the lease query replies, else 1 (BOOTREQUEST). */
  op?: number;
  /** Default 1 (Ethernet). */
  htype?: number;
  /** Undefined: 6 when chaddr is a MAC text, else the length of the chaddr bytes (at most 16). */
  hlen?: number;
  hops?: number;
  xid?: number;
  secs?: number;
  /** Undefined: from `broadcast` and `flagsReserved` (0 when neither is set). */
  flags?: number;
  broadcast?: boolean;
  flagsReserved?: number;
  ciaddr?: string;
  yiaddr?: string;
  siaddr?: string;
  giaddr?: string;
  /** A MAC text (`00:11:22:33:44:55`) or up to 16 bytes; zero-padded to 16. */
  chaddr?: string | Uint8Array;
  /** A name (UTF-8) or up to 64 bytes, zero-padded; ignored when `snameOptions` is given. */
  sname?: string | Uint8Array;
  /** A name (UTF-8) or up to 128 bytes, zero-padded; ignored when `fileOptions` is given. */
  file?: string | Uint8Array;
  /** Default true. False: no cookie, `vendor` bytes instead (plain BOOTP). */
  cookie?: boolean;
  vendor?: Uint8Array;
  options?: DhcpOption[];
  /** END is appended to `options` when missing (with the cookie); false = leave it out. */
  end?: boolean;
  trailing?: Uint8Array;
  /** Options to carry in file / sname (option 52 is added to `options` when missing). END is added when there is room. */
  fileOptions?: DhcpOption[];
  fileTrailing?: Uint8Array;
  snameOptions?: DhcpOption[];
  snameTrailing?: Uint8Array;
  /** Pad with zeros after END up to this many bytes (RFC 1542: BOOTP messages are at least 300 bytes). */
  minLength?: number;
}

/** Message types a server sends (op = BOOTREPLY). */
const REPLY_TYPES = new Set([2, 5, 6, 11, 12, 13, 15, 17]);

/** op as the encoder fills it: BOOTREPLY for the message types servers send, else BOOTREQUEST. */
function autoOp(options: readonly DhcpOption[]): number {
  const mt = options.find((o): o is Extract<TlvOption, { kind: 'message-type' }> => o.kind === 'message-type');
  return mt && REPLY_TYPES.has(mt.type) ? 2 : 1;
}

function trailingOf(b: Uint8Array, a: ScannedArea, end: number): Uint8Array | undefined {
  return a.next < end ? b.subarray(a.next, end) : undefined;
}

export const dhcp = defineProtocol<DhcpValue, DhcpInput>({
  name: 'dhcp',
  shortName: 'DHCP',
  table: dhcpTable,
  bindings: [
    { table: 'udp.port', key: 67 },
    { table: 'udp.port', key: 68 },
  ],
  decode(b, start, end, ctx) {
    const v = makeValue(b, start, end, []) as unknown as DhcpValue;
    const avail = end - start;
    const limitedBy = 'udp.length';
    if (avail < BOOTP_HEADER_LEN) {
      ctx.problems.push(problem('dhcp', 'truncated', start, end, `BOOTP header needs ${BOOTP_HEADER_LEN} bytes, ${avail} present`, { expected: BOOTP_HEADER_LEN, actual: avail, limitedBy }));
      if (avail >= CHADDR_OFFSET + 16) v.chaddr = b.subarray(start + CHADDR_OFFSET, start + CHADDR_OFFSET + 16);
      if (avail >= SNAME_OFFSET + SNAME_LEN) v.sname = b.subarray(start + SNAME_OFFSET, start + SNAME_OFFSET + SNAME_LEN);
      v.cookie = false;
      return { value: v, headerEnd: end, end };
    }
    v.chaddr = b.subarray(start + CHADDR_OFFSET, start + CHADDR_OFFSET + 16);
    v.sname = b.subarray(start + SNAME_OFFSET, start + SNAME_OFFSET + SNAME_LEN);
    v.file = b.subarray(start + FILE_OFFSET, start + FILE_OFFSET + FILE_LEN);
    const fp = firstPass(b, start, end);
    v.cookie = fp.cookie;
    const cs = start + COOKIE_OFFSET;
    if (!fp.cookie) {
      v.vendor = b.subarray(cs, Math.min(end, cs + VENDOR_LEN));
      if (cs + VENDOR_LEN > end && cs < end) {
        ctx.problems.push(problem('dhcp', 'truncated', cs, end, `no magic cookie, and the BOOTP vendor area needs ${VENDOR_LEN} bytes, ${end - cs} present`, { field: 'dhcp.vendor_specific_options', expected: VENDOR_LEN, actual: end - cs, limitedBy }));
      }
      if (cs >= end) delete v.vendor;
    }
    const voff = fp.voff;
    const main = fp.scan;
    const areas: ScannedArea[] = [main];
    // Option 52 (overload): the value of the last complete instance in the main options, as tshark reads it.
    let overload = 0;
    for (const x of main.instances) if (x.type === 'tlv' && x.code === 52 && x.data.length === 1) overload = x.data[0]!;
    const fileArea = overload & 1 ? scanArea(b, start + FILE_OFFSET, start + FILE_OFFSET + FILE_LEN) : undefined;
    const snameArea = overload & 2 ? scanArea(b, start + SNAME_OFFSET, start + SNAME_OFFSET + SNAME_LEN) : undefined;
    if (fileArea) areas.push(fileArea);
    if (snameArea) areas.push(snameArea);
    const lists = buildOptions(areas);
    v.options = lists[0]!;
    const t = trailingOf(b, main, end);
    if (t) v.trailing = t;
    let k = 1;
    if (fileArea) {
      v.fileOptions = lists[k++]!;
      const ft = trailingOf(b, fileArea, start + FILE_OFFSET + FILE_LEN);
      if (ft) v.fileTrailing = ft;
    }
    if (snameArea) {
      v.snameOptions = lists[k++]!;
      const st = trailingOf(b, snameArea, start + SNAME_OFFSET + SNAME_LEN);
      if (st) v.snameTrailing = st;
    }
    const mt = v.options.find((o) => o.kind === 'message-type');
    if (mt && mt.kind === 'message-type') v.messageType = mt.type;
    checkOptions(areas, lists, ctx.problems);
    if (!main.ended && end === b.length && voff < reportedEnd(ctx.layers, ctx.layers.length, start, end) && reportedEnd(ctx.layers, ctx.layers.length, start, end) > end) {
      // Cut by the snapshot length inside the options: tshark's first pass runs off the captured bytes.
      ctx.problems.push(problem('dhcp', 'truncated', Math.min(voff, end), end, 'options cut by the capture length', { limitedBy: 'frame.cap_len' }));
    }
    if (fp.messageType && !main.ended && !main.instances.some((x) => x.type === 'trunc')) {
      ctx.problems.push(problem('dhcp', 'bad-value', end, end, 'End option missing', { severity: 'warning', field: 'dhcp.option.end' }));
    }
    for (const [area, name, at, size] of [[fileArea, 'file', FILE_OFFSET, FILE_LEN], [snameArea, 'sname', SNAME_OFFSET, SNAME_LEN]] as const) {
      if (area && !area.ended) ctx.problems.push(problem('dhcp', 'bad-value', start + at, start + at + size, `${name} overload end option missing`, { severity: 'warning', field: name === 'file' ? 'dhcp.file' : 'dhcp.server' }));
    }
    // tshark hands option 43 to a vendor sub-dissector by the vendor class; frame.protocols then lists dhcp twice
    const vc = fp.vendorClass;
    const vendorDissected = (vc?.startsWith('PXEClient') || vc?.startsWith('ArubaAP')) && main.instances.some((x) => x.type === 'tlv' && x.code === 43);
    return { value: v, headerEnd: end, end, ...(vendorDissected ? { via: 'dhcp' } : {}) };
  },
  tree(layer, ctx) {
    if (cutInFirstPass(ctx.frame, layer.start, layer.end, reportedEnd(ctx.layers, ctx.index, layer.start, layer.end))) return [];
    return dhcpNodes(ctx.frame, layer.start, layer.end).nodes;
  },
  label(layer, ctx) {
    return dhcpTable.proto.name + dhcpNodesSuffix(ctx.frame, layer.start, layer.end);
  },
  // tshark names the message BOOTP until it finds a DHCP message type option
  column(layer, ctx) {
    return layer.end > layer.start && firstPass(ctx.frame, layer.start, layer.end).messageType ? 'DHCP' : 'BOOTP';
  },
  summary(layer, ctx) {
    const b = ctx.frame;
    const s = layer.start;
    const e = layer.end;
    if (e - s < 1) return '';
    const fp = firstPass(b, s, e);
    if (fp.messageType && e - s >= 8) {
      const xid = ((b[s + 4]! << 24) | (b[s + 5]! << 16) | (b[s + 6]! << 8) | b[s + 7]!) >>> 0;
      return `DHCP ${fp.messageType.padEnd(8)} - Transaction ID 0x${xid.toString(16)}`;
    }
    const op = b[s]!;
    if (op === 1) {
      if (e - s < CHADDR_OFFSET) return 'Boot Request';
      const htype = b[s + 1]!;
      const hlen = b[s + 2]!;
      const n = Math.min(hlen, e - s - CHADDR_OFFSET);
      const ch = s + CHADDR_OFFSET;
      if ((htype === 1 || htype === 6) && hlen === 6 && n === 6) {
        const mac = Array.from(b.subarray(ch, ch + 6), (x) => x.toString(16).padStart(2, '0')).join(':');
        return `Boot Request from ${mac} (${mac})`;
      }
      if (hlen === 0) return 'Boot Request from <No address>';
      return `Boot Request from ${Array.from(b.subarray(ch, ch + n), (x) => x.toString(16).padStart(2, '0')).join('')}`;
    }
    if (op === 2) return 'Boot Reply';
    return `Unknown BOOTP message type (${op})`;
  },
  encode(input) {
    return encodeDhcp(input);
  },
  toInput(layer) {
    const v = layer.value;
    const input: DhcpInput = {
      htype: v.htype,
      hlen: v.hlen,
      hops: v.hops,
      xid: v.xid,
      secs: v.secs,
      broadcast: v.broadcast,
      flagsReserved: v.flagsReserved,
      ciaddr: v.ciaddr,
      yiaddr: v.yiaddr,
      siaddr: v.siaddr,
      giaddr: v.giaddr,
      chaddr: v.chaddr,
      cookie: v.cookie,
      options: v.options,
    };
    if (v.snameOptions) {
      input.snameOptions = v.snameOptions;
      if (v.snameTrailing) input.snameTrailing = v.snameTrailing;
    } else input.sname = v.sname;
    if (v.fileOptions) {
      input.fileOptions = v.fileOptions;
      if (v.fileTrailing) input.fileTrailing = v.fileTrailing;
    } else input.file = v.file;
    if (v.vendor) input.vendor = v.vendor;
    if (v.trailing) input.trailing = v.trailing;
    if (!v.options.some((o) => o.kind === 'end' || o.kind === 'truncated')) input.end = false;
    // op is left to follow the message type when it does (so changing the type changes it too)
    if (v.op !== autoOp(v.options)) input.op = v.op;
    return input;
  },
});

/** End of the message as the UDP length reports it (beyond the captured bytes when the snaplen cut it). */
function reportedEnd(layers: readonly Layer[], index: number, start: number, end: number): number {
  const udp = layers[index - 1];
  if (!udp || udp.proto.name !== 'udp') return end;
  const len = (udp.value as { length?: number }).length;
  return typeof len === 'number' && len >= 8 ? Math.max(end, udp.start + len) : end;
}

/** tshark's first pass reads option codes up to END or the reported end: past the captured bytes it throws. */
function cutInFirstPass(b: Uint8Array, s: number, e: number, reported: number): boolean {
  if (reported <= e || e !== b.length) return false;
  const fp = firstPass(b, s, e);
  if (fp.voff >= reported) return false;
  if (fp.voff >= e) return true;
  return !fp.scan.ended;
}

function dhcpNodesSuffix(b: Uint8Array, s: number, e: number): string {
  return dhcpNodes(b, s, e).protoSuffix;
}

/** Problems of the options: cut options and data tshark cannot read (malformed), data without its code's shape. */
function checkOptions(areas: readonly ScannedArea[], lists: readonly DhcpOption[][], problems: Problem[]): void {
  const search: Uint8Array[] = [];
  let searchAt = -1;
  areas.forEach((a, ai) => {
    a.instances.forEach((x, xi) => {
      if (x.type === 'trunc') {
        const end = x.start + 1 + (x.len === undefined ? 0 : 1) + x.data.length;
        problems.push(
          problem('dhcp', 'truncated', x.start, end, x.len === undefined ? `option ${x.code} has no length byte` : `option ${x.code} says ${x.len} bytes, ${x.data.length} present`, {
            field: 'dhcp.option.length',
            ...(x.len === undefined ? {} : { expected: x.len, actual: x.data.length }),
            limitedBy: 'udp.length',
          }),
        );
        return;
      }
      if (x.type !== 'tlv') return;
      if (x.code === 119) {
        if (searchAt < 0) searchAt = x.start;
        search.push(x.data);
        return;
      }
      const len = x.data.length;
      if (optionThrows(x.code, x.data)) {
        problems.push(problem('dhcp', 'bad-length', x.start + 1, x.start + 2 + len, `option ${x.code}: ${len} bytes cannot be read as its value`, { field: 'dhcp.option.length', actual: len }));
        return;
      }
      if (!TYPED.has(x.code) && !BASIC_OPTIONS[x.code]) return;
      // the typed value of this code (of all its instances joined, for a split option) did not parse
      if (lists[ai]![xi]!.kind !== 'raw') return;
      problems.push(problem('dhcp', 'bad-length', x.start + 1, x.start + 2 + len, `option ${x.code} data (${len} bytes) does not have the expected form`, { field: 'dhcp.option.length', actual: len, severity: 'warning' }));
    });
  });
  if (search.length && optionThrows(119, concatBytes(search))) {
    problems.push(problem('dhcp', 'bad-pointer', searchAt, searchAt + 2 + search[0]!.length, 'domain search list (option 119) is not a valid list of names', { field: 'dhcp.option.dhcp_dns_domain_search_list_fqdn' }));
  }
}

/** Codes with a typed value besides the basic-type ones. */
const TYPED = new Set([21, 33, 52, 53, 55, 61, 77, 81, 82, 119, 121, 125, 249]);

function fieldBytes(v: string | Uint8Array | undefined, size: number, field: string): Uint8Array {
  const out = new Uint8Array(size);
  if (v === undefined) return out;
  const bytes = typeof v === 'string' ? textToBytes(v) : v;
  if (bytes.length > size) throw new EncodeError(field, `${bytes.length} bytes do not fit in ${size}`);
  out.set(bytes);
  return out;
}

function areaBytes(opts: Uint8Array, trailing: Uint8Array | undefined, size: number, field: string): Uint8Array {
  let body = opts;
  const needEnd = !scanArea(opts, 0, opts.length).ended && !endsCut(opts);
  if (needEnd && opts.length + (trailing?.length ?? 0) < size) body = concatBytes([opts, new Uint8Array([255])]);
  const all = trailing ? concatBytes([body, trailing]) : body;
  if (all.length > size) throw new EncodeError(field, `options of ${all.length} bytes do not fit in ${size}`);
  const out = new Uint8Array(size);
  out.set(all);
  return out;
}

function endsCut(opts: Uint8Array): boolean {
  return scanArea(opts, 0, opts.length).instances.some((x) => x.type === 'trunc');
}

/** Encode a DHCP/BOOTP message (the UDP payload). Throws EncodeError for values that cannot fit. */
export function encodeDhcp(input: DhcpInput): Uint8Array {
  let options = input.options ?? [];
  const cookie = input.cookie ?? true;
  if ((input.fileOptions || input.snameOptions) && !options.some((o) => optionCode(o) === 52)) {
    const ov = (input.fileOptions ? 1 : 0) | (input.snameOptions ? 2 : 0);
    const at = options.findIndex((o) => o.kind === 'end');
    const o52: DhcpOption = { kind: 'number', code: 52, value: ov };
    options = at < 0 ? [...options, o52] : [...options.slice(0, at), o52, ...options.slice(at)];
  }
  if (cookie && input.end !== false && !options.some((o) => o.kind === 'end' || o.kind === 'truncated')) options = [...options, { kind: 'end' }];
  const lists: DhcpOption[][] = [options];
  if (input.fileOptions) lists.push(input.fileOptions);
  if (input.snameOptions) lists.push(input.snameOptions);
  const enc = encodeAreas(lists);
  const mainBytes = enc[0]!;
  let k = 1;
  const file = input.fileOptions ? areaBytes(enc[k++]!, input.fileTrailing, FILE_LEN, 'dhcp.file') : fieldBytes(input.file, FILE_LEN, 'dhcp.file');
  const sname = input.snameOptions ? areaBytes(enc[k++]!, input.snameTrailing, SNAME_LEN, 'dhcp.server') : fieldBytes(input.sname, SNAME_LEN, 'dhcp.server');

  let chaddr: Uint8Array;
  let hlen = input.hlen;
  if (typeof input.chaddr === 'string') {
    const mac = parseMAC(input.chaddr);
    if (!mac) throw new EncodeError('dhcp.hw.mac_addr', `not a MAC address: ${input.chaddr}`);
    chaddr = fieldBytes(mac, 16, 'dhcp.hw.addr');
    hlen ??= 6;
  } else {
    chaddr = fieldBytes(input.chaddr, 16, 'dhcp.hw.addr');
    hlen ??= input.chaddr ? Math.min(input.chaddr.length, 16) : 6;
  }
  const op = input.op ?? autoOp(options);
  let flags = input.flags;
  if (flags === undefined) flags = (input.broadcast ? 0x8000 : 0) | ((input.flagsReserved ?? 0) & 0x7fff);

  const vendor = cookie ? new Uint8Array([0x63, 0x82, 0x53, 0x63]) : input.vendor ?? new Uint8Array(0);
  const head = new Uint8Array(BOOTP_HEADER_LEN);
  fixed.write(head, 0, {
    op,
    htype: input.htype ?? 1,
    hlen,
    hops: input.hops ?? 0,
    xid: input.xid ?? 0,
    secs: input.secs ?? 0,
    flags,
    ciaddr: input.ciaddr ?? '0.0.0.0',
    yiaddr: input.yiaddr ?? '0.0.0.0',
    siaddr: input.siaddr ?? '0.0.0.0',
    giaddr: input.giaddr ?? '0.0.0.0',
  });
  head.set(chaddr, CHADDR_OFFSET);
  head.set(sname, SNAME_OFFSET);
  head.set(file, FILE_OFFSET);
  const parts = [head, vendor, mainBytes];
  if (input.trailing) parts.push(input.trailing);
  let out = concatBytes(parts);
  if (input.minLength !== undefined && out.length < input.minLength) {
    const padded = new Uint8Array(input.minLength);
    padded.set(out);
    out = padded;
  }
  return out;
}

/** The message type name of a decoded message (`Discover`), or undefined for BOOTP. */
export function dhcpMessageTypeName(v: DhcpValue): string | undefined {
  return v.messageType === undefined ? undefined : messageTypeName(v.messageType);
}

/** Kept for callers that want the magic cookie value. */
export const DHCP_MAGIC_COOKIE = MAGIC_COOKIE;
